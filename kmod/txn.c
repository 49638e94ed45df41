// SPDX-License-Identifier: GPL-2.0
/*
 * Transactions: staging new versions of services and committing them all
 * at once, in the manner of nftables' generations.
 *
 * A staged version's frontends go into the table at once, but start at
 * generation gen + 1; the frontends of the version it replaces end there.
 * Readers see only what is visible in the generation they read, so the
 * commit is one store: gen + 1.  Only then are the replaced frontends
 * unlinked (frontend.c says why a reader still finds every key).
 */
#include <linux/jhash.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <net/netlink.h>
#include "alloc.h"
#include "backends.h"
#include "compat.h"
#include "conntrack.h"
#include "frontend.h"
#include "hooks.h"
#include "select.h"
#include "table.h"

static u32 name_hash(const struct ksvc_name *n, u32 seed)
{
	return jhash(n->name, strlen(n->name),
		     jhash(n->ns, strlen(n->ns), seed));
}

static u32 key_hashfn(const void *key, u32 len, u32 seed)
{
	return name_hash(key, seed);
}

static u32 slot_hashfn(const void *obj, u32 len, u32 seed)
{
	return name_hash(&((const struct ksvc_slot *)obj)->key, seed);
}

static int slot_cmpfn(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct ksvc_name *n = arg->key;
	const struct ksvc_slot *slot = obj;

	return strcmp(n->ns, slot->key.ns) || strcmp(n->name, slot->key.name);
}

/* Names are strings kept once, in the slot: hashed by content. */
static const struct rhashtable_params name_params = {
	.head_offset = offsetof(struct ksvc_slot, node),
	.hashfn = key_hashfn,
	.obj_hashfn = slot_hashfn,
	.obj_cmpfn = slot_cmpfn,
	.automatic_shrinking = true,
};

int ksvc_txn_init(struct ksvc_net *kn)
{
	int err;

	xa_init_flags(&kn->svcs, XA_FLAGS_ALLOC);
	INIT_LIST_HEAD(&kn->txn);
	err = ksvc_fe_init(kn);
	if (err)
		return err;
	err = rhashtable_init(&kn->names, &name_params);
	if (err)
		ksvc_fe_destroy(kn);
	return err;
}

void ksvc_txn_destroy(struct ksvc_net *kn)
{
	ksvc_fe_destroy(kn);
	rhashtable_destroy(&kn->names);
	xa_destroy(&kn->svcs);
}

static void svc_free_rcu(struct rcu_head *head)
{
	ksvc_svc_free(container_of(head, struct ksvc_svc, rcu));
}

/* A staged version that will never be visible; readers may walk past it. */
static void drop_staged(struct ksvc_net *kn, struct ksvc_svc *svc)
{
	if (!svc)
		return;
	ksvc_fe_unlink(kn, svc);
	call_rcu(&svc->rcu, svc_free_rcu);
}

struct ksvc_svc *ksvc_svc_find(struct ksvc_net *kn, const struct ksvc_name *n)
{
	struct ksvc_slot *slot;

	lockdep_assert_held(&kn->lock);
	slot = rhashtable_lookup_fast(&kn->names, n, name_params);
	return slot ? slot->cur : NULL;
}

static struct ksvc_svc *view_of(const struct ksvc_slot *slot)
{
	if (!slot)
		return NULL;
	return slot->staged ? slot->next : slot->cur;
}

/* The service as the open transaction leaves it. */
struct ksvc_svc *ksvc_view(struct ksvc_net *kn, const struct ksvc_name *n)
{
	lockdep_assert_held(&kn->lock);
	return view_of(rhashtable_lookup_fast(&kn->names, n, name_params));
}

static struct ksvc_slot *slot_new(struct ksvc_net *kn,
				  const struct ksvc_name *name)
{
	size_t ns = strlen(name->ns) + 1, n = strlen(name->name) + 1;
	struct ksvc_slot *slot;

	slot = kzalloc(struct_size(slot, names, ns + n), GFP_KERNEL_ACCOUNT);
	if (!slot)
		return NULL;
	memcpy(slot->names, name->ns, ns);
	memcpy(slot->names + ns, name->name, n);
	ksvc_name_set(&slot->key, slot->names, slot->names + ns);
	if (xa_alloc_cyclic(&kn->svcs, &slot->id, slot, xa_limit_32b,
			    &kn->next_id, GFP_KERNEL) < 0)
		goto free;
	if (rhashtable_insert_fast(&kn->names, &slot->node, name_params))
		goto erase;
	return slot;
erase:
	xa_erase(&kn->svcs, slot->id);
free:
	kfree(slot);
	return NULL;
}

static void slot_free(struct ksvc_net *kn, struct ksvc_slot *slot)
{
	rhashtable_remove_fast(&kn->names, &slot->node, name_params);
	xa_erase(&kn->svcs, slot->id);
	kfree(slot);
}

static int check_op(int op, const struct ksvc_svc *base,
		    const struct ksvc_name *name, struct netlink_ext_ack *extack)
{
	if (op == KSVC_OP_CREATE && base) {
		ksvc_errmsg(extack, "service %s/%s already exists", name->ns,
			    name->name);
		return -EEXIST;
	}
	if (op != KSVC_OP_CREATE && op != KSVC_OP_APPLY && !base) {
		ksvc_errmsg(extack, "service %s/%s not found", name->ns,
			    name->name);
		return -ENOENT;
	}
	return 0;
}

/* Everything that can fail, before the version is staged. */
static int check_new(struct ksvc_net *kn, struct ksvc_svc *svc,
		     struct ksvc_svc *base, struct ksvc_slot *slot,
		     struct netlink_ext_ack *extack)
{
	int err;

	if (!base && kn->nsvc_next >= ksvc_max_services) {
		ksvc_errmsg(extack, "limit of %u services reached (max_services)",
			    ksvc_max_services);
		return -ENOSPC;
	}
	err = ksvc_alloc(kn, svc, base, false, ksvc_fe_taken, extack) ?:
	      ksvc_svc_build_fe(svc, extack) ?:
	      ksvc_svc_prepare(kn, svc, base) ?:
	      ksvc_fe_check(kn, svc, slot ? slot->id : U32_MAX, extack);
	if (!err && kn->net)
		err = ksvc_hooks_enable(kn->net, kn);
	return err;
}

static void put_staged(struct ksvc_net *kn, struct ksvc_slot *slot,
		       struct ksvc_svc *svc)
{
	if (slot->staged) {
		drop_staged(kn, slot->next);
	} else {
		ksvc_fe_end(kn, slot->cur, kn->gen + 1);
		slot->staged = true;
		list_add_tail(&slot->txn, &kn->txn);
	}
	slot->next = svc;
}

/*
 * Stage @svc (NULL: delete) as the next version of service @name.  Takes
 * ownership of @svc.  On error nothing of this change is staged; earlier
 * changes of the transaction stay staged.
 */
int ksvc_stage(struct ksvc_net *kn, const struct ksvc_name *name,
	       struct ksvc_svc *svc, int op, int *result,
	       struct netlink_ext_ack *extack)
{
	struct ksvc_slot *slot = rhashtable_lookup_fast(&kn->names, name,
							 name_params);
	struct ksvc_svc *base = view_of(slot);
	int res = base ? KSVC_RESULT_CONFIGURED : KSVC_RESULT_CREATED;
	int err;

	lockdep_assert_held(&kn->lock);
	err = check_op(op, base, name, extack);
	if (!err && svc)
		err = ksvc_alloc(kn, svc, base, true, ksvc_fe_taken, extack);
	if (!err && svc && base && ksvc_svc_same(kn, svc, base)) {
		res = KSVC_RESULT_UNCHANGED;
		goto free;
	}
	if (!err && svc)
		err = check_new(kn, svc, base, slot, extack);
	if (!err && !slot)
		slot = slot_new(kn, name);
	if (!err && !slot)
		err = -ENOMEM;
	if (err)
		goto free;
	if (svc) {
		svc->key = &slot->key;
		svc->id = slot->id;
		svc->created = base ? base->created : ktime_get_real_ns();
		err = ksvc_fe_link(kn, svc);
		if (err) {
			if (!slot->cur && !slot->staged)
				slot_free(kn, slot);
			call_rcu(&svc->rcu, svc_free_rcu);
			return err;
		}
	}
	put_staged(kn, slot, svc);
	kn->nsvc_next += !!svc - !!base;
	if (result)
		*result = svc ? res : KSVC_RESULT_DELETED;
	return 0;
free:
	if (svc)
		ksvc_svc_free(svc);
	if (result)
		*result = res;
	return err;
}

/* Conntrack after a service went from @old to @svc (either may be NULL). */
static void ct_update(struct ksvc_ct_batch *b, struct ksvc_svc *old,
		      struct ksvc_svc *svc)
{
	struct ksvc_net *kn = b->kn;
	u32 i;

	for (i = 0; old && i < old->nports; i++) {
		struct ksvc_port *op = &old->ports[i];
		struct ksvc_port *p = svc ? ksvc_port_find(svc, op->proto,
							   op->port) : NULL;

		ksvc_ct_update(b, op, ksvc_bes_locked(kn, op),
			       ksvc_bes_locked(kn, p));
	}
	for (i = 0; svc && i < svc->nports; i++) {
		struct ksvc_port *p = &svc->ports[i];

		if (!old || !ksvc_port_find(old, p->proto, p->port))
			ksvc_ct_update(b, p, NULL, ksvc_bes_locked(kn, p));
	}
}

/* Two changes at most per port of either version: see ksvc_ct_update(). */
static u32 ct_changes(struct ksvc_net *kn)
{
	struct ksvc_slot *slot;
	u32 n = 0;

	list_for_each_entry(slot, &kn->txn, txn)
		n += 2 * ((slot->cur ? slot->cur->nports : 0) +
			  (slot->next ? slot->next->nports : 0));
	return n;
}

/*
 * The new version's backends take over the counters of the same backends
 * of the old one, and its ports what the old ports had, with the counts
 * of the backends that leave now.  Fresh counters of a staged version
 * were never seen by a reader.
 */
static void take(struct ksvc_net *kn, struct ksvc_svc *old,
		 struct ksvc_svc *svc)
{
	u32 i;

	for (i = 0; i < svc->nports; i++) {
		struct ksvc_port *p = &svc->ports[i];
		struct ksvc_port *op = ksvc_port_find(old, p->proto, p->port);

		if (!op)
			continue;
		ksvc_beset_carry(ksvc_bes_locked(kn, op),
				 ksvc_bes_locked(kn, p), false);
		p->gone = op->gone;
		ksvc_beset_gone(ksvc_bes_locked(kn, op), &p->gone);
	}
}

/* Make every staged version visible at once; cannot fail. */
void ksvc_commit(struct ksvc_net *kn)
{
	struct ksvc_slot *slot, *tmp;
	struct ksvc_ct_batch ct;
	struct ksvc_svc *old;

	lockdep_assert_held(&kn->lock);
	list_for_each_entry(slot, &kn->txn, txn)
		if (slot->cur && slot->next)
			take(kn, slot->cur, slot->next);
	/* Orders the staged frontends before the generation readers use. */
	smp_store_release(&kn->gen, kn->gen + 1);
	/* One conntrack walk, while the replaced versions are still here. */
	ksvc_ct_begin(&ct, kn, ct_changes(kn));
	list_for_each_entry(slot, &kn->txn, txn)
		ct_update(&ct, slot->cur, slot->next);
	ksvc_ct_end(&ct);
	list_for_each_entry_safe(slot, tmp, &kn->txn, txn) {
		old = slot->cur;
		slot->cur = slot->next;
		slot->next = NULL;
		slot->staged = false;
		list_del(&slot->txn);
		if (old) {
			ksvc_fe_unlink(kn, old);
			call_rcu(&old->rcu, svc_free_rcu);
		}
		if (!slot->cur)
			slot_free(kn, slot);
	}
	kn->nsvc = kn->nsvc_next;
}

void ksvc_abort(struct ksvc_net *kn)
{
	struct ksvc_slot *slot, *tmp;

	lockdep_assert_held(&kn->lock);
	list_for_each_entry_safe(slot, tmp, &kn->txn, txn) {
		drop_staged(kn, slot->next);
		slot->next = NULL;
		ksvc_fe_end(kn, slot->cur, KSVC_GEN_NEVER);
		slot->staged = false;
		list_del(&slot->txn);
		if (!slot->cur)
			slot_free(kn, slot);
	}
	kn->nsvc_next = kn->nsvc;
}

/* A transaction of one change. */
static int one(struct ksvc_net *kn, const struct ksvc_name *name,
	       struct ksvc_svc *svc, int op, struct netlink_ext_ack *extack)
{
	/* Copied: @name may be @svc's key, and the stage may free @svc. */
	struct ksvc_name n = *name;
	int err = ksvc_stage(kn, &n, svc, op, NULL, extack);

	if (err)
		ksvc_abort(kn);
	else
		ksvc_commit(kn);
	return err;
}

int ksvc_svc_add(struct ksvc_net *kn, struct ksvc_svc *svc,
		 struct netlink_ext_ack *extack)
{
	return one(kn, svc->key, svc, KSVC_OP_CREATE, extack);
}

int ksvc_svc_replace(struct ksvc_net *kn, struct ksvc_svc *svc,
		     struct netlink_ext_ack *extack)
{
	return one(kn, svc->key, svc, KSVC_OP_REPLACE, extack);
}

int ksvc_svc_del(struct ksvc_net *kn, const struct ksvc_name *name)
{
	return one(kn, name, NULL, KSVC_OP_DELETE, NULL);
}

/* Delete every service, or those of Kubernetes namespace @ns, at once. */
void ksvc_flush(struct ksvc_net *kn, const char *ns)
{
	struct ksvc_slot *slot;
	unsigned long id;

	lockdep_assert_held(&kn->lock);
	xa_for_each(&kn->svcs, id, slot)
		if (slot->cur && (!ns || !strcmp(slot->key.ns, ns)))
			ksvc_stage(kn, &slot->key, NULL, KSVC_OP_DELETE, NULL,
				   NULL);
	ksvc_commit(kn);
}
