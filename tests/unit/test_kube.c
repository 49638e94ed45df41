// SPDX-License-Identifier: GPL-2.0
/*
 * "ksvcctl speaks Kubernetes": the KSVC_CMD_BATCH that apply sends (ops,
 * chunks right after their service, dry-run flag, allocation requests),
 * the results it prints, kernel errors traced back to the document,
 * --dry-run=client lines, prune ops, --validate modes, and get -o
 * name|yaml|json: exact output and the round trip through the reader.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <cmocka.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "cmd.h"
#include "diag.h"
#include "flags.h"
#include "load.h"
#include "nl_batch.h"
#include "plan.h"
#include "print_plan.h"
#include "print_obj.h"
#include "resolve.h"
#include "validate.h"
#include "yaml_read.h"

int usage_error(const char *verb, const char *fmt, ...)
{
	(void)verb;
	(void)fmt;
	return 1;
}

/* ---- helpers ---- */

struct fx {
	struct model m;
	struct diag d;
};

static void fx_load(struct fx *f, const char *yaml, enum yaml_unknown u)
{
	memset(&f->m, 0, sizeof(f->m));
	diag_init(&f->d, NULL);
	yaml_read_buf_mode("t.yaml", yaml, strlen(yaml), &f->m, &f->d, u);
	validate_model(&f->m, &f->d, 30000, 32767);
	resolve_model(&f->m, &f->d);
	for (size_t i = 0; i < f->d.n_msgs; i++)
		print_message("  msg: %s\n", f->d.msgs[i]);
}

static void fx_free(struct fx *f)
{
	model_free(&f->m);
	diag_free(&f->d);
}

/* Run @fn with a memory FILE; returns the text (free it). */
static char *capture(void (*fn)(FILE *, void *), void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fn(f, arg);
	fclose(f);
	return buf;
}

static struct nl_msg *batch_msg(void)
{
	struct nl_msg *msg = nlmsg_alloc_size(1 << 20);

	assert_non_null(msg);
	assert_non_null(genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, 42, 0, 0,
				    KSVC_CMD_BATCH, KSVC_GENL_VERSION));
	return msg;
}

static struct nlattr *first_attr(struct nl_msg *msg, int *rem)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	*rem = genlmsg_attrlen(nlmsg_data(nlh), 0);
	return genlmsg_attrdata(nlmsg_data(nlh), 0);
}

static struct nlattr *svc_attr(struct nlattr *svc, int type)
{
	return nla_find(nla_data(svc), nla_len(svc), type);
}

#define SVC_A	"apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n"	\
		"  clusterIP: 10.96.0.1\n  ports: [{port: 80, targetPort: 8080}]\n"
#define SLICE_A	"---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n"	\
		"metadata:\n  name: a-1\n  labels: {kubernetes.io/service-name: a}\n" \
		"addressType: IPv4\nendpoints:\n- addresses: [10.1.0.1]\n"	\
		"- addresses: [10.1.0.2]\nports: [{port: 8080}]\n"
#define SVC_B	"---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\nspec:\n" \
		"  type: NodePort\n  ports: [{port: 81}]\n"

/* ---- batch encoding ---- */

static void batch_encoding(void **state)
{
	struct wire_svc have[2] = { { .ns = "default", .name = "a" },
				    { .ns = "default", .name = "old" } };
	struct fx f;
	struct plan p;
	struct nl_msg *msg = batch_msg();
	struct nlattr *a, *op;
	const char *want[] = { "flags", "svc:a", "chunk", "svc:b", "del:old" };
	int rem, i = 0;

	(void)state;
	fx_load(&f, SVC_A SLICE_A SVC_B, YAML_UNKNOWN_STRICT);
	assert_int_equal(f.d.errors, 0);
	plan_from_model(&p, &f.m, KSVC_OP_APPLY, stdout);
	plan_add_prune(&p, &f.m, have, 2);
	assert_int_equal(p.n, 3);
	assert_int_equal(ksvc_put_batch(msg, p.ops, p.n, KSVC_BATCH_F_DRY_RUN), 0);
	assert_true(nlmsg_hdr(msg)->nlmsg_len <= NLMSG_HDRLEN + GENL_HDRLEN +
		    ksvc_batch_size(p.ops, p.n));
	nla_for_each_attr(a, first_attr(msg, &rem), rem, rem) {
		char got[80];

		assert_true(i < 5);
		switch (nla_type(a)) {
		case KSVC_A_BATCH_FLAGS:
			assert_int_equal(nla_get_u32(a), KSVC_BATCH_F_DRY_RUN);
			snprintf(got, sizeof(got), "flags");
			break;
		case KSVC_A_BACKENDS:
			assert_int_equal(nla_get_u16(nla_find(nla_data(a), nla_len(a),
						     KSVC_BES_A_PORT)), 80);
			snprintf(got, sizeof(got), "chunk");
			break;
		case KSVC_A_SERVICE:
			op = svc_attr(a, KSVC_SVC_A_OP);
			assert_non_null(op);
			snprintf(got, sizeof(got), "%s:%s",
				 nla_get_u8(op) == KSVC_OP_DELETE ? "del" : "svc",
				 (char *)nla_data(svc_attr(a, KSVC_SVC_A_NAME)));
			if (nla_get_u8(op) == KSVC_OP_DELETE) {
				/* only the key */
				assert_null(svc_attr(a, KSVC_SVC_A_TYPE));
				assert_null(svc_attr(a, KSVC_SVC_A_PORTS));
			} else {
				assert_int_equal(nla_get_u8(op), KSVC_OP_APPLY);
			}
			break;
		default:
			fail();
		}
		assert_string_equal(got, want[i++]);
	}
	assert_int_equal(i, 5);
	/* each op's range: the error offset of its attributes finds it */
	assert_ptr_equal(ksvc_batch_at(p.ops, p.n, p.ops[1].start + 4), &p.ops[1]);
	assert_ptr_equal(ksvc_batch_at(p.ops, p.n, p.ops[0].end - 1), &p.ops[0]);
	assert_null(ksvc_batch_at(p.ops, p.n, 0));
	assert_true(p.ops[0].end <= p.ops[1].start);
	nlmsg_free(msg);
	plan_free(&p);
	fx_free(&f);
}

static void no_flags_no_attr(void **state)
{
	struct fx f;
	struct plan p;
	struct nl_msg *msg = batch_msg();
	int rem;

	(void)state;
	fx_load(&f, SVC_A, YAML_UNKNOWN_STRICT);
	plan_from_model(&p, &f.m, KSVC_OP_CREATE, stdout);
	assert_int_equal(ksvc_put_batch(msg, p.ops, p.n, 0), 0);
	assert_int_equal(nla_type(first_attr(msg, &rem)), KSVC_A_SERVICE);
	assert_int_equal(nla_get_u8(svc_attr(first_attr(msg, &rem), KSVC_SVC_A_OP)),
			 KSVC_OP_CREATE);
	nlmsg_free(msg);
	plan_free(&p);
	fx_free(&f);
}

/* The CLUSTER entries of the first service in @msg: "fam:zero,..." */
static void cluster_entries(struct nl_msg *msg, char *out, size_t len)
{
	int rem, r2;
	struct nlattr *svc = first_attr(msg, &rem), *e;
	struct nlattr *addrs = svc_attr(svc, KSVC_SVC_A_ADDRS);

	out[0] = '\0';
	nla_for_each_nested(e, addrs, r2) {
		struct nlattr *v4 = nla_find(nla_data(e), nla_len(e), KSVC_ADDR_A_IN);
		struct nlattr *v6 = nla_find(nla_data(e), nla_len(e), KSVC_ADDR_A_IN6);
		struct nlattr *a = v4 ? v4 : v6;
		static const uint8_t zero[16];
		size_t l = strlen(out);

		snprintf(out + l, len - l, "%s%s:%s", l ? "," : "", v4 ? "4" : "6",
			 memcmp(nla_data(a), zero, nla_len(a)) ? "set" : "zero");
	}
}

static void allocation_requests(void **state)
{
	static const struct {
		const char *spec, *want;
	} cases[] = {
		{ "  ports: [{port: 80}]\n", "4:zero" },
		{ "  clusterIP: \"\"\n  ports: [{port: 80}]\n", "4:zero" },
		{ "  ipFamilies: [IPv6]\n  ports: [{port: 80}]\n", "6:zero" },
		{ "  ipFamilies: [IPv6, IPv4]\n  ipFamilyPolicy: PreferDualStack\n"
		  "  ports: [{port: 80}]\n", "6:zero,4:zero" },
		{ "  ipFamilies: [IPv4, IPv6]\n  ipFamilyPolicy: RequireDualStack\n"
		  "  ports: [{port: 80}]\n", "4:zero,6:zero" },
		{ "  ipFamilies: [IPv4, IPv6]\n  ports: [{port: 80}]\n", "4:zero" },
		{ "  clusterIP: 10.96.0.5\n  ports: [{port: 80}]\n", "4:set" },
		{ "  clusterIP: None\n  ports: [{port: 80}]\n", "" },
	};
	char yaml[512], got[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nl_msg *msg = batch_msg();
		struct fx f;

		snprintf(yaml, sizeof(yaml), "apiVersion: v1\nkind: Service\n"
			 "metadata: {name: x}\nspec:\n%s", cases[i].spec);
		fx_load(&f, yaml, YAML_UNKNOWN_STRICT);
		assert_int_equal(f.d.errors, 0);
		assert_int_equal(ksvc_put_svc_op(msg, &f.m.svcs[0], KSVC_OP_APPLY), 0);
		cluster_entries(msg, got, sizeof(got));
		assert_string_equal(got, cases[i].want);
		nlmsg_free(msg);
		fx_free(&f);
	}
}

static void nodeport_allocation(void **state)
{
	struct nl_msg *msg = batch_msg();
	struct nlattr *ports, *e;
	struct fx f;
	int rem, n = 0;

	(void)state;
	fx_load(&f, "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec:\n"
		"  type: LoadBalancer\n  ports: [{name: a, port: 80}, {name: b, port: 81, nodePort: 30081}]\n",
		YAML_UNKNOWN_STRICT);
	assert_int_equal(f.d.errors, 0);
	assert_int_equal(ksvc_put_svc_op(msg, &f.m.svcs[0], KSVC_OP_APPLY), 0);
	ports = svc_attr(first_attr(msg, &rem), KSVC_SVC_A_PORTS);
	nla_for_each_nested(e, ports, rem) {
		struct nlattr *np = nla_find(nla_data(e), nla_len(e),
					     KSVC_PORT_A_NODE_PORT);

		if (n++ == 0)
			assert_null(np);	/* the kernel allocates */
		else
			assert_int_equal(nla_get_u16(np), 30081);
	}
	assert_int_equal(n, 2);
	nlmsg_free(msg);
	fx_free(&f);
}

/* ---- results ---- */

static void put_result(struct nl_msg *msg, const char *name, uint8_t r)
{
	struct nlattr *n = nla_nest_start(msg, KSVC_A_RESULT);

	assert_int_equal(nla_put_string(msg, KSVC_RES_A_NAMESPACE, "default"), 0);
	assert_int_equal(nla_put_string(msg, KSVC_RES_A_NAME, name), 0);
	assert_int_equal(nla_put_u8(msg, KSVC_RES_A_RESULT, r), 0);
	nla_nest_end(msg, n);
}

struct print_args {
	struct plan *p;
	struct batch_result *r;
	size_t n;
	enum dry_run dr;
};

static void print_results_fn(FILE *f, void *arg)
{
	struct print_args *a = arg;

	plan_print_results(a->p, a->r, a->n, a->dr, f);
}

static void print_client_fn(FILE *f, void *arg)
{
	plan_print_client(arg, f);
}

static void result_decoding(void **state)
{
	struct wire_svc have[1] = { { .ns = "default", .name = "old" } };
	struct nl_msg *msg = batch_msg();
	struct print_args pa = { 0 };
	struct plan p;
	struct fx f;
	char *out;

	(void)state;
	fx_load(&f, SVC_A SVC_B, YAML_UNKNOWN_STRICT);
	plan_from_model(&p, &f.m, KSVC_OP_APPLY, stdout);
	plan_add_prune(&p, &f.m, have, 1);
	put_result(msg, "a", KSVC_RESULT_CREATED);
	put_result(msg, "b", KSVC_RESULT_UNCHANGED);
	put_result(msg, "old", KSVC_RESULT_DELETED);
	pa.p = &p;
	assert_int_equal(ksvc_batch_decode(nlmsg_hdr(msg), &pa.r, &pa.n), 0);
	assert_int_equal(pa.n, 3);
	assert_string_equal(pa.r[1].name, "b");
	assert_int_equal(pa.r[2].result, KSVC_RESULT_DELETED);
	out = capture(print_results_fn, &pa);
	assert_string_equal(out, "service/a created\nservice/b unchanged\nservice/old pruned\n");
	free(out);
	pa.dr = DRY_RUN_SERVER;
	pa.r[0].result = KSVC_RESULT_CONFIGURED;
	out = capture(print_results_fn, &pa);
	assert_string_equal(out, "service/a configured (server dry run)\n"
			    "service/b unchanged (server dry run)\n"
			    "service/old pruned (server dry run)\n");
	free(out);
	free(pa.r);
	plan_free(&p);
	/* delete's words */
	plan_from_model(&p, &f.m, KSVC_OP_DELETE, stdout);
	pa.p = &p;
	pa.r = calloc(1, sizeof(*pa.r));
	pa.n = 1;
	strcpy(pa.r[0].ns, "default");
	strcpy(pa.r[0].name, "b");
	pa.r[0].result = KSVC_RESULT_DELETED;
	out = capture(print_results_fn, &pa);
	assert_string_equal(out, "service \"b\" deleted (server dry run)\n");
	free(out);
	free(pa.r);
	/* a result without its name is malformed */
	nlmsg_free(msg);
	msg = batch_msg();
	{
		struct nlattr *n = nla_nest_start(msg, KSVC_A_RESULT);

		nla_put_u8(msg, KSVC_RES_A_RESULT, 1);
		nla_nest_end(msg, n);
	}
	pa.r = NULL;
	pa.n = 0;
	assert_int_equal(ksvc_batch_decode(nlmsg_hdr(msg), &pa.r, &pa.n), -EBADMSG);
	free(pa.r);
	nlmsg_free(msg);
	plan_free(&p);
	fx_free(&f);
}

static void dry_run_client(void **state)
{
	struct plan p;
	struct fx f;
	char *out;

	(void)state;
	fx_load(&f, SVC_A SVC_B "---\napiVersion: v1\nkind: Service\nmetadata: {name: ext}\n"
		"spec: {type: ExternalName, externalName: example.com}\n",
		YAML_UNKNOWN_STRICT);
	assert_int_equal(f.d.errors, 0);
	plan_from_model(&p, &f.m, KSVC_OP_APPLY, stdout);
	assert_int_equal(p.n, 2);	/* ExternalName is not sent */
	out = capture(print_client_fn, &p);
	assert_string_equal(out, "service/a created (dry run)\nservice/b created (dry run)\n");
	free(out);
	plan_free(&p);
	plan_from_model(&p, &f.m, KSVC_OP_DELETE, stdout);
	assert_null(p.ops[0].svc);
	out = capture(print_client_fn, &p);
	assert_string_equal(out, "service \"a\" deleted (dry run)\nservice \"b\" deleted (dry run)\n");
	free(out);
	plan_free(&p);
	fx_free(&f);
}

/* ---- errors ---- */

struct err_args {
	struct plan *p;
	int err;
	uint32_t off;
	const char *extack;
};

static void report_fn(FILE *f, void *arg)
{
	struct err_args *a = arg;

	plan_report_error(a->p, a->err, a->off, a->extack, f);
}

static void error_to_document(void **state)
{
	struct wire_svc have[1] = { { .ns = "default", .name = "old" } };
	struct nl_msg *msg = batch_msg();
	struct plan p;
	struct fx f;
	struct err_args ea = { .p = &p, .err = -EEXIST };
	char *out;

	(void)state;
	fx_load(&f, SVC_A SLICE_A SVC_B, YAML_UNKNOWN_STRICT);
	plan_from_model(&p, &f.m, KSVC_OP_APPLY, stdout);
	plan_add_prune(&p, &f.m, have, 1);
	assert_int_equal(ksvc_put_batch(msg, p.ops, p.n, 0), 0);
	/* by offset: inside b's nest (b's document starts on line 20) */
	ea.off = p.ops[1].start + 20;
	ea.extack = "service default/b: failed to allocate IP 10.96.0.1: provided IP is already allocated (to default/a)";
	out = capture(report_fn, &ea);
	assert_string_equal(out, "t.yaml:20:1: error: service default/b: failed to allocate IP 10.96.0.1: provided IP is already allocated (to default/a)\n");
	free(out);
	/* no offset: the "service NS/NAME" the extack starts with */
	ea.off = 0;
	out = capture(report_fn, &ea);
	assert_string_equal(out, "t.yaml:20:1: error: service default/b: failed to allocate IP 10.96.0.1: provided IP is already allocated (to default/a)\n");
	free(out);
	/* an extack that does not name it gets the name */
	ea.off = p.ops[0].start;
	ea.extack = "nodePort 30080 is held by default/z";
	out = capture(report_fn, &ea);
	assert_string_equal(out, "t.yaml:1:1: error: service default/a: nodePort 30080 is held by default/z\n");
	free(out);
	/* a prune op has no document; no extack: our words */
	ea.off = p.ops[2].start + 4;
	ea.extack = NULL;
	ea.err = -ENOENT;
	out = capture(report_fn, &ea);
	assert_string_equal(out, "error: service default/old: service not found (No such file or directory)\n");
	free(out);
	/* "default/a" must not match "default/ab" */
	assert_null(plan_blame(&p, 0, "service default/ab: x"));
	nlmsg_free(msg);
	plan_free(&p);
	fx_free(&f);
}

/* ---- prune ---- */

static void prune_ops(void **state)
{
	struct wire_svc have[4] = {
		{ .ns = "default", .name = "a" },
		{ .ns = "default", .name = "gone" },
		{ .ns = "other", .name = "a" },
		{ .ns = "default", .name = "ext" },
	};
	struct plan p;
	struct fx f;

	(void)state;
	fx_load(&f, SVC_A "---\napiVersion: v1\nkind: Service\nmetadata: {name: ext}\n"
		"spec: {type: ExternalName, externalName: example.com}\n",
		YAML_UNKNOWN_STRICT);
	plan_from_model(&p, &f.m, KSVC_OP_APPLY, stdout);
	assert_int_equal(p.n, 1);
	plan_add_prune(&p, &f.m, have, 4);
	assert_int_equal(p.n, 3);
	assert_string_equal(p.ops[1].name, "gone");
	assert_string_equal(p.ops[2].ns, "other");
	for (size_t i = 1; i < 3; i++) {
		assert_true(p.ops[i].prune);
		assert_int_equal(p.ops[i].op, KSVC_OP_DELETE);
		assert_null(p.ops[i].svc);
	}
	plan_free(&p);
	fx_free(&f);
}

/* ---- --validate ---- */

static void validate_modes(void **state)
{
	const char *yaml = "apiVersion: v1\nkind: Service\nmetadata: {name: x}\n"
			   "spec:\n  prots: [{port: 1}]\n  ports: [{port: 80}]\n";
	enum yaml_unknown u;
	struct fx f;

	(void)state;
	fx_load(&f, yaml, YAML_UNKNOWN_STRICT);
	assert_int_equal(f.d.errors, 1);
	assert_true(diag_has(&f.d, "t.yaml:5:3: error: unknown field \"spec.prots\" (did you mean \"spec.ports\"?)"));
	assert_int_equal(f.m.n_svcs, 0);
	fx_free(&f);
	fx_load(&f, yaml, YAML_UNKNOWN_WARN);
	assert_int_equal(f.d.errors, 0);
	assert_int_equal(f.d.warnings, 1);
	assert_true(diag_has(&f.d, "t.yaml:5:3: warning: unknown field \"spec.prots\" (did you mean \"spec.ports\"?)"));
	assert_int_equal(f.m.n_svcs, 1);
	fx_free(&f);
	fx_load(&f, yaml, YAML_UNKNOWN_IGNORE);
	assert_int_equal(f.d.errors + f.d.warnings, 0);
	assert_int_equal(f.m.n_svcs, 1);
	fx_free(&f);
	/* flag values, kubectl's aliases */
	assert_int_equal(parse_validate("apply", "true", &u), -1);
	assert_int_equal(u, YAML_UNKNOWN_STRICT);
	assert_int_equal(parse_validate("apply", "false", &u), -1);
	assert_int_equal(u, YAML_UNKNOWN_IGNORE);
	assert_int_equal(parse_validate("apply", "warn", &u), -1);
	assert_int_equal(u, YAML_UNKNOWN_WARN);
	assert_int_equal(parse_validate("apply", NULL, &u), -1);
	assert_int_equal(u, YAML_UNKNOWN_STRICT);
	assert_int_equal(parse_validate("apply", "maybe", &u), 1);
}

static void dry_run_flag(void **state)
{
	enum dry_run dr;

	(void)state;
	assert_int_equal(parse_dry_run("apply", "server", &dr), -1);
	assert_int_equal(dr, DRY_RUN_SERVER);
	assert_int_equal(parse_dry_run("apply", "client", &dr), -1);
	assert_int_equal(dr, DRY_RUN_CLIENT);
	assert_int_equal(parse_dry_run("apply", NULL, &dr), -1);
	assert_int_equal(dr, DRY_RUN_CLIENT);
	assert_int_equal(parse_dry_run("apply", "none", &dr), -1);
	assert_int_equal(dr, DRY_RUN_NONE);
	assert_int_equal(parse_dry_run("apply", "yes", &dr), 1);
	assert_string_equal(dry_run_suffix(DRY_RUN_SERVER), " (server dry run)");
}

/* ---- get -o ---- */

static struct wire_addr kaddr(uint8_t kind, const char *s)
{
	struct wire_addr a = { .kind = kind };

	a.family = strchr(s, ':') ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(a.family, s, a.a), 1);
	return a;
}

/* An LB service with everything the printers show. */
static void sample(struct wire_svc *s, struct wire_addr *addrs,
		   struct wire_port *ports)
{
	memset(s, 0, sizeof(*s));
	strcpy(s->ns, "shop");
	strcpy(s->name, "web");
	s->type = KSVC_SVC_TYPE_LOAD_BALANCER;
	s->sched = KSVC_SCHED_MAGLEV;
	s->flags = KSVC_SVC_F_AFFINITY | KSVC_SVC_F_ETP_LOCAL;
	s->affinity_timeout = 600;
	s->created = 1714557600ULL * 1000000000ULL;	/* 2024-05-01T10:00:00Z */
	addrs[0] = kaddr(KSVC_ADDR_KIND_CLUSTER, "10.96.0.10");
	addrs[1] = kaddr(KSVC_ADDR_KIND_CLUSTER, "fd00::10");
	addrs[2] = kaddr(KSVC_ADDR_KIND_EXTERNAL, "192.0.2.7");
	addrs[3] = kaddr(KSVC_ADDR_KIND_LB_INGRESS, "203.0.113.9");
	s->addrs = addrs;
	s->n_addrs = 4;
	memset(ports, 0, 2 * sizeof(*ports));
	strcpy(ports[0].name, "on");	/* a YAML boolean: must be quoted */
	ports[0].proto = IPPROTO_TCP;
	ports[0].port = 80;
	ports[0].target_port = 8080;
	ports[0].node_port = 30080;
	strcpy(ports[1].name, "dns");
	ports[1].proto = IPPROTO_UDP;
	ports[1].port = 53;
	ports[1].node_port = 30053;
	s->ports = ports;
	s->n_ports = 2;
}

static const char sample_yaml[] =
	"apiVersion: v1\n"
	"kind: Service\n"
	"metadata:\n"
	"  annotations:\n"
	"    ksvc.io/scheduler: maglev\n"
	"  creationTimestamp: \"2024-05-01T10:00:00Z\"\n"
	"  name: web\n"
	"  namespace: shop\n"
	"spec:\n"
	"  clusterIP: 10.96.0.10\n"
	"  clusterIPs:\n"
	"  - 10.96.0.10\n"
	"  - fd00::10\n"
	"  externalIPs:\n"
	"  - 192.0.2.7\n"
	"  externalTrafficPolicy: Local\n"
	"  internalTrafficPolicy: Cluster\n"
	"  ipFamilies:\n"
	"  - IPv4\n"
	"  - IPv6\n"
	"  ipFamilyPolicy: RequireDualStack\n"
	"  ports:\n"
	"  - name: \"on\"\n"
	"    nodePort: 30080\n"
	"    port: 80\n"
	"    protocol: TCP\n"
	"    targetPort: 8080\n"
	"  - name: dns\n"
	"    nodePort: 30053\n"
	"    port: 53\n"
	"    protocol: UDP\n"
	"    targetPort: 53\n"
	"  sessionAffinity: ClientIP\n"
	"  sessionAffinityConfig:\n"
	"    clientIP:\n"
	"      timeoutSeconds: 600\n"
	"  type: LoadBalancer\n"
	"status:\n"
	"  loadBalancer:\n"
	"    ingress:\n"
	"    - ip: 203.0.113.9\n";

struct out_args {
	struct wire_svc *v;
	size_t n;
	bool list, json;
};

static void out_fn(FILE *f, void *arg)
{
	struct out_args *a = arg;

	if (a->json)
		assert_int_equal(print_svcs_json(f, a->v, a->n, a->list), 0);
	else
		assert_int_equal(print_svcs_yaml(f, a->v, a->n, a->list), 0);
}

static void output_yaml_exact(void **state)
{
	struct wire_addr addrs[4];
	struct wire_port ports[2];
	struct wire_svc s;
	struct out_args oa = { &s, 1, false, false };
	char *out;

	(void)state;
	sample(&s, addrs, ports);
	out = capture(out_fn, &oa);
	assert_string_equal(out, sample_yaml);
	free(out);
}

static void output_json_exact(void **state)
{
	struct wire_port port = { .proto = IPPROTO_TCP, .port = 80 };
	struct wire_addr a = kaddr(KSVC_ADDR_KIND_CLUSTER, "10.96.0.1");
	struct wire_svc s = { .ns = "default", .name = "x\"y",
			      .type = KSVC_SVC_TYPE_CLUSTER_IP,
			      .addrs = &a, .n_addrs = 1,
			      .ports = &port, .n_ports = 1 };
	struct out_args oa = { &s, 1, true, true };
	char *out;

	(void)state;
	out = capture(out_fn, &oa);
	assert_string_equal(out,
		"{\n"
		"    \"apiVersion\": \"v1\",\n"
		"    \"items\": [\n"
		"        {\n"
		"            \"apiVersion\": \"v1\",\n"
		"            \"kind\": \"Service\",\n"
		"            \"metadata\": {\n"
		"                \"name\": \"x\\\"y\",\n"
		"                \"namespace\": \"default\"\n"
		"            },\n"
		"            \"spec\": {\n"
		"                \"clusterIP\": \"10.96.0.1\",\n"
		"                \"clusterIPs\": [\n"
		"                    \"10.96.0.1\"\n"
		"                ],\n"
		"                \"internalTrafficPolicy\": \"Cluster\",\n"
		"                \"ipFamilies\": [\n"
		"                    \"IPv4\"\n"
		"                ],\n"
		"                \"ipFamilyPolicy\": \"SingleStack\",\n"
		"                \"ports\": [\n"
		"                    {\n"
		"                        \"port\": 80,\n"
		"                        \"protocol\": \"TCP\",\n"
		"                        \"targetPort\": 80\n"
		"                    }\n"
		"                ],\n"
		"                \"sessionAffinity\": \"None\",\n"
		"                \"type\": \"ClusterIP\"\n"
		"            },\n"
		"            \"status\": {\n"
		"                \"loadBalancer\": {}\n"
		"            }\n"
		"        }\n"
		"    ],\n"
		"    \"kind\": \"List\",\n"
		"    \"metadata\": {\n"
		"        \"resourceVersion\": \"\"\n"
		"    }\n"
		"}\n");
	free(out);
	/* an empty listing is an empty List */
	oa.n = 0;
	out = capture(out_fn, &oa);
	assert_string_equal(out, "{\n    \"apiVersion\": \"v1\",\n    \"items\": [],\n"
			    "    \"kind\": \"List\",\n    \"metadata\": {\n"
			    "        \"resourceVersion\": \"\"\n    }\n}\n");
	free(out);
}

static void json_escaping(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	print_json_string(f, "a\"b\\c\n\t\x01é");
	fclose(f);
	assert_string_equal(buf, "\"a\\\"b\\\\c\\n\\t\\u0001é\"");
	free(buf);
}

static bool same_addr(const struct m_addr *m, const struct wire_addr *k)
{
	return m->family == k->family &&
	       !memcmp(m->a, k->a, m->family == AF_INET6 ? 16 : 4);
}

/* print -> yaml_read -> the model says what the kernel's service said */
static void round_trip(bool json, bool list)
{
	struct wire_addr addrs[4];
	struct wire_port ports[2];
	struct wire_svc s[2];
	struct out_args oa = { s, list ? 2 : 1, list, json };
	const struct m_service *m;
	struct fx f;
	char *out;

	sample(&s[0], addrs, ports);
	s[1] = s[0];
	strcpy(s[1].name, "web2");
	s[1].type = KSVC_SVC_TYPE_CLUSTER_IP;
	s[1].flags = KSVC_SVC_F_HEADLESS | KSVC_SVC_F_ITP_LOCAL;
	s[1].sched = KSVC_SCHED_RANDOM;
	s[1].n_addrs = 0;
	s[1].n_ports = 1;
	out = capture(out_fn, &oa);
	fx_load(&f, out, YAML_UNKNOWN_STRICT);
	assert_int_equal(f.d.errors, 0);
	assert_int_equal(f.m.n_svcs, oa.n);
	m = &f.m.svcs[0];
	assert_string_equal(m->ns, "shop");
	assert_string_equal(m->name, "web");
	assert_int_equal(m->type, M_LOAD_BALANCER);
	assert_int_equal(m->sched, KSVC_SCHED_MAGLEV);
	assert_int_equal(m->n_cluster_ips, 2);
	assert_true(same_addr(&m->cluster_ips[0], &addrs[0]));
	assert_true(same_addr(&m->cluster_ips[1], &addrs[1]));
	assert_int_equal(m->n_external_ips, 1);
	assert_true(same_addr(&m->external_ips[0], &addrs[2]));
	assert_int_equal(m->n_lb_ingress, 1);
	assert_true(same_addr(&m->lb_ingress[0], &addrs[3]));
	assert_true(m->affinity_client_ip);
	assert_int_equal(m->affinity_timeout, 600);
	assert_true(m->etp_local);
	assert_false(m->itp_local);
	assert_int_equal(m->n_ports, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_string_equal(m->ports[i].name, ports[i].name);
		assert_int_equal(m->ports[i].proto, ports[i].proto);
		assert_int_equal(m->ports[i].port, ports[i].port);
		assert_int_equal(m->ports[i].node_port, ports[i].node_port);
		assert_int_equal(m->ports[i].target_port,
				 ports[i].target_port ? ports[i].target_port : ports[i].port);
	}
	if (list) {
		m = &f.m.svcs[1];
		assert_string_equal(m->name, "web2");
		assert_true(m->headless);
		assert_true(m->itp_local);
		assert_int_equal(m->type, M_CLUSTER_IP);
		assert_int_equal(m->sched, KSVC_SCHED_RANDOM);
	}
	free(out);
	fx_free(&f);
}

static void round_trip_yaml(void **state)
{
	(void)state;
	round_trip(false, false);
	round_trip(false, true);
}

static void round_trip_json(void **state)
{
	(void)state;
	round_trip(true, false);
	round_trip(true, true);
}

static void namespace_flag(void **state)
{
	struct load_opts o = { .ns = "team", .diag = NULL };
	char path[] = "/tmp/ksvc-test-XXXXXX.yaml";
	char *paths[] = { path };
	struct diag d;
	struct model m;
	int fd = mkstemps(path, 5);
	FILE *f = fdopen(fd, "w");

	(void)state;
	fputs(SVC_A SLICE_A, f);
	fclose(f);
	diag_init(&d, NULL);
	o.diag = &d;
	assert_int_equal(model_load_opts(paths, 1, &m, &o), 0);
	assert_string_equal(m.svcs[0].ns, "team");
	assert_true(m.svcs[0].backends[0].known);	/* the slice moved too */
	assert_int_equal(m.svcs[0].backends[0].n, 2);
	model_free(&m);
	o.ns = "default";
	f = fopen(path, "w");
	fputs("apiVersion: v1\nkind: Service\nmetadata: {name: x, namespace: team}\n"
	      "spec: {ports: [{port: 80}]}\n", f);
	fclose(f);
	assert_int_equal(model_load_opts(paths, 1, &m, &o), -1);
	assert_int_equal(d.errors, 1);
	unlink(path);
	diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(batch_encoding),
		cmocka_unit_test(no_flags_no_attr),
		cmocka_unit_test(allocation_requests),
		cmocka_unit_test(nodeport_allocation),
		cmocka_unit_test(result_decoding),
		cmocka_unit_test(dry_run_client),
		cmocka_unit_test(error_to_document),
		cmocka_unit_test(prune_ops),
		cmocka_unit_test(validate_modes),
		cmocka_unit_test(dry_run_flag),
		cmocka_unit_test(output_yaml_exact),
		cmocka_unit_test(output_json_exact),
		cmocka_unit_test(json_escaping),
		cmocka_unit_test(round_trip_yaml),
		cmocka_unit_test(round_trip_json),
		cmocka_unit_test(namespace_flag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
