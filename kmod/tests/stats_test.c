// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite ksvc_stats: the pool of per-CPU counter slots, checked
 * against a reference model (the live slots): a slot is never handed out
 * twice, starts at zero even where a freed slot had counted, and the pool
 * holds exactly the chunks of the live slots.
 */
#include <kunit/test.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include "../stats.h"

#define NLIVE	300
#define NOPS	3000

struct slot {
	struct ksvc_stats __percpu *s;
	u32 id;
};

struct model {
	struct slot live[NLIVE];
	u32 n;
	u32 rnd;
};

static u32 next(struct model *m)
{
	m->rnd ^= m->rnd << 13;
	m->rnd ^= m->rnd >> 17;
	m->rnd ^= m->rnd << 5;
	return m->rnd;
}

/* Chunks the live slots are in: what the pool must hold. */
static u32 chunks_of(const struct model *m)
{
	u32 i, j, n = 0;

	for (i = 0; i < m->n; i++) {
		for (j = 0; j < i; j++)
			if (m->live[j].id >> 6 == m->live[i].id >> 6)
				break;
		n += j == i;
	}
	return n;
}

static void zero(struct kunit *test, struct ksvc_stats __percpu *s)
{
	struct ksvc_stats_sum sum;

	ksvc_stats_read(s, &sum);
	KUNIT_EXPECT_EQ(test, sum.conns + sum.packets + sum.bytes, 0);
}

static void get(struct kunit *test, struct model *m)
{
	struct slot *sl = &m->live[m->n];
	u32 i;

	sl->s = ksvc_stats_alloc(&sl->id);
	KUNIT_ASSERT_TRUE(test, sl->s);	/* __percpu: not a void * */
	zero(test, sl->s);
	for (i = 0; i < m->n; i++) {
		KUNIT_EXPECT_TRUE(test, m->live[i].s != sl->s);
		KUNIT_EXPECT_NE(test, m->live[i].id, sl->id);
	}
	/* Counts a later owner of the slot must not see. */
	ksvc_stats_add(sl->s, 1, 1000 + m->n);
	m->n++;
}

static void put(struct model *m, u32 i)
{
	ksvc_stats_free(m->live[i].s, m->live[i].id);
	m->live[i] = m->live[--m->n];
}

/* Freed sets of earlier suites are gone once their callbacks ran. */
static void start(struct kunit *test)
{
	rcu_barrier();
	KUNIT_ASSERT_EQ_MSG(test, ksvc_stats_chunks(), 0,
			    "counter slots outlived an earlier test");
}

static void ksvc_stats_alloc_test(struct kunit *test)
{
	struct model *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	u32 op, peak = 0;

	KUNIT_ASSERT_NOT_NULL(test, m);
	start(test);
	m->rnd = 2463534242U;
	for (op = 0; op < NOPS; op++) {
		/* Mostly growing first, then mostly shrinking. */
		bool grow = next(m) % 8 < (op < NOPS / 2 ? 5 : 3);

		if (m->n < NLIVE && (grow || !m->n))
			get(test, m);
		else
			put(m, next(m) % m->n);
		KUNIT_ASSERT_EQ(test, ksvc_stats_chunks(), chunks_of(m));
		peak = max(peak, m->n);
	}
	/* The walk reached several chunks, so frees emptied some. */
	KUNIT_EXPECT_GT(test, peak, 128);
	while (m->n)
		put(m, m->n - 1);
	KUNIT_EXPECT_EQ(test, ksvc_stats_chunks(), 0);
}

/* A slot given back and handed out again counts from zero. */
static void ksvc_stats_free_test(struct kunit *test)
{
	struct ksvc_stats __percpu *a, *b, *c;
	u32 ia, ib, ic;

	start(test);
	a = ksvc_stats_alloc(&ia);
	b = ksvc_stats_alloc(&ib);
	KUNIT_ASSERT_TRUE(test, a);
	KUNIT_ASSERT_TRUE(test, b);
	KUNIT_EXPECT_EQ(test, ksvc_stats_chunks(), 1);
	ksvc_stats_add(a, 1, 60);
	ksvc_stats_add(a, 0, 1500);
	ksvc_stats_free(a, ia);
	c = ksvc_stats_alloc(&ic);
	KUNIT_ASSERT_TRUE(test, c);
	/* The lowest free slot: a's, so the zeroing is what is tested. */
	KUNIT_EXPECT_TRUE(test, c == a);
	KUNIT_EXPECT_EQ(test, ic, ia);
	zero(test, c);
	ksvc_stats_free(NULL, 0);
	ksvc_stats_free(b, ib);
	ksvc_stats_free(c, ic);
	KUNIT_EXPECT_EQ(test, ksvc_stats_chunks(), 0);
}

static struct kunit_case ksvc_stats_cases[] = {
	KUNIT_CASE(ksvc_stats_alloc_test),
	KUNIT_CASE(ksvc_stats_free_test),
	{}
};

static struct kunit_suite ksvc_stats_suite = {
	.name = "ksvc_stats",
	.test_cases = ksvc_stats_cases,
};

kunit_test_suite(ksvc_stats_suite);
