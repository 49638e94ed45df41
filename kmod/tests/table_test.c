// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite ksvc_table: service tables, frontends, copy-on-write backend
 * sets, limits, and a randomised run against a reference model.
 */
#include <kunit/test.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include "../backends.h"
#include "../frontend.h"
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

static void net_free(struct ksvc_net *kn)
{
	ksvc_net_destroy(kn);
	rcu_barrier();
}

/* One IPv4 cluster address, one TCP port, optional nodePort. */
static struct ksvc_svc *mk(struct kunit *test, const char *name, __be32 ip,
			   u16 port, u16 node_port)
{
	struct ksvc_svc *svc = ksvc_svc_alloc(1, 1);

	KUNIT_ASSERT_NOT_NULL(test, svc);
	svc->key = ksvc_test_name(test, "default", name);
	svc->type = node_port ? KSVC_SVC_TYPE_NODE_PORT :
				KSVC_SVC_TYPE_CLUSTER_IP;
	svc->addrs[0] = (struct ksvc_addr){ .kind = KSVC_ADDR_KIND_CLUSTER,
					    .family = AF_INET, .a.ip = ip };
	svc->ports[0].proto = IPPROTO_TCP;
	svc->ports[0].port = port;
	svc->ports[0].node_port = node_port;
	svc->ports[0].keep_bes = true;
	KUNIT_ASSERT_EQ(test, ksvc_svc_build_fe(svc, NULL), 0);
	return svc;
}

static struct ksvc_fe_key key4(__be32 ip, u16 port)
{
	struct ksvc_fe_key k = { .family = AF_INET, .proto = IPPROTO_TCP,
				 .port = htons(port), .addr.ip = ip };
	return k;
}

static struct ksvc_fe_key key_np(u16 port)
{
	struct ksvc_fe_key k = { .proto = IPPROTO_TCP, .port = htons(port) };
	return k;
}

/* Name of the service whose port a lookup of @k finds, or NULL. */
static const char *who(struct ksvc_net *kn, struct ksvc_fe_key k)
{
	const struct ksvc_port *port;
	const char *name;
	u8 kind;

	rcu_read_lock();
	port = ksvc_lookup(kn, &k, &kind);
	name = port ? port->svc->key->name : NULL;
	rcu_read_unlock();
	return name;
}

static int add(struct ksvc_net *kn, struct ksvc_svc *svc)
{
	int err;

	mutex_lock(&kn->lock);
	err = ksvc_svc_add(kn, svc, NULL);
	mutex_unlock(&kn->lock);
	return err;
}

static void ksvc_svc_add_test(struct kunit *test)
{
	struct ksvc_net *kn = net_new(test);

	KUNIT_EXPECT_EQ(test, add(kn, mk(test, "a", IP(10, 96, 0, 1), 80, 30080)), 0);
	KUNIT_EXPECT_STREQ(test, who(kn, key4(IP(10, 96, 0, 1), 80)), "a");
	KUNIT_EXPECT_STREQ(test, who(kn, key_np(30080)), "a");
	KUNIT_EXPECT_NULL(test, who(kn, key4(IP(10, 96, 0, 1), 81)));
	KUNIT_EXPECT_NULL(test, who(kn, key4(IP(10, 96, 0, 2), 80)));
	KUNIT_EXPECT_EQ(test, kn->nsvc, 1U);
	/* Same name again. */
	KUNIT_EXPECT_EQ(test, add(kn, mk(test, "a", IP(10, 96, 0, 9), 80, 0)),
			-EEXIST);
	KUNIT_EXPECT_NULL(test, who(kn, key4(IP(10, 96, 0, 9), 80)));
	net_free(kn);
}

/* A clash on one frontend installs none of the second service. */
static void ksvc_svc_add_clash_test(struct kunit *test)
{
	struct ksvc_net *kn = net_new(test);
	struct netlink_ext_ack extack = {};
	struct ksvc_svc *b;
	int err;

	KUNIT_ASSERT_EQ(test, add(kn, mk(test, "a", IP(10, 96, 0, 1), 80, 30080)), 0);
	b = mk(test, "b", IP(10, 96, 0, 2), 80, 30080);
	mutex_lock(&kn->lock);
	err = ksvc_svc_add(kn, b, &extack);
	mutex_unlock(&kn->lock);
	KUNIT_EXPECT_EQ(test, err, -EEXIST);
	KUNIT_EXPECT_NOT_NULL(test, strstr(extack._msg, "default/a"));
	KUNIT_EXPECT_NULL(test, who(kn, key4(IP(10, 96, 0, 2), 80)));
	KUNIT_EXPECT_STREQ(test, who(kn, key_np(30080)), "a");
	KUNIT_EXPECT_EQ(test, kn->nsvc, 1U);
	net_free(kn);
}

static void ksvc_svc_build_fe_test(struct kunit *test)
{
	struct ksvc_svc *svc = mk(test, "a", IP(10, 96, 0, 1), 80, 30080);

	/* One per ClusterIP, one per nodePort. */
	KUNIT_EXPECT_EQ(test, svc->nfe, 2U);
	ksvc_svc_free(svc);

	svc = ksvc_svc_alloc(2, 1);
	KUNIT_ASSERT_NOT_NULL(test, svc);
	svc->addrs[0] = (struct ksvc_addr){ .kind = KSVC_ADDR_KIND_CLUSTER,
					    .family = AF_INET, .a.ip = htonl(1) };
	svc->addrs[1] = svc->addrs[0];
	svc->addrs[1].kind = KSVC_ADDR_KIND_EXTERNAL;
	svc->ports[0].proto = IPPROTO_TCP;
	svc->ports[0].port = 80;
	KUNIT_EXPECT_EQ(test, ksvc_svc_build_fe(svc, NULL), -EINVAL);
	ksvc_svc_free(svc);
}

static struct ksvc_beset *beset(struct kunit *test, int n, u8 first)
{
	struct ksvc_beset *bes = ksvc_beset_alloc(n);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, bes);
	for (i = 0; i < n; i++) {
		bes->be[i].family = AF_INET;
		bes->be[i].addr.ip = IP(10, 244, 0, first + i);
		bes->be[i].port = htons(8080);
		bes->be[i].flags = KSVC_BE_F_READY;
	}
	KUNIT_ASSERT_EQ(test, ksvc_beset_sort(bes, NULL), 0);
	return bes;
}

static struct ksvc_beset *cur(struct ksvc_net *kn, struct ksvc_port *p)
{
	return rcu_dereference_protected(p->bes, lockdep_is_held(&kn->lock));
}

static const struct ksvc_name name_a = { "default", "a" };

/* What BACKENDS_SET does: a new version of "a" with a new set on port 0. */
static void set_bes(struct kunit *test, struct ksvc_net *kn,
		    struct ksvc_beset *bes)
{
	struct ksvc_svc *svc;

	mutex_lock(&kn->lock);
	svc = ksvc_svc_clone(ksvc_svc_find(kn, &name_a));
	KUNIT_ASSERT_NOT_NULL(test, svc);
	RCU_INIT_POINTER(svc->ports[0].bes, bes);
	svc->ports[0].keep_bes = false;
	KUNIT_EXPECT_EQ(test, ksvc_svc_replace(kn, svc, NULL), 0);
	mutex_unlock(&kn->lock);
}

static struct ksvc_beset *bes_a(struct ksvc_net *kn)
{
	lockdep_assert_held(&kn->lock);
	return cur(kn, &ksvc_svc_find(kn, &name_a)->ports[0]);
}

/*
 * A new set replaces the old one as a whole; counters follow the backends
 * that remain.  (Readers racing the swap: the concurrency suite.)
 */
static void ksvc_backends_set_test(struct kunit *test)
{
	struct ksvc_net *kn = net_new(test);
	struct ksvc_stats_sum sum;
	struct ksvc_beset *now;

	KUNIT_ASSERT_EQ(test, add(kn, mk(test, "a", IP(10, 96, 0, 1), 80, 0)), 0);
	set_bes(test, kn, beset(test, 3, 1));		/* .1 .2 .3 */
	mutex_lock(&kn->lock);
	now = bes_a(kn);
	KUNIT_EXPECT_EQ(test, now->n, 3U);
	KUNIT_EXPECT_EQ(test, now->sel[KSVC_SEL_READY].n, 3U);
	ksvc_stats_add(now->be[1].stats, 1, 100);	/* 10.244.0.2 */
	mutex_unlock(&kn->lock);

	set_bes(test, kn, beset(test, 2, 2));		/* .2 .3 */
	mutex_lock(&kn->lock);
	now = bes_a(kn);
	KUNIT_ASSERT_EQ(test, now->n, 2U);
	KUNIT_EXPECT_EQ(test, ntohl(now->be[0].addr.ip),
			ntohl(IP(10, 244, 0, 2)));
	ksvc_stats_read(now->be[0].stats, &sum);
	KUNIT_EXPECT_EQ(test, sum.conns, 1ULL);
	KUNIT_EXPECT_EQ(test, sum.bytes, 100ULL);
	ksvc_stats_read(now->be[1].stats, &sum);
	KUNIT_EXPECT_EQ(test, sum.packets, 0ULL);
	mutex_unlock(&kn->lock);
	net_free(kn);
}

static int replace(struct ksvc_net *kn, struct ksvc_svc *svc);

static u64 port_conns(struct ksvc_net *kn)
{
	struct ksvc_svc *svc = ksvc_svc_find(kn, &name_a);
	struct ksvc_stats_sum sum;

	ksvc_port_stats(&svc->ports[0], cur(kn, &svc->ports[0]), &sum);
	return sum.conns;
}

/*
 * A port's totals are its backends' counters plus those of backends that
 * left: they never go down when a set is replaced.
 */
static void ksvc_port_stats_test(struct kunit *test)
{
	struct ksvc_net *kn = net_new(test);

	KUNIT_ASSERT_EQ(test, add(kn, mk(test, "a", IP(10, 96, 0, 1), 80, 0)), 0);
	set_bes(test, kn, beset(test, 3, 1));		/* .1 .2 .3 */
	mutex_lock(&kn->lock);
	ksvc_stats_add(bes_a(kn)->be[0].stats, 1, 10);	/* .1 */
	ksvc_stats_add(bes_a(kn)->be[1].stats, 2, 10);	/* .2 */
	ksvc_stats_add(bes_a(kn)->be[2].stats, 4, 10);	/* .3 */
	KUNIT_EXPECT_EQ(test, port_conns(kn), 7ULL);
	mutex_unlock(&kn->lock);

	set_bes(test, kn, beset(test, 2, 2));		/* .2 .3: .1 leaves */
	mutex_lock(&kn->lock);
	KUNIT_EXPECT_EQ(test, port_conns(kn), 7ULL);
	ksvc_stats_add(bes_a(kn)->be[0].stats, 8, 10);	/* .2 */
	KUNIT_EXPECT_EQ(test, port_conns(kn), 15ULL);
	mutex_unlock(&kn->lock);

	set_bes(test, kn, beset(test, 1, 9));		/* .9: .2 .3 leave */
	mutex_lock(&kn->lock);
	KUNIT_EXPECT_EQ(test, port_conns(kn), 15ULL);
	mutex_unlock(&kn->lock);
	/* A new version of the service keeps the port's totals. */
	KUNIT_ASSERT_EQ(test, replace(kn, mk(test, "a", IP(10, 96, 0, 1), 80, 30080)), 0);
	mutex_lock(&kn->lock);
	KUNIT_EXPECT_EQ(test, port_conns(kn), 15ULL);
	mutex_unlock(&kn->lock);
	net_free(kn);
}

static void fill_random(struct ksvc_beset *bes, struct rnd_state *rs)
{
	u32 i;

	for (i = 0; i < bes->n; i++) {
		struct ksvc_backend *be = &bes->be[i];
		u32 r = prandom_u32_state(rs);

		memset(&be->addr, 0, sizeof(be->addr));
		be->family = r & 1 ? AF_INET6 : AF_INET;
		if (be->family == AF_INET)
			be->addr.ip = IP(10, 244, r >> 1 & 1, r >> 2 & 7);
		else
			be->addr.ip6[3] = htonl(r >> 2 & 7);
		be->port = htons(r >> 5 & 1 ? 8080 : 80);
	}
}

static bool be_less(const struct ksvc_backend *a, const struct ksvc_backend *b)
{
	int r = memcmp(&a->addr, &b->addr, sizeof(a->addr));

	if (a->family != b->family)
		return a->family < b->family;
	return r ? r < 0 : ntohs(a->port) < ntohs(b->port);
}

/* The reference: insertion sort, then any neighbours alike. */
static bool ref_sort(struct ksvc_backend *be, u32 n)
{
	bool dup = false;
	u32 i, j;

	for (i = 1; i < n; i++) {
		struct ksvc_backend x = be[i];

		for (j = i; j && be_less(&x, &be[j - 1]); j--)
			be[j] = be[j - 1];
		be[j] = x;
	}
	for (i = 1; i < n; i++)
		dup |= !be_less(&be[i - 1], &be[i]);
	return dup;
}

/*
 * Sets in random order, in order, with and without duplicates: sorted as
 * the reference sorts them (family, address, port), or -EINVAL exactly
 * when two backends are alike.  Half the sets come in order already, as
 * ksvcctl sends them.
 */
static void ksvc_beset_sort_test(struct kunit *test)
{
	struct ksvc_backend ref[24];
	struct rnd_state rs;
	int round, err;
	u32 n, i;

	prandom_seed_state(&rs, 42);
	for (round = 0; round < 400; round++) {
		struct ksvc_beset *bes;
		bool dup;

		n = prandom_u32_state(&rs) % ARRAY_SIZE(ref);
		bes = ksvc_beset_alloc(n);
		KUNIT_ASSERT_NOT_NULL(test, bes);
		fill_random(bes, &rs);
		for (i = 0; i < n; i++)
			ref[i] = bes->be[i];
		dup = ref_sort(ref, n);
		if (round & 1)	/* in order already, duplicates and all */
			for (i = 0; i < n; i++)
				bes->be[i] = ref[i];
		err = ksvc_beset_sort(bes, NULL);
		KUNIT_EXPECT_EQ(test, err, dup ? -EINVAL : 0);
		for (i = 0; !err && i < n; i++) {
			KUNIT_EXPECT_EQ(test, bes->be[i].family, ref[i].family);
			KUNIT_EXPECT_EQ(test, memcmp(&bes->be[i].addr, &ref[i].addr,
						     sizeof(ref[i].addr)), 0);
			KUNIT_EXPECT_EQ(test, ntohs(bes->be[i].port),
					ntohs(ref[i].port));
		}
		ksvc_beset_free(bes);
	}
}

static int replace(struct ksvc_net *kn, struct ksvc_svc *svc)
{
	int err;

	mutex_lock(&kn->lock);
	err = ksvc_svc_replace(kn, svc, NULL);
	mutex_unlock(&kn->lock);
	return err;
}

/*
 * Shared frontends swap in place; a port given no backends gets a copy of
 * the old port's set, counters included.
 */
static void ksvc_svc_replace_test(struct kunit *test)
{
	struct ksvc_net *kn = net_new(test);
	struct ksvc_stats_sum sum;
	struct ksvc_beset *bes;
	struct ksvc_svc *svc;
	u8 kind;

	KUNIT_ASSERT_EQ(test, add(kn, mk(test, "a", IP(10, 96, 0, 1), 80, 30080)), 0);
	set_bes(test, kn, beset(test, 2, 1));
	mutex_lock(&kn->lock);
	ksvc_stats_add(bes_a(kn)->be[1].stats, 1, 60);
	mutex_unlock(&kn->lock);

	KUNIT_ASSERT_EQ(test, replace(kn, mk(test, "a", IP(10, 96, 0, 1), 80, 30090)), 0);
	KUNIT_EXPECT_NULL(test, who(kn, key_np(30080)));
	KUNIT_EXPECT_STREQ(test, who(kn, key_np(30090)), "a");
	mutex_lock(&kn->lock);
	svc = ksvc_svc_find(kn, &name_a);
	bes = cur(kn, &svc->ports[0]);
	KUNIT_ASSERT_EQ(test, bes->n, 2U);
	KUNIT_EXPECT_EQ(test, ntohl(bes->be[1].addr.ip),
			ntohl(IP(10, 244, 0, 2)));
	KUNIT_EXPECT_EQ(test, bes->sel[KSVC_SEL_READY].n, 2U);
	ksvc_stats_read(bes->be[1].stats, &sum);
	KUNIT_EXPECT_EQ(test, sum.bytes, 60ULL);
	rcu_read_lock();
	KUNIT_EXPECT_PTR_EQ(test, ksvc_lookup(kn, &(struct ksvc_fe_key){
		.family = AF_INET, .proto = IPPROTO_TCP, .port = htons(80),
		.addr.ip = IP(10, 96, 0, 1) }, &kind), &svc->ports[0]);
	rcu_read_unlock();
	mutex_unlock(&kn->lock);
	KUNIT_EXPECT_EQ(test, kn->nsvc, 1U);
	KUNIT_EXPECT_EQ(test, replace(kn, mk(test, "zz", htonl(1), 80, 0)),
			-ENOENT);
	net_free(kn);
}

/*
 * A service that moves to IPv6 keeps none of its IPv4 backends when no
 * new set is given (found by fuzz_nlparse): they could never be reached.
 */
static void ksvc_beset_keep_families_test(struct kunit *test)
{
	struct ksvc_net *kn = net_new(test);
	struct ksvc_svc *svc;

	KUNIT_ASSERT_EQ(test, add(kn, mk(test, "a", IP(10, 96, 0, 1), 80, 0)), 0);
	set_bes(test, kn, beset(test, 2, 1));
	svc = mk(test, "a", 0, 80, 0);
	svc->addrs[0].family = AF_INET6;
	svc->addrs[0].a.in6.s6_addr[0] = 0xfd;
	svc->addrs[0].a.in6.s6_addr[15] = 1;
	KUNIT_ASSERT_EQ(test, ksvc_svc_build_fe(svc, NULL), 0);
	KUNIT_ASSERT_EQ(test, replace(kn, svc), 0);
	mutex_lock(&kn->lock);
	KUNIT_EXPECT_EQ(test, bes_a(kn)->n, 0U);
	mutex_unlock(&kn->lock);
	net_free(kn);
}

/*
 * Staged changes are invisible until the commit and all visible after
 * it; an abort leaves no trace.  Moving an address from one service to
 * another inside one transaction never leaves it unserved.
 */
static void ksvc_commit_test(struct kunit *test)
{
	struct ksvc_net *kn = net_new(test);
	struct ksvc_name b = { "default", "b" };
	int res;

	KUNIT_ASSERT_EQ(test, add(kn, mk(test, "a", IP(10, 96, 0, 1), 80, 0)), 0);
	mutex_lock(&kn->lock);
	/* b may not take a's address while a still holds it... */
	KUNIT_EXPECT_EQ(test, ksvc_stage(kn, &b, mk(test, "b", IP(10, 96, 0, 1), 80, 0),
					 KSVC_OP_CREATE, &res, NULL), -EEXIST);
	/* ...but may once a moves away in the same transaction. */
	KUNIT_EXPECT_EQ(test, ksvc_stage(kn, &name_a, mk(test, "a", IP(10, 96, 0, 2), 80, 0),
					 KSVC_OP_APPLY, &res, NULL), 0);
	KUNIT_EXPECT_EQ(test, res, KSVC_RESULT_CONFIGURED);
	KUNIT_EXPECT_EQ(test, ksvc_stage(kn, &b, mk(test, "b", IP(10, 96, 0, 1), 80, 0),
					 KSVC_OP_CREATE, &res, NULL), 0);
	KUNIT_EXPECT_EQ(test, res, KSVC_RESULT_CREATED);
	/* Nothing visible yet. */
	KUNIT_EXPECT_STREQ(test, who(kn, key4(IP(10, 96, 0, 1), 80)), "a");
	KUNIT_EXPECT_NULL(test, who(kn, key4(IP(10, 96, 0, 2), 80)));
	KUNIT_EXPECT_EQ(test, kn->nsvc, 1U);
	ksvc_abort(kn);
	KUNIT_EXPECT_STREQ(test, who(kn, key4(IP(10, 96, 0, 1), 80)), "a");
	KUNIT_EXPECT_NULL(test, ksvc_svc_find(kn, &b));

	KUNIT_EXPECT_EQ(test, ksvc_stage(kn, &name_a, mk(test, "a", IP(10, 96, 0, 2), 80, 0),
					 KSVC_OP_APPLY, &res, NULL), 0);
	KUNIT_EXPECT_EQ(test, ksvc_stage(kn, &b, mk(test, "b", IP(10, 96, 0, 1), 80, 0),
					 KSVC_OP_APPLY, &res, NULL), 0);
	ksvc_commit(kn);
	KUNIT_EXPECT_STREQ(test, who(kn, key4(IP(10, 96, 0, 1), 80)), "b");
	KUNIT_EXPECT_STREQ(test, who(kn, key4(IP(10, 96, 0, 2), 80)), "a");
	KUNIT_EXPECT_EQ(test, kn->nsvc, 2U);
	/* The same again changes nothing. */
	KUNIT_EXPECT_EQ(test, ksvc_stage(kn, &b, mk(test, "b", IP(10, 96, 0, 1), 80, 0),
					 KSVC_OP_APPLY, &res, NULL), 0);
	KUNIT_EXPECT_EQ(test, res, KSVC_RESULT_UNCHANGED);
	ksvc_commit(kn);
	mutex_unlock(&kn->lock);
	net_free(kn);
}

static void ksvc_svc_add_limit_test(struct kunit *test)
{
	struct ksvc_net *kn = net_new(test);
	unsigned int saved = ksvc_max_services;

	ksvc_max_services = 2;
	KUNIT_EXPECT_EQ(test, add(kn, mk(test, "a", IP(10, 96, 0, 1), 80, 0)), 0);
	KUNIT_EXPECT_EQ(test, add(kn, mk(test, "b", IP(10, 96, 0, 2), 80, 0)), 0);
	KUNIT_EXPECT_EQ(test, add(kn, mk(test, "c", IP(10, 96, 0, 3), 80, 0)),
			-ENOSPC);
	KUNIT_EXPECT_STREQ(test, who(kn, key4(IP(10, 96, 0, 1), 80)), "a");
	ksvc_max_services = saved;
	net_free(kn);
}

static void ksvc_flush_test(struct kunit *test)
{
	struct ksvc_net *kn = net_new(test);
	struct ksvc_svc *other = mk(test, "b", IP(10, 96, 0, 2), 80, 0);

	other->key = ksvc_test_name(test, "kube-system", "b");
	KUNIT_ASSERT_EQ(test, add(kn, mk(test, "a", IP(10, 96, 0, 1), 80, 0)), 0);
	KUNIT_ASSERT_EQ(test, add(kn, other), 0);
	mutex_lock(&kn->lock);
	ksvc_flush(kn, "default");
	mutex_unlock(&kn->lock);
	KUNIT_EXPECT_NULL(test, who(kn, key4(IP(10, 96, 0, 1), 80)));
	KUNIT_EXPECT_STREQ(test, who(kn, key4(IP(10, 96, 0, 2), 80)), "b");
	KUNIT_EXPECT_EQ(test, kn->nsvc, 1U);
	net_free(kn);
}

/*
 * Reference model: NSVC services drawn from a small pool of addresses,
 * ports and nodePorts, so clashes are common: a ClusterIP, one or two
 * ports, maybe an external IP (another pool address) on the same ports,
 * maybe a nodePort on the first port.  After every add, replace or
 * delete, each pool key must resolve exactly as the model says.
 */
#define NSVC	6
#define NIP	3
#define NPORT	2
#define NNP	3

struct ref_svc {
	bool live;
	int ip, ports, ext, np;	/* ports: bit mask; ext, np: -1 = none */
};

static u32 lcg(u32 *s)
{
	*s = *s * 1103515245 + 12345;
	return *s >> 8;
}

/* A ClusterIP's port first, as the packet path looks: then an external. */
static int ref_holder_ip(struct ref_svc *m, int ip, int port)
{
	int i;

	for (i = 0; i < NSVC; i++)
		if (m[i].live && m[i].ip == ip && (m[i].ports & BIT(port)))
			return i;
	for (i = 0; i < NSVC; i++)
		if (m[i].live && m[i].ext == ip && (m[i].ports & BIT(port)))
			return i;
	return -1;
}

static int ref_holder_np(struct ref_svc *m, int np)
{
	int i;

	for (i = 0; i < NSVC; i++)
		if (m[i].live && m[i].np == np)
			return i;
	return -1;
}

static bool ref_held(struct ref_svc *m, int self, int ip, int ports)
{
	int i;

	for (i = 0; i < NSVC; i++)
		if (i != self && m[i].live && (m[i].ports & ports) &&
		    (m[i].ip == ip || m[i].ext == ip))
			return true;
	return false;
}

/*
 * A ClusterIP belongs to one service, whatever the port; so does a
 * nodePort; an address:port to one service, as ClusterIP or external.
 */
static bool ref_clash(struct ref_svc *m, int self, struct ref_svc *s)
{
	int h, i;

	for (i = 0; i < NSVC; i++)
		if (i != self && m[i].live && m[i].ip == s->ip)
			return true;
	if (ref_held(m, self, s->ip, s->ports) ||
	    (s->ext >= 0 && ref_held(m, self, s->ext, s->ports)))
		return true;
	h = s->np < 0 ? -1 : ref_holder_np(m, s->np);
	return h >= 0 && h != self;
}

static void ref_check(struct kunit *test, struct ksvc_net *kn,
		      struct ref_svc *m)
{
	static const char * const names[] = { "s0", "s1", "s2", "s3", "s4", "s5" };
	int ip, port, np, h;

	for (ip = 0; ip < NIP; ip++)
		for (port = 0; port < NPORT; port++) {
			h = ref_holder_ip(m, ip, port);
			if (h >= 0)
				KUNIT_EXPECT_STREQ(test, who(kn, key4(IP(10, 96, 0, ip), 80 + port)) ?: "-",
						   names[h]);
			else
				KUNIT_EXPECT_NULL(test, who(kn, key4(IP(10, 96, 0, ip), 80 + port)));
		}
	for (np = 0; np < NNP; np++) {
		h = ref_holder_np(m, np);
		if (h >= 0)
			KUNIT_EXPECT_STREQ(test, who(kn, key_np(30000 + np)) ?: "-",
					   names[h]);
		else
			KUNIT_EXPECT_NULL(test, who(kn, key_np(30000 + np)));
	}
}

static struct ksvc_svc *ref_mk(struct kunit *test, const char *name,
			       const struct ref_svc *s)
{
	struct ksvc_svc *svc = ksvc_svc_alloc(1 + (s->ext >= 0),
					      hweight32(s->ports));
	int port, n = 0;

	KUNIT_ASSERT_NOT_NULL(test, svc);
	svc->key = ksvc_test_name(test, "default", name);
	svc->type = s->np >= 0 ? KSVC_SVC_TYPE_NODE_PORT :
				 KSVC_SVC_TYPE_CLUSTER_IP;
	svc->addrs[0] = (struct ksvc_addr){ .kind = KSVC_ADDR_KIND_CLUSTER,
					    .family = AF_INET,
					    .a.ip = IP(10, 96, 0, s->ip) };
	if (s->ext >= 0)
		svc->addrs[1] = (struct ksvc_addr){
			.kind = KSVC_ADDR_KIND_EXTERNAL, .family = AF_INET,
			.a.ip = IP(10, 96, 0, s->ext) };
	for (port = 0; port < NPORT; port++) {
		if (!(s->ports & BIT(port)))
			continue;
		svc->ports[n].proto = IPPROTO_TCP;
		svc->ports[n].port = 80 + port;
		svc->ports[n].node_port = !n && s->np >= 0 ? 30000 + s->np : 0;
		svc->ports[n++].keep_bes = true;
	}
	KUNIT_ASSERT_EQ(test, ksvc_svc_build_fe(svc, NULL), 0);
	return svc;
}

/* Returns the outcome the model expected: 0, -EEXIST, or 1 for a delete. */
static int ref_step(struct kunit *test, struct ksvc_net *kn,
		    struct ref_svc *m, u32 *seed)
{
	int i = lcg(seed) % NSVC, err, want;
	struct ref_svc s = { .live = true, .ip = lcg(seed) % NIP,
			     .ports = 1 + lcg(seed) % 3,
			     .ext = (int)(lcg(seed) % (NIP + 1)) - 1,
			     .np = (int)(lcg(seed) % (NNP + 1)) - 1 };
	char name[4] = { 's', '0' + i };

	if (m[i].live && lcg(seed) % 3 == 0) {
		mutex_lock(&kn->lock);
		KUNIT_EXPECT_EQ(test, ksvc_svc_del(kn,
			ksvc_test_name(test, "default", name)), 0);
		mutex_unlock(&kn->lock);
		m[i].live = false;
		return 1;
	}
	if (s.ext == s.ip)
		s.ext = -1;
	want = ref_clash(m, m[i].live ? i : -1, &s) ? -EEXIST : 0;
	err = m[i].live ? replace(kn, ref_mk(test, name, &s)) :
			  add(kn, ref_mk(test, name, &s));
	KUNIT_EXPECT_EQ(test, err, want);
	if (!err)
		m[i] = s;
	return want ?: (s.ext >= 0 ? 2 : 0);
}

static void ksvc_lookup_model_test(struct kunit *test)
{
	struct ksvc_net *kn = net_new(test);
	struct ref_svc m[NSVC] = {};
	u32 seed = 42, live = 0, refused = 0, with_ext = 0;
	int step, i, r;

	for (step = 0; step < 600; step++) {
		r = ref_step(test, kn, m, &seed);
		refused += r == -EEXIST;
		with_ext += r == 2;
		ref_check(test, kn, m);
	}
	/* The walk must have met both clashes and external addresses. */
	KUNIT_EXPECT_GT(test, refused, 50U);
	KUNIT_EXPECT_GT(test, with_ext, 10U);
	for (i = 0; i < NSVC; i++)
		live += m[i].live;
	KUNIT_EXPECT_EQ(test, kn->nsvc, live);
	net_free(kn);
}

static struct kunit_case ksvc_table_cases[] = {
	KUNIT_CASE(ksvc_svc_add_test),
	KUNIT_CASE(ksvc_svc_add_clash_test),
	KUNIT_CASE(ksvc_svc_build_fe_test),
	KUNIT_CASE(ksvc_backends_set_test),
	KUNIT_CASE(ksvc_port_stats_test),
	KUNIT_CASE(ksvc_beset_sort_test),
	KUNIT_CASE(ksvc_svc_replace_test),
	KUNIT_CASE(ksvc_beset_keep_families_test),
	KUNIT_CASE(ksvc_commit_test),
	KUNIT_CASE(ksvc_svc_add_limit_test),
	KUNIT_CASE(ksvc_flush_test),
	KUNIT_CASE(ksvc_lookup_model_test),
	{}
};

static struct kunit_suite ksvc_table_suite = {
	.name = "ksvc_table",
	.test_cases = ksvc_table_cases,
};

kunit_test_suite(ksvc_table_suite);
