// SPDX-License-Identifier: GPL-2.0
/*
 * ksvcd's metrics address (metrics.c) over a real socket, libcurl as the
 * client: the exposition against golden text written as kube-proxy's
 * client_golang writes it, value formatting, label escaping, the extra
 * writer, /healthz, and scrapes racing with the sync thread.
 */
#define _GNU_SOURCE
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <curl/curl.h>

#include "http_get.h"
#include "metrics.h"

static struct metrics *start(void)
{
	char err[256];
	struct metrics *m = metrics_start("127.0.0.1:0", err, sizeof(err));

	assert_non_null(m);
	assert_true(metrics_port(m) > 0);
	return m;
}

/* ------------------------------------------------------------------ */
/* The exposition */

/*
 * For these observations, what kube-proxy's /metrics holds of the same
 * families (the timestamp aside).  Written by a separate model of
 * client_golang's rules, not by metrics.c.
 */
static const char golden[] =
	"# HELP kubeproxy_network_programming_duration_seconds [ALPHA] In Cluster Network Programming Latency in seconds\n"
	"# TYPE kubeproxy_network_programming_duration_seconds histogram\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"0\"} 1\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"0.25\"} 1\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"0.5\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"1\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"2\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"3\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"4\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"5\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"6\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"7\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"8\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"9\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"10\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"11\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"12\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"13\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"14\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"15\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"16\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"17\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"18\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"19\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"20\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"21\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"22\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"23\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"24\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"25\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"26\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"27\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"28\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"29\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"30\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"31\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"32\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"33\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"34\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"35\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"36\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"37\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"38\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"39\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"40\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"41\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"42\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"43\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"44\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"45\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"46\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"47\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"48\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"49\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"50\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"51\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"52\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"53\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"54\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"55\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"56\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"57\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"58\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"59\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"60\"} 2\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"65\"} 3\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"70\"} 3\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"75\"} 3\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"80\"} 3\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"85\"} 3\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"90\"} 3\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"95\"} 3\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"100\"} 3\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"105\"} 3\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"110\"} 3\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"115\"} 3\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"120\"} 3\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"150\"} 3\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"180\"} 3\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"210\"} 3\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"240\"} 3\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"270\"} 3\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"300\"} 3\n"
	"kubeproxy_network_programming_duration_seconds_bucket{le=\"+Inf\"} 4\n"
	"kubeproxy_network_programming_duration_seconds_sum 1061.5\n"
	"kubeproxy_network_programming_duration_seconds_count 4\n"
	"# HELP kubeproxy_sync_proxy_rules_duration_seconds [ALPHA] SyncProxyRules latency in seconds\n"
	"# TYPE kubeproxy_sync_proxy_rules_duration_seconds histogram\n"
	"kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"0.001\"} 1\n"
	"kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"0.002\"} 1\n"
	"kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"0.004\"} 2\n"
	"kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"0.008\"} 2\n"
	"kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"0.016\"} 2\n"
	"kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"0.032\"} 2\n"
	"kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"0.064\"} 2\n"
	"kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"0.128\"} 2\n"
	"kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"0.256\"} 3\n"
	"kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"0.512\"} 3\n"
	"kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"1.024\"} 3\n"
	"kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"2.048\"} 3\n"
	"kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"4.096\"} 4\n"
	"kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"8.192\"} 4\n"
	"kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"16.384\"} 4\n"
	"kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"+Inf\"} 5\n"
	"kubeproxy_sync_proxy_rules_duration_seconds_sum 23.2549765625\n"
	"kubeproxy_sync_proxy_rules_duration_seconds_count 5\n"
	"# HELP kubeproxy_sync_proxy_rules_endpoint_changes_total [ALPHA] Cumulative proxy rules Endpoint changes\n"
	"# TYPE kubeproxy_sync_proxy_rules_endpoint_changes_total counter\n"
	"kubeproxy_sync_proxy_rules_endpoint_changes_total 7\n"
	"# HELP kubeproxy_sync_proxy_rules_last_timestamp_seconds [ALPHA] The last time proxy rules were successfully synced\n"
	"# TYPE kubeproxy_sync_proxy_rules_last_timestamp_seconds gauge\n"
	"kubeproxy_sync_proxy_rules_last_timestamp_seconds TIMESTAMP\n"
	"# HELP kubeproxy_sync_proxy_rules_service_changes_total [ALPHA] Cumulative proxy rules Service changes\n"
	"# TYPE kubeproxy_sync_proxy_rules_service_changes_total counter\n"
	"kubeproxy_sync_proxy_rules_service_changes_total 1.5e+06\n";

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Replace the value of the sample line @name with "TIMESTAMP"; return it. */
static double cut_value(char *body, const char *name)
{
	char *line = strstr(body, name), *v, *end;
	double d;

	assert_non_null(line);
	v = line + strlen(name) + 1;
	end = strchr(v, '\n');
	d = strtod(v, NULL);
	memmove(v + 9, end, strlen(end) + 1);
	memcpy(v, "TIMESTAMP", 9);
	return d;
}

static void test_golden(void **state)
{
	struct metrics *m = start();
	struct reply r;
	double t0, t1, t;

	(void)state;
	metrics_network_programming(m, 0);
	metrics_network_programming(m, 0.5);
	metrics_network_programming(m, 61);
	metrics_network_programming(m, 1000);
	t0 = now_s();
	metrics_sync_done(m, 0.0009765625);
	metrics_sync_done(m, 0.004);	/* on a bound: le is <= */
	metrics_sync_done(m, 0.25);
	metrics_sync_done(m, 3);
	metrics_sync_done(m, 20);
	t1 = now_s();
	metrics_endpoint_changes(m, 3);
	metrics_endpoint_changes(m, 4);
	metrics_service_changes(m, 1500000);

	get(&r, "http://127.0.0.1:%d/metrics", metrics_port(m));
	assert_int_equal(r.rc, CURLE_OK);
	assert_int_equal(r.status, 200);
	assert_true(has_header(&r, "Content-Type: text/plain; version=0.0.4; charset=utf-8; escaping=underscores"));
	t = cut_value(r.body,
		      "\nkubeproxy_sync_proxy_rules_last_timestamp_seconds");
	assert_true(t >= t0 - 1e-6 && t <= t1 + 1e-6);
	assert_string_equal(r.body, golden);
	reply_free(&r);
	metrics_stop(m);
}

/* Before anything happens kube-proxy already shows every family, at 0. */
static void test_zero(void **state)
{
	struct metrics *m = start();
	struct reply r;

	(void)state;
	get(&r, "http://127.0.0.1:%d/metrics", metrics_port(m));
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\nkubeproxy_sync_proxy_rules_last_timestamp_seconds 0\n"));
	assert_non_null(strstr(r.body, "\nkubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"+Inf\"} 0\nkubeproxy_sync_proxy_rules_duration_seconds_sum 0\nkubeproxy_sync_proxy_rules_duration_seconds_count 0\n"));
	assert_non_null(strstr(r.body, "\nkubeproxy_sync_proxy_rules_service_changes_total 0\n"));
	reply_free(&r);
	metrics_stop(m);
}

/* Values as Go's strconv.FormatFloat(v, 'g', -1, 64) writes them. */
static void test_values(void **state)
{
	static const struct {
		double v;
		const char *s;
	} cases[] = {
		{ 0, "0" }, { -0.0, "0" }, { 1, "1" }, { -1, "-1" },
		{ 0.25, "0.25" }, { 0.1, "0.1" }, { 0.0001, "0.0001" },
		{ 0.00001, "1e-05" }, { -0.000123, "-0.000123" },
		{ 100000, "100000" }, { 999999.9, "999999.9" },
		{ 123456.5, "123456.5" }, { 1e6, "1e+06" },
		{ 1234567, "1.234567e+06" },
		{ 123456789012, "1.23456789012e+11" },
		{ 1.0 / 3, "0.3333333333333333" },
		{ 18446744073709551616.0, "1.8446744073709552e+19" },
		{ 1796690937.5538707, "1.7966909375538707e+09" },
		{ 1e21, "1e+21" }, { 1.7e308, "1.7e+308" },
		{ 5e-324, "5e-324" },
		{ NAN, "NaN" }, { INFINITY, "+Inf" }, { -INFINITY, "-Inf" },
	};
	char *buf, want[64];
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		FILE *f = open_memstream(&buf, &len);

		metrics_write_sample(f, "x", NULL, cases[i].v);
		fclose(f);
		snprintf(want, sizeof(want), "x %s\n", cases[i].s);
		assert_string_equal(buf, want);
		free(buf);
	}
}

static void test_escaping(void **state)
{
	static const char *const kv[] = {
		"a", "back\\slash \"quoted\"\nnext line",
		"b", "",
		"c", "ünïcode",
		NULL
	};
	char *buf;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	metrics_write_counter_header(f, "x_total", "help \\ with \"quotes\"\nand a newline");
	metrics_write_sample(f, "x_total", kv, 2);
	metrics_write_sample(f, "y", (const char *const []){ NULL }, 3);
	fclose(f);
	assert_string_equal(buf,
		"# HELP x_total help \\\\ with \"quotes\"\\nand a newline\n"
		"# TYPE x_total counter\n"
		"x_total{a=\"back\\\\slash \\\"quoted\\\"\\nnext line\",b=\"\",c=\"ünïcode\"} 2\n"
		"y 3\n");
	free(buf);
}

/* What ksvcd's writer would append: ksvc's per-port counters. */
static void ksvc_ports(FILE *out, void *arg)
{
	const char *const web[] = {
		"name", "web", "namespace", "default", "port", "http",
		"protocol", "TCP", NULL
	};
	const char *const dns[] = {
		"name", "kube-dns", "namespace", "kube-system", "port", "53",
		"protocol", "UDP", NULL
	};

	atomic_fetch_add((atomic_int *)arg, 1);
	metrics_write_counter_header(out, METRICS_PORT_CONNS,
				     METRICS_PORT_CONNS_HELP);
	metrics_write_sample(out, METRICS_PORT_CONNS, web, 12);
	metrics_write_sample(out, METRICS_PORT_CONNS, dns, 3456789);
}

static void test_extra(void **state)
{
	struct metrics *m = start();
	struct reply r;
	atomic_int calls = 0;
	const char *tail;

	(void)state;
	metrics_set_extra(m, ksvc_ports, &calls);
	get(&r, "http://127.0.0.1:%d/metrics", metrics_port(m));
	assert_int_equal(r.status, 200);
	assert_int_equal(calls, 1);
	tail = strstr(r.body, "kubeproxy_sync_proxy_rules_service_changes_total 0\n");
	assert_non_null(tail);
	assert_string_equal(tail,
		"kubeproxy_sync_proxy_rules_service_changes_total 0\n"
		"# HELP ksvc_service_port_connections_total Connections ksvc sent to the service port's backends\n"
		"# TYPE ksvc_service_port_connections_total counter\n"
		"ksvc_service_port_connections_total{name=\"web\",namespace=\"default\",port=\"http\",protocol=\"TCP\"} 12\n"
		"ksvc_service_port_connections_total{name=\"kube-dns\",namespace=\"kube-system\",port=\"53\",protocol=\"UDP\"} 3.456789e+06\n");
	reply_free(&r);
	metrics_set_extra(m, NULL, NULL);
	get(&r, "http://127.0.0.1:%d/metrics", metrics_port(m));
	assert_null(strstr(r.body, "ksvc_"));
	assert_int_equal(calls, 1);
	reply_free(&r);
	metrics_stop(m);
}

/* kube-proxy serves Kubernetes' ping-only /healthz here too. */
static void test_healthz(void **state)
{
	struct metrics *m = start();
	struct reply r;

	(void)state;
	get(&r, "http://127.0.0.1:%d/healthz", metrics_port(m));
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "ok");
	assert_true(has_header(&r, "Content-Type: text/plain; charset=utf-8"));
	assert_true(has_header(&r, "X-Content-Type-Options: nosniff"));
	reply_free(&r);
	get(&r, "http://127.0.0.1:%d/healthz?verbose", metrics_port(m));
	assert_string_equal(r.body, "[+]ping ok\nhealthz check passed\n");
	reply_free(&r);
	get(&r, "http://127.0.0.1:%d/healthz/ping", metrics_port(m));
	assert_string_equal(r.body, "ok");
	reply_free(&r);
	get(&r, "http://127.0.0.1:%d/livez", metrics_port(m));
	assert_int_equal(r.status, 404);
	assert_string_equal(r.body, "404 page not found\n");
	reply_free(&r);
	metrics_stop(m);
}

static void test_no_server(void **state)
{
	char err[256];
	struct metrics *m = metrics_start("", err, sizeof(err));

	(void)state;
	assert_non_null(m);
	assert_int_equal(metrics_port(m), 0);
	metrics_sync_done(m, 1);
	metrics_service_changes(m, 1);
	metrics_stop(m);
	metrics_stop(NULL);
	assert_null(metrics_start("127.0.0.1", err, sizeof(err)));
	assert_string_equal(err, "127.0.0.1: not an address host:port");
}

static void *syncer(void *m)
{
	for (int i = 0; i < 3000; i++) {
		metrics_sync_done(m, i % 7 * 0.01);
		metrics_network_programming(m, i % 5);
	}
	return NULL;
}

static unsigned long sample_of(const char *body, const char *name)
{
	const char *p = strstr(body, name);

	assert_non_null(p);
	return strtoul(p + strlen(name), NULL, 10);
}

/* Every scrape sees a whole histogram, never one half-observed. */
static void test_concurrent(void **state)
{
	struct metrics *m = start();
	struct reply r;
	pthread_t t;

	(void)state;
	assert_int_equal(pthread_create(&t, NULL, syncer, m), 0);
	for (int i = 0; i < 20; i++) {
		get(&r, "http://127.0.0.1:%d/metrics", metrics_port(m));
		assert_int_equal(r.status, 200);
		assert_int_equal(sample_of(r.body, "\nkubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"+Inf\"} "),
				 sample_of(r.body, "\nkubeproxy_sync_proxy_rules_duration_seconds_count "));
		reply_free(&r);
	}
	pthread_join(t, NULL);
	get(&r, "http://127.0.0.1:%d/metrics", metrics_port(m));
	assert_int_equal(sample_of(r.body, "\nkubeproxy_sync_proxy_rules_duration_seconds_count "), 3000);
	reply_free(&r);
	metrics_stop(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_zero),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_extra),
		cmocka_unit_test(test_healthz),
		cmocka_unit_test(test_no_server),
		cmocka_unit_test(test_concurrent),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
