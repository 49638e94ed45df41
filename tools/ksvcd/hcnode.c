// SPDX-License-Identifier: GPL-2.0
/*
 * hcnode.c: health-check node ports; see hcnode.h.  Listeners are keyed
 * by "namespace/name" as kube-proxy keys them by NamespacedName, and a
 * sync closes before it opens, so a port can move from one service to
 * another in one sync.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "hcnode.h"
#include "health.h"
#include "hmap.h"
#include "model_util.h"

struct hc_listener {
	char *qns, *qname;		/* as JSON strings, quoted */
	uint16_t port;
	atomic_int endpoints;		/* the sync writes, servers read */
	struct health *proxy;
	size_t n;
	struct MHD_Daemon *d[];		/* one per address */
};

struct hcnode {
	struct hmap on;			/* "ns/name" -> struct hc_listener */
	struct health *proxy;
	char **addrs;			/* NULL: every address */
	size_t naddrs;
};

/* @s as a JSON string literal: what Go's %q gives for Kubernetes names. */
static char *quote(const char *s)
{
	json_t *j = json_string_nocheck(s);
	char *q = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;

	json_decref(j);
	return q ? q : m_xstrdup("\"\"");
}

static enum MHD_Result hc_answer(void *arg, struct MHD_Connection *c,
				 const char *url, const char *method,
				 const char *version, const char *upload,
				 size_t *upload_len, void **req)
{
	struct hc_listener *l = arg;
	char weight[16];
	const char *const hdrs[] = {
		"Content-Type", "application/json",
		"X-Content-Type-Options", "nosniff",
		"X-Load-Balancing-Endpoint-Weight", weight,
		NULL
	};
	bool healthy;
	char *body;
	int n;

	(void)url;
	(void)method;
	(void)version;
	(void)upload;
	if (!httpd_request_done(req, upload_len))
		return MHD_YES;
	n = atomic_load(&l->endpoints);
	healthy = !l->proxy || health_is_healthy(l->proxy);
	snprintf(weight, sizeof(weight), "%d", n);
	body = m_xasprintf("{\n\t\"service\": {\n\t\t\"namespace\": %s,\n"
			   "\t\t\"name\": %s\n\t},\n\t\"localEndpoints\": %d,\n"
			   "\t\"serviceProxyHealthy\": %s\n}",
			   l->qns, l->qname, n, healthy ? "true" : "false");
	return httpd_reply(c, n && healthy ? MHD_HTTP_OK :
			   MHD_HTTP_SERVICE_UNAVAILABLE,
			   body, strlen(body), hdrs);
}

static void hc_close(struct hc_listener *l)
{
	for (size_t i = 0; i < l->n; i++)
		MHD_stop_daemon(l->d[i]);
	free(l->qns);
	free(l->qname);
	free(l);
}

/* Close every listener of @m and empty it. */
static void hc_close_all(struct hmap *m)
{
	const struct hent *e;

	for (size_t i = 0; hmap_next(m, &i, &e);)
		hc_close(e->val);
	hmap_free(m);
}

/* Listener @i's address in Go syntax: ":port" is every address. */
static void hc_addr(char *buf, size_t n, const struct hcnode *h, size_t i,
		    uint16_t port)
{
	const char *ip = h->naddrs ? h->addrs[i] : "";

	snprintf(buf, n, strchr(ip, ':') ? "[%s]:%u" : "%s:%u", ip, port);
}

/* Listen for @s on every address, all or none: 0 or -errno. */
static int hc_open(struct hcnode *h, const struct hc_service *s,
		   struct hc_listener **out, char *err, size_t errlen)
{
	size_t n = h->naddrs ? h->naddrs : 1;
	struct hc_listener *l = m_xcalloc(1, sizeof(*l) + n * sizeof(*l->d));
	char addr[INET6_ADDRSTRLEN + 8], why[256];
	int fd;

	l->qns = quote(s->ns);
	l->qname = quote(s->name);
	l->port = s->port;
	l->proxy = h->proxy;
	atomic_init(&l->endpoints, s->local_endpoints);
	for (; l->n < n; l->n++) {
		hc_addr(addr, sizeof(addr), h, l->n, s->port);
		fd = httpd_listen(addr, NULL, why, sizeof(why));
		if (fd >= 0 && !(l->d[l->n] = httpd_start(fd, hc_answer, l))) {
			snprintf(why, sizeof(why),
				 "%s: cannot start an HTTP server", addr);
			fd = -ENOMEM;
		}
		if (fd < 0) {
			snprintf(err, errlen,
				 "health check of %s/%s on port %u: %s",
				 s->ns, s->name, s->port, why);
			hc_close(l);
			return fd;
		}
	}
	*out = l;
	return 0;
}

int hcnode_sync(struct hcnode *h, const struct hc_service *svcs, size_t n,
		char *err, size_t errlen)
{
	char **keys = m_xcalloc(n + 1, sizeof(*keys));
	struct hmap keep = { 0 };
	struct hc_listener *l;
	int rc = 0, e;

	/* keep the listeners of services that stay on their port */
	for (size_t i = 0; i < n; i++) {
		keys[i] = m_xasprintf("%s/%s", svcs[i].ns, svcs[i].name);
		l = hmap_get(&h->on, keys[i]);
		if (!l || l->port != svcs[i].port)
			continue;
		*hmap_slot(&keep, keys[i]) = hmap_del(&h->on, keys[i]);
		atomic_store(&l->endpoints, svcs[i].local_endpoints);
	}
	/* close the others first: their ports may be reused just below */
	hc_close_all(&h->on);
	h->on = keep;
	for (size_t i = 0; i < n; i++) {
		/* the first failure's message is the one kept */
		if (!hmap_get(&h->on, keys[i])) {
			e = hc_open(h, &svcs[i], &l, rc ? NULL : err,
				    rc ? 0 : errlen);
			if (!e)
				*hmap_slot(&h->on, keys[i]) = l;
			else if (!rc)
				rc = e;
		}
		free(keys[i]);
	}
	free(keys);
	return rc;
}

struct hcnode *hcnode_new(void)
{
	return m_xcalloc(1, sizeof(struct hcnode));
}

void hcnode_set_health(struct hcnode *h, struct health *proxy)
{
	h->proxy = proxy;
}

static void free_addrs(struct hcnode *h)
{
	for (size_t i = 0; i < h->naddrs; i++)
		free(h->addrs[i]);
	free(h->addrs);
	h->addrs = NULL;
	h->naddrs = 0;
}

static bool is_ip(const char *s)
{
	unsigned char a[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

int hcnode_set_addresses(struct hcnode *h, const char *const *addrs,
			 size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_ip(addrs[i]))
			return -EINVAL;
	hc_close_all(&h->on);
	free_addrs(h);
	if (!n)
		return 0;
	h->addrs = m_xcalloc(n, sizeof(*h->addrs));
	for (h->naddrs = 0; h->naddrs < n; h->naddrs++)
		h->addrs[h->naddrs] = m_xstrdup(addrs[h->naddrs]);
	return 0;
}

void hcnode_free(struct hcnode *h)
{
	if (!h)
		return;
	hc_close_all(&h->on);
	free_addrs(h);
	free(h);
}
