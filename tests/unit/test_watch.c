// SPDX-License-Identifier: GPL-2.0
/*
 * ksvcctl watch without a kernel: stream framing (stream.c) through real
 * pipes, and the cache (watch_cache.c) against a reference model of what
 * the kernel should hold after every round of random watch events.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <arpa/inet.h>

#include <linux/ksvc.h>

#include "diag.h"
#include "hmap.h"
#include "stream.h"
#include "validate.h"
#include "watch_cache.h"
#include "yaml_read.h"

/* flags.c's usage errors are main.c's; not reached here */
int usage_error(const char *verb, const char *fmt, ...)
{
	(void)verb;
	(void)fmt;
	return 1;
}

/* ------------------------------------------------------------------ */
/* Stream framing */

struct got {
	char doc[8][512];
	int line[8];
	int n;
};

static void put(int fd, const char *s)
{
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
}

/* Read what the pipe has and collect the whole documents. */
static void drain(struct stream *st, struct got *g)
{
	const char *d;
	size_t len;
	int line;

	assert_int_equal(stream_fill(st), 0);
	while (stream_next(st, &d, &len, &line)) {
		assert_true(g->n < 8 && len < 512);
		memcpy(g->doc[g->n], d, len);
		g->doc[g->n][len] = '\0';
		g->line[g->n++] = line;
	}
}

static void expect(const struct got *g, int i, const char *doc, int line)
{
	assert_true(i < g->n);
	assert_string_equal(g->doc[i], doc);
	assert_int_equal(g->line[i], line);
}

static void test_stream_next_yaml(void **state)
{
	struct stream st;
	struct got g = { 0 };
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	stream_init(&st, p[0]);
	/* kubectl -o yaml -w: "---" before every object but the first */
	put(p[1], "a: 1\n---\nb: 2\n");
	drain(&st, &g);
	assert_int_equal(g.n, 2);
	expect(&g, 0, "a: 1\n", 0);
	expect(&g, 1, "---\nb: 2\n", 1);	/* idle after a newline */
	/* a line cut short is not a document yet, idle or not */
	put(p[1], "---\nc: 3\n...\n# note\nd: 4");
	drain(&st, &g);
	assert_int_equal(g.n, 3);
	expect(&g, 2, "---\nc: 3\n...\n", 3);
	put(p[1], "\n---\n");
	drain(&st, &g);
	assert_int_equal(g.n, 4);
	expect(&g, 3, "# note\nd: 4\n", 6);
	/* "---" alone waits for its document; the end of input drops it */
	put(p[1], "--- \ne: 5\n");
	drain(&st, &g);
	assert_int_equal(g.n, 5);
	expect(&g, 4, "---\n--- \ne: 5\n", 8);
	close(p[1]);
	drain(&st, &g);
	assert_true(st.eof);
	assert_int_equal(g.n, 5);
	stream_free(&st);
	close(p[0]);
}

/*
 * A writer that fills the pipe (cat) is not quiet where a read ends,
 * even at a newline in the middle of a document: it is waited for.
 */
static void test_stream_fill(void **state)
{
	static char big[64 << 10];
	struct stream st;
	struct got g = { 0 };
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(fcntl(p[1], F_GETPIPE_SZ), (int)sizeof(big));
	memset(big, ' ', sizeof(big));
	memcpy(big, "a:\n", 3);
	big[sizeof(big) - 1] = '\n';
	stream_init(&st, p[0]);
	assert_int_equal(write(p[1], big, sizeof(big)), (ssize_t)sizeof(big));
	drain(&st, &g);
	assert_false(st.idle);
	assert_int_equal(g.n, 0);
	put(p[1], "  b: 1\n");
	assert_int_equal(stream_fill(&st), 0);
	assert_true(st.idle);
	{
		const char *d;
		size_t len;
		int line;

		assert_true(stream_next(&st, &d, &len, &line));
		assert_int_equal(len, sizeof(big) + 7);
		assert_int_equal(line, 0);
	}
	stream_free(&st);
	close(p[0]);
	close(p[1]);
}

/*
 * kubectl -o json -w: objects one after another; cut at every byte; the
 * last one with and without a newline after it.
 */
static void test_stream_next_json(void **state)
{
	static const char in[] =
		"{\n  \"a\": \"}{\\\"[\",\n  \"b\": [1, {\"c\": 2}]\n}\n"
		"{\"d\": \"---\"}\n";
	static const char first[] = "{\n  \"a\": \"}{\\\"[\",\n  \"b\": [1, {\"c\": 2}]\n}";

	(void)state;
	for (size_t k = 1, len = strlen(in); k < 2 * len - 2; k++) {
		size_t l = k < len ? len : len - 1, cut = k < len ? k : k - len + 1;
		char text[sizeof(in)];
		struct stream st;
		struct got g = { 0 };
		int p[2];

		assert_int_equal(pipe(p), 0);
		stream_init(&st, p[0]);
		memcpy(text, in, l);
		text[l] = '\0';
		assert_int_equal(write(p[1], text, cut), (ssize_t)cut);
		drain(&st, &g);
		assert_int_equal(g.n, cut >= strlen(first));
		put(p[1], text + cut);
		drain(&st, &g);
		close(p[1]);
		drain(&st, &g);
		assert_int_equal(g.n, 2);
		expect(&g, 0, first, 0);
		expect(&g, 1, "\n{\"d\": \"---\"}", 3);
		stream_free(&st);
		close(p[0]);
	}
}

/* ------------------------------------------------------------------ */
/* The cache against a reference model */

#define NSVC	5	/* svc0..svc4; svc4 never has slices */
#define NSL	6	/* EndpointSlices sl0..sl5 */
#define NPOD	6
#define MAXBE	16

/* What the test last sent for each object: the reference's input. */
struct rsvc {
	bool live, ext;
	int nports;		/* port 0: http/TCP 80->8080; port 1: dns/UDP 53 */
	int sel;		/* selector app=a<sel> */
};

struct rslice {
	bool live;
	int svc;
	int neps, host[4], ready[4];
	bool udp;		/* has the dns port too */
};

struct rpod {
	bool live, ready;
	int app;
};

struct world {
	struct rsvc svc[NSVC];
	struct rslice sl[NSL];
	struct rpod pod[NPOD];
	bool sliced[NSVC];	/* some slice ever named it */
};

/* What a service port's backends are: "unknown" or a sorted list. */
struct rport {
	bool known;
	int n;
	char be[MAXBE][40];
};

struct rstate {
	bool present;
	int nports;
	struct rport port[2];
};

static int cmp_be(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void add_be(struct rport *rp, const char *ip, int port, int flags)
{
	char b[40];

	snprintf(b, sizeof(b), "%s:%d:%x", ip, port, flags);
	for (int i = 0; i < rp->n; i++)
		if (!strcmp(rp->be[i], b))
			return;
	assert_true(rp->n < MAXBE);
	strcpy(rp->be[rp->n++], b);
}

#define RDY	(KSVC_BE_F_READY | KSVC_BE_F_SERVING)

static void expect_port(const struct world *w, int s, int pi, struct rport *rp)
{
	char ip[32];

	memset(rp, 0, sizeof(*rp));
	if (w->sliced[s]) {
		rp->known = true;
		for (int j = 0; j < NSL; j++) {
			const struct rslice *sl = &w->sl[j];

			if (!sl->live || sl->svc != s || (pi == 1 && !sl->udp))
				continue;
			for (int e = 0; e < sl->neps; e++) {
				snprintf(ip, sizeof(ip), "10.1.%d.%d", j, sl->host[e]);
				add_be(rp, ip, pi ? 5353 : 8080, sl->ready[e] ? RDY : 0);
			}
		}
	} else {
		for (int k = 0; k < NPOD; k++) {
			if (!w->pod[k].live || w->pod[k].app != w->svc[s].sel)
				continue;
			rp->known = true;
			snprintf(ip, sizeof(ip), "10.2.0.%d", k + 1);
			add_be(rp, ip, pi ? 53 : 8080, w->pod[k].ready ? RDY : 0);
		}
	}
	qsort(rp->be, rp->n, sizeof(rp->be[0]), cmp_be);
}

static void expect_state(const struct world *w, struct rstate *r)
{
	for (int s = 0; s < NSVC; s++) {
		memset(&r[s], 0, sizeof(r[s]));
		r[s].present = w->svc[s].live && !w->svc[s].ext;
		if (!r[s].present)
			continue;
		r[s].nports = w->svc[s].nports;
		for (int pi = 0; pi < r[s].nports; pi++)
			expect_port(w, s, pi, &r[s].port[pi]);
	}
}

/* The "kernel": what the ops of every round left. */
static void kernel_op(struct rstate *k, const struct batch_op *o)
{
	int s = atoi(o->name + 3);
	char ip[INET6_ADDRSTRLEN];

	memset(&k[s], 0, sizeof(k[s]));
	if (o->op == KSVC_OP_DELETE)
		return;
	k[s].present = true;
	k[s].nports = o->svc->n_ports;
	for (size_t pi = 0; pi < o->svc->n_ports; pi++) {
		const struct m_port_backends *pb = &o->svc->backends[pi];
		struct rport *rp = &k[s].port[pi];

		rp->known = pb->known;
		for (size_t b = 0; b < pb->n; b++) {
			inet_ntop(AF_INET, pb->be[b].addr.a, ip, sizeof(ip));
			add_be(rp, ip, pb->be[b].port, pb->be[b].flags);
		}
		qsort(rp->be, rp->n, sizeof(rp->be[0]), cmp_be);
	}
}

/* ---- random objects, as JSON or YAML, in watch events or bare ---- */

static int rnd(int n)
{
	return rand() % n;
}

static char *svc_json(int s, const struct rsvc *v)
{
	static char b[1024];
	static const char ports[] =
		"{\"name\":\"http\",\"port\":80,\"targetPort\":8080,\"protocol\":\"TCP\"}";
	static const char dns[] = ",{\"name\":\"dns\",\"port\":53,\"protocol\":\"UDP\"}";

	if (v->ext)
		snprintf(b, sizeof(b), "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"svc%d\",\"namespace\":\"default\"},\"spec\":{\"type\":\"ExternalName\",\"externalName\":\"x.example.com\"}}", s);
	else
		snprintf(b, sizeof(b), "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"svc%d\",\"namespace\":\"default\"},\"spec\":{\"clusterIP\":\"10.96.0.%d\",\"selector\":{\"app\":\"a%d\"},\"ports\":[%s%s]}}",
			 s, s + 10, v->sel, ports, v->nports > 1 ? dns : "");
	return b;
}

static char *slice_json(int j, const struct rslice *v)
{
	static char b[2048];
	char eps[1024] = "";
	size_t n = 0;

	for (int e = 0; e < v->neps; e++)
		n += snprintf(eps + n, sizeof(eps) - n, "%s{\"addresses\":[\"10.1.%d.%d\"],\"conditions\":{\"ready\":%s}}",
			      e ? "," : "", j, v->host[e], v->ready[e] ? "true" : "false");
	snprintf(b, sizeof(b), "{\"apiVersion\":\"discovery.k8s.io/v1\",\"kind\":\"EndpointSlice\",\"metadata\":{\"name\":\"sl%d\",\"namespace\":\"default\",\"labels\":{\"kubernetes.io/service-name\":\"svc%d\"}},\"addressType\":\"IPv4\",\"endpoints\":[%s],\"ports\":[{\"name\":\"http\",\"port\":8080,\"protocol\":\"TCP\"}%s]}",
		 j, v->svc, eps, v->udp ? ",{\"name\":\"dns\",\"port\":5353,\"protocol\":\"UDP\"}" : "");
	return b;
}

static char *pod_json(int k, const struct rpod *v)
{
	static char b[1024];

	snprintf(b, sizeof(b), "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p%d\",\"namespace\":\"default\",\"labels\":{\"app\":\"a%d\"}},\"spec\":{\"containers\":[{\"name\":\"c\"}]},\"status\":{\"phase\":\"Running\",\"podIP\":\"10.2.0.%d\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"%s\"}]}}",
		 k, v->app, k + 1, v->ready ? "True" : "False");
	return b;
}

/* One random event, applied to the world, as the text of one document. */
static char *event(struct world *w, int round)
{
	static char doc[4096];
	int kind = rnd(3), del = rnd(4) == 0;
	const char *obj, *type;
	bool was;

	if (kind == 0) {
		int s = rnd(NSVC);
		struct rsvc *v = &w->svc[s];

		was = v->live;
		if (!del) {
			v->ext = rnd(6) == 0;
			v->nports = 1 + rnd(2);
			v->sel = rnd(3);
		}
		obj = svc_json(s, v);
		v->live = !del;
	} else if (kind == 1) {
		int j = rnd(NSL);
		struct rslice *v = &w->sl[j];

		was = v->live;
		if (!del) {
			v->svc = rnd(NSVC - 1);
			v->neps = rnd(4);
			v->udp = rnd(2);
			for (int e = 0; e < v->neps; e++) {
				v->host[e] = 1 + e + 4 * rnd(3);
				v->ready[e] = rnd(3) != 0;
			}
			w->sliced[v->svc] = true;
		}
		obj = slice_json(j, v);
		v->live = !del;
	} else {
		int k = rnd(NPOD);
		struct rpod *v = &w->pod[k];

		was = v->live;
		if (!del) {
			v->app = rnd(3);
			v->ready = rnd(3) != 0;
		}
		obj = pod_json(k, v);
		v->live = !del;
	}
	type = del ? "DELETED" : was ? "MODIFIED" : "ADDED";
	/* bare objects too, as "kubectl get -w" without --output-watch-events */
	if (!del && round % 2)
		snprintf(doc, sizeof(doc), "%s\n", obj);
	else
		snprintf(doc, sizeof(doc), "{\"type\":\"%s\",\"object\":%s}\n", type, obj);
	return doc;
}

static void take_text(struct wcache *c, const char *doc)
{
	struct model m = { 0 };
	struct diag d;

	diag_init(&d, stderr);
	assert_int_equal(yaml_read_doc("-", doc, strlen(doc), 0, &m, &d,
				       YAML_UNKNOWN_STRICT), 0);
	assert_int_equal(validate_model(&m, &d, 30000, 32767), 0);
	wcache_take(c, &m);
	diag_free(&d);
}

static void check_same(const struct rstate *k, const struct rstate *r)
{
	for (int s = 0; s < NSVC; s++) {
		assert_int_equal(k[s].present, r[s].present);
		if (!r[s].present)
			continue;
		assert_int_equal(k[s].nports, r[s].nports);
		for (int pi = 0; pi < r[s].nports; pi++) {
			const struct rport *a = &k[s].port[pi], *b = &r[s].port[pi];

			assert_int_equal(a->known, b->known);
			assert_int_equal(a->n, b->n);
			for (int i = 0; i < a->n; i++)
				assert_string_equal(a->be[i], b->be[i]);
		}
	}
}

static void test_wcache_plan(void **state)
{
	struct world w = { 0 };
	struct rstate kernel[NSVC] = { 0 }, want[NSVC];
	struct wcache c = { 0 };
	FILE *null = fopen("/dev/null", "w");

	(void)state;
	srand(7);
	for (int round = 0; round < 3000; round++) {
		int n = 1 + rnd(round < 100 ? 12 : 4);
		struct plan p;

		for (int i = 0; i < n; i++)
			take_text(&c, event(&w, round));
		wcache_plan(&c, &p, null);
		for (size_t i = 0; i < p.n; i++) {
			kernel_op(kernel, &p.ops[i]);
			wcache_applied(&c, &p.ops[i]);
		}
		plan_free(&p);
		wcache_end_round(&c);
		expect_state(&w, want);
		check_same(kernel, want);
	}
	wcache_free(&c);
	fclose(null);
}

/* A slice update touches its service only, whatever else is cached. */
static void test_wcache_take(void **state)
{
	struct wcache c = { 0 };
	struct rslice sl = { .svc = 2, .neps = 1, .host = { 3 }, .ready = { 1 } };
	struct rsvc v = { .nports = 1 };
	struct plan p;

	(void)state;
	for (int s = 0; s < NSVC; s++)
		take_text(&c, svc_json(s, &v));
	wcache_plan(&c, &p, NULL);
	assert_int_equal(p.n, NSVC);
	plan_free(&p);
	wcache_end_round(&c);

	take_text(&c, slice_json(0, &sl));
	wcache_plan(&c, &p, NULL);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.ops[0].name, "svc2");
	assert_int_equal(p.ops[0].svc->backends[0].n, 1);
	plan_free(&p);
	wcache_end_round(&c);

	/* the slice moves to svc3: both change; deleting it leaves none */
	sl.svc = 3;
	take_text(&c, slice_json(0, &sl));
	wcache_plan(&c, &p, NULL);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.ops[0].svc->backends[0].n, 0);
	assert_true(p.ops[0].svc->backends[0].known);
	plan_free(&p);
	wcache_end_round(&c);
	wcache_free(&c);
}

/* Events that are wrong are reported where they are. */
static void test_yaml_read_doc(void **state)
{
	static const char ev[] =
		"\ntype: REMOVED\nobject:\n  apiVersion: v1\n  kind: Pod\n";
	struct model m = { 0 };
	struct diag d;

	(void)state;
	diag_init(&d, NULL);
	assert_int_equal(yaml_read_doc("w", ev, strlen(ev), 10, &m, &d,
				       YAML_UNKNOWN_STRICT), -1);
	assert_true(diag_has(&d, "w:12:1: error: type: Unsupported value: \"REMOVED\": supported values: \"ADDED\", \"MODIFIED\", \"DELETED\", \"BOOKMARK\", \"ERROR\""));
	diag_free(&d);

	diag_init(&d, NULL);
	assert_int_equal(yaml_read_buf("f", ev + 1, strlen(ev) - 1, &m, &d), -1);
	assert_true(diag_has(&d, "f:1:1: error: kind: Required value: this is a watch event (type and object, as \"kubectl get --watch --output-watch-events\" prints it): \"ksvcctl watch\" reads those"));
	diag_free(&d);
	model_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream_next_yaml),
		cmocka_unit_test(test_stream_next_json),
		cmocka_unit_test(test_stream_fill),
		cmocka_unit_test(test_wcache_take),
		cmocka_unit_test(test_wcache_plan),
		cmocka_unit_test(test_yaml_read_doc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
