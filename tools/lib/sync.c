// SPDX-License-Identifier: GPL-2.0
/*
 * sync.c: see sync.h.
 *
 * Retries: a refused APPLY is the kernel's word on that object as it is
 * now (its ClusterIP taken, over max_backends, ...); sending it again
 * every round would fail every round, so it waits 0.5 s, then twice as
 * long each time, up to 30 s, as client-go's workqueue rate limiter
 * does.  What frees it is often another service's change (the owner of
 * the address leaving), which the next retry finds.  A new version of
 * the object ends the wait: the cache sends it in the next round anyway.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ksvc.h>

#include "model_util.h"
#include "nl.h"
#include "nl_svc.h"
#include "svc_req.h"
#include "sync.h"
#include "validate.h"

#define RETRY_FIRST_MS	500
#define RETRY_MAX_MS	30000

struct sync_retry {
	uint64_t due_ms;
	unsigned int delay_ms;
};

int sync_take(struct sync_engine *e, struct model *m, struct diag *d)
{
	int e0 = d->errors;

	validate_model(m, d, e->np_min, e->np_max);
	if (d->errors > e0) {
		e->refused++;
		model_free(m);
		return -1;
	}
	/* a new version of a refused service: no wait, it goes now */
	for (size_t i = 0; i < m->n_svcs; i++) {
		char *key = m_xasprintf("%s/%s", m->svcs[i].ns, m->svcs[i].name);

		free(hmap_del(&e->retry, key));
		free(key);
	}
	wcache_take(&e->cache, m);
	return 0;
}

static void op_key(const struct batch_op *o, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", o->ns, o->name);
}

static void retry_later(struct sync_engine *e, const struct batch_op *o,
			uint64_t now_ms)
{
	char key[2 * KSVC_NAME_MAX + 2];
	struct sync_retry **slot, *r;

	if (o->op != KSVC_OP_APPLY)
		return;
	op_key(o, key, sizeof(key));
	slot = (struct sync_retry **)hmap_slot(&e->retry, key);
	r = *slot;
	if (!r) {
		r = *slot = m_xcalloc(1, sizeof(*r));
		r->delay_ms = RETRY_FIRST_MS;
	} else if (r->delay_ms < RETRY_MAX_MS) {
		r->delay_ms = r->delay_ms * 2 < RETRY_MAX_MS ? r->delay_ms * 2 :
							       RETRY_MAX_MS;
	}
	r->due_ms = now_ms + r->delay_ms;
}

/* The refused services whose wait is over go in this round. */
static void touch_due(struct sync_engine *e, uint64_t now_ms)
{
	const struct hent *h;
	size_t i = 0;

	while (hmap_next(&e->retry, &i, &h))
		if (((struct sync_retry *)h->val)->due_ms <= now_ms)
			wcache_touch(&e->cache, h->key);
}

static void forget_retries(struct sync_engine *e, const struct plan *p)
{
	char key[2 * KSVC_NAME_MAX + 2];

	for (size_t i = 0; i < p->n; i++) {
		op_key(&p->ops[i], key, sizeof(key));
		free(hmap_del(&e->retry, key));
	}
}

/*
 * DELETE ops for the kernel's services that the cache lacks, then the
 * cache's round.
 */
static void build(struct sync_engine *e, struct plan *p,
		  const struct wire_svc *prune, size_t n_prune)
{
	char key[2 * KSVC_NAME_MAX + 2];
	struct plan w;

	memset(p, 0, sizeof(*p));
	p->op = KSVC_OP_APPLY;
	for (size_t i = 0; i < n_prune; i++) {
		struct batch_op *o;

		snprintf(key, sizeof(key), "%s/%s", prune[i].ns, prune[i].name);
		if (wcache_service(&e->cache, key))
			continue;
		o = plan_push(p);
		o->op = KSVC_OP_DELETE;
		o->ns = prune[i].ns;
		o->name = prune[i].name;
		o->prune = true;
	}
	wcache_plan(&e->cache, &w, e->notices);
	for (size_t i = 0; i < w.n; i++)
		*plan_push(p) = w.ops[i];
	plan_free(&w);
}

static void drop_op(struct plan *p, const struct batch_op *o)
{
	size_t i = o - p->ops;

	memmove(&p->ops[i], &p->ops[i + 1], (p->n - i - 1) * sizeof(*o));
	p->n--;
}

/*
 * Send @p; an op the kernel refuses is reported, left out, and the rest
 * sent again.  A DELETE of a service the kernel lacks is gone, as asked.
 */
static int send_plan(struct sync_engine *e, struct plan *p, uint64_t now_ms)
{
	struct batch_result *res;
	const struct batch_op *o;
	size_t n;
	int err;

	while (p->n) {
		err = req_batch(p->ops, p->n, 0, &res, &n);
		if (!err) {
			for (size_t i = 0; i < p->n; i++)
				wcache_applied(&e->cache, &p->ops[i]);
			forget_retries(e, p);
			if (e->report && e->report->applied)
				e->report->applied(e->arg, p, res, n);
			free(res);
			return (int)p->n;
		}
		o = plan_blame(p, ksvc_nl_err_offset(), ksvc_nl_extack());
		if (!o || !(o->op == KSVC_OP_DELETE && err == -ENOENT)) {
			if (e->report && e->report->refused)
				e->report->refused(e->arg, p, err,
						   ksvc_nl_err_offset(),
						   ksvc_nl_extack());
			e->refused++;
		}
		if (!o)
			return err;	/* nothing to leave out */
		retry_later(e, o, now_ms);
		drop_op(p, o);
	}
	return 0;
}

int sync_round(struct sync_engine *e, const struct wire_svc *prune,
	       size_t n_prune, uint64_t now_ms)
{
	struct plan p;
	int ret;

	touch_due(e, now_ms);
	build(e, &p, prune, n_prune);
	ret = p.n ? send_plan(e, &p, now_ms) : 0;
	plan_free(&p);
	wcache_end_round(&e->cache);
	e->rounds++;
	return ret;
}

void sync_touch_all(struct sync_engine *e)
{
	const struct hent *h;
	size_t i = 0;

	while (hmap_next(&e->cache.svcs, &i, &h))
		wcache_touch(&e->cache, h->key);
}

bool sync_retry_pending(const struct sync_engine *e)
{
	return e->retry.n > 0;
}

void sync_free(struct sync_engine *e)
{
	const struct hent *h;
	size_t i = 0;

	while (hmap_next(&e->retry, &i, &h))
		free(h->val);
	hmap_free(&e->retry);
	wcache_free(&e->cache);
}
