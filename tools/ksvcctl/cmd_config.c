// SPDX-License-Identifier: GPL-2.0
/*
 * ksvcctl config view|set: the per-netns settings of the module (node
 * name, NodePort range, node addresses, service CIDRs, what to do without
 * endpoints).
 * "set" sends only the attributes given; the kernel keeps the others.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "cmd.h"
#include "nl.h"
#include "nl_cfg.h"
#include "print.h"

static const char usage[] =
	"Usage: ksvcctl config view\n"
	"       ksvcctl config set [--node-name=NAME] [--nodeport-range=MIN-MAX]\n"
	"                          [--node-addresses=IP[,IP...]|all]\n"
	"                          [--service-cidrs=CIDR[,CIDR]]\n"
	"                          [--no-endpoint=reject|drop]\n"
	"\n"
	"Show or change this network namespace's ksvc settings.\n"
	"\n"
	"Commands:\n"
	"  view    print the settings the kernel holds\n"
	"  set     change the settings given; the others keep their value\n"
	"\n"
	"Run \"ksvcctl config view --help\" or \"ksvcctl config set --help\" for more.\n";

static const char view_usage[] =
	"Usage: ksvcctl config view\n"
	"\n"
	"Print the settings of ksvc in this network namespace: node name,\n"
	"NodePort range, node addresses, the service CIDRs ClusterIPs are\n"
	"allocated from, what happens to traffic for a service without\n"
	"endpoints, the module's limits and the number of services.\n"
	"\n"
	"Options:\n"
	"  -h, --help   show this help\n";

static const char set_usage[] =
	"Usage: ksvcctl config set [OPTIONS]\n"
	"\n"
	"Change ksvc's settings in this network namespace.  Only the settings\n"
	"given are changed.\n"
	"\n"
	"Options:\n"
	"      --node-name=NAME          this node's name, matched against the\n"
	"                                EndpointSlice nodeName of backends\n"
	"                                (externalTrafficPolicy: Local); \"\" unsets\n"
	"      --nodeport-range=MIN-MAX  the NodePort range (default 30000-32767)\n"
	"      --node-addresses=IP[,IP...]\n"
	"                                the addresses NodePorts answer on (at most 64)\n"
	"      --node-addresses=all      every local address except loopback (default)\n"
	"      --service-cidrs=CIDR[,CIDR]\n"
	"                                where ClusterIPs come from: at most one IPv4\n"
	"                                (/8../30) and one IPv6 (/64../126) range,\n"
	"                                with no host bits set; replaces both\n"
	"                                families (default 10.96.0.0/12, no IPv6)\n"
	"      --no-endpoint=reject|drop traffic to a service without endpoints is\n"
	"                                rejected with ICMP unreachable (default) or\n"
	"                                dropped\n"
	"  -h, --help                    show this help\n";

enum {
	OPT_NODE_NAME = 256,
	OPT_RANGE,
	OPT_ADDRS,
	OPT_NO_ENDPOINT,
	OPT_CIDRS,
};

static const struct option set_opts[] = {
	{ "node-name", required_argument, NULL, OPT_NODE_NAME },
	{ "nodeport-range", required_argument, NULL, OPT_RANGE },
	{ "node-addresses", required_argument, NULL, OPT_ADDRS },
	{ "no-endpoint", required_argument, NULL, OPT_NO_ENDPOINT },
	{ "service-cidrs", required_argument, NULL, OPT_CIDRS },
	{ "help", no_argument, NULL, 'h' },
	{ 0 }
};

static const struct option view_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ 0 }
};

#define VERB	"config"

/* A port number 1..65535, the whole of @s[0..len). */
static int parse_port(const char *s, size_t len, uint16_t *out)
{
	unsigned long v = 0;
	size_t i;

	if (!len || len > 5)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v < 1 || v > 65535)
		return -1;
	*out = v;
	return 0;
}

static int parse_range(const char *arg, struct wire_cfg_change *c)
{
	const char *dash = strchr(arg, '-');

	if (!dash || parse_port(arg, dash - arg, &c->np_min) ||
	    parse_port(dash + 1, strlen(dash + 1), &c->np_max))
		return usage_error(VERB, "invalid --nodeport-range \"%s\": want MIN-MAX, ports 1-65535",
				   arg);
	if (c->np_min > c->np_max)
		return usage_error(VERB, "invalid --nodeport-range \"%s\": MIN is above MAX",
				   arg);
	c->has_range = true;
	return -1;
}

static int parse_addr(const char *s, struct wire_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->a) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->a) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	return -1;
}

static bool addr_eq(const struct wire_addr *x, const struct wire_addr *y)
{
	return x->family == y->family &&
	       !memcmp(x->a, y->a, x->family == AF_INET6 ? 16 : 4);
}

static int parse_addrs(const char *arg, struct wire_cfg_change *c)
{
	char buf[INET6_ADDRSTRLEN + 1];
	const char *p = arg, *end;
	size_t len, i;

	c->has_addrs = true;
	c->n_addrs = 0;
	if (!strcmp(arg, "all"))
		return -1;
	for (;;) {
		end = strchr(p, ',');
		len = end ? (size_t)(end - p) : strlen(p);
		if (!len || len >= sizeof(buf))
			return usage_error(VERB, "invalid --node-addresses \"%s\": want IP[,IP...] or all",
					   arg);
		memcpy(buf, p, len);
		buf[len] = '\0';
		if (c->n_addrs == KSVC_MAX_ADDRS)
			return usage_error(VERB, "--node-addresses: at most %d addresses",
					   KSVC_MAX_ADDRS);
		if (parse_addr(buf, &c->addrs[c->n_addrs]))
			return usage_error(VERB, "--node-addresses: \"%s\" is not an IP address",
					   buf);
		for (i = 0; i < c->n_addrs; i++)
			if (addr_eq(&c->addrs[i], &c->addrs[c->n_addrs]))
				return usage_error(VERB, "--node-addresses: %s given twice",
						   buf);
		c->n_addrs++;
		if (!end)
			return -1;
		p = end + 1;
	}
}

/* A prefix length: 1 to 3 digits, the whole of @s. */
static int parse_prefix_len(const char *s, unsigned int *out)
{
	unsigned int v = 0;
	size_t i, len = strlen(s);

	if (!len || len > 3)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static bool host_bits_clear(const struct wire_cidr *r)
{
	size_t n = r->family == AF_INET ? 4 : 16;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned int keep = r->len >= 8 * (i + 1) ? 8 :
				    r->len > 8 * i ? r->len - 8 * i : 0;
		uint8_t host = (uint8_t)(0xffu >> keep);

		if (r->a[i] & host)
			return false;
	}
	return true;
}

/* One "ADDR/LEN", as the kernel takes it; NULL, or what is wrong. */
static const char *parse_cidr(const char *s, struct wire_cidr *r)
{
	char buf[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	unsigned int len;
	bool v4;

	memset(r, 0, sizeof(*r));
	if (!slash || (size_t)(slash - s) >= sizeof(buf) ||
	    parse_prefix_len(slash + 1, &len))
		return "want ADDRESS/PREFIX-LENGTH";
	memcpy(buf, s, slash - s);
	buf[slash - s] = '\0';
	if (inet_pton(AF_INET, buf, r->a) == 1)
		r->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, r->a) == 1)
		r->family = AF_INET6;
	else
		return "not an IP address";
	v4 = r->family == AF_INET;
	if (len < (v4 ? 8u : 64u) || len > (v4 ? 30u : 126u))
		return v4 ? "an IPv4 prefix must be /8 to /30" :
			    "an IPv6 prefix must be /64 to /126";
	r->len = len;
	if (!host_bits_clear(r))
		return "host bits are set";
	return NULL;
}

/* Up to one CIDR per family; they replace the kernel's both. */
static int parse_cidrs(const char *arg, struct wire_cfg_change *c)
{
	char buf[2 * INET6_ADDRSTRLEN];
	const char *p = arg, *end, *why;
	struct wire_cidr *r;
	size_t len, i;

	c->has_cidrs = true;
	c->n_cidrs = 0;
	for (;;) {
		end = strchr(p, ',');
		len = end ? (size_t)(end - p) : strlen(p);
		if (!len || len >= sizeof(buf))
			return usage_error(VERB, "invalid --service-cidrs \"%s\": want CIDR[,CIDR]",
					   arg);
		memcpy(buf, p, len);
		buf[len] = '\0';
		if (c->n_cidrs == KSVC_CFG_MAX_CIDRS)
			return usage_error(VERB,
					   "--service-cidrs: at most one IPv4 and one IPv6 range");
		r = &c->cidrs[c->n_cidrs];
		why = parse_cidr(buf, r);
		if (why)
			return usage_error(VERB, "--service-cidrs: invalid CIDR \"%s\": %s",
					   buf, why);
		for (i = 0; i < c->n_cidrs; i++)
			if (c->cidrs[i].family == r->family)
				return usage_error(VERB, "--service-cidrs: more than one %s range",
						   r->family == AF_INET ? "IPv4" : "IPv6");
		c->n_cidrs++;
		if (!end)
			return -1;
		p = end + 1;
	}
}

static int parse_no_endpoint(const char *arg, struct wire_cfg_change *c)
{
	c->flags_mask |= KSVC_CFG_F_DROP_NO_ENDPOINT;
	if (!strcmp(arg, "drop"))
		c->flags_val |= KSVC_CFG_F_DROP_NO_ENDPOINT;
	else if (!strcmp(arg, "reject"))
		c->flags_val &= ~KSVC_CFG_F_DROP_NO_ENDPOINT;
	else
		return usage_error(VERB, "invalid --no-endpoint \"%s\": want reject or drop",
				   arg);
	c->has_flags = true;
	return -1;
}

static int parse_node_name(const char *arg, struct wire_cfg_change *c)
{
	if (strlen(arg) >= sizeof(c->node_name))
		return usage_error(VERB, "--node-name: longer than %d characters",
				   KSVC_NAME_MAX - 1);
	strcpy(c->node_name, arg);
	c->has_node_name = true;
	return -1;
}

int config_set_parse(int argc, char **argv, struct wire_cfg_change *c)
{
	int ch, ret = -1;

	memset(c, 0, sizeof(*c));
	optind = 0;
	while (ret < 0 &&
	       (ch = getopt_long(argc, argv, ":h", set_opts, NULL)) != -1) {
		switch (ch) {
		case OPT_NODE_NAME:
			ret = parse_node_name(optarg, c);
			break;
		case OPT_RANGE:
			ret = parse_range(optarg, c);
			break;
		case OPT_ADDRS:
			ret = parse_addrs(optarg, c);
			break;
		case OPT_NO_ENDPOINT:
			ret = parse_no_endpoint(optarg, c);
			break;
		case OPT_CIDRS:
			ret = parse_cidrs(optarg, c);
			break;
		case 'h':
			fputs(set_usage, stdout);
			return 0;
		default:
			return opt_error(VERB, argv, ch);
		}
	}
	if (ret >= 0)
		return ret;
	if (optind < argc)
		return usage_error(VERB, "unexpected argument \"%s\"", argv[optind]);
	if (!c->has_node_name && !c->has_range && !c->has_addrs &&
	    !c->has_flags && !c->has_cidrs)
		return usage_error(VERB, "config set: nothing to set");
	return -1;
}

static int config_set(int argc, char **argv)
{
	struct wire_cfg_change c;
	struct wire_config cur;
	uint32_t flags = 0;
	int err = config_set_parse(argc, argv, &c);

	if (err >= 0)
		return err;
	if (ksvc_nl_open() < 0)
		return 1;
	/* FLAGS is one u32: keep the bits the user did not name. */
	if (c.has_flags) {
		err = req_cfg_get(&cur);
		if (err) {
			ksvc_nl_perror("config", err);
			return 1;
		}
		flags = ksvc_cfg_flags(&c, cur.flags);
	}
	err = req_cfg_set(&c, flags);
	if (err) {
		ksvc_nl_perror("config", err);
		return 1;
	}
	ksvc_nl_warn("config");
	printf("config updated\n");
	return 0;
}

static int config_view(int argc, char **argv)
{
	struct wire_config cur;
	int ch, err;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":h", view_opts, NULL)) != -1) {
		if (ch != 'h')
			return opt_error(VERB, argv, ch);
		fputs(view_usage, stdout);
		return 0;
	}
	if (optind < argc)
		return usage_error(VERB, "unexpected argument \"%s\"", argv[optind]);
	if (ksvc_nl_open() < 0)
		return 1;
	err = req_cfg_get(&cur);
	if (err) {
		ksvc_nl_perror("config", err);
		return 1;
	}
	cfg_print(stdout, &cur);
	return 0;
}

int cmd_config(int argc, char **argv)
{
	if (argc < 2)
		return usage_error(VERB, "specify a subcommand: view or set");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(usage, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "view"))
		return config_view(argc - 1, argv + 1);
	if (!strcmp(argv[1], "set"))
		return config_set(argc - 1, argv + 1);
	return usage_error(VERB, "unknown subcommand \"%s\" for \"ksvcctl config\" (want view or set)",
			   argv[1]);
}
