// SPDX-License-Identifier: GPL-2.0
/*
 * validate.c: each rule, with the API server's wording and the location
 * of the field at fault.
 */
#include <linux/ksvc.h>

#include "dupindex.h"
#include "front_util.h"

/* Service "web" in "default"; spec lines start at line 6. */
#define SVC	"apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n"
#define CIP	"  clusterIP: 10.0.0.1\n"

/* Read and validate @yaml; expect exactly one error, @msg. */
static void one_error(const char *yaml, const char *msg)
{
	struct fx f;

	fx_init(&f);
	assert_int_equal(fx_check(&f, yaml), -1);
	assert_only_error(&f, msg);
	fx_free(&f);
}

static void no_error(const char *yaml)
{
	struct fx f;

	fx_init(&f);
	assert_int_equal(fx_check(&f, yaml), 0);
	assert_no_errors(&f);
	fx_free(&f);
}

static void service_names(void **state)
{
	(void)state;
	one_error("apiVersion: v1\nkind: Service\nmetadata:\n  name: My_Svc\n"
		  "spec:\n" CIP "  ports: [{port: 80}]\n",
		  "t.yaml:4:3: error: metadata.name: Invalid value: \"My_Svc\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character");
	one_error("apiVersion: v1\nkind: Service\nmetadata:\n  name: 1web\n"
		  "spec:\n" CIP "  ports: [{port: 80}]\n",
		  "t.yaml:4:3: error: metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character");
	one_error("apiVersion: v1\nkind: Service\nmetadata:\n  name: web-\n"
		  "spec:\n" CIP "  ports: [{port: 80}]\n",
		  "t.yaml:4:3: error: metadata.name: Invalid value: \"web-\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character");
	one_error("apiVersion: v1\nkind: Service\nmetadata:\n"
		  "  name: a123456789012345678901234567890123456789012345678901234567890123\n"
		  "spec:\n" CIP "  ports: [{port: 80}]\n",
		  "t.yaml:4:3: error: metadata.name: Invalid value: \"a123456789012345678901234567890123456789012345678901234567890123\": must be no more than 63 characters");
	one_error("apiVersion: v1\nkind: Service\nmetadata:\n  labels: {a: b}\n"
		  "spec:\n" CIP "  ports: [{port: 80}]\n",
		  "t.yaml:1:1: error: metadata.name: Required value: name or generateName is required");
	one_error("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: Prod.1\n"
		  "spec:\n" CIP "  ports: [{port: 80}]\n",
		  "t.yaml:5:3: error: metadata.namespace: Invalid value: \"Prod.1\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character");
	no_error("apiVersion: v1\nkind: Service\nmetadata:\n  name: a-1\n  namespace: 9-kube\n"
		 "spec:\n" CIP "  ports: [{port: 80}]\n");
}

static void ports_required(void **state)
{
	(void)state;
	one_error(SVC CIP "  selector: {a: b}\n",
		  "t.yaml:1:1: error: spec.ports: Required value");
	one_error(SVC CIP "  ports: []\n",
		  "t.yaml:7:3: error: spec.ports: Required value");
	/* headless and ExternalName services need no ports */
	no_error(SVC "  clusterIP: None\n");
	no_error(SVC "  type: ExternalName\n  externalName: db.example.com\n");
}

static void port_ranges(void **state)
{
	(void)state;
	one_error(SVC CIP "  ports:\n  - port: 70000\n",
		  "t.yaml:8:5: error: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive");
	one_error(SVC CIP "  ports:\n  - port: 0\n",
		  "t.yaml:8:5: error: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive");
	one_error(SVC CIP "  ports:\n  - name: x\n",
		  "t.yaml:8:5: error: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive");
	one_error(SVC CIP "  ports:\n  - port: 80\n    targetPort: 65536\n",
		  "t.yaml:9:5: error: spec.ports[0].targetPort: Invalid value: 65536: must be between 1 and 65535, inclusive");
	one_error(SVC CIP "  ports:\n  - port: 80\n    targetPort: -1\n",
		  "t.yaml:9:5: error: spec.ports[0].targetPort: Invalid value: -1: must be between 1 and 65535, inclusive");
	no_error(SVC CIP "  ports:\n  - port: 65535\n    targetPort: 0\n");
}

static void target_port_names(void **state)
{
	(void)state;
	one_error(SVC CIP "  ports:\n  - port: 80\n    targetPort: Http_X\n",
		  "t.yaml:9:5: error: spec.ports[0].targetPort: Invalid value: \"Http_X\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
	one_error(SVC CIP "  ports:\n  - port: 80\n    targetPort: abcdefghijklmnop\n",
		  "t.yaml:9:5: error: spec.ports[0].targetPort: Invalid value: \"abcdefghijklmnop\": must be no more than 15 characters");
	one_error(SVC CIP "  ports:\n  - port: 80\n    targetPort: \"8080\"\n",
		  "t.yaml:9:5: error: spec.ports[0].targetPort: Invalid value: \"8080\": must contain at least one letter (a-z)");
	one_error(SVC CIP "  ports:\n  - port: 80\n    targetPort: a--b\n",
		  "t.yaml:9:5: error: spec.ports[0].targetPort: Invalid value: \"a--b\": must not contain consecutive hyphens");
	one_error(SVC CIP "  ports:\n  - port: 80\n    targetPort: -web\n",
		  "t.yaml:9:5: error: spec.ports[0].targetPort: Invalid value: \"-web\": must not begin or end with a hyphen");
	no_error(SVC CIP "  ports:\n  - port: 80\n    targetPort: http-alt2\n");
}

static void node_ports(void **state)
{
	struct fx f;

	(void)state;
	one_error(SVC CIP "  ports:\n  - port: 80\n    nodePort: 30080\n",
		  "t.yaml:9:5: error: spec.ports[0].nodePort: Forbidden: may not be used when type is 'ClusterIP'");
	one_error(SVC CIP "  type: NodePort\n  ports:\n  - port: 80\n    nodePort: 8080\n",
		  "t.yaml:10:5: error: spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767");
	one_error(SVC CIP "  type: LoadBalancer\n  ports:\n  - port: 80\n    nodePort: 70000\n",
		  "t.yaml:10:5: error: spec.ports[0].nodePort: Invalid value: 70000: must be between 1 and 65535, inclusive");
	one_error(SVC CIP "  type: NodePort\n  ports:\n  - {name: a, port: 80, nodePort: 30080}\n"
		  "  - {name: b, port: 81, nodePort: 30080}\n",
		  "t.yaml:10:25: error: spec.ports[1].nodePort: Duplicate value: 30080");
	/* the same nodePort for TCP and UDP is fine */
	no_error(SVC CIP "  type: NodePort\n  ports:\n  - {name: a, port: 53, nodePort: 30053}\n"
		 "  - {name: b, port: 53, nodePort: 30053, protocol: UDP}\n");
	no_error(SVC CIP "  type: NodePort\n  ports:\n  - port: 80\n");

	/* the kernel's configured range, passed by the caller */
	fx_init(&f);
	assert_int_equal(fx_read(&f, SVC CIP "  type: NodePort\n  ports:\n  - port: 80\n    nodePort: 20050\n"), 0);
	assert_int_equal(validate_model(&f.m, &f.d, 20000, 20100), 0);
	assert_int_equal(validate_model(&f.m, &f.d, 30000, 32767), -1);
	assert_msg(&f, "t.yaml:10:5: error: spec.ports[0].nodePort: Invalid value: 20050: provided port is not in the valid range. The range of valid ports is 30000-32767");
	fx_free(&f);
}

static void port_names_and_duplicates(void **state)
{
	struct fx f;

	(void)state;
	one_error(SVC CIP "  ports:\n  - port: 80\n    name: http\n  - port: 443\n",
		  "t.yaml:10:5: error: spec.ports[1].name: Required value");
	one_error(SVC CIP "  ports:\n  - port: 80\n    name: http\n  - port: 443\n    name: http\n",
		  "t.yaml:11:5: error: spec.ports[1].name: Duplicate value: \"http\"");
	one_error(SVC CIP "  ports:\n  - port: 80\n    name: Http\n",
		  "t.yaml:9:5: error: spec.ports[0].name: Invalid value: \"Http\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character");
	one_error(SVC CIP "  ports:\n  - name: a\n    port: 80\n  - name: b\n    port: 80\n",
		  "t.yaml:10:5: error: spec.ports[1]: Duplicate value: \"80/TCP\"");
	no_error(SVC CIP "  ports:\n  - {name: a, port: 53}\n  - {name: b, port: 53, protocol: UDP}\n"
		 "  - {name: c, port: 53, protocol: SCTP}\n");

	/* every problem of one service is reported, not just the first */
	fx_init(&f);
	assert_int_equal(fx_check(&f, SVC CIP "  ports:\n  - port: 80\n  - port: 80\n  - port: 0\n"), -1);
	assert_int_equal(f.d.errors, 5);
	assert_msg(&f, "t.yaml:8:5: error: spec.ports[0].name: Required value");
	assert_msg(&f, "t.yaml:9:5: error: spec.ports[1].name: Required value");
	assert_msg(&f, "t.yaml:10:5: error: spec.ports[2].name: Required value");
	assert_msg(&f, "t.yaml:9:5: error: spec.ports[1]: Duplicate value: \"80/TCP\"");
	assert_msg(&f, "t.yaml:10:5: error: spec.ports[2].port: Invalid value: 0: must be between 1 and 65535, inclusive");
	fx_free(&f);
}

static void too_many_ports(void **state)
{
	char buf[16384];
	size_t n = 0;

	(void)state;
	n += snprintf(buf + n, sizeof(buf) - n, SVC CIP "  ports:\n");
	for (int i = 0; i <= KSVC_MAX_PORTS; i++)
		n += snprintf(buf + n, sizeof(buf) - n, "  - {name: p%d, port: %d}\n",
			      i, 1000 + i);
	one_error(buf, "t.yaml:7:3: error: spec.ports: Too many: 65: must have at most 64 items");
}

static void cluster_ip_rules(void **state)
{
	(void)state;
	/* No clusterIP, or "": the kernel allocates one. */
	no_error(SVC "  ports: [{port: 80}]\n");
	no_error(SVC "  clusterIP: \"\"\n  type: LoadBalancer\n  ports: [{port: 80}]\n");
	no_error(SVC "  ipFamilies: [IPv6, IPv4]\n  ipFamilyPolicy: PreferDualStack\n"
		 "  ports: [{port: 80}]\n");
	one_error(SVC "  clusterIP: 10.0.0.1\n  ipFamilies: [IPv6]\n  ports: [{port: 80}]\n",
		  "t.yaml:6:3: error: spec.ipFamilies[0]: Invalid value: \"IPv6\": must match the family of spec.clusterIPs[0]");
	one_error(SVC "  ipFamilies: [IPv4, IPv4]\n  ports: [{port: 80}]\n",
		  "t.yaml:6:22: error: spec.ipFamilies[1]: Duplicate value: \"IPv4\"");
	one_error(SVC "  ipFamilyPolicy: Dual\n  ports: [{port: 80}]\n",
		  "t.yaml:6:3: error: spec.ipFamilyPolicy: Unsupported value: \"Dual\": supported values: \"PreferDualStack\", \"RequireDualStack\", \"SingleStack\"");
	one_error(SVC "  clusterIP: None\n  type: NodePort\n  ports: [{port: 80}]\n",
		  "t.yaml:6:3: error: spec.clusterIP: Invalid value: \"None\": may not be set to 'None' for NodePort services");
	one_error(SVC "  type: ExternalName\n",
		  "t.yaml:1:1: error: spec.externalName: Required value");
	no_error(SVC "  clusterIPs: [fd00::1]\n  ports: [{port: 80}]\n");
}

static void traffic_policy_and_affinity(void **state)
{
	(void)state;
	one_error(SVC CIP "  externalTrafficPolicy: Local\n  ports: [{port: 80}]\n",
		  "t.yaml:7:3: error: spec.externalTrafficPolicy: Invalid value: \"Local\": may only be set when type is 'NodePort' or 'LoadBalancer'");
	one_error(SVC CIP "  externalTrafficPolicy: Cluster\n  ports: [{port: 80}]\n",
		  "t.yaml:7:3: error: spec.externalTrafficPolicy: Invalid value: \"Cluster\": may only be set when type is 'NodePort' or 'LoadBalancer'");
	/* externally reachable through externalIPs: allowed, as in Kubernetes */
	no_error(SVC CIP "  externalIPs: [192.0.2.1]\n  externalTrafficPolicy: Local\n  ports: [{port: 80}]\n");
	no_error(SVC CIP "  type: NodePort\n  externalTrafficPolicy: Local\n  internalTrafficPolicy: Local\n  ports: [{port: 80}]\n");
	one_error(SVC CIP "  sessionAffinity: ClientIP\n  sessionAffinityConfig:\n    clientIP:\n"
		  "      timeoutSeconds: 0\n  ports: [{port: 80}]\n",
		  "t.yaml:10:7: error: spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be between 1 and 86400, inclusive");
	one_error(SVC CIP "  sessionAffinity: ClientIP\n  sessionAffinityConfig:\n    clientIP:\n"
		  "      timeoutSeconds: 86401\n  ports: [{port: 80}]\n",
		  "t.yaml:10:7: error: spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be between 1 and 86400, inclusive");
	one_error(SVC CIP "  sessionAffinity: ClientIP\n  sessionAffinityConfig:\n    clientIP:\n"
		  "      timeoutSeconds: -5\n  ports: [{port: 80}]\n",
		  "t.yaml:10:7: error: spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: -5: must be between 1 and 86400, inclusive");
	one_error(SVC CIP "  sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}\n  ports: [{port: 80}]\n",
		  "t.yaml:7:3: error: spec.sessionAffinityConfig: Forbidden: must not be set when sessionAffinity is None");
	no_error(SVC CIP "  sessionAffinity: ClientIP\n  sessionAffinityConfig: {clientIP: {timeoutSeconds: 86400}}\n"
		 "  ports: [{port: 80}]\n");
}

static void duplicate_objects(void **state)
{
	(void)state;
	one_error(SVC CIP "  ports: [{port: 80}]\n---\n"
		  SVC CIP "  ports: [{port: 81}]\n",
		  "t.yaml:12:3: error: metadata.name: Duplicate value: \"web\": Service \"default/web\" is already defined at t.yaml:1:1");
	/* same name, other namespace or other kind: fine */
	no_error(SVC CIP "  ports: [{port: 80}]\n---\n"
		 "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: b}\n"
		 "spec: {clusterIP: 10.0.0.2, ports: [{port: 80}]}\n---\n"
		 "apiVersion: v1\nkind: Endpoints\nmetadata: {name: web}\n---\n"
		 "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n"
		 "metadata: {name: web, labels: {kubernetes.io/service-name: web}}\naddressType: IPv4\n");
	one_error("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n---\n"
		  "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n",
		  "t.yaml:7:12: error: metadata.name: Duplicate value: \"p\": Pod \"default/p\" is already defined at t.yaml:1:1");
	one_error("apiVersion: v1\nkind: Endpoints\nmetadata: {name: e}\nsubsets: [{}, {}]\n---\n"
		  "apiVersion: v1\nkind: Endpoints\nmetadata: {name: e}\n",
		  "t.yaml:8:12: error: metadata.name: Duplicate value: \"e\": Endpoints \"default/e\" is already defined at t.yaml:1:1");
	one_error("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n"
		  "metadata: {name: s, labels: {kubernetes.io/service-name: web}}\naddressType: IPv4\n---\n"
		  "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n"
		  "metadata: {name: s, labels: {kubernetes.io/service-name: web}}\naddressType: IPv4\n",
		  "t.yaml:8:12: error: metadata.name: Duplicate value: \"s\": EndpointSlice \"default/s\" is already defined at t.yaml:1:1");
}

static void slice_rules(void **state)
{
	(void)state;
	one_error("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n"
		  "metadata: {name: s, labels: {kubernetes.io/service-name: web}}\naddressType: IPv4\n"
		  "ports:\n- name: http\n  port: 70000\n",
		  "t.yaml:6:3: error: ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive");
	one_error("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n"
		  "metadata: {name: s, labels: {kubernetes.io/service-name: web}}\naddressType: IPv4\n"
		  "ports:\n- name: dns\n",
		  "t.yaml:6:3: error: ports[0].port: Required value");
	one_error("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n"
		  "metadata: {name: S_1, labels: {kubernetes.io/service-name: web}}\naddressType: IPv4\n",
		  "t.yaml:3:12: error: metadata.name: Invalid value: \"S_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character");
	one_error("apiVersion: v1\nkind: Endpoints\nmetadata: {name: e}\n"
		  "subsets:\n- ports: [{port: 1}]\n- ports: [{port: 2, name: Bad}, {port: 3}]\n",
		  "t.yaml:6:11: error: subsets[1].ports[0].name: Invalid value: \"Bad\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character");
	one_error("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n"
		  "metadata: {name: s, labels: {kubernetes.io/service-name: web}}\naddressType: IPv4\n"
		  "endpoints:\n- addresses: [10.0.0.1]\n"
		  "  nodeName: n123456789012345678901234567890123456789012345678901234567890123\n",
		  "t.yaml:6:3: error: endpoints[0].nodeName: Invalid value: \"n123456789012345678901234567890123456789012345678901234567890123\": must be no more than 63 characters (ksvc limit)");
	no_error("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n"
		 "metadata: {name: web-abc.x, labels: {kubernetes.io/service-name: web}}\naddressType: IPv4\n"
		 "ports: [{name: a, port: 80}, {name: a, port: 80, protocol: UDP}]\n");
}

static void check_functions(void **state)
{
	struct m_addr a;

	(void)state;
	assert_int_equal(parse_ip("10.1.2.3", &a), 0);
	assert_int_equal(a.family, AF_INET);
	assert_int_equal(parse_ip("::ffff:10.1.2.3", &a), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_int_equal(parse_ip("010.1.2.3", &a), -1);
	assert_int_equal(parse_ip("10.1.2.3/24", &a), -1);
	assert_int_equal(parse_ip(" 10.1.2.3", &a), -1);
	assert_int_equal(parse_ip("", &a), -1);
	assert_int_equal(parse_proto("TCP"), IPPROTO_TCP);
	assert_int_equal(parse_proto("tcp"), -1);
	assert_null(check_dns1035_label("a"));
	assert_non_null(check_dns1035_label(""));
	assert_null(check_dns1123_label("0a"));
	assert_null(check_dns1123_subdomain("a.b-c.d"));
	assert_non_null(check_dns1123_subdomain("a..b"));
	assert_non_null(check_dns1123_subdomain("a."));
	assert_null(check_port_name("http"));
	assert_non_null(check_port_name(""));
}

/* dup_first() against the O(n^2) definition, on keys that collide often. */
static void key_of(const void *ctx, size_t i, struct dkey *k)
{
	*k = ((const struct dkey *)ctx)[i];
}

static bool same_key(const struct dkey *a, const struct dkey *b)
{
	return a->name && b->name && a->kind == b->kind &&
	       !strcmp(a->ns ? a->ns : "", b->ns ? b->ns : "") &&
	       !strcmp(a->name, b->name);
}

static void dup_first_random(void **state)
{
	static const char *const ns[] = { NULL, "", "default", "b", "ab" };
	static const char *const names[] = { NULL, "a", "b", "ab", "ba",
					     "", "web", "we" };
	struct dkey keys[700];

	(void)state;
	srand(7);
	for (size_t n = 0; n <= 700; n += n < 40 ? 1 : 73) {
		size_t *first;

		for (size_t i = 0; i < n; i++)
			keys[i] = (struct dkey){ ns[rand() % 5],
						 names[rand() % 8], rand() % 2 };
		first = dup_first(n, key_of, keys);
		assert_non_null(first);
		for (size_t i = 0; i < n; i++) {
			size_t want = i;

			for (size_t j = 0; j < i; j++)
				if (same_key(&keys[i], &keys[j])) {
					want = j;
					break;
				}
			assert_int_equal(first[i], want);
		}
		free(first);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(service_names),
		cmocka_unit_test(ports_required),
		cmocka_unit_test(port_ranges),
		cmocka_unit_test(target_port_names),
		cmocka_unit_test(node_ports),
		cmocka_unit_test(port_names_and_duplicates),
		cmocka_unit_test(too_many_ports),
		cmocka_unit_test(cluster_ip_rules),
		cmocka_unit_test(traffic_policy_and_affinity),
		cmocka_unit_test(duplicate_objects),
		cmocka_unit_test(slice_rules),
		cmocka_unit_test(check_functions),
		cmocka_unit_test(dup_first_random),
	};

	return cmocka_run_group_tests_name("validate", tests, NULL, NULL);
}
