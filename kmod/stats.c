// SPDX-License-Identifier: GPL-2.0
#include <linux/slab.h>
#include "stats.h"

struct ksvc_stats __percpu *ksvc_stats_alloc(void)
{
	struct ksvc_stats __percpu *s;
	int cpu;

	s = alloc_percpu_gfp(struct ksvc_stats, GFP_KERNEL_ACCOUNT);
	if (!s)
		return NULL;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(s, cpu)->syncp);
	return s;
}

void ksvc_stats_free(struct ksvc_stats __percpu *s)
{
	free_percpu(s);
}

/* Packet path: one packet of @bytes, and a new connection if @conns. */
void ksvc_stats_add(struct ksvc_stats __percpu *s, u64 conns, u64 bytes)
{
	struct ksvc_stats *st = get_cpu_ptr(s);

	u64_stats_update_begin(&st->syncp);
	u64_stats_add(&st->conns, conns);
	u64_stats_inc(&st->packets);
	u64_stats_add(&st->bytes, bytes);
	u64_stats_update_end(&st->syncp);
	put_cpu_ptr(s);
}

void ksvc_stats_sum_add(struct ksvc_stats_sum *to,
			const struct ksvc_stats_sum *s)
{
	to->conns += s->conns;
	to->packets += s->packets;
	to->bytes += s->bytes;
}

void ksvc_stats_read(struct ksvc_stats __percpu *s, struct ksvc_stats_sum *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct ksvc_stats *st = per_cpu_ptr(s, cpu);
		u64 c, p, b;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&st->syncp);
			c = u64_stats_read(&st->conns);
			p = u64_stats_read(&st->packets);
			b = u64_stats_read(&st->bytes);
		} while (u64_stats_fetch_retry(&st->syncp, start));
		sum->conns += c;
		sum->packets += p;
		sum->bytes += b;
	}
}
