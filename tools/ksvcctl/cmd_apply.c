// SPDX-License-Identifier: GPL-2.0
/*
 * ksvcctl apply: everything is read and validated first, then every
 * Service goes to the kernel in ONE KSVC_CMD_BATCH, which applies all of
 * them or none: a clash in the last service leaves the kernel as it was.
 *
 * --prune adds DELETE ops for the services of the namespace (or of all
 * namespaces) that the input does not name.  The kernel's list comes from
 * a dump made just before the batch: a service someone creates between
 * the two is not pruned (the next apply --prune will).
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "flags.h"
#include "load.h"
#include "nl.h"
#include "nl_cfg.h"
#include "plan.h"
#include "print_plan.h"
#include "svc_req.h"
#include "trace.h"

static const char usage[] =
	"Usage: ksvcctl apply -f FILE|DIR|- [-f ...] [-n NAMESPACE]\n"
	"                     [--prune (-n NAMESPACE | --all)] [--dry-run=client|server]\n"
	"                     [--validate=strict|warn|ignore]\n"
	"\n"
	"Create or update the Services in the YAML in the kernel, all in one\n"
	"transaction: either every Service is applied or, on the first error,\n"
	"none is.  EndpointSlices, Endpoints and Pods in the same input give\n"
	"those Services their backends; a Service with no such object keeps\n"
	"the backends the kernel has.  Without clusterIP or nodePort the kernel\n"
	"allocates one (or keeps the one the service has).\n"
	"\n"
	"Options:\n"
	"  -f, --filename=PATH     a file, a directory, or - for stdin; repeatable\n"
	"  -n, --namespace=NS      objects without a namespace are in NS; others\n"
	"                          must be in NS\n"
	"      --prune             delete the services of NS (all namespaces with\n"
	"                          --all) that the input does not name, in the same\n"
	"                          transaction; one created meanwhile is kept\n"
	"      --all               with --prune: every namespace\n"
	"      --dry-run=MODE      client: validate and print, without the kernel;\n"
	"                          server: the kernel checks everything and reports,\n"
	"                          nothing changes; none (default)\n"
	"      --validate=MODE     unknown fields are errors (strict, true; default),\n"
	"                          warnings (warn) or not checked (ignore, false)\n"
	"  -h, --help              show this help\n";

enum { OPT_PRUNE = OPT_VERB, OPT_ALL };

static const struct option opts[] = {
	{ "filename", required_argument, NULL, 'f' },
	{ "namespace", required_argument, NULL, 'n' },
	{ "prune", no_argument, NULL, OPT_PRUNE },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "dry-run", optional_argument, NULL, OPT_DRY_RUN },
	{ "validate", optional_argument, NULL, OPT_VALIDATE },
	{ "help", no_argument, NULL, 'h' },
	{ 0 }
};

struct apply_args {
	struct file_flags files;	/* -f, --dry-run, --validate */
	const char *ns;
	bool prune, all;
};

static int parse_opt(int c, char **argv, struct apply_args *a)
{
	int ret;

	if (parse_file_flag("apply", c, &a->files, &ret))
		return ret;
	switch (c) {
	case 'n':
		a->ns = optarg;
		return -1;
	case OPT_PRUNE:
		a->prune = true;
		return -1;
	case OPT_ALL:
		a->all = true;
		return -1;
	case 'h':
		fputs(usage, stdout);
		return 0;
	default:
		return opt_error("apply", argv, c);
	}
}

/* Returns an exit status, or -1 to go on. */
static int apply_parse(int argc, char **argv, struct apply_args *a)
{
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":f:n:h", opts, NULL)) != -1) {
		ret = parse_opt(c, argv, a);
		if (ret >= 0)
			return ret;
	}
	if (optind < argc)
		return usage_error("apply", "unexpected argument \"%s\"", argv[optind]);
	if (!a->files.n_paths)
		return usage_error("apply", "must specify -f");
	if (a->all && !a->prune)
		return usage_error("apply", "--all is only for --prune");
	if (a->prune && !a->ns && !a->all)
		return usage_error("apply", "--prune needs -n NAMESPACE or --all: it deletes the services of a namespace that the input does not name");
	if (a->prune && a->files.dry_run == DRY_RUN_CLIENT)
		return usage_error("apply", "--prune needs the kernel's services: use --dry-run=server");
	return -1;
}

static int add_prune(struct plan *p, const struct apply_args *a,
		     const struct model *m)
{
	struct wire_svc *have;
	size_t n;
	int err = req_svc_list(a->all ? NULL : a->ns, &have, &n);

	if (err) {
		ksvc_nl_perror("listing services to prune", err);
		return -1;
	}
	plan_add_prune(p, m, have, n);
	/* The ops point into @have: keep it until the plan is done. */
	p->keep = have;
	p->n_keep = n;
	return 0;
}

static int send_plan(struct plan *p, enum dry_run dr)
{
	uint32_t flags = dr == DRY_RUN_SERVER ? KSVC_BATCH_F_DRY_RUN : 0;
	struct batch_result *res;
	size_t n;
	int err;

	if (dr == DRY_RUN_CLIENT) {
		plan_print_client(p, stdout);
		return 0;
	}
	if (!p->n)
		return 0;
	err = req_batch(p->ops, p->n, flags, &res, &n);
	if (err) {
		plan_report_error(p, err, ksvc_nl_err_offset(), ksvc_nl_extack(),
				  stderr);
		return 1;
	}
	plan_print_results(p, res, n, dr, stdout);
	ksvc_nl_warn("apply");
	free(res);
	trace_step("print");
	return 0;
}

static void *free_sources(void *m)
{
	model_free_sources(m);
	return NULL;
}

static int apply_run(const struct apply_args *a)
{
	struct load_opts o = { .unknown = a->files.validate, .ns = a->ns };
	struct model m = { 0 };
	bool freeing;
	struct plan p;
	pthread_t t;
	int ret = 1;

	trace_begin();
	if (a->files.dry_run != DRY_RUN_CLIENT) {
		if (ksvc_nl_open() < 0)
			return 1;
		req_nodeport_range(&o.nodeport_min, &o.nodeport_max);
	}
	trace_step("open");
	if (model_load_opts(a->files.paths, a->files.n_paths, &m, &o) < 0)
		return 1;
	if (!m.n_svcs && !a->prune) {
		model_free(&m);
		return usage_error("apply", "no services passed to apply");
	}
	/*
	 * The slices and pods are spent once the services are resolved: free
	 * them on another CPU while this one plans, encodes and waits for the
	 * kernel (a third of the model's frees at 10000 services).
	 */
	freeing = !pthread_create(&t, NULL, free_sources, &m);
	plan_from_model(&p, &m, KSVC_OP_APPLY, stdout);
	trace_step("plan");
	if (!a->prune || !add_prune(&p, a, &m))
		ret = send_plan(&p, a->files.dry_run);
	plan_free(&p);
	if (freeing)
		pthread_join(t, NULL);
	model_free(&m);
	trace_step("free");
	return ret;
}

int cmd_apply(int argc, char **argv)
{
	struct apply_args a = { .files.paths = calloc(argc, sizeof(char *)) };
	int ret;

	if (!a.files.paths)
		return 1;
	ret = apply_parse(argc, argv, &a);
	if (ret < 0)
		ret = apply_run(&a);
	free(a.files.paths);
	return ret;
}
