// SPDX-License-Identifier: GPL-2.0
#include <linux/hashtable.h>
#include <linux/jhash.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include "node.h"

struct ksvc_node {
	struct hlist_node hnode;
	refcount_t ref;
	u32 hash;
	char name[];
};

/*
 * One table for every netns: names are only strings.  Writers are rare
 * (a backend set is built or freed) and freeing happens in RCU callbacks,
 * so a BH-safe spinlock is enough; the packet path never reads names.
 */
static DEFINE_SPINLOCK(lock);
static DEFINE_HASHTABLE(nodes, 10);

static struct ksvc_node *find(const char *name, u32 hash)
{
	struct ksvc_node *n;

	lockdep_assert_held(&lock);
	hash_for_each_possible(nodes, n, hnode, hash)
		if (n->hash == hash && !strcmp(n->name, name))
			return n;
	return NULL;
}

static struct ksvc_node *hold_existing(const char *name, u32 hash)
{
	struct ksvc_node *n;

	spin_lock_bh(&lock);
	n = find(name, hash);
	if (n)
		refcount_inc(&n->ref);
	spin_unlock_bh(&lock);
	return n;
}

struct ksvc_node *ksvc_node_get(const char *name)
{
	size_t len = strlen(name);
	u32 hash = jhash(name, len, 0);
	struct ksvc_node *n, *new;

	if (!len)
		return NULL;
	n = hold_existing(name, hash);
	if (n)
		return n;
	new = kmalloc(struct_size(new, name, len + 1), GFP_KERNEL_ACCOUNT);
	if (!new)
		return ERR_PTR(-ENOMEM);
	refcount_set(&new->ref, 1);
	new->hash = hash;
	memcpy(new->name, name, len + 1);
	/* Another writer may have added it while we slept in kmalloc. */
	spin_lock_bh(&lock);
	n = find(name, hash);
	if (n)
		refcount_inc(&n->ref);
	else
		hash_add(nodes, &new->hnode, hash);
	spin_unlock_bh(&lock);
	if (n)
		kfree(new);
	return n ?: new;
}

struct ksvc_node *ksvc_node_hold(struct ksvc_node *n)
{
	if (n)
		refcount_inc(&n->ref);
	return n;
}

void ksvc_node_put(struct ksvc_node *n)
{
	bool last;

	if (!n)
		return;
	spin_lock_bh(&lock);
	last = refcount_dec_and_test(&n->ref);
	if (last)
		hash_del(&n->hnode);
	spin_unlock_bh(&lock);
	if (last)
		kfree(n);
}

const char *ksvc_node_name(const struct ksvc_node *n)
{
	return n ? n->name : "";
}

/* After rcu_barrier(): every backend set, and so every name, is gone. */
void ksvc_node_exit(void)
{
	WARN_ON(!hash_empty(nodes));
}
