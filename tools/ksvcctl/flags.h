/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Flags several verbs share, parsed and worded as kubectl does:
 * --dry-run=none|client|server and --validate=strict|warn|ignore.
 */
#ifndef KSVCCTL_FLAGS_H
#define KSVCCTL_FLAGS_H

#include <stdbool.h>
#include <stddef.h>

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

/*
 * -f/--filename, --dry-run and --validate, as apply, create and delete
 * take them.  A verb's own long-only options start at OPT_VERB.
 */
enum { OPT_DRY_RUN = 256, OPT_VALIDATE, OPT_VERB };

struct file_flags {
	char **paths;		/* -f, in order; room for argc entries */
	size_t n_paths;
	enum dry_run dry_run;
	enum yaml_unknown validate;
};

/*
 * If getopt_long()'s @c is one of those flags, parse it into @f, set
 * *@ret to -1 (go on) or an exit status (the usage error was printed) and
 * return true; else false.
 */
bool parse_file_flag(const char *verb, int c, struct file_flags *f, int *ret);

/* What kubectl appends to a result line: "", " (dry run)", " (server dry run)". */
const char *dry_run_suffix(enum dry_run dr);

#endif
