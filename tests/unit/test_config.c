// SPDX-License-Identifier: GPL-2.0
/*
 * ksvcctl config: "config set" option parsing, the CONFIG_SET message it
 * encodes (only the attributes given; an empty NODE_ADDRS nest for
 * "all"; service CIDRs with their prefix), and decoding/printing a
 * CONFIG_GET reply.  No kernel needed.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <cmocka.h>

#include "cmd.h"
#include "nl.h"
#include "nl_cfg.h"
#include "print.h"

#define FAMILY	0x20

/* main.c's helpers, which cmd_config.c reports usage errors through. */
static char last_error[256];

int usage_error(const char *verb, const char *fmt, ...)
{
	va_list ap;

	(void)verb;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return 1;
}

int opt_error(const char *verb, char **argv, int opt)
{
	(void)verb;
	snprintf(last_error, sizeof(last_error), "getopt '%c' at %s", opt,
		 argv[optind - 1]);
	return 1;
}

bool is_service_resource(const char *arg)
{
	return !strcmp(arg, "service");
}

/* config_set_parse on a NULL-terminated list, argv[0] = "set". */
static int parse(struct wire_cfg_change *c, ...)
{
	char *argv[16] = { "set" };
	int argc = 1;
	va_list ap;
	char *a;

	last_error[0] = '\0';
	va_start(ap, c);
	while ((a = va_arg(ap, char *)) && argc < 15)
		argv[argc++] = a;
	va_end(ap);
	return config_set_parse(argc, argv, c);
}

static void test_parse_node_name(void **state)
{
	struct wire_cfg_change c;

	(void)state;
	assert_int_equal(parse(&c, "--node-name", "node-1", NULL), -1);
	assert_true(c.has_node_name);
	assert_string_equal(c.node_name, "node-1");
	assert_false(c.has_range || c.has_addrs || c.has_flags);
	assert_int_equal(parse(&c, "--node-name=", NULL), -1);	/* unset */
	assert_true(c.has_node_name);
	assert_string_equal(c.node_name, "");
}

static void test_parse_node_name_too_long(void **state)
{
	struct wire_cfg_change c;
	char name[80];

	(void)state;
	memset(name, 'a', 64);
	name[64] = '\0';
	assert_int_equal(parse(&c, "--node-name", name, NULL), 1);
	assert_non_null(strstr(last_error, "longer than 63"));
	name[63] = '\0';
	assert_int_equal(parse(&c, "--node-name", name, NULL), -1);
}

static void test_parse_range(void **state)
{
	struct wire_cfg_change c;

	(void)state;
	assert_int_equal(parse(&c, "--nodeport-range=30000-30100", NULL), -1);
	assert_true(c.has_range);
	assert_int_equal(c.np_min, 30000);
	assert_int_equal(c.np_max, 30100);
	assert_int_equal(parse(&c, "--nodeport-range", "80-80", NULL), -1);
	assert_int_equal(c.np_min, 80);
	assert_int_equal(c.np_max, 80);
}

static void test_parse_range_bad(void **state)
{
	static const char *const bad[] = {
		"30000", "30000-", "-30000", "0-100", "1-65536", "a-b",
		"1-2-3", "30000 - 30100", "+1-2", "",
	};
	struct wire_cfg_change c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(&c, "--nodeport-range", bad[i], NULL), 1);
		assert_non_null(strstr(last_error, "--nodeport-range"));
	}
	assert_int_equal(parse(&c, "--nodeport-range", "200-100", NULL), 1);
	assert_non_null(strstr(last_error, "MIN is above MAX"));
}

static void test_parse_addrs(void **state)
{
	struct wire_cfg_change c;
	uint8_t want[16];

	(void)state;
	assert_int_equal(parse(&c, "--node-addresses",
			       "192.168.100.1,fd00:100::1,10.244.0.1", NULL), -1);
	assert_true(c.has_addrs);
	assert_int_equal(c.n_addrs, 3);
	assert_int_equal(c.addrs[0].family, AF_INET);
	inet_pton(AF_INET, "192.168.100.1", want);
	assert_memory_equal(c.addrs[0].a, want, 4);
	assert_int_equal(c.addrs[1].family, AF_INET6);
	inet_pton(AF_INET6, "fd00:100::1", want);
	assert_memory_equal(c.addrs[1].a, want, 16);
	assert_int_equal(c.addrs[2].family, AF_INET);
}

static void test_parse_addrs_all(void **state)
{
	struct wire_cfg_change c;

	(void)state;
	assert_int_equal(parse(&c, "--node-addresses=all", NULL), -1);
	assert_true(c.has_addrs);
	assert_int_equal(c.n_addrs, 0);
	/* the last one given wins */
	assert_int_equal(parse(&c, "--node-addresses=10.0.0.1",
			       "--node-addresses", "all", NULL), -1);
	assert_int_equal(c.n_addrs, 0);
}

static void test_parse_addrs_bad(void **state)
{
	struct wire_cfg_change c;
	char many[64 * 16 + 16], *p = many;
	int i;

	(void)state;
	assert_int_equal(parse(&c, "--node-addresses", "10.0.0.1,", NULL), 1);
	assert_int_equal(parse(&c, "--node-addresses", ",10.0.0.1", NULL), 1);
	assert_int_equal(parse(&c, "--node-addresses", "", NULL), 1);
	assert_int_equal(parse(&c, "--node-addresses", "10.0.0.256", NULL), 1);
	assert_non_null(strstr(last_error, "not an IP address"));
	assert_int_equal(parse(&c, "--node-addresses", "node-1", NULL), 1);
	assert_int_equal(parse(&c, "--node-addresses", "10.0.0.1,10.0.0.1", NULL), 1);
	assert_non_null(strstr(last_error, "given twice"));
	for (i = 0; i < 65; i++)
		p += sprintf(p, "%s10.0.%d.%d", i ? "," : "", i / 250, i % 250 + 1);
	assert_int_equal(parse(&c, "--node-addresses", many, NULL), 1);
	assert_non_null(strstr(last_error, "at most 64"));
	*strrchr(many, ',') = '\0';	/* 64 is fine */
	assert_int_equal(parse(&c, "--node-addresses", many, NULL), -1);
	assert_int_equal(c.n_addrs, 64);
}

static void test_parse_no_endpoint(void **state)
{
	struct wire_cfg_change c;

	(void)state;
	assert_int_equal(parse(&c, "--no-endpoint=drop", NULL), -1);
	assert_true(c.has_flags);
	assert_int_equal(ksvc_cfg_flags(&c, 0), KSVC_CFG_F_DROP_NO_ENDPOINT);
	/* bits the user did not name keep the kernel's value */
	assert_int_equal(ksvc_cfg_flags(&c, 0x80), 0x80 | KSVC_CFG_F_DROP_NO_ENDPOINT);
	assert_int_equal(parse(&c, "--no-endpoint", "reject", NULL), -1);
	assert_int_equal(ksvc_cfg_flags(&c, KSVC_CFG_F_DROP_NO_ENDPOINT | 0x80), 0x80);
	assert_int_equal(parse(&c, "--no-endpoint=drop", "--no-endpoint=reject", NULL), -1);
	assert_int_equal(ksvc_cfg_flags(&c, KSVC_CFG_F_DROP_NO_ENDPOINT), 0);
	assert_int_equal(parse(&c, "--no-endpoint=DROP", NULL), 1);
	assert_non_null(strstr(last_error, "reject or drop"));
}

static void test_parse_usage_errors(void **state)
{
	struct wire_cfg_change c;

	(void)state;
	assert_int_equal(parse(&c, NULL), 1);
	assert_non_null(strstr(last_error, "nothing to set"));
	assert_int_equal(parse(&c, "--bogus", NULL), 1);
	assert_non_null(strstr(last_error, "--bogus"));
	assert_int_equal(parse(&c, "--node-name", NULL), 1);	/* no value */
	assert_int_equal(parse(&c, "--node-name=a", "extra", NULL), 1);
	assert_non_null(strstr(last_error, "unexpected argument \"extra\""));
}

static void test_parse_cidrs(void **state)
{
	struct wire_cfg_change c;
	uint8_t want[16];

	(void)state;
	assert_int_equal(parse(&c, "--service-cidrs", "10.96.0.0/12,fd00:96::/108",
			       NULL), -1);
	assert_true(c.has_cidrs);
	assert_false(c.has_node_name || c.has_range || c.has_addrs || c.has_flags);
	assert_int_equal(c.n_cidrs, 2);
	assert_int_equal(c.cidrs[0].family, AF_INET);
	assert_int_equal(c.cidrs[0].len, 12);
	inet_pton(AF_INET, "10.96.0.0", want);
	assert_memory_equal(c.cidrs[0].a, want, 4);
	assert_int_equal(c.cidrs[1].family, AF_INET6);
	assert_int_equal(c.cidrs[1].len, 108);
	inet_pton(AF_INET6, "fd00:96::", want);
	assert_memory_equal(c.cidrs[1].a, want, 16);
	/* one family only; either order; the last option given wins */
	assert_int_equal(parse(&c, "--service-cidrs=fd00:96::/108",
			       "--service-cidrs=10.100.0.0/16", NULL), -1);
	assert_int_equal(c.n_cidrs, 1);
	assert_int_equal(c.cidrs[0].family, AF_INET);
	assert_int_equal(c.cidrs[0].len, 16);
	assert_int_equal(parse(&c, "--service-cidrs=fd00::/64,10.0.0.0/8", NULL), -1);
	assert_int_equal(c.cidrs[0].family, AF_INET6);
	assert_int_equal(c.cidrs[1].family, AF_INET);
}

static void test_parse_cidrs_limits(void **state)
{
	static const char *const good[] = {
		"10.0.0.0/8", "10.0.0.4/30", "192.168.0.0/16", "10.96.16.0/20",
		"fd00::/64", "fd00::4/126", "fd00:96::/108", "fd00:0:0:1::/64",
	};
	struct wire_cfg_change c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(parse(&c, "--service-cidrs", good[i], NULL), -1);
		assert_int_equal(c.n_cidrs, 1);
	}
}

static void test_parse_cidrs_bad(void **state)
{
	static const struct {
		const char *arg, *msg;
	} bad[] = {
		{ "", "want CIDR[,CIDR]" },
		{ "10.96.0.0/12,", "want CIDR[,CIDR]" },
		{ ",10.96.0.0/12", "want CIDR[,CIDR]" },
		{ "10.96.0.0", "want ADDRESS/PREFIX-LENGTH" },
		{ "10.96.0.0/", "want ADDRESS/PREFIX-LENGTH" },
		{ "10.96.0.0/+12", "want ADDRESS/PREFIX-LENGTH" },
		{ "10.96.0.0/12/1", "want ADDRESS/PREFIX-LENGTH" },
		{ "10.96.0.0/0012", "want ADDRESS/PREFIX-LENGTH" },
		{ "10.96.0.0/ 12", "want ADDRESS/PREFIX-LENGTH" },
		{ "/12", "not an IP address" },
		{ "10.96.0/12", "not an IP address" },
		{ "svc/12", "not an IP address" },
		{ "10.0.0.0/7", "/8 to /30" },
		{ "10.0.0.0/31", "/8 to /30" },
		{ "10.0.0.0/32", "/8 to /30" },
		{ "0.0.0.0/0", "/8 to /30" },
		{ "fd00::/63", "/64 to /126" },
		{ "fd00::/127", "/64 to /126" },
		{ "fd00::/128", "/64 to /126" },
		{ "10.96.0.1/12", "host bits are set" },
		{ "10.97.0.0/12", "host bits are set" },
		{ "10.0.0.2/30", "host bits are set" },
		{ "fd00::1/108", "host bits are set" },
		{ "fd00::8/126", NULL },	/* fine: 8 is on a /126 boundary */
		{ "fd00::2/126", "host bits are set" },
		{ "fd00:0:0:1::/48", "/64 to /126" },
		{ "10.0.0.0/8,10.96.0.0/12", "more than one IPv4 range" },
		{ "fd00::/64,fd01::/64", "more than one IPv6 range" },
		{ "10.0.0.0/8,fd00::/64,10.1.0.0/16", "at most one IPv4 and one IPv6" },
	};
	struct wire_cfg_change c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret = parse(&c, "--service-cidrs", bad[i].arg, NULL);

		if (!bad[i].msg) {
			assert_int_equal(ret, -1);
			continue;
		}
		if (ret != 1 || !strstr(last_error, bad[i].msg))
			fail_msg("--service-cidrs \"%s\": %d \"%s\", want \"%s\"",
				 bad[i].arg, ret, last_error, bad[i].msg);
		assert_non_null(strstr(last_error, "--service-cidrs"));
	}
}

static void test_parse_help(void **state)
{
	struct wire_cfg_change c;

	(void)state;
	assert_int_equal(parse(&c, "--help", NULL), 0);
	assert_int_equal(parse(&c, "-h", NULL), 0);
}

/* --- encoding -------------------------------------------------------- */

static struct nl_msg *new_msg(void)
{
	struct nl_msg *msg = nlmsg_alloc_size(8192);

	assert_non_null(msg);
	assert_non_null(genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, FAMILY, 0,
				    0, KSVC_CMD_CONFIG_SET, KSVC_GENL_VERSION));
	return msg;
}

/* The one top-level attribute must be KSVC_A_CONFIG; its members by type. */
static int config_attrs(struct nl_msg *msg, struct nlattr **tb)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *top = genlmsg_attrdata(nlmsg_data(nlh), 0), *a;
	int rem, n = 0;

	assert_int_equal(genlmsg_attrlen(nlmsg_data(nlh), 0),
			 nla_total_size(nla_len(top)));
	assert_int_equal(nla_type(top), KSVC_A_CONFIG);
	assert_true(top->nla_type & NLA_F_NESTED);
	memset(tb, 0, (KSVC_CFG_A_MAX + 1) * sizeof(*tb));
	nla_for_each_nested(a, top, rem) {
		/* never the read-only ones (MAX_SERVICES..NR_SERVICES) */
		if (nla_type(a) != KSVC_CFG_A_SERVICE_CIDRS)
			assert_in_range(nla_type(a), 1, KSVC_CFG_A_FLAGS);
		assert_null(tb[nla_type(a)]);
		tb[nla_type(a)] = a;
		n++;
	}
	assert_int_equal(rem, 0);
	return n;
}

static void test_encode_only_given(void **state)
{
	struct wire_cfg_change c;
	struct nlattr *tb[KSVC_CFG_A_MAX + 1];
	struct nl_msg *msg = new_msg();

	(void)state;
	assert_int_equal(parse(&c, "--node-name", "node-1", NULL), -1);
	assert_int_equal(ksvc_put_cfg(msg, &c, 0), 0);
	assert_int_equal(config_attrs(msg, tb), 1);
	assert_non_null(tb[KSVC_CFG_A_NODE_NAME]);
	assert_int_equal(nla_len(tb[KSVC_CFG_A_NODE_NAME]), 7);	/* NUL too */
	assert_string_equal(nla_data(tb[KSVC_CFG_A_NODE_NAME]), "node-1");
	nlmsg_free(msg);

	msg = new_msg();
	assert_int_equal(parse(&c, "--nodeport-range=30000-30100",
			       "--no-endpoint=drop", NULL), -1);
	assert_int_equal(ksvc_put_cfg(msg, &c, ksvc_cfg_flags(&c, 0)), 0);
	assert_int_equal(config_attrs(msg, tb), 3);
	assert_int_equal(nla_len(tb[KSVC_CFG_A_NODEPORT_MIN]), 2);
	assert_int_equal(nla_get_u16(tb[KSVC_CFG_A_NODEPORT_MIN]), 30000);
	assert_int_equal(nla_get_u16(tb[KSVC_CFG_A_NODEPORT_MAX]), 30100);
	assert_int_equal(nla_len(tb[KSVC_CFG_A_FLAGS]), 4);
	assert_int_equal(nla_get_u32(tb[KSVC_CFG_A_FLAGS]), KSVC_CFG_F_DROP_NO_ENDPOINT);
	assert_null(tb[KSVC_CFG_A_NODE_ADDRS]);
	assert_null(tb[KSVC_CFG_A_NODE_NAME]);
	nlmsg_free(msg);
}

static void test_encode_addrs(void **state)
{
	struct wire_cfg_change c;
	struct nlattr *tb[KSVC_CFG_A_MAX + 1], *e, *a;
	struct nl_msg *msg = new_msg();
	uint8_t want[16];
	int rem, rem2, n = 0;

	(void)state;
	assert_int_equal(parse(&c, "--node-addresses=192.168.100.1,fd00:100::1",
			       NULL), -1);
	assert_int_equal(ksvc_put_cfg(msg, &c, 0), 0);
	assert_int_equal(config_attrs(msg, tb), 1);
	assert_true(tb[KSVC_CFG_A_NODE_ADDRS]->nla_type & NLA_F_NESTED);
	nla_for_each_nested(e, tb[KSVC_CFG_A_NODE_ADDRS], rem) {
		int m = 0;

		assert_int_equal(nla_type(e), KSVC_ADDR_A_ENTRY);
		nla_for_each_nested(a, e, rem2) {
			m++;
			if (n == 0) {
				assert_int_equal(nla_type(a), KSVC_ADDR_A_IN);
				assert_int_equal(nla_len(a), 4);
				inet_pton(AF_INET, "192.168.100.1", want);
				assert_memory_equal(nla_data(a), want, 4);
			} else {
				assert_int_equal(nla_type(a), KSVC_ADDR_A_IN6);
				assert_int_equal(nla_len(a), 16);
				inet_pton(AF_INET6, "fd00:100::1", want);
				assert_memory_equal(nla_data(a), want, 16);
			}
		}
		assert_int_equal(m, 1);	/* no KIND: the kernel ignores it */
		n++;
	}
	assert_int_equal(n, 2);
	nlmsg_free(msg);
}

static void test_encode_addrs_all_is_empty_nest(void **state)
{
	struct wire_cfg_change c;
	struct nlattr *tb[KSVC_CFG_A_MAX + 1];
	struct nl_msg *msg = new_msg();

	(void)state;
	assert_int_equal(parse(&c, "--node-addresses=all", NULL), -1);
	assert_int_equal(ksvc_put_cfg(msg, &c, 0), 0);
	assert_int_equal(config_attrs(msg, tb), 1);
	assert_non_null(tb[KSVC_CFG_A_NODE_ADDRS]);	/* kept, not dropped */
	assert_int_equal(nla_len(tb[KSVC_CFG_A_NODE_ADDRS]), 0);
	assert_true(tb[KSVC_CFG_A_NODE_ADDRS]->nla_type & NLA_F_NESTED);
	nlmsg_free(msg);
}

static void test_encode_cidrs(void **state)
{
	struct wire_cfg_change c;
	struct nlattr *tb[KSVC_CFG_A_MAX + 1], *e;
	struct nlattr *at[KSVC_ADDR_A_MAX + 1];
	struct nl_msg *msg = new_msg();
	uint8_t want[16];
	int rem, n = 0;

	(void)state;
	assert_int_equal(parse(&c, "--service-cidrs=10.96.0.0/12,fd00:96::/108",
			       NULL), -1);
	assert_int_equal(ksvc_put_cfg(msg, &c, 0), 0);
	assert_int_equal(config_attrs(msg, tb), 1);
	assert_non_null(tb[KSVC_CFG_A_SERVICE_CIDRS]);
	assert_true(tb[KSVC_CFG_A_SERVICE_CIDRS]->nla_type & NLA_F_NESTED);
	nla_for_each_nested(e, tb[KSVC_CFG_A_SERVICE_CIDRS], rem) {
		assert_int_equal(nla_type(e), KSVC_ADDR_A_ENTRY);
		assert_int_equal(nla_parse_nested(at, KSVC_ADDR_A_MAX, e, NULL), 0);
		assert_null(at[KSVC_ADDR_A_KIND]);
		assert_non_null(at[KSVC_ADDR_A_PREFIX]);
		assert_int_equal(nla_len(at[KSVC_ADDR_A_PREFIX]), 1);
		if (n == 0) {
			assert_null(at[KSVC_ADDR_A_IN6]);
			assert_int_equal(nla_len(at[KSVC_ADDR_A_IN]), 4);
			inet_pton(AF_INET, "10.96.0.0", want);
			assert_memory_equal(nla_data(at[KSVC_ADDR_A_IN]), want, 4);
			assert_int_equal(nla_get_u8(at[KSVC_ADDR_A_PREFIX]), 12);
		} else {
			assert_null(at[KSVC_ADDR_A_IN]);
			assert_int_equal(nla_len(at[KSVC_ADDR_A_IN6]), 16);
			inet_pton(AF_INET6, "fd00:96::", want);
			assert_memory_equal(nla_data(at[KSVC_ADDR_A_IN6]), want, 16);
			assert_int_equal(nla_get_u8(at[KSVC_ADDR_A_PREFIX]), 108);
		}
		n++;
	}
	assert_int_equal(rem, 0);
	assert_int_equal(n, 2);
	nlmsg_free(msg);

	/* not given: not sent, so the kernel keeps its ranges */
	msg = new_msg();
	assert_int_equal(parse(&c, "--node-name=n", NULL), -1);
	assert_int_equal(ksvc_put_cfg(msg, &c, 0), 0);
	assert_int_equal(config_attrs(msg, tb), 1);
	assert_null(tb[KSVC_CFG_A_SERVICE_CIDRS]);
	nlmsg_free(msg);
}

static void test_encode_too_small(void **state)
{
	struct wire_cfg_change c;
	struct nl_msg *msg = nlmsg_alloc_size(NLMSG_HDRLEN + GENL_HDRLEN + 64);

	(void)state;
	assert_non_null(msg);
	assert_non_null(genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, FAMILY, 0,
				    0, KSVC_CMD_CONFIG_SET, KSVC_GENL_VERSION));
	assert_int_equal(parse(&c, "--node-addresses=10.0.0.1,10.0.0.2,10.0.0.3,"
			       "10.0.0.4,10.0.0.5,10.0.0.6", NULL), -1);
	assert_int_equal(ksvc_put_cfg(msg, &c, 0), -EMSGSIZE);
	nlmsg_free(msg);
}

/* --- decoding and printing ------------------------------------------ */

/* What the reply says of service CIDRs. */
enum cidrs_in_reply {
	CIDRS_ABSENT,		/* an older module: no attribute */
	CIDRS_EMPTY,
	CIDRS_V4,		/* the default, 10.96.0.0/12 */
	CIDRS_BOTH,		/* and fd00:96::/108 */
};

static void put_cidr(struct nl_msg *msg, int family, const char *addr,
		     uint8_t len)
{
	struct nlattr *e = nla_nest_start(msg, KSVC_ADDR_A_ENTRY);
	uint8_t a[16];

	assert_int_equal(inet_pton(family, addr, a), 1);
	if (family == AF_INET)
		assert_int_equal(nla_put(msg, KSVC_ADDR_A_IN, 4, a), 0);
	else
		assert_int_equal(nla_put(msg, KSVC_ADDR_A_IN6, 16, a), 0);
	assert_int_equal(nla_put_u8(msg, KSVC_ADDR_A_PREFIX, len), 0);
	nla_nest_end(msg, e);
}

static struct nl_msg *reply_cidrs(bool with_addrs, uint32_t flags,
				  enum cidrs_in_reply cidrs)
{
	struct nl_msg *msg = nlmsg_alloc_size(8192);
	struct nlattr *n, *l, *e;
	uint8_t a[16];

	assert_non_null(msg);
	assert_non_null(genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, FAMILY, 0,
				    0, KSVC_CMD_CONFIG_GET, KSVC_GENL_VERSION));
	n = nla_nest_start(msg, KSVC_A_CONFIG);
	assert_int_equal(nla_put_u16(msg, KSVC_CFG_A_NODEPORT_MIN, 30000), 0);
	assert_int_equal(nla_put_u16(msg, KSVC_CFG_A_NODEPORT_MAX, 32767), 0);
	assert_int_equal(nla_put_string(msg, KSVC_CFG_A_NODE_NAME,
					with_addrs ? "node-1" : ""), 0);
	assert_int_equal(nla_put_u32(msg, KSVC_CFG_A_FLAGS, flags), 0);
	assert_int_equal(nla_put_u32(msg, KSVC_CFG_A_MAX_SERVICES, 262144), 0);
	assert_int_equal(nla_put_u32(msg, KSVC_CFG_A_MAX_BACKENDS, 16384), 0);
	assert_int_equal(nla_put_u32(msg, KSVC_CFG_A_NR_SERVICES, 3), 0);
	if (cidrs != CIDRS_ABSENT) {
		l = nla_nest_start(msg, KSVC_CFG_A_SERVICE_CIDRS);
		if (cidrs >= CIDRS_V4)
			put_cidr(msg, AF_INET, "10.96.0.0", 12);
		if (cidrs == CIDRS_BOTH)
			put_cidr(msg, AF_INET6, "fd00:96::", 108);
		nla_nest_end_keep_empty(msg, l);
	}
	l = nla_nest_start(msg, KSVC_CFG_A_NODE_ADDRS);
	if (with_addrs) {
		e = nla_nest_start(msg, KSVC_ADDR_A_ENTRY);
		inet_pton(AF_INET, "192.168.100.1", a);
		nla_put(msg, KSVC_ADDR_A_IN, 4, a);
		nla_nest_end(msg, e);
		e = nla_nest_start(msg, KSVC_ADDR_A_ENTRY);
		inet_pton(AF_INET6, "fd00:100::1", a);
		nla_put(msg, KSVC_ADDR_A_IN6, 16, a);
		nla_nest_end(msg, e);
	}
	nla_nest_end_keep_empty(msg, l);
	nla_nest_end(msg, n);
	return msg;
}

static struct nl_msg *reply(bool with_addrs, uint32_t flags)
{
	return reply_cidrs(with_addrs, flags, CIDRS_BOTH);
}

static char *print_to_string(const struct wire_config *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	cfg_print(f, c);
	fclose(f);
	return buf;
}

static void test_decode_print(void **state)
{
	struct nl_msg *msg = reply(true, KSVC_CFG_F_DROP_NO_ENDPOINT);
	struct wire_config c;
	char *out;

	(void)state;
	assert_int_equal(ksvc_cfg_decode(nlmsg_hdr(msg), &c), 0);
	assert_string_equal(c.node_name, "node-1");
	assert_int_equal(c.np_min, 30000);
	assert_int_equal(c.np_max, 32767);
	assert_int_equal(c.n_addrs, 2);
	assert_int_equal(c.nr_services, 3);
	assert_true(c.has_cidrs);
	assert_int_equal(c.n_cidrs, 2);
	assert_int_equal(c.cidrs[0].family, AF_INET);
	assert_int_equal(c.cidrs[0].len, 12);
	assert_int_equal(c.cidrs[1].family, AF_INET6);
	assert_int_equal(c.cidrs[1].len, 108);
	out = print_to_string(&c);
	assert_string_equal(out,
		"Node name:       node-1\n"
		"NodePort range:  30000-32767\n"
		"Node addresses:  192.168.100.1,fd00:100::1\n"
		"Service CIDRs:   10.96.0.0/12,fd00:96::/108\n"
		"No endpoint:     drop\n"
		"Flags:           drop-no-endpoint\n"
		"Max services:    262144\n"
		"Max backends:    16384 (per service port)\n"
		"Services:        3\n");
	free(out);
	nlmsg_free(msg);
}

static void test_decode_print_defaults(void **state)
{
	struct nl_msg *msg = reply(false, 0);
	struct wire_config c;
	char *out;

	(void)state;
	assert_int_equal(ksvc_cfg_decode(nlmsg_hdr(msg), &c), 0);
	out = print_to_string(&c);
	assert_non_null(strstr(out, "Node name:       (unset)\n"));
	assert_non_null(strstr(out, "Node addresses:  (all local addresses)\n"));
	assert_non_null(strstr(out, "No endpoint:     reject\n"));
	assert_non_null(strstr(out, "Flags:           (none)\n"));
	free(out);
	nlmsg_free(msg);
}

static void test_decode_print_cidrs(void **state)
{
	static const struct {
		enum cidrs_in_reply cidrs;
		const char *line;
	} cases[] = {
		{ CIDRS_V4, "Service CIDRs:   10.96.0.0/12\n" },
		{ CIDRS_EMPTY, "Service CIDRs:   (none)\n" },
		{ CIDRS_ABSENT, "Service CIDRs:   (not reported by the module)\n" },
	};
	struct wire_config c;
	struct nl_msg *msg;
	char *out;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		msg = reply_cidrs(false, 0, cases[i].cidrs);
		assert_int_equal(ksvc_cfg_decode(nlmsg_hdr(msg), &c), 0);
		assert_int_equal(c.has_cidrs, cases[i].cidrs != CIDRS_ABSENT);
		out = print_to_string(&c);
		if (!strstr(out, cases[i].line))
			fail_msg("case %zu: no \"%s\" in:\n%s", i, cases[i].line, out);
		/* right after the node addresses */
		assert_non_null(strstr(out, "(all local addresses)\nService CIDRs:"));
		free(out);
		nlmsg_free(msg);
	}
}

/* A CONFIG_GET reply whose only content is a SERVICE_CIDRS nest. */
static struct nl_msg *cidr_reply(void)
{
	struct nl_msg *msg = nlmsg_alloc_size(8192);

	assert_non_null(msg);
	assert_non_null(genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, FAMILY, 0,
				    0, KSVC_CMD_CONFIG_GET, KSVC_GENL_VERSION));
	return msg;
}

static void test_decode_cidrs_bad(void **state)
{
	struct wire_config c;
	struct nl_msg *msg;
	struct nlattr *n, *l, *e;
	uint8_t a[16] = { 10, 96 };
	int i;

	(void)state;
	/* an entry without its prefix */
	msg = cidr_reply();
	n = nla_nest_start(msg, KSVC_A_CONFIG);
	l = nla_nest_start(msg, KSVC_CFG_A_SERVICE_CIDRS);
	e = nla_nest_start(msg, KSVC_ADDR_A_ENTRY);
	nla_put(msg, KSVC_ADDR_A_IN, 4, a);
	nla_nest_end(msg, e);
	nla_nest_end(msg, l);
	nla_nest_end(msg, n);
	assert_int_equal(ksvc_cfg_decode(nlmsg_hdr(msg), &c), -EBADMSG);
	nlmsg_free(msg);

	/* an IPv4 prefix over 32 */
	msg = cidr_reply();
	n = nla_nest_start(msg, KSVC_A_CONFIG);
	l = nla_nest_start(msg, KSVC_CFG_A_SERVICE_CIDRS);
	put_cidr(msg, AF_INET, "10.96.0.0", 33);
	nla_nest_end(msg, l);
	nla_nest_end(msg, n);
	assert_int_equal(ksvc_cfg_decode(nlmsg_hdr(msg), &c), -EBADMSG);
	nlmsg_free(msg);

	/* two of one family, then three entries */
	for (i = 2; i <= 3; i++) {
		msg = cidr_reply();
		n = nla_nest_start(msg, KSVC_A_CONFIG);
		l = nla_nest_start(msg, KSVC_CFG_A_SERVICE_CIDRS);
		put_cidr(msg, AF_INET, "10.96.0.0", 12);
		if (i == 3)
			put_cidr(msg, AF_INET6, "fd00::", 64);
		put_cidr(msg, AF_INET, "10.0.0.0", 8);
		nla_nest_end(msg, l);
		nla_nest_end(msg, n);
		assert_int_equal(ksvc_cfg_decode(nlmsg_hdr(msg), &c), -EBADMSG);
		nlmsg_free(msg);
	}
}

static void test_decode_bad(void **state)
{
	struct nl_msg *msg = nlmsg_alloc_size(8192);
	struct wire_config c;
	struct nlattr *n, *l, *e;

	(void)state;
	/* no KSVC_A_CONFIG at all */
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, FAMILY, 0, 0,
		    KSVC_CMD_CONFIG_GET, KSVC_GENL_VERSION);
	assert_int_equal(ksvc_cfg_decode(nlmsg_hdr(msg), &c), -EBADMSG);
	/* an address entry with a 3-byte IPv4 address */
	n = nla_nest_start(msg, KSVC_A_CONFIG);
	l = nla_nest_start(msg, KSVC_CFG_A_NODE_ADDRS);
	e = nla_nest_start(msg, KSVC_ADDR_A_ENTRY);
	nla_put(msg, KSVC_ADDR_A_IN, 3, "abc");
	nla_nest_end(msg, e);
	nla_nest_end(msg, l);
	nla_nest_end(msg, n);
	assert_int_equal(ksvc_cfg_decode(nlmsg_hdr(msg), &c), -EBADMSG);
	nlmsg_free(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_node_name),
		cmocka_unit_test(test_parse_node_name_too_long),
		cmocka_unit_test(test_parse_range),
		cmocka_unit_test(test_parse_range_bad),
		cmocka_unit_test(test_parse_addrs),
		cmocka_unit_test(test_parse_addrs_all),
		cmocka_unit_test(test_parse_addrs_bad),
		cmocka_unit_test(test_parse_no_endpoint),
		cmocka_unit_test(test_parse_usage_errors),
		cmocka_unit_test(test_parse_cidrs),
		cmocka_unit_test(test_parse_cidrs_limits),
		cmocka_unit_test(test_parse_cidrs_bad),
		cmocka_unit_test(test_parse_help),
		cmocka_unit_test(test_encode_only_given),
		cmocka_unit_test(test_encode_addrs),
		cmocka_unit_test(test_encode_addrs_all_is_empty_nest),
		cmocka_unit_test(test_encode_cidrs),
		cmocka_unit_test(test_encode_too_small),
		cmocka_unit_test(test_decode_print),
		cmocka_unit_test(test_decode_print_defaults),
		cmocka_unit_test(test_decode_print_cidrs),
		cmocka_unit_test(test_decode_cidrs_bad),
		cmocka_unit_test(test_decode_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
