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

/* rhashtable seeds its hash randomly: remote peers cannot aim collisions. */
static const struct rhashtable_params fe_params = {
	.key_len = sizeof(struct ksvc_fe_key),
	.key_offset = offsetof(struct ksvc_fe, key),
	.head_offset = offsetof(struct ksvc_fe, node),
	.automatic_shrinking = true,
};

static const struct rhashtable_params name_params = {
	.key_len = sizeof(struct ksvc_name),
	.key_offset = offsetof(struct ksvc_svc, key),
	.head_offset = offsetof(struct ksvc_svc, node),
	.automatic_shrinking = true,
};

int ksvc_net_init(struct ksvc_net *kn)
{
	struct ksvc_cfg *cfg;
	int err;

	mutex_init(&kn->lock);
	xa_init_flags(&kn->svcs, XA_FLAGS_ALLOC);
	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		return -ENOMEM;
	cfg->np_min = 30000;
	cfg->np_max = 32767;
	RCU_INIT_POINTER(kn->cfg, cfg);
	err = rhashtable_init(&kn->fe, &fe_params);
	if (err)
		goto free_cfg;
	err = rhashtable_init(&kn->names, &name_params);
	if (err)
		goto free_fe;
	return 0;
free_fe:
	rhashtable_destroy(&kn->fe);
free_cfg:
	kfree(cfg);
	return err;
}

/* The netns is gone: no packet and no netlink request can reach @kn. */
void ksvc_net_destroy(struct ksvc_net *kn)
{
	mutex_lock(&kn->lock);
	kn->net = NULL;		/* its conntrack entries go with it */
	ksvc_flush(kn, NULL);
	kfree_rcu(rcu_dereference_protected(kn->cfg, true), rcu);
	mutex_unlock(&kn->lock);
	rhashtable_destroy(&kn->fe);
	rhashtable_destroy(&kn->names);
	xa_destroy(&kn->svcs);
}

void ksvc_name_set(struct ksvc_name *n, const char *ns, const char *name)
{
	memset(n, 0, sizeof(*n));
	strscpy(n->ns, ns, sizeof(n->ns));
	strscpy(n->name, name, sizeof(n->name));
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
	for (i = 0; i < nports; i++) {
		svc->ports[i].svc = svc;
		svc->ports[i].stats = ksvc_stats_alloc();
		if (!svc->ports[i].stats)
			goto err;
	}
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

		if (!p->moved_stats)
			ksvc_stats_free(p->stats);
		ksvc_beset_free(rcu_dereference_protected(p->bes, true));
	}
	kfree(svc->fe);
	kfree(svc->ports);
	kfree(svc->addrs);
	kfree(svc);
}

static void svc_free_rcu(struct rcu_head *head)
{
	ksvc_svc_free(container_of(head, struct ksvc_svc, rcu));
}

struct ksvc_port *ksvc_port_find(struct ksvc_svc *svc, u8 proto, u16 port)
{
	u32 i;

	for (i = 0; i < svc->nports; i++)
		if (svc->ports[i].proto == proto && svc->ports[i].port == port)
			return &svc->ports[i];
	return NULL;
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
 * Check a fully parsed service for internal clashes and compute its
 * frontends: every address x every port, plus one per nodePort.  Headless
 * services are stored but have none.
 */
int ksvc_svc_build_fe(struct ksvc_svc *svc, struct netlink_ext_ack *extack)
{
	u32 i, j, n = 0;
	int err;

	err = check_dups(svc, extack);
	if (err)
		return err;
	if (svc->flags & KSVC_SVC_F_HEADLESS)
		return 0;
	for (i = 0; i < svc->nports; i++)
		n += svc->naddrs + !!svc->ports[i].node_port;
	svc->fe = kcalloc(n, sizeof(*svc->fe), GFP_KERNEL_ACCOUNT);
	if (n && !svc->fe)
		return -ENOMEM;
	for (i = 0; i < svc->nports; i++) {
		struct ksvc_port *p = &svc->ports[i];

		for (j = 0; j < svc->naddrs; j++)
			fe_set(&svc->fe[svc->nfe++], p, &svc->addrs[j]);
		if (p->node_port)
			fe_set(&svc->fe[svc->nfe++], p, NULL);
	}
	return 0;
}

static struct ksvc_fe *fe_find(struct ksvc_net *kn,
			       const struct ksvc_fe_key *key)
{
	return rhashtable_lookup_fast(&kn->fe, key, fe_params);
}

/* Packet path: caller holds rcu_read_lock(). */
const struct ksvc_fe *ksvc_lookup(struct ksvc_net *kn,
				  const struct ksvc_fe_key *key)
{
	return rhashtable_lookup(&kn->fe, key, fe_params);
}

struct ksvc_svc *ksvc_svc_find(struct ksvc_net *kn, const struct ksvc_name *n)
{
	lockdep_assert_held(&kn->lock);
	return rhashtable_lookup_fast(&kn->names, n, name_params);
}

/* Refuse a frontend that a service other than @self holds. */
static int check_fe(struct ksvc_net *kn, struct ksvc_svc *svc,
		    struct ksvc_svc *self, struct netlink_ext_ack *extack)
{
	char key[64];
	u32 i;

	lockdep_assert_held(&kn->lock);
	for (i = 0; i < svc->nfe; i++) {
		struct ksvc_fe *fe = fe_find(kn, &svc->fe[i].key);
		struct ksvc_svc *holder;

		if (!fe || fe->port->svc == self)
			continue;
		holder = fe->port->svc;
		ksvc_fe_key_str(&fe->key, key, sizeof(key));
		ksvc_errmsg(extack, "%s is held by service %s/%s", key,
			    holder->key.ns, holder->key.name);
		return -EEXIST;
	}
	return 0;
}

/* Remove those of @svc's frontends that are in the table. */
static void unlink_fe(struct ksvc_net *kn, struct ksvc_svc *svc)
{
	u32 i;

	for (i = 0; i < svc->nfe; i++)
		if (fe_find(kn, &svc->fe[i].key) == &svc->fe[i])
			rhashtable_remove_fast(&kn->fe, &svc->fe[i].node,
					       fe_params);
}

/* Insert @svc's frontends that no service holds yet. */
static int link_new_fe(struct ksvc_net *kn, struct ksvc_svc *svc)
{
	u32 i;
	int err;

	for (i = 0; i < svc->nfe; i++) {
		if (fe_find(kn, &svc->fe[i].key))
			continue;
		err = rhashtable_insert_fast(&kn->fe, &svc->fe[i].node,
					     fe_params);
		if (err) {
			unlink_fe(kn, svc);
			return err;
		}
	}
	return 0;
}

static struct ksvc_beset *bes_of(struct ksvc_net *kn, struct ksvc_port *p)
{
	return p ? rcu_dereference_protected(p->bes, lockdep_is_held(&kn->lock))
		 : NULL;
}

/* Conntrack after a service went from @old to @svc (either may be NULL). */
static void ct_update(struct ksvc_net *kn, struct ksvc_svc *old,
		      struct ksvc_svc *svc)
{
	u32 i;

	for (i = 0; old && i < old->nports; i++) {
		struct ksvc_port *op = &old->ports[i];
		struct ksvc_port *p = svc ? ksvc_port_find(svc, op->proto,
							   op->port) : NULL;

		ksvc_ct_update(kn, op, bes_of(kn, op), bes_of(kn, p));
	}
	for (i = 0; svc && i < svc->nports; i++) {
		struct ksvc_port *p = &svc->ports[i];

		if (!old || !ksvc_port_find(old, p->proto, p->port))
			ksvc_ct_update(kn, p, NULL, bes_of(kn, p));
	}
}

static int check_limits(struct ksvc_net *kn, bool adding,
			struct netlink_ext_ack *extack)
{
	if (adding && kn->nsvc >= ksvc_max_services) {
		ksvc_errmsg(extack, "limit of %u services reached (max_services)",
			    ksvc_max_services);
		return -ENOSPC;
	}
	return 0;
}

/*
 * Publish a new service.  Takes ownership of @svc: on error it is freed.
 * The frontends go in last, so a reader that finds one finds a service
 * that is complete.
 */
int ksvc_svc_add(struct ksvc_net *kn, struct ksvc_svc *svc,
		 struct netlink_ext_ack *extack)
{
	int err;

	lockdep_assert_held(&kn->lock);
	err = -EEXIST;
	if (ksvc_svc_find(kn, &svc->key)) {
		ksvc_errmsg(extack, "service %s/%s already exists",
			    svc->key.ns, svc->key.name);
		goto free;
	}
	err = check_limits(kn, true, extack) ?: check_fe(kn, svc, NULL, extack);
	if (err)
		goto free;
	err = xa_alloc_cyclic(&kn->svcs, &svc->id, svc, xa_limit_32b,
			      &kn->next_id, GFP_KERNEL);
	if (err < 0)
		goto free;
	err = rhashtable_insert_fast(&kn->names, &svc->node, name_params);
	if (err)
		goto erase;
	svc->created = ktime_get_real_ns();
	err = link_new_fe(kn, svc);
	if (err)
		goto unname;
	kn->nsvc++;
	ct_update(kn, NULL, svc);
	return 0;
unname:
	rhashtable_remove_fast(&kn->names, &svc->node, name_params);
erase:
	xa_erase(&kn->svcs, svc->id);
	/* Readers may have seen some frontends before the rollback. */
	call_rcu(&svc->rcu, svc_free_rcu);
	return err;
free:
	ksvc_svc_free(svc);
	return err;
}

/*
 * Give every port of an unpublished @svc a prepared backend set: a port
 * that was given none copies the set of @old's same protocol and port
 * (or starts empty).  Copies, not shared sets: a new scheduler or node
 * name changes how a set is prepared.
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
		struct ksvc_beset *bes = rcu_dereference_protected(p->bes, true);

		if (p->keep_bes) {
			bes = ksvc_beset_clone(op ? rcu_dereference_protected(
					op->bes, lockdep_is_held(&kn->lock)) : NULL);
			if (!bes)
				return -ENOMEM;
			RCU_INIT_POINTER(p->bes, bes);
			p->keep_bes = false;
		}
		err = ksvc_beset_prepare(bes, node,
					 svc->sched == KSVC_SCHED_MAGLEV);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Let @svc's ports take over the counters of the same protocol and port
 * of @old, and of the backends both sets have.  @undo reverses it after
 * a failed update.
 */
static void take(struct ksvc_svc *old, struct ksvc_svc *svc, bool undo)
{
	u32 i;

	for (i = 0; i < svc->nports; i++) {
		struct ksvc_port *p = &svc->ports[i];
		struct ksvc_port *op = ksvc_port_find(old, p->proto, p->port);

		if (!op)
			continue;
		ksvc_beset_carry(rcu_dereference_protected(op->bes, true),
				 rcu_dereference_protected(p->bes, true), undo);
		if (!undo) {
			ksvc_stats_free(p->stats);
			p->stats = op->stats;
		} else {
			p->stats = NULL;
		}
		op->moved_stats = !undo;
	}
}

/* Point the frontends both versions share at @svc, drop the others. */
static void swap_fe(struct ksvc_net *kn, struct ksvc_svc *old,
		    struct ksvc_svc *svc)
{
	u32 i;

	for (i = 0; i < svc->nfe; i++) {
		struct ksvc_fe *fe = fe_find(kn, &svc->fe[i].key);

		if (fe && fe != &svc->fe[i])
			rhashtable_replace_fast(&kn->fe, &fe->node,
						&svc->fe[i].node, fe_params);
	}
	unlink_fe(kn, old);
}

/*
 * Replace @old by @svc (same name).  Takes ownership of @svc.  A frontend
 * both versions have is swapped in place, so no packet misses it; ones
 * only @svc has are inserted before, ones only @old has removed after.
 */
int ksvc_svc_replace(struct ksvc_net *kn, struct ksvc_svc *old,
		     struct ksvc_svc *svc, struct netlink_ext_ack *extack)
{
	int err;

	lockdep_assert_held(&kn->lock);
	err = check_fe(kn, svc, old, extack);
	if (err) {
		ksvc_svc_free(svc);
		return err;
	}
	svc->id = old->id;
	svc->created = old->created;
	take(old, svc, false);
	err = link_new_fe(kn, svc);
	if (err) {
		take(old, svc, true);
		call_rcu(&svc->rcu, svc_free_rcu);
		return err;
	}
	swap_fe(kn, old, svc);
	rhashtable_replace_fast(&kn->names, &old->node, &svc->node, name_params);
	xa_store(&kn->svcs, svc->id, svc, GFP_KERNEL);
	ct_update(kn, old, svc);
	call_rcu(&old->rcu, svc_free_rcu);
	return 0;
}

void ksvc_svc_del(struct ksvc_net *kn, struct ksvc_svc *svc)
{
	lockdep_assert_held(&kn->lock);
	unlink_fe(kn, svc);
	rhashtable_remove_fast(&kn->names, &svc->node, name_params);
	xa_erase(&kn->svcs, svc->id);
	kn->nsvc--;
	ct_update(kn, svc, NULL);
	call_rcu(&svc->rcu, svc_free_rcu);
}

/* Delete every service, or those of Kubernetes namespace @ns. */
void ksvc_flush(struct ksvc_net *kn, const char *ns)
{
	struct ksvc_svc *svc;
	unsigned long id;

	lockdep_assert_held(&kn->lock);
	xa_for_each(&kn->svcs, id, svc)
		if (!ns || !strcmp(svc->key.ns, ns))
			ksvc_svc_del(kn, svc);
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
