// SPDX-License-Identifier: GPL-2.0
/*
 * ksvcctl create: like apply, everything is read and validated first, but
 * only SVC_NEW is sent: a service that exists is an error (AlreadyExists,
 * kubectl's words) and is left as it is; the others are still created.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "create.h"
#include "flags.h"
#include "load.h"
#include "nl.h"
#include "plan.h"
#include "print_plan.h"
#include "svc_req.h"

static const char usage[] =
	"Usage: ksvcctl create -f FILE|DIR|- [-f ...]\n"
	"\n"
	"Create the Services in the YAML in the kernel; one that exists already\n"
	"is an error (AlreadyExists) and is left unchanged, the others are still\n"
	"created.  EndpointSlices, Endpoints and Pods in the same input give the\n"
	"Services their backends.  Nothing is sent unless every document is valid.\n"
	"\n"
	"Options:\n"
	"  -f, --filename=PATH  a file, a directory, or - for stdin; repeatable\n"
	"      --dry-run=MODE   client: validate and print, without the kernel;\n"
	"                       server: the kernel checks all of them as one\n"
	"                       transaction and reports, nothing changes\n"
	"      --validate=MODE  unknown fields: strict (default), warn, ignore\n"
	"  -h, --help           show this help\n";

static const struct option opts[] = {
	{ "filename", required_argument, NULL, 'f' },
	{ "dry-run", optional_argument, NULL, OPT_DRY_RUN },
	{ "validate", optional_argument, NULL, OPT_VALIDATE },
	{ "help", no_argument, NULL, 'h' },
	{ 0 }
};

static enum dry_run dry_run;
static struct load_opts load_opts;

/* Returns an exit status, or -1 to go on with the -f paths collected. */
static int parse(int argc, char **argv, char **paths, size_t *n)
{
	struct file_flags f = { .paths = paths };
	int c, ret;

	optind = 0;
	dry_run = DRY_RUN_NONE;
	memset(&load_opts, 0, sizeof(load_opts));
	while ((c = getopt_long(argc, argv, ":f:h", opts, NULL)) != -1) {
		if (parse_file_flag("create", c, &f, &ret)) {
			if (ret >= 0)
				return ret;
			continue;
		}
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return opt_error("create", argv, c);
		}
	}
	if (optind < argc)
		return usage_error("create", "unexpected argument \"%s\"", argv[optind]);
	if (!f.n_paths)
		return usage_error("create", "must specify -f");
	*n = f.n_paths;
	dry_run = f.dry_run;
	load_opts.unknown = f.validate;
	return -1;
}

void create_report(FILE *f, const char *ns, const char *name, int err,
		   bool name_taken, const char *extack)
{
	const char *se = strerror(err < 0 ? -err : err);
	const char *msg = extack;

	if ((err == -EEXIST || err == EEXIST) && name_taken) {
		fprintf(f, "Error from server (AlreadyExists): services \"%s\" already exists\n",
			name);
		return;
	}
	/* ksvc_nl_perror()'s wording, with the extack given. */
	if (!msg)
		msg = ksvc_errno_text(err);
	if (!msg)
		fprintf(f, "error: service %s/%s: %s\n", ns, name, se);
	else if (!strncmp(msg, se, strlen(se)))
		fprintf(f, "error: service %s/%s: %s\n", ns, name, msg);
	else
		fprintf(f, "error: service %s/%s: %s (%s)\n", ns, name, msg, se);
}

/*
 * EEXIST from SVC_NEW means the name is taken, or another service holds
 * one of this one's frontends: a SVC_GET of the name tells which.
 */
static int create_one(const struct m_service *s)
{
	char ctx[160], extack[512] = "";
	bool taken = false;
	int err;

	err = req_svc_put(s, KSVC_CMD_SVC_NEW);
	if (!err) {
		snprintf(ctx, sizeof(ctx), "service %s/%s", s->ns, s->name);
		ksvc_nl_warn(ctx);
		printf("service/%s created\n", s->name);
		return 0;
	}
	if (ksvc_nl_extack())	/* the GET below forgets it */
		snprintf(extack, sizeof(extack), "%s", ksvc_nl_extack());
	if (err == -EEXIST)
		taken = !req_svc_get(s->ns, s->name, NULL);
	create_report(stderr, s->ns, s->name, err, taken,
		      extack[0] ? extack : NULL);
	return -1;
}

/* --dry-run: every CREATE in one batch the kernel checks and forgets. */
static int create_dry(const struct model *m)
{
	struct batch_result *res;
	struct plan p;
	size_t n;
	int err = 0;

	plan_from_model(&p, m, KSVC_OP_CREATE, stdout);
	if (dry_run == DRY_RUN_CLIENT) {
		plan_print_client(&p, stdout);
	} else if (p.n && ksvc_nl_open() < 0) {
		err = -EIO;	/* ksvc_nl_open() said why */
	} else if (p.n) {
		err = req_batch(p.ops, p.n, KSVC_BATCH_F_DRY_RUN, &res, &n);
		if (err) {
			plan_report_error(&p, err, ksvc_nl_err_offset(),
					  ksvc_nl_extack(), stderr);
		} else {
			plan_print_results(&p, res, n, dry_run, stdout);
			free(res);
		}
	}
	plan_free(&p);
	return err ? 1 : 0;
}

static int create_model(const struct model *m)
{
	int ret = 0;
	size_t i;

	if (!m->n_svcs)
		return usage_error("create", "no services passed to create");
	if (dry_run != DRY_RUN_NONE)
		return create_dry(m);
	for (i = 0; i < m->n_svcs; i++) {
		if (m->svcs[i].type == M_EXTERNAL_NAME) {
			printf("service/%s skipped (ExternalName is not proxied)\n",
			       m->svcs[i].name);
			continue;
		}
		if (ksvc_nl_open() < 0)
			return 1;
		if (create_one(&m->svcs[i]))
			ret = 1;	/* kubectl goes on with the others */
	}
	return ret;
}

int cmd_create(int argc, char **argv)
{
	struct model m = { 0 };
	char **paths = calloc(argc, sizeof(*paths));
	size_t n = 0;
	int ret;

	if (!paths)
		return 1;
	ret = parse(argc, argv, paths, &n);
	if (ret < 0) {
		ret = model_load_opts(paths, n, &m, &load_opts) < 0 ? 1 :
		      create_model(&m);
		model_free(&m);
	}
	free(paths);
	return ret;
}
