// SPDX-License-Identifier: GPL-2.0
/*
 * ksvcctl: program the ksvc kernel module from Kubernetes YAML.
 * main.c only dispatches; each verb lives in its own cmd_*.c.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "create.h"
#include "describe.h"
#include "nl.h"

#define KSVCCTL_VERSION	"0.1.0"

static const struct verb {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} verbs[] = {
	{ "apply",  cmd_apply,  "Create or update services from YAML files" },
	{ "create", cmd_create, "Create services from YAML files; existing ones are errors" },
	{ "delete", cmd_delete, "Delete services, by file or by name" },
	{ "get",    cmd_get,    "List the services the kernel holds" },
	{ "describe", cmd_describe, "Show services in detail, with backends and counters" },
	{ "config", cmd_config, "Show or change the node settings (NodePorts, node name)" },
	{ "watch",  cmd_watch,  "Stay running: follow streams of objects (kubectl get -w)" },
};

#define N_VERBS	(sizeof(verbs) / sizeof(verbs[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: ksvcctl [-h|--help] [-v|--version] COMMAND [ARGS]\n\n"
		"Kubernetes Services in the Linux kernel.\n\nCommands:\n");
	for (i = 0; i < N_VERBS; i++)
		fprintf(f, "  %-9s %s\n", verbs[i].name, verbs[i].help);
	fprintf(f, "\nUse \"ksvcctl COMMAND --help\" for more about a command.\n");
}

int usage_error(const char *verb, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "error: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (verb)
		fprintf(stderr, "\nSee 'ksvcctl %s --help' for usage.\n", verb);
	else
		fprintf(stderr, "\nSee 'ksvcctl --help' for usage.\n");
	return 1;
}

int opt_error(const char *verb, char **argv, int opt)
{
	const char *arg = argv[optind - 1];

	if (opt == ':')
		return usage_error(verb, "flag needs an argument: %s", arg);
	if (optopt)
		return usage_error(verb, "unknown shorthand flag: '%c' in -%c",
				   optopt, optopt);
	return usage_error(verb, "unknown flag: %s", arg);
}

bool is_service_resource(const char *arg)
{
	return !strcmp(arg, "service") || !strcmp(arg, "services") ||
	       !strcmp(arg, "svc");
}

int svc_args_parse(const char *verb, const char *missing, int argc,
		   char **argv, struct svc_args *a)
{
	if (optind >= argc)
		return usage_error(verb, "%s", missing);
	if (!is_service_resource(argv[optind]))
		return usage_error(verb, "the server doesn't have a resource type \"%s\"",
				   argv[optind]);
	a->names = &argv[optind + 1];
	a->n_names = argc - optind - 1;
	if (a->all && a->n_names)
		return usage_error(verb, "a resource cannot be retrieved by name across all namespaces");
	if (!a->ns)	/* with -A, as in kubectl, -n is ignored */
		a->ns = KSVCCTL_DEFAULT_NS;
	return -1;
}

static const struct verb *find_verb(const char *name)
{
	size_t i;

	for (i = 0; i < N_VERBS; i++)
		if (!strcmp(verbs[i].name, name))
			return &verbs[i];
	return NULL;
}

/* Global options come before the verb, as with iw and wg. */
static int global_opt(const char *arg)
{
	if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(arg, "-v") || !strcmp(arg, "--version")) {
		printf("ksvcctl version %s\n", KSVCCTL_VERSION);
		return 0;
	}
	return usage_error(NULL, "unknown flag: %s", arg);
}

int main(int argc, char **argv)
{
	const struct verb *v;
	int ret;

	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	if (argv[1][0] == '-')
		return global_opt(argv[1]);
	v = find_verb(argv[1]);
	if (!v)
		return usage_error(NULL, "unknown command \"%s\" for \"ksvcctl\"",
				   argv[1]);
	opterr = 0;	/* verbs word getopt's complaints themselves */
	ret = v->fn(argc - 1, argv + 1);
	ksvc_nl_close();
	return ret;
}
