/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The API client: GETs over HTTPS with libcurl, as the kubeconfig says
 * (server, CA, client certificate, bearer token).  A 401 is tried once
 * more with the token read again (bound service-account tokens rotate),
 * then reported naming the credential.
 */
#ifndef KSVCD_KUBE_HTTP_H
#define KSVCD_KUBE_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "kubeconfig.h"

/*
 * The biggest list page and the biggest watch event taken, in bytes.  An
 * object is at most etcd's request limit (1.5 MiB) in the API server; a
 * page holds at most 500 (the reflector's limit).
 */
#define KUBE_MAX_BODY	(128u << 20)
#define KUBE_MAX_EVENT	(4u << 20)

struct kube_client {
	struct kube_config *cfg;
	const char *server;	/* --master, else the kubeconfig's */
	long connect_timeout_s;
};

struct kube_buf {
	char *p;
	size_t len, cap;
};

/* Called for each line of a streamed body; non-zero stops the stream. */
typedef int (*kube_line_fn)(char *line, size_t len, void *arg);

/*
 * GET @path (with its query) into @out (NUL-terminated).  Returns the
 * HTTP status, or -1 when no answer came (@err says why).  A status
 * other than 200 leaves the server's body (a Status) in @out.
 */
int kube_get(struct kube_client *c, const char *path, struct kube_buf *out,
	     char *err, size_t errlen);

/*
 * GET @path and hand each line of the body to @fn as it arrives (a
 * watch).  Returns the HTTP status once the stream ends (the server
 * closed it: 200), or -1 (@err says why).  *@stop, set by another thread,
 * ends it within a second.  No byte for @idle_s seconds ends it too.
 */
int kube_stream(struct kube_client *c, const char *path, kube_line_fn fn,
		void *arg, const volatile bool *stop, long idle_s,
		struct kube_buf *body, char *err, size_t errlen);

/* The Status message of an error body, or the body's start. */
const char *kube_status_message(const struct kube_buf *b, char *buf,
				size_t len);

void kube_buf_free(struct kube_buf *b);

#endif
