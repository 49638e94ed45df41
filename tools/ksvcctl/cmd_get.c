// SPDX-License-Identifier: GPL-2.0
/*
 * ksvcctl get services: what the kernel holds, in kubectl's columns.
 * The kernel keeps no selectors, so -o wide shows what it does keep:
 * the number of backends and of connections served.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "nl.h"
#include "print.h"
#include "print_obj.h"
#include "svc_req.h"

static const char usage[] =
	"Usage: ksvcctl get services|service|svc [NAME...] [-n NAMESPACE | -A]\n"
	"                   [-o wide|name|yaml|json] [--no-headers]\n"
	"\n"
	"List the services the kernel holds, as \"kubectl get services\" does.\n"
	"\n"
	"Options:\n"
	"  -n, --namespace=NS      only this namespace (default \"default\")\n"
	"  -A, --all-namespaces    every namespace, with a NAMESPACE column\n"
	"  -o, --output=FORMAT     wide: add ENDPOINTS (backend entries, all ports)\n"
	"                          and CONNECTIONS (new connections, all ports);\n"
	"                          name: service/NAME; yaml, json: Service objects\n"
	"                          (a List for a listing) that apply -f reads back\n"
	"      --no-headers        leave out the header line\n"
	"  -h, --help              show this help\n";

enum { OPT_NO_HEADERS = 256 };

static const struct option opts[] = {
	{ "namespace", required_argument, NULL, 'n' },
	{ "all-namespaces", no_argument, NULL, 'A' },
	{ "output", required_argument, NULL, 'o' },
	{ "no-headers", no_argument, NULL, OPT_NO_HEADERS },
	{ "help", no_argument, NULL, 'h' },
	{ 0 }
};

enum get_fmt { FMT_TABLE, FMT_WIDE, FMT_NAME, FMT_YAML, FMT_JSON };

struct get_args {
	struct svc_args svc;	/* -n, -A, the names */
	bool wide, no_headers;
	enum get_fmt fmt;
};

struct svc_list {
	struct wire_svc *v;
	size_t n, cap;
	const char *ns;		/* keep only this namespace; NULL = all */
};

static int list_add(struct wire_svc *s, void *arg)
{
	struct svc_list *l = arg;
	struct wire_svc *v;

	/* The kernel filters already; this guards against one that doesn't. */
	if (l->ns && strcmp(s->ns, l->ns)) {
		ksvc_svc_free(s);
		return 0;
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		v = realloc(l->v, l->cap * sizeof(*v));
		if (!v) {
			ksvc_svc_free(s);
			return -ENOMEM;
		}
		l->v = v;
	}
	l->v[l->n++] = *s;
	return 0;
}

static int cmp_svc(const void *a, const void *b)
{
	const struct wire_svc *x = a, *y = b;
	int c = strcmp(x->ns, y->ns);

	return c ? c : strcmp(x->name, y->name);
}

static const char *const columns[] = {
	"NAMESPACE", "NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)",
	"AGE", "ENDPOINTS", "CONNECTIONS",
};

/* NAMESPACE only with -A, the last two only with -o wide. */
static size_t n_columns(const struct get_args *a)
{
	return 6 + a->svc.all + (a->wide ? 2 : 0);
}

static int add_row(struct table *t, const struct get_args *a,
		   const struct wire_svc *s, int64_t now)
{
	char cip[64], ext[PRINT_FIELD_MAX], ports[PRINT_FIELD_MAX], age[32];
	char eps[24], conns[24];
	const char *row[] = { s->ns, s->name, svc_type_str(s), cip, ext,
			      ports, age, eps, conns };

	svc_cluster_ip(s, cip, sizeof(cip));
	svc_external_ip(s, a->wide, ext, sizeof(ext));
	svc_ports(s, ports, sizeof(ports));
	svc_age(s, now, age, sizeof(age));
	snprintf(eps, sizeof(eps), "%zu", svc_endpoints(s));
	snprintf(conns, sizeof(conns), "%" PRIu64, svc_conns(s));
	return table_add(t, a->svc.all ? row : row + 1);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int print_list(const struct get_args *a, const struct svc_list *l)
{
	int64_t now = now_ns();
	struct table t;
	int ret = 0;
	size_t i;

	table_init(&t, n_columns(a));
	if (!a->no_headers)
		ret = table_add(&t, a->svc.all ? columns : columns + 1);
	for (i = 0; i < l->n && !ret; i++)
		ret = add_row(&t, a, &l->v[i], now);
	if (!ret)
		table_print(&t, stdout);
	else
		fprintf(stderr, "error: out of memory\n");
	table_free(&t);
	return ret ? 1 : 0;
}

/* kubectl prints a List for every listing, the object for one name. */
static int print_any(const struct get_args *a, const struct svc_list *l)
{
	bool list = a->svc.n_names != 1;
	size_t i;
	int err;

	switch (a->fmt) {
	case FMT_NAME:
		for (i = 0; i < l->n; i++)
			printf("service/%s\n", l->v[i].name);
		return 0;
	case FMT_YAML:
	case FMT_JSON:
		if (!list && !l->n)
			return 0;	/* NotFound was said */
		err = a->fmt == FMT_YAML ? print_svcs_yaml(stdout, l->v, l->n, list) :
					   print_svcs_json(stdout, l->v, l->n, list);
		if (err)
			fprintf(stderr, "error: cannot write the output\n");
		return err ? 1 : 0;
	default:
		return l->n ? print_list(a, l) : 0;
	}
}

/* Named services: each missing one is reported, the others still shown. */
static int get_names(const struct get_args *a, struct svc_list *l)
{
	struct wire_svc s;
	char ctx[160];
	int ret = 0, err;
	size_t i;

	for (i = 0; i < a->svc.n_names; i++) {
		err = req_svc_get(a->svc.ns, a->svc.names[i], &s);
		if (!err)
			err = list_add(&s, l);
		if (!err)
			continue;
		ret = 1;
		if (err == -ENOENT) {
			fprintf(stderr, "Error from server (NotFound): services \"%s\" not found\n",
				a->svc.names[i]);
			continue;
		}
		snprintf(ctx, sizeof(ctx), "service %s/%s", a->svc.ns, a->svc.names[i]);
		ksvc_nl_perror(ctx, err);
	}
	return ret;
}

static int get_all(const struct get_args *a, struct svc_list *l)
{
	int err;

	l->ns = a->svc.all ? NULL : a->svc.ns;
	err = req_svc_dump(l->ns, list_add, l);
	if (err) {
		ksvc_nl_perror("listing services", err);
		return 1;
	}
	qsort(l->v, l->n, sizeof(*l->v), cmp_svc);
	if (l->n || a->fmt == FMT_YAML || a->fmt == FMT_JSON)
		return 0;	/* an empty List says it */
	if (a->svc.all)
		fprintf(stderr, "No resources found\n");
	else
		fprintf(stderr, "No resources found in %s namespace.\n", a->svc.ns);
	return 0;
}

static int parse_output(struct get_args *a, const char *fmt)
{
	static const char *const names[] = {
		[FMT_WIDE] = "wide", [FMT_NAME] = "name", [FMT_YAML] = "yaml",
		[FMT_JSON] = "json",
	};
	int i;

	if (fmt[0] == '=')	/* pflag takes -o=wide too */
		fmt++;
	for (i = FMT_WIDE; i <= FMT_JSON; i++)
		if (!strcmp(fmt, names[i])) {
			a->fmt = i;
			a->wide = i == FMT_WIDE;
			return -1;
		}
	return usage_error("get", "unable to match a printer suitable for the output format \"%s\", allowed formats are: json,name,wide,yaml",
			   fmt);
}

static int parse_opts(int argc, char **argv, struct get_args *a)
{
	int c, ret = -1;

	optind = 0;
	while (ret < 0 && (c = getopt_long(argc, argv, ":n:Ao:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			a->svc.ns = optarg;
			break;
		case 'A':
			a->svc.all = true;
			break;
		case 'o':
			ret = parse_output(a, optarg);
			break;
		case OPT_NO_HEADERS:
			a->no_headers = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return opt_error("get", argv, c);
		}
	}
	return ret;
}

static int parse_args(int argc, char **argv, struct get_args *a)
{
	return svc_args_parse("get", "you must specify the type of resource to get. Use \"ksvcctl get services\"",
			      argc, argv, &a->svc);
}

int cmd_get(int argc, char **argv)
{
	struct get_args a = { 0 };
	struct svc_list l = { 0 };
	int ret = parse_opts(argc, argv, &a);

	if (ret < 0)
		ret = parse_args(argc, argv, &a);
	if (ret >= 0)
		return ret;
	if (ksvc_nl_open() < 0)
		return 1;
	ret = a.svc.n_names ? get_names(&a, &l) : get_all(&a, &l);
	if (print_any(&a, &l))
		ret = 1;
	svc_list_free(l.v, l.n);
	return ret;
}
