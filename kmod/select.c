// SPDX-License-Identifier: GPL-2.0
#include <linux/jhash.h>
#include <linux/log2.h>
#include <linux/random.h>
#include <linux/slab.h>
#include "node.h"
#include "select.h"

#define MAGLEV_EMPTY	0xffff

static bool is_prime(u32 m)
{
	u32 d;

	for (d = 2; d * d <= m; d++)
		if (m % d == 0)
			return false;
	return m >= 2;
}

/*
 * A prime of at least 100 entries per backend (about 1% imbalance), in
 * steps of powers of two.
 */
u32 ksvc_maglev_size(u32 n)
{
	u32 m = 100 * roundup_pow_of_two(max_t(u32, n, 1));

	while (!is_prime(m))
		m++;
	return m;
}

static bool in_list(const struct ksvc_backend *be, int list, const char *node)
{
	bool ready = be->flags & KSVC_BE_F_READY;
	bool fallback = !ready && (be->flags & KSVC_BE_F_SERVING) &&
			(be->flags & KSVC_BE_F_TERMINATING);
	bool local = node[0] && !strcmp(ksvc_node_name(be->node), node);

	switch (list) {
	case KSVC_SEL_READY:
		return ready;
	case KSVC_SEL_FALLBACK:
		return fallback;
	case KSVC_SEL_LOCAL_READY:
		return ready && local;
	default:
		return fallback && local;
	}
}

static u32 *idx_of(const struct ksvc_sel *s)
{
	const struct ksvc_beset *bes =
		container_of(s - s->list, struct ksvc_beset, sel[0]);

	return bes->mem + s->off;
}

static u32 *cum_of(const struct ksvc_sel *s)
{
	return idx_of(s) + (s->ident ? 0 : s->n);
}

static u16 *maglev_of(const struct ksvc_sel *s)
{
	return (u16 *)(cum_of(s) + (s->weighted ? s->n : 0));
}

/* Position @i of list @s to an index into be[]. */
static u32 member(const struct ksvc_sel *s, u32 i)
{
	return s->ident ? i : idx_of(s)[i];
}

/* Fill a Maglev table: each backend claims slots in its own permutation. */
static void maglev_fill(struct ksvc_sel *s, const struct ksvc_backend *be,
			u32 *next)
{
	u16 *table = maglev_of(s);
	u32 filled = 0, i, w;

	/* Bytes of 0xff make each slot MAGLEV_EMPTY. */
	BUILD_BUG_ON(MAGLEV_EMPTY != U16_MAX);
	memset(table, 0xff, s->m * sizeof(*table));
	memset(next, 0, s->n * sizeof(*next));
	while (filled < s->m) {
		for (i = 0; i < s->n && filled < s->m; i++) {
			const struct ksvc_backend *b = &be[member(s, i)];
			u32 h = jhash(&b->addr, sizeof(b->addr), ntohs(b->port));
			u32 off = h % s->m;
			u32 skip = jhash_1word(h, 0x6d61676c) % (s->m - 1) + 1;

			for (w = 0; w < b->weight && filled < s->m; w++) {
				u32 c;

				do {
					c = (off + (u64)next[i]++ * skip) % s->m;
				} while (table[c] != MAGLEV_EMPTY);
				table[c] = i;
				filled++;
			}
		}
	}
}

/* Maglev positions are u16; larger lists fall back to random. */
static bool use_maglev(u32 n, bool maglev)
{
	return maglev && n && n < MAGLEV_EMPTY;
}

/*
 * A new table size remaps every flow, so a list keeps the size of the set
 * it replaces while that still gives 100 to 400 entries per backend.
 */
static u32 maglev_size(u32 n, const struct ksvc_beset *prev, int list)
{
	u32 m = prev ? prev->sel[list].m : 0;

	if (m >= 100 * n && m <= 400 * n)
		return m;
	return ksvc_maglev_size(n);
}

/* Rounded up: the next list's u32 arrays follow an odd number of u16. */
static size_t list_bytes(const struct ksvc_sel *s, bool maglev, u32 m)
{
	return ALIGN(s->n * ((s->ident ? 0 : 1) + (s->weighted ? 1 : 0)) *
		     sizeof(u32) +
		     (use_maglev(s->n, maglev) ? m * sizeof(u16) : 0),
		     sizeof(u32));
}

/* Count the members of each list: their arrays are allocated at once. */
static void count_lists(struct ksvc_beset *bes, const char *node)
{
	u32 i;
	int l;

	/* A list's bit in be->lists, and its index in the 2 bits of ->list. */
	BUILD_BUG_ON(KSVC_SEL_N > 8 * sizeof_field(struct ksvc_backend, lists));
	BUILD_BUG_ON(KSVC_SEL_N > 4);
	memset(bes->sel, 0, sizeof(bes->sel));
	for (l = 0; l < KSVC_SEL_N; l++) {
		bes->sel[l].ident = true;
		bes->sel[l].list = l;
	}
	for (i = 0; i < bes->n; i++) {
		struct ksvc_backend *be = &bes->be[i];

		be->lists = 0;
		for (l = 0; l < KSVC_SEL_N; l++) {
			if (!in_list(be, l, node))
				continue;
			be->lists |= BIT(l);
			if (bes->sel[l].n++ != i)
				bes->sel[l].ident = false;
			bes->sel[l].n4 += be->family == AF_INET;
			if (be->weight != 1)
				bes->sel[l].weighted = true;
		}
	}
}

static void fill_list(struct ksvc_beset *bes, int list, size_t *off,
		      bool maglev, u32 m)
{
	struct ksvc_sel *s = &bes->sel[list];
	u32 i, k = 0, total = 0;

	s->off = *off;
	for (i = 0; i < bes->n; i++) {
		if (!(bes->be[i].lists & BIT(list)))
			continue;
		total += bes->be[i].weight;
		if (s->weighted)
			cum_of(s)[k] = total;
		if (!s->ident)
			idx_of(s)[k] = i;
		k++;
	}
	if (use_maglev(s->n, maglev))
		s->m = m;
	*off += list_bytes(s, maglev, m);
}

/*
 * Build the candidate lists of @bes for this node, and Maglev tables if
 * asked, sized like those of @prev, the set @bes replaces.  The arrays of
 * every list share one allocation, bes->mem.
 */
int ksvc_beset_prepare(struct ksvc_beset *bes, const char *node, bool maglev,
		       const struct ksvc_beset *prev)
{
	u32 m[KSVC_SEL_N];
	size_t bytes = 0, off = 0;
	void *mem;
	u32 *next;
	int l;

	count_lists(bes, node);
	for (l = 0; l < KSVC_SEL_N; l++) {
		m[l] = maglev_size(bes->sel[l].n, prev, l);
		bytes += list_bytes(&bes->sel[l], maglev, m[l]);
	}
	/* The usual set, whole lists of weight 1, needs no arrays at all. */
	mem = bytes ? kvzalloc(bytes, GFP_KERNEL_ACCOUNT) : NULL;
	next = maglev ? kcalloc(bes->n ?: 1, sizeof(*next), GFP_KERNEL) : NULL;
	if ((bytes && !mem) || (maglev && !next)) {
		kvfree(mem);
		kfree(next);
		memset(bes->sel, 0, sizeof(bes->sel));
		return -ENOMEM;
	}
	bes->mem = mem;
	for (l = 0; l < KSVC_SEL_N; l++) {
		fill_list(bes, l, &off, maglev, m[l]);
		if (bes->sel[l].m)
			maglev_fill(&bes->sel[l], bes->be, next);
	}
	kfree(next);
	return 0;
}

void ksvc_beset_unprepare(struct ksvc_beset *bes)
{
	kvfree(bes->mem);
	bes->mem = NULL;
	memset(bes->sel, 0, sizeof(bes->sel));
}

/* The members of list @s of @family: positions [*lo, *hi). */
static bool range_of(const struct ksvc_sel *s, u8 family, u32 *lo, u32 *hi)
{
	*lo = family == AF_INET6 ? s->n4 : 0;
	*hi = family == AF_INET6 ? s->n : s->n4;
	return *lo < *hi;
}

/* The first position in [lo, hi) whose running weight sum exceeds @r. */
static u32 pick_weighted(const struct ksvc_sel *s, u32 lo, u32 hi, u32 r)
{
	const u32 *cum = cum_of(s);

	hi--;
	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (cum[mid] > r)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/*
 * The list a new connection of @family chooses from, or NULL when it has
 * none of that family.
 */
static const struct ksvc_sel *list_of(const struct ksvc_beset *bes,
				      bool local, u8 family)
{
	const struct ksvc_sel *s;
	u32 lo, hi;

	if (!bes)
		return NULL;
	s = &bes->sel[local ? KSVC_SEL_LOCAL_READY : KSVC_SEL_READY];
	if (range_of(s, family, &lo, &hi))
		return s;
	/* Its fallback list, next in sel[] (table.h). */
	BUILD_BUG_ON(KSVC_SEL_FALLBACK - KSVC_SEL_READY != 1 ||
		     KSVC_SEL_LOCAL_FALLBACK - KSVC_SEL_LOCAL_READY != 1);
	s++;
	return range_of(s, family, &lo, &hi) ? s : NULL;
}

/* Would ksvc_select() consider @be now?  (Session affinity asks.) */
bool ksvc_selectable(const struct ksvc_beset *bes, bool local,
		     const struct ksvc_backend *be)
{
	const struct ksvc_sel *s = list_of(bes, local, be->family);

	return s && (be->lists & BIT(s - bes->sel));
}

/*
 * A Maglev slot holds a member of either family; a flow of the other one
 * takes the next slot of its own, so its choice is just as stable.
 */
static u32 pick_maglev(const struct ksvc_sel *s, u32 lo, u32 hi, u32 hash)
{
	const u16 *table = maglev_of(s);
	u32 k = hash % s->m, i = table[k];

	while (i < lo || i >= hi) {
		k = k + 1 < s->m ? k + 1 : 0;
		i = table[k];
	}
	return i;
}

/*
 * Packet path.  Ready backends first, else serving-and-terminating ones,
 * of the connection's @family; @local limits both to this node.  @hash
 * identifies the flow for Maglev.
 */
const struct ksvc_backend *ksvc_select(const struct ksvc_beset *bes,
				       bool local, u8 family, u32 hash)
{
	const struct ksvc_sel *s = list_of(bes, local, family);
	u32 i, lo, hi, base;

	if (!s)
		return NULL;
	range_of(s, family, &lo, &hi);
	if (s->m) {
		i = pick_maglev(s, lo, hi, hash);
	} else if (s->weighted) {
		base = lo ? cum_of(s)[lo - 1] : 0;
		i = pick_weighted(s, lo, hi, base + reciprocal_scale(
				  get_random_u32(), cum_of(s)[hi - 1] - base));
	} else {
		i = lo + reciprocal_scale(get_random_u32(), hi - lo);
	}
	return &bes->be[member(s, i)];
}
