// SPDX-License-Identifier: GPL-2.0
/*
 * health.c: kube-proxy's /healthz and /livez; see health.h.  The JSON is
 * what kube-proxy 1.34's json.Marshal(ProxyHealth) writes, field for
 * field and in its order.  The shared HTTP plumbing is at the end.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>

#include "health.h"
#include "model_util.h"

/*
 * kube-proxy reports each IP family's proxier under "status".  One ksvc
 * sync programs both families, so both are reported, always alike: what
 * a dual-stack kube-proxy whose two proxiers sync together would say.
 */
static const char *const families[] = { "IPv4", "IPv6" };

static const char *const json_hdrs[] = {
	"Content-Type", "application/json",
	"X-Content-Type-Options", "nosniff",
	NULL
};

struct health {
	pthread_mutex_t lock;
	int64_t timeout_ns;
	bool synced;			/* health_updated() was called */
	bool queued;			/* a change waits for the next sync */
	bool eligible;
	struct timespec updated;	/* CLOCK_REALTIME: the JSON shows it */
	struct timespec queued_at;	/* CLOCK_MONOTONIC: no clock steps */
	struct MHD_Daemon *d;
	int port;
};

/* What one answer is made of, read at once under the lock. */
struct health_view {
	bool healthy, eligible, synced;
	struct timespec updated, now;
};

static int64_t ns_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000000000LL +
	       (now.tv_nsec - t->tv_nsec);
}

/* kube-proxy's rule (see health.h).  Caller holds h->lock. */
static bool healthy_locked(const struct health *h)
{
	if (!h->synced || !h->queued)
		return true;
	return ns_since(&h->queued_at) < h->timeout_ns;
}

void health_queued(struct health *h)
{
	pthread_mutex_lock(&h->lock);
	/* the oldest waiting change is the one that can be late */
	if (!h->queued) {
		h->queued = true;
		clock_gettime(CLOCK_MONOTONIC, &h->queued_at);
	}
	pthread_mutex_unlock(&h->lock);
}

void health_updated(struct health *h)
{
	pthread_mutex_lock(&h->lock);
	h->queued = false;
	h->synced = true;
	clock_gettime(CLOCK_REALTIME, &h->updated);
	pthread_mutex_unlock(&h->lock);
}

void health_set_node_eligible(struct health *h, bool eligible)
{
	pthread_mutex_lock(&h->lock);
	h->eligible = eligible;
	pthread_mutex_unlock(&h->lock);
}

bool health_is_healthy(struct health *h)
{
	bool ok;

	pthread_mutex_lock(&h->lock);
	ok = healthy_locked(h);
	pthread_mutex_unlock(&h->lock);
	return ok;
}

int health_port(const struct health *h)
{
	return h->port;
}

static void health_view(struct health *h, struct health_view *v)
{
	pthread_mutex_lock(&h->lock);
	v->healthy = healthy_locked(h);
	v->eligible = h->eligible;
	v->synced = h->synced;
	v->updated = h->updated;
	pthread_mutex_unlock(&h->lock);
	clock_gettime(CLOCK_REALTIME, &v->now);
}

/*
 * Go's time.Time in JSON: RFC 3339, nanoseconds without trailing zeros,
 * local time as Go's time.Now() gives it; a zero @t is Go's zero time
 * (kube-proxy's lastUpdated before any sync).
 */
static const char *go_time(char *buf, size_t n, const struct timespec *t)
{
	struct tm tm;
	size_t len;
	long off;

	if (!t->tv_sec && !t->tv_nsec)
		return "0001-01-01T00:00:00Z";
	localtime_r(&t->tv_sec, &tm);
	len = strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);
	if (t->tv_nsec) {
		len += snprintf(buf + len, n - len, ".%09ld", t->tv_nsec);
		while (buf[len - 1] == '0')
			len--;
	}
	off = tm.tm_gmtoff / 60;
	if (!off)
		snprintf(buf + len, n - len, "Z");
	else
		snprintf(buf + len, n - len, "%c%02ld:%02ld",
			 off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
	return buf;
}

/* "status": per family, its last sync and health. */
static json_t *health_status(const struct health_view *v)
{
	json_t *s = json_object();
	char t[64];

	go_time(t, sizeof(t), &v->updated);
	for (size_t i = 0; i < sizeof(families) / sizeof(*families); i++)
		json_object_set_new(s, families[i],
				    json_pack("{s:s, s:b}", "lastUpdated", t,
					      "healthy", v->healthy));
	return s;
}

/*
 * The body.  As in kube-proxy: lastUpdated is "now" when the answer is
 * 200 (older probes read it as "the sync loop is alive"); nodeEligible
 * only on /healthz; status only once something was synced.
 */
static char *health_json(const struct health_view *v, bool healthz, bool ok)
{
	json_t *o = json_object();
	char t[64];
	char *s;

	json_object_set_new(o, "lastUpdated",
		json_string(go_time(t, sizeof(t), ok ? &v->now : &v->updated)));
	json_object_set_new(o, "currentTime",
			    json_string(go_time(t, sizeof(t), &v->now)));
	if (healthz)
		json_object_set_new(o, "nodeEligible",
				    json_boolean(v->eligible));
	json_object_set_new(o, "healthy", json_boolean(v->healthy));
	if (v->synced)
		json_object_set_new(o, "status", health_status(v));
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!s)
		m_oom();
	return s;
}

static enum MHD_Result health_answer(void *arg, struct MHD_Connection *c,
				     const char *url, const char *method,
				     const char *version, const char *upload,
				     size_t *upload_len, void **req)
{
	bool healthz = !strcmp(url, "/healthz");
	struct health_view v;
	char *body;
	bool ok;

	(void)method;
	(void)version;
	(void)upload;
	if (!httpd_request_done(req, upload_len))
		return MHD_YES;
	if (!healthz && strcmp(url, "/livez"))
		return httpd_not_found(c);
	health_view(arg, &v);
	ok = v.healthy && (v.eligible || !healthz);
	body = health_json(&v, healthz, ok);
	return httpd_reply(c, ok ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE,
			   body, strlen(body), json_hdrs);
}

struct health *health_start(const char *bind_addr, long health_timeout_ms,
			    char *err, size_t errlen)
{
	struct health *h = m_xcalloc(1, sizeof(*h));
	int fd;

	pthread_mutex_init(&h->lock, NULL);
	h->timeout_ns = health_timeout_ms * 1000000LL;
	/* eligible until told otherwise, as kube-proxy starts */
	h->eligible = true;
	if (!bind_addr || !*bind_addr)
		return h;
	fd = httpd_listen(bind_addr, &h->port, err, errlen);
	if (fd >= 0) {
		h->d = httpd_start(fd, health_answer, h);
		if (h->d)
			return h;
		snprintf(err, errlen, "%s: cannot start an HTTP server",
			 bind_addr);
	}
	health_stop(h);
	return NULL;
}

void health_stop(struct health *h)
{
	if (!h)
		return;
	if (h->d)
		MHD_stop_daemon(h->d);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

/* ------------------------------------------------------------------ */
/* HTTP plumbing */

/*
 * Idle keep-alive connections are closed after this, so clients that
 * connect and go quiet cannot pile up.
 */
#define HTTPD_IDLE_S	60

/* Go's net.SplitHostPort: "host:port", "[v6]:port"; 0 or -1. */
static int split_host_port(const char *s, char *host, size_t hostlen,
			   const char **port)
{
	const char *colon = strrchr(s, ':'), *h = s, *end = colon;

	if (!colon)
		return -1;
	if (*s == '[') {
		h = s + 1;
		end = strchr(h, ']');
		if (!end || end + 1 != colon)
			return -1;
	} else if (memchr(s, ':', colon - s)) {
		return -1;	/* an IPv6 address needs its brackets */
	}
	if ((size_t)(end - h) >= hostlen)
		return -1;
	memcpy(host, h, end - h);
	host[end - h] = '\0';
	*port = colon + 1;
	return 0;
}

/* A decimal port; "" is 0, as Go takes it. */
static int parse_port(const char *s, unsigned int *port)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*end || v > 65535 || (*s && (*s < '0' || *s > '9')))
		return -1;
	*port = v;
	return 0;
}

/* Go listens on both families for "", "0.0.0.0" and "::" alike. */
static bool wildcard(const char *host)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (!*host)
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return a4.s_addr == htonl(INADDR_ANY);
	return inet_pton(AF_INET6, host, &a6) == 1 &&
	       IN6_IS_ADDR_UNSPECIFIED(&a6);
}

static int sock_fail(int fd, const char *op, const char *addr, char *err,
		     size_t errlen)
{
	int e = errno;

	snprintf(err, errlen, "listen tcp %s: %s: %s", addr, op, strerror(e));
	if (fd >= 0)
		close(fd);
	return -e;
}

static int listen_on(const struct sockaddr *sa, socklen_t len, bool dual,
		     const char *addr, char *err, size_t errlen)
{
	int fd = socket(sa->sa_family,
			SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1, zero = 0;

	if (fd < 0)
		return sock_fail(fd, "socket", addr, err, errlen);
	/* as Go does: a restart rebinds while old connections linger */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (dual && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero,
			       sizeof(zero)))
		return sock_fail(fd, "setsockopt", addr, err, errlen);
	if (bind(fd, sa, len))
		return sock_fail(fd, "bind", addr, err, errlen);
	if (listen(fd, SOMAXCONN))
		return sock_fail(fd, "listen", addr, err, errlen);
	return fd;
}

/* [::] with IPv4 mapped in, or 0.0.0.0 where IPv6 is missing. */
static int listen_any(unsigned int port, const char *addr, char *err,
		      size_t errlen)
{
	struct sockaddr_in6 s6 = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(port),
		.sin6_addr = IN6ADDR_ANY_INIT,
	};
	struct sockaddr_in s4 = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	int fd = listen_on((void *)&s6, sizeof(s6), true, addr, err, errlen);

	if (fd != -EAFNOSUPPORT)
		return fd;
	return listen_on((void *)&s4, sizeof(s4), false, addr, err, errlen);
}

static int listen_host(const char *host, unsigned int port,
		       const char *addr, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	int fd, rc = getaddrinfo(host, NULL, &hints, &ai);

	if (rc) {
		snprintf(err, errlen, "listen tcp %s: %s", addr,
			 gai_strerror(rc));
		return -EADDRNOTAVAIL;
	}
	/* the first answer, as Go's Listen takes it */
	if (ai->ai_family == AF_INET6)
		((struct sockaddr_in6 *)ai->ai_addr)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)ai->ai_addr)->sin_port = htons(port);
	fd = listen_on(ai->ai_addr, ai->ai_addrlen, false, addr, err, errlen);
	freeaddrinfo(ai);
	return fd;
}

static int local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return 0;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

int httpd_listen(const char *bind_addr, int *port, char *err, size_t errlen)
{
	char host[256];
	const char *ps;
	unsigned int pn;
	int fd;

	if (split_host_port(bind_addr, host, sizeof(host), &ps) ||
	    parse_port(ps, &pn)) {
		snprintf(err, errlen, "%s: not an address host:port",
			 bind_addr);
		return -EINVAL;
	}
	if (wildcard(host))
		fd = listen_any(pn, bind_addr, err, errlen);
	else
		fd = listen_host(host, pn, bind_addr, err, errlen);
	if (fd >= 0 && port)
		*port = local_port(fd);
	return fd;
}

struct MHD_Daemon *httpd_start(int fd, MHD_AccessHandlerCallback fn,
			       void *arg)
{
	return MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD, 0, NULL, NULL,
				fn, arg,
				MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
				MHD_OPTION_CONNECTION_TIMEOUT,
				(unsigned int)HTTPD_IDLE_S,
				MHD_OPTION_END);
}

bool httpd_request_done(void **req, size_t *upload_len)
{
	static char seen;

	if (!*req) {
		*req = &seen;
		return false;
	}
	/* a body means nothing to these servers: drop it */
	if (*upload_len) {
		*upload_len = 0;
		return false;
	}
	return true;
}

enum MHD_Result httpd_reply(struct MHD_Connection *c, unsigned int status,
			    char *body, size_t len, const char *const *hdrs)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer_with_free_callback(len, body,
							       free);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	for (; hdrs && hdrs[0]; hdrs += 2)
		MHD_add_response_header(r, hdrs[0], hdrs[1]);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

enum MHD_Result httpd_not_found(struct MHD_Connection *c)
{
	static const char *const hdrs[] = {
		"Content-Type", "text/plain; charset=utf-8",
		"X-Content-Type-Options", "nosniff",
		NULL
	};
	static const char msg[] = "404 page not found\n";

	return httpd_reply(c, MHD_HTTP_NOT_FOUND, m_xstrdup(msg),
			   sizeof(msg) - 1, hdrs);
}
