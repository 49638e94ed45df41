// SPDX-License-Identifier: GPL-2.0
/*
 * options.c: ksvcd's command line and --config file, as kube-proxy's.
 *
 * Flags are parsed as pflag does (--flag=value, --flag value, bool flags
 * alone, -v 2 / -v=2 / -v2), durations as Go's time.ParseDuration.  The
 * flags are described once, in flags[]; the --config file's fields in
 * cfields[], each naming the flag whose parser it shares, so a value
 * means the same in both places.
 *
 * kube-proxy lets --config win over most flags; ksvcd lets the command
 * line win over the file, field by field, which is what people expect
 * and what kube-proxy does for --hostname-override and -v already: the
 * file is read first, then the flags are applied again over it.
 */
#define _GNU_SOURCE	/* asprintf */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <yaml.h>

#include "options.h"

#define API_VERSION	"kubeproxy.config.k8s.io/v1alpha1"
#define KIND		"KubeProxyConfiguration"
#define MAX_ERRORS	20	/* in a --config file, then stop */

#define NSEC_PER_MSEC	1000000LL
#define NSEC_PER_SEC	1000000000LL

enum kind {
	K_STR,		/* char *; "" unsets */
	K_HOST,		/* --hostname-override: trimmed, lower-cased */
	K_ADDR,		/* IP[:port] of a server; "" disables */
	K_PORT,		/* --healthz-port: @target's port; 0 disables */
	K_CIDRS,	/* --cluster-cidr: one CIDR or a dual-stack pair */
	K_NPADDRS,	/* --nodeport-addresses: a list, flags append */
	K_INT,		/* int32, >= 0 */
	K_MS,		/* a duration in milliseconds */
	K_SEC,		/* a duration in seconds */
	K_BOOL,
	K_LEVEL,	/* -v */
	K_ALIAS,	/* kube-proxy's other name of @target */
	K_IGNORE,	/* a kube-proxy flag with a value that ksvcd ignores */
	K_IGNORE_BOOL,	/* the same, without a value */
	K_REFUSE,	/* a kube-proxy flag that ksvcd cannot honour */
};

struct flag {
	const char *name;
	char shorthand;
	enum kind kind;
	size_t off;		/* in struct ksvcd_opts */
	int arg;		/* K_ADDR: the default port; K_MS: 1 if > 0;
				 * K_ALIAS: 1 if deprecated */
	const char *type;	/* in --help, as pflag names it */
	const char *def;	/* in --help */
	const char *help;	/* NULL: not in --help; K_REFUSE: why */
	const char *target;	/* K_ALIAS, K_PORT: the flag meant */
};

#define DEF_HEALTHZ	"0.0.0.0:10256"
#define DEF_METRICS	"127.0.0.1:10249"

#define OFF(field)	offsetof(struct ksvcd_opts, field)
#define IGNORED(n)	{ .name = n, .kind = K_IGNORE }
#define IGNORED_BOOL(n)	{ .name = n, .kind = K_IGNORE_BOOL }

/* In --help's order; kube-proxy's wording where the meaning is the same. */
static const struct flag flags[] = {
	{ .name = "cleanup", .kind = K_BOOL, .off = OFF(cleanup),
	  .help = "If true cleanup the kernel's ksvc services and exit." },
	{ .name = "cluster-cidr", .kind = K_CIDRS, .type = "string",
	  .help = "The CIDR range of the pods in the cluster. (For "
		  "dual-stack clusters, this can be a comma-separated "
		  "dual-stack pair of CIDR ranges.)" },
	{ .name = "config", .kind = K_STR, .off = OFF(config),
	  .type = "string",
	  .help = "The path to the configuration file, a "
		  "KubeProxyConfiguration (" API_VERSION "). Flags given on "
		  "the command line override its fields; the fields ksvcd "
		  "does not support are warned about." },
	{ .name = "conntrack-max-per-core", .kind = K_INT,
	  .off = OFF(conntrack_max_per_core), .type = "int32", .def = "32768",
	  .help = "Maximum number of NAT connections to track per CPU core "
		  "(0 to leave the limit as-is and ignore conntrack-min)." },
	{ .name = "conntrack-min", .kind = K_INT, .off = OFF(conntrack_min),
	  .type = "int32", .def = "131072",
	  .help = "Minimum number of conntrack entries to allocate, "
		  "regardless of conntrack-max-per-core (set "
		  "conntrack-max-per-core=0 to leave the limit as-is)." },
	{ .name = "conntrack-tcp-timeout-close-wait", .kind = K_SEC,
	  .off = OFF(conntrack_tcp_close_wait_timeout_s), .type = "duration",
	  .def = "1h0m0s",
	  .help = "NAT timeout for TCP connections in the CLOSE_WAIT state "
		  "(0 to leave as-is)" },
	{ .name = "conntrack-tcp-timeout-established", .kind = K_SEC,
	  .off = OFF(conntrack_tcp_established_timeout_s),
	  .type = "duration", .def = "24h0m0s",
	  .help = "Idle timeout for established TCP connections (0 to leave "
		  "as-is)" },
	{ .name = "context", .kind = K_STR, .off = OFF(context),
	  .type = "string",
	  .help = "The kubeconfig context to use, instead of its "
		  "current-context. (ksvcd's own flag.)" },
	{ .name = "healthz-bind-address", .kind = K_ADDR,
	  .off = OFF(healthz_bind_address), .arg = KSVCD_HEALTHZ_PORT,
	  .type = "ipport", .def = DEF_HEALTHZ,
	  .help = "The IP address and port for the health check server to "
		  "serve on. An IP address alone takes port 10256. Set "
		  "empty to disable." },
	{ .name = "healthz-port", .kind = K_PORT,
	  .off = OFF(healthz_bind_address), .type = "int32", .def = "10256",
	  .target = "healthz-bind-address",
	  .help = "DEPRECATED (use --healthz-bind-address). The port to "
		  "bind the health check server. Use 0 to disable." },
	{ .name = "help", .shorthand = 'h', .kind = K_BOOL, .off = OFF(help),
	  .help = "help for ksvcd" },
	{ .name = "hostname-override", .kind = K_HOST,
	  .off = OFF(hostname_override), .type = "string",
	  .help = "If non-empty, will be used as the name of the Node that "
		  "ksvcd is running on. If unset, the node name is assumed "
		  "to be the same as the node's hostname." },
	{ .name = "kubeconfig", .kind = K_STR, .off = OFF(kubeconfig),
	  .type = "string",
	  .help = "Path to kubeconfig file with authorization information "
		  "(the master location can be overridden by the master "
		  "flag). Without --kubeconfig and --master, ksvcd uses the "
		  "pod's service account (in-cluster)." },
	{ .name = "master", .kind = K_STR, .off = OFF(master),
	  .type = "string",
	  .help = "The address of the Kubernetes API server (overrides any "
		  "value in kubeconfig)" },
	{ .name = "metrics-bind-address", .kind = K_ADDR,
	  .off = OFF(metrics_bind_address), .arg = KSVCD_METRICS_PORT,
	  .type = "ipport", .def = DEF_METRICS,
	  .help = "The IP address and port for the metrics server to serve "
		  "on. (Set to \"0.0.0.0:10249\" / \"[::]:10249\" to bind on "
		  "all interfaces.) An IP address alone takes port 10249. "
		  "Set empty to disable." },
	{ .name = "metrics-port", .kind = K_PORT,
	  .off = OFF(metrics_bind_address), .type = "int32", .def = "10249",
	  .target = "metrics-bind-address",
	  .help = "DEPRECATED (use --metrics-bind-address). The port to "
		  "bind the metrics server. Use 0 to disable." },
	{ .name = "min-sync-period", .kind = K_MS,
	  .off = OFF(min_sync_period_ms), .type = "duration", .def = "0s",
	  .help = "The minimum period between proxier rule resyncs (e.g. "
		  "'5s', '1m', '2h22m'). A value of 0 means every Service "
		  "or EndpointSlice change will result in an immediate "
		  "proxier resync. ksvcd's default is 0s, not kube-proxy's "
		  "1s, to keep the latency of a one-service change under "
		  "5\1ms; a larger value batches changes at that latency's "
		  "expense." },
	{ .name = "nodeport-addresses", .kind = K_NPADDRS, .type = "strings",
	  .help = "A list of CIDR ranges that contain valid node IPs, or "
		  "the keywords 'primary' (the Node object's primary IPs), "
		  "'localhost' and 'all'. If set, connections to NodePort "
		  "services will only be accepted on node IPs in one of the "
		  "indicated ranges. If unset, NodePort connections will be "
		  "accepted on all local IPs." },
	{ .name = "sync-period", .kind = K_MS, .off = OFF(sync_period_ms),
	  .arg = 1, .type = "duration", .def = "30s",
	  .help = "An interval (e.g. '5s', '1m', '2h22m') indicating how "
		  "frequently various re-synchronizing and cleanup "
		  "operations are performed. Must be greater than 0." },
	{ .name = "v", .shorthand = 'v', .kind = K_LEVEL, .off = OFF(verbosity),
	  .type = "Level", .help = "number for the log level verbosity" },
	{ .name = "version", .kind = K_BOOL, .off = OFF(version),
	  .help = "Print version information and quit" },

	/* kube-proxy's other names of the flags above (.arg: deprecated). */
	{ .name = "cluster-cidrs", .kind = K_ALIAS, .target = "cluster-cidr" },
	{ .name = "iptables-sync-period", .kind = K_ALIAS, .arg = 1,
	  .target = "sync-period" },
	{ .name = "ipvs-sync-period", .kind = K_ALIAS, .arg = 1,
	  .target = "sync-period" },
	{ .name = "iptables-min-sync-period", .kind = K_ALIAS, .arg = 1,
	  .target = "min-sync-period" },
	{ .name = "ipvs-min-sync-period", .kind = K_ALIAS, .arg = 1,
	  .target = "min-sync-period" },

	/* What would make ksvcd do something else than asked. */
	{ .name = "write-config-to", .kind = K_REFUSE,
	  .help = "ksvcd writes no configuration file" },
	{ .name = "init-only", .kind = K_REFUSE,
	  .help = "ksvcd has no separate initialization step" },

	/* kube-proxy's flags of iptables, IPVS, Windows and the like. */
	IGNORED("bind-address"), IGNORED_BOOL("bind-address-hard-fail"),
	IGNORED("config-sync-period"), IGNORED_BOOL("conntrack-tcp-be-liberal"),
	IGNORED("conntrack-udp-timeout"), IGNORED("conntrack-udp-timeout-stream"),
	IGNORED("detect-local-mode"), IGNORED("feature-gates"),
	IGNORED("healthz-bind-addresses"), IGNORED("healthz-bind-port"),
	IGNORED("iptables-masquerade-bit"),
	IGNORED_BOOL("iptables-localhost-nodeports"),
	IGNORED("ipvs-exclude-cidrs"), IGNORED("ipvs-masquerade-bit"),
	IGNORED("ipvs-scheduler"), IGNORED_BOOL("ipvs-strict-arp"),
	IGNORED("ipvs-tcp-timeout"), IGNORED("ipvs-tcpfin-timeout"),
	IGNORED("ipvs-udp-timeout"), IGNORED("kube-api-burst"),
	IGNORED("kube-api-content-type"), IGNORED("kube-api-qps"),
	IGNORED("log-flush-frequency"), IGNORED("logging-format"),
	IGNORED_BOOL("log-json-split-stream"),
	IGNORED("log-json-info-buffer-size"),
	IGNORED_BOOL("log-text-split-stream"),
	IGNORED("log-text-info-buffer-size"),
	IGNORED_BOOL("masquerade-all"), IGNORED("metrics-bind-addresses"),
	IGNORED("metrics-bind-port"), IGNORED("node-ip-override"),
	IGNORED("oom-score-adj"), IGNORED("pod-bridge-interface"),
	IGNORED("pod-interface-name-prefix"), IGNORED_BOOL("profiling"),
	IGNORED("proxy-mode"), IGNORED("show-hidden-metrics-for-version"),
	IGNORED("vmodule"),
};

#define N_FLAGS	(sizeof(flags) / sizeof(flags[0]))

/* ---------------------------------------------------------------------- */
/* Small things */

static void say(FILE *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(FILE *f, const char *fmt, ...)
{
	va_list ap;

	if (!f)
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
}

static int why(char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int why(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return -1;
}

static void strv_free(char ***v, size_t *n)
{
	size_t i;

	for (i = 0; i < *n; i++)
		free((*v)[i]);
	free(*v);
	*v = NULL;
	*n = 0;
}

static int strv_push(char ***v, size_t *n, const char *s, size_t len)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (!nv)
		return -1;
	*v = nv;
	nv[*n] = strndup(s, len);
	if (!nv[*n])
		return -1;
	(*n)++;
	return 0;
}

static int replace_str(char **dst, const char *s)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		return -1;
	free(*dst);
	*dst = d;
	return 0;
}

static const struct flag *find_flag(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < N_FLAGS; i++)
		if (strlen(flags[i].name) == len &&
		    !strncmp(flags[i].name, name, len))
			return &flags[i];
	return NULL;
}

/* Edit distance of @a and @b (case-blind), for "did you mean". */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, prev, tmp;
	size_t row[64];

	if (la >= 64 || lb >= 64)
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			row[j] = prev + (tolower((unsigned char)a[i - 1]) !=
					 tolower((unsigned char)b[j - 1]));
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			if (tmp + 1 < row[j])
				row[j] = tmp + 1;
			prev = tmp;
		}
	}
	return row[lb];
}

/* Close enough to be a typo of: about one edit in four characters. */
static bool near(const char *typed, const char *name)
{
	size_t d = distance(typed, name);

	return d <= (strlen(name) >= 8 ? 3 : 2) && d < strlen(name);
}

/* ---------------------------------------------------------------------- */
/* Values: durations, numbers, addresses */

static long long unit_ns(const char *u, size_t len)
{
	static const struct {
		const char *name;
		long long ns;
	} units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "\xc2\xb5s", 1000 },
		{ "\xce\xbcs", 1000 }, { "ms", NSEC_PER_MSEC },
		{ "s", NSEC_PER_SEC }, { "m", 60 * NSEC_PER_SEC },
		{ "h", 3600 * NSEC_PER_SEC },
	};
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strlen(units[i].name) == len &&
		    !strncmp(units[i].name, u, len))
			return units[i].ns;
	return 0;
}

/* One "1.5h" of "1.5h30m": its value added to @total; @s moved on. */
static int duration_part(const char **s, unsigned long long *total,
			 const char **why)
{
	unsigned long long whole = 0, frac = 0, scale = 1, unit, v;
	const char *p = *s, *u;
	bool digits = false;

	for (; isdigit((unsigned char)*p); p++, digits = true) {
		if (whole > (ULLONG_MAX - 9) / 10)
			return *why = "out of range", -1;
		whole = whole * 10 + (*p - '0');
	}
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++, digits = true)
			if (scale < 1000000000000000000ULL) {
				frac = frac * 10 + (*p - '0');
				scale *= 10;
			}
	if (!digits)
		return *why = "not a duration (e.g. '5s', '1m', '2h22m')", -1;
	for (u = p; *p && *p != '.' && !isdigit((unsigned char)*p); p++)
		;
	if (u == p)
		return *why = "missing unit (ns, us, ms, s, m or h)", -1;
	unit = unit_ns(u, p - u);
	if (!unit)
		return *why = "unknown unit (ns, us, ms, s, m or h)", -1;
	if (whole > (unsigned long long)LLONG_MAX / unit)
		return *why = "out of range", -1;
	v = whole * unit + (unsigned long long)((long double)frac * unit /
						 scale);
	if (v > (unsigned long long)LLONG_MAX - *total)
		return *why = "out of range", -1;
	*total += v;
	*s = p;
	return 0;
}

int ksvcd_parse_duration(const char *s, long long *ns, const char **why)
{
	unsigned long long total = 0;
	bool neg = false;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (!strcmp(s, "0")) {
		*ns = 0;
		return 0;
	}
	if (!*s)
		return *why = "not a duration (e.g. '5s', '1m', '2h22m')", -1;
	while (*s)
		if (duration_part(&s, &total, why))
			return -1;
	*ns = neg ? -(long long)total : (long long)total;
	return 0;
}

static int parse_int(const char *v, long max, long *out, char *w, size_t n)
{
	char *end;

	errno = 0;
	*out = strtol(v, &end, 10);
	if (!*v || *end || isspace((unsigned char)*v))
		return why(w, n, "not an integer");
	if (errno || *out > max)
		return why(w, n, "out of range");
	if (*out < 0)
		return why(w, n, "must not be negative");
	return 0;
}

/* Go's strconv.ParseBool, which pflag uses. */
static int parse_bool(const char *v, bool *out, char *w, size_t n)
{
	static const char *const yes[] = { "1", "t", "T", "true", "TRUE",
					   "True" };
	static const char *const no[] = { "0", "f", "F", "false", "FALSE",
					  "False" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcmp(v, yes[i]))
			return *out = true, 0;
		if (!strcmp(v, no[i]))
			return *out = false, 0;
	}
	return why(w, n, "not a boolean (true or false)");
}

/* "10.0.0.0/8" or "fd00::/64": AF_INET or AF_INET6, or 0. */
static int cidr_family(const char *s, size_t len)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	unsigned char a[16];
	int fam;
	long bits;

	if (len >= sizeof(buf))
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	slash = strchr(buf, '/');
	if (!slash || !isdigit((unsigned char)slash[1]))
		return 0;
	*slash = '\0';
	if (inet_pton(AF_INET, buf, a) == 1)
		fam = AF_INET;
	else if (inet_pton(AF_INET6, buf, a) == 1)
		fam = AF_INET6;
	else
		return 0;
	bits = strtol(slash + 1, &end, 10);
	if (*end || bits > (fam == AF_INET ? 32 : 128))
		return 0;
	return fam;
}

/*
 * kube-proxy's IPPortVar: "IP" or "IP:port" (an IP first: "::1:80" is
 * one), into "IP:port" with IPv6 in brackets.
 */
static int norm_addr(const char *v, int defport, char **out, char *w,
		     size_t n)
{
	char host[INET6_ADDRSTRLEN + 2];
	unsigned char a[16];
	const char *port;
	long p = defport;
	bool v6;

	if (inet_pton(AF_INET, v, a) == 1 || inet_pton(AF_INET6, v, a) == 1) {
		snprintf(host, sizeof(host), "%s", v);
		v6 = strchr(v, ':');
	} else {
		v6 = v[0] == '[';
		port = v6 ? strstr(v, "]:") : strrchr(v, ':');
		if (!port || (size_t)(port - v) >= sizeof(host))
			return why(w, n, "not in a valid format (ip or ip:port)");
		snprintf(host, sizeof(host), "%.*s", (int)(port - v - v6),
			 v + v6);
		port += v6 ? 2 : 1;
		if (inet_pton(v6 ? AF_INET6 : AF_INET, host, a) != 1)
			return why(w, n, "\"%s\" is not a valid IP address",
				   host);
		if (parse_int(port, 65535, &p, w, n))
			return why(w, n, "\"%s\" is not a valid port", port);
	}
	if (asprintf(out, v6 ? "[%s]:%ld" : "%s:%ld", host, p) < 0)
		return why(w, n, "out of memory");
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Setting a flag's value */

static int set_addr(char **dst, const char *v, int defport, char *w,
		    size_t n)
{
	char *a = NULL;

	if (*v && norm_addr(v, defport, &a, w, n))
		return -1;
	free(*dst);
	*dst = a;
	return 0;
}

/* --healthz-port: the address's port; its IP kept, or the default's. */
static int set_port(char **dst, const char *v, const struct flag *f,
		    char *w, size_t n)
{
	const struct flag *t = find_flag(f->target, strlen(f->target));
	const char *addr = *dst ? *dst : t->def;
	long p;
	char *a;

	if (parse_int(v, 65535, &p, w, n))
		return -1;
	if (!p) {
		free(*dst);
		*dst = NULL;
		return 0;
	}
	if (asprintf(&a, "%.*s:%ld", (int)(strrchr(addr, ':') - addr), addr,
		     p) < 0)
		return why(w, n, "out of memory");
	free(*dst);
	*dst = a;
	return 0;
}

static int set_host(char **dst, const char *v, char *w, size_t n)
{
	const char *e;
	char *h, *c;

	if (!*v)
		return replace_str(dst, NULL);
	while (isspace((unsigned char)*v))
		v++;
	for (e = v + strlen(v); e > v && isspace((unsigned char)e[-1]); e--)
		;
	if (e == v)
		return why(w, n, "empty hostname-override is invalid");
	h = strndup(v, e - v);
	if (!h)
		return why(w, n, "out of memory");
	for (c = h; *c; c++)
		*c = tolower((unsigned char)*c);
	free(*dst);
	*dst = h;
	return 0;
}

static int set_cidrs(struct ksvcd_opts *o, const char *v, char *w, size_t n)
{
	const char *p = v, *comma;
	int fam[2];
	size_t i;

	strv_free(&o->cluster_cidrs, &o->n_cluster_cidrs);
	for (i = 0; *v; i++, p = comma + 1) {
		comma = strchrnul(p, ',');
		if (i == 2)
			return why(w, n, "more than two CIDRs: one, or a dual-stack pair");
		fam[i] = cidr_family(p, comma - p);
		if (!fam[i])
			return why(w, n, "\"%.*s\" is not a CIDR",
				   (int)(comma - p), p);
		if (strv_push(&o->cluster_cidrs, &o->n_cluster_cidrs, p,
			      comma - p))
			return why(w, n, "out of memory");
		if (!*comma)
			break;
	}
	if (i == 1 && fam[0] == fam[1])
		return why(w, n, "two IPv%c CIDRs: a dual-stack pair is one IPv4 and one IPv6",
			   fam[0] == AF_INET ? '4' : '6');
	return 0;
}

static bool np_keyword(const char *s, size_t len)
{
	return (len == 7 && !strncmp(s, "primary", 7)) ||
	       (len == 9 && !strncmp(s, "localhost", 9)) ||
	       (len == 3 && !strncmp(s, "all", 3));
}

/* The first occurrence replaces the list, later ones add (StringSlice). */
static int set_npaddrs(struct ksvcd_opts *o, const char *v, bool first,
		       char *w, size_t n)
{
	const char *p, *comma;

	if (first)
		strv_free(&o->nodeport_addresses, &o->n_nodeport_addresses);
	for (p = v; *v; p = comma + 1) {
		comma = strchrnul(p, ',');
		if (!np_keyword(p, comma - p) && !cidr_family(p, comma - p))
			return why(w, n, "\"%.*s\" is not a CIDR, primary, localhost or all",
				   (int)(comma - p), p);
		if (strv_push(&o->nodeport_addresses, &o->n_nodeport_addresses,
			      p, comma - p))
			return why(w, n, "out of memory");
		if (!*comma)
			break;
	}
	return 0;
}

/* A duration in units of @unit ns, which it must be a whole number of. */
static int set_duration(const char *v, long long unit, bool positive,
			long long max, long long *out, char *w, size_t n)
{
	const char *bad;
	long long ns;

	if (ksvcd_parse_duration(v, &ns, &bad))
		return why(w, n, "%s", bad);
	if (ns < 0 || (positive && !ns))
		return why(w, n, positive ? "must be greater than 0" :
			   "must not be negative");
	if (ns % unit)
		return why(w, n, "not a whole number of %s",
			   unit == NSEC_PER_SEC ? "seconds" : "milliseconds");
	if (ns / unit > max)
		return why(w, n, "out of range");
	*out = ns / unit;
	return 0;
}

/* Set @f (not an alias) to @v; @first: its first time on this line. */
static int set_value(struct ksvcd_opts *o, const struct flag *f,
		     const char *v, bool first, char *w, size_t n)
{
	void *dst = (char *)o + f->off;
	long long ll;
	long l;
	bool b;

	switch (f->kind) {
	case K_STR:
		if (replace_str(dst, *v ? v : NULL))
			return why(w, n, "out of memory");
		return 0;
	case K_HOST:
		return set_host(dst, v, w, n);
	case K_ADDR:
		return set_addr(dst, v, f->arg, w, n);
	case K_PORT:
		return set_port(dst, v, f, w, n);
	case K_CIDRS:
		return set_cidrs(o, v, w, n);
	case K_NPADDRS:
		return set_npaddrs(o, v, first, w, n);
	case K_INT:
	case K_LEVEL:
		if (parse_int(v, INT32_MAX, &l, w, n))
			return -1;
		*(int *)dst = (int)l;
		return 0;
	case K_MS:
		if (set_duration(v, NSEC_PER_MSEC, f->arg, LONG_MAX, &ll, w, n))
			return -1;
		*(long *)dst = (long)ll;
		return 0;
	case K_SEC:
		if (set_duration(v, NSEC_PER_SEC, false, INT_MAX, &ll, w, n))
			return -1;
		*(int *)dst = (int)ll;
		return 0;
	case K_BOOL:
		return parse_bool(v, (bool *)dst, w, n);
	case K_IGNORE_BOOL:
		return parse_bool(v, &b, w, n);
	default:
		return 0;
	}
}

/* ---------------------------------------------------------------------- */
/* The command line */

static bool takes_value(const struct flag *f)
{
	return f->kind != K_BOOL && f->kind != K_IGNORE_BOOL;
}

static int usage_error(FILE *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int usage_error(FILE *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return 2;
	fputs("ksvcd: ", err);
	va_start(ap, fmt);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fputs("\nRun 'ksvcd --help' for usage.\n", err);
	return 2;
}

/* The shown flag nearest to @typed, or NULL. */
static const char *suggest_flag(const char *typed)
{
	const char *best = NULL;
	size_t i, d, bestd = SIZE_MAX;

	for (i = 0; i < N_FLAGS; i++) {
		if (!flags[i].help || flags[i].kind == K_REFUSE ||
		    !near(typed, flags[i].name))
			continue;
		d = distance(typed, flags[i].name);
		if (d < bestd) {
			bestd = d;
			best = flags[i].name;
		}
	}
	return best;
}

static int unknown_flag(FILE *err, const char *name, size_t len)
{
	char typed[64];
	const char *s;

	snprintf(typed, sizeof(typed), "%.*s", (int)len, name);
	s = suggest_flag(typed);
	if (s)
		return usage_error(err, "unknown flag: --%s (did you mean --%s?)",
				   typed, s);
	return usage_error(err, "unknown flag: --%s", typed);
}

/*
 * One argument (and its value, if it takes the next): @f set from it.
 * Returns 0, or 2 after a message.
 */
static int one_flag(struct ksvcd_opts *o, const struct flag *f,
		    const char *v, bool *seen, FILE *err)
{
	const struct flag *t = f;
	char w[160];

	if (f->kind == K_ALIAS)
		t = find_flag(f->target, strlen(f->target));
	if (set_value(o, t, v, !seen[t - flags], w, sizeof(w)))
		return usage_error(err, "invalid argument \"%s\" for --%s: %s",
				   v, f->name, w);
	seen[t - flags] = true;
	if (f->kind == K_IGNORE || f->kind == K_IGNORE_BOOL)
		say(err, "ksvcd: warning: --%s: a kube-proxy flag that ksvcd does not support, ignored\n",
		    f->name);
	if (f->kind == K_ALIAS && f->arg)
		say(err, "ksvcd: warning: --%s is deprecated: read as --%s\n",
		    f->name, t->name);
	if (f->kind == K_PORT)
		say(err, "ksvcd: warning: --%s is deprecated: use --%s\n",
		    f->name, f->target);
	return 0;
}

/*
 * "-v 2", "-v=2", "-v2", "-h": the flag's name and any value in @a.
 * "-kubeconfig", which Go's flag package would take but pflag does not,
 * is an error that says what was meant.
 */
static int short_flag(const char *a, const char **name, size_t *len,
		      const char **v, FILE *err)
{
	size_t k, nlen = strcspn(a + 1, "=");
	const struct flag *f = NULL;

	/* Before "-v": "-version" is not "-v ersion". */
	if (nlen > 1 && find_flag(a + 1, nlen))
		return usage_error(err, "unknown shorthand flag: '%c' in %s (did you mean -%s?)",
				   a[1], a, a);
	for (k = 0; k < N_FLAGS && !f; k++)
		if (flags[k].shorthand == a[1])
			f = &flags[k];
	if (f && (!a[2] || takes_value(f))) {
		*name = f->name;
		*len = strlen(f->name);
		if (a[2])
			*v = a[2] == '=' ? a + 3 : a + 2;
		return 0;
	}
	return usage_error(err, "unknown shorthand flag: '%c' in %s", a[1],
			   a);
}

/* Everything in @argv into @o; messages to @err (NULL: silent). */
static int parse_args(struct ksvcd_opts *o, int argc, char **argv,
		      FILE *err)
{
	bool seen[N_FLAGS] = { false };
	const struct flag *f;
	const char *name = NULL, *v;
	size_t len = 0;
	int i, r;

	for (i = 1; i < argc && !o->help && !o->version; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--") || a[0] != '-' || !a[1])
			return usage_error(err, "unexpected argument \"%s\": ksvcd takes flags only",
					   !strcmp(a, "--") && i + 1 < argc ?
					   argv[i + 1] : a);
		v = NULL;
		if (a[1] != '-') {
			r = short_flag(a, &name, &len, &v, err);
			if (r)
				return r;
		} else {
			name = a + 2;
			len = strcspn(name, "=");
			if (name[len])
				v = name + len + 1;
		}
		f = find_flag(name, len);
		if (!f)
			return unknown_flag(err, name, len);
		if (f->kind == K_REFUSE)
			return usage_error(err, "--%s: not supported by ksvcd: %s",
					   f->name, f->help);
		if (!v && !takes_value(f))
			v = "true";
		if (!v && i + 1 >= argc)
			return usage_error(err, "flag needs an argument: --%s",
					   f->name);
		if (!v)
			v = argv[++i];
		r = one_flag(o, f, v, seen, err);
		if (r)
			return r;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* --config: a KubeProxyConfiguration */

enum ckind {
	C_META,		/* apiVersion, kind: checked first */
	C_MAP,		/* a section: its fields are in the table too */
	C_FLAG,		/* read as @flag's value */
	C_SYNC,		/* the same, if it is the mode's section */
	C_IGNORE,	/* known, not supported: warned about unless @def */
};

struct cfield {
	const char *path;
	enum ckind kind;
	const char *flag;	/* C_FLAG, C_SYNC */
	const char *def;	/* C_SYNC, C_IGNORE: kube-proxy's default */
};

#define CMETA(p)	{ .path = p, .kind = C_META }
#define CMAP(p)		{ .path = p, .kind = C_MAP }
#define CFLAG(p, f)	{ .path = p, .kind = C_FLAG, .flag = f }
#define CSYNC(p, f, d)	{ .path = p, .kind = C_SYNC, .flag = f, .def = d }
#define CIGNORE(p, d)	{ .path = p, .kind = C_IGNORE, .def = d }

/* staging/src/k8s.io/kube-proxy/config/v1alpha1/types.go */
static const struct cfield cfields[] = {
	CMETA("apiVersion"),
	CMETA("kind"),
	CMAP("clientConnection"),
	CFLAG("clientConnection.kubeconfig", "kubeconfig"),
	CIGNORE("clientConnection.acceptContentTypes", ""),
	CIGNORE("clientConnection.contentType", "application/vnd.kubernetes.protobuf"),
	CIGNORE("clientConnection.qps", "5"),
	CIGNORE("clientConnection.burst", "10"),
	CFLAG("hostnameOverride", "hostname-override"),
	CFLAG("healthzBindAddress", "healthz-bind-address"),
	CFLAG("metricsBindAddress", "metrics-bind-address"),
	CFLAG("clusterCIDR", "cluster-cidr"),
	CFLAG("nodePortAddresses", "nodeport-addresses"),
	CMAP("conntrack"),
	CFLAG("conntrack.maxPerCore", "conntrack-max-per-core"),
	CFLAG("conntrack.min", "conntrack-min"),
	CFLAG("conntrack.tcpEstablishedTimeout", "conntrack-tcp-timeout-established"),
	CFLAG("conntrack.tcpCloseWaitTimeout", "conntrack-tcp-timeout-close-wait"),
	CIGNORE("conntrack.tcpBeLiberal", "false"),
	CIGNORE("conntrack.udpTimeout", "0s"),
	CIGNORE("conntrack.udpStreamTimeout", "0s"),
	/* v1alpha1 keeps the periods in the mode's section. */
	CMAP("iptables"),
	CSYNC("iptables.syncPeriod", "sync-period", "30s"),
	CSYNC("iptables.minSyncPeriod", "min-sync-period", "1s"),
	CIGNORE("iptables.masqueradeAll", "false"),
	CIGNORE("iptables.masqueradeBit", "14"),
	CIGNORE("iptables.localhostNodePorts", "true"),
	CIGNORE("iptables.snatNodeInternalIP", "false"),
	CMAP("ipvs"),
	CSYNC("ipvs.syncPeriod", "sync-period", "30s"),
	CSYNC("ipvs.minSyncPeriod", "min-sync-period", "0s"),
	CIGNORE("ipvs.scheduler", ""),
	CIGNORE("ipvs.excludeCIDRs", ""),
	CIGNORE("ipvs.strictARP", "false"),
	CIGNORE("ipvs.tcpTimeout", "0s"),
	CIGNORE("ipvs.tcpFinTimeout", "0s"),
	CIGNORE("ipvs.udpTimeout", "0s"),
	CMAP("nftables"),
	CSYNC("nftables.syncPeriod", "sync-period", "30s"),
	CSYNC("nftables.minSyncPeriod", "min-sync-period", "1s"),
	CIGNORE("nftables.masqueradeAll", "false"),
	CIGNORE("nftables.masqueradeBit", "14"),
	CMAP("logging"),
	CFLAG("logging.verbosity", "v"),
	CIGNORE("logging.format", "text"),
	CIGNORE("logging.flushFrequency", "5s"),
	CIGNORE("logging.vmodule", ""),
	CMAP("logging.options"),
	CMAP("logging.options.json"),
	CIGNORE("logging.options.json.splitStream", "false"),
	CIGNORE("logging.options.json.infoBufferSize", "0"),
	CMAP("logging.options.text"),
	CIGNORE("logging.options.text.splitStream", "false"),
	CIGNORE("logging.options.text.infoBufferSize", "0"),
	CIGNORE("mode", ""),
	CIGNORE("featureGates", ""),
	CIGNORE("bindAddress", "0.0.0.0"),
	CIGNORE("bindAddressHardFail", "false"),
	CIGNORE("enableProfiling", "false"),
	CIGNORE("showHiddenMetricsForVersion", ""),
	CIGNORE("detectLocalMode", ""),
	CMAP("detectLocal"),
	CIGNORE("detectLocal.bridgeInterface", ""),
	CIGNORE("detectLocal.interfaceNamePrefix", ""),
	CIGNORE("oomScoreAdj", "-999"),
	CIGNORE("configSyncPeriod", "15m0s"),
	CIGNORE("portRange", ""),
	CMAP("winkernel"),
	CIGNORE("winkernel.networkName", ""),
	CIGNORE("winkernel.sourceVip", ""),
	CIGNORE("winkernel.enableDSR", "false"),
	CIGNORE("winkernel.rootHnsEndpointName", ""),
	CIGNORE("winkernel.forwardHealthCheckVip", "false"),
	CIGNORE("windowsRunAsService", "false"),
};

#define N_CFIELDS	(sizeof(cfields) / sizeof(cfields[0]))

struct cfg {
	yaml_document_t doc;
	const char *file;
	FILE *err;
	struct ksvcd_opts *o;
	const char *mode;	/* as written: "" if unset */
	const char *section;	/* the mode's: "iptables", "ipvs", "nftables" */
	int errors;
};

static void cmsg(struct cfg *c, const yaml_node_t *n, bool error,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void cmsg(struct cfg *c, const yaml_node_t *n, bool error,
		 const char *fmt, ...)
{
	va_list ap;

	c->errors += error;
	if (!c->err)
		return;
	fprintf(c->err, "%s:%zu:%zu: %s: ", c->file, n->start_mark.line + 1,
		n->start_mark.column + 1, error ? "error" : "warning");
	va_start(ap, fmt);
	vfprintf(c->err, fmt, ap);
	va_end(ap);
	fputc('\n', c->err);
}

static yaml_node_t *cnode(struct cfg *c, int idx)
{
	return yaml_document_get_node(&c->doc, idx);
}

static const char *sval(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static bool is_null(const yaml_node_t *n)
{
	const char *s;

	if (!n)
		return true;
	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	s = sval(n);
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") ||
	       !strcmp(s, "Null") || !strcmp(s, "NULL");
}

static yaml_node_t *map_get(struct cfg *c, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;
	yaml_node_t *k;

	for (p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		k = cnode(c, p->key);
		if (k->type == YAML_SCALAR_NODE && !strcmp(sval(k), key))
			return cnode(c, p->value);
	}
	return NULL;
}

static const struct cfield *find_cfield(const char *path)
{
	size_t i;

	for (i = 0; i < N_CFIELDS; i++)
		if (!strcmp(cfields[i].path, path))
			return &cfields[i];
	return NULL;
}

/* A field of @parent ("" at the top) whose name is near @typed. */
static const char *suggest_field(const char *parent, const char *typed)
{
	size_t plen = strlen(parent), i;
	const char *leaf;

	for (i = 0; i < N_CFIELDS; i++) {
		if (strncmp(cfields[i].path, parent, plen))
			continue;
		leaf = cfields[i].path + plen + !!plen;
		if ((plen && cfields[i].path[plen] != '.') || strchr(leaf, '.'))
			continue;
		if (near(typed, leaf))
			return leaf;
	}
	return NULL;
}

/* Empty, or what kube-proxy would have had anyway: no need to warn. */
static bool is_default(const yaml_node_t *v, const char *def)
{
	long long a, b;
	const char *bad;

	if (is_null(v))
		return true;
	if (v->type == YAML_SEQUENCE_NODE)
		return v->data.sequence.items.start ==
		       v->data.sequence.items.top;
	if (v->type == YAML_MAPPING_NODE)
		return v->data.mapping.pairs.start == v->data.mapping.pairs.top;
	if (!*sval(v) || !strcmp(sval(v), def))
		return true;
	return !ksvcd_parse_duration(sval(v), &a, &bad) &&
	       !ksvcd_parse_duration(def, &b, &bad) && a == b;
}

/* nodePortAddresses: a list, each item read as the flag's value. */
static void cfg_list(struct cfg *c, const struct flag *f, const char *path,
		     yaml_node_t *v)
{
	yaml_node_item_t *it;
	yaml_node_t *item;
	char w[160];

	if (v->type != YAML_SEQUENCE_NODE) {
		cmsg(c, v, true, "%s: expected a list", path);
		return;
	}
	strv_free(&c->o->nodeport_addresses, &c->o->n_nodeport_addresses);
	for (it = v->data.sequence.items.start;
	     it < v->data.sequence.items.top; it++) {
		item = cnode(c, *it);
		if (item->type != YAML_SCALAR_NODE)
			cmsg(c, item, true, "%s: expected a string", path);
		else if (set_value(c->o, f, sval(item), false, w, sizeof(w)))
			cmsg(c, item, true, "%s: %s", path, w);
	}
}

static bool zero_duration(const char *s)
{
	long long ns;
	const char *bad;

	return !ksvcd_parse_duration(s, &ns, &bad) && !ns;
}

static void cfg_flag(struct cfg *c, const struct cfield *cf,
		     const char *path, yaml_node_t *v)
{
	const struct flag *f = find_flag(cf->flag, strlen(cf->flag));
	char w[160];

	if (is_null(v))
		return;
	if (f->kind == K_NPADDRS) {
		cfg_list(c, f, path, v);
		return;
	}
	if (v->type != YAML_SCALAR_NODE) {
		cmsg(c, v, true, "%s: expected a single value", path);
		return;
	}
	/*
	 * kube-proxy's defaulting: "" is the default (for the addresses too,
	 * unlike the flags), and so is a zero period.
	 */
	if (!*sval(v) || (cf->kind == C_SYNC && zero_duration(sval(v))))
		return;
	if (set_value(c->o, f, sval(v), true, w, sizeof(w)))
		cmsg(c, v, true, "%s: \"%s\": %s", path, sval(v), w);
}

/* iptables.syncPeriod &c: read if it is the mode's section, as kube-proxy */
static void cfg_sync(struct cfg *c, const struct cfield *cf,
		     const char *path, yaml_node_t *v)
{
	size_t len = strlen(c->section);

	if (!strncmp(path, c->section, len) && path[len] == '.') {
		cfg_flag(c, cf, path, v);
		return;
	}
	if (!is_default(v, cf->def) &&
	    !(v->type == YAML_SCALAR_NODE && zero_duration(sval(v))))
		cmsg(c, v, false, "%s: ignored: with mode \"%s\", kube-proxy reads %s%s",
		     path, c->mode, c->section, strchr(path, '.'));
}

static void cfg_ignore(struct cfg *c, const struct cfield *cf,
		       const char *path, yaml_node_t *v)
{
	if (is_default(v, cf->def))
		return;
	if (!strcmp(path, "mode"))
		cmsg(c, v, false, "mode: not supported by ksvcd, ignored (%s.syncPeriod and %s.minSyncPeriod are read, as kube-proxy does)",
		     c->section, c->section);
	else
		cmsg(c, v, false, "%s: not supported by ksvcd, ignored", path);
}

static void cfg_map(struct cfg *c, yaml_node_t *map, const char *prefix);

/* One "key: value" of a mapping whose path is @prefix. */
static void cfg_pair(struct cfg *c, yaml_node_pair_t *p, const char *prefix)
{
	yaml_node_t *k = cnode(c, p->key), *v = cnode(c, p->value);
	const struct cfield *cf;
	const char *near_name;
	char path[256];

	if (k->type != YAML_SCALAR_NODE) {
		cmsg(c, k, true, "%s%sa field name must be a string", prefix,
		     *prefix ? ": " : "");
		return;
	}
	snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "." : "",
		 sval(k));
	cf = find_cfield(path);
	if (!cf) {
		near_name = suggest_field(prefix, sval(k));
		if (near_name)
			cmsg(c, k, true, "%s: unknown field (did you mean %s?)",
			     path, near_name);
		else
			cmsg(c, k, true, "%s: unknown field", path);
		return;
	}
	switch (cf->kind) {
	case C_META:
		return;
	case C_MAP:
		if (is_null(v))
			return;
		if (v->type != YAML_MAPPING_NODE)
			cmsg(c, v, true, "%s: expected a mapping", path);
		else
			cfg_map(c, v, path);
		return;
	case C_FLAG:
		cfg_flag(c, cf, path, v);
		return;
	case C_SYNC:
		cfg_sync(c, cf, path, v);
		return;
	case C_IGNORE:
		cfg_ignore(c, cf, path, v);
		return;
	}
}

static void cfg_map(struct cfg *c, yaml_node_t *map, const char *prefix)
{
	yaml_node_pair_t *p, *q;
	yaml_node_t *k, *qk;

	for (p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		k = cnode(c, p->key);
		for (q = map->data.mapping.pairs.start; q < p; q++) {
			qk = cnode(c, q->key);
			if (k->type == YAML_SCALAR_NODE &&
			    qk->type == YAML_SCALAR_NODE &&
			    !strcmp(sval(k), sval(qk)))
				break;
		}
		if (q < p)
			cmsg(c, k, true, "%s%s%s: given twice (first at line %zu)",
			     prefix, *prefix ? "." : "", sval(k),
			     qk->start_mark.line + 1);
		else
			cfg_pair(c, p, prefix);
	}
}

static void cfg_expect(struct cfg *c, yaml_node_t *root, const char *key,
		       const char *want)
{
	yaml_node_t *v = map_get(c, root, key);

	if (is_null(v))
		cmsg(c, root, true, "%s is missing: expected %s", key, want);
	else if (v->type != YAML_SCALAR_NODE || strcmp(sval(v), want))
		cmsg(c, v, true, "%s: \"%s\" is not supported: ksvcd reads %s",
		     key, v->type == YAML_SCALAR_NODE ? sval(v) : "...", want);
}

/* The mode picks the section the sync periods are read from. */
static void cfg_mode(struct cfg *c, yaml_node_t *root)
{
	yaml_node_t *v = map_get(c, root, "mode");

	c->mode = "";
	c->section = "iptables";
	if (is_null(v))
		return;
	if (v->type != YAML_SCALAR_NODE) {
		cmsg(c, v, true, "mode: expected a string");
		return;
	}
	c->mode = sval(v);
	if (!strcmp(c->mode, "ipvs") || !strcmp(c->mode, "nftables"))
		c->section = c->mode;
	else if (*c->mode && strcmp(c->mode, "iptables"))
		cmsg(c, v, true, "mode: \"%s\" is not a kube-proxy mode on Linux (iptables, ipvs, nftables)",
		     c->mode);
}

static int cfg_parse(struct cfg *c, FILE *f)
{
	yaml_document_t next;
	yaml_parser_t p;
	int r = 0;

	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	if (!yaml_parser_load(&p, &c->doc)) {
		memset(&c->doc, 0, sizeof(c->doc));
		r = -1;
	} else if (!yaml_parser_load(&p, &next)) {
		r = -1;
	} else {
		if (yaml_document_get_root_node(&next)) {
			say(c->err, "%s: error: more than one document\n",
			    c->file);
			r = -2;
		}
		yaml_document_delete(&next);
	}
	if (r == -1)
		say(c->err, "%s:%zu:%zu: error: %s\n", c->file,
		    p.problem_mark.line + 1, p.problem_mark.column + 1,
		    p.problem ? p.problem : "invalid YAML");
	yaml_parser_delete(&p);
	return r;
}

static int cfg_load(struct ksvcd_opts *o, const char *file, FILE *err)
{
	struct cfg c = { .file = file, .err = err, .o = o };
	yaml_node_t *root;
	FILE *f;
	int r;

	f = fopen(file, "r");
	if (!f) {
		say(err, "ksvcd: --config %s: %s\n", file, strerror(errno));
		return 1;
	}
	r = cfg_parse(&c, f);
	fclose(f);
	root = r ? NULL : yaml_document_get_root_node(&c.doc);
	if (!r && (!root || root->type != YAML_MAPPING_NODE)) {
		say(err, "%s: error: not a %s\n", file, KIND);
		r = -1;
	}
	if (!r) {
		cfg_expect(&c, root, "apiVersion", API_VERSION);
		cfg_expect(&c, root, "kind", KIND);
		if (!c.errors)
			cfg_mode(&c, root);
		if (!c.errors)
			cfg_map(&c, root, "");
	}
	yaml_document_delete(&c.doc);
	return r || c.errors ? 1 : 0;
}

/* ---------------------------------------------------------------------- */
/* Entry points */

static int opts_init(struct ksvcd_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->healthz_bind_address = strdup(DEF_HEALTHZ);
	o->metrics_bind_address = strdup(DEF_METRICS);
	o->conntrack_max_per_core = 32768;
	o->conntrack_min = 131072;
	o->conntrack_tcp_established_timeout_s = 24 * 3600;
	o->conntrack_tcp_close_wait_timeout_s = 3600;
	o->min_sync_period_ms = 0;
	o->sync_period_ms = 30000;
	return o->healthz_bind_address && o->metrics_bind_address ? 0 : -1;
}

int ksvcd_opts_parse(struct ksvcd_opts *o, int argc, char **argv, FILE *err)
{
	char *config;
	int r;

	if (opts_init(o))
		return usage_error(err, "out of memory");
	r = parse_args(o, argc, argv, err);
	if (r || o->help || o->version || !o->config)
		return r;
	/* The file first, over the defaults; the flags again over it. */
	config = o->config;
	o->config = NULL;
	ksvcd_opts_free(o);
	if (opts_init(o)) {
		free(config);
		return usage_error(err, "out of memory");
	}
	r = cfg_load(o, config, err);
	free(config);
	/* Silent: its messages were given above, and it cannot fail now. */
	parse_args(o, argc, argv, NULL);
	return r;
}

void ksvcd_opts_free(struct ksvcd_opts *o)
{
	free(o->kubeconfig);
	free(o->master);
	free(o->context);
	free(o->hostname_override);
	free(o->healthz_bind_address);
	free(o->metrics_bind_address);
	strv_free(&o->cluster_cidrs, &o->n_cluster_cidrs);
	strv_free(&o->nodeport_addresses, &o->n_nodeport_addresses);
	free(o->config);
	memset(o, 0, sizeof(*o));
}

/* Joins words in --help that are not to be wrapped apart. */
#define NBSP	'\1'

/* @text from column @indent, words wrapped before column 80. */
static void wrap(FILE *f, int indent, const char *text)
{
	const char *w = text, *e;
	int col = 0;
	size_t len;

	while (*w) {
		len = strcspn(w, " ");
		if (col && col + 1 + (int)len > 79) {
			fputc('\n', f);
			col = 0;
		}
		if (!col)
			col = fprintf(f, "%*s", indent, "");
		else
			col += fprintf(f, " ");
		for (e = w; e < w + len; e++, col++)
			fputc(*e == NBSP ? ' ' : *e, f);
		for (e = w + len; *e == ' '; e++)
			;
		w = e;
	}
	fputc('\n', f);
}

static void usage_flag(FILE *f, const struct flag *fl)
{
	char text[1024];
	bool quote = fl->type && (!strcmp(fl->type, "string") ||
				  !strcmp(fl->type, "ipport"));

	if (fl->shorthand)
		fprintf(f, "  -%c, --%s", fl->shorthand, fl->name);
	else
		fprintf(f, "      --%s", fl->name);
	fprintf(f, "%s%s\n", fl->type ? " " : "", fl->type ? fl->type : "");
	if (fl->def)
		snprintf(text, sizeof(text), "%s (default%c%s%s%s)", fl->help,
			 NBSP,
			 quote ? "\"" : "", fl->def, quote ? "\"" : "");
	else
		snprintf(text, sizeof(text), "%s", fl->help);
	wrap(f, 8, text);
}

void ksvcd_opts_usage(FILE *f)
{
	size_t i;

	fputs("Usage: ksvcd [flags]\n\n", f);
	wrap(f, 0, "ksvcd does kube-proxy's job with ksvc: it watches the "
		   "API server's Services and EndpointSlices, as kube-proxy "
		   "does, and keeps the kernel's ksvc tables equal to them. "
		   "It takes kube-proxy's flags and --config file.");
	fputs("\nFlags:\n", f);
	for (i = 0; i < N_FLAGS; i++)
		if (flags[i].help && flags[i].kind != K_REFUSE)
			usage_flag(f, &flags[i]);
	fputc('\n', f);
	wrap(f, 0, "kube-proxy's --cluster-cidrs is read as --cluster-cidr, "
		   "and its deprecated --iptables-sync-period, "
		   "--ipvs-sync-period, --iptables-min-sync-period and "
		   "--ipvs-min-sync-period as --sync-period and "
		   "--min-sync-period. Its flags for iptables, IPVS, Windows, "
		   "logging and the like are accepted and ignored with a "
		   "warning; --write-config-to and --init-only are refused.");
}
