// SPDX-License-Identifier: GPL-2.0
/*
 * SVC_GET reply -> struct ksvc_svc.  The kernel is trusted to follow the
 * uapi, but a short or missing attribute must not crash us: anything
 * malformed makes the whole service -EBADMSG.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "nl_svc.h"

static struct nla_policy top_policy[KSVC_A_MAX + 1] = {
	[KSVC_A_SERVICE] = { .type = NLA_NESTED },
};

static struct nla_policy svc_policy[KSVC_SVC_A_MAX + 1] = {
	[KSVC_SVC_A_NAMESPACE]	= { .type = NLA_STRING, .maxlen = KSVC_NAME_MAX },
	[KSVC_SVC_A_NAME]	= { .type = NLA_STRING, .maxlen = KSVC_NAME_MAX },
	[KSVC_SVC_A_TYPE]	= { .type = NLA_U8 },
	[KSVC_SVC_A_FLAGS]	= { .type = NLA_U32 },
	[KSVC_SVC_A_SCHED]	= { .type = NLA_U8 },
	[KSVC_SVC_A_AFFINITY_TIMEOUT] = { .type = NLA_U32 },
	[KSVC_SVC_A_ADDRS]	= { .type = NLA_NESTED },
	[KSVC_SVC_A_PORTS]	= { .type = NLA_NESTED },
	[KSVC_SVC_A_CREATED]	= { .type = NLA_U64 },
};

static struct nla_policy addr_policy[KSVC_ADDR_A_MAX + 1] = {
	[KSVC_ADDR_A_KIND]	= { .type = NLA_U8 },
	[KSVC_ADDR_A_IN]	= { .minlen = 4, .maxlen = 4 },
	[KSVC_ADDR_A_IN6]	= { .minlen = 16, .maxlen = 16 },
};

static struct nla_policy port_policy[KSVC_PORT_A_MAX + 1] = {
	[KSVC_PORT_A_NAME]	= { .type = NLA_STRING, .maxlen = KSVC_NAME_MAX },
	[KSVC_PORT_A_PROTO]	= { .type = NLA_U8 },
	[KSVC_PORT_A_PORT]	= { .type = NLA_U16 },
	[KSVC_PORT_A_NODE_PORT]	= { .type = NLA_U16 },
	[KSVC_PORT_A_TARGET_PORT] = { .type = NLA_U16 },
	[KSVC_PORT_A_BACKENDS]	= { .type = NLA_NESTED },
	[KSVC_PORT_A_STATS]	= { .type = NLA_NESTED },
	[KSVC_PORT_A_NR_BACKENDS] = { .type = NLA_U32 },
};

static struct nla_policy be_policy[KSVC_BE_A_MAX + 1] = {
	[KSVC_BE_A_FLAGS]	= { .type = NLA_U32 },
	[KSVC_BE_A_STATS]	= { .type = NLA_NESTED },
};

static struct nla_policy stats_policy[KSVC_STATS_A_MAX + 1] = {
	[KSVC_STATS_A_CONNS]	= { .type = NLA_U64 },
	[KSVC_STATS_A_PACKETS]	= { .type = NLA_U64 },
	[KSVC_STATS_A_BYTES]	= { .type = NLA_U64 },
};

static size_t count_entries(struct nlattr *list)
{
	struct nlattr *pos;
	size_t n = 0;
	int rem;

	nla_for_each_nested(pos, list, rem)
		n += nla_type(pos) == KSVC_LIST_A_ENTRY;
	return n;
}

static void copy_str(char *dst, struct nlattr *a)
{
	dst[0] = '\0';
	if (a)
		nla_strlcpy(dst, a, KSVC_NAME_MAX);
}

/* Counters are u64 in attributes that may be unaligned: nla_get_u64 copes. */
static uint64_t get_u64(struct nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

static int decode_stats(struct nlattr *nest, struct ksvc_stats *st)
{
	struct nlattr *tb[KSVC_STATS_A_MAX + 1];

	if (nla_parse_nested(tb, KSVC_STATS_A_MAX, nest, stats_policy) < 0)
		return -EBADMSG;
	st->conns = get_u64(tb[KSVC_STATS_A_CONNS]);
	st->packets = get_u64(tb[KSVC_STATS_A_PACKETS]);
	st->bytes = get_u64(tb[KSVC_STATS_A_BYTES]);
	return 0;
}

static int decode_addr(struct nlattr *entry, struct ksvc_addr *a)
{
	struct nlattr *tb[KSVC_ADDR_A_MAX + 1];

	if (nla_parse_nested(tb, KSVC_ADDR_A_MAX, entry, addr_policy) < 0 ||
	    !tb[KSVC_ADDR_A_KIND] || !tb[KSVC_ADDR_A_IN] == !tb[KSVC_ADDR_A_IN6])
		return -EBADMSG;
	a->kind = nla_get_u8(tb[KSVC_ADDR_A_KIND]);
	a->family = tb[KSVC_ADDR_A_IN] ? AF_INET : AF_INET6;
	memset(a->a, 0, sizeof(a->a));
	nla_memcpy(a->a, tb[KSVC_ADDR_A_IN] ?: tb[KSVC_ADDR_A_IN6], sizeof(a->a));
	return 0;
}

static void add_stats(struct ksvc_stats *sum, const struct ksvc_stats *st)
{
	sum->conns += st->conns;
	sum->packets += st->packets;
	sum->bytes += st->bytes;
}

/* Backends are only counted; their stats stand in for missing port stats. */
static int decode_backends(struct nlattr *list, struct ksvc_port *p,
			   struct ksvc_stats *sum)
{
	struct nlattr *tb[KSVC_BE_A_MAX + 1], *pos;
	struct ksvc_stats st;
	int rem;

	nla_for_each_nested(pos, list, rem) {
		if (nla_type(pos) != KSVC_BE_A_ENTRY)
			continue;
		if (nla_parse_nested(tb, KSVC_BE_A_MAX, pos, be_policy) < 0)
			return -EBADMSG;
		p->n_backends++;
		if (tb[KSVC_BE_A_FLAGS] &&
		    (nla_get_u32(tb[KSVC_BE_A_FLAGS]) & KSVC_BE_F_READY))
			p->n_ready++;
		if (tb[KSVC_BE_A_STATS]) {
			if (decode_stats(tb[KSVC_BE_A_STATS], &st))
				return -EBADMSG;
			add_stats(sum, &st);
		}
	}
	return 0;
}

static int decode_port(struct nlattr *entry, struct ksvc_port *p)
{
	struct nlattr *tb[KSVC_PORT_A_MAX + 1];
	struct ksvc_stats be_sum = { 0 };

	if (nla_parse_nested(tb, KSVC_PORT_A_MAX, entry, port_policy) < 0 ||
	    !tb[KSVC_PORT_A_PROTO] || !tb[KSVC_PORT_A_PORT])
		return -EBADMSG;
	copy_str(p->name, tb[KSVC_PORT_A_NAME]);
	p->proto = nla_get_u8(tb[KSVC_PORT_A_PROTO]);
	p->port = nla_get_u16(tb[KSVC_PORT_A_PORT]);
	if (tb[KSVC_PORT_A_NODE_PORT])
		p->node_port = nla_get_u16(tb[KSVC_PORT_A_NODE_PORT]);
	if (tb[KSVC_PORT_A_TARGET_PORT])
		p->target_port = nla_get_u16(tb[KSVC_PORT_A_TARGET_PORT]);
	if (tb[KSVC_PORT_A_BACKENDS] &&
	    decode_backends(tb[KSVC_PORT_A_BACKENDS], p, &be_sum))
		return -EBADMSG;
	/* A dump leaves out the backends of huge services, not their number. */
	if (tb[KSVC_PORT_A_NR_BACKENDS])
		p->n_backends = nla_get_u32(tb[KSVC_PORT_A_NR_BACKENDS]);
	if (tb[KSVC_PORT_A_STATS])
		return decode_stats(tb[KSVC_PORT_A_STATS], &p->stats);
	p->stats = be_sum;
	return 0;
}

static int decode_addrs(struct nlattr *list, struct ksvc_svc *s)
{
	struct nlattr *pos;
	int rem;

	s->addrs = calloc(count_entries(list) + 1, sizeof(*s->addrs));
	if (!s->addrs)
		return -ENOMEM;
	nla_for_each_nested(pos, list, rem) {
		if (nla_type(pos) != KSVC_ADDR_A_ENTRY)
			continue;
		if (decode_addr(pos, &s->addrs[s->n_addrs++]))
			return -EBADMSG;
	}
	return 0;
}

static int decode_ports(struct nlattr *list, struct ksvc_svc *s)
{
	struct nlattr *pos;
	int rem;

	s->ports = calloc(count_entries(list) + 1, sizeof(*s->ports));
	if (!s->ports)
		return -ENOMEM;
	nla_for_each_nested(pos, list, rem) {
		if (nla_type(pos) != KSVC_PORT_A_ENTRY)
			continue;
		if (decode_port(pos, &s->ports[s->n_ports++]))
			return -EBADMSG;
	}
	return 0;
}

static void decode_scalars(struct nlattr **tb, struct ksvc_svc *s)
{
	copy_str(s->ns, tb[KSVC_SVC_A_NAMESPACE]);
	copy_str(s->name, tb[KSVC_SVC_A_NAME]);
	if (tb[KSVC_SVC_A_TYPE])
		s->type = nla_get_u8(tb[KSVC_SVC_A_TYPE]);
	if (tb[KSVC_SVC_A_SCHED])
		s->sched = nla_get_u8(tb[KSVC_SVC_A_SCHED]);
	if (tb[KSVC_SVC_A_FLAGS])
		s->flags = nla_get_u32(tb[KSVC_SVC_A_FLAGS]);
	if (tb[KSVC_SVC_A_AFFINITY_TIMEOUT])
		s->affinity_timeout = nla_get_u32(tb[KSVC_SVC_A_AFFINITY_TIMEOUT]);
	s->created = get_u64(tb[KSVC_SVC_A_CREATED]);
}

int ksvc_svc_decode_attr(struct nlattr *svc, struct ksvc_svc *s)
{
	struct nlattr *tb[KSVC_SVC_A_MAX + 1];
	int err = -EBADMSG;

	memset(s, 0, sizeof(*s));
	if (nla_parse_nested(tb, KSVC_SVC_A_MAX, svc, svc_policy) < 0 ||
	    !tb[KSVC_SVC_A_NAMESPACE] || !tb[KSVC_SVC_A_NAME])
		return -EBADMSG;
	decode_scalars(tb, s);
	if (tb[KSVC_SVC_A_ADDRS] && (err = decode_addrs(tb[KSVC_SVC_A_ADDRS], s)))
		goto fail;
	if (tb[KSVC_SVC_A_PORTS] && (err = decode_ports(tb[KSVC_SVC_A_PORTS], s)))
		goto fail;
	return 0;
fail:
	ksvc_svc_free(s);
	return err;
}

int ksvc_svc_decode(struct nlmsghdr *nlh, struct ksvc_svc *s)
{
	struct nlattr *tb[KSVC_A_MAX + 1];

	if (genlmsg_parse(nlh, 0, tb, KSVC_A_MAX, top_policy) < 0 ||
	    !tb[KSVC_A_SERVICE])
		return -EBADMSG;
	return ksvc_svc_decode_attr(tb[KSVC_A_SERVICE], s);
}

void ksvc_svc_free(struct ksvc_svc *s)
{
	free(s->addrs);
	free(s->ports);
	s->addrs = NULL;
	s->ports = NULL;
	s->n_addrs = s->n_ports = 0;
}
