/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Just enough of the kernel, in userspace, to compile the module's netlink
 * policies and parsers (kmod/netlink.c, nl_svc.c, and backends.c and
 * node.c which build what they return) and the kernel's own lib/nlattr.c
 * unchanged.  Every <linux/...> header those files include that is not a
 * netlink header is one line that includes this file; the netlink headers
 * themselves are the kernel's (copied by kernel-src.sh).
 *
 * One thread.  What the kernel would report as a bug (WARN, BUG, a lock
 * assertion, a suspicious RCU dereference, a refcount going wrong) calls
 * kshim_bug(), which aborts so that libFuzzer keeps the input.
 * Allocations can be made to fail (kshim_fail_at).
 */
#ifndef _KSHIM_H
#define _KSHIM_H

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/types.h>	/* the shim: uapi types plus u8..s64 */

/* Forward declarations the kernel's netlink headers expect to exist. */
struct file;
struct module;
struct notifier_block;
struct user_namespace;

/* ---- compiler ---- */
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#define __noreturn		__attribute__((noreturn))
#define __aligned(x)		__attribute__((aligned(x)))
#define fallthrough		__attribute__((__fallthrough__))
#define __ro_after_init
#define __rcu
#define __percpu
#define unlikely(x)		__builtin_expect(!!(x), 0)

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define BUILD_BUG_ON_ZERO(e)	((int)(sizeof(struct { int:(-!!(e)); })))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define BIT(n)			(1UL << (n))
#define IS_ALIGNED(x, a)	(((x) & ((typeof(x))(a) - 1)) == 0)

#define U8_MAX		((u8)~0U)
#define S8_MAX		((s8)(U8_MAX >> 1))
#define S8_MIN		((s8)(-S8_MAX - 1))
#define U16_MAX		((u16)~0U)
#define S16_MAX		((s16)(U16_MAX >> 1))
#define S16_MIN		((s16)(-S16_MAX - 1))
#define U32_MAX		((u32)~0U)
#define S32_MAX		((s32)(U32_MAX >> 1))
#define S32_MIN		((s32)(-S32_MAX - 1))
#define U64_MAX		((u64)~0ULL)
#define S64_MAX		((s64)(U64_MAX >> 1))
#define S64_MIN		((s64)(-S64_MAX - 1))

#define max(a, b)	({ typeof(a) _a = (a); typeof(b) _b = (b); _a > _b ? _a : _b; })
#define min_t(t, a, b)	({ t _a = (a); t _b = (b); _a < _b ? _a : _b; })

/* linux/overflow.h: a size that overflows saturates, so its allocation fails. */
static inline size_t kshim_mul(size_t a, size_t b)
{
	size_t r;

	return __builtin_mul_overflow(a, b, &r) ? SIZE_MAX : r;
}

static inline size_t kshim_add(size_t a, size_t b)
{
	size_t r;

	return __builtin_add_overflow(a, b, &r) ? SIZE_MAX : r;
}

#define struct_size(p, member, n) \
	kshim_add(sizeof(*(p)), kshim_mul(n, sizeof(*(p)->member)))

/* ---- bugs: WARN, BUG and assertions abort ---- */
void __noreturn kshim_bug(const char *what, const char *file, int line);
#define WARN_ON(c) ({							\
	bool __c = !!(c);						\
	if (unlikely(__c))						\
		kshim_bug("WARN_ON(" #c ")", __FILE__, __LINE__);	\
	__c;								\
})
#define WARN_ON_ONCE(c)		WARN_ON(c)
#define BUG_ON(c)		((void)WARN_ON(c))
#define BUG()			kshim_bug("BUG()", __FILE__, __LINE__)

/* ---- printk: discarded, but formats are still checked ---- */
static inline __printf(1, 2) int kshim_printk(const char *fmt, ...)
{
	(void)fmt;
	return 0;
}

#define pr_warn_ratelimited(fmt, ...)	kshim_printk(fmt, ##__VA_ARGS__)

/* lib/nlattr.c names the task in its warnings. */
struct task_struct {
	char comm[16];
};
extern struct task_struct kshim_current;
#define current (&kshim_current)

/* ---- errors ---- */
#define MAX_ERRNO	4095
#define ERR_PTR(e)	((void *)(long)(e))
#define PTR_ERR(p)	((long)(p))
#define IS_ERR(p)	((unsigned long)(p) >= (unsigned long)-MAX_ERRNO)

/* ---- strings, ctype (kernel semantics: unsigned char) ---- */
static inline ssize_t strscpy(char *dst, const char *src, size_t count)
{
	size_t len;

	if (!count)
		return -E2BIG;
	len = strnlen(src, count);
	if (len == count) {
		memcpy(dst, src, count - 1);
		dst[count - 1] = '\0';
		return -E2BIG;
	}
	memcpy(dst, src, len + 1);
	return len;
}

#define islower(c)	((unsigned char)(c) >= 'a' && (unsigned char)(c) <= 'z')
#define isdigit(c)	((unsigned char)(c) >= '0' && (unsigned char)(c) <= '9')

#define array_index_nospec(index, size)	(index)

/* linux/sort.h: the kernel's is a heapsort; any correct sort will do. */
static inline void sort(void *base, size_t num, size_t size,
			int (*cmp)(const void *, const void *),
			void (*swap_fn)(void *, void *, int))
{
	(void)swap_fn;
	if (num)
		qsort(base, num, size, cmp);
}

/* ---- memory: through kshim_alloc(), which can be made to fail ---- */
typedef unsigned int gfp_t;
#define GFP_KERNEL		0x1u
#define __GFP_ACCOUNT		0x8u
#define __GFP_NOWARN		0x10u
#define __GFP_ZERO		0x20u
#define GFP_KERNEL_ACCOUNT	(GFP_KERNEL | __GFP_ACCOUNT)

extern unsigned long kshim_alloc_count;	/* allocations so far */
extern unsigned long kshim_fail_at;	/* fail that one (1-based); 0: none */
extern unsigned long kshim_alloc_failed;	/* failures injected so far */
void *kshim_alloc(size_t size, gfp_t gfp, bool vmalloc);

#define kmalloc(s, g)		kshim_alloc(s, g, false)
#define kzalloc(s, g)		kshim_alloc(s, (g) | __GFP_ZERO, false)
#define kmalloc_array(n, s, g)	kshim_alloc(kshim_mul(n, s), g, false)
#define kcalloc(n, s, g)	kshim_alloc(kshim_mul(n, s), (g) | __GFP_ZERO, false)
#define kvzalloc(s, g)		kshim_alloc(s, (g) | __GFP_ZERO, true)

/* As the kernel's, which allocates nothing for 0 bytes: no failure. */
#define ZERO_SIZE_PTR		((void *)16)

static inline void kfree(const void *p)
{
	if (p != ZERO_SIZE_PTR)
		free((void *)p);
}

#define kvfree(p)		kfree(p)

static inline void *kmemdup(const void *src, size_t len, gfp_t gfp)
{
	void *p = kmalloc(len, gfp);

	return p ? memcpy(p, src, len) : NULL;
}

static inline char *kstrdup(const char *s, gfp_t gfp)
{
	return s ? kmemdup(s, strlen(s) + 1, gfp) : NULL;
}

/* ---- locks: no contention, but holding is tracked and asserted ---- */
struct mutex {
	int held;
};

typedef struct {
	int held;
} spinlock_t;

#define DEFINE_SPINLOCK(l)	spinlock_t l = { 0 }
#define kshim_lock(l)		((void)WARN_ON((l)->held++))
#define kshim_unlock(l)		((void)WARN_ON(--(l)->held))
#define mutex_lock(m)		kshim_lock(m)
#define mutex_unlock(m)		kshim_unlock(m)
#define spin_lock_bh(l)		kshim_lock(l)
#define spin_unlock_bh(l)	kshim_unlock(l)
#define lockdep_assert_held(l)	((void)WARN_ON(!(l)->held))
#define lockdep_is_held(l)	((l)->held)

/* the kernel's compile-time assertion, as C11's */
#define BUILD_BUG_ON(c)		_Static_assert(!(c), #c)

/* ---- RCU: the parsers build what no reader sees yet ---- */
struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};

/* As CONFIG_PROVE_RCU: a dereference without its protection is a splat. */
#define rcu_dereference_protected(p, c)	({ WARN_ON(!(c)); (p); })
#define RCU_INIT_POINTER(p, v)		((p) = (v))

/* ---- atomics (linux/genetlink.h names one), refcounts ---- */
typedef struct {
	int counter;
} atomic_t;

/* As the kernel's: taking 0 to 1 or going below 0 is a use-after-free. */
typedef struct {
	int refs;
} refcount_t;

#define refcount_set(r, n)	((r)->refs = (n))
#define refcount_inc(r)		((void)WARN_ON((r)->refs++ <= 0))
#define refcount_dec_and_test(r) ({ WARN_ON((r)->refs <= 0); --(r)->refs == 0; })

/* ---- lists and hash tables ---- */
struct list_head {
	struct list_head *next, *prev;
};

struct hlist_node {
	struct hlist_node *next, **pprev;
};

struct hlist_head {
	struct hlist_node *first;
};

static inline void hlist_add_head(struct hlist_node *n, struct hlist_head *h)
{
	n->next = h->first;
	if (h->first)
		h->first->pprev = &n->next;
	h->first = n;
	n->pprev = &h->first;
}

static inline void hlist_del_init(struct hlist_node *n)
{
	if (!n->pprev)
		return;
	*n->pprev = n->next;
	if (n->next)
		n->next->pprev = n->pprev;
	n->next = NULL;
	n->pprev = NULL;
}

#define hlist_entry_safe(ptr, type, member) ({			\
	typeof(ptr) ____ptr = (ptr);				\
	____ptr ? container_of(____ptr, type, member) : NULL;	\
})
#define hlist_for_each_entry(pos, head, member)				\
	for (pos = hlist_entry_safe((head)->first, typeof(*(pos)), member); \
	     pos;							\
	     pos = hlist_entry_safe((pos)->member.next, typeof(*(pos)), member))

#define DEFINE_HASHTABLE(name, bits)	struct hlist_head name[1 << (bits)]
#define HASH_SIZE(name)		(ARRAY_SIZE(name))
#define kshim_bucket(name, key)	(&(name)[(u32)(key) % HASH_SIZE(name)])
#define hash_add(name, node, key)	hlist_add_head(node, kshim_bucket(name, key))
#define hash_del(node)			hlist_del_init(node)
#define hash_for_each_possible(name, obj, member, key) \
	hlist_for_each_entry(obj, kshim_bucket(name, key), member)
#define hash_empty(name) ({						\
	bool __e = true;						\
	size_t __i;							\
	for (__i = 0; __i < HASH_SIZE(name); __i++)			\
		__e &= !(name)[__i].first;				\
	__e;								\
})

/* Only the types table.h names: no table is built. */
struct rhash_head {
	struct rhash_head *next;
};

struct rhlist_head {
	struct rhash_head rhead;
	struct rhlist_head *next;
};

struct rhashtable {
	void *tbl;
	unsigned int nelems;
};

struct rhltable {
	struct rhashtable ht;
};

struct xarray {
	void *head;
};

/* ---- hashing ---- */
/* Not the kernel's jhash: nothing here depends on the values. */
static inline u32 jhash(const void *key, u32 length, u32 initval)
{
	const u8 *k = key;
	u32 h = 2166136261u ^ initval;

	while (length--)
		h = (h ^ *k++) * 16777619u;
	return h;
}

/* ---- time: net/netlink.h's nla_{get,put}_msecs() name these ---- */
unsigned int jiffies_to_msecs(const unsigned long j);
unsigned long msecs_to_jiffies(const unsigned int m);

/* ---- per-CPU statistics: the types stats.h names ---- */
typedef struct {
	u64 v;
} u64_stats_t;

struct u64_stats_sync {
	int unused;
};

/* ---- modules ---- */
#define THIS_MODULE	((struct module *)0)
#define EXPORT_SYMBOL(s)	extern typeof(s) s

/* ---- networking ---- */
union nf_inet_addr {
	__u32 all[4];
	__be32 ip;
	__be32 ip6[4];
	struct in_addr in;
	struct in6_addr in6;
};

typedef struct {
	u32 val;
} kuid_t;

typedef struct {
	u32 val;
} kgid_t;

typedef struct {
	int unused;
} wait_queue_head_t;

struct scm_creds {
	u32 pid;
	kuid_t uid;
	kgid_t gid;
};

struct net {
	struct sock *genl_sock;
};

typedef struct {
	struct net *net;
} possible_net_t;

extern struct net init_net;
#define read_pnet(p)		((p)->net)
#define write_pnet(p, n)	((p)->net = (n))

/*
 * x86-64 has efficient unaligned access.  No CONFIG_NET: lib/nlattr.c
 * leaves out what builds messages (nla_put() and the like), which the
 * parsers never call.
 */
#define CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS 1

/* What net/netlink.h's inline functions name: no skb is made here. */
struct sk_buff {
	unsigned int len;
	unsigned char *head, *data;
	unsigned int tail, end;
	void (*destructor)(struct sk_buff *skb);
	char cb[48] __aligned(8);
};

struct sk_buff *alloc_skb(unsigned int size, gfp_t gfp);
void kfree_skb(struct sk_buff *skb);
struct sk_buff *skb_clone(struct sk_buff *skb, gfp_t gfp);
void *skb_put(struct sk_buff *skb, unsigned int len);

static inline bool is_vmalloc_addr(const void *p)
{
	return false;
}

static inline unsigned char *skb_tail_pointer(const struct sk_buff *skb)
{
	return skb->head + skb->tail;
}

static inline int skb_tailroom(const struct sk_buff *skb)
{
	return skb->end - skb->tail;
}

static inline void *__skb_put(struct sk_buff *skb, unsigned int len)
{
	return skb_put(skb, len);
}

static inline void skb_trim(struct sk_buff *skb, unsigned int len)
{
	if (skb->len > len) {
		skb->len = len;
		skb->tail = skb->data - skb->head + len;
	}
}

#endif
