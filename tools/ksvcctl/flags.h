/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Flags several verbs share, parsed and worded as kubectl does:
 * --dry-run=none|client|server and --validate=strict|warn|ignore.
 */
#ifndef KSVCCTL_FLAGS_H
#define KSVCCTL_FLAGS_H

#include "yaml_read.h"

enum dry_run {
	DRY_RUN_NONE,
	DRY_RUN_CLIENT,		/* validate and print; never ask the kernel */
	DRY_RUN_SERVER,		/* KSVC_BATCH_F_DRY_RUN: the kernel checks */
};

/*
 * @arg is the flag's value (NULL: the bare flag).  -1 when parsed into
 * *@out, else an exit status (the usage error was printed).
 */
int parse_dry_run(const char *verb, const char *arg, enum dry_run *out);
int parse_validate(const char *verb, const char *arg, enum yaml_unknown *out);

/* What kubectl appends to a result line: "", " (dry run)", " (server dry run)". */
const char *dry_run_suffix(enum dry_run dr);

#endif
