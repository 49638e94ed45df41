// SPDX-License-Identifier: GPL-2.0
/*
 * resolve.c: Service ports joined with EndpointSlices, Endpoints or Pods.
 */
#include <linux/ksvc.h>

#include "front_util.h"

#define RS	(KSVC_BE_F_READY | KSVC_BE_F_SERVING)

/* Read data files and/or inline YAML, validate, resolve: no errors. */
static void load(struct fx *f, const char *const *files, const char *yaml)
{
	fx_init(f);
	for (; files && *files; files++)
		assert_int_equal(fx_read_data(f, *files), 0);
	if (yaml)
		assert_int_equal(fx_read(f, yaml), 0);
	assert_int_equal(validate_model(&f->m, &f->d, 30000, 32767), 0);
	assert_int_equal(resolve_model(&f->m, &f->d), 0);
	assert_no_errors(f);
}

static const struct m_service *svc(const struct fx *f, const char *name)
{
	for (size_t i = 0; i < f->m.n_svcs; i++)
		if (!strcmp(f->m.svcs[i].name, name))
			return &f->m.svcs[i];
	fail_msg("no service %s", name);
	return NULL;
}

static void assert_be(const struct m_backend *be, const char *addr, int port,
		      uint32_t flags, const char *node)
{
	assert_true(addr_is(&be->addr, addr));
	assert_int_equal(be->port, port);
	assert_int_equal(be->flags, flags);
	assert_int_equal(be->weight, 1);
	if (node)
		assert_string_equal(be->node_name, node);
	else
		assert_null(be->node_name);
}

static void slices_by_port_name(void **state)
{
	static const char *const files[] = { "svc-web.yaml", "eps-web.yaml", NULL };
	const struct m_port_backends *pb;
	struct fx f;

	(void)state;
	load(&f, files, NULL);
	pb = svc(&f, "web")->backends;
	assert_true(pb[0].known);
	assert_int_equal(pb[0].n, 3);
	assert_be(&pb[0].be[0], "10.244.1.7", 8080, RS, "worker-1");
	/* ready false, serving true, terminating true */
	assert_be(&pb[0].be[1], "10.244.2.9", 8080,
		  KSVC_BE_F_SERVING | KSVC_BE_F_TERMINATING, "worker-2");
	/* no conditions: nil ready is ready, nil serving follows ready */
	assert_be(&pb[0].be[2], "10.244.3.4", 8080, RS, "worker-3");
	assert_true(pb[1].known);
	assert_int_equal(pb[1].n, 3);
	assert_be(&pb[1].be[0], "10.244.1.7", 9090, RS, "worker-1");
	fx_free(&f);
}

static void endpoints_legacy(void **state)
{
	static const char *const files[] = { "svc-db.yaml", "endpoints-db.yaml", NULL };
	const struct m_port_backends *pb;
	struct fx f;

	(void)state;
	load(&f, files, NULL);
	pb = svc(&f, "db")->backends;
	assert_true(pb[0].known);
	assert_int_equal(pb[0].n, 3);
	assert_be(&pb[0].be[0], "10.244.1.20", 5432, RS, "worker-1");
	assert_be(&pb[0].be[1], "10.244.2.21", 5432, RS, "worker-2");
	assert_be(&pb[0].be[2], "10.244.3.22", 5432, 0, "worker-3");
	fx_free(&f);
}

#define WEB "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
#define SLICE(name, svcname) "---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n" \
	"metadata: {name: " name ", labels: {kubernetes.io/service-name: " svcname "}}\n"

static void unnamed_ports_and_protocols(void **state)
{
	const struct m_port_backends *pb;
	struct fx f;

	(void)state;
	load(&f, NULL,
	     WEB "spec: {clusterIP: 10.0.0.1, ports: [{port: 80}]}\n"
	     SLICE("a", "web") "addressType: IPv4\n"
	     "endpoints: [{addresses: [10.1.0.1]}]\n"
	     "ports: [{port: 8080}]\n"
	     SLICE("b", "web") "addressType: IPv4\n"
	     "endpoints: [{addresses: [10.1.0.2]}]\n"
	     "ports: [{name: other, port: 9090}, {port: 8081, protocol: UDP}]\n"
	     "---\napiVersion: v1\nkind: Service\nmetadata: {name: dns}\n"
	     "spec: {clusterIP: 10.0.0.2, ports: [{port: 53, protocol: UDP}]}\n"
	     SLICE("c", "dns") "addressType: IPv4\n"
	     "endpoints: [{addresses: [10.1.0.3]}]\n"
	     "ports: [{port: 53}]\n");
	pb = svc(&f, "web")->backends;
	assert_true(pb[0].known);
	/* slice b has no unnamed TCP port: it adds nothing */
	assert_int_equal(pb[0].n, 1);
	assert_be(&pb[0].be[0], "10.1.0.1", 8080, RS, NULL);
	/* a TCP slice port does not serve a UDP service port */
	pb = svc(&f, "dns")->backends;
	assert_true(pb[0].known);
	assert_int_equal(pb[0].n, 0);
	fx_free(&f);
}

static void merge_dedupe_and_families(void **state)
{
	const struct m_port_backends *pb;
	struct fx f;

	(void)state;
	load(&f, NULL,
	     WEB "spec: {clusterIP: 10.0.0.1, ports: [{port: 80}]}\n"
	     SLICE("v4-a", "web") "addressType: IPv4\n"
	     "endpoints: [{addresses: [10.1.0.1, 10.1.0.2]}, {addresses: [10.1.0.1]}]\n"
	     "ports: [{port: 8080}]\n"
	     SLICE("v4-b", "web") "addressType: IPv4\n"
	     "endpoints: [{addresses: [10.1.0.2]}, {addresses: [10.1.0.3], conditions: {ready: false}}]\n"
	     "ports: [{port: 8080}]\n"
	     SLICE("v6", "web") "addressType: IPv6\n"
	     "endpoints: [{addresses: [\"fd00::1\"]}]\n"
	     "ports: [{port: 8080}]\n"
	     "---\napiVersion: v1\nkind: Service\nmetadata: {name: dual}\n"
	     "spec: {clusterIPs: [10.0.0.2, \"fd00:96::2\"], ports: [{port: 80}]}\n"
	     SLICE("d4", "dual") "addressType: IPv4\n"
	     "endpoints: [{addresses: [10.2.0.1]}]\nports: [{port: 80}]\n"
	     SLICE("d6", "dual") "addressType: IPv6\n"
	     "endpoints: [{addresses: [\"fd00::2\"]}]\nports: [{port: 80}]\n"
	     "---\napiVersion: v1\nkind: Service\nmetadata: {name: hl}\n"
	     "spec: {clusterIP: None, ports: [{port: 80}]}\n"
	     SLICE("h6", "hl") "addressType: IPv6\n"
	     "endpoints: [{addresses: [\"fd00::3\"]}]\nports: [{port: 80}]\n");
	pb = svc(&f, "web")->backends;
	/* 10.1.0.1 and 10.1.0.2 once each; the IPv6 slice does not fit */
	assert_int_equal(pb[0].n, 3);
	assert_be(&pb[0].be[0], "10.1.0.1", 8080, RS, NULL);
	assert_be(&pb[0].be[1], "10.1.0.2", 8080, RS, NULL);
	/* ready false, serving nil: not serving either */
	assert_be(&pb[0].be[2], "10.1.0.3", 8080, 0, NULL);
	pb = svc(&f, "dual")->backends;
	assert_int_equal(pb[0].n, 2);
	assert_be(&pb[0].be[1], "fd00::2", 80, RS, NULL);
	/* headless: no cluster address to match, every family kept */
	pb = svc(&f, "hl")->backends;
	assert_int_equal(pb[0].n, 1);
	fx_free(&f);
}

static void empty_and_foreign_slices(void **state)
{
	const struct m_port_backends *pb;
	struct fx f;

	(void)state;
	load(&f, NULL,
	     WEB "spec: {clusterIP: 10.0.0.1, ports: [{port: 80}], selector: {app: web}}\n"
	     SLICE("empty", "web") "addressType: IPv4\nendpoints: []\n"
	     "---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: other}\n"
	     "spec: {clusterIP: 10.0.0.2, ports: [{port: 80}]}\n"
	     "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {app: web}}\n"
	     "status: {podIP: 10.9.9.9, conditions: [{type: Ready, status: \"True\"}]}\n");
	/* an empty slice says "no endpoints": the pods are not consulted */
	pb = f.m.svcs[0].backends;
	assert_true(pb[0].known);
	assert_int_equal(pb[0].n, 0);
	/* the slice is in "default": nothing is known of other/web */
	pb = f.m.svcs[1].backends;
	assert_false(pb[0].known);
	assert_int_equal(pb[0].n, 0);
	fx_free(&f);
}

static void pods_by_selector(void **state)
{
	static const char *const files[] = { "svc-api.yaml", "pods-api.yaml", NULL };
	const struct m_port_backends *pb;
	struct fx f;

	(void)state;
	load(&f, files, NULL);
	pb = svc(&f, "api")->backends;
	/* named targetPort "https" -> containerPort 8443; api-other has
	 * tier=frontend; api-no-https has no port named https */
	assert_true(pb[0].known);
	assert_int_equal(pb[0].n, 2);
	assert_be(&pb[0].be[0], "10.244.1.30", 8443, RS, "worker-1");
	assert_be(&pb[0].be[1], "10.244.2.31", 8443, 0, "worker-2");
	/* numeric targetPort: every selected pod */
	assert_true(pb[1].known);
	assert_int_equal(pb[1].n, 3);
	assert_be(&pb[1].be[2], "10.244.3.33", 9100, RS, "worker-3");
	fx_free(&f);
}

static void pods_details(void **state)
{
	const struct m_port_backends *pb;
	struct fx f;

	(void)state;
	load(&f, NULL,
	     WEB "spec:\n  clusterIP: 10.0.0.1\n  selector: {app: web}\n  ports:\n"
	     "  - {name: a, port: 80}\n"
	     "  - {name: b, port: 81, targetPort: dns, protocol: UDP}\n"
	     "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p1, labels: {app: web, x: y}}\n"
	     "spec: {containers: [{name: c, ports: [{name: dns, containerPort: 5353},"
	     " {name: dns, containerPort: 5354, protocol: UDP}]}]}\n"
	     "status: {podIP: 10.1.0.1, podIPs: [{ip: 10.1.0.1}, {ip: \"fd00::1\"}]}\n"
	     "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p2, namespace: other, labels: {app: web}}\n"
	     "status: {podIP: 10.1.0.2}\n"
	     "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p3, labels: {app: db}}\n"
	     "status: {podIP: 10.1.0.3}\n"
	     "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p4, labels: {app: web}}\n"
	     "status: {phase: Pending}\n"
	     "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p5, labels: {app: web}}\n"
	     "status: {phase: Succeeded, podIP: 10.1.0.5}\n"
	     "---\napiVersion: v1\nkind: Pod\n"
	     "metadata: {name: p6, labels: {app: web}, deletionTimestamp: \"2024-05-02T11:00:00Z\"}\n"
	     "status: {podIP: 10.1.0.6, conditions: [{type: Ready, status: \"True\"}]}\n");
	pb = f.m.svcs[0].backends;
	/* defaulted targetPort = port; the IPv6 pod IP does not fit; the
	 * Succeeded pod is left out; the one being deleted is terminating */
	assert_true(pb[0].known);
	assert_int_equal(pb[0].n, 2);
	assert_be(&pb[0].be[0], "10.1.0.1", 80, 0, NULL);
	assert_be(&pb[0].be[1], "10.1.0.6", 80,
		  KSVC_BE_F_SERVING | KSVC_BE_F_TERMINATING, NULL);
	/* named port matched with its protocol */
	assert_int_equal(pb[1].n, 1);
	assert_int_equal(pb[1].be[0].port, 5354);
	fx_free(&f);
}

static void nothing_known(void **state)
{
	const struct m_port_backends *pb;
	struct fx f;

	(void)state;
	load(&f, NULL,
	     WEB "spec: {clusterIP: 10.0.0.1, ports: [{name: a, port: 80}, {name: b, port: 81}],"
	     " selector: {app: web}}\n"
	     "---\napiVersion: v1\nkind: Service\nmetadata: {name: nosel}\n"
	     "spec: {clusterIP: 10.0.0.2, ports: [{port: 80}]}\n"
	     "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {app: other}}\n"
	     "status: {podIP: 10.1.0.1}\n");
	pb = f.m.svcs[0].backends;
	assert_non_null(pb);
	assert_false(pb[0].known);
	assert_false(pb[1].known);
	assert_int_equal(pb[0].n, 0);
	assert_false(f.m.svcs[1].backends[0].known);
	/* resolving twice replaces, not appends */
	assert_int_equal(resolve_model(&f.m, &f.d), 0);
	assert_false(f.m.svcs[0].backends[0].known);
	fx_free(&f);
}

static void slices_win_over_pods(void **state)
{
	const struct m_port_backends *pb;
	struct fx f;

	(void)state;
	load(&f, NULL,
	     WEB "spec: {clusterIP: 10.0.0.1, ports: [{port: 80}], selector: {app: web}}\n"
	     SLICE("s", "web") "addressType: IPv4\n"
	     "endpoints: [{addresses: [10.1.0.1], conditions: {ready: true, serving: true, terminating: false}}]\n"
	     "ports: [{port: 8080}]\n"
	     "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {app: web}}\n"
	     "status: {podIP: 10.1.0.9}\n");
	pb = f.m.svcs[0].backends;
	assert_int_equal(pb[0].n, 1);
	assert_be(&pb[0].be[0], "10.1.0.1", 8080, RS, NULL);
	fx_free(&f);
}

/* A backend as the test wrote it: for the reference of the next test. */
struct ref_be {
	struct m_addr addr;
	int port;
	uint32_t flags;
};

static int ref_cmp(const void *x, const void *y)
{
	const struct ref_be *a = x, *b = y;

	if (a->addr.family != b->addr.family)
		return a->addr.family < b->addr.family ? -1 : 1;
	if (memcmp(a->addr.a, b->addr.a, sizeof(a->addr.a)))
		return memcmp(a->addr.a, b->addr.a, sizeof(a->addr.a));
	return a->port - b->port;
}

/* One of 24 addresses whose text order is not their byte order. */
static const char *pick_addr(void)
{
	static const char *const pool[] = {
		"10.1.0.9", "10.1.0.10", "10.1.0.100", "10.1.1.0", "9.255.255.255",
		"10.1.0.2", "192.168.0.1", "10.2.0.1", "10.1.0.1", "172.16.0.1",
		"10.1.255.1", "11.0.0.0", "fd00::1", "fd00::10", "fd00::9",
		"fc00::ffff", "2001:db8::1", "fd00:0:0:1::", "::1", "fd00::a",
		"fe80::1", "2001:db8::", "fd00::2", "10.1.0.20",
	};

	return pool[rand() % (sizeof(pool) / sizeof(pool[0]))];
}

/* A slice of @n random endpoints for port @port; each also into @ref. */
static void put_slice(FILE *y, int k, int port, int n, struct ref_be *ref,
		      size_t *n_ref)
{
	fprintf(y, SLICE("s%d", "hl") "addressType: %s\nendpoints:\n", k,
		k % 2 ? "IPv6" : "IPv4");
	for (int i = 0; i < n; i++) {
		const char *a = pick_addr();
		bool ready = rand() % 2;
		struct m_addr ma = ip(a);

		if ((ma.family == AF_INET6) != (k % 2))
			continue;
		fprintf(y, "- addresses: [\"%s\"]\n  conditions: {ready: %s}\n",
			a, ready ? "true" : "false");
		ref[*n_ref] = (struct ref_be){ ma, port, ready ? RS : 0 };
		++*n_ref;
	}
	fprintf(y, "ports: [{port: %d}]\n", port);
}

/*
 * Whatever order endpoints come in, a port's backends are unique by
 * (address, port), the first one's conditions kept, and in the kernel's
 * order: family, address bytes, port (the kernel checks it in one pass).
 */
static void backends_in_kernel_order(void **state)
{
	static const int ports[] = { 8080, 80, 9090, 8080 };

	(void)state;
	srand(7);
	for (int round = 0; round < 30; round++) {
		struct ref_be ref[4 * 40], uniq[4 * 40];
		size_t n_ref = 0, n_uniq = 0, len;
		const struct m_port_backends *pb;
		char *text = NULL;
		FILE *y = open_memstream(&text, &len);
		struct fx f;

		fputs("apiVersion: v1\nkind: Service\nmetadata: {name: hl}\n"
		      "spec: {clusterIP: None, ports: [{port: 80}]}\n", y);
		for (int k = 0; k < 4; k++)
			put_slice(y, k, ports[k], 1 + rand() % 40, ref, &n_ref);
		fclose(y);
		for (size_t i = 0; i < n_ref; i++) {
			bool seen = false;

			for (size_t j = 0; j < n_uniq && !seen; j++)
				seen = !ref_cmp(&ref[i], &uniq[j]);
			if (!seen)
				uniq[n_uniq++] = ref[i];
		}
		qsort(uniq, n_uniq, sizeof(uniq[0]), ref_cmp);
		load(&f, NULL, text);
		pb = svc(&f, "hl")->backends;
		assert_int_equal(pb[0].n, n_uniq);
		for (size_t i = 0; i < n_uniq; i++) {
			assert_true(!memcmp(&pb[0].be[i].addr, &uniq[i].addr,
					    sizeof(uniq[i].addr)));
			assert_int_equal(pb[0].be[i].port, uniq[i].port);
			assert_int_equal(pb[0].be[i].flags, uniq[i].flags);
		}
		fx_free(&f);
		free(text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(slices_by_port_name),
		cmocka_unit_test(endpoints_legacy),
		cmocka_unit_test(unnamed_ports_and_protocols),
		cmocka_unit_test(merge_dedupe_and_families),
		cmocka_unit_test(empty_and_foreign_slices),
		cmocka_unit_test(pods_by_selector),
		cmocka_unit_test(pods_details),
		cmocka_unit_test(nothing_known),
		cmocka_unit_test(slices_win_over_pods),
		cmocka_unit_test(backends_in_kernel_order),
	};

	return cmocka_run_group_tests_name("resolve", tests, NULL, NULL);
}
