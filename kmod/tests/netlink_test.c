// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite ksvc_netlink: parsing KSVC_A_SERVICE nests into services,
 * the cross-attribute rules and their extack messages, and filling a
 * service back into attributes.
 */
#include <kunit/test.h>
#include <linux/in.h>
#include <net/netlink.h>
#include "../netlink.h"
#include "../node.h"
#include "../prep.h"
#include "../stats.h"
#include "../table.h"

#define IP(a, b, c, d) htonl(((a) << 24) | ((b) << 16) | ((c) << 8) | (d))

/* What a request carries; zero fields are left out of the message. */
struct req {
	const char *ns, *name;
	u8 type;
	u32 flags;
	bool flags_set;
	__be32 cluster_ip;
	bool both_families;	/* an entry with IN and IN6: invalid */
	int addr_len;		/* != 4: a malformed KSVC_ADDR_A_IN */
	u8 proto;
	u16 port, node_port;
	int nbe;		/* backends; -1 = no chunk */
	int chunks;		/* split them over this many chunks (0: 1) */
	u16 chunk_port;		/* the chunks name this port (0: .port) */
	bool be_v6;
	bool be_dup;		/* the last backend repeats the first */
	const char *const *nodes;	/* backend i's node: nodes[i % n_nodes] */
	int n_nodes;			/* 0: every backend on "node-1" */
	unsigned int max_backends;	/* module parameter for the case */
};

static void put_addr(struct sk_buff *skb, const struct req *r)
{
	struct nlattr *list = nla_nest_start(skb, KSVC_SVC_A_ADDRS);
	struct nlattr *e = nla_nest_start(skb, KSVC_LIST_A_ENTRY);
	static const struct in6_addr v6 = { { { 0xfd, [15] = 1 } } };

	nla_put_u8(skb, KSVC_ADDR_A_KIND, KSVC_ADDR_KIND_CLUSTER);
	nla_put(skb, KSVC_ADDR_A_IN, r->addr_len ?: 4, &r->cluster_ip);
	if (r->both_families)
		nla_put_in6_addr(skb, KSVC_ADDR_A_IN6, &v6);
	nla_nest_end(skb, e);
	nla_nest_end(skb, list);
}

static void put_be(struct sk_buff *skb, const struct req *r, int i)
{
	static const struct in6_addr v6 = { { { 0xfd, [15] = 9 } } };
	struct nlattr *e = nla_nest_start(skb, KSVC_BES_A_ENTRY);

	if (r->be_dup && i == r->nbe - 1)
		i = 0;
	if (r->be_v6)
		nla_put_in6_addr(skb, KSVC_BE_A_IN6, &v6);
	else
		nla_put_in_addr(skb, KSVC_BE_A_IN, IP(10, 244, i / 250, 1 + i % 250));
	nla_put_u16(skb, KSVC_BE_A_PORT, 8080);
	nla_put_u32(skb, KSVC_BE_A_FLAGS, KSVC_BE_F_READY | KSVC_BE_F_SERVING);
	nla_put_string(skb, KSVC_BE_A_NODE_NAME,
		       r->n_nodes ? r->nodes[i % r->n_nodes] : "node-1");
	nla_nest_end(skb, e);
}

/* Backends as top-level chunks, spread round-robin over r->chunks. */
static void put_bes(struct sk_buff *skb, const struct req *r)
{
	int nc = r->chunks ?: 1, c, i;
	struct nlattr *nest;

	for (c = 0; c < nc && r->nbe >= 0; c++) {
		nest = nla_nest_start(skb, KSVC_A_BACKENDS);
		nla_put_u8(skb, KSVC_BES_A_PROTO, r->proto);
		nla_put_u16(skb, KSVC_BES_A_PORT, r->chunk_port ?: r->port);
		for (i = c; i < r->nbe; i += nc)
			put_be(skb, r, i);
		nla_nest_end(skb, nest);
	}
}

static struct sk_buff *build(struct kunit *test, const struct req *r)
{
	struct sk_buff *skb = nlmsg_new(64 * 1024, GFP_KERNEL);
	struct nlattr *svc, *ports, *p;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	svc = nla_nest_start(skb, KSVC_A_SERVICE);
	if (r->ns)
		nla_put_string(skb, KSVC_SVC_A_NAMESPACE, r->ns);
	if (r->name)
		nla_put_string(skb, KSVC_SVC_A_NAME, r->name);
	if (r->type)
		nla_put_u8(skb, KSVC_SVC_A_TYPE, r->type);
	if (r->flags_set)
		nla_put_u32(skb, KSVC_SVC_A_FLAGS, r->flags);
	if (r->cluster_ip)
		put_addr(skb, r);
	if (r->port) {
		ports = nla_nest_start(skb, KSVC_SVC_A_PORTS);
		p = nla_nest_start(skb, KSVC_LIST_A_ENTRY);
		nla_put_string(skb, KSVC_PORT_A_NAME, "http");
		nla_put_u8(skb, KSVC_PORT_A_PROTO, r->proto);
		nla_put_u16(skb, KSVC_PORT_A_PORT, r->port);
		if (r->node_port)
			nla_put_u16(skb, KSVC_PORT_A_NODE_PORT, r->node_port);
		nla_nest_end(skb, p);
		nla_nest_end(skb, ports);
	}
	nla_nest_end(skb, svc);
	put_bes(skb, r);
	return skb;
}

static const struct req good = {
	.ns = "default", .name = "myapp-service",
	.type = KSVC_SVC_TYPE_NODE_PORT, .cluster_ip = IP(10, 96, 0, 10),
	.proto = IPPROTO_TCP, .port = 80, .node_port = 30008, .nbe = 2,
};

struct parse_ctx {
	struct ksvc_net kn;
	struct netlink_ext_ack extack;
	struct ksvc_svc *svc;
	struct ksvc_name name;	/* the service's, as staging would keep it */
	char ns[KSVC_NAME_MAX], nm[KSVC_NAME_MAX];	/* its strings */
};

/* Parse @r as the policy layer and ksvc_parse_svc() would see it. */
static int parse(struct kunit *test, struct parse_ctx *c, const struct req *r)
{
	struct sk_buff *skb = build(test, r);
	struct ksvc_chunks chunks = { (struct nlattr *)skb->data, skb->len };
	struct nlattr *tb[KSVC_A_MAX + 1];
	int err;

	memset(&c->extack, 0, sizeof(c->extack));
	c->svc = NULL;
	err = nla_parse(tb, KSVC_A_MAX, (struct nlattr *)skb->data, skb->len,
			ksvc_genl_family.policy, &c->extack);
	if (!err) {
		mutex_lock(&c->kn.lock);
		err = ksvc_parse_svc(ksvc_cfg_get(&c->kn),
				     tb[KSVC_A_SERVICE], &chunks,
				     &c->svc, &c->extack);
		mutex_unlock(&c->kn.lock);
	}
	if (!err) {
		KUNIT_EXPECT_NULL(test, c->svc->key);
		err = ksvc_parse_name(tb[KSVC_A_SERVICE], &c->name, NULL);
		/* The attributes go with the skb; the service outlives it. */
		strscpy(c->ns, c->name.ns, sizeof(c->ns));
		strscpy(c->nm, c->name.name, sizeof(c->nm));
		ksvc_name_set(&c->name, c->ns, c->nm);
		c->svc->key = &c->name;
	}
	kfree_skb(skb);
	return err;
}

static struct parse_ctx *ctx(struct kunit *test)
{
	struct parse_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_EQ(test, ksvc_net_init(&c->kn), 0);
	return c;
}

static void ctx_free(struct parse_ctx *c)
{
	if (c->svc)
		ksvc_svc_free(c->svc);
	ksvc_net_destroy(&c->kn);
	rcu_barrier();
}

static void ksvc_parse_svc_test(struct kunit *test)
{
	struct parse_ctx *c = ctx(test);
	struct ksvc_beset *bes;

	KUNIT_ASSERT_EQ(test, parse(test, c, &good), 0);
	KUNIT_EXPECT_STREQ(test, c->svc->key->name, "myapp-service");
	KUNIT_EXPECT_EQ(test, c->svc->type, KSVC_SVC_TYPE_NODE_PORT);
	KUNIT_EXPECT_EQ(test, c->svc->affinity_timeout, 10800U);
	KUNIT_ASSERT_EQ(test, c->svc->nports, 1U);
	KUNIT_EXPECT_EQ(test, c->svc->ports[0].node_port, 30008);
	KUNIT_EXPECT_STREQ(test, c->svc->ports[0].name, "http");
	bes = ksvc_bes_private(&c->svc->ports[0]);
	KUNIT_ASSERT_NOT_NULL(test, bes);
	KUNIT_EXPECT_EQ(test, bes->n, 2U);
	KUNIT_EXPECT_EQ(test, ntohl(bes->be[1].addr.ip),
			ntohl(IP(10, 244, 0, 2)));
	KUNIT_EXPECT_EQ(test, ntohs(bes->be[1].port), 8080);
	KUNIT_EXPECT_STREQ(test, ksvc_node_name(bes->be[1].node), "node-1");
	KUNIT_EXPECT_FALSE(test, c->svc->ports[0].keep_bes);
	ctx_free(c);
}

/* One bad request, the errno it must get and a piece of its message. */
struct bad_case {
	const char *what;
	struct req r;
	int err;
	const char *msg;
};

static void bad_case_desc(const struct bad_case *t, char *desc)
{
	strscpy(desc, t->what, KUNIT_PARAM_DESC_SIZE);
}

#define GOOD .ns = "default", .name = "a", .type = KSVC_SVC_TYPE_NODE_PORT, \
	.cluster_ip = IP(10, 96, 0, 1), .proto = IPPROTO_TCP, .port = 80, \
	.nbe = -1

static const struct bad_case bad_cases[] = {
	{ "no name", { GOOD, .name = NULL }, -EINVAL, "namespace and a name" },
	{ "bad label", { GOOD, .name = "My_Svc" }, -EINVAL, "DNS labels" },
	{ "no type", { GOOD, .type = 0 }, -EINVAL, "type and a port" },
	{ "type out of range", { GOOD, .type = 9 }, -ERANGE, NULL },
	{ "no port", { GOOD, .port = 0 }, -EINVAL, "type and a port" },
	{ "protocol", { GOOD, .proto = IPPROTO_ICMP }, -EINVAL, "TCP, UDP or SCTP" },
	{ "unknown flags", { GOOD, .flags = 1U << 30, .flags_set = true },
	  -EOPNOTSUPP, "unknown service flags" },
	{ "nodePort on ClusterIP",
	  { GOOD, .type = KSVC_SVC_TYPE_CLUSTER_IP, .node_port = 30001 },
	  -EINVAL, "may not be used when type is ClusterIP" },
	{ "nodePort outside range", { GOOD, .node_port = 8080 }, -EINVAL,
	  "outside the range 30000-32767" },
	{ "no cluster address", { GOOD, .cluster_ip = 0 }, -EINVAL,
	  "cluster address is required" },
	{ "headless with address",
	  { GOOD, .flags = KSVC_SVC_F_HEADLESS, .flags_set = true }, -EINVAL,
	  "headless" },
	{ "IN and IN6", { GOOD, .both_families = true }, -EINVAL,
	  "exactly one" },
	{ "short address", { GOOD, .addr_len = 3 }, -ERANGE, NULL },
	{ "backend family", { GOOD, .nbe = 1, .be_v6 = true }, -EINVAL,
	  "family" },
	{ "chunk for a missing port", { GOOD, .nbe = 1, .chunk_port = 81 },
	  -ENOENT, "has no port 81" },
	{ "duplicate across chunks", { GOOD, .nbe = 3, .chunks = 2, .be_dup = true },
	  -EINVAL, "duplicate backend 10.244.0.1:8080" },
	{ "more than max_backends", { GOOD, .nbe = 5, .max_backends = 4 }, -ENOSPC,
	  "max_backends" },
};

KUNIT_ARRAY_PARAM(bad, bad_cases, bad_case_desc);

static void ksvc_parse_svc_bad_test(struct kunit *test)
{
	const struct bad_case *t = test->param_value;
	unsigned int saved = ksvc_max_backends;
	struct parse_ctx *c = ctx(test);

	if (t->r.max_backends)
		ksvc_max_backends = t->r.max_backends;
	KUNIT_EXPECT_EQ(test, parse(test, c, &t->r), t->err);
	ksvc_max_backends = saved;
	KUNIT_EXPECT_NULL(test, c->svc);
	if (t->msg) {
		KUNIT_ASSERT_NOT_NULL(test, c->extack._msg);
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(c->extack._msg, t->msg),
					  "extack: %s", c->extack._msg);
	}
	ctx_free(c);
}

/* Backends in the top-level chunks of @skb that name port @port. */
static int count_chunk_entries(struct sk_buff *skb, u16 port)
{
	const struct nlattr *c, *e;
	int rem, erem, n = 0;

	nla_for_each_attr(c, (struct nlattr *)skb->data, skb->len, rem) {
		if (nla_type(c) != KSVC_A_BACKENDS ||
		    nla_get_u16(nla_find_nested(c, KSVC_BES_A_PORT)) != port)
			continue;
		nla_for_each_nested(e, c, erem)
			n += nla_type(e) == KSVC_BES_A_ENTRY;
	}
	return n;
}

/* Fill a parsed, published service back into attributes. */
static void ksvc_fill_svc_test(struct kunit *test)
{
	struct parse_ctx *c = ctx(test);
	struct nlattr *tb[KSVC_SVC_A_MAX + 1], *pt[KSVC_PORT_A_MAX + 1];
	struct nlattr *port;
	struct sk_buff *skb;

	KUNIT_ASSERT_EQ(test, parse(test, c, &good), 0);
	skb = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	mutex_lock(&c->kn.lock);
	KUNIT_ASSERT_EQ(test, ksvc_svc_add(&c->kn, c->svc, NULL), 0);
	KUNIT_ASSERT_EQ(test, ksvc_fill_svc(skb, &c->kn, c->svc, true), 0);
	c->svc = NULL;
	mutex_unlock(&c->kn.lock);

	KUNIT_ASSERT_EQ(test, nla_parse_nested(tb, KSVC_SVC_A_MAX,
			(struct nlattr *)skb->data, NULL, NULL), 0);
	KUNIT_EXPECT_STREQ(test, (char *)nla_data(tb[KSVC_SVC_A_NAME]),
			   "myapp-service");
	KUNIT_EXPECT_EQ(test, nla_get_u8(tb[KSVC_SVC_A_TYPE]),
			KSVC_SVC_TYPE_NODE_PORT);
	KUNIT_EXPECT_GT(test, nla_get_u64(tb[KSVC_SVC_A_CREATED]), 0ULL);
	port = nla_data(tb[KSVC_SVC_A_PORTS]);
	KUNIT_ASSERT_EQ(test, nla_parse_nested(pt, KSVC_PORT_A_MAX, port, NULL,
					       NULL), 0);
	KUNIT_EXPECT_EQ(test, nla_get_u16(pt[KSVC_PORT_A_NODE_PORT]), 30008);
	KUNIT_EXPECT_EQ(test, nla_get_u32(pt[KSVC_PORT_A_NR_BACKENDS]), 2U);
	KUNIT_EXPECT_EQ(test, count_chunk_entries(skb, 80), 2);
	kfree_skb(skb);
	ctx_free(c);
}

/* A set larger than one nest can hold arrives in chunks and is whole. */
/*
 * Backends naming the node the one before names share it (node_of()
 * takes the earlier backend's, without the table); the others look
 * theirs up: same name, same node, whatever the order.
 */
static void ksvc_parse_beset_nodes_test(struct kunit *test)
{
	static const char *const nodes[] = { "a", "a", "b", "a", "", "c", "c" };
	struct ksvc_node *const *n;
	struct req r = good;
	struct parse_ctx *c = ctx(test);
	struct ksvc_beset *bes;
	struct ksvc_backend be[7];
	u32 i;

	r.nbe = 7;
	r.nodes = nodes;
	r.n_nodes = ARRAY_SIZE(nodes);
	KUNIT_ASSERT_EQ(test, parse(test, c, &r), 0);
	bes = ksvc_bes_private(&c->svc->ports[0]);
	KUNIT_ASSERT_EQ(test, bes->n, 7U);
	for (i = 0; i < 7; i++)		/* sorted by address: i's own */
		be[i] = bes->be[i];
	for (i = 0; i < 7; i++)
		KUNIT_EXPECT_STREQ(test, ksvc_node_name(be[i].node), nodes[i]);
	n = &be[0].node;
	KUNIT_EXPECT_PTR_EQ(test, be[1].node, *n);
	KUNIT_EXPECT_PTR_EQ(test, be[3].node, *n);
	KUNIT_EXPECT_PTR_NE(test, be[2].node, *n);
	KUNIT_EXPECT_NULL(test, be[4].node);
	KUNIT_EXPECT_PTR_EQ(test, be[6].node, be[5].node);
	KUNIT_EXPECT_PTR_NE(test, be[5].node, *n);
	ctx_free(c);
}

static void ksvc_parse_beset_test(struct kunit *test)
{
	struct req r = good;
	struct parse_ctx *c = ctx(test);
	struct ksvc_beset *bes;
	struct sk_buff *skb;
	u32 i;

	r.nbe = 1200;
	r.chunks = 5;
	KUNIT_ASSERT_EQ(test, parse(test, c, &r), 0);
	bes = ksvc_bes_private(&c->svc->ports[0]);
	KUNIT_ASSERT_EQ(test, bes->n, 1200U);
	for (i = 1; i < bes->n; i++)	/* sorted, so no duplicates */
		KUNIT_EXPECT_LT(test, ntohl(bes->be[i - 1].addr.ip),
				ntohl(bes->be[i].addr.ip));
	ksvc_svc_free(c->svc);

	/* No chunk: the port keeps its old set (SVC_SET). */
	r.nbe = -1;
	KUNIT_ASSERT_EQ(test, parse(test, c, &r), 0);
	KUNIT_EXPECT_TRUE(test, c->svc->ports[0].keep_bes);
	ksvc_svc_free(c->svc);

	/* An empty chunk: an empty set. */
	r.nbe = 0;
	KUNIT_ASSERT_EQ(test, parse(test, c, &r), 0);
	KUNIT_EXPECT_FALSE(test, c->svc->ports[0].keep_bes);
	bes = ksvc_bes_private(&c->svc->ports[0]);
	KUNIT_ASSERT_NOT_NULL(test, bes);
	KUNIT_EXPECT_EQ(test, bes->n, 0U);

	/* Filling them back splits a large set into chunks again. */
	ksvc_svc_free(c->svc);
	r.nbe = 700;
	KUNIT_ASSERT_EQ(test, parse(test, c, &r), 0);
	skb = nlmsg_new(256 * 1024, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	mutex_lock(&c->kn.lock);
	KUNIT_ASSERT_EQ(test, ksvc_svc_add(&c->kn, c->svc, NULL), 0);
	c->svc = NULL;
	KUNIT_ASSERT_EQ(test, ksvc_fill_svc(skb, &c->kn,
		ksvc_svc_find(&c->kn, &(struct ksvc_name){ "default", "myapp-service" }),
		true), 0);
	mutex_unlock(&c->kn.lock);
	KUNIT_EXPECT_EQ(test, count_chunk_entries(skb, 80), 700);
	kfree_skb(skb);
	ctx_free(c);
}

/* The bad requests first, then good ones of 0..11 backends on two nodes. */
static struct req batch_req(int k, char *name)
{
	static const char *const nodes[] = { "node-a", "node-a", "node-b" };
	struct req r = { GOOD };

	if (k % 5 == 4 && !bad_cases[k / 5 % ARRAY_SIZE(bad_cases)].r.max_backends)
		return bad_cases[k / 5 % ARRAY_SIZE(bad_cases)].r;
	snprintf(name, 16, "s-%d", k);
	r.name = name;
	r.nbe = k % 13 - 1;
	r.chunks = 1 + k % 3;
	r.nodes = nodes;
	r.n_nodes = ARRAY_SIZE(nodes);
	return r;
}

/* @n services' requests, one after the other, as one batch's attributes. */
static void *batch(struct kunit *test, int n, int *len)
{
	char *buf = kunit_kzalloc(test, n * 2048, GFP_KERNEL);
	char name[16];
	int k;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	*len = 0;
	for (k = 0; k < n; k++) {
		struct req r = batch_req(k, name);
		struct sk_buff *skb = build(test, &r);

		KUNIT_ASSERT_LE(test, *len + skb->len, n * 2048);
		memcpy(buf + *len, skb->data, skb->len);
		*len += skb->len;
		kfree_skb(skb);
	}
	return buf;
}

static void expect_same(struct kunit *test, const struct ksvc_svc *a,
			const struct ksvc_svc *b)
{
	const struct ksvc_beset *x, *y;
	u32 i;

	KUNIT_EXPECT_EQ(test, a->type, b->type);
	KUNIT_EXPECT_EQ(test, a->flags, b->flags);
	KUNIT_ASSERT_EQ(test, a->nports, b->nports);
	KUNIT_EXPECT_EQ(test, a->ports[0].port, b->ports[0].port);
	x = ksvc_bes_private(&a->ports[0]);
	y = ksvc_bes_private(&b->ports[0]);
	KUNIT_ASSERT_EQ(test, !x, !y);
	for (i = 0; x && i < max(x->n, y->n); i++) {
		KUNIT_ASSERT_EQ(test, x->n, y->n);
		KUNIT_EXPECT_EQ(test, ntohl(x->be[i].addr.ip),
				ntohl(y->be[i].addr.ip));
		KUNIT_EXPECT_PTR_EQ(test, x->be[i].node, y->be[i].node);
	}
}

static void prep_batch(struct kunit *test, bool help)
{
	struct parse_ctx *c = ctx(test);
	const struct ksvc_cfg *cfg;
	const struct nlattr *a;
	struct ksvc_prep *p;
	int len, rem, err;
	u32 chunks, i = 0;
	void *buf = batch(test, 300, &len);

	chunks = ksvc_stats_chunks();
	mutex_lock(&c->kn.lock);
	cfg = ksvc_cfg_get(&c->kn);
	p = ksvc_prep_batch(cfg, buf, len, help);
	KUNIT_ASSERT_NOT_NULL(test, p);
	nla_for_each_attr(a, buf, len, rem) {
		struct ksvc_chunks ch;
		struct ksvc_svc *ref = NULL, *got;

		if (nla_type(a) != KSVC_A_SERVICE)
			continue;
		ksvc_chunks_after(a, rem, &ch);
		err = ksvc_parse_svc(cfg, a, &ch, &ref, NULL);
		/* the even ones are left to ksvc_prep_free() */
		got = i++ % 2 ? ksvc_prep_take(p, i - 1) : ref;
		KUNIT_EXPECT_EQ_MSG(test, !err, !!got, "service %u", i - 1);
		if (got && got != ref)
			expect_same(test, got, ref);
		if (got && got != ref)
			ksvc_svc_free(got);
		if (ref)
			ksvc_svc_free(ref);
	}
	KUNIT_EXPECT_EQ(test, i, 300U);
	KUNIT_EXPECT_NULL(test, ksvc_prep_take(p, i));
	ksvc_prep_free(p);
	mutex_unlock(&c->kn.lock);
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, ksvc_stats_chunks(), chunks);
	ctx_free(c);
}

/*
 * A batch of 300 services, every fifth one bad in a way of bad_cases[]:
 * prep.c hands out exactly the services that parse alone, and the same
 * service; those nobody takes are freed with the counters they hold.
 * Once with this thread helping, once the worker alone.
 */
static void ksvc_prep_batch_test(struct kunit *test)
{
	prep_batch(test, true);
	prep_batch(test, false);
}

static struct kunit_case ksvc_netlink_cases[] = {
	KUNIT_CASE(ksvc_parse_svc_test),
	KUNIT_CASE(ksvc_parse_beset_test),
	KUNIT_CASE(ksvc_parse_beset_nodes_test),
	KUNIT_CASE_PARAM(ksvc_parse_svc_bad_test, bad_gen_params),
	KUNIT_CASE(ksvc_fill_svc_test),
	KUNIT_CASE(ksvc_prep_batch_test),
	{}
};

static struct kunit_suite ksvc_netlink_suite = {
	.name = "ksvc_netlink",
	.test_cases = ksvc_netlink_cases,
};

kunit_test_suite(ksvc_netlink_suite);
