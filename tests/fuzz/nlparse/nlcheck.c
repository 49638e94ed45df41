// SPDX-License-Identifier: GPL-2.0
/*
 * Invariants of what the module parses and builds, checked independently
 * of how it does so: counts are taken from the attributes again, order
 * and uniqueness of backend sets with a comparator of our own.
 */
#include <net/genetlink.h>
#include <net/ipv6.h>
#include "alloc.h"
#include "select.h"
#include "nlcheck.h"
#if __has_include("node.h")
#include "node.h"
#define HAVE_NODE_H 1
#endif

struct nlcheck_reply nlcheck_last;

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
#ifdef HAVE_NODE_H
	NLCHECK(strlen(ksvc_node_name(be->node)) < KSVC_NAME_MAX);
#endif
}

/* Sorted by (family, address, port), no two alike, each one sane. */
static void check_beset(const struct ksvc_svc *svc,
			const struct ksvc_beset *bes)
{
	u32 i;

	NLCHECK(bes->n <= ksvc_max_backends);
	for (i = 0; i < bes->n; i++) {
		check_be(svc, &bes->be[i]);
		NLCHECK(!i || be_cmp(&bes->be[i - 1], &bes->be[i]) < 0);
	}
}

static void check_port(const struct ksvc_svc *svc, const struct ksvc_port *p)
{
	const struct ksvc_beset *bes = rcu_dereference_protected(p->bes, true);

	NLCHECK(p->svc == svc);
	NLCHECK(p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP ||
		p->proto == IPPROTO_SCTP);
	NLCHECK(p->port != 0);
	/* "" can come as well as NULL for no name: both read as "". */
	NLCHECK(!p->name || strlen(p->name) < KSVC_NAME_MAX);
	NLCHECK(!p->node_port || svc->type != KSVC_SVC_TYPE_CLUSTER_IP);
	NLCHECK(!p->gone.conns && !p->gone.packets && !p->gone.bytes);
	if (bes)
		check_beset(svc, bes);
}

static void check_name(const struct ksvc_name *n)
{
	NLCHECK(valid_label(n->ns, KSVC_NAME_MAX));
	NLCHECK(valid_label(n->name, KSVC_NAME_MAX));
}

/* What holds for any service version the parsers hand out. */
static void check_svc(const struct ksvc_svc *svc)
{
	u32 i;

	if (svc->key)
		check_name(svc->key);
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
		check_port(svc, &svc->ports[i]);
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

void nlcheck_parsed(struct ksvc_net *kn, const struct nlattr *attr,
		    const struct ksvc_chunks *chunks, const struct ksvc_svc *svc)
{
	struct nlattr *tb[KSVC_SVC_A_MAX + 1];
	struct ksvc_name name;
	u32 i;

	check_svc(svc);
	check_chunks(chunks, svc);
	NLCHECK(!ksvc_parse_name(attr, &name, NULL));
	check_name(&name);
	NLCHECK(!nla_parse_nested(tb, KSVC_SVC_A_MAX, attr, ksvc_svc_policy,
				  NULL));
	NLCHECK(svc->type == nla_get_u8(tb[KSVC_SVC_A_TYPE]));
	NLCHECK(svc->naddrs == (u32)nested_count(tb[KSVC_SVC_A_ADDRS]));
	NLCHECK(svc->nports == (u32)nested_count(tb[KSVC_SVC_A_PORTS]));
	for (i = 0; i < svc->nports; i++) {
		u16 np = svc->ports[i].node_port;
		const struct ksvc_cfg *cfg = ksvc_cfg_get(kn);

		NLCHECK(!np || (np >= cfg->np_min && np <= cfg->np_max));
	}
}

void nlcheck_backends(const struct ksvc_svc *base,
		      const struct ksvc_chunks *chunks,
		      const struct ksvc_svc *svc)
{
	u32 i, given = 0;

	check_svc(svc);
	check_chunks(chunks, svc);
	NLCHECK(svc->key == base->key);
	NLCHECK(svc->nports == base->nports && svc->naddrs == base->naddrs);
	for (i = 0; i < svc->nports; i++) {
		const struct ksvc_port *p = &svc->ports[i], *b = &base->ports[i];

		NLCHECK(p->proto == b->proto && p->port == b->port &&
			p->node_port == b->node_port &&
			p->target_port == b->target_port &&
			!strcmp(p->name ?: "", b->name ?: ""));
		given += !p->keep_bes;
	}
	NLCHECK(given);
}

static void check_unique(const struct ksvc_svc *svc)
{
	u32 i, j;

	for (i = 0; i < svc->naddrs; i++)
		for (j = 0; j < i; j++)
			NLCHECK(svc->addrs[i].family != svc->addrs[j].family ||
				memcmp(&svc->addrs[i].a, &svc->addrs[j].a,
				       sizeof(svc->addrs[i].a)));
	for (i = 0; i < svc->nports; i++)
		for (j = 0; j < i; j++) {
			const struct ksvc_port *p = &svc->ports[i];
			const struct ksvc_port *q = &svc->ports[j];

			NLCHECK(p->proto != q->proto || (p->port != q->port &&
				(!p->node_port || p->node_port != q->node_port)));
		}
}

/* Allocation gave every ClusterIP an address in range and every port of a
 * NodePort or LoadBalancer service a nodePort.
 */
static void check_allocated(struct ksvc_net *kn, const struct ksvc_svc *svc)
{
	const struct ksvc_cfg *cfg = ksvc_cfg_get(kn);
	u32 i;

	for (i = 0; i < svc->naddrs; i++) {
		const struct ksvc_addr *a = &svc->addrs[i];
		const struct ksvc_cidr *c = &cfg->cidr[a->family == AF_INET6];

		if (a->kind != KSVC_ADDR_KIND_CLUSTER)
			continue;
		NLCHECK(!ksvc_addr_zero(a));
		NLCHECK(!c->set || ksvc_in_cidr(c, a->family, &a->a));
	}
	for (i = 0; i < svc->nports; i++)
		NLCHECK(svc->type == KSVC_SVC_TYPE_CLUSTER_IP ||
			svc->ports[i].node_port);
}

/*
 * Frontends: one per ClusterIP listing every port, one per other address
 * x port, one per nodePort.
 */
static void check_fe(const struct ksvc_svc *svc)
{
	u32 i, n = 0;

	if (svc->flags & KSVC_SVC_F_HEADLESS) {
		NLCHECK(!svc->nfe);
		return;
	}
	for (i = 0; i < svc->nports; i++)
		n += !!svc->ports[i].node_port;
	for (i = 0; i < svc->naddrs; i++)
		n += svc->addrs[i].kind == KSVC_ADDR_KIND_CLUSTER ? 1 : svc->nports;
	NLCHECK(svc->nfe == n);
	for (i = 0; i < svc->nfe; i++) {
		const struct ksvc_fe *fe = &svc->fe[i];
		bool cluster = fe->key.family && !fe->key.proto;

		NLCHECK(fe->port >= svc->ports &&
			fe->port + fe->nports <= svc->ports + svc->nports);
		NLCHECK(fe->nports == (cluster ? svc->nports : 1));
		NLCHECK(cluster == (fe->kind == KSVC_ADDR_KIND_CLUSTER));
	}
}

/*
 * Selection from a prepared set, per family: ready backends of the
 * flow's family if any, else its serving and terminating ones, else none.
 */
static void check_select_family(const struct ksvc_beset *bes, u8 family)
{
	bool ready = false, fallback = false;
	const struct ksvc_backend *be;
	u32 i, h;

	for (i = 0; i < bes->n; i++) {
		u32 f = bes->be[i].flags;

		if (bes->be[i].family != family)
			continue;
		ready |= f & KSVC_BE_F_READY;
		fallback |= (f & KSVC_BE_F_SERVING) && (f & KSVC_BE_F_TERMINATING);
	}
	for (h = 0; h < 4; h++) {
		be = ksvc_select(bes, false, family, get_random_u32());
		NLCHECK(!!be == (ready || fallback));
		if (!be)
			continue;
		NLCHECK(be >= bes->be && be < bes->be + bes->n);
		NLCHECK(be->family == family);
		NLCHECK(ready ? be->flags & KSVC_BE_F_READY :
			!(be->flags & KSVC_BE_F_READY));
	}
}

static void check_select(const struct ksvc_beset *bes)
{
	check_select_family(bes, AF_INET);
	check_select_family(bes, AF_INET6);
}

void nlcheck_staged(struct ksvc_net *kn, const struct ksvc_svc *svc)
{
	u32 i;

	check_svc(svc);
	check_unique(svc);
	check_allocated(kn, svc);
	check_fe(svc);
	for (i = 0; i < svc->nports; i++) {
		const struct ksvc_beset *bes =
			rcu_dereference_protected(svc->ports[i].bes, true);

		NLCHECK(bes && !svc->ports[i].keep_bes);
		check_select(bes);
	}
}

static struct genl_info reply_info(struct netlink_ext_ack *extack)
{
	struct genl_info info = { .snd_portid = 1, .extack = extack };

	genl_info_net_set(&info, &init_net);
	return info;
}

void nlcheck_committed(struct ksvc_net *kn, struct ksvc_svc *svc)
{
	struct netlink_ext_ack extack = {};
	struct genl_info info = reply_info(&extack);
	unsigned long failed = kshim_alloc_failed;
	int sent = nlcheck_last.sent, err;
	u32 i, n = 0;

	NLCHECK(svc->key);
	check_name(svc->key);
	for (i = 0; i < svc->nports; i++) {
		const struct ksvc_beset *bes =
			rcu_dereference_protected(svc->ports[i].bes, true);

		n += bes ? bes->n : 0;
	}
	err = ksvc_nl_reply_svc(&info, kn, svc);
	if (kshim_alloc_failed != failed)
		return;
	NLCHECK(!err);
	NLCHECK(nlcheck_last.sent == sent + 1);
	NLCHECK(nlcheck_last.top[KSVC_A_SERVICE] == 1);
	NLCHECK(nlcheck_last.backends == (int)n);
}

/* A prefix length in range, and no host bits set. */
static void check_cidr(const struct ksvc_cidr *c, u8 family)
{
	struct in6_addr m;

	if (!c->set)
		return;
	if (family == AF_INET) {
		NLCHECK(c->len >= 8 && c->len <= 30);
		NLCHECK(v4_clean(AF_INET, &c->a));
		NLCHECK(!(ntohl(c->a.ip) & (~0U >> c->len)));
	} else {
		NLCHECK(c->len >= 64 && c->len <= 126);
		ipv6_addr_prefix(&m, &c->a.in6, c->len);
		NLCHECK(ipv6_addr_equal(&m, &c->a.in6));
	}
}

void nlcheck_cfg(struct ksvc_net *kn)
{
	struct netlink_ext_ack extack = {};
	struct genl_info info = reply_info(&extack);
	unsigned long failed = kshim_alloc_failed;
	const struct ksvc_cfg *cfg;
	int sent = nlcheck_last.sent, err;
	u32 i;

	mutex_lock(&kn->lock);
	cfg = ksvc_cfg_get(kn);
	NLCHECK(cfg->np_min >= 1 && cfg->np_min <= cfg->np_max);
	NLCHECK(!(cfg->flags & ~KSVC_CFG_F_ALL));
	NLCHECK(strnlen(cfg->node, sizeof(cfg->node)) < sizeof(cfg->node));
	NLCHECK(cfg->naddrs <= KSVC_MAX_ADDRS);
	for (i = 0; i < cfg->naddrs; i++)
		NLCHECK(v4_clean(cfg->addrs[i].family, &cfg->addrs[i].a));
	check_cidr(&cfg->cidr[0], AF_INET);
	check_cidr(&cfg->cidr[1], AF_INET6);
	mutex_unlock(&kn->lock);
	err = ksvc_nl_cfg_get(NULL, &info);
	if (kshim_alloc_failed != failed)
		return;
	NLCHECK(!err);
	NLCHECK(nlcheck_last.sent == sent + 1);
	NLCHECK(nlcheck_last.top[KSVC_A_CONFIG] == 1);
}

/* The attributes of a nest fill it exactly, recursively. */
static void check_attrs(const struct nlattr *head, int len, int depth,
			int *backends)
{
	const struct nlattr *a, *e;
	int rem, erem;

	NLCHECK(depth < 8);
	nla_for_each_attr(a, head, len, rem) {
		if (!(a->nla_type & NLA_F_NESTED))
			continue;
		check_attrs(nla_data(a), nla_len(a), depth + 1, backends);
		if (depth || nla_type(a) != KSVC_A_BACKENDS)
			continue;
		nla_for_each_nested(e, a, erem)
			*backends += nla_type(e) == KSVC_BES_A_ENTRY;
	}
	NLCHECK(rem == 0);
}

/* Every reply is one well-formed generic netlink message. */
static void check_reply(const struct sk_buff *skb)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)skb->data;
	const struct nlattr *a;
	int rem;

	NLCHECK(nlmsg_ok(nlh, skb->len));
	NLCHECK(NLMSG_ALIGN(nlh->nlmsg_len) == skb->len);
	NLCHECK(nlh->nlmsg_len >= nlmsg_msg_size(GENL_HDRLEN));
	memset(&nlcheck_last.top, 0, sizeof(nlcheck_last.top));
	nlcheck_last.backends = 0;
	check_attrs(nlmsg_attrdata(nlh, GENL_HDRLEN),
		    nlmsg_attrlen(nlh, GENL_HDRLEN), 0, &nlcheck_last.backends);
	nla_for_each_attr(a, nlmsg_attrdata(nlh, GENL_HDRLEN),
			  nlmsg_attrlen(nlh, GENL_HDRLEN), rem)
		if (nla_type(a) <= KSVC_A_MAX)
			nlcheck_last.top[nla_type(a)]++;
	nlcheck_last.sent++;
}

int netlink_unicast(struct sock *ssk, struct sk_buff *skb, __u32 portid,
		    int nonblock)
{
	int len = skb->len;

	check_reply(skb);
	kfree_skb(skb);
	return len;
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
