// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for kmod/txn.c, which needs rhashtables and xarrays: services
 * by name in a small array, staged and committed as txn.c does, with the
 * same ownership rules (ksvc_stage() owns what it is given, and frees it
 * on error) and the same results and errors for each op.  A staged
 * version goes through the real ksvc_alloc(), ksvc_svc_build_fe() and
 * ksvc_svc_prepare(), and nlcheck_staged().  Not modelled: frontends
 * clashing between services (check_fe()), and statistics following a
 * backend to its new version (take()); each version keeps its own.
 */
#include <net/netlink.h>
#include "alloc.h"
#include "compat.h"
#include "table.h"
#include "nlcheck.h"

/* A service name; staged versions point at its key, so slots never move. */
struct slot {
	bool used;
	char ns[KSVC_NAME_MAX], name[KSVC_NAME_MAX];
	struct ksvc_name key;	/* into ns[] and name[] */
	struct ksvc_svc *cur;	/* committed */
	struct ksvc_svc *next;	/* staged; NULL with staged: deleted */
	bool staged;
};

/* ksvc_max_services is lowered below this by the fuzz target. */
#define MAX_SLOTS	32

static struct slot slots[MAX_SLOTS];
static u32 nslots;

int ksvc_txn_init(struct ksvc_net *kn)
{
	memset(slots, 0, sizeof(slots));
	nslots = 0;
	return 0;
}

/* ksvc_net_destroy() flushed first: nothing may be left. */
void ksvc_txn_destroy(struct ksvc_net *kn)
{
	WARN_ON(nslots);
}

static struct slot *find(const struct ksvc_name *n)
{
	u32 i;

	for (i = 0; i < MAX_SLOTS; i++)
		if (slots[i].used && !strcmp(slots[i].ns, n->ns) &&
		    !strcmp(slots[i].name, n->name))
			return &slots[i];
	return NULL;
}

static struct ksvc_svc *view_of(const struct slot *slot)
{
	if (!slot)
		return NULL;
	return slot->staged ? slot->next : slot->cur;
}

struct ksvc_svc *ksvc_svc_find(struct ksvc_net *kn, const struct ksvc_name *n)
{
	struct slot *slot = find(n);

	lockdep_assert_held(&kn->lock);
	return slot ? slot->cur : NULL;
}

struct ksvc_svc *ksvc_view(struct ksvc_net *kn, const struct ksvc_name *n)
{
	lockdep_assert_held(&kn->lock);
	return view_of(find(n));
}

/* Is @key a frontend of any service as the transaction leaves them? */
static bool taken(struct ksvc_net *kn, const struct ksvc_fe_key *key)
{
	const struct ksvc_svc *svc;
	u32 i, j;

	for (i = 0; i < MAX_SLOTS; i++) {
		svc = slots[i].used ? view_of(&slots[i]) : NULL;
		for (j = 0; svc && j < svc->nfe; j++)
			if (!memcmp(&svc->fe[j].key, key, sizeof(*key)))
				return true;
	}
	return false;
}

static int check_op(int op, const struct ksvc_svc *base,
		    const struct ksvc_name *name, struct netlink_ext_ack *extack)
{
	if (op == KSVC_OP_CREATE && base) {
		NL_SET_ERR_MSG(extack, "service already exists");
		return -EEXIST;
	}
	if (op != KSVC_OP_CREATE && op != KSVC_OP_APPLY && !base) {
		NL_SET_ERR_MSG(extack, "service not found");
		return -ENOENT;
	}
	return 0;
}

static int check_new(struct ksvc_net *kn, struct ksvc_svc *svc,
		     struct ksvc_svc *base, struct slot *slot,
		     struct netlink_ext_ack *extack)
{
	int err;

	if (!slot && nslots >= min_t(u32, ksvc_max_services, MAX_SLOTS)) {
		NL_SET_ERR_MSG(extack, "limit of services reached");
		return -ENOSPC;
	}
	err = ksvc_alloc(kn, svc, base, false, taken, extack) ?:
	      ksvc_svc_build_fe(svc, extack) ?:
	      ksvc_svc_prepare(kn, svc, base);
	if (!err)
		nlcheck_staged(kn, svc);
	return err;
}

/* Names are NUL_STRING attributes of at most KSVC_NAME_MAX - 1 bytes. */
static struct slot *slot_new(const struct ksvc_name *name)
{
	struct slot *slot = slots;

	while (slot->used)
		slot++;
	memset(slot, 0, sizeof(*slot));
	slot->used = true;
	WARN_ON(strscpy(slot->ns, name->ns, sizeof(slot->ns)) < 0 ||
		strscpy(slot->name, name->name, sizeof(slot->name)) < 0);
	ksvc_name_set(&slot->key, slot->ns, slot->name);
	nslots++;
	return slot;
}

static void slot_free(struct slot *slot)
{
	slot->used = false;
	nslots--;
}

static void put_staged(struct slot *slot, struct ksvc_svc *svc)
{
	if (slot->staged && slot->next)
		ksvc_svc_free(slot->next);
	slot->staged = true;
	slot->next = svc;
}

int ksvc_stage(struct ksvc_net *kn, const struct ksvc_name *name,
	       struct ksvc_svc *svc, int op, int *result,
	       struct netlink_ext_ack *extack)
{
	struct slot *slot = find(name);
	struct ksvc_svc *base = view_of(slot);
	int res = base ? KSVC_RESULT_CONFIGURED : KSVC_RESULT_CREATED;
	int err;

	lockdep_assert_held(&kn->lock);
	err = check_op(op, base, name, extack);
	if (!err && svc)
		err = ksvc_alloc(kn, svc, base, true, taken, extack);
	if (!err && svc && base && ksvc_svc_same(kn, svc, base)) {
		res = KSVC_RESULT_UNCHANGED;
		goto free;
	}
	if (!err && svc)
		err = check_new(kn, svc, base, slot, extack);
	if (err)
		goto free;
	if (!slot)
		slot = slot_new(name);
	if (svc) {
		svc->key = &slot->key;
		svc->id = slot - slots;
		svc->created = base ? base->created : ktime_get_real_ns();
	}
	put_staged(slot, svc);
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

void ksvc_commit(struct ksvc_net *kn)
{
	u32 i;

	lockdep_assert_held(&kn->lock);
	for (i = 0; i < MAX_SLOTS; i++) {
		struct slot *slot = &slots[i];

		if (!slot->used || !slot->staged)
			continue;
		if (slot->cur)
			ksvc_svc_free(slot->cur);
		slot->cur = slot->next;
		slot->next = NULL;
		slot->staged = false;
		if (slot->cur)
			nlcheck_committed(kn, slot->cur);
		else
			slot_free(slot);
	}
}

void ksvc_abort(struct ksvc_net *kn)
{
	u32 i;

	lockdep_assert_held(&kn->lock);
	for (i = 0; i < MAX_SLOTS; i++) {
		struct slot *slot = &slots[i];

		if (!slot->used || !slot->staged)
			continue;
		if (slot->next)
			ksvc_svc_free(slot->next);
		slot->next = NULL;
		slot->staged = false;
		if (!slot->cur)
			slot_free(slot);
	}
}

void ksvc_flush(struct ksvc_net *kn, const char *ns)
{
	u32 i;

	lockdep_assert_held(&kn->lock);
	for (i = 0; i < MAX_SLOTS; i++)
		if (slots[i].used && slots[i].cur &&
		    (!ns || !strcmp(slots[i].ns, ns)))
			ksvc_stage(kn, &slots[i].key, NULL, KSVC_OP_DELETE,
				   NULL, NULL);
	ksvc_commit(kn);
}

/* Between requests no transaction is open. */
bool txn_model_idle(void)
{
	u32 i;

	for (i = 0; i < MAX_SLOTS; i++)
		if (slots[i].used && slots[i].staged)
			return false;
	return true;
}
