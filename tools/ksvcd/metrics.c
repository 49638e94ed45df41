// SPDX-License-Identifier: GPL-2.0
/*
 * metrics.c: kube-proxy's metrics address; see metrics.h.  The text is
 * byte for byte what kube-proxy's client_golang writes for the same
 * values: families sorted by name, "[ALPHA] " before the help text (the
 * stability level Kubernetes' component-base adds), cumulative buckets,
 * and Go's float formatting.
 */
#define _GNU_SOURCE
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "health.h"
#include "metrics.h"
#include "model_util.h"

#define SYNC_BUCKETS	15
#define NETPROG_BUCKETS	81

/*
 * What kube-proxy's client_golang answers a scraper that asks for
 * nothing in particular (escaping only matters for names outside
 * [a-zA-Z0-9_:], which none here are).
 */
#define TEXT_FORMAT	"text/plain; version=0.0.4; charset=utf-8; " \
			"escaping=underscores"

struct hist {
	const double *le;	/* upper bounds, ascending; +Inf implied */
	size_t n;
	uint64_t count[NETPROG_BUCKETS + 1];	/* per bucket, [n] is +Inf */
	uint64_t total;
	double sum;
};

struct metrics {
	pthread_mutex_t lock;
	double sync_le[SYNC_BUCKETS], netprog_le[NETPROG_BUCKETS];
	struct hist sync, netprog;
	uint64_t svc_changes, ep_changes;
	double last_sync;	/* Unix seconds; 0 before the first */
	metrics_extra_fn extra;
	void *extra_arg;
	struct MHD_Daemon *d;
	int port;
};

/* prometheus.ExponentialBuckets, computed as it does. */
static size_t exp_buckets(double *b, double start, double factor, int n)
{
	for (int i = 0; i < n; i++, start *= factor)
		b[i] = start;
	return n;
}

/* prometheus.LinearBuckets, computed as it does. */
static size_t lin_buckets(double *b, double start, double width, int n)
{
	for (int i = 0; i < n; i++, start += width)
		b[i] = start;
	return n;
}

/*
 * kube-proxy's network programming buckets.  Its MergeBuckets starts
 * from a slice of length 1, so a 0 bucket leads: kept, it is on the wire.
 */
static size_t netprog_buckets(double *b)
{
	size_t n = 1;

	b[0] = 0;
	n += lin_buckets(b + n, 0.25, 0.25, 2);
	n += lin_buckets(b + n, 1, 1, 59);
	n += lin_buckets(b + n, 60, 5, 12);
	n += lin_buckets(b + n, 120, 30, 7);
	return n;
}

/* Go's Histogram.Observe: the first bucket whose bound is >= @v. */
static void observe(struct hist *h, double v)
{
	size_t i = 0;

	while (i < h->n && h->le[i] < v)
		i++;
	h->count[i]++;
	h->total++;
	h->sum += v;
}

void metrics_sync_done(struct metrics *m, double seconds)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	pthread_mutex_lock(&m->lock);
	observe(&m->sync, seconds);
	/* Go's SetToCurrentTime: float64(UnixNano()) / 1e9 */
	m->last_sync = (double)(now.tv_sec * 1000000000LL + now.tv_nsec) / 1e9;
	pthread_mutex_unlock(&m->lock);
}

void metrics_network_programming(struct metrics *m, double seconds)
{
	pthread_mutex_lock(&m->lock);
	observe(&m->netprog, seconds);
	pthread_mutex_unlock(&m->lock);
}

void metrics_service_changes(struct metrics *m, unsigned int n)
{
	pthread_mutex_lock(&m->lock);
	m->svc_changes += n;
	pthread_mutex_unlock(&m->lock);
}

void metrics_endpoint_changes(struct metrics *m, unsigned int n)
{
	pthread_mutex_lock(&m->lock);
	m->ep_changes += n;
	pthread_mutex_unlock(&m->lock);
}

void metrics_set_extra(struct metrics *m, metrics_extra_fn fn, void *arg)
{
	pthread_mutex_lock(&m->lock);
	m->extra = fn;
	m->extra_arg = arg;
	pthread_mutex_unlock(&m->lock);
}

int metrics_port(const struct metrics *m)
{
	return m->port;
}

/*
 * Go's strconv.FormatFloat(v, 'g', -1, 64), as client_golang writes
 * values: the fewest digits that read back as @v (found by asking printf
 * for 1, 2, ... 17 digits), in %e form when the exponent is below -4 or
 * 6 and up (Go's rule for the shortest form), else plain.
 */
static void go_float(char *buf, size_t size, double v)
{
	static const char zeros[] = "000000";
	const char *sign = v < 0 ? "-" : "";
	char e[40], digits[20], *p = e;
	int nd = 0, exp, prec;

	if (isnan(v) || isinf(v) || v == 0) {
		snprintf(buf, size, "%s", isnan(v) ? "NaN" : v == 0 ? "0" :
			 v > 0 ? "+Inf" : "-Inf");
		return;
	}
	for (prec = 1; prec < 17; prec++) {
		snprintf(e, sizeof(e), "%.*e", prec - 1, v);
		if (strtod(e, NULL) == v)
			break;
	}
	snprintf(e, sizeof(e), "%.*e", prec - 1, fabs(v));
	for (; *p != 'e'; p++)
		if (*p != '.')
			digits[nd++] = *p;
	digits[nd] = '\0';
	exp = atoi(p + 1);
	if (exp < -4 || exp >= 6)	/* d[.ddd]e+XX */
		snprintf(buf, size, "%s%c%s%se%c%02d", sign, digits[0],
			 nd > 1 ? "." : "", digits + 1, exp < 0 ? '-' : '+',
			 abs(exp));
	else if (exp < 0)		/* 0.000ddd */
		snprintf(buf, size, "%s0.%.*s%s", sign, -exp - 1, zeros,
			 digits);
	else if (exp + 1 >= nd)		/* ddd000 */
		snprintf(buf, size, "%s%s%.*s", sign, digits, exp + 1 - nd,
			 zeros);
	else				/* ddd.ddd */
		snprintf(buf, size, "%s%.*s.%s", sign, exp + 1, digits,
			 digits + exp + 1);
}

/* Escape \ and newline, and " if @quote (label values). */
static void put_escaped(FILE *out, const char *s, bool quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", out);
		else if (*s == '\n')
			fputs("\\n", out);
		else if (*s == '"' && quote)
			fputs("\\\"", out);
		else
			fputc(*s, out);
	}
}

static void write_header(FILE *out, const char *name, const char *help,
			 const char *type)
{
	fprintf(out, "# HELP %s ", name);
	put_escaped(out, help, false);
	fprintf(out, "\n# TYPE %s %s\n", name, type);
}

void metrics_write_counter_header(FILE *out, const char *name,
				  const char *help)
{
	write_header(out, name, help, "counter");
}

void metrics_write_sample(FILE *out, const char *name,
			  const char *const *label_kv, double value)
{
	char v[40];

	fputs(name, out);
	for (const char *const *kv = label_kv; kv && kv[0]; kv += 2) {
		fprintf(out, "%c%s=\"", kv == label_kv ? '{' : ',', kv[0]);
		put_escaped(out, kv[1], true);
		fputc('"', out);
	}
	if (label_kv && label_kv[0])
		fputc('}', out);
	go_float(v, sizeof(v), value);
	fprintf(out, " %s\n", v);
}

static void write_hist(FILE *out, const char *name, const char *help,
		       const struct hist *h)
{
	char sample[128], le[40];
	const char *const kv[] = { "le", le, NULL };
	uint64_t cum = 0;

	write_header(out, name, help, "histogram");
	snprintf(sample, sizeof(sample), "%s_bucket", name);
	for (size_t i = 0; i < h->n; i++) {
		cum += h->count[i];
		go_float(le, sizeof(le), h->le[i]);
		metrics_write_sample(out, sample, kv, cum);
	}
	strcpy(le, "+Inf");
	metrics_write_sample(out, sample, kv, h->total);
	snprintf(sample, sizeof(sample), "%s_sum", name);
	metrics_write_sample(out, sample, NULL, h->sum);
	snprintf(sample, sizeof(sample), "%s_count", name);
	metrics_write_sample(out, sample, NULL, h->total);
}

static void write_one(FILE *out, const char *name, const char *help,
		      const char *type, double v)
{
	write_header(out, name, help, type);
	metrics_write_sample(out, name, NULL, v);
}

/* kube-proxy's families, sorted by name as client_golang sorts them. */
static void write_kube_proxy(FILE *out, const struct metrics *m)
{
	write_hist(out, "kubeproxy_network_programming_duration_seconds",
		   "[ALPHA] In Cluster Network Programming Latency in seconds",
		   &m->netprog);
	write_hist(out, "kubeproxy_sync_proxy_rules_duration_seconds",
		   "[ALPHA] SyncProxyRules latency in seconds", &m->sync);
	write_one(out, "kubeproxy_sync_proxy_rules_endpoint_changes_total",
		  "[ALPHA] Cumulative proxy rules Endpoint changes", "counter",
		  m->ep_changes);
	write_one(out, "kubeproxy_sync_proxy_rules_last_timestamp_seconds",
		  "[ALPHA] The last time proxy rules were successfully synced",
		  "gauge", m->last_sync);
	write_one(out, "kubeproxy_sync_proxy_rules_service_changes_total",
		  "[ALPHA] Cumulative proxy rules Service changes", "counter",
		  m->svc_changes);
}

static enum MHD_Result scrape(struct MHD_Connection *c, struct metrics *m)
{
	static const char *const hdrs[] = { "Content-Type", TEXT_FORMAT, NULL };
	metrics_extra_fn extra;
	void *arg;
	size_t len;
	char *buf;
	FILE *out = open_memstream(&buf, &len);

	if (!out)
		m_oom();
	pthread_mutex_lock(&m->lock);
	write_kube_proxy(out, m);
	extra = m->extra;
	arg = m->extra_arg;
	pthread_mutex_unlock(&m->lock);
	if (extra)
		extra(out, arg);
	if (fclose(out))
		m_oom();
	return httpd_reply(c, MHD_HTTP_OK, buf, len, hdrs);
}

/* Is there a query argument "verbose", with a value or without? */
static enum MHD_Result find_verbose(void *found, enum MHD_ValueKind kind,
				    const char *key, const char *value)
{
	(void)kind;
	(void)value;
	if (strcmp(key, "verbose"))
		return MHD_YES;
	*(bool *)found = true;
	return MHD_NO;
}

/*
 * The /healthz kube-proxy installs on this address: Kubernetes' healthz
 * with its one check, "ping", which always passes; ?verbose lists it.
 */
static enum MHD_Result ping(struct MHD_Connection *c)
{
	static const char *const hdrs[] = {
		"Content-Type", "text/plain; charset=utf-8",
		"X-Content-Type-Options", "nosniff",
		NULL
	};
	bool verbose = false;
	const char *body;

	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, find_verbose,
				  &verbose);
	body = verbose ? "[+]ping ok\nhealthz check passed\n" : "ok";
	return httpd_reply(c, MHD_HTTP_OK, m_xstrdup(body), strlen(body), hdrs);
}

static enum MHD_Result metrics_answer(void *arg, struct MHD_Connection *c,
				      const char *url, const char *method,
				      const char *version, const char *upload,
				      size_t *upload_len, void **req)
{
	static const char *const text[] = {
		"Content-Type", "text/plain; charset=utf-8", NULL
	};

	(void)method;
	(void)version;
	(void)upload;
	if (!httpd_request_done(req, upload_len))
		return MHD_YES;
	if (!strcmp(url, "/metrics"))
		return scrape(c, arg);
	if (!strcmp(url, "/healthz"))
		return ping(c);
	/* the check's own path: "ok", Go sniffing the type, no nosniff */
	if (!strcmp(url, "/healthz/ping"))
		return httpd_reply(c, MHD_HTTP_OK, m_xstrdup("ok"), 2, text);
	return httpd_not_found(c);
}

struct metrics *metrics_start(const char *bind_addr, char *err,
			      size_t errlen)
{
	struct metrics *m = m_xcalloc(1, sizeof(*m));
	int fd;

	pthread_mutex_init(&m->lock, NULL);
	m->sync.le = m->sync_le;
	m->sync.n = exp_buckets(m->sync_le, 0.001, 2, SYNC_BUCKETS);
	m->netprog.le = m->netprog_le;
	m->netprog.n = netprog_buckets(m->netprog_le);
	if (!bind_addr || !*bind_addr)
		return m;
	fd = httpd_listen(bind_addr, &m->port, err, errlen);
	if (fd >= 0) {
		m->d = httpd_start(fd, metrics_answer, m);
		if (m->d)
			return m;
		snprintf(err, errlen, "%s: cannot start an HTTP server",
			 bind_addr);
	}
	metrics_stop(m);
	return NULL;
}

void metrics_stop(struct metrics *m)
{
	if (!m)
		return;
	if (m->d)
		MHD_stop_daemon(m->d);
	pthread_mutex_destroy(&m->lock);
	free(m);
}
