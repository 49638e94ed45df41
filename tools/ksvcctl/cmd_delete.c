// SPDX-License-Identifier: GPL-2.0
/*
 * ksvcctl delete: by the files that created the services, or by name.
 * A missing service is an error (as in kubectl) but does not stop the
 * others from being deleted.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "flags.h"
#include "load.h"
#include "nl.h"
#include "plan.h"
#include "print_plan.h"
#include "svc_req.h"

static const char usage[] =
	"Usage: ksvcctl delete -f FILE|DIR|- [-f ...]\n"
	"       ksvcctl delete service|svc|services NAME... [-n NAMESPACE]\n"
	"\n"
	"Delete services from the kernel.\n"
	"\n"
	"Options:\n"
	"  -f, --filename=PATH     delete the Services this YAML describes; repeatable\n"
	"  -n, --namespace=NS      namespace of the NAMEs (default \"default\")\n"
	"      --ignore-not-found  a missing service is not an error\n"
	"      --dry-run=MODE      client: print what would be deleted, without\n"
	"                          the kernel; server: the kernel checks the\n"
	"                          deletions as one transaction, deletes nothing\n"
	"      --validate=MODE     unknown fields: strict (default), warn, ignore\n"
	"  -h, --help              show this help\n";

enum { OPT_IGNORE_NOT_FOUND = OPT_VERB };

static const struct option opts[] = {
	{ "filename", required_argument, NULL, 'f' },
	{ "dry-run", optional_argument, NULL, OPT_DRY_RUN },
	{ "validate", optional_argument, NULL, OPT_VALIDATE },
	{ "namespace", required_argument, NULL, 'n' },
	{ "ignore-not-found", no_argument, NULL, OPT_IGNORE_NOT_FOUND },
	{ "help", no_argument, NULL, 'h' },
	{ 0 }
};

struct del_args {
	struct file_flags files;	/* -f, --dry-run, --validate */
	const char *ns;
	char **names;
	size_t n_names;
	bool ignore_not_found;
};

static void print_skipped(const struct m_service *s)
{
	printf("service/%s skipped (ExternalName is not proxied)\n", s->name);
}

static int delete_one(const struct del_args *a, const char *ns,
		      const char *name)
{
	char ctx[160];
	int err = req_svc_del(ns, name);

	if (!err) {
		printf("service \"%s\" deleted\n", name);
		return 0;
	}
	if (err == -ENOENT) {
		if (a->ignore_not_found)
			return 0;
		fprintf(stderr, "Error from server (NotFound): services \"%s\" not found\n",
			name);
		return -1;
	}
	snprintf(ctx, sizeof(ctx), "service %s/%s", ns, name);
	ksvc_nl_perror(ctx, err);
	return -1;
}

static int delete_names(const struct del_args *a)
{
	int ret = 0;
	size_t i;

	if (ksvc_nl_open() < 0)
		return 1;
	for (i = 0; i < a->n_names; i++)
		if (delete_one(a, a->ns, a->names[i]))
			ret = 1;
	return ret;
}

/*
 * All the deletions as one KSVC_CMD_BATCH: one round trip and one
 * conntrack walk, not one of each per service.  The batch is all or
 * nothing, so where it fails (a service is missing, say) nothing was
 * deleted and delete_model() goes on one by one, with kubectl's messages.
 * Returns 0 once everything is deleted and printed.
 */
static int delete_batch(const struct model *m)
{
	struct batch_result *res;
	struct plan p;
	size_t i, n;
	int err;

	plan_from_model(&p, m, KSVC_OP_DELETE, NULL);
	err = req_batch(p.ops, p.n, 0, &res, &n);
	plan_free(&p);
	if (err)
		return err;
	free(res);
	/* In the order of the input, as the one-by-one loop prints. */
	for (i = 0; i < m->n_svcs; i++)
		if (m->svcs[i].type == M_EXTERNAL_NAME)
			print_skipped(&m->svcs[i]);
		else
			printf("service \"%s\" deleted\n", m->svcs[i].name);
	return 0;
}

static int delete_model(const struct del_args *a, const struct model *m)
{
	const struct m_service *s;
	int ret = 0;
	size_t i;

	for (i = 0; i < m->n_svcs; i++)
		if (m->svcs[i].type != M_EXTERNAL_NAME)
			break;
	/* Nothing to ask the kernel: no need for the module either. */
	if (i < m->n_svcs && ksvc_nl_open() < 0)
		return 1;
	if (i < m->n_svcs && !delete_batch(m))
		return 0;
	for (i = 0; i < m->n_svcs; i++) {
		s = &m->svcs[i];
		if (s->type == M_EXTERNAL_NAME) {
			print_skipped(s);
			continue;
		}
		if (delete_one(a, s->ns, s->name))
			ret = 1;
	}
	return ret;
}

/* --dry-run: all the deletions in one batch the kernel checks and forgets. */
static int delete_dry(const struct del_args *a, const struct model *m)
{
	struct batch_result *res;
	struct plan p;
	size_t n;
	int err = 0;

	plan_from_model(&p, m, KSVC_OP_DELETE, stdout);
	if (a->files.dry_run == DRY_RUN_CLIENT) {
		plan_print_client(&p, stdout);
	} else if (p.n && ksvc_nl_open() < 0) {
		err = -EIO;
	} else if (p.n) {
		err = req_batch(p.ops, p.n, KSVC_BATCH_F_DRY_RUN, &res, &n);
		if (err) {
			plan_report_error(&p, err, ksvc_nl_err_offset(),
					  ksvc_nl_extack(), stderr);
		} else {
			plan_print_results(&p, res, n, a->files.dry_run, stdout);
			free(res);
		}
	}
	plan_free(&p);
	return err ? 1 : 0;
}

static int delete_files(const struct del_args *a)
{
	const struct file_flags *f = &a->files;
	struct load_opts o = { .unknown = f->validate };
	struct model m = { 0 };
	int ret = model_load_opts(f->paths, f->n_paths, &m, &o) < 0 ? 1 :
		  f->dry_run ? delete_dry(a, &m) : delete_model(a, &m);

	model_free(&m);
	return ret;
}

static int parse_opts(int argc, char **argv, struct del_args *a)
{
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":f:n:h", opts, NULL)) != -1) {
		if (parse_file_flag("delete", c, &a->files, &ret)) {
			if (ret >= 0)
				return ret;
			continue;
		}
		switch (c) {
		case 'n':
			a->ns = optarg;
			break;
		case OPT_IGNORE_NOT_FOUND:
			a->ignore_not_found = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return opt_error("delete", argv, c);
		}
	}
	return -1;
}

/* What is left after the options: "service NAME..." or nothing with -f. */
static int parse_args(int argc, char **argv, struct del_args *a)
{
	if (a->files.n_paths && optind < argc)
		return usage_error("delete", "specify either -f or service NAME..., not both");
	if (a->files.n_paths && a->ns)
		return usage_error("delete", "-n cannot be used with -f: the YAML names the namespace");
	if (a->files.n_paths)
		return -1;
	if (a->files.dry_run)
		return usage_error("delete", "--dry-run is for delete -f");
	if (optind >= argc)
		return usage_error("delete", "You must provide one or more resources by argument or filename.");
	if (!is_service_resource(argv[optind]))
		return usage_error("delete", "the server doesn't have a resource type \"%s\"",
				   argv[optind]);
	a->names = &argv[optind + 1];
	a->n_names = argc - optind - 1;
	if (!a->n_names)
		return usage_error("delete", "resource(s) were provided, but no name was specified");
	if (!a->ns)
		a->ns = KSVCCTL_DEFAULT_NS;
	return -1;
}

int cmd_delete(int argc, char **argv)
{
	struct del_args a = { .files.paths = calloc(argc, sizeof(char *)) };
	int ret;

	if (!a.files.paths)
		return 1;
	ret = parse_opts(argc, argv, &a);
	if (ret < 0)
		ret = parse_args(argc, argv, &a);
	if (ret < 0)
		ret = a.files.n_paths ? delete_files(&a) : delete_names(&a);
	free(a.files.paths);
	return ret;
}
