// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "affinity.h"
#include "backends.h"
#include "select.h"

unsigned int ksvc_max_affinity = 65536;
module_param_named(max_affinity, ksvc_max_affinity, uint, 0644);
MODULE_PARM_DESC(max_affinity, "Session affinity entries per network namespace");

#define GC_INTERVAL	(30 * HZ)

struct aff_key {
	union nf_inet_addr client;
	u32 svc_id;
	__be16 port;
	u8 proto;
	u8 pad;
};

struct aff_entry {
	struct rhash_head node;
	struct aff_key key;
	union nf_inet_addr addr;	/* the backend */
	__be16 be_port;
	u8 family;
	unsigned long expires;		/* jiffies, refreshed locklessly */
	struct rcu_head rcu;
};

struct ksvc_affinity {
	struct rhashtable tbl;
	atomic_t count;
	struct delayed_work gc;
};

static const struct rhashtable_params params = {
	.key_len = sizeof(struct aff_key),
	.key_offset = offsetof(struct aff_entry, key),
	.head_offset = offsetof(struct aff_entry, node),
	.automatic_shrinking = true,
};

static void key_of(struct aff_key *k, const struct ksvc_port *port,
		   const union nf_inet_addr *client)
{
	memset(k, 0, sizeof(*k));
	k->client = *client;
	k->svc_id = port->svc->id;
	k->port = htons(port->port);
	k->proto = port->proto;
}

static void drop(struct ksvc_affinity *aff, struct aff_entry *e)
{
	if (!rhashtable_remove_fast(&aff->tbl, &e->node, params)) {
		atomic_dec(&aff->count);
		kfree_rcu(e, rcu);
	}
}

/* Expired entries go here, so the table stays bounded by live clients. */
static void gc(struct work_struct *work)
{
	struct ksvc_affinity *aff = container_of(to_delayed_work(work),
						 struct ksvc_affinity, gc);
	struct rhashtable_iter it;
	struct aff_entry *e;

	rhashtable_walk_enter(&aff->tbl, &it);
	rhashtable_walk_start(&it);
	while ((e = rhashtable_walk_next(&it))) {
		if (IS_ERR(e))
			continue;
		if (time_after(jiffies, READ_ONCE(e->expires)))
			drop(aff, e);
	}
	rhashtable_walk_stop(&it);
	rhashtable_walk_exit(&it);
	schedule_delayed_work(&aff->gc, GC_INTERVAL);
}

int ksvc_affinity_init(struct ksvc_net *kn)
{
	struct ksvc_affinity *aff = kzalloc(sizeof(*aff), GFP_KERNEL);
	int err;

	if (!aff)
		return -ENOMEM;
	err = rhashtable_init(&aff->tbl, &params);
	if (err) {
		kfree(aff);
		return err;
	}
	INIT_DELAYED_WORK(&aff->gc, gc);
	schedule_delayed_work(&aff->gc, GC_INTERVAL);
	kn->aff = aff;
	return 0;
}

static void free_entry(void *ptr, void *arg)
{
	kfree(ptr);
}

/* After the hooks are gone and a grace period has passed. */
void ksvc_affinity_destroy(struct ksvc_net *kn)
{
	cancel_delayed_work_sync(&kn->aff->gc);
	rhashtable_free_and_destroy(&kn->aff->tbl, free_entry, NULL);
	kfree(kn->aff);
	kn->aff = NULL;
}

/* Packet path: the client's remembered backend, if still selectable. */
const struct ksvc_backend *ksvc_affinity_get(struct ksvc_net *kn,
					     const struct ksvc_port *port,
					     const struct ksvc_beset *bes,
					     bool local,
					     const union nf_inet_addr *client)
{
	const struct ksvc_backend *be;
	struct aff_entry *e;
	struct aff_key k;

	key_of(&k, port, client);
	e = rhashtable_lookup(&kn->aff->tbl, &k, params);
	if (!e || time_after(jiffies, READ_ONCE(e->expires)))
		return NULL;
	be = ksvc_beset_find(bes, e->family, &e->addr, e->be_port);
	return be && ksvc_selectable(bes, local, be) ? be : NULL;
}

static struct aff_entry *entry_new(const struct aff_key *k,
				   const struct ksvc_backend *be,
				   unsigned long expires)
{
	struct aff_entry *e = kzalloc(sizeof(*e), GFP_ATOMIC);

	if (!e)
		return NULL;
	e->key = *k;
	e->addr = be->addr;
	e->be_port = be->port;
	e->family = be->family;
	e->expires = expires;
	return e;
}

/* Packet path: remember (or refresh) the client's backend. */
void ksvc_affinity_put(struct ksvc_net *kn, const struct ksvc_port *port,
		       const union nf_inet_addr *client,
		       const struct ksvc_backend *be)
{
	struct ksvc_affinity *aff = kn->aff;
	unsigned long expires = jiffies + port->svc->affinity_timeout * HZ;
	struct aff_entry *e, *old;
	struct aff_key k;

	key_of(&k, port, client);
	old = rhashtable_lookup(&aff->tbl, &k, params);
	if (old && old->family == be->family && old->be_port == be->port &&
	    nf_inet_addr_cmp(&old->addr, &be->addr)) {
		WRITE_ONCE(old->expires, expires);
		return;
	}
	if (!old && atomic_read(&aff->count) >= ksvc_max_affinity)
		return;
	e = entry_new(&k, be, expires);
	if (!e)
		return;
	if (old) {
		/* Racing CPUs: the loser's entry is simply not used. */
		if (rhashtable_replace_fast(&aff->tbl, &old->node, &e->node,
					    params))
			kfree(e);
		else
			kfree_rcu(old, rcu);
	} else if (rhashtable_lookup_insert_fast(&aff->tbl, &e->node, params)) {
		kfree(e);
	} else {
		atomic_inc(&aff->count);
	}
}

unsigned int ksvc_affinity_count(struct ksvc_net *kn)
{
	return atomic_read(&kn->aff->count);
}
