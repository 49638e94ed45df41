// SPDX-License-Identifier: GPL-2.0
/*
 * ksvcd's kube-proxy health servers over real sockets, libcurl as the
 * client: /healthz and /livez (health.c) and the health-check node ports
 * (hcnode.c).  Servers listen on 127.0.0.1 or every address, port 0 or a
 * port found free just before.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "hcnode.h"
#include "health.h"
#include "http_get.h"

static bool have_ipv6(void)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6,
				  .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	int fd = socket(AF_INET6, SOCK_STREAM, 0);
	bool ok = fd >= 0 && !bind(fd, (void *)&a, sizeof(a));

	if (fd >= 0)
		close(fd);
	return ok;
}

/* A port free on every address right now. */
static int free_port(void)
{
	char err[256];
	int port = 0, fd = httpd_listen(":0", &port, err, sizeof(err));

	assert_true(fd >= 0);
	close(fd);
	return port;
}

/* ------------------------------------------------------------------ */
/* /healthz and /livez */

/* The body's keys in order, comma-separated. */
static void keys_of(json_t *o, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (void *it = json_object_iter(o); it;
	     it = json_object_iter_next(o, it))
		len += snprintf(buf + len, n - len, "%s%s", len ? "," : "",
				json_object_iter_key(it));
}

static json_t *body_json(const struct reply *r)
{
	json_t *j = json_loadb(r->body, r->len, 0, NULL);

	assert_non_null(j);
	return j;
}

static const char *str_of(json_t *o, const char *path)
{
	json_t *v = json_object_get(o, path);

	assert_true(json_is_string(v));
	return json_string_value(v);
}

/* Go's time.Time in JSON, in UTC (the tests run with TZ=UTC). */
static void assert_go_time(const char *s)
{
	regex_t re;

	assert_int_equal(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T"
				 "[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]*[1-9])?Z$",
				 REG_EXTENDED | REG_NOSUB), 0);
	if (regexec(&re, s, 0, NULL, 0))
		fail_msg("not Go's time format: %s", s);
	regfree(&re);
}

/* Nanoseconds since the epoch of a time in Go's format, UTC. */
static int64_t go_time_ns(const char *s)
{
	struct tm tm = { 0 };
	const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	int64_t ns = 0, scale = 100000000;

	assert_non_null(p);
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
			ns += (*p - '0') * scale;
	return (int64_t)timegm(&tm) * 1000000000 + ns;
}

static int64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void test_healthz_before_sync(void **state)
{
	char err[256], keys[128];
	struct health *h;
	struct reply r;
	json_t *j;

	(void)state;
	h = health_start("127.0.0.1:0", 1, err, sizeof(err));
	assert_non_null(h);
	assert_true(health_port(h) > 0);
	/* kube-proxy: healthy while starting up, whatever is queued */
	health_queued(h);
	usleep(20000);
	assert_true(health_is_healthy(h));
	get(&r, "http://127.0.0.1:%d/healthz", health_port(h));
	assert_int_equal(r.rc, CURLE_OK);
	assert_int_equal(r.status, 200);
	assert_true(has_header(&r, "Content-Type: application/json"));
	assert_true(has_header(&r, "X-Content-Type-Options: nosniff"));
	j = body_json(&r);
	keys_of(j, keys, sizeof(keys));
	assert_string_equal(keys, "lastUpdated,currentTime,nodeEligible,healthy");
	assert_true(json_is_true(json_object_get(j, "nodeEligible")));
	assert_true(json_is_true(json_object_get(j, "healthy")));
	/* a 200 says "now" as lastUpdated */
	assert_string_equal(str_of(j, "lastUpdated"), str_of(j, "currentTime"));
	assert_go_time(str_of(j, "currentTime"));
	/* compact, as Go's json.Marshal writes */
	assert_null(strchr(r.body, ' '));
	json_decref(j);
	reply_free(&r);
	health_stop(h);
}

static void test_healthz_synced(void **state)
{
	int64_t t0, t1, t;
	char err[256], keys[128];
	struct health *h;
	struct reply r;
	json_t *j, *st;

	(void)state;
	h = health_start("127.0.0.1:0", 60000, err, sizeof(err));
	assert_non_null(h);
	t0 = now_ns();
	health_updated(h);
	t1 = now_ns();
	health_queued(h);	/* young: still healthy */
	get(&r, "http://127.0.0.1:%d/healthz", health_port(h));
	assert_int_equal(r.status, 200);
	j = body_json(&r);
	keys_of(j, keys, sizeof(keys));
	assert_string_equal(keys,
			    "lastUpdated,currentTime,nodeEligible,healthy,status");
	st = json_object_get(j, "status");
	keys_of(st, keys, sizeof(keys));
	assert_string_equal(keys, "IPv4,IPv6");
	for (int i = 0; i < 2; i++) {
		json_t *f = json_object_get(st, i ? "IPv6" : "IPv4");

		keys_of(f, keys, sizeof(keys));
		assert_string_equal(keys, "lastUpdated,healthy");
		assert_true(json_is_true(json_object_get(f, "healthy")));
		assert_go_time(str_of(f, "lastUpdated"));
		t = go_time_ns(str_of(f, "lastUpdated"));
		assert_true(t >= t0 && t <= t1);
	}
	json_decref(j);
	reply_free(&r);
	health_stop(h);
}

static void test_healthz_late(void **state)
{
	char err[256], synced[64];
	struct health *h;
	struct reply r;
	json_t *j;

	(void)state;
	h = health_start("127.0.0.1:0", 300, err, sizeof(err));
	assert_non_null(h);
	health_updated(h);
	get(&r, "http://127.0.0.1:%d/healthz", health_port(h));
	assert_int_equal(r.status, 200);
	j = body_json(&r);
	snprintf(synced, sizeof(synced), "%s",
		 str_of(json_object_get(json_object_get(j, "status"), "IPv4"),
			"lastUpdated"));
	json_decref(j);
	reply_free(&r);

	health_queued(h);
	usleep(400000);
	health_queued(h);	/* the oldest queued change counts */
	assert_false(health_is_healthy(h));
	for (int livez = 0; livez < 2; livez++) {
		get(&r, "http://127.0.0.1:%d/%s", health_port(h),
		    livez ? "livez" : "healthz");
		assert_int_equal(r.status, 503);
		assert_true(has_header(&r, "Content-Type: application/json"));
		assert_true(has_header(&r, "X-Content-Type-Options: nosniff"));
		j = body_json(&r);
		/* a 503 shows the last sync, not "now" */
		assert_string_equal(str_of(j, "lastUpdated"), synced);
		assert_true(json_is_false(json_object_get(j, "healthy")));
		assert_true(json_is_false(json_object_get(json_object_get(
			json_object_get(j, "status"), "IPv6"), "healthy")));
		assert_int_equal(json_object_get(j, "nodeEligible") != NULL,
				 !livez);
		json_decref(j);
		reply_free(&r);
	}

	health_updated(h);
	get(&r, "http://127.0.0.1:%d/healthz", health_port(h));
	assert_int_equal(r.status, 200);
	reply_free(&r);
	health_stop(h);
}

/* Go writes local time with its offset; "Z" only for UTC. */
static void test_healthz_time_zone(void **state)
{
	char err[256];
	const char *t;
	struct health *h;
	struct reply r;
	json_t *j;

	(void)state;
	setenv("TZ", "IST-5:30", 1);
	tzset();
	h = health_start("127.0.0.1:0", 60000, err, sizeof(err));
	assert_non_null(h);
	get(&r, "http://127.0.0.1:%d/livez", health_port(h));
	j = body_json(&r);
	t = str_of(j, "currentTime");
	assert_string_equal(t + strlen(t) - 6, "+05:30");
	json_decref(j);
	reply_free(&r);
	health_stop(h);
	setenv("TZ", "UTC", 1);
	tzset();
}

static void test_node_eligible(void **state)
{
	char err[256], keys[128];
	struct health *h;
	struct reply r;
	json_t *j;

	(void)state;
	h = health_start("127.0.0.1:0", 60000, err, sizeof(err));
	assert_non_null(h);
	health_set_node_eligible(h, false);
	assert_true(health_is_healthy(h));
	get(&r, "http://127.0.0.1:%d/healthz", health_port(h));
	assert_int_equal(r.status, 503);
	j = body_json(&r);
	assert_true(json_is_false(json_object_get(j, "nodeEligible")));
	assert_true(json_is_true(json_object_get(j, "healthy")));
	/* never synced: Go's zero time */
	assert_string_equal(str_of(j, "lastUpdated"), "0001-01-01T00:00:00Z");
	json_decref(j);
	reply_free(&r);

	/* /livez does not look at the node */
	get(&r, "http://127.0.0.1:%d/livez", health_port(h));
	assert_int_equal(r.status, 200);
	j = body_json(&r);
	keys_of(j, keys, sizeof(keys));
	assert_string_equal(keys, "lastUpdated,currentTime,healthy");
	json_decref(j);
	reply_free(&r);

	health_set_node_eligible(h, true);
	get(&r, "http://127.0.0.1:%d/healthz?x=1", health_port(h));
	assert_int_equal(r.status, 200);
	reply_free(&r);
	health_stop(h);
}

static void test_health_paths(void **state)
{
	char err[256];
	struct health *h;
	struct reply r;

	(void)state;
	h = health_start(":0", 60000, err, sizeof(err));
	assert_non_null(h);
	get(&r, "http://127.0.0.1:%d/metrics", health_port(h));
	assert_int_equal(r.status, 404);
	assert_string_equal(r.body, "404 page not found\n");
	assert_true(has_header(&r, "Content-Type: text/plain; charset=utf-8"));
	assert_true(has_header(&r, "X-Content-Type-Options: nosniff"));
	reply_free(&r);
	get(&r, "http://127.0.0.1:%d/healthz/", health_port(h));
	assert_int_equal(r.status, 404);
	reply_free(&r);
	/* a wildcard serves both families, as Go's does */
	if (have_ipv6()) {
		get(&r, "http://[::1]:%d/livez", health_port(h));
		assert_int_equal(r.status, 200);
		reply_free(&r);
	}
	health_stop(h);
}

static void test_health_addresses(void **state)
{
	static const char *const bad[] = {
		"10256", "1.2.3.4", "::1:80", "[::1:80", "[::1]80",
		"1.2.3.4:65536", "1.2.3.4:-1", "1.2.3.4:http",
	};
	char err[256], addr[32];
	struct health *h;
	int fd, port;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		assert_null(health_start(bad[i], 1, err, sizeof(err)));
		assert_non_null(strstr(err, "not an address host:port"));
	}
	/* no server */
	h = health_start("", 1, err, sizeof(err));
	assert_non_null(h);
	assert_int_equal(health_port(h), 0);
	health_updated(h);
	assert_true(health_is_healthy(h));
	health_stop(h);
	health_stop(health_start(NULL, 1, err, sizeof(err)));

	/* a port taken */
	fd = httpd_listen("127.0.0.1:0", &port, err, sizeof(err));
	assert_true(fd >= 0);
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
	assert_null(health_start(addr, 1, err, sizeof(err)));
	assert_non_null(strstr(err, ": bind: Address already in use"));
	close(fd);
	assert_int_equal(httpd_listen("no-such-host.invalid:80", NULL, err,
				      sizeof(err)), -EADDRNOTAVAIL);
}

/* ------------------------------------------------------------------ */
/* Health-check node ports */

static char *hc_body(const char *ns, const char *name, int n, bool ok)
{
	char *s;

	assert_true(asprintf(&s, "{\n\t\"service\": {\n\t\t\"namespace\": \"%s\",\n\t\t\"name\": \"%s\"\n\t},\n\t\"localEndpoints\": %d,\n\t\"serviceProxyHealthy\": %s\n}",
			     ns, name, n, ok ? "true" : "false") > 0);
	return s;
}

/* GET any path of the listener on @port; check kube-proxy's answer. */
static void hc_expect(int port, const char *ns, const char *name, int n,
		      bool proxy_ok)
{
	char *want = hc_body(ns, name, n, proxy_ok), weight[64];
	struct reply r;

	get(&r, "http://127.0.0.1:%d/any/path?x", port);
	assert_int_equal(r.rc, CURLE_OK);
	assert_int_equal(r.status, n && proxy_ok ? 200 : 503);
	assert_string_equal(r.body, want);
	assert_true(has_header(&r, "Content-Type: application/json"));
	assert_true(has_header(&r, "X-Content-Type-Options: nosniff"));
	snprintf(weight, sizeof(weight), "X-Load-Balancing-Endpoint-Weight: %d",
		 n);
	assert_true(has_header(&r, weight));
	free(want);
	reply_free(&r);
}

static void hc_refused(int port)
{
	struct reply r;

	get(&r, "http://127.0.0.1:%d/", port);
	assert_int_equal(r.rc, CURLE_COULDNT_CONNECT);
	reply_free(&r);
}

static void test_hcnode_sync(void **state)
{
	int p1 = free_port(), p2 = free_port(), p3 = free_port();
	struct hc_service two[] = {
		{ "default", "web", p1, 3 },
		{ "kube-system", "dns", p2, 0 },
	};
	/* web goes, dns gets endpoints, db comes */
	struct hc_service next[] = {
		{ "kube-system", "dns", p2, 2 },
		{ "default", "db", p3, 1 },
	};
	/* in one sync: dns leaves p2 for p1, and cache takes p2 */
	struct hc_service moved[] = {
		{ "kube-system", "dns", p1, 2 },
		{ "default", "db", p3, 1 },
		{ "default", "cache", p2, 4 },
	};
	struct hcnode *h = hcnode_new();
	char err[256];

	(void)state;
	assert_int_equal(hcnode_sync(h, two, 2, err, sizeof(err)), 0);
	hc_expect(p1, "default", "web", 3, true);
	hc_expect(p2, "kube-system", "dns", 0, true);

	assert_int_equal(hcnode_sync(h, next, 2, err, sizeof(err)), 0);
	hc_refused(p1);
	hc_expect(p2, "kube-system", "dns", 2, true);
	hc_expect(p3, "default", "db", 1, true);

	assert_int_equal(hcnode_sync(h, moved, 3, err, sizeof(err)), 0);
	hc_expect(p1, "kube-system", "dns", 2, true);
	hc_expect(p2, "default", "cache", 4, true);

	assert_int_equal(hcnode_sync(h, NULL, 0, err, sizeof(err)), 0);
	hc_refused(p1);
	hc_refused(p2);
	hc_refused(p3);
	hcnode_free(h);
}

static void test_hcnode_port_taken(void **state)
{
	char err[256];
	int taken, fd = httpd_listen(":0", &taken, err, sizeof(err));
	int free1 = free_port();
	struct hc_service svcs[] = {
		{ "a", "x", taken, 1 },
		{ "b", "y", free1, 1 },
	};
	struct hcnode *h = hcnode_new();

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(hcnode_sync(h, svcs, 2, err, sizeof(err)),
			 -EADDRINUSE);
	assert_non_null(strstr(err, "health check of a/x on port "));
	assert_non_null(strstr(err, ": bind: Address already in use"));
	hc_expect(free1, "b", "y", 1, true);	/* the rest applied */

	/* tried again at the next sync */
	close(fd);
	assert_int_equal(hcnode_sync(h, svcs, 2, err, sizeof(err)), 0);
	hc_expect(taken, "a", "x", 1, true);
	hcnode_free(h);
}

static void test_hcnode_proxy_unhealthy(void **state)
{
	struct hc_service svc = { "default", "web", free_port(), 3 };
	struct hcnode *h = hcnode_new();
	struct health *proxy;
	char err[256];
	int p = svc.port;

	(void)state;
	proxy = health_start(NULL, 1, err, sizeof(err));
	hcnode_set_health(h, proxy);
	assert_int_equal(hcnode_sync(h, &svc, 1, err, sizeof(err)), 0);
	hc_expect(p, "default", "web", 3, true);
	/* late: kube-proxy answers 503 and says why */
	health_updated(proxy);
	health_queued(proxy);
	usleep(10000);
	hc_expect(p, "default", "web", 3, false);
	health_updated(proxy);
	hc_expect(p, "default", "web", 3, true);
	hcnode_free(h);
	health_stop(proxy);
}

static void test_hcnode_addresses(void **state)
{
	static const char *const lo[] = { "127.0.0.1" };
	static const char *const bad[] = { "127.0.0.1", "node-1" };
	struct hc_service svc = { "default", "web", free_port(), 1 };
	struct hcnode *h = hcnode_new();
	struct reply r;
	char err[256];
	int p = svc.port;

	(void)state;
	assert_int_equal(hcnode_set_addresses(h, bad, 2), -EINVAL);
	assert_int_equal(hcnode_set_addresses(h, lo, 1), 0);
	assert_int_equal(hcnode_sync(h, &svc, 1, err, sizeof(err)), 0);
	hc_expect(p, "default", "web", 1, true);
	if (have_ipv6()) {
		get(&r, "http://[::1]:%d/", p);
		assert_int_equal(r.rc, CURLE_COULDNT_CONNECT);
		reply_free(&r);
	}
	/* back to every address: reopened by the next sync */
	assert_int_equal(hcnode_set_addresses(h, NULL, 0), 0);
	hc_refused(p);
	assert_int_equal(hcnode_sync(h, &svc, 1, err, sizeof(err)), 0);
	if (have_ipv6()) {
		get(&r, "http://[::1]:%d/", p);
		assert_int_equal(r.status, 200);
		reply_free(&r);
	}
	hcnode_free(h);
	hcnode_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_healthz_before_sync),
		cmocka_unit_test(test_healthz_synced),
		cmocka_unit_test(test_healthz_late),
		cmocka_unit_test(test_healthz_time_zone),
		cmocka_unit_test(test_node_eligible),
		cmocka_unit_test(test_health_paths),
		cmocka_unit_test(test_health_addresses),
		cmocka_unit_test(test_hcnode_sync),
		cmocka_unit_test(test_hcnode_port_taken),
		cmocka_unit_test(test_hcnode_proxy_unhealthy),
		cmocka_unit_test(test_hcnode_addresses),
	};
	int rc;

	/* times in the bodies are local, as Go's; UTC makes them checkable */
	setenv("TZ", "UTC", 1);
	tzset();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
