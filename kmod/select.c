// SPDX-License-Identifier: GPL-2.0
#include <linux/jhash.h>
#include <linux/log2.h>
#include <linux/random.h>
#include <linux/slab.h>
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
	bool local = node[0] && !strcmp(be->node, node);

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

/* Fill a Maglev table: each backend claims slots in its own permutation. */
static void maglev_fill(struct ksvc_sel *s, const struct ksvc_backend *be,
			u32 *next)
{
	u32 filled = 0, i, w;

	memset(s->maglev, 0xff, s->m * sizeof(*s->maglev));
	memset(next, 0, s->n * sizeof(*next));
	while (filled < s->m) {
		for (i = 0; i < s->n && filled < s->m; i++) {
			const struct ksvc_backend *b = &be[s->idx[i]];
			u32 h = jhash(&b->addr, sizeof(b->addr), ntohs(b->port));
			u32 off = h % s->m;
			u32 skip = jhash_1word(h, 0x6d61676c) % (s->m - 1) + 1;

			for (w = 0; w < b->weight && filled < s->m; w++) {
				u32 c;

				do {
					c = (off + (u64)next[i]++ * skip) % s->m;
				} while (s->maglev[c] != MAGLEV_EMPTY);
				s->maglev[c] = i;
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

static size_t list_bytes(u32 n, bool maglev, u32 m)
{
	return n * 2 * sizeof(u32) + (use_maglev(n, maglev) ? m * sizeof(u16) : 0);
}

static void fill_list(struct ksvc_beset *bes, int list, const char *node,
		      void **mem, bool maglev, u32 m)
{
	struct ksvc_sel *s = &bes->sel[list];
	bool weighted = false;
	u32 i;

	s->idx = *mem;
	s->cum = s->idx + s->n;
	s->n = 0;
	for (i = 0; i < bes->n; i++) {
		if (!in_list(&bes->be[i], list, node))
			continue;
		bes->be[i].lists |= BIT(list);
		s->total += bes->be[i].weight;
		weighted |= bes->be[i].weight != 1;
		s->idx[s->n] = i;
		s->cum[s->n++] = s->total;
	}
	*mem = s->cum + s->n;
	if (!weighted)
		s->cum = NULL;
	if (use_maglev(s->n, maglev)) {
		s->m = m;
		s->maglev = *mem;
		*mem = s->maglev + s->m;
	}
}

/*
 * Build the candidate lists of @bes for this node, and Maglev tables if
 * asked, sized like those of @prev, the set @bes replaces.
 */
int ksvc_beset_prepare(struct ksvc_beset *bes, const char *node, bool maglev,
		       const struct ksvc_beset *prev)
{
	u32 m[KSVC_SEL_N];
	size_t bytes = 0;
	void *mem;
	u32 *next;
	int l, i;

	memset(bes->sel, 0, sizeof(bes->sel));
	for (i = 0; i < bes->n; i++)
		bes->be[i].lists = 0;
	for (l = 0; l < KSVC_SEL_N; l++) {
		for (i = 0; i < bes->n; i++)
			bes->sel[l].n += in_list(&bes->be[i], l, node);
		m[l] = maglev_size(bes->sel[l].n, prev, l);
		bytes += list_bytes(bes->sel[l].n, maglev, m[l]);
	}
	mem = kvzalloc(bytes ?: 1, GFP_KERNEL_ACCOUNT);
	next = maglev ? kcalloc(bes->n ?: 1, sizeof(*next), GFP_KERNEL) : NULL;
	if (!mem || (maglev && !next)) {
		kvfree(mem);
		kfree(next);
		return -ENOMEM;
	}
	bes->mem = mem;
	for (l = 0; l < KSVC_SEL_N; l++) {
		fill_list(bes, l, node, &mem, maglev, m[l]);
		if (bes->sel[l].maglev)
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

static u32 pick_weighted(const struct ksvc_sel *s, u32 r)
{
	u32 lo = 0, hi = s->n - 1;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (s->cum[mid] > r)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* The list a new connection chooses from, or NULL when it is empty. */
static const struct ksvc_sel *list_of(const struct ksvc_beset *bes,
				      bool local)
{
	const struct ksvc_sel *s;

	if (!bes)
		return NULL;
	s = &bes->sel[local ? KSVC_SEL_LOCAL_READY : KSVC_SEL_READY];
	if (!s->n)
		s++;
	return s->n ? s : NULL;
}

/* Would ksvc_select() consider @be now?  (Session affinity asks.) */
bool ksvc_selectable(const struct ksvc_beset *bes, bool local,
		     const struct ksvc_backend *be)
{
	const struct ksvc_sel *s = list_of(bes, local);

	return s && (be->lists & BIT(s - bes->sel));
}

/*
 * Packet path.  Ready backends first, else serving-and-terminating ones;
 * @local limits both to this node.  @hash identifies the flow for Maglev.
 */
const struct ksvc_backend *ksvc_select(const struct ksvc_beset *bes,
				       bool local, u32 hash)
{
	const struct ksvc_sel *s = list_of(bes, local);
	u32 i;

	if (!s)
		return NULL;
	if (s->maglev)
		i = s->maglev[hash % s->m];
	else if (s->cum)
		i = pick_weighted(s, reciprocal_scale(get_random_u32(), s->total));
	else
		i = reciprocal_scale(get_random_u32(), s->n);
	return &bes->be[s->idx[i]];
}
