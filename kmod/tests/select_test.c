// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite ksvc_select: candidate lists (ready, serving-and-terminating
 * fallback, this node's), weighted random choice, and Maglev's promise
 * that removing one of N backends moves about 1/N of the flows.
 */
#include <kunit/test.h>
#include "../backends.h"
#include "../node.h"
#include "../select.h"

#define IP(a, b, c, d) htonl(((a) << 24) | ((b) << 16) | ((c) << 8) | (d))
#define RDY	KSVC_BE_F_READY
#define SRV	KSVC_BE_F_SERVING
#define TRM	KSVC_BE_F_TERMINATING

struct spec {
	u32 flags;
	u16 weight;
	const char *node;
};

static struct ksvc_beset *mkset(struct kunit *test, const struct spec *s,
				int n, bool maglev, const struct ksvc_beset *prev)
{
	struct ksvc_beset *bes = ksvc_beset_alloc(n);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, bes);
	for (i = 0; i < n; i++) {
		bes->be[i].family = AF_INET;
		bes->be[i].addr.ip = IP(10, 244, i / 200, 1 + i % 200);
		bes->be[i].port = htons(8080);
		bes->be[i].flags = s[i].flags;
		bes->be[i].weight = s[i].weight ?: 1;
		bes->be[i].node = ksvc_node_get(s[i].node ?: "node-1");
		KUNIT_ASSERT_FALSE(test, IS_ERR(bes->be[i].node));
	}
	KUNIT_ASSERT_EQ(test, ksvc_beset_sort(bes, NULL), 0);
	KUNIT_ASSERT_EQ(test, ksvc_beset_prepare(bes, "node-1", maglev, prev), 0);
	return bes;
}

/* How often each backend is chosen over @rounds random picks. */
static void tally(const struct ksvc_beset *bes, bool local, int rounds,
		  int *hits)
{
	int r;

	for (r = 0; r < rounds; r++) {
		const struct ksvc_backend *be = ksvc_select(bes, local, AF_INET, r);

		if (be)
			hits[be - bes->be]++;
	}
}

static void ksvc_select_test(struct kunit *test)
{
	static const struct spec s[] = {
		{ RDY | SRV }, { SRV | TRM }, { 0 }, { RDY | SRV, 1, "node-2" },
	};
	struct ksvc_beset *bes = mkset(test, s, 4, false, NULL);
	int hits[4] = {};

	/* Ready ones only: 0 and 3, never the terminating or the not-ready. */
	tally(bes, false, 400, hits);
	KUNIT_EXPECT_GT(test, hits[0], 100);
	KUNIT_EXPECT_GT(test, hits[3], 100);
	KUNIT_EXPECT_EQ(test, hits[1] + hits[2], 0);
	/* This node only: 0. */
	memset(hits, 0, sizeof(hits));
	tally(bes, true, 100, hits);
	KUNIT_EXPECT_EQ(test, hits[0], 100);
	ksvc_beset_free(bes);
}

/* No ready backend: serving-and-terminating ones take over (KEP-1669). */
static void ksvc_select_fallback_test(struct kunit *test)
{
	static const struct spec s[] = {
		{ SRV | TRM }, { TRM }, { 0 },
	};
	struct ksvc_beset *bes = mkset(test, s, 3, false, NULL);
	int hits[3] = {};

	tally(bes, false, 100, hits);
	KUNIT_EXPECT_EQ(test, hits[0], 100);
	ksvc_beset_free(bes);

	bes = mkset(test, &s[1], 2, false, NULL);
	KUNIT_EXPECT_NULL(test, ksvc_select(bes, false, AF_INET, 0));
	ksvc_beset_free(bes);
	KUNIT_EXPECT_NULL(test, ksvc_select(NULL, false, AF_INET, 0));
}

static void ksvc_select_weight_test(struct kunit *test)
{
	static const struct spec s[] = { { RDY, 1 }, { RDY, 3 } };
	struct ksvc_beset *bes = mkset(test, s, 2, false, NULL);
	int hits[2] = {};

	tally(bes, false, 4000, hits);
	/* Expect 1000 : 3000; five sigma is about 140. */
	KUNIT_EXPECT_GT(test, hits[0], 850);
	KUNIT_EXPECT_LT(test, hits[0], 1150);
	ksvc_beset_free(bes);
}

static void ksvc_maglev_size_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, ksvc_maglev_size(3), 401U);
	KUNIT_EXPECT_EQ(test, ksvc_maglev_size(9), 1601U);
	KUNIT_EXPECT_EQ(test, ksvc_maglev_size(10), 1601U);
	KUNIT_EXPECT_EQ(test, ksvc_maglev_size(0), 101U);
}

#define NBE	10
#define FLOWS	20000

/* Flows that were not on a removed backend but moved anyway. */
static int moved(struct kunit *test, const struct ksvc_beset *a,
		 const struct ksvc_beset *b, int *hits)
{
	int f, n = 0;

	for (f = 0; f < FLOWS; f++) {
		u32 h = f * 2654435761U;
		const struct ksvc_backend *x = ksvc_select(a, false, AF_INET, h);
		const struct ksvc_backend *y = ksvc_select(b, false, AF_INET, h);
		const struct ksvc_backend *xb;

		KUNIT_ASSERT_PTR_EQ(test, x, ksvc_select(a, false, AF_INET, h));
		if (hits)
			hits[x - a->be]++;
		xb = ksvc_beset_find(b, x->family, &x->addr, x->port);
		if (xb && ksvc_selectable(b, false, xb) &&
		    !nf_inet_addr_cmp(&x->addr, &y->addr))
			n++;
	}
	return n;
}

/*
 * Maglev: flows spread evenly, the same flow always lands on the same
 * backend, and losing one of N backends (not ready, or gone from the set)
 * moves only its own flows plus a few.
 */
static void ksvc_select_maglev_test(struct kunit *test)
{
	struct spec s[NBE];
	struct ksvc_beset *a, *b, *c;
	int hits[NBE] = {}, i;

	for (i = 0; i < NBE; i++)
		s[i] = (struct spec){ RDY };
	a = mkset(test, s, NBE, true, NULL);
	KUNIT_ASSERT_NE(test, a->sel[KSVC_SEL_READY].m, 0U);
	s[4].flags = 0;			/* backend 4 no longer ready */
	b = mkset(test, s, NBE, true, a);
	c = mkset(test, s, NBE - 1, true, a);	/* the last one gone */
	KUNIT_EXPECT_LT(test, moved(test, a, b, hits), FLOWS / 20);
	KUNIT_EXPECT_LT(test, moved(test, a, c, NULL), FLOWS / 20);
	for (i = 0; i < NBE; i++)	/* 2000 each, within 15% */
		KUNIT_EXPECT_GT(test, hits[i], 1700);
	ksvc_beset_free(a);
	ksvc_beset_free(b);
	ksvc_beset_free(c);

	/* Three backends down to two: the case small services meet. */
	a = mkset(test, s, 3, true, NULL);
	b = mkset(test, s, 2, true, a);
	KUNIT_EXPECT_EQ(test, a->sel[KSVC_SEL_READY].m, b->sel[KSVC_SEL_READY].m);
	KUNIT_EXPECT_LT(test, moved(test, a, b, NULL), FLOWS / 20);
	ksvc_beset_free(a);
	ksvc_beset_free(b);
}

/*
 * A dual-stack set: flows of each family choose only among backends of
 * their family, with each scheduler, and fall back per family.
 */
static void ksvc_select_family_test(struct kunit *test)
{
	static const u16 weights[] = { 1, 1, 2, 1 };
	int sched, h, hits[4];

	for (sched = 0; sched < 3; sched++) {
		struct ksvc_beset *bes = ksvc_beset_alloc(4);
		int i;

		KUNIT_ASSERT_NOT_NULL(test, bes);
		for (i = 0; i < 4; i++) {
			bes->be[i].family = i < 2 ? AF_INET6 : AF_INET;
			bes->be[i].addr.ip = IP(10, 244, 0, 1 + i);
			bes->be[i].port = htons(8080);
			/* IPv6: none ready, both terminating; IPv4: ready */
			bes->be[i].flags = i < 2 ? SRV | TRM : RDY;
			bes->be[i].weight = sched == 1 ? weights[i] : 1;
		}
		KUNIT_ASSERT_EQ(test, ksvc_beset_sort(bes, NULL), 0);
		KUNIT_ASSERT_EQ(test, bes->be[0].family, AF_INET);
		KUNIT_ASSERT_EQ(test, ksvc_beset_prepare(bes, "", sched == 2,
							 NULL), 0);
		memset(hits, 0, sizeof(hits));
		for (h = 0; h < 400; h++) {
			const struct ksvc_backend *v4, *v6;

			v4 = ksvc_select(bes, false, AF_INET, h);
			v6 = ksvc_select(bes, false, AF_INET6, h);
			KUNIT_ASSERT_NOT_NULL(test, v4);
			KUNIT_ASSERT_NOT_NULL(test, v6);
			KUNIT_EXPECT_EQ(test, v4->family, AF_INET);
			KUNIT_EXPECT_EQ(test, v6->family, AF_INET6);
			if (sched == 2)
				KUNIT_EXPECT_PTR_EQ(test, v6,
					ksvc_select(bes, false, AF_INET6, h));
			hits[v4 - bes->be]++;
			hits[v6 - bes->be]++;
		}
		/* IPv6 flows fall back to its terminating ones, IPv4 do not */
		for (i = 0; i < 4; i++)
			KUNIT_EXPECT_GT(test, hits[i], 50);
		ksvc_beset_free(bes);
	}
}

static struct kunit_case ksvc_select_cases[] = {
	KUNIT_CASE(ksvc_select_test),
	KUNIT_CASE(ksvc_select_fallback_test),
	KUNIT_CASE(ksvc_select_weight_test),
	KUNIT_CASE(ksvc_maglev_size_test),
	KUNIT_CASE(ksvc_select_maglev_test),
	KUNIT_CASE(ksvc_select_family_test),
	{}
};

static struct kunit_suite ksvc_select_suite = {
	.name = "ksvc_select",
	.test_cases = ksvc_select_cases,
};

kunit_test_suite(ksvc_select_suite);
