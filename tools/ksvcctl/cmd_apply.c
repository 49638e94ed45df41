// SPDX-License-Identifier: GPL-2.0
/*
 * ksvcctl apply: everything is read and validated first, so a typo in the
 * last document cannot leave the kernel with half of the files applied.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "load.h"
#include "nl.h"
#include "svc_req.h"

static const char usage[] =
	"Usage: ksvcctl apply -f FILE|DIR|- [-f ...]\n"
	"\n"
	"Create or update the Services in the YAML in the kernel.  EndpointSlices,\n"
	"Endpoints and Pods in the same input give those Services their backends;\n"
	"a Service with no such object keeps the backends the kernel has.\n"
	"Nothing is sent unless every document is valid.\n"
	"\n"
	"Options:\n"
	"  -f, --filename=PATH  a file, a directory, or - for stdin; repeatable\n"
	"  -h, --help           show this help\n";

static const struct option opts[] = {
	{ "filename", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 }
};

/* Returns an exit status, or -1 to go on with the -f paths collected. */
static int parse(int argc, char **argv, char ***paths, size_t *n)
{
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			(*paths)[(*n)++] = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return opt_error("apply", argv, c);
		}
	}
	if (optind < argc)
		return usage_error("apply", "unexpected argument \"%s\"", argv[optind]);
	if (!*n)
		return usage_error("apply", "must specify -f");
	return -1;	/* go on */
}

/* SVC_GET first: NEW's EEXIST could also mean "address held by another". */
static int apply_one(const struct m_service *s)
{
	char ctx[160];
	bool exists;
	int err;

	snprintf(ctx, sizeof(ctx), "service %s/%s", s->ns, s->name);
	err = req_svc_get(s->ns, s->name, NULL);
	if (err && err != -ENOENT)
		goto fail;
	exists = !err;
	err = req_svc_put(s, exists ? KSVC_CMD_SVC_SET : KSVC_CMD_SVC_NEW);
	if (err)
		goto fail;
	ksvc_nl_warn(ctx);
	printf("service/%s %s\n", s->name, exists ? "configured" : "created");
	return 0;
fail:
	ksvc_nl_perror(ctx, err);
	return -1;
}

static int apply_model(const struct model *m)
{
	int ret = 0;
	size_t i;

	if (!m->n_svcs)
		return usage_error("apply", "no services passed to apply");
	for (i = 0; i < m->n_svcs; i++) {
		if (m->svcs[i].type == M_EXTERNAL_NAME) {
			printf("service/%s skipped (ExternalName is not proxied)\n",
			       m->svcs[i].name);
			continue;
		}
		if (ksvc_nl_open() < 0)
			return 1;
		if (apply_one(&m->svcs[i]))
			ret = 1;	/* kubectl goes on with the others */
	}
	return ret;
}

int cmd_apply(int argc, char **argv)
{
	struct model m = { 0 };
	char **paths = calloc(argc, sizeof(*paths));
	size_t n = 0;
	int ret;

	if (!paths)
		return 1;
	ret = parse(argc, argv, &paths, &n);
	if (ret < 0) {
		ret = model_load(paths, n, &m) < 0 ? 1 : apply_model(&m);
		model_free(&m);
	}
	free(paths);
	return ret;
}
