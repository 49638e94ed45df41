// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <net/netlink.h>
#include "backends.h"
#include "compat.h"
#include "conntrack.h"
#include "select.h"
#include "table.h"

unsigned int ksvc_max_services = 262144;
module_param_named(max_services, ksvc_max_services, uint, 0644);
MODULE_PARM_DESC(max_services, "Services per network namespace");

unsigned int ksvc_max_backends = 16384;
module_param_named(max_backends, ksvc_max_backends, uint, 0644);
MODULE_PARM_DESC(max_backends, "Backends per service port");

int ksvc_net_init(struct ksvc_net *kn)
{
	struct ksvc_cfg *cfg;
	int err;

	mutex_init(&kn->lock);
	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		return -ENOMEM;
	cfg->np_min = 30000;
	cfg->np_max = 32767;
	cfg->cidr[0].set = true;			/* 10.96.0.0/12 */
	cfg->cidr[0].len = 12;
	cfg->cidr[0].a.ip = htonl(0x0a600000);
	RCU_INIT_POINTER(kn->cfg, cfg);
	err = ksvc_txn_init(kn);
	if (err)
		kfree(cfg);
	return err;
}

/* The netns is gone: no packet and no netlink request can reach @kn. */
void ksvc_net_destroy(struct ksvc_net *kn)
{
	mutex_lock(&kn->lock);
	kn->net = NULL;		/* its conntrack entries go with it */
	ksvc_flush(kn, NULL);
	kfree_rcu(ksvc_cfg_get(kn), rcu);
	mutex_unlock(&kn->lock);
	ksvc_txn_destroy(kn);
}

/* @ns and @name must outlive @n: a key refers to them, copies nothing. */
void ksvc_name_set(struct ksvc_name *n, const char *ns, const char *name)
{
	n->ns = ns;
	n->name = name;
}

void ksvc_fe_key_str(const struct ksvc_fe_key *k, char *buf, size_t len)
{
	const char *proto = k->proto == IPPROTO_TCP ? "TCP" :
			    k->proto == IPPROTO_UDP ? "UDP" : "SCTP";

	if (!k->family)
		snprintf(buf, len, "nodePort %u/%s", ntohs(k->port), proto);
	else if (k->family == AF_INET)
		snprintf(buf, len, "%pI4:%u/%s", &k->addr.ip, ntohs(k->port),
			 proto);
	else
		snprintf(buf, len, "[%pI6c]:%u/%s", &k->addr.in6,
			 ntohs(k->port), proto);
}

struct ksvc_svc *ksvc_svc_alloc(u32 naddrs, u32 nports)
{
	struct ksvc_svc *svc;
	u32 i;

	svc = kzalloc(sizeof(*svc), GFP_KERNEL_ACCOUNT);
	if (!svc)
		return NULL;
	svc->naddrs = naddrs;
	svc->nports = nports;
	svc->addrs = kcalloc(naddrs, sizeof(*svc->addrs), GFP_KERNEL_ACCOUNT);
	svc->ports = kcalloc(nports, sizeof(*svc->ports), GFP_KERNEL_ACCOUNT);
	if ((naddrs && !svc->addrs) || (nports && !svc->ports))
		goto err;
	for (i = 0; i < nports; i++)
		svc->ports[i].svc = svc;
	return svc;
err:
	ksvc_svc_free(svc);
	return NULL;
}

/* Only for a service no reader can reach any more. */
void ksvc_svc_free(struct ksvc_svc *svc)
{
	u32 i;

	for (i = 0; svc->ports && i < svc->nports; i++) {
		struct ksvc_port *p = &svc->ports[i];

		kfree(p->name);
		ksvc_beset_free(ksvc_bes_private(p));
	}
	kfree(svc->fe);
	kfree(svc->ports);
	kfree(svc->addrs);
	kfree(svc);
}

struct ksvc_port *ksvc_port_find(const struct ksvc_svc *svc, u8 proto,
				 u16 port)
{
	u32 i;

	for (i = 0; i < svc->nports; i++)
		if (svc->ports[i].proto == proto && svc->ports[i].port == port)
			return &svc->ports[i];
	return NULL;
}

bool ksvc_addr_zero(const struct ksvc_addr *a)
{
	static const union nf_inet_addr zero;

	return !memcmp(&a->a, &zero, sizeof(zero));
}

static bool same_addr(const struct ksvc_addr *a, const struct ksvc_addr *b)
{
	return a->family == b->family && !memcmp(&a->a, &b->a, sizeof(a->a));
}

static int check_dups(struct ksvc_svc *svc, struct netlink_ext_ack *extack)
{
	u32 i, j;

	for (i = 0; i < svc->naddrs; i++)
		for (j = 0; j < i; j++)
			if (same_addr(&svc->addrs[i], &svc->addrs[j])) {
				NL_SET_ERR_MSG(extack, "address listed twice");
				return -EINVAL;
			}
	for (i = 0; i < svc->nports; i++) {
		const struct ksvc_port *p = &svc->ports[i];

		for (j = 0; j < i; j++) {
			const struct ksvc_port *q = &svc->ports[j];

			if (p->proto != q->proto)
				continue;
			if (p->port == q->port) {
				NL_SET_ERR_MSG(extack, "port listed twice");
				return -EINVAL;
			}
			if (p->node_port && p->node_port == q->node_port) {
				NL_SET_ERR_MSG(extack, "nodePort listed twice");
				return -EINVAL;
			}
		}
	}
	return 0;
}

static void fe_set(struct ksvc_fe *fe, struct ksvc_port *p,
		   const struct ksvc_addr *a)
{
	fe->port = p;
	fe->nports = 1;
	fe->key.proto = p->proto;
	if (a) {
		fe->kind = a->kind;
		fe->key.family = a->family;
		fe->key.addr = a->a;
		fe->key.port = htons(p->port);
	} else {
		fe->key.port = htons(p->node_port);
	}
}

/*
 * A ClusterIP belongs to one service whatever the port: its one frontend
 * has protocol and port 0, which no packet's key has, and lists all the
 * service's ports (ksvc_lookup() looks the packet's port up there).  One
 * frontend, not one per port: a hash entry and a 56-byte struct ksvc_fe
 * less for each port after the first.
 */
static void add_cluster_fe(struct ksvc_svc *svc)
{
	u32 i;

	BUILD_BUG_ON(sizeof(struct ksvc_fe) != 56);
	for (i = 0; i < svc->naddrs; i++) {
		struct ksvc_fe *fe = &svc->fe[svc->nfe];

		if (svc->addrs[i].kind != KSVC_ADDR_KIND_CLUSTER)
			continue;
		fe_set(fe, &svc->ports[0], &svc->addrs[i]);
		fe->key.port = 0;
		fe->key.proto = 0;
		fe->nports = svc->nports;
		svc->nfe++;
	}
}

/*
 * Check a complete service (addresses and nodePorts allocated) for
 * internal clashes and compute its frontends: one per ClusterIP, one per
 * other address x port, one per nodePort.  Headless services are stored
 * but have none.
 */
int ksvc_svc_build_fe(struct ksvc_svc *svc, struct netlink_ext_ack *extack)
{
	u32 i, j, n = 0;
	int err;

	kfree(svc->fe);
	svc->fe = NULL;
	svc->nfe = 0;
	for (i = 0; i < svc->nports; i++)
		svc->ports[i].flags = svc->flags;
	err = check_dups(svc, extack);
	if (err)
		return err;
	if (svc->flags & KSVC_SVC_F_HEADLESS)
		return 0;
	for (i = 0; i < svc->naddrs; i++)
		n += svc->addrs[i].kind == KSVC_ADDR_KIND_CLUSTER ? 1 : svc->nports;
	for (i = 0; i < svc->nports; i++)
		n += !!svc->ports[i].node_port;
	svc->fe = kcalloc(n, sizeof(*svc->fe), GFP_KERNEL_ACCOUNT);
	if (n && !svc->fe)
		return -ENOMEM;
	add_cluster_fe(svc);
	for (i = 0; i < svc->nports; i++) {
		struct ksvc_port *p = &svc->ports[i];

		for (j = 0; j < svc->naddrs; j++)
			if (svc->addrs[j].kind != KSVC_ADDR_KIND_CLUSTER)
				fe_set(&svc->fe[svc->nfe++], p, &svc->addrs[j]);
		if (p->node_port)
			fe_set(&svc->fe[svc->nfe++], p, NULL);
	}
	return 0;
}

/* Families of @svc's cluster addresses (bit 0: IPv4, bit 1: IPv6). */
static unsigned int cluster_families(const struct ksvc_svc *svc)
{
	unsigned int fams = 0;
	u32 i;

	if (svc->flags & KSVC_SVC_F_HEADLESS)
		return 3;	/* stored, never proxied: any */
	for (i = 0; i < svc->naddrs; i++)
		if (svc->addrs[i].kind == KSVC_ADDR_KIND_CLUSTER)
			fams |= BIT(svc->addrs[i].family == AF_INET6);
	return fams;
}

/* @p of @svc was given no backends: it starts from a copy of @op's. */
static int copy_bes(struct ksvc_net *kn, const struct ksvc_svc *svc,
		    struct ksvc_port *p, const struct ksvc_port *op)
{
	struct ksvc_beset *bes = ksvc_beset_clone(ksvc_bes_locked(kn, op));

	if (!bes)
		return -ENOMEM;
	ksvc_beset_keep_families(bes, cluster_families(svc));
	RCU_INIT_POINTER(p->bes, bes);
	p->keep_bes = false;
	return 0;
}

/*
 * Give every port of an unpublished @svc a prepared backend set: a port
 * that was given none copies the set of @old's same protocol and port
 * (or starts empty), less the backends of a family @svc no longer has,
 * as kube-proxy ignores endpoints of another family.  Copies, not shared
 * sets: a new scheduler or node name changes how a set is prepared.
 */
int ksvc_svc_prepare(struct ksvc_net *kn, struct ksvc_svc *svc,
		     struct ksvc_svc *old)
{
	const char *node = ksvc_cfg_get(kn)->node;
	u32 i;
	int err;

	lockdep_assert_held(&kn->lock);
	for (i = 0; i < svc->nports; i++) {
		struct ksvc_port *p = &svc->ports[i];
		struct ksvc_port *op = old ? ksvc_port_find(old, p->proto,
							    p->port) : NULL;

		err = p->keep_bes ? copy_bes(kn, svc, p, op) : 0;
		if (!err)
			err = ksvc_beset_prepare(ksvc_bes_locked(kn, p), node,
						 svc->sched == KSVC_SCHED_MAGLEV,
						 ksvc_bes_locked(kn, op));
		if (err)
			return err;
	}
	return 0;
}

/*
 * A new version of @base to change backends in: same attributes, and
 * every port marked to copy its set when prepared.
 */
struct ksvc_svc *ksvc_svc_clone(const struct ksvc_svc *base)
{
	struct ksvc_svc *svc = ksvc_svc_alloc(base->naddrs, base->nports);
	u32 i;

	if (!svc)
		return NULL;
	svc->key = base->key;
	svc->type = base->type;
	svc->sched = base->sched;
	svc->flags = base->flags;
	svc->affinity_timeout = base->affinity_timeout;
	memcpy(svc->addrs, base->addrs, base->naddrs * sizeof(*svc->addrs));
	for (i = 0; i < base->nports; i++) {
		struct ksvc_port *p = &svc->ports[i];
		const struct ksvc_port *bp = &base->ports[i];

		p->keep_bes = true;
		p->proto = bp->proto;
		p->port = bp->port;
		p->node_port = bp->node_port;
		p->target_port = bp->target_port;
		p->name = kstrdup(bp->name, GFP_KERNEL_ACCOUNT);
		if (bp->name && !p->name) {
			ksvc_svc_free(svc);
			return NULL;
		}
	}
	return svc;
}

static bool same_be(const struct ksvc_backend *a, const struct ksvc_backend *b)
{
	return a->family == b->family && nf_inet_addr_cmp(&a->addr, &b->addr) &&
	       a->port == b->port && a->flags == b->flags &&
	       a->weight == b->weight && a->node == b->node;	/* interned */
}

static bool same_bes(const struct ksvc_beset *a, const struct ksvc_beset *b)
{
	u32 i, na = a ? a->n : 0, nb = b ? b->n : 0;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (!same_be(&a->be[i], &b->be[i]))
			return false;
	return true;
}

static bool same_port(struct ksvc_net *kn, const struct ksvc_port *a,
		      const struct ksvc_port *b)
{
	return a->proto == b->proto && a->port == b->port &&
	       a->node_port == b->node_port &&
	       a->target_port == b->target_port && !strcmp(a->name ?: "", b->name ?: "") &&
	       (a->keep_bes ||
		same_bes(ksvc_bes_locked(kn, a), ksvc_bes_locked(kn, b)));
}

/* Would @svc (not prepared yet) change nothing of the staged @base? */
bool ksvc_svc_same(struct ksvc_net *kn, const struct ksvc_svc *svc,
		   const struct ksvc_svc *base)
{
	u32 i;

	if (svc->type != base->type || svc->flags != base->flags ||
	    svc->sched != base->sched ||
	    svc->affinity_timeout != base->affinity_timeout ||
	    svc->naddrs != base->naddrs || svc->nports != base->nports ||
	    memcmp(svc->addrs, base->addrs, svc->naddrs * sizeof(*svc->addrs)))
		return false;
	for (i = 0; i < svc->nports; i++)
		if (!same_port(kn, &svc->ports[i], &base->ports[i]))
			return false;
	return true;
}

struct ksvc_cfg *ksvc_cfg_get(struct ksvc_net *kn)
{
	return rcu_dereference_protected(kn->cfg, lockdep_is_held(&kn->lock));
}

void ksvc_cfg_swap(struct ksvc_net *kn, struct ksvc_cfg *cfg)
{
	struct ksvc_cfg *old = ksvc_cfg_get(kn);

	lockdep_assert_held(&kn->lock);
	rcu_assign_pointer(kn->cfg, cfg);
	kfree_rcu(old, rcu);
}
