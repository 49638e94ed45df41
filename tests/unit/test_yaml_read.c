// SPDX-License-Identifier: GPL-2.0
/*
 * yaml_read.c: every kind as kubectl prints it, multi-document streams,
 * List, JSON, and the ways input goes wrong (unknown fields, wrong types,
 * malformed YAML, alias bombs), with exact messages and locations.
 */
#include <time.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <linux/ksvc.h>

#include "front_util.h"

/* ---- each kind, as kubectl get -o yaml prints it ---- */

static void service_from_kubectl(void **state)
{
	struct fx f;
	struct m_service *s;

	(void)state;
	fx_init(&f);
	assert_int_equal(fx_read_data(&f, "svc-web.yaml"), 0);
	assert_no_errors(&f);
	assert_int_equal(f.m.n_svcs, 1);
	s = &f.m.svcs[0];
	assert_string_equal(s->ns, "shop");
	assert_string_equal(s->name, "web");
	assert_int_equal(s->type, M_CLUSTER_IP);
	assert_false(s->headless);
	assert_int_equal(s->n_cluster_ips, 1);
	assert_true(addr_is(&s->cluster_ips[0], "10.96.120.15"));
	assert_int_equal(s->sched, KSVC_SCHED_MAGLEV);
	assert_false(s->affinity_client_ip);
	assert_int_equal(s->affinity_timeout, 10800);
	assert_false(s->etp_local);
	assert_false(s->itp_local);
	assert_int_equal(s->n_selector, 1);
	assert_string_equal(s->selector[0].key, "app");
	assert_string_equal(s->selector[0].val, "web");
	assert_int_equal(s->n_ports, 2);
	assert_string_equal(s->ports[0].name, "http");
	assert_int_equal(s->ports[0].proto, IPPROTO_TCP);
	assert_int_equal(s->ports[0].port, 80);
	assert_int_equal(s->ports[0].target_port, 0);
	assert_string_equal(s->ports[0].target_port_name, "http");
	assert_string_equal(s->ports[1].name, "metrics");
	assert_int_equal(s->ports[1].target_port, 9090);
	assert_null(s->ports[1].target_port_name);
	assert_int_equal(s->ports[1].node_port, 0);
	/* locations: the document, the name key, the "- name:" item */
	assert_string_equal(s->loc.file, "data/svc-web.yaml");
	assert_int_equal(s->loc.line, 1);
	assert_int_equal(s->loc.col, 1);
	assert_int_equal(s->name_loc.line, 35);
	assert_int_equal(s->name_loc.col, 3);
	assert_int_equal(s->ports[0].loc.line, 48);
	assert_int_equal(s->ports[0].loc.col, 5);
	assert_int_equal(s->ports[0].port_loc.line, 49);
	fx_free(&f);
}

static void service_from_json(void **state)
{
	struct fx f;
	struct m_service *s;

	(void)state;
	fx_init(&f);
	assert_int_equal(fx_read_data(&f, "svc-web.json"), 0);
	assert_no_errors(&f);
	assert_int_equal(f.m.n_svcs, 1);
	s = &f.m.svcs[0];
	assert_string_equal(s->name, "web-lb");
	assert_int_equal(s->type, M_LOAD_BALANCER);
	assert_int_equal(s->n_cluster_ips, 2);
	assert_true(addr_is(&s->cluster_ips[0], "10.96.120.16"));
	assert_true(addr_is(&s->cluster_ips[1], "fd00:10:96::16"));
	assert_int_equal(s->n_external_ips, 1);
	assert_true(addr_is(&s->external_ips[0], "192.0.2.10"));
	assert_int_equal(s->n_lb_ingress, 1);	/* the hostname entry is ignored */
	assert_true(addr_is(&s->lb_ingress[0], "203.0.113.5"));
	assert_int_equal(s->n_ports, 2);
	assert_int_equal(s->ports[0].node_port, 31080);
	assert_int_equal(s->ports[0].target_port, 8080);
	assert_int_equal(s->ports[1].proto, IPPROTO_UDP);
	assert_int_equal(s->ports[1].node_port, 31053);
	assert_int_equal(s->ports[1].node_port_loc.line, 38);
	assert_int_equal(s->ports[1].node_port_loc.col, 17);
	assert_true(s->etp_loc.line > 0);
	assert_false(s->etp_local);
	fx_free(&f);
}

static void endpointslice_from_kubectl(void **state)
{
	struct fx f;
	struct m_slice *sl;

	(void)state;
	fx_init(&f);
	assert_int_equal(fx_read_data(&f, "eps-web.yaml"), 0);
	assert_no_errors(&f);
	assert_int_equal(f.m.n_slices, 1);
	sl = &f.m.slices[0];
	assert_string_equal(sl->name, "web-x7k2p");
	assert_string_equal(sl->ns, "shop");
	assert_string_equal(sl->service, "web");
	assert_int_equal(sl->family, AF_INET);
	assert_int_equal(sl->n_eps, 3);
	assert_int_equal(sl->eps[0].n_addrs, 1);
	assert_true(addr_is(&sl->eps[0].addrs[0], "10.244.1.7"));
	assert_int_equal(sl->eps[0].ready, 1);
	assert_int_equal(sl->eps[0].serving, 1);
	assert_int_equal(sl->eps[0].terminating, 0);
	assert_string_equal(sl->eps[0].node_name, "worker-1");
	assert_int_equal(sl->eps[1].ready, 0);
	assert_int_equal(sl->eps[1].serving, 1);
	assert_int_equal(sl->eps[1].terminating, 1);
	/* absent conditions stay nil */
	assert_int_equal(sl->eps[2].ready, -1);
	assert_int_equal(sl->eps[2].serving, -1);
	assert_int_equal(sl->eps[2].terminating, -1);
	assert_int_equal(sl->eps[2].loc.line, 30);
	assert_int_equal(sl->eps[2].loc.col, 3);
	assert_int_equal(sl->n_ports, 2);
	assert_string_equal(sl->ports[0].name, "http");
	assert_int_equal(sl->ports[0].port, 8080);
	assert_int_equal(sl->ports[0].proto, IPPROTO_TCP);
	assert_string_equal(sl->ports[1].name, "metrics");
	fx_free(&f);
}

static void endpoints_from_kubectl(void **state)
{
	struct fx f;
	struct m_slice *sl;

	(void)state;
	fx_init(&f);
	assert_int_equal(fx_read_data(&f, "endpoints-db.yaml"), 0);
	assert_no_errors(&f);
	assert_int_equal(f.m.n_slices, 1);
	sl = &f.m.slices[0];
	assert_string_equal(sl->name, "db");
	assert_string_equal(sl->service, "db");
	assert_int_equal(sl->family, 0);
	assert_int_equal(sl->n_eps, 3);
	assert_int_equal(sl->eps[0].ready, 1);
	assert_int_equal(sl->eps[1].ready, 1);
	assert_int_equal(sl->eps[2].ready, 0);
	assert_true(addr_is(&sl->eps[2].addrs[0], "10.244.3.22"));
	assert_string_equal(sl->eps[1].node_name, "worker-2");
	assert_int_equal(sl->n_ports, 1);
	assert_string_equal(sl->ports[0].name, "pg");
	assert_int_equal(sl->ports[0].port, 5432);
	fx_free(&f);
}

static void endpoints_subsets(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	assert_int_equal(fx_read(&f,
		"apiVersion: v1\n"
		"kind: Endpoints\n"
		"metadata:\n"
		"  name: two\n"
		"subsets:\n"
		"- addresses:\n"
		"  - ip: 10.1.0.1\n"
		"  ports:\n"
		"  - port: 80\n"
		"- addresses:\n"
		"  - ip: fd00::1\n"
		"  ports:\n"
		"  - port: 8080\n"
		"---\n"
		"apiVersion: v1\n"
		"kind: Endpoints\n"
		"metadata:\n"
		"  name: empty\n"), 0);
	assert_no_errors(&f);
	assert_int_equal(f.m.n_slices, 3);
	assert_string_equal(f.m.slices[0].ns, "default");
	assert_int_equal(f.m.slices[0].ports[0].port, 80);
	assert_int_equal(f.m.slices[1].ports[0].port, 8080);
	assert_true(addr_is(&f.m.slices[1].eps[0].addrs[0], "fd00::1"));
	/* no subsets: still one (empty) slice, so the Service is "known" */
	assert_string_equal(f.m.slices[2].service, "empty");
	assert_int_equal(f.m.slices[2].n_eps, 0);
	fx_free(&f);
}

static void pods_from_kubectl_list(void **state)
{
	struct fx f;
	struct m_pod *p;

	(void)state;
	fx_init(&f);
	assert_int_equal(fx_read_data(&f, "pods-api.yaml"), 0);
	assert_no_errors(&f);
	assert_int_equal(f.m.n_pods, 4);
	p = &f.m.pods[0];
	assert_string_equal(p->name, "api-5f6d7c8b9-k2m4n");
	assert_string_equal(p->ns, "shop");
	assert_int_equal(p->n_labels, 3);
	assert_true(p->ready);
	assert_string_equal(p->node_name, "worker-1");
	assert_int_equal(p->n_ips, 1);	/* podIP and podIPs[0] are one */
	assert_true(addr_is(&p->ips[0], "10.244.1.30"));
	assert_int_equal(p->n_ports, 2);
	assert_string_equal(p->ports[0].name, "https");
	assert_int_equal(p->ports[0].port, 8443);
	assert_int_equal(p->ports[1].port, 9100);
	assert_false(f.m.pods[1].ready);	/* Ready: "False" */
	assert_false(f.m.pods[2].ready);	/* no conditions */
	assert_true(f.m.pods[3].ready);
	/* items are located where they start */
	assert_int_equal(p->loc.line, 3);
	assert_int_equal(p->loc.col, 3);
	fx_free(&f);
}

/* ---- streams: multi-document, List, other kinds, JSON ---- */

static void multi_document(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	assert_int_equal(fx_read(&f,
		"apiVersion: v1\n"
		"kind: Service\n"
		"metadata: {name: a}\n"
		"spec: {clusterIP: 10.0.0.1, ports: [{port: 80}]}\n"
		"---\n"
		"---\n"
		"# only a comment\n"
		"---\n"
		"apiVersion: apps/v1\n"
		"kind: Deployment\n"
		"metadata:\n"
		"  name: web\n"
		"spec:\n"
		"  replicas: 3\n"
		"---\n"
		"apiVersion: v1\n"
		"kind: Service\n"
		"metadata: {name: b}\n"
		"spec: {clusterIP: 10.0.0.2, ports: [{port: 81}]}\n"
		"...\n"), 0);
	assert_no_errors(&f);
	assert_int_equal(f.m.n_svcs, 2);
	assert_string_equal(f.m.svcs[1].name, "b");
	assert_int_equal(f.m.svcs[1].loc.line, 16);
	assert_int_equal(f.d.notices, 1);
	assert_msg(&f, "t.yaml:9:1: notice: skipping Deployment \"web\": ksvcctl only reads Service, EndpointSlice, Endpoints and Pod");
	fx_free(&f);
}

static void list_of_kinds(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	assert_int_equal(fx_read(&f,
		"apiVersion: v1\n"
		"items:\n"
		"- apiVersion: v1\n"
		"  kind: Service\n"
		"  metadata:\n"
		"    name: web\n"
		"  spec:\n"
		"    clusterIP: 10.0.0.1\n"
		"    ports:\n"
		"    - port: 80\n"
		"- apiVersion: discovery.k8s.io/v1\n"
		"  kind: EndpointSlice\n"
		"  metadata:\n"
		"    name: web-1\n"
		"    labels: {kubernetes.io/service-name: web}\n"
		"  addressType: IPv6\n"
		"  endpoints:\n"
		"  - addresses: [\"fd00::7\"]\n"
		"  ports:\n"
		"  - port: 8080\n"
		"- apiVersion: v1\n"
		"  kind: ConfigMap\n"
		"  metadata:\n"
		"    name: cfg\n"
		"  data: {a: b}\n"
		"kind: List\n"
		"metadata:\n"
		"  resourceVersion: \"\"\n"), 0);
	assert_no_errors(&f);
	assert_int_equal(f.m.n_svcs, 1);
	assert_int_equal(f.m.n_slices, 1);
	assert_int_equal(f.m.slices[0].family, AF_INET6);
	assert_msg(&f, "t.yaml:21:3: notice: skipping ConfigMap \"cfg\": ksvcctl only reads Service, EndpointSlice, Endpoints and Pod");
	fx_free(&f);
}

static void json_list_and_errors(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	assert_int_equal(fx_read(&f,
		"{\n"
		"    \"apiVersion\": \"v1\",\n"
		"    \"kind\": \"List\",\n"
		"    \"items\": [\n"
		"        {\n"
		"            \"apiVersion\": \"v1\",\n"
		"            \"kind\": \"Service\",\n"
		"            \"metadata\": {\"name\": \"j\"},\n"
		"            \"spec\": {\"clusterIP\": \"10.0.0.9\", \"ports\": [{\"port\": \"80\"}]}\n"
		"        }\n"
		"    ]\n"
		"}\n"), -1);
	/* a JSON string is never a number, as in Kubernetes */
	assert_only_error(&f, "t.yaml:9:66: error: spec.ports[0].port: Invalid value: \"80\": expected integer");
	assert_int_equal(f.m.n_svcs, 0);
	fx_free(&f);
}

/*
 * Several JSON values one after another (a watch stream saved to a file),
 * the second with the seed's typo, then one that jansson refuses
 * (a duplicate key): libyaml reads that one and names the place.
 */
static void json_values_in_a_row(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	assert_int_equal(fx_read(&f,
		"{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": \"a\"},\n"
		" \"spec\": {\"clusterIP\": \"10.0.0.1\", \"ports\": [{\"port\": 80}]}}\n"
		"{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": \"b\"},\n"
		" \"spec\": {\"types\": \"NodePort\", \"ports\": [{\"port\": 80}]}}\n"
		"{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": \"c\"},\n"
		" \"spec\": {\"ports\": [{\"port\": 80}], \"ports\": []}}\n"), -1);
	assert_msg(&f, "t.yaml:4:11: error: unknown field \"spec.types\" (did you mean \"spec.type\"?)");
	assert_msg(&f, "t.yaml:6:36: error: spec.ports: Duplicate value: field already set at line 6");
	assert_int_equal(f.d.errors, 2);
	assert_int_equal(f.m.n_svcs, 1);
	assert_string_equal(f.m.svcs[0].name, "a");
	assert_int_equal(f.m.svcs[0].loc.line, 1);
	fx_free(&f);
}

/* The API server's typed lists leave kind and apiVersion out of items. */
static void api_server_lists(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	assert_int_equal(fx_read(&f,
		"{\"kind\":\"ServiceList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"7\"},\"items\":["
		"{\"metadata\":{\"name\":\"a\",\"namespace\":\"x\"},\"spec\":{\"clusterIP\":\"10.0.0.1\",\"ports\":[{\"port\":80}]}}]}\n"
		"{\"kind\":\"EndpointSliceList\",\"apiVersion\":\"discovery.k8s.io/v1\",\"metadata\":{},\"items\":["
		"{\"metadata\":{\"name\":\"a-1\",\"namespace\":\"x\",\"labels\":{\"kubernetes.io/service-name\":\"a\"}},"
		"\"addressType\":\"IPv4\",\"endpoints\":[{\"addresses\":[\"10.1.0.1\"]}],\"ports\":[{\"port\":8080}]}]}\n"
		"{\"kind\":\"List\",\"apiVersion\":\"v1\",\"items\":[{\"metadata\":{\"name\":\"b\"}}]}\n"), -1);
	assert_int_equal(f.m.n_svcs, 1);
	assert_string_equal(f.m.svcs[0].ns, "x");
	assert_int_equal(f.m.n_slices, 1);
	assert_string_equal(f.m.slices[0].service, "a");
	/* a plain List names its items' kinds */
	assert_only_error(&f, "t.yaml:3:43: error: kind: Required value");
	fx_free(&f);
}

/* ---- unknown fields and kinds ---- */

static void unknown_field_suggests(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	/* what the seed material people copy says */
	assert_int_equal(fx_read(&f,
		"apiVersion: v1\n"
		"kind: Service\n"
		"metadata:\n"
		"  name: web\n"
		"spec:\n"
		"  types: NodePort\n"
		"  clusterIP: 10.0.0.1\n"
		"  ports:\n"
		"  - port: 80\n"), -1);
	assert_only_error(&f, "t.yaml:6:3: error: unknown field \"spec.types\" (did you mean \"spec.type\"?)");
	assert_int_equal(f.m.n_svcs, 0);
	fx_free(&f);
}

static void unknown_fields_nested(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	fx_read(&f,
		"apiVersion: v1\n"
		"kind: Service\n"
		"metadata:\n"
		"  name: web\n"
		"  lables: {app: web}\n"
		"spec:\n"
		"  clusterIp: 10.0.0.1\n"
		"  frobnicate: true\n"
		"  port:\n"
		"  - port: 80\n"
		"    nme: http\n"
		"    targetport: 8080\n"
		"  sessionAffinityConf: {}\n"
		"specs: {}\n");
	assert_int_equal(f.d.errors, 6);
	assert_msg(&f, "t.yaml:5:3: error: unknown field \"metadata.lables\" (did you mean \"metadata.labels\"?)");
	assert_msg(&f, "t.yaml:7:3: error: unknown field \"spec.clusterIp\" (did you mean \"spec.clusterIP\"?)");
	assert_msg(&f, "t.yaml:8:3: error: unknown field \"spec.frobnicate\"");
	assert_msg(&f, "t.yaml:9:3: error: unknown field \"spec.port\" (did you mean \"spec.ports\"?)");
	assert_msg(&f, "t.yaml:13:3: error: unknown field \"spec.sessionAffinityConf\" (did you mean \"spec.sessionAffinityConfig\"?)");
	assert_msg(&f, "t.yaml:14:1: error: unknown field \"specs\" (did you mean \"spec\"?)");
	fx_free(&f);

	fx_init(&f);
	fx_read(&f,
		"apiVersion: v1\n"
		"kind: Service\n"
		"metadata: {name: web}\n"
		"spec:\n"
		"  clusterIP: 10.0.0.1\n"
		"  ports:\n"
		"  - port: 80\n"
		"    nme: http\n"
		"    targetport: 8080\n");
	assert_int_equal(f.d.errors, 2);
	assert_msg(&f, "t.yaml:8:5: error: unknown field \"spec.ports[0].nme\" (did you mean \"spec.ports[0].name\"?)");
	assert_msg(&f, "t.yaml:9:5: error: unknown field \"spec.ports[0].targetport\" (did you mean \"spec.ports[0].targetPort\"?)");
	fx_free(&f);
}

static void every_kubectl_field_accepted(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	assert_int_equal(fx_read(&f,
		"apiVersion: v1\n"
		"kind: Service\n"
		"metadata:\n"
		"  name: lb\n"
		"  namespace: prod\n"
		"  uid: 1b2c\n"
		"  resourceVersion: \"77\"\n"
		"  generation: 2\n"
		"  creationTimestamp: null\n"
		"  finalizers: [service.kubernetes.io/load-balancer-cleanup]\n"
		"  ownerReferences: [{apiVersion: v1, kind: X, name: y, uid: z}]\n"
		"  annotations: {ksvc.io/scheduler: random, other: x}\n"
		"spec:\n"
		"  type: LoadBalancer\n"
		"  allocateLoadBalancerNodePorts: false\n"
		"  loadBalancerClass: example.com/lb\n"
		"  loadBalancerIP: 203.0.113.9\n"
		"  loadBalancerSourceRanges: [10.0.0.0/8]\n"
		"  healthCheckNodePort: 32000\n"
		"  publishNotReadyAddresses: true\n"
		"  externalTrafficPolicy: Local\n"
		"  internalTrafficPolicy: Local\n"
		"  ipFamilies: [IPv4]\n"
		"  ipFamilyPolicy: SingleStack\n"
		"  trafficDistribution: PreferClose\n"
		"  clusterIP: 10.0.0.5\n"
		"  sessionAffinity: ClientIP\n"
		"  sessionAffinityConfig: {clientIP: {timeoutSeconds: 300}}\n"
		"  ports:\n"
		"  - {name: h, port: 80, nodePort: 30080, appProtocol: http}\n"
		"status:\n"
		"  conditions: [{type: x, status: \"True\"}]\n"
		"  loadBalancer:\n"
		"    ingress:\n"
		"    - ip: 203.0.113.9\n"
		"      ipMode: Proxy\n"
		"      ports: [{port: 80, protocol: TCP}]\n"), 0);
	assert_no_errors(&f);
	/* the fields that change behaviour and are not done say so */
	assert_int_equal(f.d.warnings, 3);
	assert_msg(&f, "t.yaml:18:3: warning: spec.loadBalancerSourceRanges: not supported by ksvc yet, ignored: every source reaches the service");
	assert_int_equal(f.m.n_svcs, 1);
	assert_true(f.m.svcs[0].etp_local);
	assert_true(f.m.svcs[0].itp_local);
	assert_true(f.m.svcs[0].affinity_client_ip);
	assert_int_equal(f.m.svcs[0].affinity_timeout, 300);
	assert_int_equal(f.m.svcs[0].sched, KSVC_SCHED_RANDOM);
	fx_free(&f);
}

static void pod_is_permissive(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	assert_int_equal(fx_read(&f,
		"apiVersion: v1\n"
		"kind: Pod\n"
		"metadata: {name: p, labels: {app: a}}\n"
		"spec:\n"
		"  someFutureField: {x: [1, 2]}\n"
		"  containers:\n"
		"  - name: c\n"
		"    newThing: yes\n"
		"    ports: [{containerPort: 80, name: http, futurePortField: 1}]\n"
		"status:\n"
		"  phase: Running\n"
		"  podIPs: [{ip: 10.1.1.1}, {ip: \"fd00::1\"}]\n"), 0);
	assert_no_errors(&f);
	assert_int_equal(f.m.n_pods, 1);
	assert_int_equal(f.m.pods[0].n_ips, 2);
	assert_string_equal(f.m.pods[0].ns, "default");
	fx_free(&f);
}

static void kind_errors(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	fx_read(&f,
		"apiVersion: v1\n"
		"kind: Servise\n"
		"metadata: {name: x}\n"
		"---\n"
		"apiVersion: v1\n"
		"metadata: {name: y}\n"
		"---\n"
		"apiVersion: apps/v1\n"
		"kind: Service\n"
		"metadata: {name: z}\n"
		"---\n"
		"kind: Pod\n"
		"metadata: {name: w}\n"
		"---\n"
		"- just\n"
		"- a list\n"
		"---\n"
		"apiVersion: discovery.k8s.io/v1beta1\n"
		"kind: EndpointSlice\n"
		"---\n"
		"apiVersion: v1\n"
		"kind: Node\n"
		"metadata: {name: n1}\n");
	assert_int_equal(f.d.errors, 6);
	assert_msg(&f, "t.yaml:2:1: error: kind: Unsupported value: \"Servise\" (supported: Service, EndpointSlice, Endpoints, Pod, List)");
	assert_msg(&f, "t.yaml:5:1: error: kind: Required value");
	assert_msg(&f, "t.yaml:8:1: error: apiVersion: Unsupported value: \"apps/v1\": supported values: \"v1\" (for kind Service)");
	assert_msg(&f, "t.yaml:12:1: error: apiVersion: Required value");
	assert_msg(&f, "t.yaml:15:1: error: document: Invalid value: list: expected object");
	assert_msg(&f, "t.yaml:18:1: error: apiVersion: Unsupported value: \"discovery.k8s.io/v1beta1\": supported values: \"discovery.k8s.io/v1\" (for kind EndpointSlice)");
	/* Node is a real kind, not a typo of Pod */
	assert_msg(&f, "t.yaml:21:1: notice: skipping Node \"n1\": ksvcctl only reads Service, EndpointSlice, Endpoints and Pod");
	fx_free(&f);
}

/* ---- malformed input ---- */

static void malformed_yaml(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	assert_int_equal(fx_read(&f,
		"apiVersion: v1\n"
		"kind: Service\n"
		"metadata:\n"
		"  name: web\n"
		" spec: x\n"), -1);
	assert_only_error(&f, "t.yaml:5:2: error: while parsing a block mapping: did not find expected key");
	fx_free(&f);

	fx_init(&f);
	assert_int_equal(fx_read(&f, "a: [1, 2\n"), -1);
	assert_only_error(&f, "t.yaml:2:1: error: while parsing a flow sequence: did not find expected ',' or ']'");
	fx_free(&f);

	fx_init(&f);
	assert_int_equal(fx_read(&f, "a: \"unterminated\n"), -1);
	assert_only_error(&f, "t.yaml:2:1: error: while scanning a quoted scalar: found unexpected end of stream");
	fx_free(&f);

	fx_init(&f);
	assert_int_equal(fx_read(&f, "kind: Service\nname: \"x\xff\"\n"), -1);
	assert_only_error(&f, "t.yaml:2:9: error: invalid leading UTF-8 octet: #FF");
	fx_free(&f);

	fx_init(&f);
	assert_int_equal(fx_read(&f, "a: *nothing\n"), -1);
	assert_only_error(&f, "t.yaml:1:4: error: found undefined alias");
	fx_free(&f);
}

static void good_then_malformed(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	assert_int_equal(fx_read(&f,
		"apiVersion: v1\n"
		"kind: Service\n"
		"metadata: {name: a}\n"
		"spec: {clusterIP: 10.0.0.1, ports: [{port: 80}]}\n"
		"---\n"
		"kind: [\n"), -1);
	assert_int_equal(f.d.errors, 1);
	assert_int_equal(f.m.n_svcs, 1);	/* yaml_read keeps it; model_load will not */
	fx_free(&f);
}

static void wrong_types(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	fx_read(&f,
		"apiVersion: v1\n"
		"kind: Service\n"
		"metadata:\n"
		"  name: web\n"
		"  labels: [a, b]\n"
		"spec:\n"
		"  clusterIP: {a: 1}\n"
		"  selector:\n"
		"    app: {x: 1}\n"
		"  ports:\n"
		"  - port: abc\n"
		"    nodePort: 3.5\n"
		"  - port: \"80\"\n"
		"    targetPort: [1]\n"
		"  - port: 99999999999\n"
		"  externalIPs: 1.2.3.4\n"
		"  publishNotReadyAddresses: \"true\"\n"
		"  sessionAffinityConfig: {clientIP: {timeoutSeconds: ten}}\n");
	assert_int_equal(f.d.errors, 11);
	assert_msg(&f, "t.yaml:5:11: error: metadata.labels: Invalid value: list: expected object");
	assert_msg(&f, "t.yaml:7:14: error: spec.clusterIP: Invalid value: object: expected string");
	assert_msg(&f, "t.yaml:9:10: error: spec.selector[app]: Invalid value: object: expected string");
	assert_msg(&f, "t.yaml:11:11: error: spec.ports[0].port: Invalid value: \"abc\": expected integer");
	assert_msg(&f, "t.yaml:12:15: error: spec.ports[0].nodePort: Invalid value: 3.5: expected integer");
	assert_msg(&f, "t.yaml:13:11: error: spec.ports[1].port: Invalid value: \"80\": expected integer");
	assert_msg(&f, "t.yaml:14:17: error: spec.ports[1].targetPort: Invalid value: list: expected string");
	assert_msg(&f, "t.yaml:15:11: error: spec.ports[2].port: Invalid value: 99999999999: expected 32-bit integer");
	assert_msg(&f, "t.yaml:16:16: error: spec.externalIPs: Invalid value: \"1.2.3.4\": expected list");
	assert_msg(&f, "t.yaml:17:29: error: spec.publishNotReadyAddresses: Invalid value: \"true\": expected boolean");
	assert_msg(&f, "t.yaml:18:54: error: spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: \"ten\": expected integer");
	assert_int_equal(f.m.n_svcs, 0);
	fx_free(&f);
}

static void target_port_int_or_string(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	assert_int_equal(fx_read(&f,
		"apiVersion: v1\n"
		"kind: Service\n"
		"metadata: {name: t}\n"
		"spec:\n"
		"  clusterIP: 10.0.0.1\n"
		"  ports:\n"
		"  - {name: a, port: 1, targetPort: 8080}\n"
		"  - {name: b, port: 2, targetPort: web}\n"
		"  - {name: c, port: 3, targetPort: \"8080\"}\n"
		"  - {name: d, port: 4}\n"), 0);
	assert_no_errors(&f);
	assert_int_equal(f.m.svcs[0].ports[0].target_port, 8080);
	assert_string_equal(f.m.svcs[0].ports[1].target_port_name, "web");
	/* quoted: a string, as the API server takes it (and then refuses) */
	assert_string_equal(f.m.svcs[0].ports[2].target_port_name, "8080");
	assert_int_equal(f.m.svcs[0].ports[3].target_port, 0);
	assert_null(f.m.svcs[0].ports[3].target_port_name);
	fx_free(&f);
}

static void bad_values_at_read(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	fx_read(&f,
		"apiVersion: v1\n"
		"kind: Service\n"
		"metadata:\n"
		"  name: web\n"
		"  annotations:\n"
		"    ksvc.io/scheduler: roundrobin\n"
		"spec:\n"
		"  type: Nodeport\n"
		"  clusterIP: 10.0.0.300\n"
		"  externalIPs: [192.0.2.1, not-an-ip]\n"
		"  sessionAffinity: Sticky\n"
		"  externalTrafficPolicy: local\n"
		"  ports:\n"
		"  - port: 80\n"
		"    protocol: HTTP\n"
		"status:\n"
		"  loadBalancer:\n"
		"    ingress:\n"
		"    - ip: 1.2.3\n");
	assert_int_equal(f.d.errors, 8);
	assert_msg(&f, "t.yaml:6:5: error: metadata.annotations[ksvc.io/scheduler]: Unsupported value: \"roundrobin\": supported values: \"maglev\", \"random\"");
	assert_msg(&f, "t.yaml:8:3: error: spec.type: Unsupported value: \"Nodeport\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"");
	assert_msg(&f, "t.yaml:9:14: error: spec.clusterIP: Invalid value: \"10.0.0.300\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
	assert_msg(&f, "t.yaml:10:28: error: spec.externalIPs[1]: Invalid value: \"not-an-ip\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
	assert_msg(&f, "t.yaml:11:3: error: spec.sessionAffinity: Unsupported value: \"Sticky\": supported values: \"ClientIP\", \"None\"");
	assert_msg(&f, "t.yaml:12:3: error: spec.externalTrafficPolicy: Unsupported value: \"local\": supported values: \"Cluster\", \"Local\"");
	assert_msg(&f, "t.yaml:15:5: error: spec.ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"");
	assert_msg(&f, "t.yaml:19:11: error: status.loadBalancer.ingress[0].ip: Invalid value: \"1.2.3\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
	fx_free(&f);
}

static void cluster_ips_agree(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	fx_read(&f,
		"apiVersion: v1\n"
		"kind: Service\n"
		"metadata: {name: a}\n"
		"spec:\n"
		"  clusterIP: 10.0.0.1\n"
		"  clusterIPs: [10.0.0.2]\n"
		"  ports: [{port: 80}]\n"
		"---\n"
		"apiVersion: v1\n"
		"kind: Service\n"
		"metadata: {name: b}\n"
		"spec:\n"
		"  clusterIPs: [10.0.0.1, 10.0.0.2]\n"
		"  ports: [{port: 80}]\n"
		"---\n"
		"apiVersion: v1\n"
		"kind: Service\n"
		"metadata: {name: c}\n"
		"spec:\n"
		"  clusterIP: None\n"
		"  clusterIPs: [None]\n"
		"  ports: [{port: 80}]\n");
	assert_int_equal(f.d.errors, 2);
	assert_msg(&f, "t.yaml:6:16: error: spec.clusterIPs[0]: Invalid value: \"10.0.0.2\": must match spec.clusterIP");
	assert_msg(&f, "t.yaml:13:26: error: spec.clusterIPs[1]: Invalid value: \"10.0.0.2\": must be of a different IP family than clusterIPs[0]");
	assert_int_equal(f.m.n_svcs, 1);
	assert_true(f.m.svcs[0].headless);
	fx_free(&f);
}

static void slice_problems(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	fx_read(&f,
		"apiVersion: discovery.k8s.io/v1\n"
		"kind: EndpointSlice\n"
		"metadata: {name: s1}\n"
		"addressType: IPv4\n"
		"endpoints:\n"
		"- addresses: [\"fd00::1\"]\n"
		"  conditions: {ready: \"true\"}\n"
		"- conditions: {ready: true}\n"
		"---\n"
		"apiVersion: discovery.k8s.io/v1\n"
		"kind: EndpointSlice\n"
		"metadata: {name: s2, labels: {kubernetes.io/service-name: x}}\n"
		"addressType: FQDN\n"
		"endpoints: [{addresses: [example.com]}]\n"
		"---\n"
		"apiVersion: discovery.k8s.io/v1\n"
		"kind: EndpointSlice\n"
		"metadata: {name: s3, labels: {kubernetes.io/service-name: x}}\n"
		"endpoints: []\n"
		"---\n"
		"apiVersion: v1\n"
		"kind: Endpoints\n"
		"metadata: {name: e}\n"
		"subsets: [{addresses: [{nodeName: n}]}]\n");
	assert_int_equal(f.d.errors, 6);
	assert_int_equal(f.d.warnings, 1);
	assert_msg(&f, "t.yaml:6:15: error: endpoints[0].addresses[0]: Invalid value: \"fd00::1\": must be a valid IPv4 address, (e.g. 10.9.8.7)");
	assert_msg(&f, "t.yaml:7:23: error: endpoints[0].conditions.ready: Invalid value: \"true\": expected boolean");
	assert_msg(&f, "t.yaml:8:3: error: endpoints[1].addresses: Required value: must contain at least 1 address");
	assert_msg(&f, "t.yaml:1:1: error: metadata.labels[kubernetes.io/service-name]: Required value: names the Service this EndpointSlice belongs to");
	assert_msg(&f, "t.yaml:10:1: warning: skipping EndpointSlice with addressType FQDN: ksvcctl only uses IP endpoints");
	assert_msg(&f, "t.yaml:16:1: error: addressType: Required value");
	assert_msg(&f, "t.yaml:24:24: error: subsets[0].addresses[0].ip: Required value");
	assert_int_equal(f.m.n_slices, 0);
	fx_free(&f);
}

static void duplicate_keys_and_nul(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	fx_read(&f,
		"apiVersion: v1\n"
		"kind: Service\n"
		"metadata: {name: a}\n"
		"spec:\n"
		"  clusterIP: 10.0.0.1\n"
		"  ports: [{port: 80}]\n"
		"  clusterIP: 10.0.0.2\n"
		"  selector: {app: a, app: b}\n"
		"  externalName: \"x\\0y\"\n");
	assert_int_equal(f.d.errors, 3);
	assert_msg(&f, "t.yaml:7:3: error: spec.clusterIP: Duplicate value: field already set at line 5");
	assert_msg(&f, "t.yaml:8:22: error: spec.selector[app]: Duplicate value: field already set at line 8");
	assert_msg(&f, "t.yaml:9:17: error: spec.externalName: Invalid value: string: must not contain a NUL character");
	fx_free(&f);
}

/* ---- anchors and aliases ---- */

static void aliases_resolved(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	assert_int_equal(fx_read(&f,
		"apiVersion: v1\n"
		"kind: Service\n"
		"metadata:\n"
		"  name: a\n"
		"  labels: &l {app: web, tier: fe}\n"
		"spec:\n"
		"  clusterIP: 10.0.0.1\n"
		"  selector: *l\n"
		"  ports:\n"
		"  - &p {name: a, port: 80}\n"
		"  - {name: b, port: &n 81, targetPort: *n}\n"), 0);
	assert_no_errors(&f);
	assert_int_equal(f.m.svcs[0].n_selector, 2);
	assert_int_equal(f.m.svcs[0].ports[1].target_port, 81);
	fx_free(&f);
}

static void alias_bomb_refused(void **state)
{
	struct fx f;
	clock_t t0 = clock();

	(void)state;
	fx_init(&f);
	assert_int_equal(fx_read(&f,
		"apiVersion: v1\n"
		"kind: Service\n"
		"metadata:\n"
		"  name: bomb\n"
		"  a: &a [x, x, x, x, x, x, x, x, x, x]\n"
		"  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		"  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
		"  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
		"  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
		"  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
		"  g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
		"  h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
		"  i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n"
		"spec: {labels: *i}\n"), -1);
	assert_only_error(&f, "t.yaml:5:16: error: aliases expand this document by more than 100000 nodes (alias bomb?); refusing it");
	assert_int_equal(f.m.n_svcs, 0);
	/* refused after ~100k steps, not 10^9 */
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
	fx_free(&f);
}

static void alias_cycle_refused(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	assert_int_equal(fx_read(&f,
		"apiVersion: v1\n"
		"kind: Service\n"
		"metadata: &m\n"
		"  name: x\n"
		"  labels: *m\n"), -1);
	assert_only_error(&f, "t.yaml:4:3: error: document nests deeper than 64 levels (alias cycle?); refusing it");
	fx_free(&f);
}

static void big_plain_document_ok(void **state)
{
	size_t cap = 1 << 22, n = 0;
	char *buf = malloc(cap);
	struct fx f;

	(void)state;
	/* 3000 Pods in one List: more nodes than the alias allowance */
	n += snprintf(buf + n, cap - n, "apiVersion: v1\nkind: List\nitems:\n");
	for (int i = 0; i < 3000; i++)
		n += snprintf(buf + n, cap - n,
			      "- apiVersion: v1\n  kind: Pod\n"
			      "  metadata: {name: p%d, labels: {a: b, c: d, e: f, g: h}}\n"
			      "  spec: {nodeName: n, containers: [{name: c, image: i, ports: [{containerPort: 80}]}]}\n"
			      "  status: {podIP: 10.1.%d.%d, conditions: [{type: Ready, status: \"True\"}]}\n",
			      i, i / 250, i % 250);
	fx_init(&f);
	assert_int_equal(yaml_read_buf("big.yaml", buf, n, &f.m, &f.d), 0);
	assert_int_equal(f.m.n_pods, 3000);
	fx_free(&f);
	free(buf);
}

static void error_cap(void **state)
{
	char buf[8192];
	size_t n = 0;
	struct fx f;

	(void)state;
	n += snprintf(buf + n, sizeof(buf) - n,
		      "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n");
	for (int i = 0; i < 80; i++)
		n += snprintf(buf + n, sizeof(buf) - n, "  bogus%d: 1\n", i);
	fx_init(&f);
	assert_int_equal(yaml_read_buf("cap.yaml", buf, n, &f.m, &f.d), -1);
	assert_int_equal(f.d.n_msgs, DIAG_MAX_ERRORS + 1);
	assert_msg(&f, "error: too many errors (50), stopping");
	fx_free(&f);
}

static void empty_input(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	assert_int_equal(fx_read(&f, ""), 0);
	assert_int_equal(fx_read(&f, "# nothing\n---\n...\n"), 0);
	assert_no_errors(&f);
	assert_int_equal(f.m.n_svcs, 0);
	fx_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(service_from_kubectl),
		cmocka_unit_test(service_from_json),
		cmocka_unit_test(endpointslice_from_kubectl),
		cmocka_unit_test(endpoints_from_kubectl),
		cmocka_unit_test(endpoints_subsets),
		cmocka_unit_test(pods_from_kubectl_list),
		cmocka_unit_test(multi_document),
		cmocka_unit_test(list_of_kinds),
		cmocka_unit_test(json_list_and_errors),
		cmocka_unit_test(json_values_in_a_row),
		cmocka_unit_test(api_server_lists),
		cmocka_unit_test(unknown_field_suggests),
		cmocka_unit_test(unknown_fields_nested),
		cmocka_unit_test(every_kubectl_field_accepted),
		cmocka_unit_test(pod_is_permissive),
		cmocka_unit_test(kind_errors),
		cmocka_unit_test(malformed_yaml),
		cmocka_unit_test(good_then_malformed),
		cmocka_unit_test(wrong_types),
		cmocka_unit_test(target_port_int_or_string),
		cmocka_unit_test(bad_values_at_read),
		cmocka_unit_test(cluster_ips_agree),
		cmocka_unit_test(slice_problems),
		cmocka_unit_test(duplicate_keys_and_nul),
		cmocka_unit_test(aliases_resolved),
		cmocka_unit_test(alias_bomb_refused),
		cmocka_unit_test(alias_cycle_refused),
		cmocka_unit_test(big_plain_document_ok),
		cmocka_unit_test(error_cap),
		cmocka_unit_test(empty_input),
	};

	return cmocka_run_group_tests_name("yaml_read", tests, NULL, NULL);
}
