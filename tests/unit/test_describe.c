// SPDX-License-Identifier: GPL-2.0
/*
 * ksvcctl describe: the exact text of kubectl's describe layout with
 * ksvc's lines, and the SVC_GET reply decoded with every backend.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <cmocka.h>

#include "describe.h"

static struct wire_addr addr(uint8_t kind, const char *ip)
{
	struct wire_addr a = { .kind = kind };

	a.family = strchr(ip, ':') ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(a.family, ip, a.a), 1);
	return a;
}

static struct wire_backend be(size_t port_idx, const char *ip, uint16_t port,
			      uint32_t flags, const char *node, uint64_t conns,
			      uint64_t packets, uint64_t bytes)
{
	struct wire_backend b = { .port_idx = port_idx, .port = port,
				  .weight = 1, .flags = flags,
				  .stats = { conns, packets, bytes } };

	b.family = strchr(ip, ':') ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(b.family, ip, b.a), 1);
	snprintf(b.node, sizeof(b.node), "%s", node);
	return b;
}

static struct wire_port port(const char *name, uint8_t proto, uint16_t nr,
			     uint16_t node_port, uint16_t target_port)
{
	struct wire_port p = { .proto = proto, .port = nr,
			       .node_port = node_port,
			       .target_port = target_port };

	snprintf(p.name, sizeof(p.name), "%s", name);
	return p;
}

static void expect_text(const struct svc_detail *d, const char *want)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	describe_svc(f, d);
	fclose(f);
	if (strcmp(out, want))
		fail_msg("describe printed:\n%s\nwant:\n%s", out, want);
	free(out);
}

#define RS	(KSVC_BE_F_READY | KSVC_BE_F_SERVING)

/* NodePort, two ports, ClientIP, ETP Local, Maglev, one backend not ready. */
static void test_nodeport_two_ports(void **state)
{
	struct wire_addr addrs[] = { addr(KSVC_ADDR_KIND_CLUSTER, "10.96.0.10") };
	struct wire_port ports[] = {
		port("http", IPPROTO_TCP, 80, 30080, 8080),
		port("https", IPPROTO_TCP, 443, 30443, 0),
	};
	struct wire_backend bes[] = {
		be(0, "10.244.1.5", 8080, RS, "node-1", 3, 24, 2000),
		be(0, "10.244.1.6", 8080, KSVC_BE_F_SERVING | KSVC_BE_F_TERMINATING,
		   "node-2", 2, 16, 1512),
		be(1, "10.244.1.5", 443, RS, "node-1", 0, 0, 0),
	};
	struct svc_detail d = {
		.svc = { .ns = "default", .name = "web",
			 .type = KSVC_SVC_TYPE_NODE_PORT,
			 .flags = KSVC_SVC_F_AFFINITY | KSVC_SVC_F_ETP_LOCAL,
			 .sched = KSVC_SCHED_MAGLEV, .affinity_timeout = 10800,
			 .addrs = addrs, .n_addrs = 1,
			 .ports = ports, .n_ports = 2 },
		.be = bes, .n_be = 3,
	};

	(void)state;
	ports[0].stats = (struct wire_stats){ 5, 40, 3512 };
	expect_text(&d,
		"Name:                     web\n"
		"Namespace:                default\n"
		"Type:                     NodePort\n"
		"IP Family Policy:         SingleStack\n"
		"IP Families:              IPv4\n"
		"IP:                       10.96.0.10\n"
		"IPs:                      10.96.0.10\n"
		"Port:                     http  80/TCP\n"
		"TargetPort:               8080/TCP\n"
		"NodePort:                 http  30080/TCP\n"
		"Endpoints:                10.244.1.5:8080\n"
		"Port:                     https  443/TCP\n"
		"TargetPort:               443/TCP\n"
		"NodePort:                 https  30443/TCP\n"
		"Endpoints:                10.244.1.5:443\n"
		"Session Affinity:         ClientIP\n"
		"External Traffic Policy:  Local\n"
		"Internal Traffic Policy:  Cluster\n"
		"Scheduler:                maglev\n"
		"Connections:              5  Packets: 40  Bytes: 3512  (http 80/TCP)\n"
		"Connections:              0  Packets: 0  Bytes: 0  (https 443/TCP)\n"
		"Backends:\n"
		"  PORT   ADDRESS          READY  SERVING  TERMINATING  NODE    CONNS  PACKETS  BYTES\n"
		"  http   10.244.1.5:8080  true   true     false        node-1  3      24       2000\n"
		"  http   10.244.1.6:8080  false  true     true         node-2  2      16       1512\n"
		"  https  10.244.1.5:443   true   true     false        node-1  0      0        0\n"
		"Events:                   <none>\n");
}

/* LoadBalancer, dual-stack, external IP and two ingress IPs, no backends. */
static void test_loadbalancer_ingress(void **state)
{
	struct wire_addr addrs[] = {
		addr(KSVC_ADDR_KIND_CLUSTER, "10.96.0.30"),
		addr(KSVC_ADDR_KIND_CLUSTER, "fd00:10:96::30"),
		addr(KSVC_ADDR_KIND_EXTERNAL, "192.0.2.10"),
		addr(KSVC_ADDR_KIND_LB_INGRESS, "203.0.113.7"),
		addr(KSVC_ADDR_KIND_LB_INGRESS, "203.0.113.8"),
	};
	struct wire_port ports[] = { port("", IPPROTO_TCP, 80, 30009, 80) };
	struct svc_detail d = {
		.svc = { .ns = "prod", .name = "myapp-lb",
			 .type = KSVC_SVC_TYPE_LOAD_BALANCER,
			 .addrs = addrs, .n_addrs = 5,
			 .ports = ports, .n_ports = 1 },
	};

	(void)state;
	expect_text(&d,
		"Name:                     myapp-lb\n"
		"Namespace:                prod\n"
		"Type:                     LoadBalancer\n"
		"IP Family Policy:         PreferDualStack\n"
		"IP Families:              IPv4,IPv6\n"
		"IP:                       10.96.0.30\n"
		"IPs:                      10.96.0.30,fd00:10:96::30\n"
		"External IPs:             192.0.2.10\n"
		"LoadBalancer Ingress:     203.0.113.7, 203.0.113.8\n"
		"Port:                     <unset>  80/TCP\n"
		"TargetPort:               80/TCP\n"
		"NodePort:                 <unset>  30009/TCP\n"
		"Endpoints:                <none>\n"
		"Session Affinity:         None\n"
		"External Traffic Policy:  Cluster\n"
		"Internal Traffic Policy:  Cluster\n"
		"Scheduler:                random\n"
		"Connections:              0  Packets: 0  Bytes: 0\n"
		"Backends:                 <none>\n"
		"Events:                   <none>\n");
}

/*
 * Headless: IP None, families from the backends, no External Traffic
 * Policy; four ready endpoints show as three " + 1 more...".
 */
static void test_headless(void **state)
{
	struct wire_port ports[] = { port("pg", IPPROTO_TCP, 5432, 0, 0) };
	struct wire_backend bes[] = {
		be(0, "10.244.2.7", 5432, RS, "node-2", 0, 0, 0),
		be(0, "10.244.2.8", 5432, RS, "node-2", 0, 0, 0),
		be(0, "10.244.3.1", 5432, 0, "", 0, 0, 0),
		be(0, "10.244.2.9", 5432, RS, "node-3", 0, 0, 0),
		be(0, "10.244.3.2", 5432, KSVC_BE_F_READY, "node-3", 1, 2, 3),
	};
	struct svc_detail d = {
		.svc = { .ns = "default", .name = "db",
			 .type = KSVC_SVC_TYPE_CLUSTER_IP,
			 .flags = KSVC_SVC_F_HEADLESS | KSVC_SVC_F_ITP_LOCAL,
			 .ports = ports, .n_ports = 1 },
		.be = bes, .n_be = 5,
	};

	(void)state;
	ports[0].stats = (struct wire_stats){ 1, 2, 3 };
	expect_text(&d,
		"Name:                     db\n"
		"Namespace:                default\n"
		"Type:                     ClusterIP\n"
		"IP Family Policy:         SingleStack\n"
		"IP Families:              IPv4\n"
		"IP:                       None\n"
		"IPs:                      None\n"
		"Port:                     pg  5432/TCP\n"
		"TargetPort:               5432/TCP\n"
		"Endpoints:                10.244.2.7:5432,10.244.2.8:5432,10.244.2.9:5432 + 1 more...\n"
		"Session Affinity:         None\n"
		"Internal Traffic Policy:  Local\n"
		"Scheduler:                random\n"
		"Connections:              1  Packets: 2  Bytes: 3\n"
		"Backends:\n"
		"  ADDRESS          READY  SERVING  TERMINATING  NODE    CONNS  PACKETS  BYTES\n"
		"  10.244.2.7:5432  true   true     false        node-2  0      0        0\n"
		"  10.244.2.8:5432  true   true     false        node-2  0      0        0\n"
		"  10.244.3.1:5432  false  false    false        <none>  0      0        0\n"
		"  10.244.2.9:5432  true   true     false        node-3  0      0        0\n"
		"  10.244.3.2:5432  true   false    false        node-3  1      2        3\n"
		"Events:                   <none>\n");
}

/* IPv6 endpoints in brackets; a headless service with nothing: <none>. */
static void test_ipv6_and_empty(void **state)
{
	struct wire_addr addrs[] = { addr(KSVC_ADDR_KIND_CLUSTER, "fd00::a") };
	struct wire_port ports[] = { port("dns", IPPROTO_UDP, 53, 0, 0) };
	struct wire_backend bes[] = {
		be(0, "fd00:244::5", 53, RS, "n1", 0, 0, 0),
	};
	struct svc_detail d = {
		.svc = { .ns = "kube-system", .name = "dns6",
			 .type = KSVC_SVC_TYPE_CLUSTER_IP,
			 .addrs = addrs, .n_addrs = 1,
			 .ports = ports, .n_ports = 1 },
		.be = bes, .n_be = 1,
	};
	struct svc_detail empty = {
		.svc = { .ns = "default", .name = "none",
			 .type = KSVC_SVC_TYPE_CLUSTER_IP,
			 .flags = KSVC_SVC_F_HEADLESS,
			 .ports = ports, .n_ports = 1 },
	};

	(void)state;
	expect_text(&d,
		"Name:                     dns6\n"
		"Namespace:                kube-system\n"
		"Type:                     ClusterIP\n"
		"IP Family Policy:         SingleStack\n"
		"IP Families:              IPv6\n"
		"IP:                       fd00::a\n"
		"IPs:                      fd00::a\n"
		"Port:                     dns  53/UDP\n"
		"TargetPort:               53/UDP\n"
		"Endpoints:                [fd00:244::5]:53\n"
		"Session Affinity:         None\n"
		"Internal Traffic Policy:  Cluster\n"
		"Scheduler:                random\n"
		"Connections:              0  Packets: 0  Bytes: 0\n"
		"Backends:\n"
		"  ADDRESS           READY  SERVING  TERMINATING  NODE  CONNS  PACKETS  BYTES\n"
		"  [fd00:244::5]:53  true   true     false        n1    0      0        0\n"
		"Events:                   <none>\n");
	expect_text(&empty,
		"Name:                     none\n"
		"Namespace:                default\n"
		"Type:                     ClusterIP\n"
		"IP Families:              <none>\n"
		"IP:                       None\n"
		"IPs:                      None\n"
		"Port:                     dns  53/UDP\n"
		"TargetPort:               53/UDP\n"
		"Endpoints:                <none>\n"
		"Session Affinity:         None\n"
		"Internal Traffic Policy:  Cluster\n"
		"Scheduler:                random\n"
		"Connections:              0  Packets: 0  Bytes: 0\n"
		"Backends:                 <none>\n"
		"Events:                   <none>\n");
}

/* ---- svc_detail_decode: a reply as the kernel builds it ---- */

static void put_stats(struct nl_msg *msg, int type, uint64_t c, uint64_t p,
		      uint64_t b)
{
	struct nlattr *st = nla_nest_start(msg, type);

	nla_put_u64(msg, KSVC_STATS_A_CONNS, c);
	nla_put_u64(msg, KSVC_STATS_A_PACKETS, p);
	nla_put_u64(msg, KSVC_STATS_A_BYTES, b);
	nla_nest_end(msg, st);
}

static void put_port(struct nl_msg *msg, const char *name, uint8_t proto,
		     uint16_t nr, uint32_t n_backends)
{
	struct nlattr *e = nla_nest_start(msg, KSVC_PORT_A_ENTRY);

	nla_put_string(msg, KSVC_PORT_A_NAME, name);
	nla_put_u8(msg, KSVC_PORT_A_PROTO, proto);
	nla_put_u16(msg, KSVC_PORT_A_PORT, nr);
	nla_put_u32(msg, KSVC_PORT_A_NR_BACKENDS, n_backends);
	put_stats(msg, KSVC_PORT_A_STATS, 9, 99, 999);
	nla_nest_end(msg, e);
}

static void put_be(struct nl_msg *msg, const char *ip, uint16_t nr,
		   uint32_t flags, uint16_t weight, const char *node,
		   uint64_t conns)
{
	struct nlattr *e = nla_nest_start(msg, KSVC_BES_A_ENTRY);
	uint8_t a[16];
	bool v6 = strchr(ip, ':');

	assert_int_equal(inet_pton(v6 ? AF_INET6 : AF_INET, ip, a), 1);
	nla_put(msg, v6 ? KSVC_BE_A_IN6 : KSVC_BE_A_IN, v6 ? 16 : 4, a);
	nla_put_u16(msg, KSVC_BE_A_PORT, nr);
	nla_put_u32(msg, KSVC_BE_A_FLAGS, flags);
	nla_put_u16(msg, KSVC_BE_A_WEIGHT, weight);
	nla_put_string(msg, KSVC_BE_A_NODE_NAME, node);
	put_stats(msg, KSVC_BE_A_STATS, conns, 2 * conns, 100 * conns);
	nla_nest_end(msg, e);
}

static struct nlattr *chunk(struct nl_msg *msg, uint8_t proto, uint16_t nr)
{
	struct nlattr *c = nla_nest_start(msg, KSVC_A_BACKENDS);

	nla_put_u8(msg, KSVC_BES_A_PROTO, proto);
	nla_put_u16(msg, KSVC_BES_A_PORT, nr);
	return c;
}

/* dns/UDP 53 with 3 backends over two chunks, dns-tcp counted as 4. */
static struct nl_msg *reply(void)
{
	struct nl_msg *msg = nlmsg_alloc_size(8192);
	struct nlattr *svc, *ports, *c;

	assert_non_null(msg);
	assert_non_null(genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, 0x20, 0,
				    0, KSVC_CMD_SVC_GET, KSVC_GENL_VERSION));
	svc = nla_nest_start(msg, KSVC_A_SERVICE);
	nla_put_string(msg, KSVC_SVC_A_NAMESPACE, "kube-system");
	nla_put_string(msg, KSVC_SVC_A_NAME, "kube-dns");
	nla_put_u8(msg, KSVC_SVC_A_TYPE, KSVC_SVC_TYPE_CLUSTER_IP);
	ports = nla_nest_start(msg, KSVC_SVC_A_PORTS);
	put_port(msg, "dns", IPPROTO_UDP, 53, 3);
	put_port(msg, "dns-tcp", IPPROTO_TCP, 53, 4);
	nla_nest_end(msg, ports);
	nla_nest_end(msg, svc);
	c = chunk(msg, IPPROTO_UDP, 53);
	put_be(msg, "10.244.0.3", 53, KSVC_BE_F_READY, 1, "node-a", 5);
	put_be(msg, "fd00::4", 5353, KSVC_BE_F_TERMINATING, 7, "", 0);
	nla_nest_end(msg, c);
	c = chunk(msg, IPPROTO_TCP, 53);	/* empty */
	nla_nest_end(msg, c);
	c = chunk(msg, IPPROTO_UDP, 53);
	put_be(msg, "10.244.0.6", 53, RS, 1, "node-b", 1);
	nla_nest_end(msg, c);
	return msg;
}

static void test_decode(void **state)
{
	struct nl_msg *msg = reply();
	struct svc_detail d;
	uint8_t a6[16];

	(void)state;
	assert_int_equal(svc_detail_decode(nlmsg_hdr(msg), &d), 0);
	assert_string_equal(d.svc.name, "kube-dns");
	assert_int_equal(d.svc.n_ports, 2);
	assert_int_equal(d.n_be, 3);
	assert_int_equal(d.be[0].port_idx, 0);
	assert_int_equal(d.be[0].family, AF_INET);
	assert_memory_equal(d.be[0].a, "\x0a\xf4\x00\x03", 4);
	assert_int_equal(d.be[0].port, 53);
	assert_int_equal(d.be[0].flags, KSVC_BE_F_READY);
	assert_string_equal(d.be[0].node, "node-a");
	assert_true(d.be[0].stats.conns == 5 && d.be[0].stats.packets == 10 &&
		    d.be[0].stats.bytes == 500);
	assert_int_equal(d.be[1].family, AF_INET6);
	inet_pton(AF_INET6, "fd00::4", a6);
	assert_memory_equal(d.be[1].a, a6, 16);
	assert_int_equal(d.be[1].port, 5353);
	assert_int_equal(d.be[1].weight, 7);
	assert_string_equal(d.be[1].node, "");
	assert_int_equal(d.be[2].port_idx, 0);
	assert_string_equal(d.be[2].node, "node-b");
	/* dns-tcp counts 4 backends but none came: a dump left them out */
	assert_true(svc_detail_partial(&d));
	svc_detail_free(&d);
	nlmsg_free(msg);
}

/* An entry without an address, or with both: the whole reply is bad. */
static void test_decode_bad_entry(void **state)
{
	struct nl_msg *msg = reply();
	struct nlattr *c, *e;
	struct svc_detail d;

	(void)state;
	c = chunk(msg, IPPROTO_UDP, 53);
	e = nla_nest_start(msg, KSVC_BES_A_ENTRY);
	nla_put_u16(msg, KSVC_BE_A_PORT, 53);
	nla_nest_end(msg, e);
	nla_nest_end(msg, c);
	assert_int_equal(svc_detail_decode(nlmsg_hdr(msg), &d), -EBADMSG);
	svc_detail_free(&d);
	nlmsg_free(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nodeport_two_ports),
		cmocka_unit_test(test_loadbalancer_ingress),
		cmocka_unit_test(test_headless),
		cmocka_unit_test(test_ipv6_and_empty),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_decode_bad_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
