/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSVC_STATS_H
#define _KSVC_STATS_H

#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>

/* Per-CPU so the packet path never shares a cache line between CPUs. */
struct ksvc_stats {
	u64_stats_t conns;
	u64_stats_t packets;
	u64_stats_t bytes;
	struct u64_stats_sync syncp;
};

struct ksvc_stats_sum {
	u64 conns, packets, bytes;
};

struct ksvc_stats __percpu *ksvc_stats_alloc(u32 *id);
void ksvc_stats_free(struct ksvc_stats __percpu *s, u32 id);
u32 ksvc_stats_chunks(void);
void ksvc_stats_add(struct ksvc_stats __percpu *s, u64 conns, u64 bytes);
void ksvc_stats_read(struct ksvc_stats __percpu *s, struct ksvc_stats_sum *sum);
void ksvc_stats_sum_add(struct ksvc_stats_sum *to,
			const struct ksvc_stats_sum *s);

#endif
