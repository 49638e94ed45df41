// SPDX-License-Identifier: GPL-2.0
/*
 * CONFIG_GET / CONFIG_SET: encode a change, decode and print the reply.
 * A change carries only what the user named, so "config set --node-name"
 * leaves the NodePort range and the node addresses as they are.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "nl.h"
#include "nl_cfg.h"

static struct nla_policy cfg_policy[KSVC_CFG_A_MAX + 1] = {
	[KSVC_CFG_A_NODEPORT_MIN]	= { .type = NLA_U16 },
	[KSVC_CFG_A_NODEPORT_MAX]	= { .type = NLA_U16 },
	[KSVC_CFG_A_NODE_NAME]		= { .type = NLA_STRING, .maxlen = KSVC_NAME_MAX },
	[KSVC_CFG_A_NODE_ADDRS]		= { .type = NLA_NESTED },
	[KSVC_CFG_A_FLAGS]		= { .type = NLA_U32 },
	[KSVC_CFG_A_MAX_SERVICES]	= { .type = NLA_U32 },
	[KSVC_CFG_A_MAX_BACKENDS]	= { .type = NLA_U32 },
	[KSVC_CFG_A_NR_SERVICES]	= { .type = NLA_U32 },
	[KSVC_CFG_A_SERVICE_CIDRS]	= { .type = NLA_NESTED },
};

static struct nla_policy addr_policy[KSVC_ADDR_A_MAX + 1] = {
	[KSVC_ADDR_A_KIND]	= { .type = NLA_U8 },
	[KSVC_ADDR_A_IN]	= { .minlen = 4, .maxlen = 4 },
	[KSVC_ADDR_A_IN6]	= { .minlen = 16, .maxlen = 16 },
	[KSVC_ADDR_A_PREFIX]	= { .type = NLA_U8 },
};

uint32_t ksvc_cfg_flags(const struct wire_cfg_change *c, uint32_t cur)
{
	return (cur & ~c->flags_mask) | (c->flags_val & c->flags_mask);
}

static int put_node_addrs(struct nl_msg *msg, const struct wire_cfg_change *c)
{
	struct nlattr *list = nla_nest_start(msg, KSVC_CFG_A_NODE_ADDRS);
	struct nlattr *e;
	size_t i;

	if (!list)
		return -EMSGSIZE;
	for (i = 0; i < c->n_addrs; i++) {
		const struct wire_addr *a = &c->addrs[i];

		e = nla_nest_start(msg, KSVC_ADDR_A_ENTRY);
		if (!e || (a->family == AF_INET6 ?
			   nla_put(msg, KSVC_ADDR_A_IN6, 16, a->a) :
			   nla_put(msg, KSVC_ADDR_A_IN, 4, a->a)))
			return -EMSGSIZE;
		nla_nest_end(msg, e);
	}
	/* libnl would drop an empty nest; here it means "all addresses". */
	return nla_nest_end_keep_empty(msg, list) < 0 ? -EMSGSIZE : 0;
}

static int put_cidrs(struct nl_msg *msg, const struct wire_cfg_change *c)
{
	struct nlattr *list = nla_nest_start(msg, KSVC_CFG_A_SERVICE_CIDRS);
	struct nlattr *e;
	size_t i;

	if (!list)
		return -EMSGSIZE;
	for (i = 0; i < c->n_cidrs; i++) {
		const struct wire_cidr *r = &c->cidrs[i];

		e = nla_nest_start(msg, KSVC_ADDR_A_ENTRY);
		if (!e || (r->family == AF_INET6 ?
			   nla_put(msg, KSVC_ADDR_A_IN6, 16, r->a) :
			   nla_put(msg, KSVC_ADDR_A_IN, 4, r->a)) ||
		    nla_put_u8(msg, KSVC_ADDR_A_PREFIX, r->len))
			return -EMSGSIZE;
		nla_nest_end(msg, e);
	}
	return nla_nest_end_keep_empty(msg, list) < 0 ? -EMSGSIZE : 0;
}

int ksvc_put_cfg(struct nl_msg *msg, const struct wire_cfg_change *c,
		 uint32_t flags)
{
	struct nlattr *n = nla_nest_start(msg, KSVC_A_CONFIG);

	if (!n)
		return -EMSGSIZE;
	if (c->has_node_name &&
	    nla_put_string(msg, KSVC_CFG_A_NODE_NAME, c->node_name))
		return -EMSGSIZE;
	if (c->has_range &&
	    (nla_put_u16(msg, KSVC_CFG_A_NODEPORT_MIN, c->np_min) ||
	     nla_put_u16(msg, KSVC_CFG_A_NODEPORT_MAX, c->np_max)))
		return -EMSGSIZE;
	if (c->has_addrs && put_node_addrs(msg, c))
		return -EMSGSIZE;
	if (c->has_flags && nla_put_u32(msg, KSVC_CFG_A_FLAGS, flags))
		return -EMSGSIZE;
	if (c->has_cidrs && put_cidrs(msg, c))
		return -EMSGSIZE;
	/* A change of nothing is still a (useless) valid request. */
	return nla_nest_end_keep_empty(msg, n) < 0 ? -EMSGSIZE : 0;
}

static int decode_addrs(struct nlattr *list, struct wire_config *out)
{
	struct nlattr *tb[KSVC_ADDR_A_MAX + 1], *e;
	struct wire_addr *a;
	int rem;

	nla_for_each_nested(e, list, rem) {
		if (nla_type(e) != KSVC_ADDR_A_ENTRY)
			continue;
		if (out->n_addrs == KSVC_MAX_ADDRS ||
		    nla_parse_nested(tb, KSVC_ADDR_A_MAX, e, addr_policy) < 0 ||
		    !tb[KSVC_ADDR_A_IN] == !tb[KSVC_ADDR_A_IN6])
			return -EBADMSG;
		a = &out->addrs[out->n_addrs++];
		memset(a, 0, sizeof(*a));
		a->family = tb[KSVC_ADDR_A_IN] ? AF_INET : AF_INET6;
		nla_memcpy(a->a, tb[KSVC_ADDR_A_IN] ?: tb[KSVC_ADDR_A_IN6],
			   sizeof(a->a));
	}
	return 0;
}

/* Service CIDRs: at most one per family, each an address and a prefix. */
static int decode_cidrs(struct nlattr *list, struct wire_config *out)
{
	struct nlattr *tb[KSVC_ADDR_A_MAX + 1], *e;
	struct wire_cidr *c;
	size_t i;
	int rem;

	out->has_cidrs = true;
	nla_for_each_nested(e, list, rem) {
		if (nla_type(e) != KSVC_ADDR_A_ENTRY)
			continue;
		if (out->n_cidrs == KSVC_CFG_MAX_CIDRS ||
		    nla_parse_nested(tb, KSVC_ADDR_A_MAX, e, addr_policy) < 0 ||
		    !tb[KSVC_ADDR_A_IN] == !tb[KSVC_ADDR_A_IN6] ||
		    !tb[KSVC_ADDR_A_PREFIX])
			return -EBADMSG;
		c = &out->cidrs[out->n_cidrs];
		memset(c, 0, sizeof(*c));
		c->family = tb[KSVC_ADDR_A_IN] ? AF_INET : AF_INET6;
		nla_memcpy(c->a, tb[KSVC_ADDR_A_IN] ?: tb[KSVC_ADDR_A_IN6],
			   sizeof(c->a));
		c->len = nla_get_u8(tb[KSVC_ADDR_A_PREFIX]);
		if (c->len > (c->family == AF_INET ? 32 : 128))
			return -EBADMSG;
		for (i = 0; i < out->n_cidrs; i++)
			if (out->cidrs[i].family == c->family)
				return -EBADMSG;
		out->n_cidrs++;
	}
	return 0;
}

static uint32_t get_u32(struct nlattr *a)
{
	return a ? nla_get_u32(a) : 0;
}

static uint16_t get_u16(struct nlattr *a)
{
	return a ? nla_get_u16(a) : 0;
}

int ksvc_cfg_decode(struct nlmsghdr *nlh, struct wire_config *out)
{
	struct nlattr *top[KSVC_A_MAX + 1], *tb[KSVC_CFG_A_MAX + 1];

	memset(out, 0, sizeof(*out));
	if (genlmsg_parse(nlh, 0, top, KSVC_A_MAX, NULL) < 0 ||
	    !top[KSVC_A_CONFIG] ||
	    nla_parse_nested(tb, KSVC_CFG_A_MAX, top[KSVC_A_CONFIG],
			     cfg_policy) < 0)
		return -EBADMSG;
	if (tb[KSVC_CFG_A_NODE_NAME])
		nla_strlcpy(out->node_name, tb[KSVC_CFG_A_NODE_NAME],
			    sizeof(out->node_name));
	out->np_min = get_u16(tb[KSVC_CFG_A_NODEPORT_MIN]);
	out->np_max = get_u16(tb[KSVC_CFG_A_NODEPORT_MAX]);
	out->flags = get_u32(tb[KSVC_CFG_A_FLAGS]);
	out->max_services = get_u32(tb[KSVC_CFG_A_MAX_SERVICES]);
	out->max_backends = get_u32(tb[KSVC_CFG_A_MAX_BACKENDS]);
	out->nr_services = get_u32(tb[KSVC_CFG_A_NR_SERVICES]);
	if (tb[KSVC_CFG_A_SERVICE_CIDRS] &&
	    decode_cidrs(tb[KSVC_CFG_A_SERVICE_CIDRS], out))
		return -EBADMSG;
	if (tb[KSVC_CFG_A_NODE_ADDRS])
		return decode_addrs(tb[KSVC_CFG_A_NODE_ADDRS], out);
	return 0;
}

static int get_reply(struct nlmsghdr *nlh, void *arg)
{
	return ksvc_cfg_decode(nlh, arg);
}

int req_cfg_get(struct wire_config *out)
{
	struct nl_msg *msg = ksvc_msg_new(KSVC_CMD_CONFIG_GET, 0, 0);

	if (!msg)
		return -ENOMEM;
	return ksvc_nl_talk(msg, get_reply, out);
}

int req_cfg_set(const struct wire_cfg_change *c, uint32_t flags)
{
	struct nl_msg *msg = ksvc_msg_new(KSVC_CMD_CONFIG_SET, 0, 0);
	int err;

	if (!msg)
		return -ENOMEM;
	err = ksvc_put_cfg(msg, c, flags);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return ksvc_nl_talk(msg, NULL, NULL);
}

void req_nodeport_range(int *min, int *max)
{
	struct wire_config c;

	if (req_cfg_get(&c))
		return;
	*min = c.np_min;
	*max = c.np_max;
}
