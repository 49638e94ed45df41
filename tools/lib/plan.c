// SPDX-License-Identifier: GPL-2.0
/*
 * Plans: model -> batch ops; a kernel error -> the op of the service at
 * fault.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dupindex.h"
#include "nl.h"
#include "plan.h"

struct batch_op *plan_push(struct plan *p)
{
	struct batch_op *o;

	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 16;
		o = realloc(p->ops, p->cap * sizeof(*o));
		if (!o) {
			fputs("error: out of memory\n", stderr);
			exit(1);
		}
		p->ops = o;
	}
	o = &p->ops[p->n++];
	memset(o, 0, sizeof(*o));
	return o;
}

void plan_from_model(struct plan *p, const struct model *m, uint8_t op,
		     FILE *out)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	p->op = op;
	for (i = 0; i < m->n_svcs; i++) {
		const struct m_service *s = &m->svcs[i];
		struct batch_op *o;

		if (s->type == M_EXTERNAL_NAME) {
			if (out)
				fprintf(out, "service/%s skipped (ExternalName is not proxied)\n",
					s->name);
			continue;
		}
		o = plan_push(p);
		o->op = op;
		o->svc = op == KSVC_OP_DELETE ? NULL : s;
		o->ns = s->ns;
		o->name = s->name;
	}
}

static void svc_key(const void *ctx, size_t i, struct dkey *k)
{
	const struct m_service *s = &((const struct model *)ctx)->svcs[i];

	*k = (struct dkey){ s->ns, s->name, 0 };
}

/* By binary search: --prune of 10000 services is 10000 lookups. */
static bool in_model(const struct model *m, const size_t *sorted,
		     const char *ns, const char *name)
{
	struct dkey want = { ns, name, 0 };
	size_t count;

	dup_range(sorted, m->n_svcs, svc_key, m, &want, &count);
	return count > 0;
}

void plan_add_prune(struct plan *p, const struct model *m,
		    const struct wire_svc *have, size_t n_have)
{
	size_t *sorted = dup_sorted(m->n_svcs, svc_key, m);
	size_t i;

	if (!sorted) {
		fputs("error: out of memory\n", stderr);
		exit(1);
	}
	for (i = 0; i < n_have; i++) {
		struct batch_op *o;

		/* An ExternalName of that name: the user keeps the name. */
		if (in_model(m, sorted, have[i].ns, have[i].name))
			continue;
		o = plan_push(p);
		o->op = KSVC_OP_DELETE;
		o->ns = have[i].ns;
		o->name = have[i].name;
		o->prune = true;
	}
	free(sorted);
}

void plan_free(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->n_keep; i++)
		ksvc_svc_free(&p->keep[i]);
	free(p->keep);
	free(p->ops);
	memset(p, 0, sizeof(*p));
}

/* Does @msg name "NS/NAME" as a whole word at @at? */
bool plan_names_at(const char *at, const char *ns, const char *name)
{
	size_t ln = strlen(ns), lm = strlen(name);
	char c;

	if (strncmp(at, ns, ln) || at[ln] != '/' || strncmp(at + ln + 1, name, lm))
		return false;
	c = at[ln + 1 + lm];
	return !(c == '-' || c == '.' || (c >= 'a' && c <= 'z') ||
		 (c >= '0' && c <= '9'));
}

const struct batch_op *plan_blame(const struct plan *p, uint32_t offset,
				  const char *extack)
{
	const struct batch_op *o = ksvc_batch_at(p->ops, p->n, offset);
	const char *at;
	size_t i;

	if (o || !extack)
		return o;
	/* The kernel words it "service NS/NAME: why" for a batch. */
	for (at = strstr(extack, "service "); at; at = strstr(at + 1, "service "))
		for (i = 0; i < p->n; i++)
			if (plan_names_at(at + 8, p->ops[i].ns, p->ops[i].name))
				return &p->ops[i];
	return NULL;
}
