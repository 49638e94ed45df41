/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A plan: the changes one apply, create or delete makes, as the ops of a
 * single KSVC_CMD_BATCH.  ksvcctl's print_plan.h prints their results.
 */
#ifndef KSVCCTL_PLAN_H
#define KSVCCTL_PLAN_H

#include <stdio.h>

#include "model.h"
#include "nl_batch.h"
#include "nl_svc.h"

struct plan {
	struct batch_op *ops;
	size_t n, cap;
	uint8_t op;		/* the op of the model's services */
	struct wire_svc *keep;	/* what prune ops point into; plan_free frees */
	size_t n_keep;
};

/*
 * One op @op per service of @m, in input order; ExternalName services are
 * not proxied: "service/NAME skipped ..." goes to @out, unless NULL.
 * DELETE ops carry only the key.
 */
void plan_from_model(struct plan *p, const struct model *m, uint8_t op,
		     FILE *out);

/*
 * apply --prune: a DELETE op (key only) for each of the kernel's services
 * @have that no service of @m names.  @have is what a dump just returned;
 * a service created after the dump is not pruned.
 */
void plan_add_prune(struct plan *p, const struct model *m,
		    const struct wire_svc *have, size_t n_have);

void plan_free(struct plan *p);

/* A new op at the end of @p, zeroed. */
struct batch_op *plan_push(struct plan *p);

/*
 * The op the kernel's error is about: the one holding @offset, else the
 * one the extack names ("service NS/NAME..."), else NULL.
 */
const struct batch_op *plan_blame(const struct plan *p, uint32_t offset,
				  const char *extack);

/* Does "NS/NAME" stand at @at as a whole word? */
bool plan_names_at(const char *at, const char *ns, const char *name);

#endif
