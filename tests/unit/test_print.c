// SPDX-License-Identifier: GPL-2.0
/* ksvcctl printing: HumanDuration, tabwriter layout, kubectl's columns. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "print.h"

#define S	1000000000LL
#define M	(60 * S)
#define H	(60 * M)
#define D	(24 * H)

static void expect_dur(int64_t d, const char *want)
{
	char buf[32];

	human_duration(d, buf, sizeof(buf));
	if (strcmp(buf, want))
		fail_msg("human_duration(%lld ns) = \"%s\", want \"%s\"",
			 (long long)d, buf, want);
}

static void test_duration_seconds(void **state)
{
	(void)state;
	expect_dur(-2 * S, "<invalid>");
	expect_dur(-S - S / 2, "0s");		/* skew under 2 s */
	expect_dur(-S / 2, "0s");
	expect_dur(0, "0s");
	expect_dur(5 * S, "5s");
	expect_dur(119 * S + S / 2, "119s");
}

static void test_duration_minutes(void **state)
{
	(void)state;
	expect_dur(2 * M, "2m");
	expect_dur(3 * M + 2 * S, "3m2s");
	expect_dur(9 * M + 59 * S, "9m59s");
	expect_dur(10 * M + 30 * S, "10m");
	expect_dur(45 * M, "45m");
	expect_dur(179 * M + 59 * S, "179m");
}

static void test_duration_hours_days_years(void **state)
{
	(void)state;
	expect_dur(3 * H, "3h");
	expect_dur(5 * H + 3 * M, "5h3m");
	expect_dur(7 * H + 59 * M, "7h59m");
	expect_dur(8 * H + 59 * M, "8h");
	expect_dur(47 * H + 59 * M, "47h");
	expect_dur(48 * H, "2d");
	expect_dur(3 * D, "3d");
	expect_dur(3 * D + 5 * H, "3d5h");
	expect_dur(7 * D + 23 * H, "7d23h");
	expect_dur(8 * D + 5 * H, "8d");
	expect_dur(729 * D, "729d");
	expect_dur(730 * D, "2y");
	expect_dur(731 * D, "2y1d");
	expect_dur(8 * 365 * D - D, "7y364d");
	expect_dur(8 * 365 * D + 3 * D, "8y");
}

static char *render(const struct table *t)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	table_print(t, f);
	fclose(f);
	return out;
}

static void test_table_layout(void **state)
{
	static const char *const hdr[] = { "NAME", "TYPE", "CLUSTER-IP",
		"EXTERNAL-IP", "PORT(S)", "AGE" };
	static const char *const row[] = { "kubernetes", "ClusterIP",
		"10.96.0.1", "<none>", "443/TCP", "5d" };
	struct table t;
	char *out;

	(void)state;
	table_init(&t, 6);
	assert_int_equal(table_add(&t, hdr), 0);
	assert_int_equal(table_add(&t, row), 0);
	out = render(&t);
	assert_string_equal(out,
		"NAME         TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n"
		"kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   5d\n");
	free(out);
	table_free(&t);
}

/* tabwriter's minwidth 6 pads narrow columns; the last is never padded. */
static void test_table_minwidth(void **state)
{
	static const char *const r1[] = { "A", "B", "last-column-is-long" };
	static const char *const r2[] = { "", "bb", "x" };
	struct table t;
	char *out;

	(void)state;
	table_init(&t, 3);
	assert_int_equal(table_add(&t, r1), 0);
	assert_int_equal(table_add(&t, r2), 0);
	out = render(&t);
	assert_string_equal(out, "A     B     last-column-is-long\n"
				 "      bb    x\n");
	free(out);
	table_free(&t);
}

static void set_v4(struct wire_addr *a, uint8_t kind, const char *ip)
{
	a->kind = kind;
	a->family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, ip, a->a), 1);
}

static void set_v6(struct wire_addr *a, uint8_t kind, const char *ip)
{
	a->kind = kind;
	a->family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, ip, a->a), 1);
}

static void test_ports(void **state)
{
	struct wire_port p[3] = {
		{ .proto = IPPROTO_TCP, .port = 80 },
		{ .proto = IPPROTO_UDP, .port = 53, .node_port = 30053 },
		{ .proto = IPPROTO_SCTP, .port = 9999 },
	};
	struct wire_svc s = { .ports = p, .n_ports = 1 };
	char buf[PRINT_FIELD_MAX];

	(void)state;
	svc_ports(&s, buf, sizeof(buf));
	assert_string_equal(buf, "80/TCP");
	p[0].node_port = 30008;
	svc_ports(&s, buf, sizeof(buf));
	assert_string_equal(buf, "80:30008/TCP");
	s.n_ports = 3;
	svc_ports(&s, buf, sizeof(buf));
	assert_string_equal(buf, "80:30008/TCP,53:30053/UDP,9999/SCTP");
	s.n_ports = 0;
	svc_ports(&s, buf, sizeof(buf));
	assert_string_equal(buf, "<none>");
}

static void test_type_and_cluster_ip(void **state)
{
	struct wire_addr a[2];
	struct wire_svc s = { .type = KSVC_SVC_TYPE_NODE_PORT, .addrs = a,
			      .n_addrs = 2 };
	char buf[64];

	(void)state;
	set_v4(&a[0], KSVC_ADDR_KIND_EXTERNAL, "192.0.2.1");
	set_v6(&a[1], KSVC_ADDR_KIND_CLUSTER, "fd00:10:96::a");
	assert_string_equal(svc_type_str(&s), "NodePort");
	svc_cluster_ip(&s, buf, sizeof(buf));
	assert_string_equal(buf, "fd00:10:96::a");
	s.flags = KSVC_SVC_F_HEADLESS;
	svc_cluster_ip(&s, buf, sizeof(buf));
	assert_string_equal(buf, "None");
	s.flags = 0;
	s.n_addrs = 1;
	svc_cluster_ip(&s, buf, sizeof(buf));
	assert_string_equal(buf, "<none>");
	s.type = KSVC_SVC_TYPE_LOAD_BALANCER;
	assert_string_equal(svc_type_str(&s), "LoadBalancer");
	s.type = KSVC_SVC_TYPE_CLUSTER_IP;
	assert_string_equal(svc_type_str(&s), "ClusterIP");
}

static void test_external_ip(void **state)
{
	struct wire_addr a[4];
	struct wire_svc s = { .type = KSVC_SVC_TYPE_CLUSTER_IP, .addrs = a };
	char buf[PRINT_FIELD_MAX];

	(void)state;
	set_v4(&a[0], KSVC_ADDR_KIND_CLUSTER, "10.96.0.10");
	s.n_addrs = 1;
	svc_external_ip(&s, false, buf, sizeof(buf));
	assert_string_equal(buf, "<none>");
	s.type = KSVC_SVC_TYPE_LOAD_BALANCER;
	svc_external_ip(&s, false, buf, sizeof(buf));
	assert_string_equal(buf, "<pending>");
	/* Ingress is a sorted set: duplicates go, "10.0.0.10" < "10.0.0.2". */
	set_v4(&a[1], KSVC_ADDR_KIND_LB_INGRESS, "10.0.0.2");
	set_v4(&a[2], KSVC_ADDR_KIND_LB_INGRESS, "10.0.0.10");
	set_v4(&a[3], KSVC_ADDR_KIND_LB_INGRESS, "10.0.0.2");
	s.n_addrs = 4;
	svc_external_ip(&s, true, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.10,10.0.0.2");
	svc_external_ip(&s, false, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.10,10....");	/* [0:13]+"..." */
	/* Ingress first, then spec.externalIPs. */
	set_v4(&a[3], KSVC_ADDR_KIND_EXTERNAL, "192.0.2.7");
	svc_external_ip(&s, true, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.10,10.0.0.2,192.0.2.7");
	s.type = KSVC_SVC_TYPE_NODE_PORT;	/* ingress is ignored */
	svc_external_ip(&s, false, buf, sizeof(buf));
	assert_string_equal(buf, "192.0.2.7");
}

static void test_age_endpoints_conns(void **state)
{
	struct wire_port p[2] = {
		{ .n_backends = 3, .stats = { .conns = 10 } },
		{ .n_backends = 2, .stats = { .conns = 5 } },
	};
	struct wire_svc s = { .ports = p, .n_ports = 2 };
	char buf[32];

	(void)state;
	svc_age(&s, 1000 * S, buf, sizeof(buf));
	assert_string_equal(buf, "<unknown>");
	s.created = 1000 * S;
	svc_age(&s, 1000 * S + 3 * M + 2 * S, buf, sizeof(buf));
	assert_string_equal(buf, "3m2s");
	assert_int_equal(svc_endpoints(&s), 5);
	assert_int_equal(svc_conns(&s), 15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_seconds),
		cmocka_unit_test(test_duration_minutes),
		cmocka_unit_test(test_duration_hours_days_years),
		cmocka_unit_test(test_table_layout),
		cmocka_unit_test(test_table_minwidth),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_type_and_cluster_ip),
		cmocka_unit_test(test_external_ip),
		cmocka_unit_test(test_age_endpoints_conns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
