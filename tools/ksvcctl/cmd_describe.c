// SPDX-License-Identifier: GPL-2.0
/*
 * ksvcctl describe services: "kubectl describe service" from what the
 * kernel holds, every backend included.  Named services are fetched one
 * SVC_GET doit each; otherwise one dump, where a service whose backends
 * did not fit the dump message is fetched again with a doit.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/netlink.h>

#include "cmd.h"
#include "describe.h"
#include "nl.h"

static const char usage[] =
	"Usage: ksvcctl describe services|service|svc [NAME...] [-n NAMESPACE | -A]\n"
	"\n"
	"Show the services the kernel holds as \"kubectl describe service\" does,\n"
	"with ksvc's own lines before Events: the scheduler, the counters of each\n"
	"port, and every backend with its conditions, node and counters.\n"
	"A single NAME that matches no service describes those whose names start\n"
	"with it, as kubectl does.\n"
	"\n"
	"Options:\n"
	"  -n, --namespace=NS      only this namespace (default \"default\")\n"
	"  -A, --all-namespaces    every namespace\n"
	"  -h, --help              show this help\n";

static const struct option opts[] = {
	{ "namespace", required_argument, NULL, 'n' },
	{ "all-namespaces", no_argument, NULL, 'A' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 }
};

struct detail_list {
	struct svc_detail *v;
	size_t n, cap;
	const char *ns;		/* keep only this namespace; NULL = all */
	const char *prefix;	/* keep only names starting so; NULL = all */
};

static int list_add(struct detail_list *l, struct svc_detail *d)
{
	struct svc_detail *v;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 32;
		v = realloc(l->v, l->cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->v = v;
	}
	l->v[l->n++] = *d;
	return 0;
}

static void list_free(struct detail_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		svc_detail_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int cmp_detail(const void *a, const void *b)
{
	const struct wire_svc *x = &((const struct svc_detail *)a)->svc;
	const struct wire_svc *y = &((const struct svc_detail *)b)->svc;
	int c = strcmp(x->ns, y->ns);

	return c ? c : strcmp(x->name, y->name);
}

/* Reply callback: decode into the list, unless filtered out. */
static int on_reply(struct nlmsghdr *nlh, void *arg)
{
	struct detail_list *l = arg;
	struct svc_detail d;
	int err = svc_detail_decode(nlh, &d);

	if (!err && ((l->ns && strcmp(d.svc.ns, l->ns)) ||
		     (l->prefix && strncmp(d.svc.name, l->prefix,
					   strlen(l->prefix))))) {
		svc_detail_free(&d);
		return 0;
	}
	if (!err)
		err = list_add(l, &d);
	if (err)
		svc_detail_free(&d);
	return err;
}

/* SVC_GET doit (@name) or dump (@name NULL; @ns NULL: every namespace). */
static int request(const char *ns, const char *name, struct detail_list *l)
{
	struct nl_msg *msg = ksvc_msg_new(KSVC_CMD_SVC_GET,
					  name ? 0 : NLM_F_DUMP, 0);

	if (!msg)
		return -ENOMEM;
	if ((ns || name) && ksvc_put_svc_key(msg, ns, name)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return ksvc_nl_talk(msg, on_reply, l);
}

static void print_all(const struct detail_list *l)
{
	size_t i;

	/* kubectl writes "\n\n" before every description but the first. */
	for (i = 0; i < l->n; i++) {
		if (i)
			fputs("\n\n", stdout);
		describe_svc(stdout, &l->v[i]);
	}
}

static void not_found(const char *name)
{
	fprintf(stderr, "Error from server (NotFound): services \"%s\" not found\n",
		name);
}

static void perror_svc(const char *ns, const char *name, int err)
{
	char ctx[160];

	snprintf(ctx, sizeof(ctx), "service %s/%s", ns, name);
	ksvc_nl_perror(ctx, err);
}

/* A dump leaves out the backends of huge services: fetch those again. */
static int refetch_partial(struct detail_list *l)
{
	struct detail_list one = { 0 };
	struct svc_detail *d;
	size_t i;
	int err;

	for (i = 0; i < l->n; i++) {
		d = &l->v[i];
		if (!svc_detail_partial(d))
			continue;
		err = request(d->svc.ns, d->svc.name, &one);
		if (!err && one.n == 1) {
			svc_detail_free(d);
			*d = one.v[0];
			one.n = 0;
		} else if (err && err != -ENOENT) {	/* gone: show the dump's */
			perror_svc(d->svc.ns, d->svc.name, err);
			list_free(&one);
			return 1;
		}
		list_free(&one);
	}
	return 0;
}

static int describe_all(const struct svc_args *a, const char *prefix,
			struct detail_list *l)
{
	int err;

	l->ns = a->all ? NULL : a->ns;
	l->prefix = prefix;
	err = request(l->ns, NULL, l);
	if (err) {
		ksvc_nl_perror("listing services", err);
		return 1;
	}
	qsort(l->v, l->n, sizeof(*l->v), cmp_detail);
	return refetch_partial(l);
}

/*
 * Named services: each missing one is reported, the others still shown.
 * One name that matches nothing describes the services it is a prefix of
 * (kubectl's DescribeMatchingResources), NotFound only if there are none.
 */
static int describe_names(const struct svc_args *a, struct detail_list *l)
{
	int ret = 0, err;
	size_t i;

	l->ns = a->ns;
	for (i = 0; i < a->n_names; i++) {
		err = request(a->ns, a->names[i], l);
		if (!err)
			continue;
		if (err == -ENOENT && a->n_names == 1) {
			ret = describe_all(a, a->names[0], l);
			if (!ret && !l->n) {
				not_found(a->names[0]);
				ret = 1;
			}
			return ret;
		}
		ret = 1;
		if (err == -ENOENT)
			not_found(a->names[i]);
		else
			perror_svc(a->ns, a->names[i], err);
	}
	return ret;
}

static int parse_opts(int argc, char **argv, struct svc_args *a)
{
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":n:Ah", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			a->ns = optarg;
			break;
		case 'A':
			a->all = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return opt_error("describe", argv, c);
		}
	}
	return -1;
}

static int parse_args(int argc, char **argv, struct svc_args *a)
{
	return svc_args_parse("describe", "You must specify the type of resource to describe. Use \"ksvcctl describe services\"",
			      argc, argv, a);
}

int cmd_describe(int argc, char **argv)
{
	struct svc_args a = { 0 };
	struct detail_list l = { 0 };
	int ret = parse_opts(argc, argv, &a);

	if (ret < 0)
		ret = parse_args(argc, argv, &a);
	if (ret >= 0)
		return ret;
	if (ksvc_nl_open() < 0)
		return 1;
	ret = a.n_names ? describe_names(&a, &l) : describe_all(&a, NULL, &l);
	print_all(&l);
	if (!a.n_names && !ret && !l.n) {
		if (a.all)
			fprintf(stderr, "No resources found\n");
		else
			fprintf(stderr, "No resources found in %s namespace.\n",
				a.ns);
	}
	list_free(&l);
	return ret;
}
