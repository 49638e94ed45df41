/* SPDX-License-Identifier: GPL-2.0 */
/* A plan's results and errors, printed as kubectl prints them. */
#ifndef KSVCCTL_PRINT_PLAN_H
#define KSVCCTL_PRINT_PLAN_H

#include <stdio.h>

#include "flags.h"
#include "plan.h"

/*
 * One line per result: "service/NAME created|configured|unchanged",
 * "service/NAME pruned", or (for delete) "service "NAME" deleted", each
 * with dry_run_suffix(@dr).
 */
void plan_print_results(const struct plan *p, const struct batch_result *r,
			size_t n, enum dry_run dr, FILE *out);

/* --dry-run=client: the line each op would print, from @p alone. */
void plan_print_client(const struct plan *p, FILE *out);

/*
 * "FILE:LINE:COL: error: service NS/NAME: <extack>" (the service's
 * document), or without the location when the op has no document.
 */
void plan_report_error(const struct plan *p, int err, uint32_t offset,
		       const char *extack, FILE *f);

#endif
