// SPDX-License-Identifier: GPL-2.0
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/socket.h>
#include <net/netlink.h>
#include "backends.h"
#include "compat.h"
#include "node.h"
#include "select.h"

struct ksvc_beset *ksvc_beset_alloc(u32 n)
{
	struct ksvc_beset *bes;
	u32 i;

	/* The sizes table.h gives: a set of one backend fits kmalloc-128. */
	BUILD_BUG_ON(sizeof(struct ksvc_backend) != 48);
	BUILD_BUG_ON(sizeof(*bes) + sizeof(bes->be[0]) > 128);
	bes = kvzalloc(struct_size(bes, be, n), GFP_KERNEL_ACCOUNT);
	if (!bes)
		return NULL;
	bes->n = n;
	for (i = 0; i < n; i++) {
		bes->be[i].weight = 1;
		bes->be[i].stats = ksvc_stats_alloc(&bes->be[i].stats_id);
		if (!bes->be[i].stats) {
			ksvc_beset_free(bes);
			return NULL;
		}
	}
	return bes;
}

/* Only for a set no reader can reach any more. */
void ksvc_beset_free(struct ksvc_beset *bes)
{
	u32 i;

	if (!bes)
		return;
	for (i = 0; i < bes->n; i++) {
		if (!bes->be[i].moved)
			ksvc_stats_free(bes->be[i].stats, bes->be[i].stats_id);
		ksvc_node_put(bes->be[i].node);
	}
	ksvc_beset_unprepare(bes);
	kvfree(bes);
}

/* A copy of @old's backends with fresh counters, not yet prepared. */
struct ksvc_beset *ksvc_beset_clone(const struct ksvc_beset *old)
{
	struct ksvc_beset *bes = ksvc_beset_alloc(old ? old->n : 0);
	u32 i;

	for (i = 0; bes && i < bes->n; i++) {
		struct ksvc_stats __percpu *stats = bes->be[i].stats;
		u32 id = bes->be[i].stats_id;

		bes->be[i] = old->be[i];
		bes->be[i].stats = stats;
		bes->be[i].stats_id = id;
		bes->be[i].moved = false;
		ksvc_node_hold(bes->be[i].node);
	}
	return bes;
}

/*
 * Drop the backends of the families not in @fams (bit 0: IPv4, bit 1:
 * IPv6) from a set no reader has seen yet.
 */
void ksvc_beset_keep_families(struct ksvc_beset *bes, unsigned int fams)
{
	u32 i, k = 0;

	for (i = 0; bes && i < bes->n; i++) {
		struct ksvc_backend *be = &bes->be[i];

		if (fams & BIT(be->family == AF_INET6)) {
			bes->be[k++] = *be;
			continue;
		}
		ksvc_stats_free(be->stats, be->stats_id);
		ksvc_node_put(be->node);
	}
	if (bes)
		bes->n = k;
}

static int cmp(const struct ksvc_backend *a, const struct ksvc_backend *b)
{
	int r = (int)a->family - (int)b->family;

	if (r)
		return r;
	r = memcmp(&a->addr, &b->addr, sizeof(a->addr));
	if (r)
		return r;
	return (int)ntohs(a->port) - (int)ntohs(b->port);
}

static int cmp_sort(const void *a, const void *b)
{
	return cmp(a, b);
}

/* Binary search of a sorted set. */
const struct ksvc_backend *ksvc_beset_find(const struct ksvc_beset *bes,
					   u8 family,
					   const union nf_inet_addr *addr,
					   __be16 port)
{
	struct ksvc_backend key = { .family = family, .addr = *addr,
				    .port = port };
	u32 lo = 0, hi = bes ? bes->n : 0;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;
		int r = cmp(&bes->be[mid], &key);

		if (!r)
			return &bes->be[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Strictly increasing: sorted, and no backend twice. */
static bool ordered(const struct ksvc_beset *bes)
{
	u32 i;

	for (i = 1; i < bes->n; i++)
		if (cmp(&bes->be[i - 1], &bes->be[i]) >= 0)
			return false;
	return true;
}

/*
 * ksvcctl sends each set in this order (resolve.c keeps it so): one pass
 * then finds it sorted and without duplicates, instead of sort()'s
 * indirect comparisons.  Other senders' sets get sorted.
 */
int ksvc_beset_sort(struct ksvc_beset *bes, struct netlink_ext_ack *extack)
{
	u32 i;

	if (ordered(bes))
		return 0;
	sort(bes->be, bes->n, sizeof(bes->be[0]), cmp_sort, NULL);
	for (i = 1; i < bes->n; i++) {
		const struct ksvc_backend *b = &bes->be[i];

		if (cmp(b - 1, b))
			continue;
		if (b->family == AF_INET)
			ksvc_errmsg(extack, "duplicate backend %pI4:%u",
				    &b->addr.ip, ntohs(b->port));
		else
			ksvc_errmsg(extack, "duplicate backend [%pI6c]:%u",
				    &b->addr.in6, ntohs(b->port));
		return -EINVAL;
	}
	return 0;
}

/*
 * Give each backend of @bes that is also in @old the counters it had
 * there; @undo gives them back.  Fresh counters of @bes were never seen by
 * a reader yet, so they are freed at once.
 */
void ksvc_beset_carry(struct ksvc_beset *old, struct ksvc_beset *bes,
		      bool undo)
{
	u32 i = 0, j = 0;

	if (!old || !bes)
		return;
	while (i < old->n && j < bes->n) {
		struct ksvc_backend *o = &old->be[i], *b = &bes->be[j];
		int r = cmp(o, b);

		if (r < 0) {
			i++;
			continue;
		}
		if (r > 0) {
			j++;
			continue;
		}
		if (!undo && !o->moved) {
			ksvc_stats_free(b->stats, b->stats_id);
			b->stats = o->stats;
			b->stats_id = o->stats_id;
			o->moved = true;
		} else if (undo && o->moved && b->stats == o->stats) {
			b->stats = NULL;
			o->moved = false;
		}
		i++;
		j++;
	}
}

/*
 * Add to @sum what the backends of @old that no newer set took had
 * counted: they leave, and their port keeps their counts.
 */
void ksvc_beset_gone(const struct ksvc_beset *old, struct ksvc_stats_sum *sum)
{
	struct ksvc_stats_sum s;
	u32 i;

	for (i = 0; old && i < old->n; i++) {
		if (old->be[i].moved)
			continue;
		ksvc_stats_read(old->be[i].stats, &s);
		ksvc_stats_sum_add(sum, &s);
	}
}

/* A port's totals: its backends', and those of the backends it lost. */
void ksvc_port_stats(const struct ksvc_port *p, const struct ksvc_beset *bes,
		     struct ksvc_stats_sum *sum)
{
	struct ksvc_stats_sum s;
	u32 i;

	*sum = p->gone;
	for (i = 0; bes && i < bes->n; i++) {
		ksvc_stats_read(bes->be[i].stats, &s);
		ksvc_stats_sum_add(sum, &s);
	}
}
