// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite ksvc_bench: what the packet path pays per new connection
 * for finding the service and choosing a backend (ksvc_lookup() and
 * ksvc_select()), measured inside the kernel at N services, free of the
 * network stack's noise.  Not a test of speed: it asserts only that
 * every lookup finds the service it should, and prints the timings
 * ("ksvc_bench: n=... ns_median=...") for bench/ to collect.  Built only
 * with CONFIG_KSVC_KUNIT_BENCH (tests/kunit/bench.kunitconfig: no
 * debugging options, which would dominate what is measured).
 */
#include <kunit/test.h>
#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/sort.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>
#include "../backends.h"
#include "../frontend.h"
#include "../select.h"
#include "../table.h"

#define NBE		10	/* backends per service */
#define LOOKUPS		(1 << 18)
#define ROUNDS		7
#define PER_TXN		1000

static __be32 vip(u32 i)
{
	return htonl(0x0a600000 + 1 + i);	/* 10.96.0.1 + i */
}

static struct ksvc_beset *mkset(struct kunit *test, u32 i)
{
	struct ksvc_beset *bes = ksvc_beset_alloc(NBE);
	u32 j;

	KUNIT_ASSERT_NOT_NULL(test, bes);
	for (j = 0; j < NBE; j++) {
		bes->be[j].family = AF_INET;
		bes->be[j].addr.ip = htonl(0x0a800000 + i * NBE + j);
		bes->be[j].port = htons(8080);
		bes->be[j].flags = KSVC_BE_F_READY | KSVC_BE_F_SERVING;
	}
	KUNIT_ASSERT_EQ(test, ksvc_beset_sort(bes, NULL), 0);
	return bes;
}

static void stage(struct kunit *test, struct ksvc_net *kn, u32 i)
{
	struct ksvc_svc *svc = ksvc_svc_alloc(1, 1);
	char name[16];
	struct ksvc_name n = { "default", name };

	KUNIT_ASSERT_NOT_NULL(test, svc);
	snprintf(name, sizeof(name), "svc-%u", i);
	svc->type = KSVC_SVC_TYPE_CLUSTER_IP;
	svc->addrs[0] = (struct ksvc_addr){ .kind = KSVC_ADDR_KIND_CLUSTER,
					    .family = AF_INET, .a.ip = vip(i) };
	svc->ports[0].proto = IPPROTO_TCP;
	svc->ports[0].port = 80;
	RCU_INIT_POINTER(svc->ports[0].bes, mkset(test, i));
	KUNIT_ASSERT_EQ(test, ksvc_stage(kn, &n, svc, KSVC_OP_CREATE, NULL,
					 NULL), 0);
}

static struct ksvc_net *populate(struct kunit *test, u32 n)
{
	struct ksvc_net *kn = kunit_kzalloc(test, sizeof(*kn), GFP_KERNEL);
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, kn);
	KUNIT_ASSERT_EQ(test, ksvc_net_init(kn), 0);
	mutex_lock(&kn->lock);
	for (i = 0; i < n; i++) {
		stage(test, kn, i);
		if (i % PER_TXN == PER_TXN - 1 || i == n - 1) {
			ksvc_commit(kn);
			cond_resched();
		}
	}
	mutex_unlock(&kn->lock);
	return kn;
}

/* One round: @keys looked up and a backend chosen, as dnat_to() does. */
static u64 round_ns(struct ksvc_net *kn, const struct ksvc_fe_key *keys,
		    u32 *found)
{
	const struct ksvc_backend *be;
	const struct ksvc_port *port;
	u64 t0, t1;
	u32 i;
	u8 kind;

	*found = 0;
	local_bh_disable();
	rcu_read_lock();
	t0 = ktime_get_ns();
	for (i = 0; i < LOOKUPS; i++) {
		port = ksvc_lookup(kn, &keys[i], &kind);
		if (!port)
			continue;
		be = ksvc_select(rcu_dereference(port->bes), false,
				 AF_INET, jhash_1word(i, kn->seed));
		*found += be && be->port == htons(8080);
	}
	t1 = ktime_get_ns();
	rcu_read_unlock();
	local_bh_enable();
	return t1 - t0;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Random services of the @n present (@miss: addresses none has). */
static struct ksvc_fe_key *mkkeys(struct kunit *test, u32 n, bool miss)
{
	struct ksvc_fe_key *keys = vzalloc(array_size(LOOKUPS, sizeof(*keys)));
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, keys);
	for (i = 0; i < LOOKUPS; i++) {
		keys[i].family = AF_INET;
		keys[i].proto = IPPROTO_TCP;
		keys[i].port = htons(80);
		keys[i].addr.ip = miss ? htonl(0x0b000000 + i) :
					 vip(get_random_u32_below(n));
	}
	return keys;
}

static void measure(struct kunit *test, struct ksvc_net *kn, u32 n, bool miss)
{
	struct ksvc_fe_key *keys = mkkeys(test, n, miss);
	u64 ns[ROUNDS];
	u32 r, found;

	for (r = 0; r < ROUNDS; r++) {
		ns[r] = round_ns(kn, keys, &found);
		KUNIT_EXPECT_EQ(test, found, miss ? 0 : LOOKUPS);
		cond_resched();
	}
	vfree(keys);
	sort(ns, ROUNDS, sizeof(ns[0]), cmp_u64, NULL);
	kunit_info(test, "ksvc_bench: n=%u %s ns_median=%llu ns_min=%llu ns_max=%llu per lookup+select (%d lookups x %d rounds)\n",
		   n, miss ? "miss" : "hit", div_u64(ns[ROUNDS / 2], LOOKUPS),
		   div_u64(ns[0], LOOKUPS), div_u64(ns[ROUNDS - 1], LOOKUPS),
		   LOOKUPS, ROUNDS);
}

static void bench_n(struct kunit *test, u32 n)
{
	struct ksvc_net *kn = populate(test, n);

	measure(test, kn, n, false);
	measure(test, kn, n, true);
	ksvc_net_destroy(kn);
	rcu_barrier();
}

static void ksvc_lookup_bench_1(struct kunit *test) { bench_n(test, 1); }
static void ksvc_lookup_bench_1000(struct kunit *test) { bench_n(test, 1000); }
static void ksvc_lookup_bench_10000(struct kunit *test) { bench_n(test, 10000); }
static void ksvc_lookup_bench_100000(struct kunit *test) { bench_n(test, 100000); }

static struct kunit_case ksvc_bench_cases[] = {
	KUNIT_CASE(ksvc_lookup_bench_1),
	KUNIT_CASE(ksvc_lookup_bench_1000),
	KUNIT_CASE(ksvc_lookup_bench_10000),
	KUNIT_CASE(ksvc_lookup_bench_100000),
	{}
};

static struct kunit_suite ksvc_bench_suite = {
	.name = "ksvc_bench",
	.test_cases = ksvc_bench_cases,
};

kunit_test_suite(ksvc_bench_suite);
