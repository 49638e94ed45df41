/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The verbs, and the helpers main.c gives them so that every verb
 * reports usage errors the same way (kubectl's wording, exit status 1).
 */
#ifndef KSVCCTL_CMD_H
#define KSVCCTL_CMD_H

#include <stdbool.h>
#include <stddef.h>

/* Each verb gets argv[0] = its own name; returns the exit status. */
int cmd_apply(int argc, char **argv);
int cmd_delete(int argc, char **argv);
int cmd_get(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_watch(int argc, char **argv);

/* "error: ..." and a pointer to "ksvcctl VERB --help"; returns 1. */
int usage_error(const char *verb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Report what getopt_long() refused (@opt is '?' or ':'); returns 1. */
int opt_error(const char *verb, char **argv, int opt);

/* "service", "services" or "svc". */
bool is_service_resource(const char *arg);

/* The services "get" and "describe" act on: by name, or all of them. */
struct svc_args {
	const char *ns;		/* -n, else KSVCCTL_DEFAULT_NS */
	bool all;		/* -A */
	char **names;
	size_t n_names;
};

/*
 * After @verb's options: "services [NAME...]" into @a; @missing is the
 * error when the resource type is missing.  Returns an exit status, or
 * -1 to go on.
 */
int svc_args_parse(const char *verb, const char *missing, int argc,
		   char **argv, struct svc_args *a);

struct wire_cfg_change;
/*
 * "config set" options into @c (exposed for tests): an exit status, or
 * -1 to go on and send @c.
 */
int config_set_parse(int argc, char **argv, struct wire_cfg_change *c);

#define KSVCCTL_DEFAULT_NS	"default"

#endif
