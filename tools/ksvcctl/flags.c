// SPDX-License-Identifier: GPL-2.0
/* The flags several verbs share, with kubectl's values and messages. */
#include <getopt.h>
#include <string.h>

#include "cmd.h"
#include "flags.h"

/* pflag also takes "-o=x" spelled "--flag==x"; be as lenient. */
static const char *val(const char *arg)
{
	return arg && arg[0] == '=' ? arg + 1 : arg;
}

int parse_dry_run(const char *verb, const char *arg, enum dry_run *out)
{
	arg = val(arg);
	if (!arg || !strcmp(arg, "client")) {
		*out = DRY_RUN_CLIENT;
	} else if (!strcmp(arg, "server")) {
		*out = DRY_RUN_SERVER;
	} else if (!strcmp(arg, "none")) {
		*out = DRY_RUN_NONE;
	} else {
		return usage_error(verb, "Invalid dry-run value (%s). Must be \"none\", \"server\", or \"client\".",
				   arg);
	}
	return -1;
}

int parse_validate(const char *verb, const char *arg, enum yaml_unknown *out)
{
	arg = val(arg);
	if (!arg || !strcmp(arg, "strict") || !strcmp(arg, "true")) {
		*out = YAML_UNKNOWN_STRICT;
	} else if (!strcmp(arg, "warn")) {
		*out = YAML_UNKNOWN_WARN;
	} else if (!strcmp(arg, "ignore") || !strcmp(arg, "false")) {
		*out = YAML_UNKNOWN_IGNORE;
	} else {
		return usage_error(verb, "invalid - validate option \"%s\"; must be one of: strict (or true), warn, ignore (or false)",
				   arg);
	}
	return -1;
}

bool parse_file_flag(const char *verb, int c, struct file_flags *f, int *ret)
{
	switch (c) {
	case 'f':
		f->paths[f->n_paths++] = optarg;
		*ret = -1;
		return true;
	case OPT_DRY_RUN:
		*ret = parse_dry_run(verb, optarg, &f->dry_run);
		return true;
	case OPT_VALIDATE:
		*ret = parse_validate(verb, optarg, &f->validate);
		return true;
	default:
		return false;
	}
}

const char *dry_run_suffix(enum dry_run dr)
{
	switch (dr) {
	case DRY_RUN_CLIENT:	return " (dry run)";
	case DRY_RUN_SERVER:	return " (server dry run)";
	default:		return "";
	}
}
