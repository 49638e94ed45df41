// SPDX-License-Identifier: GPL-2.0
/*
 * gen_nlseeds DIR: write the seed inputs of fuzz_nlparse into DIR, one
 * file per request sequence, as ksvcctl would send them (struct nlmsghdr,
 * struct genlmsghdr, attributes), built from the uapi header so that they
 * follow it.  Valid requests of the commands that parse services, one of
 * the configuration (its policy), and a few invalid ones.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/ksvc.h>
#include <linux/netlink.h>

#define FAMILY_ID	0x20	/* any type from NLMSG_MIN_TYPE on is ksvc */
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct buf {
	uint8_t data[65536];
	size_t len;
	size_t msg;		/* where the current message starts */
	size_t nest[16];	/* where the open nests start */
	int depth;
	uint32_t seq;
};

static void *reserve(struct buf *b, size_t len)
{
	void *p = b->data + b->len;
	size_t pad = NLA_ALIGN(len);

	if (b->len + pad > sizeof(b->data)) {
		fprintf(stderr, "gen_nlseeds: seed too large\n");
		exit(1);
	}
	memset(p, 0, pad);
	b->len += pad;
	return p;
}

static void put(struct buf *b, uint16_t type, const void *data, uint16_t len)
{
	struct nlattr *a = reserve(b, NLA_HDRLEN + len);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((uint8_t *)a + NLA_HDRLEN, data, len);
}

static void put_u8(struct buf *b, uint16_t type, uint8_t v)
{
	put(b, type, &v, sizeof(v));
}

static void put_u16(struct buf *b, uint16_t type, uint16_t v)
{
	put(b, type, &v, sizeof(v));
}

static void put_u32(struct buf *b, uint16_t type, uint32_t v)
{
	put(b, type, &v, sizeof(v));
}

static void put_str(struct buf *b, uint16_t type, const char *s)
{
	put(b, type, s, strlen(s) + 1);
}

/* An IPv4 or IPv6 address as attribute @in or @in6. */
static void put_ip(struct buf *b, uint16_t in, uint16_t in6, const char *ip)
{
	uint8_t a[16];

	if (inet_pton(AF_INET, ip, a) == 1)
		put(b, in, a, 4);
	else if (inet_pton(AF_INET6, ip, a) == 1)
		put(b, in6, a, 16);
	else
		exit(1);
}

static void nest(struct buf *b, uint16_t type)
{
	struct nlattr *a = reserve(b, NLA_HDRLEN);

	a->nla_type = type | NLA_F_NESTED;
	b->nest[b->depth++] = (uint8_t *)a - b->data;
}

static void end(struct buf *b)
{
	struct nlattr *a = (void *)(b->data + b->nest[--b->depth]);

	a->nla_len = b->data + b->len - (uint8_t *)a;
}

static void msg(struct buf *b, uint8_t cmd)
{
	struct genlmsghdr *g;

	b->msg = b->len;
	reserve(b, NLMSG_HDRLEN);
	g = reserve(b, GENL_HDRLEN);
	g->cmd = cmd;
	g->version = KSVC_GENL_VERSION;
}

static void msg_end(struct buf *b)
{
	struct nlmsghdr *h = (void *)(b->data + b->msg);

	h->nlmsg_len = b->len - b->msg;
	h->nlmsg_type = FAMILY_ID;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	h->nlmsg_seq = ++b->seq;
}

static void svc(struct buf *b, const char *ns, const char *name, uint8_t type)
{
	nest(b, KSVC_A_SERVICE);
	put_str(b, KSVC_SVC_A_NAMESPACE, ns);
	put_str(b, KSVC_SVC_A_NAME, name);
	if (type)
		put_u8(b, KSVC_SVC_A_TYPE, type);
}

static void addr(struct buf *b, uint8_t kind, const char *ip)
{
	nest(b, KSVC_LIST_A_ENTRY);
	if (kind)
		put_u8(b, KSVC_ADDR_A_KIND, kind);
	put_ip(b, KSVC_ADDR_A_IN, KSVC_ADDR_A_IN6, ip);
	end(b);
}

static void cidr(struct buf *b, const char *ip, uint8_t prefix)
{
	nest(b, KSVC_LIST_A_ENTRY);
	put_ip(b, KSVC_ADDR_A_IN, KSVC_ADDR_A_IN6, ip);
	put_u8(b, KSVC_ADDR_A_PREFIX, prefix);
	end(b);
}

static void port(struct buf *b, uint8_t proto, uint16_t port, uint16_t target,
		 uint16_t node_port, const char *name)
{
	nest(b, KSVC_LIST_A_ENTRY);
	if (name)
		put_str(b, KSVC_PORT_A_NAME, name);
	put_u8(b, KSVC_PORT_A_PROTO, proto);
	put_u16(b, KSVC_PORT_A_PORT, port);
	put_u16(b, KSVC_PORT_A_TARGET_PORT, target);
	if (node_port)
		put_u16(b, KSVC_PORT_A_NODE_PORT, node_port);
	end(b);
}

static void chunk(struct buf *b, uint8_t proto, uint16_t port)
{
	nest(b, KSVC_A_BACKENDS);
	put_u8(b, KSVC_BES_A_PROTO, proto);
	put_u16(b, KSVC_BES_A_PORT, port);
}

static void be(struct buf *b, const char *ip, uint16_t port, uint32_t flags,
	       uint16_t weight, const char *node)
{
	nest(b, KSVC_BES_A_ENTRY);
	put_ip(b, KSVC_BE_A_IN, KSVC_BE_A_IN6, ip);
	put_u16(b, KSVC_BE_A_PORT, port);
	put_u32(b, KSVC_BE_A_FLAGS, flags);
	if (weight)
		put_u16(b, KSVC_BE_A_WEIGHT, weight);
	if (node)
		put_str(b, KSVC_BE_A_NODE_NAME, node);
	end(b);
}

#define READY	KSVC_BE_F_READY
#define TERM	(KSVC_BE_F_SERVING | KSVC_BE_F_TERMINATING)

/* A ClusterIP service with one named port and two ready backends. */
static void cluster_ip(struct buf *b, uint8_t cmd, const char *name,
		       const char *ip)
{
	msg(b, cmd);
	svc(b, "default", name, KSVC_SVC_TYPE_CLUSTER_IP);
	nest(b, KSVC_SVC_A_ADDRS);
	addr(b, KSVC_ADDR_KIND_CLUSTER, ip);
	end(b);
	nest(b, KSVC_SVC_A_PORTS);
	port(b, IPPROTO_TCP, 80, 8080, 0, "http");
	end(b);
	end(b);
	chunk(b, IPPROTO_TCP, 80);
	be(b, "10.244.1.5", 8080, READY, 0, "node-a");
	be(b, "10.244.2.7", 8080, READY, 0, "node-b");
	end(b);
	msg_end(b);
}

static void seed_cluster_ip(struct buf *b)
{
	cluster_ip(b, KSVC_CMD_SVC_NEW, "web", "10.96.0.10");
}

/* NodePort, two protocols, Maglev, affinity, weights, one port to allocate. */
static void seed_node_port(struct buf *b)
{
	msg(b, KSVC_CMD_SVC_NEW);
	svc(b, "shop", "front-end", KSVC_SVC_TYPE_NODE_PORT);
	put_u32(b, KSVC_SVC_A_FLAGS, KSVC_SVC_F_AFFINITY | KSVC_SVC_F_ETP_LOCAL);
	put_u8(b, KSVC_SVC_A_SCHED, KSVC_SCHED_MAGLEV);
	put_u32(b, KSVC_SVC_A_AFFINITY_TIMEOUT, 600);
	nest(b, KSVC_SVC_A_ADDRS);
	addr(b, KSVC_ADDR_KIND_CLUSTER, "10.96.0.11");
	end(b);
	nest(b, KSVC_SVC_A_PORTS);
	port(b, IPPROTO_TCP, 80, 8080, 30080, "http");
	port(b, IPPROTO_UDP, 53, 5353, 0, "dns");
	end(b);
	end(b);
	chunk(b, IPPROTO_TCP, 80);
	be(b, "10.244.1.5", 8080, READY, 3, "node-a");
	be(b, "10.244.2.7", 8080, READY, 1, "node-b");
	be(b, "10.244.3.9", 8080, TERM, 2, "node-c");
	end(b);
	chunk(b, IPPROTO_UDP, 53);
	be(b, "10.244.1.6", 5353, READY, 0, NULL);
	end(b);
	msg_end(b);
}

/* A dual-stack LoadBalancer with external and ingress addresses. */
static void lb_service(struct buf *b)
{
	svc(b, "shop", "checkout", KSVC_SVC_TYPE_LOAD_BALANCER);
	put_u8(b, KSVC_SVC_A_OP, KSVC_OP_APPLY);
	nest(b, KSVC_SVC_A_ADDRS);
	addr(b, KSVC_ADDR_KIND_CLUSTER, "10.96.0.30");
	addr(b, KSVC_ADDR_KIND_CLUSTER, "fd00:10:96::30");
	addr(b, KSVC_ADDR_KIND_EXTERNAL, "192.0.2.10");
	addr(b, KSVC_ADDR_KIND_LB_INGRESS, "198.51.100.7");
	end(b);
	nest(b, KSVC_SVC_A_PORTS);
	port(b, IPPROTO_TCP, 443, 8443, 30443, "https");
	port(b, IPPROTO_SCTP, 9000, 9000, 0, NULL);
	end(b);
	end(b);
	chunk(b, IPPROTO_TCP, 443);
	be(b, "10.244.1.8", 8443, READY, 0, "node-a");
	be(b, "fd00:244::8", 8443, READY, 0, "node-a");
	end(b);
	chunk(b, IPPROTO_SCTP, 9000);
	be(b, "fd00:244::9", 9000, READY, 0, "node-b");
	end(b);
}

/*
 * Batch: LoadBalancer and a change of its backends (the target applies
 * one to the service parsed last), headless, IPv6-only.
 */
static void seed_batch(struct buf *b)
{
	msg(b, KSVC_CMD_BATCH);
	lb_service(b);
	svc(b, "shop", "checkout", 0);
	put_u8(b, KSVC_SVC_A_OP, KSVC_OP_BACKENDS);
	end(b);
	chunk(b, IPPROTO_TCP, 443);
	be(b, "10.244.1.9", 8443, READY, 0, "node-b");
	end(b);
	svc(b, "shop", "db", KSVC_SVC_TYPE_CLUSTER_IP);
	put_u32(b, KSVC_SVC_A_FLAGS, KSVC_SVC_F_HEADLESS);
	nest(b, KSVC_SVC_A_PORTS);
	port(b, IPPROTO_TCP, 5432, 5432, 0, "pg");
	end(b);
	end(b);
	chunk(b, IPPROTO_TCP, 5432);
	be(b, "10.244.4.2", 5432, READY, 0, "node-d");
	end(b);
	svc(b, "shop", "v6", KSVC_SVC_TYPE_CLUSTER_IP);
	put_u32(b, KSVC_SVC_A_FLAGS, KSVC_SVC_F_ITP_LOCAL | KSVC_SVC_F_DROP);
	nest(b, KSVC_SVC_A_ADDRS);
	addr(b, KSVC_ADDR_KIND_CLUSTER, "fd00:10:96::40");
	end(b);
	nest(b, KSVC_SVC_A_PORTS);
	port(b, IPPROTO_UDP, 53, 53, 0, NULL);
	end(b);
	end(b);
	chunk(b, IPPROTO_UDP, 53);
	be(b, "fd00:244::53", 53, TERM, 0, "node-a");
	end(b);
	msg_end(b);
}

static void config_set(struct buf *b, const char *node)
{
	msg(b, KSVC_CMD_CONFIG_SET);
	nest(b, KSVC_A_CONFIG);
	put_u16(b, KSVC_CFG_A_NODEPORT_MIN, 30000);
	put_u16(b, KSVC_CFG_A_NODEPORT_MAX, 30100);
	put_str(b, KSVC_CFG_A_NODE_NAME, node);
	put_u32(b, KSVC_CFG_A_FLAGS, KSVC_CFG_F_DROP_NO_ENDPOINT);
	nest(b, KSVC_CFG_A_NODE_ADDRS);
	addr(b, 0, "10.0.0.1");
	addr(b, 0, "fd00::1");
	end(b);
	nest(b, KSVC_CFG_A_SERVICE_CIDRS);
	cidr(b, "10.96.0.0", 16);
	cidr(b, "fd00:10:96::", 112);
	end(b);
	end(b);
	msg_end(b);
}

/* The configuration commands: their policy only, nl_cfg.c is not built. */
static void seed_config(struct buf *b)
{
	config_set(b, "node-a");
	msg(b, KSVC_CMD_CONFIG_GET);
	msg_end(b);
}

static void name_only(struct buf *b, uint8_t cmd, const char *ns,
		      const char *name)
{
	msg(b, cmd);
	svc(b, ns, name, 0);
	end(b);
}

/* Every command that names a service, on one, with a ClusterIP to allocate. */
static void seed_lifecycle(struct buf *b)
{
	cluster_ip(b, KSVC_CMD_SVC_NEW, "api", "0.0.0.0");
	name_only(b, KSVC_CMD_BACKENDS_SET, "default", "api");
	chunk(b, IPPROTO_TCP, 80);
	be(b, "10.244.1.5", 8080, READY, 0, "node-a");
	be(b, "10.244.9.9", 8080, TERM, 0, "node-a");
	end(b);
	msg_end(b);
	cluster_ip(b, KSVC_CMD_SVC_SET, "api", "0.0.0.0");
	name_only(b, KSVC_CMD_SVC_GET, "default", "api");
	msg_end(b);
	msg(b, KSVC_CMD_BATCH);
	put_u32(b, KSVC_A_BATCH_FLAGS, KSVC_BATCH_F_DRY_RUN);
	svc(b, "default", "api", 0);
	put_u8(b, KSVC_SVC_A_OP, KSVC_OP_DELETE);
	end(b);
	msg_end(b);
	name_only(b, KSVC_CMD_SVC_DEL, "default", "api");
	msg_end(b);
}

/* One port's backends over two chunks, up to the limit the target sets. */
static void seed_many_backends(struct buf *b)
{
	char ip[32];
	int i;

	msg(b, KSVC_CMD_SVC_NEW);
	svc(b, "big", "many", KSVC_SVC_TYPE_NODE_PORT);
	put_u8(b, KSVC_SVC_A_SCHED, KSVC_SCHED_MAGLEV);
	nest(b, KSVC_SVC_A_ADDRS);
	addr(b, KSVC_ADDR_KIND_CLUSTER, "10.96.1.1");
	end(b);
	nest(b, KSVC_SVC_A_PORTS);
	port(b, IPPROTO_TCP, 8080, 8080, 0, "alt");
	end(b);
	end(b);
	for (i = 0; i < 280; i++) {
		if (i % 140 == 0)
			chunk(b, IPPROTO_TCP, 8080);
		snprintf(ip, sizeof(ip), "10.245.%d.%d", i / 200, i % 200 + 1);
		be(b, ip, 8080, i % 7 ? READY : TERM, 1 + i % 3, "node-a");
		if (i % 140 == 139)
			end(b);
	}
	msg_end(b);
}

/* A ClusterIP service "default/@name" with port TCP 80, its chunks to follow. */
static void port_80(struct buf *b, const char *name, const char *ip)
{
	svc(b, "default", name, KSVC_SVC_TYPE_CLUSTER_IP);
	nest(b, KSVC_SVC_A_ADDRS);
	addr(b, KSVC_ADDR_KIND_CLUSTER, ip);
	end(b);
	nest(b, KSVC_SVC_A_PORTS);
	port(b, IPPROTO_TCP, 80, 80, 0, NULL);
	end(b);
	end(b);
}

/* Requests the module refuses: no name, a duplicate backend, a bad port. */
static void seed_invalid(struct buf *b)
{
	msg(b, KSVC_CMD_SVC_NEW);
	nest(b, KSVC_A_SERVICE);
	put_u8(b, KSVC_SVC_A_TYPE, KSVC_SVC_TYPE_CLUSTER_IP);
	end(b);
	msg_end(b);
	msg(b, KSVC_CMD_BATCH);
	port_80(b, "dup", "10.96.0.12");
	chunk(b, IPPROTO_TCP, 80);
	be(b, "10.244.1.5", 80, READY, 0, NULL);
	be(b, "10.244.1.5", 80, READY, 0, NULL);
	end(b);
	port_80(b, "no-port", "10.96.0.13");
	chunk(b, IPPROTO_UDP, 81);
	end(b);
	msg_end(b);
}

/* One past each limit: ports, backends (the target's 300). */
static void seed_limits(struct buf *b)
{
	char ip[32];
	int i;

	msg(b, KSVC_CMD_SVC_NEW);
	svc(b, "big", "ports", KSVC_SVC_TYPE_CLUSTER_IP);
	nest(b, KSVC_SVC_A_ADDRS);
	addr(b, KSVC_ADDR_KIND_CLUSTER, "10.96.1.2");
	end(b);
	nest(b, KSVC_SVC_A_PORTS);
	for (i = 0; i <= KSVC_MAX_PORTS; i++)
		port(b, IPPROTO_TCP, 1000 + i, 1000 + i, 0, NULL);
	end(b);
	end(b);
	msg_end(b);
	msg(b, KSVC_CMD_SVC_NEW);
	svc(b, "big", "backends", KSVC_SVC_TYPE_CLUSTER_IP);
	nest(b, KSVC_SVC_A_ADDRS);
	addr(b, KSVC_ADDR_KIND_CLUSTER, "10.96.1.3");
	end(b);
	nest(b, KSVC_SVC_A_PORTS);
	port(b, IPPROTO_UDP, 53, 53, 0, NULL);
	end(b);
	end(b);
	for (i = 0; i < 301; i++) {
		if (i % 150 == 0)
			chunk(b, IPPROTO_UDP, 53);
		snprintf(ip, sizeof(ip), "10.246.%d.%d", i / 200, i % 200 + 1);
		be(b, ip, 53, READY, 0, NULL);
		if (i % 150 == 149 || i == 300)
			end(b);
	}
	msg_end(b);
}

static const struct {
	const char *name;
	void (*fn)(struct buf *b);
} seeds[] = {
	{ "cluster-ip", seed_cluster_ip },
	{ "node-port", seed_node_port },
	{ "batch", seed_batch },
	{ "config", seed_config },
	{ "lifecycle", seed_lifecycle },
	{ "many-backends", seed_many_backends },
	{ "invalid", seed_invalid },
	{ "limits", seed_limits },
};

int main(int argc, char **argv)
{
	static struct buf b;
	char path[4096];
	size_t i;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_nlseeds DIR\n");
		return 2;
	}
	for (i = 0; i < ARRAY_SIZE(seeds); i++) {
		memset(&b, 0, sizeof(b));
		seeds[i].fn(&b);
		snprintf(path, sizeof(path), "%s/nl-%s", argv[1], seeds[i].name);
		f = fopen(path, "wb");
		if (!f || fwrite(b.data, 1, b.len, f) != b.len || fclose(f)) {
			perror(path);
			return 1;
		}
	}
	return 0;
}
