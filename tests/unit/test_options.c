// SPDX-License-Identifier: GPL-2.0
/*
 * ksvcd's options.c: every flag in both forms (--flag=value, --flag
 * value), Go durations, kube-proxy's address forms, usage errors and
 * their messages, --config files (read fields, warned fields with
 * FILE:LINE:COL, errors) and flags winning over the file.  --help's text
 * is checked for every flag and for 80 columns.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "options.h"

#define KDATA	DATA_DIR "/kube"

static struct ksvcd_opts o;
static char *out;		/* what ksvcd_opts_parse() printed */
static char tmpfile_path[PATH_MAX];

/* ---------------------------------------------------------------------- */
/* Helpers */

/* ksvcd_opts_parse() on "ksvcd" and the NULL-terminated arguments. */
static int parse(const char *first, ...)
{
	char *argv[64] = { "ksvcd" };
	size_t len;
	FILE *err;
	va_list ap;
	int argc = 1, r;
	char *a;

	ksvcd_opts_free(&o);
	free(out);
	err = open_memstream(&out, &len);
	assert_non_null(err);
	va_start(ap, first);
	for (a = (char *)first; a && argc < 63; a = va_arg(ap, char *))
		argv[argc++] = a;
	va_end(ap);
	r = ksvcd_opts_parse(&o, argc, argv, err);
	fclose(err);
	return r;
}

/* Parses and prints nothing. */
#define parse_ok(...)	do {					\
		assert_int_equal(parse(__VA_ARGS__, NULL), 0);	\
		assert_string_equal(out, "");			\
	} while (0)

/* A usage error with exactly this message. */
static void usage_fails(const char *msg, ...)
{
	char *argv[16] = { "ksvcd" }, want[512];
	size_t len;
	FILE *err;
	va_list ap;
	int argc = 1, r;
	char *a;

	ksvcd_opts_free(&o);
	free(out);
	err = open_memstream(&out, &len);
	va_start(ap, msg);
	while ((a = va_arg(ap, char *)) && argc < 15)
		argv[argc++] = a;
	va_end(ap);
	r = ksvcd_opts_parse(&o, argc, argv, err);
	fclose(err);
	assert_int_equal(r, 2);
	snprintf(want, sizeof(want),
		 "ksvcd: %s\nRun 'ksvcd --help' for usage.\n", msg);
	assert_string_equal(out, want);
}

/* A --config file with @text, in a temporary file. */
static const char *config_file(const char *text)
{
	FILE *f;
	int fd;

	snprintf(tmpfile_path, sizeof(tmpfile_path),
		 "%s/ksvc-kpconfig-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	fd = mkstemp(tmpfile_path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	return tmpfile_path;
}

#define HEAD	"apiVersion: kubeproxy.config.k8s.io/v1alpha1\n" \
		"kind: KubeProxyConfiguration\n"

/* --config with @text: returns the result, output in @out. */
static int parse_config(const char *text)
{
	int r = parse("--config", config_file(text), NULL);

	unlink(tmpfile_path);
	return r;
}

/* @text's config fails with @fmt's message, FILE: prefixed for each line */
static void config_fails(const char *text, const char *msg)
{
	char want[2048], *p;
	const char *line;
	size_t n = 0;

	assert_int_equal(parse_config(text), 1);
	for (line = msg; *line; line = p + 1) {
		p = strchrnul(line, '\n');
		n += snprintf(want + n, sizeof(want) - n, "%s:%.*s\n",
			      tmpfile_path, (int)(p - line), line);
		if (!*p)
			break;
	}
	assert_string_equal(out, want);
}

static void strv_is(char **v, size_t n, const char *first, ...)
{
	const char *s;
	va_list ap;
	size_t i = 0;

	va_start(ap, first);
	for (s = first; s; s = va_arg(ap, const char *), i++) {
		assert_true(i < n);
		assert_string_equal(v[i], s);
	}
	va_end(ap);
	assert_int_equal(i, n);
}

static int teardown(void **state)
{
	(void)state;
	ksvcd_opts_free(&o);
	free(out);
	out = NULL;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Defaults and every flag */

static void test_defaults(void **state)
{
	(void)state;
	parse_ok(NULL);
	assert_null(o.kubeconfig);
	assert_null(o.master);
	assert_null(o.context);
	assert_null(o.hostname_override);
	assert_string_equal(o.healthz_bind_address, "0.0.0.0:10256");
	assert_string_equal(o.metrics_bind_address, "127.0.0.1:10249");
	assert_int_equal(o.n_cluster_cidrs, 0);
	assert_int_equal(o.n_nodeport_addresses, 0);
	assert_int_equal(o.conntrack_max_per_core, 32768);
	assert_int_equal(o.conntrack_min, 131072);
	assert_int_equal(o.conntrack_tcp_established_timeout_s, 86400);
	assert_int_equal(o.conntrack_tcp_close_wait_timeout_s, 3600);
	assert_int_equal(o.min_sync_period_ms, 0);
	assert_int_equal(o.sync_period_ms, 30000);
	assert_null(o.config);
	assert_false(o.cleanup);
	assert_int_equal(o.verbosity, 0);
	assert_false(o.help);
	assert_false(o.version);
}

static void check_every_flag(void)
{
	assert_string_equal(o.kubeconfig, "/etc/kube/proxy.conf");
	assert_string_equal(o.master, "https://10.0.0.1:6443");
	assert_string_equal(o.context, "edge");
	assert_string_equal(o.hostname_override, "node-7");
	assert_string_equal(o.healthz_bind_address, "[::]:10256");
	assert_string_equal(o.metrics_bind_address, "0.0.0.0:9100");
	strv_is(o.cluster_cidrs, o.n_cluster_cidrs, "10.244.0.0/16",
		"fd00:10:244::/56", NULL);
	strv_is(o.nodeport_addresses, o.n_nodeport_addresses,
		"192.168.1.0/24", "primary", NULL);
	assert_int_equal(o.conntrack_max_per_core, 0);
	assert_int_equal(o.conntrack_min, 65536);
	assert_int_equal(o.conntrack_tcp_established_timeout_s, 7200);
	assert_int_equal(o.conntrack_tcp_close_wait_timeout_s, 90);
	assert_int_equal(o.min_sync_period_ms, 250);
	assert_int_equal(o.sync_period_ms, 90000);
	assert_true(o.cleanup);
	assert_int_equal(o.verbosity, 4);
	assert_false(o.help);
	assert_false(o.version);
}

static void test_every_flag_equals(void **state)
{
	(void)state;
	parse_ok("--kubeconfig=/etc/kube/proxy.conf",
		 "--master=https://10.0.0.1:6443", "--context=edge",
		 "--hostname-override=Node-7", "--healthz-bind-address=::",
		 "--metrics-bind-address=0.0.0.0:9100",
		 "--cluster-cidr=10.244.0.0/16,fd00:10:244::/56",
		 "--nodeport-addresses=192.168.1.0/24,primary",
		 "--conntrack-max-per-core=0", "--conntrack-min=65536",
		 "--conntrack-tcp-timeout-established=2h",
		 "--conntrack-tcp-timeout-close-wait=1m30s",
		 "--min-sync-period=250ms", "--sync-period=1m30s",
		 "--cleanup", "--v=4");
	check_every_flag();
}

static void test_every_flag_separate(void **state)
{
	(void)state;
	parse_ok("--kubeconfig", "/etc/kube/proxy.conf",
		 "--master", "https://10.0.0.1:6443", "--context", "edge",
		 "--hostname-override", "Node-7",
		 "--healthz-bind-address", "::",
		 "--metrics-bind-address", "0.0.0.0:9100",
		 "--cluster-cidr", "10.244.0.0/16,fd00:10:244::/56",
		 "--nodeport-addresses", "192.168.1.0/24",
		 "--nodeport-addresses", "primary",
		 "--conntrack-max-per-core", "0", "--conntrack-min", "65536",
		 "--conntrack-tcp-timeout-established", "7200s",
		 "--conntrack-tcp-timeout-close-wait", "90s",
		 "--min-sync-period", "0.25s", "--sync-period", "90s",
		 "--cleanup=true", "-v", "4");
	check_every_flag();
}

static void test_bools_and_levels(void **state)
{
	(void)state;
	parse_ok("--cleanup=false");
	assert_false(o.cleanup);
	parse_ok("--cleanup=1", "--cleanup=F");
	assert_false(o.cleanup);
	parse_ok("--cleanup=T");
	assert_true(o.cleanup);
	parse_ok("-v=3");
	assert_int_equal(o.verbosity, 3);
	parse_ok("-v5");
	assert_int_equal(o.verbosity, 5);
	parse_ok("--v", "6");
	assert_int_equal(o.verbosity, 6);
	parse_ok("--version");
	assert_true(o.version);
	/* --help stops: what follows is not looked at. */
	parse_ok("-h", "--no-such-flag");
	assert_true(o.help);
	parse_ok("--help");
	assert_true(o.help);
}

/* ---------------------------------------------------------------------- */
/* Values */

static void duration_is(const char *s, long long want)
{
	const char *why = NULL;
	long long ns = -42;

	if (ksvcd_parse_duration(s, &ns, &why))
		fail_msg("\"%s\": %s", s, why);
	assert_int_equal(ns, want);
}

static void duration_bad(const char *s, const char *want)
{
	const char *why = NULL;
	long long ns;

	assert_int_equal(ksvcd_parse_duration(s, &ns, &why), -1);
	assert_string_equal(why, want);
}

static void test_go_durations(void **state)
{
	const long long s = 1000000000LL;

	(void)state;
	duration_is("0", 0);
	duration_is("0s", 0);
	duration_is("1s", s);
	duration_is("500ms", s / 2);
	duration_is("1m30s", 90 * s);
	duration_is("2h45m", (2 * 3600 + 45 * 60) * s);
	duration_is("1h0m0s", 3600 * s);
	duration_is("1.5h", 5400 * s);
	duration_is(".5s", s / 2);
	duration_is("1.s", s);
	duration_is("-1.5h", -5400 * s);
	duration_is("+2s", 2 * s);
	duration_is("300us", 300000);
	duration_is("1\xc2\xb5s", 1000);	/* micro sign */
	duration_is("1\xce\xbcs", 1000);	/* Greek mu */
	duration_is("10ns", 10);
	duration_is("1h1m1s1ms1us1ns", 3661001001001LL);
	duration_bad("", "not a duration (e.g. '5s', '1m', '2h22m')");
	duration_bad("-", "not a duration (e.g. '5s', '1m', '2h22m')");
	duration_bad("s", "not a duration (e.g. '5s', '1m', '2h22m')");
	duration_bad(".s", "not a duration (e.g. '5s', '1m', '2h22m')");
	duration_bad("1", "missing unit (ns, us, ms, s, m or h)");
	duration_bad("1s2", "missing unit (ns, us, ms, s, m or h)");
	duration_bad("5x", "unknown unit (ns, us, ms, s, m or h)");
	duration_bad("5 s", "unknown unit (ns, us, ms, s, m or h)");
	duration_bad("3000000h", "out of range");
	duration_bad("99999999999999999999s", "out of range");
}

static void test_period_flags(void **state)
{
	(void)state;
	parse_ok("--min-sync-period=0s", "--sync-period=1h");
	assert_int_equal(o.min_sync_period_ms, 0);
	assert_int_equal(o.sync_period_ms, 3600000);
	parse_ok("--conntrack-tcp-timeout-close-wait=0");
	assert_int_equal(o.conntrack_tcp_close_wait_timeout_s, 0);
	usage_fails("invalid argument \"0s\" for --sync-period: must be greater than 0",
		    "--sync-period=0s", NULL);
	usage_fails("invalid argument \"-1s\" for --min-sync-period: must not be negative",
		    "--min-sync-period", "-1s", NULL);
	usage_fails("invalid argument \"1500us\" for --min-sync-period: not a whole number of milliseconds",
		    "--min-sync-period=1500us", NULL);
	usage_fails("invalid argument \"1500ms\" for --conntrack-tcp-timeout-established: not a whole number of seconds",
		    "--conntrack-tcp-timeout-established=1500ms", NULL);
	usage_fails("invalid argument \"30\" for --sync-period: missing unit (ns, us, ms, s, m or h)",
		    "--sync-period=30", NULL);
	usage_fails("invalid argument \"1000000h\" for --conntrack-tcp-timeout-close-wait: out of range",
		    "--conntrack-tcp-timeout-close-wait=1000000h", NULL);
}

static void test_addresses(void **state)
{
	(void)state;
	parse_ok("--healthz-bind-address=127.0.0.1",
		 "--metrics-bind-address=[::1]:9000");
	assert_string_equal(o.healthz_bind_address, "127.0.0.1:10256");
	assert_string_equal(o.metrics_bind_address, "[::1]:9000");
	parse_ok("--metrics-bind-address", "::1");
	assert_string_equal(o.metrics_bind_address, "[::1]:10249");
	/* Empty disables a server, as kube-proxy's help says. */
	parse_ok("--healthz-bind-address=", "--metrics-bind-address", "");
	assert_null(o.healthz_bind_address);
	assert_null(o.metrics_bind_address);
	usage_fails("invalid argument \"localhost:80\" for --healthz-bind-address: \"localhost\" is not a valid IP address",
		    "--healthz-bind-address=localhost:80", NULL);
	usage_fails("invalid argument \"1.2.3.4:99999\" for --metrics-bind-address: \"99999\" is not a valid port",
		    "--metrics-bind-address=1.2.3.4:99999", NULL);
	usage_fails("invalid argument \"[::1]\" for --metrics-bind-address: not in a valid format (ip or ip:port)",
		    "--metrics-bind-address=[::1]", NULL);
	usage_fails("invalid argument \"[10.0.0.1]:80\" for --metrics-bind-address: \"10.0.0.1\" is not a valid IP address",
		    "--metrics-bind-address=[10.0.0.1]:80", NULL);
}

/* kube-proxy's deprecated --healthz-port / --metrics-port: 0 disables. */
static void test_port_flags(void **state)
{
	(void)state;
	assert_int_equal(parse("--healthz-port=0", "--metrics-port", "9100",
			       NULL), 0);
	assert_string_equal(out,
			    "ksvcd: warning: --healthz-port is deprecated: use --healthz-bind-address\n"
			    "ksvcd: warning: --metrics-port is deprecated: use --metrics-bind-address\n");
	assert_null(o.healthz_bind_address);
	assert_string_equal(o.metrics_bind_address, "127.0.0.1:9100");
	assert_int_equal(parse("--healthz-bind-address=",
			       "--healthz-port=8080",
			       "--metrics-bind-address=[::1]:1",
			       "--metrics-port=2", NULL), 0);
	assert_string_equal(o.healthz_bind_address, "0.0.0.0:8080");
	assert_string_equal(o.metrics_bind_address, "[::1]:2");
	usage_fails("invalid argument \"x\" for --healthz-port: not an integer",
		    "--healthz-port=x", NULL);
}

static void test_cidrs(void **state)
{
	(void)state;
	parse_ok("--cluster-cidr=fd00::/48");
	strv_is(o.cluster_cidrs, o.n_cluster_cidrs, "fd00::/48", NULL);
	parse_ok("--cluster-cidr=10.0.0.0/8", "--cluster-cidr=");
	assert_int_equal(o.n_cluster_cidrs, 0);
	/* kube-proxy's newer name; not deprecated. */
	parse_ok("--cluster-cidrs=10.0.0.0/8,fd00::/48");
	strv_is(o.cluster_cidrs, o.n_cluster_cidrs, "10.0.0.0/8",
		"fd00::/48", NULL);
	usage_fails("invalid argument \"10.0.0.0/8,11.0.0.0/8\" for --cluster-cidr: two IPv4 CIDRs: a dual-stack pair is one IPv4 and one IPv6",
		    "--cluster-cidr=10.0.0.0/8,11.0.0.0/8", NULL);
	usage_fails("invalid argument \"10.0.0.0/8,fd00::/48,11.0.0.0/8\" for --cluster-cidr: more than two CIDRs: one, or a dual-stack pair",
		    "--cluster-cidr=10.0.0.0/8,fd00::/48,11.0.0.0/8", NULL);
	usage_fails("invalid argument \"10.0.0.0/33\" for --cluster-cidr: \"10.0.0.0/33\" is not a CIDR",
		    "--cluster-cidr=10.0.0.0/33", NULL);
	usage_fails("invalid argument \"10.0.0.0\" for --cluster-cidr: \"10.0.0.0\" is not a CIDR",
		    "--cluster-cidr", "10.0.0.0", NULL);
}

static void test_nodeport_addresses(void **state)
{
	(void)state;
	parse_ok("--nodeport-addresses=10.0.0.0/8,fd00::/64",
		 "--nodeport-addresses=localhost", "--nodeport-addresses=all");
	strv_is(o.nodeport_addresses, o.n_nodeport_addresses, "10.0.0.0/8",
		"fd00::/64", "localhost", "all", NULL);
	usage_fails("invalid argument \"10.0.0.0/8,eth0\" for --nodeport-addresses: \"eth0\" is not a CIDR, primary, localhost or all",
		    "--nodeport-addresses=10.0.0.0/8,eth0", NULL);
}

static void test_hostname_and_ints(void **state)
{
	(void)state;
	parse_ok("--hostname-override", "  Worker-3.Example.COM ");
	assert_string_equal(o.hostname_override, "worker-3.example.com");
	parse_ok("--hostname-override=");
	assert_null(o.hostname_override);
	usage_fails("invalid argument \"  \" for --hostname-override: empty hostname-override is invalid",
		    "--hostname-override=  ", NULL);
	usage_fails("invalid argument \"abc\" for --conntrack-min: not an integer",
		    "--conntrack-min=abc", NULL);
	usage_fails("invalid argument \"-1\" for --conntrack-max-per-core: must not be negative",
		    "--conntrack-max-per-core=-1", NULL);
	usage_fails("invalid argument \"2147483648\" for --conntrack-min: out of range",
		    "--conntrack-min=2147483648", NULL);
	usage_fails("invalid argument \"x\" for --v: not an integer", "-v",
		    "x", NULL);
	usage_fails("invalid argument \"maybe\" for --cleanup: not a boolean (true or false)",
		    "--cleanup=maybe", NULL);
}

/* ---------------------------------------------------------------------- */
/* Usage errors */

static void test_unknown_flags(void **state)
{
	(void)state;
	usage_fails("unknown flag: --kubconfig (did you mean --kubeconfig?)",
		    "--kubconfig=x", NULL);
	usage_fails("unknown flag: --sync-perod (did you mean --sync-period?)",
		    "--sync-perod", "1s", NULL);
	usage_fails("unknown flag: --hostname-overide (did you mean --hostname-override?)",
		    "--hostname-overide=n", NULL);
	usage_fails("unknown flag: --frobnicate", "--frobnicate", NULL);
	usage_fails("unknown shorthand flag: 'k' in -kubeconfig (did you mean --kubeconfig?)",
		    "-kubeconfig", "x", NULL);
	usage_fails("unknown shorthand flag: 'v' in -version (did you mean --version?)",
		    "-version", NULL);
	usage_fails("unknown shorthand flag: 'h' in -help (did you mean --help?)",
		    "-help", NULL);
	usage_fails("unknown shorthand flag: 'x' in -x", "-x", NULL);
	usage_fails("unexpected argument \"run\": ksvcd takes flags only",
		    "--cleanup", "run", NULL);
	usage_fails("unexpected argument \"false\": ksvcd takes flags only",
		    "--cleanup", "false", NULL);
	usage_fails("flag needs an argument: --kubeconfig", "--v=1",
		    "--kubeconfig", NULL);
}

static void test_kube_proxy_flags(void **state)
{
	(void)state;
	assert_int_equal(parse("--proxy-mode=ipvs", "--masquerade-all",
			       "--oom-score-adj", "-999",
			       "--iptables-min-sync-period=2s",
			       "--ipvs-sync-period", "1m", NULL), 0);
	assert_string_equal(out,
		"ksvcd: warning: --proxy-mode: a kube-proxy flag that ksvcd does not support, ignored\n"
		"ksvcd: warning: --masquerade-all: a kube-proxy flag that ksvcd does not support, ignored\n"
		"ksvcd: warning: --oom-score-adj: a kube-proxy flag that ksvcd does not support, ignored\n"
		"ksvcd: warning: --iptables-min-sync-period is deprecated: read as --min-sync-period\n"
		"ksvcd: warning: --ipvs-sync-period is deprecated: read as --sync-period\n");
	assert_int_equal(o.min_sync_period_ms, 2000);
	assert_int_equal(o.sync_period_ms, 60000);
	usage_fails("--write-config-to: not supported by ksvcd: ksvcd writes no configuration file",
		    "--write-config-to=/tmp/x", NULL);
	usage_fails("--init-only: not supported by ksvcd: ksvcd has no separate initialization step",
		    "--init-only", NULL);
	usage_fails("invalid argument \"yes\" for --masquerade-all: not a boolean (true or false)",
		    "--masquerade-all=yes", NULL);
}

/* ---------------------------------------------------------------------- */
/* --config */

static void test_config_read(void **state)
{
	(void)state;
	parse_ok("--config", KDATA "/kube-proxy-config.yaml");
	assert_string_equal(o.config, KDATA "/kube-proxy-config.yaml");
	assert_string_equal(o.kubeconfig,
			    "/var/lib/kube-proxy/kubeconfig.conf");
	assert_string_equal(o.hostname_override, "node-1");
	assert_string_equal(o.healthz_bind_address, "0.0.0.0:10256");
	assert_string_equal(o.metrics_bind_address, "[::1]:10249");
	strv_is(o.cluster_cidrs, o.n_cluster_cidrs, "10.244.0.0/16",
		"fd00:10:244::/56", NULL);
	strv_is(o.nodeport_addresses, o.n_nodeport_addresses,
		"192.168.0.0/16", "primary", NULL);
	assert_int_equal(o.conntrack_max_per_core, 0);
	assert_int_equal(o.conntrack_min, 65536);
	assert_int_equal(o.conntrack_tcp_established_timeout_s, 7200);
	assert_int_equal(o.conntrack_tcp_close_wait_timeout_s, 1800);
	assert_int_equal(o.min_sync_period_ms, 250);
	assert_int_equal(o.sync_period_ms, 60000);
	assert_int_equal(o.verbosity, 3);
}

static void test_config_flags_win(void **state)
{
	(void)state;
	parse_ok("--hostname-override=other", "--min-sync-period", "0s",
		 "--config=" KDATA "/kube-proxy-config.yaml",
		 "--nodeport-addresses=10.0.0.0/8", "--metrics-bind-address=",
		 "-v", "0");
	assert_string_equal(o.hostname_override, "other");
	assert_int_equal(o.min_sync_period_ms, 0);
	/* A list given on the command line replaces the file's. */
	strv_is(o.nodeport_addresses, o.n_nodeport_addresses, "10.0.0.0/8",
		NULL);
	assert_null(o.metrics_bind_address);
	assert_int_equal(o.verbosity, 0);
	/* What no flag named comes from the file. */
	assert_int_equal(o.sync_period_ms, 60000);
	assert_int_equal(o.conntrack_min, 65536);
	assert_string_equal(o.kubeconfig,
			    "/var/lib/kube-proxy/kubeconfig.conf");
}

/* kube-proxy --write-config-to's output: all defaults, no warning. */
static void test_config_kube_proxy_defaults(void **state)
{
	(void)state;
	parse_ok("--config", KDATA "/kube-proxy-defaults.yaml");
	assert_null(o.kubeconfig);
	assert_null(o.hostname_override);
	assert_string_equal(o.healthz_bind_address, "0.0.0.0:10256");
	assert_string_equal(o.metrics_bind_address, "127.0.0.1:10249");
	assert_int_equal(o.n_cluster_cidrs, 0);
	assert_int_equal(o.n_nodeport_addresses, 0);
	assert_int_equal(o.conntrack_max_per_core, 32768);
	assert_int_equal(o.conntrack_tcp_established_timeout_s, 86400);
	/* The file says 1s: what it says is what ksvcd does. */
	assert_int_equal(o.min_sync_period_ms, 1000);
	assert_int_equal(o.sync_period_ms, 30000);
}

static void test_config_unsupported(void **state)
{
	const char *f = KDATA "/kube-proxy-unsupported.yaml";
	char want[2048];

	(void)state;
	assert_int_equal(parse("--config", f, NULL), 0);
	snprintf(want, sizeof(want),
		 "%1$s:3:7: warning: mode: not supported by ksvcd, ignored (ipvs.syncPeriod and ipvs.minSyncPeriod are read, as kube-proxy does)\n"
		 "%1$s:5:14: warning: oomScoreAdj: not supported by ksvcd, ignored\n"
		 "%1$s:7:3: warning: featureGates: not supported by ksvcd, ignored\n"
		 "%1$s:9:18: warning: iptables.masqueradeAll: not supported by ksvcd, ignored\n"
		 "%1$s:10:18: warning: iptables.minSyncPeriod: ignored: with mode \"ipvs\", kube-proxy reads ipvs.minSyncPeriod\n"
		 "%1$s:13:14: warning: ipvs.scheduler: not supported by ksvcd, ignored\n"
		 "%1$s:16:17: warning: ipvs.excludeCIDRs: not supported by ksvcd, ignored\n"
		 "%1$s:19:17: warning: conntrack.tcpBeLiberal: not supported by ksvcd, ignored\n"
		 "%1$s:21:11: warning: logging.format: not supported by ksvcd, ignored\n"
		 "%1$s:23:18: warning: detectLocalMode: not supported by ksvcd, ignored\n"
		 "%1$s:25:8: warning: clientConnection.qps: not supported by ksvcd, ignored\n",
		 f);
	assert_string_equal(out, want);
	/* mode: ipvs, so the ipvs section's periods. */
	assert_int_equal(o.sync_period_ms, 10000);
	assert_int_equal(o.min_sync_period_ms, 100);
	assert_int_equal(o.conntrack_max_per_core, 0);
	assert_int_equal(o.verbosity, 2);
}

static void test_config_nftables(void **state)
{
	(void)state;
	assert_int_equal(parse_config(HEAD "mode: nftables\n"
				      "nftables:\n"
				      "  syncPeriod: 45s\n"
				      "  minSyncPeriod: 0s\n"
				      "iptables:\n"
				      "  syncPeriod: 0s\n"
				      "  minSyncPeriod: 1s\n"), 0);
	assert_string_equal(out + strlen(tmpfile_path),
			    ":3:7: warning: mode: not supported by ksvcd, ignored (nftables.syncPeriod and nftables.minSyncPeriod are read, as kube-proxy does)\n");
	assert_int_equal(o.sync_period_ms, 45000);
	assert_int_equal(o.min_sync_period_ms, 0);
}

/* An empty string in the file is kube-proxy's default, not "disabled". */
static void test_config_empty_is_default(void **state)
{
	(void)state;
	assert_int_equal(parse_config(HEAD "metricsBindAddress: \"\"\n"
				      "healthzBindAddress:\n"
				      "hostnameOverride: ''\n"
				      "iptables: {syncPeriod: 0s}\n"), 0);
	assert_string_equal(out, "");
	assert_string_equal(o.metrics_bind_address, "127.0.0.1:10249");
	assert_string_equal(o.healthz_bind_address, "0.0.0.0:10256");
	assert_null(o.hostname_override);
	assert_int_equal(o.sync_period_ms, 30000);
}

static void test_config_errors(void **state)
{
	(void)state;
	config_fails(HEAD "conntrack:\n  maxPercore: 1\n",
		     "4:3: error: conntrack.maxPercore: unknown field (did you mean maxPerCore?)");
	config_fails(HEAD "hostnameOveride: x\nfoo: 1\n",
		     "3:1: error: hostnameOveride: unknown field (did you mean hostnameOverride?)\n"
		     "4:1: error: foo: unknown field");
	config_fails(HEAD "conntrack:\n  min: lots\n"
		     "  tcpCloseWaitTimeout: 1h\n  min: 5\n",
		     "4:8: error: conntrack.min: \"lots\": not an integer\n"
		     "6:3: error: conntrack.min: given twice (first at line 4)");
	config_fails(HEAD "iptables:\n  syncPeriod: 1x\n",
		     "4:15: error: iptables.syncPeriod: \"1x\": unknown unit (ns, us, ms, s, m or h)");
	config_fails(HEAD "conntrack: 5\nnodePortAddresses: 10.0.0.0/8\n"
		     "healthzBindAddress: [a]\n",
		     "3:12: error: conntrack: expected a mapping\n"
		     "4:20: error: nodePortAddresses: expected a list\n"
		     "5:21: error: healthzBindAddress: expected a single value");
	config_fails(HEAD "nodePortAddresses:\n- 10.0.0.0/8\n- eth0\n",
		     "5:3: error: nodePortAddresses: \"eth0\" is not a CIDR, primary, localhost or all");
	config_fails(HEAD "mode: userspace\n",
		     "3:7: error: mode: \"userspace\" is not a kube-proxy mode on Linux (iptables, ipvs, nftables)");
}

static void test_config_wrong_kind(void **state)
{
	(void)state;
	config_fails("apiVersion: kubeproxy.config.k8s.io/v1alpha2\n"
		     "kind: KubeProxyConfiguration\n",
		     "1:13: error: apiVersion: \"kubeproxy.config.k8s.io/v1alpha2\" is not supported: ksvcd reads kubeproxy.config.k8s.io/v1alpha1");
	config_fails("apiVersion: kubelet.config.k8s.io/v1beta1\n"
		     "kind: KubeletConfiguration\n",
		     "1:13: error: apiVersion: \"kubelet.config.k8s.io/v1beta1\" is not supported: ksvcd reads kubeproxy.config.k8s.io/v1alpha1\n"
		     "2:7: error: kind: \"KubeletConfiguration\" is not supported: ksvcd reads KubeProxyConfiguration");
	config_fails("kind: KubeProxyConfiguration\nmode: ipvs\n",
		     "1:1: error: apiVersion is missing: expected kubeproxy.config.k8s.io/v1alpha1");
	config_fails("- a\n", " error: not a KubeProxyConfiguration");
	config_fails("", " error: not a KubeProxyConfiguration");
	config_fails(HEAD "---\n" HEAD, " error: more than one document");
	config_fails(HEAD "conntrack: {min: 1\n",
		     "4:1: error: did not find expected ',' or '}'");
	assert_int_equal(parse("--config=/nonexistent/kp.yaml", NULL), 1);
	assert_string_equal(out,
			    "ksvcd: --config /nonexistent/kp.yaml: No such file or directory\n");
}

/* ---------------------------------------------------------------------- */
/* --help */

static void test_usage(void **state)
{
	static const char *const shown[] = {
		"--cleanup\n", "--cluster-cidr string\n",
		"--config string\n", "--conntrack-max-per-core int32\n",
		"--conntrack-min int32\n",
		"--conntrack-tcp-timeout-close-wait duration\n",
		"--conntrack-tcp-timeout-established duration\n",
		"--context string\n", "--healthz-bind-address ipport\n",
		"--healthz-port int32\n", "-h, --help\n",
		"--hostname-override string\n", "--kubeconfig string\n",
		"--master string\n", "--metrics-bind-address ipport\n",
		"--metrics-port int32\n", "--min-sync-period duration\n",
		"--nodeport-addresses strings\n", "--sync-period duration\n",
		"-v, --v Level\n", "--version\n",
		"(default 32768)", "(default 131072)", "(default 1h0m0s)",
		"(default 24h0m0s)", "(default \"0.0.0.0:10256\")",
		"(default \"127.0.0.1:10249\")", "(default 0s)",
		"(default 30s)", " 5 ms; ", "--cluster-cidrs is read as",
	};
	char *text = NULL, *line, *nl;
	size_t len, i;
	FILE *f;

	(void)state;
	f = open_memstream(&text, &len);
	ksvcd_opts_usage(f);
	fclose(f);
	for (i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
		if (!strstr(text, shown[i]))
			fail_msg("--help lacks \"%s\"", shown[i]);
	assert_null(strstr(text, "      --write-config-to"));
	assert_null(strstr(text, "      --init-only"));
	assert_null(strstr(text, "--proxy-mode"));
	for (line = text; *line; line = nl + 1) {
		nl = strchrnul(line, '\n');
		if (nl - line > 79)
			fail_msg("longer than 79 columns: %.*s",
				 (int)(nl - line), line);
		if (!*nl)
			break;
	}
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_flag_equals),
		cmocka_unit_test(test_every_flag_separate),
		cmocka_unit_test(test_bools_and_levels),
		cmocka_unit_test(test_go_durations),
		cmocka_unit_test(test_period_flags),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_port_flags),
		cmocka_unit_test(test_cidrs),
		cmocka_unit_test(test_nodeport_addresses),
		cmocka_unit_test(test_hostname_and_ints),
		cmocka_unit_test(test_unknown_flags),
		cmocka_unit_test(test_kube_proxy_flags),
		cmocka_unit_test(test_config_read),
		cmocka_unit_test(test_config_flags_win),
		cmocka_unit_test(test_config_kube_proxy_defaults),
		cmocka_unit_test(test_config_unsupported),
		cmocka_unit_test(test_config_nftables),
		cmocka_unit_test(test_config_empty_is_default),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_config_wrong_kind),
		cmocka_unit_test(test_usage),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
