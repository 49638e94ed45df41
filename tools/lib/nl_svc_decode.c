// SPDX-License-Identifier: GPL-2.0
/*
 * SVC_GET reply -> struct wire_svc.  The kernel is trusted to follow the
 * uapi, but a short or missing attribute must not crash us: anything
 * malformed makes the whole service -EBADMSG.
 *
 * A reply is KSVC_A_SERVICE followed by KSVC_A_BACKENDS chunks, several
 * of which may name the same port: the message's attributes are walked
 * one by one (nla_parse would keep only the last chunk).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "nl_svc.h"

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
	[KSVC_PORT_A_STATS]	= { .type = NLA_NESTED },
	[KSVC_PORT_A_NR_BACKENDS] = { .type = NLA_U32 },
};

static struct nla_policy bes_policy[KSVC_BES_A_MAX + 1] = {
	[KSVC_BES_A_PROTO]	= { .type = NLA_U8 },
	[KSVC_BES_A_PORT]	= { .type = NLA_U16 },
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

int ksvc_stats_decode(struct nlattr *nest, struct wire_stats *st)
{
	struct nlattr *tb[KSVC_STATS_A_MAX + 1];

	if (nla_parse_nested(tb, KSVC_STATS_A_MAX, nest, stats_policy) < 0)
		return -EBADMSG;
	st->conns = get_u64(tb[KSVC_STATS_A_CONNS]);
	st->packets = get_u64(tb[KSVC_STATS_A_PACKETS]);
	st->bytes = get_u64(tb[KSVC_STATS_A_BYTES]);
	return 0;
}

static int decode_addr(struct nlattr *entry, struct wire_addr *a)
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

static void add_stats(struct wire_stats *sum, const struct wire_stats *st)
{
	sum->conns += st->conns;
	sum->packets += st->packets;
	sum->bytes += st->bytes;
}

/*
 * What the port nests leave open until the chunks are read: a dump may
 * leave out the chunks of a huge service but still counts its backends
 * (NR_BACKENDS); without port stats, the backends' sum stands in.
 */
struct port_acc {
	bool have_nr, have_stats;
	size_t counted;
	struct wire_stats be_sum;
};

static int decode_port(struct nlattr *entry, struct wire_port *p,
		       struct port_acc *acc)
{
	struct nlattr *tb[KSVC_PORT_A_MAX + 1];

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
	if (tb[KSVC_PORT_A_NR_BACKENDS]) {
		acc->have_nr = true;
		p->n_backends = nla_get_u32(tb[KSVC_PORT_A_NR_BACKENDS]);
	}
	if (tb[KSVC_PORT_A_STATS]) {
		acc->have_stats = true;
		return ksvc_stats_decode(tb[KSVC_PORT_A_STATS], &p->stats);
	}
	return 0;
}

/* Backends are only counted; their stats stand in for missing port stats. */
static int decode_backend(struct nlattr *entry, struct wire_port *p,
			  struct port_acc *acc)
{
	struct nlattr *tb[KSVC_BE_A_MAX + 1];
	struct wire_stats st;

	if (nla_parse_nested(tb, KSVC_BE_A_MAX, entry, be_policy) < 0)
		return -EBADMSG;
	acc->counted++;
	if (tb[KSVC_BE_A_FLAGS] &&
	    (nla_get_u32(tb[KSVC_BE_A_FLAGS]) & KSVC_BE_F_READY))
		p->n_ready++;
	if (tb[KSVC_BE_A_STATS]) {
		if (ksvc_stats_decode(tb[KSVC_BE_A_STATS], &st))
			return -EBADMSG;
		add_stats(&acc->be_sum, &st);
	}
	return 0;
}

/* One KSVC_A_BACKENDS chunk, added to the port it names. */
int ksvc_chunk_port(struct nlattr *chunk, const struct wire_svc *s)
{
	struct nlattr *tb[KSVC_BES_A_MAX + 1];
	uint8_t proto;
	uint16_t port;
	size_t i;

	if (nla_parse_nested(tb, KSVC_BES_A_MAX, chunk, bes_policy) < 0 ||
	    !tb[KSVC_BES_A_PROTO] || !tb[KSVC_BES_A_PORT])
		return -EBADMSG;
	proto = nla_get_u8(tb[KSVC_BES_A_PROTO]);
	port = nla_get_u16(tb[KSVC_BES_A_PORT]);
	for (i = 0; i < s->n_ports; i++)
		if (s->ports[i].proto == proto && s->ports[i].port == port)
			return i;
	return -EBADMSG;	/* names a port the service lacks */
}

static int decode_chunk(struct nlattr *chunk, struct wire_svc *s,
			struct port_acc *acc)
{
	struct nlattr *pos;
	int i, rem;

	i = ksvc_chunk_port(chunk, s);
	if (i < 0)
		return i;
	nla_for_each_nested(pos, chunk, rem) {
		if (nla_type(pos) != KSVC_BES_A_ENTRY)
			continue;
		if (decode_backend(pos, &s->ports[i], &acc[i]))
			return -EBADMSG;
	}
	return 0;
}

static int decode_addrs(struct nlattr *list, struct wire_svc *s)
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

static int decode_ports(struct nlattr *list, struct wire_svc *s,
			struct port_acc **acc)
{
	size_t n = count_entries(list);
	struct nlattr *pos;
	int rem;

	s->ports = calloc(n + 1, sizeof(*s->ports));
	*acc = calloc(n + 1, sizeof(**acc));
	if (!s->ports || !*acc)
		return -ENOMEM;
	nla_for_each_nested(pos, list, rem) {
		if (nla_type(pos) != KSVC_PORT_A_ENTRY)
			continue;
		if (decode_port(pos, &s->ports[s->n_ports], &(*acc)[s->n_ports]))
			return -EBADMSG;
		s->n_ports++;
	}
	return 0;
}

static void decode_scalars(struct nlattr **tb, struct wire_svc *s)
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

static int decode_svc(struct nlattr *svc, struct wire_svc *s,
		      struct port_acc **acc)
{
	struct nlattr *tb[KSVC_SVC_A_MAX + 1];
	int err;

	if (nla_parse_nested(tb, KSVC_SVC_A_MAX, svc, svc_policy) < 0 ||
	    !tb[KSVC_SVC_A_NAMESPACE] || !tb[KSVC_SVC_A_NAME])
		return -EBADMSG;
	decode_scalars(tb, s);
	if (tb[KSVC_SVC_A_ADDRS] && (err = decode_addrs(tb[KSVC_SVC_A_ADDRS], s)))
		return err;
	if (tb[KSVC_SVC_A_PORTS] &&
	    (err = decode_ports(tb[KSVC_SVC_A_PORTS], s, acc)))
		return err;
	return 0;
}

static void finish_ports(struct wire_svc *s, const struct port_acc *acc)
{
	size_t i;

	for (i = 0; i < s->n_ports; i++) {
		if (!acc[i].have_nr)
			s->ports[i].n_backends = acc[i].counted;
		if (!acc[i].have_stats)
			s->ports[i].stats = acc[i].be_sum;
	}
}

int ksvc_svc_decode(struct nlmsghdr *nlh, struct wire_svc *s)
{
	struct nlattr *a, *svc = NULL;
	struct port_acc *acc = NULL;
	int rem, err;

	memset(s, 0, sizeof(*s));
	if (!genlmsg_valid_hdr(nlh, 0))
		return -EBADMSG;
	nlmsg_for_each_attr(a, nlh, GENL_HDRLEN, rem) {
		if (nla_type(a) == KSVC_A_SERVICE) {
			if (svc)
				return -EBADMSG;	/* one service a message */
			svc = a;
		}
	}
	if (!svc)
		return -EBADMSG;
	err = decode_svc(svc, s, &acc);
	/* The chunks follow the service; any order would do for us. */
	nlmsg_for_each_attr(a, nlh, GENL_HDRLEN, rem) {
		if (err)
			break;
		if (nla_type(a) == KSVC_A_BACKENDS)
			err = decode_chunk(a, s, acc);
	}
	if (!err)
		finish_ports(s, acc);
	free(acc);
	if (err)
		ksvc_svc_free(s);
	return err;
}

void ksvc_svc_free(struct wire_svc *s)
{
	free(s->addrs);
	free(s->ports);
	s->addrs = NULL;
	s->ports = NULL;
	s->n_addrs = s->n_ports = 0;
}
