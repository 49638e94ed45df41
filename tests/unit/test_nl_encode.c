// SPDX-License-Identifier: GPL-2.0
/*
 * ksvcctl netlink encoding against the uapi attribute tree, decoding of
 * hand-built SVC_GET replies, and extended-ACK parsing.  No kernel needed.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <cmocka.h>

#include "nl.h"
#include "nl_svc.h"

#define FAMILY	0x20

static struct m_addr v4(const char *ip)
{
	struct m_addr a = { .family = AF_INET };

	assert_int_equal(inet_pton(AF_INET, ip, a.a), 1);
	return a;
}

static struct m_addr v6(const char *ip)
{
	struct m_addr a = { .family = AF_INET6 };

	assert_int_equal(inet_pton(AF_INET6, ip, a.a), 1);
	return a;
}

static struct nl_msg *new_msg(size_t size)
{
	struct nl_msg *msg = nlmsg_alloc_size(size);

	assert_non_null(msg);
	assert_non_null(genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, FAMILY, 0,
				    0, KSVC_CMD_SVC_NEW, KSVC_GENL_VERSION));
	return msg;
}

/* A LoadBalancer with every field set; port 53 has no endpoint object. */
struct fixture {
	struct m_addr ext, lb;
	struct m_port ports[2];
	struct m_backend be[2];
	struct m_port_backends pb[2];
	struct m_service s;
};

static void fixture_init(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->ext = v4("192.0.2.7");
	f->lb = v4("203.0.113.9");
	f->ports[0] = (struct m_port){ .name = "http", .proto = IPPROTO_TCP,
		.port = 80, .node_port = 30008, .target_port = 8080 };
	f->ports[1] = (struct m_port){ .name = "", .proto = IPPROTO_UDP,
		.port = 53 };
	f->be[0] = (struct m_backend){ .addr = v4("10.244.1.5"), .port = 8080,
		.flags = KSVC_BE_F_READY | KSVC_BE_F_SERVING, .weight = 1,
		.node_name = "node-a" };
	f->be[1] = (struct m_backend){ .addr = v6("fd00::5"), .port = 8080,
		.flags = KSVC_BE_F_TERMINATING, .weight = 2 };
	f->pb[0] = (struct m_port_backends){ .be = f->be, .n = 2, .known = true };
	f->pb[1] = (struct m_port_backends){ .known = false };
	f->s = (struct m_service){ .ns = "default", .name = "myapp",
		.type = M_LOAD_BALANCER, .n_cluster_ips = 2,
		.external_ips = &f->ext, .n_external_ips = 1,
		.lb_ingress = &f->lb, .n_lb_ingress = 1,
		.ports = f->ports, .n_ports = 2, .affinity_client_ip = true,
		.affinity_timeout = 600, .etp_local = true,
		.sched = KSVC_SCHED_MAGLEV, .backends = f->pb };
	f->s.cluster_ips[0] = v4("10.96.0.10");
	f->s.cluster_ips[1] = v6("fd00:10:96::a");
}

/* Every attribute of a nest, by type; fails on duplicates or unknowns. */
static void parse_exact(struct nlattr **tb, int max, struct nlattr *nest,
			int n_expected)
{
	struct nlattr *a;
	int rem, n = 0;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	assert_true(nest->nla_type & NLA_F_NESTED);	/* strict kernels */
	nla_for_each_nested(a, nest, rem) {
		assert_in_range(nla_type(a), 1, max);
		assert_null(tb[nla_type(a)]);
		tb[nla_type(a)] = a;
		n++;
	}
	assert_int_equal(rem, 0);
	assert_int_equal(n, n_expected);
}

/* The list members, which must all be KSVC_LIST_A_ENTRY. */
static int list_entries(struct nlattr *list, struct nlattr **out, int max)
{
	struct nlattr *a;
	int rem, n = 0;

	assert_true(list->nla_type & NLA_F_NESTED);
	nla_for_each_nested(a, list, rem) {
		assert_int_equal(nla_type(a), KSVC_LIST_A_ENTRY);
		assert_true(n < max);
		out[n++] = a;
	}
	return n;
}

static void check_str(struct nlattr *a, const char *want)
{
	assert_non_null(a);
	assert_int_equal(nla_len(a), strlen(want) + 1);	/* NUL included */
	assert_string_equal(nla_data(a), want);
}

static void check_bytes(struct nlattr *a, const struct m_addr *want, int len)
{
	assert_non_null(a);
	assert_int_equal(nla_len(a), len);
	assert_memory_equal(nla_data(a), want->a, len);
}

static void check_u8(struct nlattr *a, uint8_t v)
{
	assert_non_null(a);
	assert_int_equal(nla_len(a), 1);
	assert_int_equal(nla_get_u8(a), v);
}

static void check_u16(struct nlattr *a, uint16_t v)
{
	assert_non_null(a);
	assert_int_equal(nla_len(a), 2);
	assert_int_equal(nla_get_u16(a), v);	/* host order */
}

static void check_u32(struct nlattr *a, uint32_t v)
{
	assert_non_null(a);
	assert_int_equal(nla_len(a), 4);
	assert_int_equal(nla_get_u32(a), v);
}

static void check_addr(struct nlattr *e, uint8_t kind, const struct m_addr *a)
{
	struct nlattr *tb[KSVC_ADDR_A_MAX + 1];
	int in = a->family == AF_INET6 ? KSVC_ADDR_A_IN6 : KSVC_ADDR_A_IN;

	parse_exact(tb, KSVC_ADDR_A_MAX, e, 2);
	check_u8(tb[KSVC_ADDR_A_KIND], kind);
	check_bytes(tb[in], a, a->family == AF_INET6 ? 16 : 4);
}

/* The chunk of port 80/TCP: its key, then the fixture's two backends. */
static void check_chunk(struct nlattr *chunk, const struct fixture *f)
{
	struct nlattr *e[4], *tb[KSVC_BE_A_MAX + 1], *a;
	int rem, n = 0;

	assert_int_equal(nla_type(chunk), KSVC_A_BACKENDS);
	assert_true(chunk->nla_type & NLA_F_NESTED);
	nla_for_each_nested(a, chunk, rem) {
		switch (nla_type(a)) {
		case KSVC_BES_A_PROTO:
			check_u8(a, IPPROTO_TCP);
			break;
		case KSVC_BES_A_PORT:
			check_u16(a, 80);
			break;
		default:
			assert_int_equal(nla_type(a), KSVC_BES_A_ENTRY);
			assert_true(a->nla_type & NLA_F_NESTED);
			assert_true(n < 4);
			e[n++] = a;
		}
	}
	assert_int_equal(n, 2);
	parse_exact(tb, KSVC_BE_A_MAX, e[0], 5);
	check_bytes(tb[KSVC_BE_A_IN], &f->be[0].addr, 4);
	check_u16(tb[KSVC_BE_A_PORT], 8080);
	check_u32(tb[KSVC_BE_A_FLAGS], KSVC_BE_F_READY | KSVC_BE_F_SERVING);
	check_u16(tb[KSVC_BE_A_WEIGHT], 1);
	check_str(tb[KSVC_BE_A_NODE_NAME], "node-a");
	parse_exact(tb, KSVC_BE_A_MAX, e[1], 4);	/* no node name */
	check_bytes(tb[KSVC_BE_A_IN6], &f->be[1].addr, 16);
	check_u16(tb[KSVC_BE_A_PORT], 8080);
	check_u32(tb[KSVC_BE_A_FLAGS], KSVC_BE_F_TERMINATING);
	check_u16(tb[KSVC_BE_A_WEIGHT], 2);
}

/* Ports carry no backends any more: those travel in KSVC_A_BACKENDS. */
static void check_ports(struct nlattr *list)
{
	struct nlattr *e[4], *tb[KSVC_PORT_A_MAX + 1];

	assert_int_equal(list_entries(list, e, 4), 2);
	parse_exact(tb, KSVC_PORT_A_MAX, e[0], 5);
	check_str(tb[KSVC_PORT_A_NAME], "http");
	check_u8(tb[KSVC_PORT_A_PROTO], IPPROTO_TCP);
	check_u16(tb[KSVC_PORT_A_PORT], 80);
	check_u16(tb[KSVC_PORT_A_NODE_PORT], 30008);
	check_u16(tb[KSVC_PORT_A_TARGET_PORT], 8080);
	parse_exact(tb, KSVC_PORT_A_MAX, e[1], 3);
	check_str(tb[KSVC_PORT_A_NAME], "");
	check_u8(tb[KSVC_PORT_A_PROTO], IPPROTO_UDP);
	check_u16(tb[KSVC_PORT_A_PORT], 53);
}

static void check_svc(struct nlattr *svc, const struct fixture *f)
{
	struct nlattr *tb[KSVC_SVC_A_MAX + 1], *e[8];

	parse_exact(tb, KSVC_SVC_A_MAX, svc, 8);
	check_str(tb[KSVC_SVC_A_NAMESPACE], "default");
	check_str(tb[KSVC_SVC_A_NAME], "myapp");
	check_u8(tb[KSVC_SVC_A_TYPE], KSVC_SVC_TYPE_LOAD_BALANCER);
	check_u32(tb[KSVC_SVC_A_FLAGS], KSVC_SVC_F_AFFINITY | KSVC_SVC_F_ETP_LOCAL);
	check_u8(tb[KSVC_SVC_A_SCHED], KSVC_SCHED_MAGLEV);
	check_u32(tb[KSVC_SVC_A_AFFINITY_TIMEOUT], 600);
	assert_int_equal(list_entries(tb[KSVC_SVC_A_ADDRS], e, 8), 4);
	check_addr(e[0], KSVC_ADDR_KIND_CLUSTER, &f->s.cluster_ips[0]);
	check_addr(e[1], KSVC_ADDR_KIND_CLUSTER, &f->s.cluster_ips[1]);
	check_addr(e[2], KSVC_ADDR_KIND_EXTERNAL, &f->ext);
	check_addr(e[3], KSVC_ADDR_KIND_LB_INGRESS, &f->lb);
	check_ports(tb[KSVC_SVC_A_PORTS]);
}

/*
 * The message's top-level attributes in order: only SERVICE and BACKENDS,
 * exactly one SERVICE and it comes first.  Returns the number of chunks,
 * which land in @chunks.
 */
static int top_chunks(struct nl_msg *msg, struct nlattr **chunks, int max)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *a;
	int rem, i = 0, n = 0;

	nlmsg_for_each_attr(a, nlh, GENL_HDRLEN, rem) {
		if (i++ == 0) {
			assert_int_equal(nla_type(a), KSVC_A_SERVICE);
			continue;
		}
		assert_int_equal(nla_type(a), KSVC_A_BACKENDS);
		assert_true(n < max);
		chunks[n++] = a;
	}
	assert_int_equal(rem, 0);
	assert_true(i >= 1);
	return n;
}

static struct nlattr *top_service(struct nl_msg *msg)
{
	struct nlattr *tb[KSVC_A_MAX + 1];

	assert_int_equal(genlmsg_parse(nlmsg_hdr(msg), 0, tb, KSVC_A_MAX, NULL), 0);
	assert_non_null(tb[KSVC_A_SERVICE]);
	assert_null(tb[KSVC_A_CONFIG]);
	return tb[KSVC_A_SERVICE];
}

/* A chunk's key and its entries (counted; each must be a nest). */
static int chunk_key(struct nlattr *chunk, uint8_t *proto, uint16_t *port)
{
	struct nlattr *a, *p = NULL, *pp = NULL;
	int rem, n = 0;

	assert_int_equal(nla_type(chunk), KSVC_A_BACKENDS);
	assert_true(chunk->nla_type & NLA_F_NESTED);
	nla_for_each_nested(a, chunk, rem) {
		if (nla_type(a) == KSVC_BES_A_PROTO) {
			assert_null(p);
			p = a;
		} else if (nla_type(a) == KSVC_BES_A_PORT) {
			assert_null(pp);
			pp = a;
		} else {
			assert_int_equal(nla_type(a), KSVC_BES_A_ENTRY);
			assert_true(a->nla_type & NLA_F_NESTED);
			n++;
		}
	}
	assert_int_equal(rem, 0);
	assert_non_null(p);
	assert_non_null(pp);
	assert_int_equal(nla_len(p), 1);
	assert_int_equal(nla_len(pp), 2);
	*proto = nla_get_u8(p);
	*port = nla_get_u16(pp);
	return n;
}

static void test_encode_full(void **state)
{
	struct nlattr *chunks[4];
	struct fixture f;
	struct nl_msg *msg;

	(void)state;
	fixture_init(&f);
	msg = new_msg(NLMSG_HDRLEN + GENL_HDRLEN + ksvc_svc_size(&f.s));
	assert_int_equal(ksvc_put_svc(msg, &f.s), 0);
	/* The size estimate is an upper bound: the exact buffer sufficed. */
	assert_true(nlmsg_hdr(msg)->nlmsg_len <=
		    NLMSG_HDRLEN + GENL_HDRLEN + ksvc_svc_size(&f.s));
	check_svc(top_service(msg), &f);
	/* Port 80 has one chunk; 53 (unknown backends) none: kernel keeps its. */
	assert_int_equal(top_chunks(msg, chunks, 4), 1);
	check_chunk(chunks[0], &f);
	nlmsg_free(msg);
}

/* Known but empty: one chunk without entries, meaning "no backends". */
static void test_encode_empty_backends_and_flags(void **state)
{
	struct nlattr *tb[KSVC_SVC_A_MAX + 1], *e[4], *ptb[KSVC_PORT_A_MAX + 1];
	struct nlattr *chunks[4];
	struct fixture f;
	struct nl_msg *msg;
	uint8_t proto;
	uint16_t port;

	(void)state;
	fixture_init(&f);
	f.pb[0].n = 0;
	f.s.n_ports = 1;
	f.s.type = M_CLUSTER_IP;
	f.s.headless = true;
	f.s.n_cluster_ips = 0;
	f.s.n_external_ips = f.s.n_lb_ingress = 0;
	f.s.affinity_client_ip = f.s.etp_local = false;
	f.s.itp_local = true;
	f.s.sched = 0;
	msg = new_msg(4096);
	assert_int_equal(ksvc_put_svc(msg, &f.s), 0);
	/* No affinity: no timeout.  ADDRS present even when empty. */
	parse_exact(tb, KSVC_SVC_A_MAX, top_service(msg), 7);
	check_u8(tb[KSVC_SVC_A_TYPE], KSVC_SVC_TYPE_CLUSTER_IP);
	check_u32(tb[KSVC_SVC_A_FLAGS], KSVC_SVC_F_HEADLESS | KSVC_SVC_F_ITP_LOCAL);
	check_u8(tb[KSVC_SVC_A_SCHED], 0);
	assert_int_equal(list_entries(tb[KSVC_SVC_A_ADDRS], e, 4), 0);
	assert_int_equal(list_entries(tb[KSVC_SVC_A_PORTS], e, 4), 1);
	parse_exact(ptb, KSVC_PORT_A_MAX, e[0], 5);
	assert_int_equal(top_chunks(msg, chunks, 4), 1);
	assert_int_equal(chunk_key(chunks[0], &proto, &port), 0);
	assert_int_equal(proto, IPPROTO_TCP);
	assert_int_equal(port, 80);
	/* Exactly the key: PROTO and PORT, nothing else. */
	assert_int_equal(nla_len(chunks[0]), nla_total_size(1) + nla_total_size(2));
	nlmsg_free(msg);
}

/* Unknown backends on every port (or no backends array): no chunk at all. */
static void test_encode_unknown_no_chunk(void **state)
{
	struct nlattr *chunks[4];
	struct fixture f;
	struct nl_msg *msg;

	(void)state;
	fixture_init(&f);
	f.pb[0].known = false;
	assert_int_equal(ksvc_backends_size(&f.s), 0);
	msg = new_msg(NLMSG_HDRLEN + GENL_HDRLEN + ksvc_svc_size(&f.s));
	assert_int_equal(ksvc_put_svc(msg, &f.s), 0);
	assert_int_equal(top_chunks(msg, chunks, 4), 0);
	check_svc(top_service(msg), &f);
	nlmsg_free(msg);
	f.s.backends = NULL;
	msg = new_msg(NLMSG_HDRLEN + GENL_HDRLEN + ksvc_svc_size(&f.s));
	assert_int_equal(ksvc_put_svc(msg, &f.s), 0);
	assert_int_equal(top_chunks(msg, chunks, 4), 0);
	nlmsg_free(msg);
}

static void test_encode_refusals(void **state)
{
	struct fixture f;
	struct nl_msg *msg;

	(void)state;
	fixture_init(&f);
	msg = new_msg(4096);
	f.s.type = M_EXTERNAL_NAME;
	assert_int_equal(ksvc_put_svc(msg, &f.s), -EINVAL);
	nlmsg_free(msg);
	f.s.type = M_CLUSTER_IP;
	msg = new_msg(NLMSG_HDRLEN + GENL_HDRLEN + 64);	/* far too small */
	assert_int_equal(ksvc_put_svc(msg, &f.s), -EMSGSIZE);
	nlmsg_free(msg);
	/* Room for the service but not for its chunks: refused, not cut. */
	f.pb[0].known = false;
	msg = new_msg(NLMSG_HDRLEN + GENL_HDRLEN + ksvc_svc_size(&f.s));
	f.pb[0].known = true;
	assert_int_equal(ksvc_put_svc(msg, &f.s), -EMSGSIZE);
	nlmsg_free(msg);
}

/* @n backends on port 80, IPv4 and IPv6 mixed, long node names. */
static struct m_backend *many_backends(struct fixture *f, size_t n)
{
	static const char node[] =
		"node-0123456789-0123456789-0123456789-0123456789-0123456789-abc";
	struct m_backend *be = calloc(n, sizeof(*be));
	size_t i;

	assert_non_null(be);
	assert_int_equal(strlen(node), 63);
	for (i = 0; i < n; i++) {
		be[i] = (struct m_backend){ .port = 1 + i % 65535,
			.weight = 1, .flags = KSVC_BE_F_READY,
			.node_name = (char *)node };
		be[i].addr = i % 2 ? v6("fd00::1") : v4("10.244.0.1");
		be[i].addr.a[i % 2 ? 14 : 2] = (uint8_t)(i >> 8);
		be[i].addr.a[i % 2 ? 15 : 3] = (uint8_t)i;
	}
	f->pb[0] = (struct m_port_backends){ .be = be, .n = n, .known = true };
	return be;
}

/*
 * nla_len is 16 bits: 2000 backends cannot be one nest, so they travel
 * as several chunks of at most 500, all below 64 KiB, in order.
 */
static void test_encode_chunks(void **state)
{
	struct nlattr *chunks[16], *a, *tb[KSVC_BE_A_MAX + 1];
	struct fixture f;
	struct m_backend *be;
	struct nl_msg *msg;
	size_t size, seen = 0;
	int i, n, rem;
	uint8_t proto;
	uint16_t port;

	(void)state;
	fixture_init(&f);
	be = many_backends(&f, 2000);
	size = NLMSG_HDRLEN + GENL_HDRLEN + ksvc_svc_size(&f.s);
	assert_true(size > 65536);
	msg = new_msg(size);
	assert_int_equal(ksvc_put_svc(msg, &f.s), 0);
	assert_true(nlmsg_hdr(msg)->nlmsg_len <= size);
	check_svc(top_service(msg), &f);
	n = top_chunks(msg, chunks, 16);
	assert_true(n >= 4);
	for (i = 0; i < n; i++) {
		int entries = chunk_key(chunks[i], &proto, &port);

		assert_int_equal(proto, IPPROTO_TCP);
		assert_int_equal(port, 80);
		assert_in_range(entries, 1, 500);
		assert_true(nla_total_size(nla_len(chunks[i])) < 65536);
		/* The entries are the backends, in order. */
		nla_for_each_nested(a, chunks[i], rem) {
			if (nla_type(a) != KSVC_BES_A_ENTRY)
				continue;
			assert_true(seen < 2000);
			assert_int_equal(nla_parse_nested(tb, KSVC_BE_A_MAX, a,
							  NULL), 0);
			check_u16(tb[KSVC_BE_A_PORT], be[seen].port);
			check_bytes(tb[seen % 2 ? KSVC_BE_A_IN6 : KSVC_BE_A_IN],
				    &be[seen].addr, seen % 2 ? 16 : 4);
			seen++;
		}
	}
	assert_int_equal(seen, 2000);
	nlmsg_free(msg);
	free(be);
}

/* Whatever the entries' size, no chunk reaches 64 KiB (byte cap). */
static void test_encode_chunk_bytes(void **state)
{
	struct nlattr *chunks[16];
	struct fixture f;
	struct m_backend *be;
	struct nl_msg *msg;
	char *node = malloc(1001);
	size_t i, size, sum = 0;
	int n;
	uint8_t proto;
	uint16_t port;

	(void)state;
	assert_non_null(node);
	memset(node, 'n', 1000);
	node[1000] = '\0';
	fixture_init(&f);
	be = many_backends(&f, 300);	/* 300 x ~1 KiB: > 64 KiB */
	for (i = 0; i < 300; i++)
		be[i].node_name = node;
	size = NLMSG_HDRLEN + GENL_HDRLEN + ksvc_svc_size(&f.s);
	msg = new_msg(size);
	assert_int_equal(ksvc_put_svc(msg, &f.s), 0);
	assert_true(nlmsg_hdr(msg)->nlmsg_len <= size);
	n = top_chunks(msg, chunks, 16);
	assert_true(n >= 5);
	for (i = 0; i < (size_t)n; i++) {
		sum += chunk_key(chunks[i], &proto, &port);
		assert_true(nla_total_size(nla_len(chunks[i])) < 65536);
	}
	assert_int_equal(sum, 300);
	nlmsg_free(msg);
	free(be);
	free(node);
}

/* A 16384-backend set is one message of about 1.5 MB; the estimate holds. */
static void test_encode_huge(void **state)
{
	struct nlattr *chunks[64];
	struct fixture f;
	struct m_backend *be;
	struct nl_msg *msg;
	size_t size, sum = 0;
	int i, n;
	uint8_t proto;
	uint16_t port;

	(void)state;
	fixture_init(&f);
	be = many_backends(&f, 16384);
	size = NLMSG_HDRLEN + GENL_HDRLEN + ksvc_svc_size(&f.s);
	msg = new_msg(size);
	assert_int_equal(ksvc_put_svc(msg, &f.s), 0);
	assert_true(nlmsg_hdr(msg)->nlmsg_len <= size);
	assert_true(nlmsg_hdr(msg)->nlmsg_len > 1000000);
	n = top_chunks(msg, chunks, 64);
	assert_int_equal(n, 33);	/* ceil(16384 / 500) */
	for (i = 0; i < n; i++)
		sum += chunk_key(chunks[i], &proto, &port);
	assert_int_equal(sum, 16384);
	nlmsg_free(msg);
	free(be);
}

/* BACKENDS_SET: the key, then chunks of the known ports only. */
static void test_encode_backends_set(void **state)
{
	struct nlattr *tb[KSVC_SVC_A_MAX + 1], *chunks[4];
	struct m_backend be53 = { .addr = v4("10.244.2.2"), .port = 5353 };
	struct fixture f;
	struct nl_msg *msg;
	uint8_t proto;
	uint16_t port;

	(void)state;
	fixture_init(&f);
	f.pb[1] = (struct m_port_backends){ .be = &be53, .n = 1, .known = true };
	msg = new_msg(4096);
	assert_int_equal(ksvc_put_svc_key(msg, "default", "myapp"), 0);
	assert_int_equal(ksvc_put_backends(msg, &f.s), 0);
	parse_exact(tb, KSVC_SVC_A_MAX, top_service(msg), 2);
	assert_int_equal(top_chunks(msg, chunks, 4), 2);
	check_chunk(chunks[0], &f);
	assert_int_equal(chunk_key(chunks[1], &proto, &port), 1);
	assert_int_equal(proto, IPPROTO_UDP);
	assert_int_equal(port, 53);
	nlmsg_free(msg);
}

static void test_encode_key(void **state)
{
	struct nlattr *tb[KSVC_SVC_A_MAX + 1];
	struct nl_msg *msg = new_msg(4096);

	(void)state;
	assert_int_equal(ksvc_put_svc_key(msg, "kube-system", NULL), 0);
	parse_exact(tb, KSVC_SVC_A_MAX, top_service(msg), 1);
	check_str(tb[KSVC_SVC_A_NAMESPACE], "kube-system");
	nlmsg_free(msg);
	msg = new_msg(4096);
	assert_int_equal(ksvc_put_svc_key(msg, "default", "web"), 0);
	parse_exact(tb, KSVC_SVC_A_MAX, top_service(msg), 2);
	check_str(tb[KSVC_SVC_A_NAMESPACE], "default");
	check_str(tb[KSVC_SVC_A_NAME], "web");
	nlmsg_free(msg);
}

/* --- decoding: messages built the way the kernel's dump builds them --- */

static void put_stats(struct nl_msg *msg, int type, uint64_t c, uint64_t p,
		      uint64_t b)
{
	struct nlattr *n = nla_nest_start(msg, type);

	nla_put(msg, KSVC_STATS_A_PAD, 0, NULL);	/* as nla_put_u64_64bit */
	nla_put_u64(msg, KSVC_STATS_A_CONNS, c);
	nla_put_u64(msg, KSVC_STATS_A_PACKETS, p);
	nla_put_u64(msg, KSVC_STATS_A_BYTES, b);
	nla_nest_end(msg, n);
}

static void put_be(struct nl_msg *msg, const char *ip, uint32_t flags,
		   uint64_t conns)
{
	struct nlattr *e = nla_nest_start(msg, KSVC_BES_A_ENTRY);
	struct m_addr a = v4(ip);

	nla_put(msg, KSVC_BE_A_IN, 4, a.a);
	nla_put_u16(msg, KSVC_BE_A_PORT, 53);
	nla_put_u32(msg, KSVC_BE_A_FLAGS, flags);
	nla_put_u16(msg, KSVC_BE_A_WEIGHT, 1);
	nla_put_string(msg, KSVC_BE_A_NODE_NAME, "");
	if (conns)
		put_stats(msg, KSVC_BE_A_STATS, conns, 2 * conns, 100 * conns);
	nla_nest_end(msg, e);
}

static void put_addr(struct nl_msg *msg, uint8_t kind, const struct m_addr *a)
{
	struct nlattr *e = nla_nest_start(msg, KSVC_ADDR_A_ENTRY);

	nla_put_u8(msg, KSVC_ADDR_A_KIND, kind);
	if (a->family == AF_INET6)
		nla_put(msg, KSVC_ADDR_A_IN6, 16, a->a);
	else
		nla_put(msg, KSVC_ADDR_A_IN, 4, a->a);
	nla_nest_end(msg, e);
}

static struct nlattr *port_start(struct nl_msg *msg, const char *name,
				 uint8_t proto, uint16_t port, uint32_t nr)
{
	struct nlattr *e = nla_nest_start(msg, KSVC_PORT_A_ENTRY);

	nla_put_string(msg, KSVC_PORT_A_NAME, name);
	nla_put_u8(msg, KSVC_PORT_A_PROTO, proto);
	nla_put_u16(msg, KSVC_PORT_A_PORT, port);
	nla_put_u16(msg, KSVC_PORT_A_NODE_PORT, 0);
	nla_put_u16(msg, KSVC_PORT_A_TARGET_PORT, port);
	nla_put_u32(msg, KSVC_PORT_A_NR_BACKENDS, nr);
	return e;
}

static void put_ports(struct nl_msg *msg)
{
	struct nlattr *ports = nla_nest_start(msg, KSVC_SVC_A_PORTS), *p;

	p = port_start(msg, "dns", IPPROTO_UDP, 53, 2);
	put_stats(msg, KSVC_PORT_A_STATS, 100, 200, 300);
	nla_nest_end(msg, p);
	/* A dump of a huge service: the number, not the list. */
	p = port_start(msg, "dns-tcp", IPPROTO_TCP, 53, 5000);
	nla_nest_end(msg, p);
	/* No port stats: the backends' sum stands in. */
	p = port_start(msg, "metrics", IPPROTO_TCP, 9153, 2);
	nla_nest_end(msg, p);
	nla_nest_end(msg, ports);
}

static struct nlattr *chunk_start(struct nl_msg *msg, uint8_t proto,
				  uint16_t port)
{
	struct nlattr *c = nla_nest_start(msg, KSVC_A_BACKENDS);

	nla_put_u8(msg, KSVC_BES_A_PROTO, proto);
	nla_put_u16(msg, KSVC_BES_A_PORT, port);
	return c;
}

static struct nlattr *svc_start(struct nl_msg *msg, bool with_name)
{
	struct nlattr *svc = nla_nest_start(msg, KSVC_A_SERVICE), *addrs;
	struct m_addr a4 = v4("10.96.0.10"), a6 = v6("fd00:10:96::a");

	nla_put_string(msg, KSVC_SVC_A_NAMESPACE, "kube-system");
	if (with_name)
		nla_put_string(msg, KSVC_SVC_A_NAME, "kube-dns");
	nla_put_u8(msg, KSVC_SVC_A_TYPE, KSVC_SVC_TYPE_CLUSTER_IP);
	nla_put_u32(msg, KSVC_SVC_A_FLAGS, KSVC_SVC_F_AFFINITY);
	nla_put_u8(msg, KSVC_SVC_A_SCHED, KSVC_SCHED_MAGLEV);
	nla_put_u32(msg, KSVC_SVC_A_AFFINITY_TIMEOUT, 10800);
	nla_put(msg, KSVC_SVC_A_PAD, 0, NULL);
	nla_put_u64(msg, KSVC_SVC_A_CREATED, 1700000000123456789ULL);
	nla_put_u32(msg, KSVC_SVC_A_MAX + 7, 1);	/* from a newer kernel */
	addrs = nla_nest_start(msg, KSVC_SVC_A_ADDRS);
	put_addr(msg, KSVC_ADDR_KIND_CLUSTER, &a4);
	put_addr(msg, KSVC_ADDR_KIND_CLUSTER, &a6);
	nla_nest_end(msg, addrs);
	return svc;
}

/* The service, then one chunk each for dns and metrics; dns-tcp none. */
static struct nl_msg *dump_msg(bool with_name)
{
	struct nl_msg *msg = new_msg(8192);
	struct nlattr *svc = svc_start(msg, with_name), *c;

	put_ports(msg);
	nla_nest_end(msg, svc);
	c = chunk_start(msg, IPPROTO_UDP, 53);
	put_be(msg, "10.244.0.3", KSVC_BE_F_READY | KSVC_BE_F_SERVING, 7);
	put_be(msg, "10.244.0.4", 0, 0);
	nla_nest_end(msg, c);
	c = chunk_start(msg, IPPROTO_TCP, 9153);
	put_be(msg, "10.244.0.3", KSVC_BE_F_READY, 4);
	put_be(msg, "10.244.0.4", KSVC_BE_F_READY, 6);
	nla_nest_end(msg, c);
	return msg;
}

static void test_decode_dump(void **state)
{
	struct nl_msg *msg = dump_msg(true);
	struct m_addr a6 = v6("fd00:10:96::a");
	struct wire_svc s;

	(void)state;
	assert_int_equal(ksvc_svc_decode(nlmsg_hdr(msg), &s), 0);
	assert_string_equal(s.ns, "kube-system");
	assert_string_equal(s.name, "kube-dns");
	assert_int_equal(s.type, KSVC_SVC_TYPE_CLUSTER_IP);
	assert_int_equal(s.flags, KSVC_SVC_F_AFFINITY);
	assert_int_equal(s.sched, KSVC_SCHED_MAGLEV);
	assert_int_equal(s.affinity_timeout, 10800);
	assert_true(s.created == 1700000000123456789ULL);
	assert_int_equal(s.n_addrs, 2);
	assert_int_equal(s.addrs[0].family, AF_INET);
	assert_memory_equal(s.addrs[0].a, "\x0a\x60\x00\x0a", 4);
	assert_int_equal(s.addrs[1].family, AF_INET6);
	assert_int_equal(s.addrs[1].kind, KSVC_ADDR_KIND_CLUSTER);
	assert_memory_equal(s.addrs[1].a, a6.a, 16);
	assert_int_equal(s.n_ports, 3);
	assert_string_equal(s.ports[0].name, "dns");
	assert_int_equal(s.ports[0].proto, IPPROTO_UDP);
	assert_int_equal(s.ports[0].port, 53);
	assert_int_equal(s.ports[0].node_port, 0);
	assert_int_equal(s.ports[0].target_port, 53);
	assert_int_equal(s.ports[0].n_backends, 2);
	assert_int_equal(s.ports[0].n_ready, 1);
	assert_true(s.ports[0].stats.conns == 100);
	assert_true(s.ports[0].stats.packets == 200);
	assert_true(s.ports[0].stats.bytes == 300);
	assert_int_equal(s.ports[1].n_backends, 5000);
	assert_int_equal(s.ports[1].proto, IPPROTO_TCP);
	assert_int_equal(s.ports[2].port, 9153);
	assert_true(s.ports[2].stats.conns == 10);
	assert_true(s.ports[2].stats.packets == 20);
	assert_true(s.ports[2].stats.bytes == 1000);
	ksvc_svc_free(&s);
	nlmsg_free(msg);
}

/*
 * Two chunks for one port and one for another: the entries add up per
 * port, whatever the order of the chunks.  Ports without NR_BACKENDS are
 * counted from their entries.
 */
static struct nl_msg *split_msg(void)
{
	struct nl_msg *msg = new_msg(8192);
	struct nlattr *svc = svc_start(msg, true), *ports, *p, *c;

	ports = nla_nest_start(msg, KSVC_SVC_A_PORTS);
	p = port_start(msg, "dns", IPPROTO_UDP, 53, 3);
	nla_nest_end(msg, p);
	p = nla_nest_start(msg, KSVC_PORT_A_ENTRY);	/* no NR_BACKENDS */
	nla_put_string(msg, KSVC_PORT_A_NAME, "dns-tcp");
	nla_put_u8(msg, KSVC_PORT_A_PROTO, IPPROTO_TCP);
	nla_put_u16(msg, KSVC_PORT_A_PORT, 53);
	nla_nest_end(msg, p);
	nla_nest_end(msg, ports);
	nla_nest_end(msg, svc);
	c = chunk_start(msg, IPPROTO_UDP, 53);
	put_be(msg, "10.244.0.3", KSVC_BE_F_READY, 1);
	put_be(msg, "10.244.0.4", 0, 2);
	nla_nest_end(msg, c);
	c = chunk_start(msg, IPPROTO_TCP, 53);
	put_be(msg, "10.244.0.5", KSVC_BE_F_READY, 0);
	nla_nest_end(msg, c);
	c = chunk_start(msg, IPPROTO_UDP, 53);
	put_be(msg, "10.244.0.6", KSVC_BE_F_READY, 4);
	nla_nest_end(msg, c);
	c = chunk_start(msg, IPPROTO_TCP, 53);	/* empty: adds nothing */
	nla_nest_end(msg, c);
	return msg;
}

static void test_decode_chunks(void **state)
{
	struct nl_msg *msg = split_msg();
	struct wire_svc s;

	(void)state;
	assert_int_equal(ksvc_svc_decode(nlmsg_hdr(msg), &s), 0);
	assert_int_equal(s.n_ports, 2);
	assert_int_equal(s.ports[0].proto, IPPROTO_UDP);
	assert_int_equal(s.ports[0].n_backends, 3);
	assert_int_equal(s.ports[0].n_ready, 2);
	assert_true(s.ports[0].stats.conns == 7);	/* 1 + 2 + 4 */
	assert_true(s.ports[0].stats.bytes == 700);
	assert_int_equal(s.ports[1].proto, IPPROTO_TCP);
	assert_int_equal(s.ports[1].n_backends, 1);
	assert_int_equal(s.ports[1].n_ready, 1);
	assert_true(s.ports[1].stats.conns == 0);
	ksvc_svc_free(&s);
	nlmsg_free(msg);
}

/* A chunk for a port the service lacks, or without its key: malformed. */
static void test_decode_bad_chunks(void **state)
{
	struct nl_msg *msg;
	struct nlattr *svc, *c;
	struct wire_svc s;

	(void)state;
	msg = dump_msg(true);
	c = chunk_start(msg, IPPROTO_SCTP, 53);
	put_be(msg, "10.244.0.9", 0, 0);
	nla_nest_end(msg, c);
	assert_int_equal(ksvc_svc_decode(nlmsg_hdr(msg), &s), -EBADMSG);
	nlmsg_free(msg);

	msg = dump_msg(true);
	c = nla_nest_start(msg, KSVC_A_BACKENDS);
	nla_put_u8(msg, KSVC_BES_A_PROTO, IPPROTO_UDP);	/* no PORT */
	put_be(msg, "10.244.0.9", 0, 0);
	nla_nest_end(msg, c);
	assert_int_equal(ksvc_svc_decode(nlmsg_hdr(msg), &s), -EBADMSG);
	nlmsg_free(msg);

	/* Two services in one message. */
	msg = dump_msg(true);
	svc = svc_start(msg, true);
	nla_nest_end(msg, svc);
	assert_int_equal(ksvc_svc_decode(nlmsg_hdr(msg), &s), -EBADMSG);
	nlmsg_free(msg);
}

static void test_decode_malformed(void **state)
{
	struct nl_msg *msg = dump_msg(false);
	struct nlattr *svc, *addrs, *e;
	struct wire_svc s;

	(void)state;
	assert_int_equal(ksvc_svc_decode(nlmsg_hdr(msg), &s), -EBADMSG);
	nlmsg_free(msg);
	/* A 3-byte IPv4 address. */
	msg = new_msg(4096);
	svc = nla_nest_start(msg, KSVC_A_SERVICE);
	nla_put_string(msg, KSVC_SVC_A_NAMESPACE, "default");
	nla_put_string(msg, KSVC_SVC_A_NAME, "bad");
	addrs = nla_nest_start(msg, KSVC_SVC_A_ADDRS);
	e = nla_nest_start(msg, KSVC_ADDR_A_ENTRY);
	nla_put_u8(msg, KSVC_ADDR_A_KIND, KSVC_ADDR_KIND_CLUSTER);
	nla_put(msg, KSVC_ADDR_A_IN, 3, "\x0a\x00\x00");
	nla_nest_end(msg, e);
	nla_nest_end(msg, addrs);
	nla_nest_end(msg, svc);
	assert_int_equal(ksvc_svc_decode(nlmsg_hdr(msg), &s), -EBADMSG);
	nlmsg_free(msg);
	/* No KSVC_A_SERVICE at all. */
	msg = new_msg(4096);
	assert_int_equal(ksvc_svc_decode(nlmsg_hdr(msg), &s), -EBADMSG);
	nlmsg_free(msg);
}

/* What we send, decoded by our own reader, says the same. */
static void test_roundtrip(void **state)
{
	struct fixture f;
	struct nl_msg *msg;
	struct wire_svc s;

	(void)state;
	fixture_init(&f);
	msg = new_msg(NLMSG_HDRLEN + GENL_HDRLEN + ksvc_svc_size(&f.s));
	assert_int_equal(ksvc_put_svc(msg, &f.s), 0);
	assert_int_equal(ksvc_svc_decode(nlmsg_hdr(msg), &s), 0);
	assert_string_equal(s.name, "myapp");
	assert_int_equal(s.n_addrs, 4);
	assert_int_equal(s.addrs[3].kind, KSVC_ADDR_KIND_LB_INGRESS);
	assert_int_equal(s.n_ports, 2);
	assert_int_equal(s.ports[0].node_port, 30008);
	assert_int_equal(s.ports[0].n_backends, 2);
	assert_int_equal(s.ports[0].n_ready, 1);
	assert_int_equal(s.ports[1].n_backends, 0);
	ksvc_svc_free(&s);
	nlmsg_free(msg);
}

/* 2000 backends, split on the way out, add up again on the way in. */
static void test_roundtrip_chunks(void **state)
{
	struct fixture f;
	struct m_backend *be;
	struct nl_msg *msg;
	struct wire_svc s;

	(void)state;
	fixture_init(&f);
	be = many_backends(&f, 2000);
	msg = new_msg(NLMSG_HDRLEN + GENL_HDRLEN + ksvc_svc_size(&f.s));
	assert_int_equal(ksvc_put_svc(msg, &f.s), 0);
	assert_int_equal(ksvc_svc_decode(nlmsg_hdr(msg), &s), 0);
	assert_int_equal(s.n_ports, 2);
	assert_int_equal(s.ports[0].n_backends, 2000);
	assert_int_equal(s.ports[0].n_ready, 2000);
	assert_int_equal(s.ports[1].n_backends, 0);
	ksvc_svc_free(&s);
	nlmsg_free(msg);
	free(be);
}

/* --- extended ACK --- */

static const char held[] =
	"address 10.96.0.10:80/TCP is held by service default/myapp-service";

/* An NLMSG_ERROR as the kernel sends it, echoing @echo payload bytes. */
static struct nl_msg *error_msg(int error, int flags, size_t echo)
{
	struct nl_msg *msg = nlmsg_alloc_size(4096);
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;

	assert_non_null(msg);
	nlh = nlmsg_put(msg, 0, 1, NLMSG_ERROR, sizeof(*e) + echo, flags);
	assert_non_null(nlh);
	e = nlmsg_data(nlh);
	e->error = error;
	e->msg.nlmsg_len = NLMSG_HDRLEN + echo;
	e->msg.nlmsg_type = FAMILY;
	memset(e + 1, 0xaa, echo);	/* the echoed request payload */
	return msg;
}

static void test_extack(void **state)
{
	struct nl_msg *msg;
	char buf[256];

	(void)state;
	msg = error_msg(-EEXIST, NLM_F_CAPPED | NLM_F_ACK_TLVS, 0);
	nla_put_string(msg, NLMSGERR_ATTR_MSG, held);
	nla_put_u32(msg, NLMSGERR_ATTR_OFFS, 20);
	assert_string_equal(ksvc_extack_parse(nlmsg_hdr(msg), buf, sizeof(buf)), held);
	nlmsg_free(msg);
	/* Not capped: the TLVs follow the echoed request. */
	msg = error_msg(-EINVAL, NLM_F_ACK_TLVS, 24);
	nla_put_u32(msg, NLMSGERR_ATTR_OFFS, 20);
	nla_put_string(msg, NLMSGERR_ATTR_MSG, "backend needs a port");
	assert_string_equal(ksvc_extack_parse(nlmsg_hdr(msg), buf, sizeof(buf)),
			    "backend needs a port");
	nlmsg_free(msg);
	/* No NLM_F_ACK_TLVS: whatever follows is not extack. */
	msg = error_msg(-ENOENT, NLM_F_CAPPED, 0);
	nla_put_string(msg, NLMSGERR_ATTR_MSG, "ignored");
	assert_null(ksvc_extack_parse(nlmsg_hdr(msg), buf, sizeof(buf)));
	assert_string_equal(buf, "");
	nlmsg_free(msg);
}

static void test_extack_done(void **state)
{
	struct nl_msg *msg = nlmsg_alloc_size(4096);
	struct nlmsghdr *nlh;
	char buf[256];

	(void)state;
	nlh = nlmsg_put(msg, 0, 1, NLMSG_DONE, sizeof(int),
			NLM_F_MULTI | NLM_F_ACK_TLVS);
	*(int *)nlmsg_data(nlh) = -EINVAL;
	nla_put_string(msg, NLMSGERR_ATTR_MSG, "bad namespace filter");
	assert_string_equal(ksvc_extack_parse(nlmsg_hdr(msg), buf, sizeof(buf)),
			    "bad namespace filter");
	nlmsg_free(msg);
}

static void test_errno_texts(void **state)
{
	(void)state;
	assert_string_equal(ksvc_errno_text(EEXIST), "service already exists");
	assert_string_equal(ksvc_errno_text(-ENOENT), "service not found");
	assert_string_equal(ksvc_errno_text(EPERM),
		"Operation not permitted: changing ksvc needs CAP_NET_ADMIN");
	assert_non_null(ksvc_errno_text(ENOSPC));
	assert_non_null(ksvc_errno_text(EOPNOTSUPP));
	assert_non_null(ksvc_errno_text(EINVAL));
	assert_null(ksvc_errno_text(EXDEV));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_full),
		cmocka_unit_test(test_encode_empty_backends_and_flags),
		cmocka_unit_test(test_encode_unknown_no_chunk),
		cmocka_unit_test(test_encode_refusals),
		cmocka_unit_test(test_encode_chunks),
		cmocka_unit_test(test_encode_chunk_bytes),
		cmocka_unit_test(test_encode_huge),
		cmocka_unit_test(test_encode_backends_set),
		cmocka_unit_test(test_encode_key),
		cmocka_unit_test(test_decode_dump),
		cmocka_unit_test(test_decode_chunks),
		cmocka_unit_test(test_decode_bad_chunks),
		cmocka_unit_test(test_decode_malformed),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_roundtrip_chunks),
		cmocka_unit_test(test_extack),
		cmocka_unit_test(test_extack_done),
		cmocka_unit_test(test_errno_texts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
