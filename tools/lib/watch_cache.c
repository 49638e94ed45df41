// SPDX-License-Identifier: GPL-2.0
/*
 * watch_cache.c: see watch_cache.h.  Keys are "ns/name": neither part can
 * hold a '/', so no two objects share one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model_util.h"
#include "resolve.h"
#include "watch_cache.h"

static void mark_dirty(struct wcache *c, const char *key)
{
	void **v = hmap_slot(&c->dirty_set, key);

	if (*v)
		return;
	*v = c;		/* any non-NULL value */
	*(char **)m_vpush((void **)&c->dirty, &c->n_dirty, sizeof(char *)) =
		m_xstrdup(key);
}

static void push_gone(struct wcache *c, struct wsvc *w)
{
	/* never sent, and not one an earlier ksvcctl could have sent */
	if (w->s.type == M_EXTERNAL_NAME && !w->in_kernel) {
		m_service_free(&w->s);
		free(w);
		return;
	}
	*(struct wsvc **)m_vpush((void **)&c->gone, &c->n_gone,
				 sizeof(w)) = w;
}

static void take_svc(struct wcache *c, struct m_service *s)
{
	char *key = m_xasprintf("%s/%s", s->ns, s->name);
	struct wsvc *w;
	void **slot;

	if (s->deleted) {
		w = hmap_del(&c->svcs, key);
		if (w)
			m_service_free(&w->s);
		else	/* it may be in the kernel from before this process */
			w = m_xcalloc(1, sizeof(*w));
		w->s = *s;
		push_gone(c, w);
	} else {
		slot = hmap_slot(&c->svcs, key);
		w = *slot;
		if (w)
			m_service_free(&w->s);
		else
			w = *slot = m_xcalloc(1, sizeof(*w));
		w->s = *s;
		mark_dirty(c, key);
	}
	free(key);
}

/* ------------------------------------------------------------------ */
/* Slices, grouped by the service they name */

static void group_add(struct wcache *c, struct wslice *ws)
{
	void **slot = hmap_slot(&c->groups, ws->group);
	struct wgroup *g = *slot;

	if (!g)
		g = *slot = m_xcalloc(1, sizeof(*g));
	*(struct wslice **)m_vpush((void **)&g->v, &g->n, sizeof(ws)) = ws;
}

static void group_remove(struct wcache *c, struct wslice *ws)
{
	struct wgroup *g = hmap_get(&c->groups, ws->group);

	for (size_t i = 0; g && i < g->n; i++) {
		if (g->v[i] == ws) {
			g->v[i] = g->v[--g->n];
			return;
		}
	}
}

static void wslice_free(struct wslice *ws)
{
	for (size_t i = 0; i < ws->n; i++)
		m_slice_free(&ws->sl[i]);
	free(ws->sl);
	free(ws->group);
	free(ws);
}

/* @n slices of one object (an Endpoints has one per subset). */
static void take_slices(struct wcache *c, struct m_slice *sl, size_t n)
{
	char *key = m_xasprintf("%c:%s/%s", sl->family ? 'S' : 'E', sl->ns,
				sl->name);
	struct wslice *ws = hmap_del(&c->slices, key);

	if (ws) {
		if (ws->group) {
			group_remove(c, ws);
			mark_dirty(c, ws->group);
		}
		wslice_free(ws);
	}
	ws = m_xcalloc(1, sizeof(*ws));
	ws->sl = m_xcalloc(n, sizeof(*sl));
	memcpy(ws->sl, sl, n * sizeof(*sl));
	ws->n = n;
	if (sl->service)
		ws->group = m_xasprintf("%s/%s", sl->ns, sl->service);
	if (sl->deleted) {
		wslice_free(ws);
	} else {
		*hmap_slot(&c->slices, key) = ws;
		if (ws->group) {
			group_add(c, ws);
			mark_dirty(c, ws->group);
		}
	}
	free(key);
}

static bool same_object(const struct m_slice *a, const struct m_slice *b)
{
	return !a->family && !b->family && !strcmp(a->ns, b->ns) &&
	       !strcmp(a->name, b->name);
}

/* ------------------------------------------------------------------ */
/* Pods: they matter to services whose selector picks them */

static void dirty_selecting(struct wcache *c, const struct m_pod *p)
{
	const struct hent *e;
	size_t i = 0;

	while (hmap_next(&c->svcs, &i, &e)) {
		const struct m_service *s = &((struct wsvc *)e->val)->s;

		if (s->n_selector && !strcmp(s->ns, p->ns) &&
		    selector_matches(s, p))
			mark_dirty(c, e->key);
	}
}

static void pod_remove(struct wcache *c, const char *key, size_t i)
{
	m_pod_free(&c->pods[i]);
	hmap_del(&c->pod_idx, key);
	if (i != --c->n_pods) {
		char *moved;

		c->pods[i] = c->pods[c->n_pods];
		moved = m_xasprintf("%s/%s", c->pods[i].ns, c->pods[i].name);
		*hmap_slot(&c->pod_idx, moved) = (void *)(uintptr_t)(i + 1);
		free(moved);
	}
}

static void take_pod(struct wcache *c, struct m_pod *p)
{
	char *key = m_xasprintf("%s/%s", p->ns, p->name);
	uintptr_t at = (uintptr_t)hmap_get(&c->pod_idx, key);

	if (at) {
		dirty_selecting(c, &c->pods[at - 1]);
		pod_remove(c, key, at - 1);
	}
	if (p->deleted) {
		m_pod_free(p);
	} else {
		dirty_selecting(c, p);
		*(struct m_pod *)m_vpush((void **)&c->pods, &c->n_pods,
					 sizeof(*p)) = *p;
		*hmap_slot(&c->pod_idx, key) = (void *)(uintptr_t)c->n_pods;
	}
	free(key);
}

void wcache_take(struct wcache *c, struct model *m)
{
	size_t i, j;

	for (i = 0; i < m->n_svcs; i++)
		take_svc(c, &m->svcs[i]);
	for (i = 0; i < m->n_slices; i = j) {
		for (j = i + 1; j < m->n_slices &&
		     same_object(&m->slices[i], &m->slices[j]); j++)
			;
		take_slices(c, &m->slices[i], j - i);
	}
	for (i = 0; i < m->n_pods; i++)
		take_pod(c, &m->pods[i]);
	/* the objects are the cache's now; the arrays and file names go */
	free(m->svcs);
	free(m->slices);
	free(m->pods);
	m->svcs = NULL;
	m->slices = NULL;
	m->pods = NULL;
	m->n_svcs = m->n_slices = m->n_pods = 0;
	model_free(m);
}

/* ------------------------------------------------------------------ */
/* Rounds */

static void resolve(struct wcache *c, struct wsvc *w, const char *key)
{
	struct wgroup *g = hmap_get(&c->groups, key);
	size_t n = 0;

	for (size_t i = 0; g && i < g->n; i++) {
		struct wslice *ws = g->v[i];

		if (n + ws->n > c->tmp_cap) {
			c->tmp_cap = 2 * (n + ws->n);
			c->tmp = realloc(c->tmp, c->tmp_cap * sizeof(*c->tmp));
			if (!c->tmp)
				m_oom();
		}
		for (size_t k = 0; k < ws->n; k++)
			c->tmp[n++] = &ws->sl[k];
	}
	/* A group, even empty, is a service some slice named: slices rule. */
	resolve_service(&w->s, c->tmp, n, g != NULL, c->pods, c->n_pods);
}

static void push_op(struct plan *p, uint8_t op, const struct m_service *s)
{
	struct batch_op *o = plan_push(p);

	o->op = op;
	o->svc = op == KSVC_OP_DELETE ? NULL : s;
	o->ns = s->ns;
	o->name = s->name;
}

void wcache_plan(struct wcache *c, struct plan *p, FILE *out)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	p->op = KSVC_OP_APPLY;
	/* Deleted and created again in one round: the APPLY updates it. */
	for (i = 0; i < c->n_gone; i++) {
		const struct m_service *s = &c->gone[i]->s;
		char *key = m_xasprintf("%s/%s", s->ns, s->name);
		struct wsvc *w = hmap_get(&c->svcs, key);

		if (!w || w->s.type == M_EXTERNAL_NAME)
			push_op(p, KSVC_OP_DELETE, s);
		free(key);
	}
	for (i = 0; i < c->n_dirty; i++) {
		struct wsvc *w = hmap_get(&c->svcs, c->dirty[i]);

		if (!w)
			continue;	/* deleted, or slices of a service not seen */
		if (w->s.type != M_EXTERNAL_NAME) {
			resolve(c, w, c->dirty[i]);
			push_op(p, KSVC_OP_APPLY, &w->s);
		} else if (w->in_kernel) {
			push_op(p, KSVC_OP_DELETE, &w->s);
			w->in_kernel = false;
		} else if (out) {
			fprintf(out, "service/%s skipped (ExternalName is not proxied)\n",
				w->s.name);
		}
	}
}

void wcache_touch(struct wcache *c, const char *key)
{
	if (hmap_get(&c->svcs, key))
		mark_dirty(c, key);
}

const struct m_service *wcache_service(const struct wcache *c,
				       const char *key)
{
	const struct wsvc *w = hmap_get(&c->svcs, key);

	return w && w->s.type != M_EXTERNAL_NAME ? &w->s : NULL;
}

/* The keys of @h not in @keep (a snapshot: deleting changes @h). */
static char **missing_keys(const struct hmap *h, const struct hmap *keep,
			   size_t skip, size_t *n)
{
	const struct hent *e;
	char **v = NULL;
	size_t i = 0;

	*n = 0;
	while (hmap_next(h, &i, &e))
		if (!hmap_get(keep, e->key + skip))
			*(char **)m_vpush((void **)&v, n, sizeof(*v)) =
				m_xstrdup(e->key);
	return v;
}

void wcache_retain_svcs(struct wcache *c, const struct hmap *keep)
{
	size_t n, i;
	char **v = missing_keys(&c->svcs, keep, 0, &n);

	for (i = 0; i < n; i++) {
		struct m_service s = { .deleted = true };
		char *slash = strchr(v[i], '/');

		*slash = 0;
		s.ns = m_xstrdup(v[i]);
		s.name = m_xstrdup(slash + 1);
		take_svc(c, &s);
		free(v[i]);
	}
	free(v);
}

void wcache_retain_slices(struct wcache *c, const struct hmap *keep)
{
	size_t n, i;
	/* keys are "S:ns/name": EndpointSlices only */
	char **v = missing_keys(&c->slices, keep, 2, &n);

	for (i = 0; i < n; i++) {
		struct wslice *ws;

		if (v[i][0] != 'S') {
			free(v[i]);
			continue;
		}
		ws = hmap_del(&c->slices, v[i]);
		if (ws->group) {
			group_remove(c, ws);
			mark_dirty(c, ws->group);
		}
		wslice_free(ws);
		free(v[i]);
	}
	free(v);
}

void wcache_applied(struct wcache *c, const struct batch_op *o)
{
	(void)c;
	/* wcache_plan() made every APPLY from a cached service */
	if (o->op == KSVC_OP_APPLY)
		((struct wsvc *)o->svc)->in_kernel = true;
}

void wcache_end_round(struct wcache *c)
{
	for (size_t i = 0; i < c->n_gone; i++) {
		m_service_free(&c->gone[i]->s);
		free(c->gone[i]);
	}
	free(c->gone);
	c->gone = NULL;
	c->n_gone = 0;
	for (size_t i = 0; i < c->n_dirty; i++)
		free(c->dirty[i]);
	free(c->dirty);
	c->dirty = NULL;
	c->n_dirty = 0;
	hmap_free(&c->dirty_set);
}

void wcache_free(struct wcache *c)
{
	const struct hent *e;
	size_t i = 0;

	wcache_end_round(c);
	while (hmap_next(&c->svcs, &i, &e)) {
		m_service_free(&((struct wsvc *)e->val)->s);
		free(e->val);
	}
	for (i = 0; hmap_next(&c->slices, &i, &e);)
		wslice_free(e->val);
	for (i = 0; hmap_next(&c->groups, &i, &e);) {
		free(((struct wgroup *)e->val)->v);
		free(e->val);
	}
	for (i = 0; i < c->n_pods; i++)
		m_pod_free(&c->pods[i]);
	free(c->pods);
	free(c->tmp);
	hmap_free(&c->svcs);
	hmap_free(&c->slices);
	hmap_free(&c->groups);
	hmap_free(&c->pod_idx);
	memset(c, 0, sizeof(*c));
}
