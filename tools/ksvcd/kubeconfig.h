/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the API server is and how ksvcd proves who it is: read from a
 * kubeconfig file, the way client-go reads one, or from the pod's
 * service account (in-cluster).  Only what a daemon can use without
 * running other programs is supported: a CA, a client certificate, a
 * static token or a token file.  exec and auth-provider plugins, basic
 * authentication, impersonation and proxy-url are refused by name.
 */
#ifndef KSVCD_KUBECONFIG_H
#define KSVCD_KUBECONFIG_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <time.h>

/* The service account's files, as the kubelet mounts them in a pod. */
#define KUBE_SA_DIR		"/var/run/secrets/kubernetes.io/serviceaccount"
/* Tests point in-cluster loading at a directory of their own. */
#define KSVCD_SA_DIR_ENV	"KSVCD_SA_DIR"

/* A token file is stat()ed at most this often, unless forced. */
#define KUBE_TOKEN_RECHECK_NS	1000000000L

/* kube_config_token()'s cache of tokenFile: private to kubeconfig.c. */
struct kube_token_cache {
	pthread_mutex_t lock;
	bool lock_init;
	char *value;		/* last good content, trimmed; or NULL */
	struct stat st;		/* of the file @value was read from */
	struct timespec checked;	/* CLOCK_MONOTONIC of the last look */
};

struct kube_config {
	char *server;		/* "https://host:port[/path]", no final '/' */
	char *ca_file;		/* certificate-authority, or NULL */
	unsigned char *ca_pem;	/* certificate-authority-data, decoded */
	size_t ca_pem_len;
	char *cert_file;	/* client-certificate */
	char *key_file;		/* client-key */
	unsigned char *cert_pem, *key_pem;	/* the -data forms, decoded */
	size_t cert_pem_len, key_pem_len;
	char *token;		/* a static bearer token, or NULL */
	char *token_file;	/* tokenFile, or the service account's */
	bool insecure;		/* insecure-skip-tls-verify */
	char *tls_server_name;	/* tls-server-name, or NULL */
	/* The names used, for messages; NULL in-cluster (user: no user). */
	char *context, *cluster, *user;
	char *source;		/* the kubeconfig path, or "in-cluster" */
	struct kube_token_cache tok;	/* private */
};

/*
 * Read the kubeconfig at @path and resolve @context (NULL: its
 * current-context) to a cluster and a user.  File paths in it are made
 * absolute, relative ones against the kubeconfig's directory (as
 * client-go does), and must be readable now; -data fields are decoded
 * and must be PEM; a tokenFile must hold a token now.
 *
 * The server may be http:// (a local "kubectl proxy", a test API
 * server): the caller should warn, as it should for ->insecure, since
 * the token then travels or is accepted unchecked.
 *
 * Returns 0, or -1 with a message in @err naming the file, the entry
 * and the field ("kubeconfig F: users[0] ("admin").user.exec: ...").
 * On failure *@c is left empty; kube_config_free() is harmless on it.
 */
int kube_config_load(struct kube_config *c, const char *path,
		     const char *context, char *err, size_t errlen);

/*
 * The pod's service account: the API server at KUBERNETES_SERVICE_HOST
 * and KUBERNETES_SERVICE_PORT, the token and CA in KUBE_SA_DIR (or
 * $KSVCD_SA_DIR).  The token is a tokenFile: bound tokens rotate.
 * Returns 0, or -1 with a message in @err ("in-cluster config: ...").
 */
int kube_config_in_cluster(struct kube_config *c, char *err, size_t errlen);

void kube_config_free(struct kube_config *c);

/*
 * The bearer token to send now, as a copy for the caller to free(); NULL
 * if none (or out of memory).  With a token_file, its content: read
 * again when its inode, size or mtime changed (looked at no more than
 * once a second), or always when @force (say, after a 401).  If the file
 * cannot be read, the last good content (else ->token) is returned, as
 * client-go does.  Thread-safe: reflector threads share one config.
 */
char *kube_config_token(struct kube_config *c, bool force);

#endif
