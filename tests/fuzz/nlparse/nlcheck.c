// SPDX-License-Identifier: GPL-2.0
/*
 * Invariants of what the module's parsers build, checked independently
 * of how they do so: counts are taken from the attributes again, order
 * and uniqueness of backend sets with a comparator of our own.
 */
#include <net/genetlink.h>
#include "node.h"
#include "nlcheck.h"

void nlcheck_fail(const char *what, const char *file, int line)
{
	fprintf(stderr, "invariant violated: %s at %s:%d\n", what, file, line);
	abort();
}

static bool valid_label(const char *s, size_t size)
{
	size_t len = strnlen(s, size), i;

	if (!len || len == size || s[0] == '-' || s[len - 1] == '-')
		return false;
	for (i = 0; i < len; i++)
		if (!islower(s[i]) && !isdigit(s[i]) && s[i] != '-')
			return false;
	return true;
}

static int nested_count(const struct nlattr *list)
{
	const struct nlattr *a;
	int rem, n = 0;

	if (list)
		nla_for_each_nested(a, list, rem)
			n++;
	return n;
}

static bool chunk_names(const struct nlattr *c, u8 proto, u16 port)
{
	const struct nlattr *pr = nla_find_nested(c, KSVC_BES_A_PROTO);
	const struct nlattr *po = nla_find_nested(c, KSVC_BES_A_PORT);

	return nla_type(c) == KSVC_A_BACKENDS && pr && po &&
	       nla_get_u8(pr) == proto && nla_get_u16(po) == port;
}

/* Backend entries of the chunks naming @proto/@port; -1: no chunk does. */
static int chunk_entries(const struct ksvc_chunks *chunks, u8 proto, u16 port)
{
	const struct nlattr *c, *e;
	int rem, erem, n = -1;

	nla_for_each_attr(c, chunks->head, chunks->len, rem) {
		if (!chunk_names(c, proto, port))
			continue;
		n = max(n, 0);
		nla_for_each_nested(e, c, erem)
			n += nla_type(e) == KSVC_BES_A_ENTRY;
	}
	return n;
}

static bool v4_clean(u8 family, const union nf_inet_addr *a)
{
	return family == AF_INET6 ||
	       (family == AF_INET && !a->all[1] && !a->all[2] && !a->all[3]);
}

static int be_cmp(const struct ksvc_backend *a, const struct ksvc_backend *b)
{
	int r = memcmp(&a->addr, &b->addr, sizeof(a->addr));

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if (r)
		return r;
	return (int)ntohs(a->port) - (int)ntohs(b->port);
}

static bool has_cluster(const struct ksvc_svc *svc, u8 family)
{
	u32 i;

	for (i = 0; i < svc->naddrs; i++)
		if (svc->addrs[i].kind == KSVC_ADDR_KIND_CLUSTER &&
		    (!family || svc->addrs[i].family == family))
			return true;
	return false;
}

static void check_be(const struct ksvc_svc *svc, const struct ksvc_backend *be)
{
	NLCHECK(be->family == AF_INET || be->family == AF_INET6);
	NLCHECK(v4_clean(be->family, &be->addr));
	NLCHECK(be->port != 0);
	NLCHECK(be->weight >= 1);
	NLCHECK(!(be->flags & ~KSVC_BE_F_ALL));
	NLCHECK(be->stats);
	NLCHECK((svc->flags & KSVC_SVC_F_HEADLESS) ||
		has_cluster(svc, be->family));
	NLCHECK(strlen(ksvc_node_name(be->node)) < KSVC_NAME_MAX);
}

/* One node for one name: interned, not copied. */
static bool same_node(const struct ksvc_backend *a,
		      const struct ksvc_backend *b)
{
	return a->node == b->node ||
	       strcmp(ksvc_node_name(a->node), ksvc_node_name(b->node));
}

/*
 * Sorted by (family, address, port), no two alike, each one sane; a
 * node name shared with its neighbour is the same node.
 */
static void check_beset(const struct ksvc_svc *svc,
			const struct ksvc_beset *bes)
{
	u32 i;

	NLCHECK(bes->n <= ksvc_max_backends);
	for (i = 0; i < bes->n; i++) {
		check_be(svc, &bes->be[i]);
		NLCHECK(!i || be_cmp(&bes->be[i - 1], &bes->be[i]) < 0);
		NLCHECK(!i || same_node(&bes->be[i - 1], &bes->be[i]));
	}
}

static void check_port(const struct ksvc_cfg *cfg, const struct ksvc_svc *svc,
		       const struct ksvc_port *p)
{
	const struct ksvc_beset *bes = rcu_dereference_protected(p->bes, true);

	NLCHECK(p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP ||
		p->proto == IPPROTO_SCTP);
	NLCHECK(p->port != 0);
	/* NULL: unnamed, never "" */
	NLCHECK(!p->name || (*p->name && strlen(p->name) < KSVC_NAME_MAX));
	NLCHECK(!p->node_port || svc->type != KSVC_SVC_TYPE_CLUSTER_IP);
	NLCHECK(!p->node_port ||
		(p->node_port >= cfg->np_min && p->node_port <= cfg->np_max));
	if (bes)
		check_beset(svc, bes);
}

void nlcheck_name(const struct ksvc_name *n)
{
	NLCHECK(valid_label(n->ns, KSVC_NAME_MAX));
	NLCHECK(valid_label(n->name, KSVC_NAME_MAX));
}

/* What holds for any service version the parsers hand out. */
static void check_svc(const struct ksvc_cfg *cfg, const struct ksvc_svc *svc)
{
	u32 i;

	NLCHECK(svc->type >= 1 && svc->type <= KSVC_SVC_TYPE_MAX);
	NLCHECK(svc->sched <= KSVC_SCHED_MAX);
	NLCHECK(!(svc->flags & ~KSVC_SVC_F_ALL));
	NLCHECK(svc->affinity_timeout >= 1 && svc->affinity_timeout <= 86400);
	NLCHECK(svc->nports >= 1 && svc->nports <= KSVC_MAX_PORTS);
	NLCHECK(svc->naddrs <= KSVC_MAX_ADDRS);
	NLCHECK(!(svc->flags & KSVC_SVC_F_HEADLESS) == has_cluster(svc, 0));
	for (i = 0; i < svc->naddrs; i++) {
		const struct ksvc_addr *a = &svc->addrs[i];

		NLCHECK(a->kind >= 1 && a->kind <= KSVC_ADDR_KIND_MAX);
		NLCHECK(v4_clean(a->family, &a->a));
	}
	for (i = 0; i < svc->nports; i++)
		check_port(cfg, svc, &svc->ports[i]);
}

/*
 * Each port has the backend set the chunks naming it give, and none
 * (keep_bes) when no chunk does; each chunk names one of the ports.
 */
static void check_chunks(const struct ksvc_chunks *chunks,
			 const struct ksvc_svc *svc)
{
	const struct nlattr *c, *pr, *po;
	int rem;
	u32 i;

	for (i = 0; i < svc->nports; i++) {
		const struct ksvc_port *p = &svc->ports[i];
		const struct ksvc_beset *bes =
			rcu_dereference_protected(p->bes, true);
		int n = chunk_entries(chunks, p->proto, p->port);

		NLCHECK(p->keep_bes == (n < 0));
		NLCHECK(!bes == (n < 0));
		NLCHECK(!bes || bes->n == (u32)n);
	}
	nla_for_each_attr(c, chunks->head, chunks->len, rem) {
		if (nla_type(c) != KSVC_A_BACKENDS)
			continue;
		pr = nla_find_nested(c, KSVC_BES_A_PROTO);
		po = nla_find_nested(c, KSVC_BES_A_PORT);
		NLCHECK(pr && po);
		NLCHECK(ksvc_port_find(svc, nla_get_u8(pr), nla_get_u16(po)));
	}
}

/* Unpublished (no key), and as many addresses and ports as the nest. */
void nlcheck_parsed(const struct ksvc_cfg *cfg, const struct nlattr *attr,
		    const struct ksvc_chunks *chunks, const struct ksvc_svc *svc)
{
	struct nlattr *tb[KSVC_SVC_A_MAX + 1];

	check_svc(cfg, svc);
	check_chunks(chunks, svc);
	NLCHECK(!svc->key);
	NLCHECK(!nla_parse_nested(tb, KSVC_SVC_A_MAX, attr, ksvc_svc_policy,
				  NULL));
	NLCHECK(svc->type == nla_get_u8(tb[KSVC_SVC_A_TYPE]));
	NLCHECK(svc->naddrs == (u32)nested_count(tb[KSVC_SVC_A_ADDRS]));
	NLCHECK(svc->nports == (u32)nested_count(tb[KSVC_SVC_A_PORTS]));
}

/* Some port got a new set. */
void nlcheck_backends(const struct ksvc_cfg *cfg,
		      const struct ksvc_chunks *chunks,
		      const struct ksvc_svc *svc)
{
	u32 i, given = 0;

	check_svc(cfg, svc);
	check_chunks(chunks, svc);
	for (i = 0; i < svc->nports; i++)
		given += !svc->ports[i].keep_bes;
	NLCHECK(given);
}

static bool within(const void *p, const struct nlmsghdr *nlh, bool end_ok)
{
	const u8 *b = (const u8 *)nlh, *e = b + nlh->nlmsg_len;

	return (const u8 *)p >= b && ((const u8 *)p < e ||
				      (end_ok && (const u8 *)p == e));
}

/*
 * netlink_ack() warns about an offending attribute outside the request; we
 * also want it inside the message it is reported for.
 */
void nlcheck_ack(const struct nlmsghdr *nlh, int err,
		 const struct netlink_ext_ack *extack)
{
	NLCHECK(err <= 0);
	if (extack->_msg)
		NLCHECK(strlen(extack->_msg) < 4096);
	if (extack->bad_attr)
		NLCHECK(within(extack->bad_attr, nlh, false));
	if (extack->miss_nest)
		NLCHECK(within(extack->miss_nest, nlh, true));
}

void nlcheck_parse(const struct nlmsghdr *nlh, int err,
		   const struct netlink_ext_ack *extack, unsigned long failed)
{
	bool oom = kshim_alloc_failed != failed;

	nlcheck_ack(nlh, err, extack);
	NLCHECK(err || !oom);		/* no failed allocation ignored */
	if (err == -ENOMEM)
		NLCHECK(oom);
	else if (err)
		NLCHECK(extack->_msg);
}
