// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU counters, one slot per backend, handed out from chunks of
 * CHUNK_SLOTS slots.  alloc_percpu() for each backend cost a third of
 * programming 10000 services x 10 backends: pcpu_alloc() searches its
 * allocation bitmaps with interrupts off, per call.  A chunk is one such
 * call for 64 backends.
 *
 * A slot is named by its id (chunk id << 6 | index) so that the backend
 * keeps a plain per-CPU pointer for the packet path and a u32 to give
 * the slot back.  Slots come back from RCU callbacks (softirq), so the
 * pool's lock and the chunk xarray's lock are taken with BHs off.
 */
#include <linux/list.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/xarray.h>
#include "stats.h"

#define CHUNK_SHIFT	6
#define CHUNK_SLOTS	(1U << CHUNK_SHIFT)
#define CHUNK_FULL	(~0ULL)

struct chunk {
	struct ksvc_stats __percpu *base;
	u64 used;		/* bit i: slot i is handed out */
	u32 id;
	struct list_head partial;	/* in pool.partial while not full */
};

static struct {
	spinlock_t lock;
	struct list_head partial;	/* chunks with a free slot */
	u32 nchunks;
} pool = {
	.lock = __SPIN_LOCK_UNLOCKED(pool.lock),
	.partial = LIST_HEAD_INIT(pool.partial),
};

static DEFINE_XARRAY_FLAGS(chunks, XA_FLAGS_ALLOC | XA_FLAGS_LOCK_BH);

static void chunk_free(struct chunk *c)
{
	free_percpu(c->base);
	kfree(c);
}

/* Outside the lock: pcpu_alloc() and xa_alloc() may sleep. */
static int grow(void)
{
	struct chunk *c = kzalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);
	int err;

	if (!c)
		return -ENOMEM;
	c->base = __alloc_percpu_gfp(CHUNK_SLOTS * sizeof(struct ksvc_stats),
				     __alignof__(struct ksvc_stats),
				     GFP_KERNEL_ACCOUNT);
	if (!c->base) {
		kfree(c);
		return -ENOMEM;
	}
	err = xa_alloc_bh(&chunks, &c->id, c,
			  XA_LIMIT(0, U32_MAX >> CHUNK_SHIFT), GFP_KERNEL);
	if (err) {
		chunk_free(c);
		return err;
	}
	spin_lock_bh(&pool.lock);
	list_add(&c->partial, &pool.partial);
	WRITE_ONCE(pool.nchunks, pool.nchunks + 1);
	spin_unlock_bh(&pool.lock);
	return 0;
}

/* A free slot of a partial chunk, or NULL when there is none. */
static struct ksvc_stats __percpu *take(u32 *id)
{
	struct chunk *c;
	unsigned int i;

	/* One bit of @used per slot: a full chunk's is CHUNK_FULL. */
	BUILD_BUG_ON(CHUNK_SLOTS != 8 * sizeof_field(struct chunk, used));
	spin_lock_bh(&pool.lock);
	c = list_first_entry_or_null(&pool.partial, struct chunk, partial);
	if (!c) {
		spin_unlock_bh(&pool.lock);
		return NULL;
	}
	i = __ffs64(~c->used);
	c->used |= BIT_ULL(i);
	if (c->used == CHUNK_FULL)
		list_del_init(&c->partial);
	spin_unlock_bh(&pool.lock);
	*id = c->id << CHUNK_SHIFT | i;
	return c->base + i;
}

/* Zeroed counters, and in *@id the slot's name for ksvc_stats_free(). */
struct ksvc_stats __percpu *ksvc_stats_alloc(u32 *id)
{
	struct ksvc_stats __percpu *s;
	int cpu;

	while (!(s = take(id)))
		if (grow())
			return NULL;
	/* A slot given back keeps its counts: clear them here, not there. */
	for_each_possible_cpu(cpu) {
		struct ksvc_stats *st = per_cpu_ptr(s, cpu);

		memset(st, 0, sizeof(*st));
		u64_stats_init(&st->syncp);
	}
	return s;
}

/*
 * Give slot @id (counters @s) back; NULL is nothing.  A chunk whose last
 * slot comes back is freed, so a pool never holds more than its live
 * slots' chunks.
 */
void ksvc_stats_free(struct ksvc_stats __percpu *s, u32 id)
{
	unsigned int i = id & (CHUNK_SLOTS - 1);
	struct chunk *c;
	bool empty;

	if (!s)
		return;
	/* The chunk cannot go away: slot i keeps it. */
	c = xa_load(&chunks, id >> CHUNK_SHIFT);
	if (WARN_ON_ONCE(!c || c->base + i != s))
		return;
	spin_lock_bh(&pool.lock);
	if (WARN_ON_ONCE(!(c->used & BIT_ULL(i)))) {
		spin_unlock_bh(&pool.lock);
		return;
	}
	if (c->used == CHUNK_FULL)
		list_add(&c->partial, &pool.partial);
	c->used &= ~BIT_ULL(i);
	empty = !c->used;
	if (empty) {
		list_del(&c->partial);
		WRITE_ONCE(pool.nchunks, pool.nchunks - 1);
	}
	spin_unlock_bh(&pool.lock);
	if (!empty)
		return;
	xa_erase_bh(&chunks, c->id);
	chunk_free(c);
}

/* Chunks in use, for tests and for the exit check. */
u32 ksvc_stats_chunks(void)
{
	return READ_ONCE(pool.nchunks);
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
