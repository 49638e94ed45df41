// SPDX-License-Identifier: GPL-2.0
/*
 * A plan's results in kubectl's words ("service/web created", "service/old
 * pruned"), and a kernel error at the document of the service at fault.
 */
#include <string.h>

#include <linux/ksvc.h>

#include "nl.h"
#include "print_plan.h"

static bool same_key(const struct batch_op *o, const char *ns,
		     const char *name)
{
	return !strcmp(o->ns, ns) && !strcmp(o->name, name);
}

/*
 * The op of result @i: the kernel answers op by op, in order, so it is
 * ops[i] unless the counts differ; then the last op of that key (a later
 * change replaces an earlier one).  Ops of one key agree on ->prune: only
 * keys the model lacks are pruned.
 */
static const struct batch_op *find_op(const struct plan *p, size_t i,
				      const char *ns, const char *name)
{
	if (i < p->n && same_key(&p->ops[i], ns, name))
		return &p->ops[i];
	for (i = p->n; i-- > 0;)
		if (same_key(&p->ops[i], ns, name))
			return &p->ops[i];
	return NULL;
}

static void print_line(const struct batch_op *o, const char *name,
		       uint8_t result, enum dry_run dr, FILE *out)
{
	const char *sfx = dry_run_suffix(dr);

	if (o && o->prune)
		fprintf(out, "service/%s pruned%s\n", name, sfx);
	else if (result == KSVC_RESULT_DELETED)
		fprintf(out, "service \"%s\" deleted%s\n", name, sfx);
	else
		fprintf(out, "service/%s %s%s\n", name, ksvc_result_word(result),
			sfx);
}

void plan_print_results(const struct plan *p, const struct batch_result *r,
			size_t n, enum dry_run dr, FILE *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		print_line(find_op(p, i, r[i].ns, r[i].name), r[i].name,
			   r[i].result, dr, out);
}

/* Without the kernel: what the op does to a kernel that lacks it. */
static uint8_t client_result(const struct batch_op *o)
{
	return o->op == KSVC_OP_DELETE ? KSVC_RESULT_DELETED :
					 KSVC_RESULT_CREATED;
}

void plan_print_client(const struct plan *p, FILE *out)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		print_line(&p->ops[i], p->ops[i].name, client_result(&p->ops[i]),
			   DRY_RUN_CLIENT, out);
}

static bool mentions(const char *msg, const struct batch_op *o)
{
	const char *at;

	for (at = strchr(msg, '/'); at; at = strchr(at + 1, '/')) {
		size_t ln = strlen(o->ns);

		if ((size_t)(at - msg) >= ln && plan_names_at(at - ln, o->ns, o->name))
			return true;
	}
	return false;
}

void plan_report_error(const struct plan *p, int err, uint32_t offset,
		       const char *extack, FILE *f)
{
	const struct batch_op *o = plan_blame(p, offset, extack);
	const char *se = strerror(err < 0 ? -err : err);
	const char *msg = extack ? extack : ksvc_errno_text(err);
	const struct loc *l = o && o->svc && o->svc->loc.file ? &o->svc->loc : NULL;

	if (l && l->line)
		fprintf(f, "%s:%d:%d: ", l->file, l->line, l->col);
	else if (l)
		fprintf(f, "%s: ", l->file);
	fputs("error: ", f);
	if (o && !(msg && mentions(msg, o)))
		fprintf(f, "service %s/%s: ", o->ns, o->name);
	if (!msg)
		fprintf(f, "%s\n", se);
	else if (extack || !strncmp(msg, se, strlen(se)))
		fprintf(f, "%s\n", msg);
	else
		fprintf(f, "%s (%s)\n", msg, se);
}
