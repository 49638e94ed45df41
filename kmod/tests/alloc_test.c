// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite ksvc_alloc: ClusterIPs from the service CIDR and nodePorts
 * from the range; a service keeps what it has; what another service holds
 * is refused with the API server's words; a full range is ENOSPC.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include "../table.h"
#include "names.h"

#define IP(a, b, c, d) htonl(((a) << 24) | ((b) << 16) | ((c) << 8) | (d))

static struct ksvc_net *net_new(struct kunit *test)
{
	struct ksvc_net *kn = kunit_kzalloc(test, sizeof(*kn), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, kn);
	KUNIT_ASSERT_EQ(test, ksvc_net_init(kn), 0);
	return kn;
}

/* @ip 0: allocate one.  @type NodePort with @np 0: allocate one. */
static struct ksvc_svc *mk(struct kunit *test, const char *name, __be32 ip,
			   u16 port, u8 type, u16 np)
{
	struct ksvc_svc *svc = ksvc_svc_alloc(1, 1);

	KUNIT_ASSERT_NOT_NULL(test, svc);
	svc->key = ksvc_test_name(test, "default", name);
	svc->type = type;
	svc->addrs[0] = (struct ksvc_addr){ .kind = KSVC_ADDR_KIND_CLUSTER,
					    .family = AF_INET, .a.ip = ip };
	svc->ports[0].proto = IPPROTO_TCP;
	svc->ports[0].port = port;
	svc->ports[0].node_port = np;
	svc->ports[0].keep_bes = true;
	return svc;
}

struct res {
	int err;
	char msg[160];
	__be32 ip;
	u16 np;
};

static struct res apply(struct ksvc_net *kn, struct ksvc_svc *svc)
{
	struct netlink_ext_ack extack = {};
	struct ksvc_name name = *svc->key;
	struct res r = {};
	int result;

	mutex_lock(&kn->lock);
	r.err = ksvc_stage(kn, &name, svc, KSVC_OP_APPLY, &result, &extack);
	if (r.err) {
		ksvc_abort(kn);
	} else {
		ksvc_commit(kn);
		svc = ksvc_svc_find(kn, &name);
		r.ip = svc->addrs[0].a.ip;
		r.np = svc->ports[0].node_port;
	}
	if (extack._msg)
		strscpy(r.msg, extack._msg, sizeof(r.msg));
	mutex_unlock(&kn->lock);
	return r;
}

static void ksvc_alloc_ip_test(struct kunit *test)
{
	struct ksvc_net *kn = net_new(test);
	struct res a, b, r;

	a = apply(kn, mk(test, "a", 0, 80, KSVC_SVC_TYPE_CLUSTER_IP, 0));
	KUNIT_ASSERT_EQ(test, a.err, 0);
	/* In 10.96.0.0/12, neither its first nor its last address. */
	KUNIT_EXPECT_EQ(test, ntohl(a.ip) >> 20, 0x0a6U);
	KUNIT_EXPECT_NE(test, ntohl(a.ip) & 0xfffff, 0U);
	KUNIT_EXPECT_NE(test, ntohl(a.ip) & 0xfffff, 0xfffffU);
	b = apply(kn, mk(test, "b", 0, 80, KSVC_SVC_TYPE_CLUSTER_IP, 0));
	KUNIT_ASSERT_EQ(test, b.err, 0);
	KUNIT_EXPECT_NE(test, ntohl(a.ip), ntohl(b.ip));
	/* Applying a again without an address keeps its address. */
	r = apply(kn, mk(test, "a", 0, 81, KSVC_SVC_TYPE_CLUSTER_IP, 0));
	KUNIT_EXPECT_EQ(test, r.err, 0);
	KUNIT_EXPECT_EQ(test, ntohl(r.ip), ntohl(a.ip));
	/* a's address is a's, on any port. */
	r = apply(kn, mk(test, "c", a.ip, 9999, KSVC_SVC_TYPE_CLUSTER_IP, 0));
	KUNIT_EXPECT_EQ(test, r.err, -EEXIST);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(r.msg, "provided IP is already allocated"),
				  "%s", r.msg);
	r = apply(kn, mk(test, "c", IP(10, 200, 0, 1), 80, KSVC_SVC_TYPE_CLUSTER_IP, 0));
	KUNIT_EXPECT_EQ(test, r.err, -EINVAL);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(r.msg, "not in the valid range"),
				  "%s", r.msg);
	ksvc_net_destroy(kn);
	rcu_barrier();
}

static void ksvc_alloc_full_test(struct kunit *test)
{
	struct ksvc_net *kn = net_new(test);
	struct ksvc_cidr *c;

	mutex_lock(&kn->lock);
	c = &ksvc_cfg_get(kn)->cidr[0];		/* 192.0.2.0/30: two hosts */
	c->len = 30;
	c->a.ip = IP(192, 0, 2, 0);
	mutex_unlock(&kn->lock);
	KUNIT_EXPECT_EQ(test, apply(kn, mk(test, "a", 0, 80, KSVC_SVC_TYPE_CLUSTER_IP, 0)).err, 0);
	KUNIT_EXPECT_EQ(test, apply(kn, mk(test, "b", 0, 80, KSVC_SVC_TYPE_CLUSTER_IP, 0)).err, 0);
	KUNIT_EXPECT_EQ(test, apply(kn, mk(test, "c", 0, 80, KSVC_SVC_TYPE_CLUSTER_IP, 0)).err,
			-ENOSPC);
	ksvc_net_destroy(kn);
	rcu_barrier();
}

static void ksvc_alloc_node_port_test(struct kunit *test)
{
	struct ksvc_net *kn = net_new(test);
	struct res a, r;

	a = apply(kn, mk(test, "a", 0, 80, KSVC_SVC_TYPE_NODE_PORT, 0));
	KUNIT_ASSERT_EQ(test, a.err, 0);
	KUNIT_EXPECT_GE(test, a.np, 30000);
	KUNIT_EXPECT_LE(test, a.np, 32767);
	r = apply(kn, mk(test, "a", 0, 80, KSVC_SVC_TYPE_NODE_PORT, 0));
	KUNIT_EXPECT_EQ(test, r.np, a.np);
	r = apply(kn, mk(test, "b", 0, 80, KSVC_SVC_TYPE_NODE_PORT, a.np));
	KUNIT_EXPECT_EQ(test, r.err, -EEXIST);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(r.msg, "provided port is already allocated"),
				  "%s", r.msg);
	/* ClusterIP services get none. */
	r = apply(kn, mk(test, "c", 0, 80, KSVC_SVC_TYPE_CLUSTER_IP, 0));
	KUNIT_EXPECT_EQ(test, r.np, 0);
	ksvc_net_destroy(kn);
	rcu_barrier();
}

static struct kunit_case ksvc_alloc_cases[] = {
	KUNIT_CASE(ksvc_alloc_ip_test),
	KUNIT_CASE(ksvc_alloc_full_test),
	KUNIT_CASE(ksvc_alloc_node_port_test),
	{}
};

static struct kunit_suite ksvc_alloc_suite = {
	.name = "ksvc_alloc",
	.test_cases = ksvc_alloc_cases,
};

kunit_test_suite(ksvc_alloc_suite);
