/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Just enough of the kernel, in userspace, to compile the module's netlink
 * parsing (kmod/nl_*.c, netlink.c and the table code they call) and the
 * kernel's own lib/nlattr.c unchanged.  Every <linux/...> header those
 * files include that is not a netlink header is one line that includes
 * this file; the netlink headers themselves are the kernel's (copied by
 * kernel-src.sh).
 *
 * One thread, no real RCU: call_rcu() and kfree_rcu() free at once, which
 * is stricter than the kernel.  What the kernel would report as a bug
 * (WARN, BUG, a lock assertion, a suspicious RCU dereference, a refcount
 * going wrong) calls kshim_bug(), which aborts so that libFuzzer keeps the
 * input.  Allocations can be made to fail (kshim_fail_at).
 */
#ifndef _KSHIM_H
#define _KSHIM_H

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/types.h>	/* the shim: uapi types plus u8..s64 */

/* Forward declarations the kernel's netlink headers expect to exist. */
struct file;
struct module;
struct net;
struct net_device;
struct notifier_block;
struct sock;
struct user_namespace;

/* ---- compiler ---- */
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#define __noreturn		__attribute__((noreturn))
#define __aligned(x)		__attribute__((aligned(x)))
#define __packed		__attribute__((packed))
#define __maybe_unused		__attribute__((unused))
#define __always_unused		__attribute__((unused))
#define __must_check		__attribute__((warn_unused_result))
#undef __always_inline
#define __always_inline		inline __attribute__((always_inline))
#define noinline		__attribute__((noinline))
#define __cold			__attribute__((cold))
#define fallthrough		__attribute__((__fallthrough__))
#define __init
#define __exit
#define __net_init
#define __net_exit
#define __read_mostly
#define __ro_after_init
#define __rcu
#define __percpu
#define __user
#define __iomem
#define __force
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#define barrier()		__asm__ __volatile__("" ::: "memory")
#define READ_ONCE(x)		(*(const volatile typeof(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile typeof(x) *)&(x) = (v))
#define smp_load_acquire(p)	READ_ONCE(*(p))
#define smp_store_release(p, v)	WRITE_ONCE(*(p), v)
#define smp_rmb()		barrier()
#define smp_wmb()		barrier()
#define smp_mb()		barrier()

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define BUILD_BUG_ON_ZERO(e)	((int)(sizeof(struct { int:(-!!(e)); })))
#define BUILD_BUG_ON(e)		((void)sizeof(char[1 - 2 * !!(e)]))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define sizeof_field(t, m)	sizeof(((t *)0)->m)
#define BIT(n)			(1UL << (n))
#define BIT_ULL(n)		(1ULL << (n))
#define __ffs64(x)		((unsigned int)__builtin_ctzll(x))
#define BITS_PER_LONG		64
#define IS_ALIGNED(x, a)	(((x) & ((typeof(x))(a) - 1)) == 0)
#define ALIGN(x, a)		(((x) + ((typeof(x))(a) - 1)) & ~((typeof(x))(a) - 1))

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

#define min(a, b)	({ typeof(a) _a = (a); typeof(b) _b = (b); _a < _b ? _a : _b; })
#define max(a, b)	({ typeof(a) _a = (a); typeof(b) _b = (b); _a > _b ? _a : _b; })
#define min_t(t, a, b)	({ t _a = (a); t _b = (b); _a < _b ? _a : _b; })
#define max_t(t, a, b)	({ t _a = (a); t _b = (b); _a > _b ? _a : _b; })
#define clamp(v, lo, hi)	min(max(v, lo), hi)
#define swap(a, b)	do { typeof(a) _t = (a); (a) = (b); (b) = _t; } while (0)

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

#define array_size(a, b)	kshim_mul(a, b)
#define size_add(a, b)		kshim_add(a, b)
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
#define WARN(c, ...)		WARN_ON(c)
#define WARN_ONCE(c, ...)	WARN_ON(c)
#define BUG_ON(c)		((void)WARN_ON(c))
#define BUG()			kshim_bug("BUG()", __FILE__, __LINE__)

/* ---- printk: discarded, but formats are still checked ---- */
static inline __printf(1, 2) int kshim_printk(const char *fmt, ...)
{
	(void)fmt;
	return 0;
}

#define printk(fmt, ...)		kshim_printk(fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...)		kshim_printk(fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)		kshim_printk(fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)		kshim_printk(fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...)		kshim_printk(fmt, ##__VA_ARGS__)
#define pr_warn_once(fmt, ...)		kshim_printk(fmt, ##__VA_ARGS__)
#define pr_warn_ratelimited(fmt, ...)	kshim_printk(fmt, ##__VA_ARGS__)

struct mm_struct;
struct task_struct {
	char comm[16];
	struct mm_struct *mm;
};
extern struct task_struct kshim_current;
#define current (&kshim_current)

/* ---- errors ---- */
#define MAX_ERRNO	4095
#define ERR_PTR(e)	((void *)(long)(e))
#define PTR_ERR(p)	((long)(p))
#define IS_ERR(p)	((unsigned long)(p) >= (unsigned long)-MAX_ERRNO)
#define IS_ERR_OR_NULL(p)	(!(p) || IS_ERR(p))
#define ERR_CAST(p)	((void *)(p))

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

#undef islower
#undef isdigit
#undef isupper
#undef isalpha
#undef isalnum
#define islower(c)	((unsigned char)(c) >= 'a' && (unsigned char)(c) <= 'z')
#define isupper(c)	((unsigned char)(c) >= 'A' && (unsigned char)(c) <= 'Z')
#define isdigit(c)	((unsigned char)(c) >= '0' && (unsigned char)(c) <= '9')
#define isalpha(c)	(islower(c) || isupper(c))
#define isalnum(c)	(isalpha(c) || isdigit(c))

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
#define GFP_ATOMIC		0x2u
#define GFP_NOWAIT		0x4u
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
#define kvmalloc(s, g)		kshim_alloc(s, g, true)
#define kvzalloc(s, g)		kshim_alloc(s, (g) | __GFP_ZERO, true)
#define kvcalloc(n, s, g)	kshim_alloc(kshim_mul(n, s), (g) | __GFP_ZERO, true)
#define kfree(p)		free((void *)(p))
#define kvfree(p)		free((void *)(p))
#define kfree_sensitive(p)	free((void *)(p))

static inline void *kmemdup(const void *src, size_t len, gfp_t gfp)
{
	void *p = kmalloc(len, gfp);

	return p ? memcpy(p, src, len) : NULL;
}

static inline char *kstrdup(const char *s, gfp_t gfp)
{
	return s ? kmemdup(s, strlen(s) + 1, gfp) : NULL;
}

/* Per-CPU data: one CPU. */
#define alloc_percpu_gfp(type, g) \
	((type *)kshim_alloc(sizeof(type), (g) | __GFP_ZERO, false))
#define alloc_percpu(type)	alloc_percpu_gfp(type, GFP_KERNEL)
#define __alloc_percpu_gfp(size, align, g) \
	kshim_alloc(size, (g) | __GFP_ZERO, false)
#define free_percpu(p)		free(p)
#define per_cpu_ptr(p, cpu)	((void)(cpu), (p))
#define this_cpu_ptr(p)		(p)
#define get_cpu_ptr(p)		(p)
#define put_cpu_ptr(p)		((void)(p))
#define for_each_possible_cpu(cpu)	for ((cpu) = 0; (cpu) < 1; (cpu)++)

/* ---- locks: no contention, but holding is tracked and asserted ---- */
struct mutex {
	int held;
};

typedef struct {
	int held;
} spinlock_t;

#define DEFINE_MUTEX(m)		struct mutex m = { 0 }
#define DEFINE_SPINLOCK(l)	spinlock_t l = { 0 }
#define __SPIN_LOCK_UNLOCKED(l)	{ 0 }
#define mutex_init(m)		((m)->held = 0)
#define mutex_destroy(m)	((void)WARN_ON((m)->held))
#define spin_lock_init(l)	((l)->held = 0)
#define kshim_lock(l)		((void)WARN_ON((l)->held++))
#define kshim_unlock(l)		((void)WARN_ON(--(l)->held))
#define mutex_lock(m)		kshim_lock(m)
#define mutex_unlock(m)		kshim_unlock(m)
#define spin_lock(l)		kshim_lock(l)
#define spin_unlock(l)		kshim_unlock(l)
#define spin_lock_bh(l)		kshim_lock(l)
#define spin_unlock_bh(l)	kshim_unlock(l)
#define lockdep_is_held(l)	((l)->held)
#define lockdep_assert_held(l)	((void)WARN_ON(!(l)->held))

/* ---- RCU: readers tracked; callbacks run at once ---- */
struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};

extern int kshim_rcu_depth;
#define rcu_read_lock()		((void)kshim_rcu_depth++)
#define rcu_read_unlock()	((void)WARN_ON(--kshim_rcu_depth < 0))
#define rcu_read_lock_held()	(kshim_rcu_depth > 0)
/* As CONFIG_PROVE_RCU: a dereference without its protection is a splat. */
#define rcu_dereference_protected(p, c)	({ WARN_ON(!(c)); (p); })
#define rcu_dereference_check(p, c)	({ WARN_ON(!(c) && !rcu_read_lock_held()); (p); })
#define rcu_dereference(p)		rcu_dereference_check(p, 0)
#define rcu_dereference_raw(p)		(p)
#define rcu_access_pointer(p)		(p)
#define RCU_INIT_POINTER(p, v)		((p) = (v))
#define rcu_assign_pointer(p, v)	((p) = (v))
#define call_rcu(head, fn)		(fn)(head)
#define kfree_rcu(p, field)		kfree(p)
#define synchronize_rcu()		((void)0)
#define rcu_barrier()			((void)0)

/*
 * ---- workqueues, memory cgroups, CPUs (prep.c) ----
 * One thread: a work runs at once, inside queue_work(), so prep.c's
 * worker parses every service and its caller finds none left to parse.
 */
struct work_struct {
	void (*fn)(struct work_struct *w);
};
struct workqueue_struct;
struct mem_cgroup;
#define system_unbound_wq		((struct workqueue_struct *)NULL)
#define INIT_WORK(w, f)			((w)->fn = (f))
#define queue_work(wq, w)		((void)(wq), (w)->fn(w), true)
#define cancel_work_sync(w)		((void)(w), false)
#define flush_work(w)			((void)(w), false)
#define get_mem_cgroup_from_mm(mm)	((void)(mm), (struct mem_cgroup *)NULL)
#define set_active_memcg(m)		((void)(m), (struct mem_cgroup *)NULL)
#define mem_cgroup_put(m)		((void)(m))
#define num_online_cpus()		2U

/* ---- atomics, refcounts ---- */
typedef struct {
	int counter;
} atomic_t;

#define ATOMIC_INIT(i)		{ (i) }
#define atomic_read(v)		((v)->counter)
#define atomic_set(v, i)	((v)->counter = (i))
#define atomic_inc_return(v)	(++(v)->counter)
#define atomic_inc(v)		((void)(v)->counter++)
#define atomic_fetch_add(i, v)	({ int _o = (v)->counter; (v)->counter += (i); _o; })

/* As the kernel's: taking 0 to 1 or going below 0 is a use-after-free. */
typedef struct {
	int refs;
} refcount_t;

#define REFCOUNT_INIT(n)	{ (n) }
#define refcount_set(r, n)	((r)->refs = (n))
#define refcount_read(r)	((r)->refs)
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

#define INIT_LIST_HEAD(l)	((l)->next = (l)->prev = (l))
#define LIST_HEAD_INIT(name)	{ &(name), &(name) }

static inline void list_add(struct list_head *n, struct list_head *h)
{
	n->next = h->next;
	n->prev = h;
	h->next->prev = n;
	h->next = n;
}

static inline void list_del(struct list_head *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = NULL;
}

static inline void list_del_init(struct list_head *n)
{
	list_del(n);
	INIT_LIST_HEAD(n);
}

#define list_first_entry_or_null(h, type, member) \
	((h)->next != (h) ? container_of((h)->next, type, member) : NULL)

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

/* Only their types: the table code that uses them (txn.c) is modelled. */
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

/* Allocating xarrays: a growing array of entries (kshim.c). */
struct xa_limit {
	u32 min, max;
};

#define XA_FLAGS_ALLOC		1U
#define XA_FLAGS_LOCK_BH	2U
#define XA_LIMIT(lo, hi)	((struct xa_limit){ .min = (lo), .max = (hi) })
#define DEFINE_XARRAY_FLAGS(name, flags)	struct xarray name = { NULL }
int xa_alloc_bh(struct xarray *xa, u32 *id, void *entry,
		struct xa_limit limit, gfp_t gfp);
void *xa_load(struct xarray *xa, unsigned long index);
void *xa_erase_bh(struct xarray *xa, unsigned long index);

#define XA_PRESENT	((unsigned int)-1)
static inline void *xa_find(struct xarray *xa, unsigned long *index,
			    unsigned long max, unsigned int filter)
{
	return NULL;
}

static inline void *xa_find_after(struct xarray *xa, unsigned long *index,
				  unsigned long max, unsigned int filter)
{
	return NULL;
}

#define xa_for_each_start(xa, index, entry, start)			\
	for (index = start, entry = xa_find(xa, &index, ULONG_MAX, XA_PRESENT); \
	     entry; entry = xa_find_after(xa, &index, ULONG_MAX, XA_PRESENT))
#define xa_for_each(xa, index, entry)	xa_for_each_start(xa, index, entry, 0)

/* ---- hashing, random numbers, arithmetic ---- */
/* Not the kernel's jhash: nothing here depends on the values. */
static inline u32 jhash(const void *key, u32 length, u32 initval)
{
	const u8 *k = key;
	u32 h = 2166136261u ^ initval;

	while (length--)
		h = (h ^ *k++) * 16777619u;
	return h;
}

static inline u32 jhash_1word(u32 a, u32 initval)
{
	return jhash(&a, sizeof(a), initval);
}

u32 get_random_u32(void);	/* deterministic per input */
void kshim_srand(u32 seed);

static inline u32 reciprocal_scale(u32 val, u32 ep_ro)
{
	return (u32)(((u64)val * ep_ro) >> 32);
}

static inline unsigned long roundup_pow_of_two(unsigned long n)
{
	WARN_ON(n == 0);	/* undefined in the kernel */
	return n <= 1 ? 1 : 1UL << (64 - __builtin_clzl(n - 1));
}

#define is_power_of_2(n)	((n) != 0 && (((n) & ((n) - 1)) == 0))
#define ilog2(n)		(63 - __builtin_clzll((u64)(n)))

/* ---- time ---- */
static inline unsigned int jiffies_to_msecs(const unsigned long j)
{
	return j;
}

static inline unsigned long msecs_to_jiffies(const unsigned int m)
{
	return m;
}

static inline u64 ktime_get_real_ns(void)
{
	return 1700000000ULL * 1000000000ULL;
}

/* ---- per-CPU statistics ---- */
typedef struct {
	u64 v;
} u64_stats_t;

struct u64_stats_sync {
	int unused;
};

#define u64_stats_init(s)		((void)(s))
#define u64_stats_update_begin(s)	((void)(s))
#define u64_stats_update_end(s)		((void)(s))
#define u64_stats_fetch_begin(s)	((void)(s), 0U)
#define u64_stats_fetch_retry(s, st)	((void)(s), (void)(st), false)
#define u64_stats_add(p, n)		((p)->v += (n))
#define u64_stats_inc(p)		((p)->v++)
#define u64_stats_read(p)		((p)->v)

/* ---- modules ---- */
#define THIS_MODULE	((struct module *)0)
#define EXPORT_SYMBOL(s)	extern typeof(s) s
#define EXPORT_SYMBOL_GPL(s)	extern typeof(s) s
#define MODULE_LICENSE(s)	extern int kshim_unused_license
#define MODULE_PARM_DESC(n, d)	extern int kshim_unused_desc_##n
#define module_param_named(n, v, t, p)	extern int kshim_unused_param_##n
#define KBUILD_MODNAME		"ksvc"

/* ---- networking ---- */
union nf_inet_addr {
	__u32 all[4];
	__be32 ip;
	__be32 ip6[4];
	struct in_addr in;
	struct in6_addr in6;
};

static inline bool nf_inet_addr_cmp(const union nf_inet_addr *a1,
				    const union nf_inet_addr *a2)
{
	return !memcmp(a1, a2, sizeof(*a1));
}

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
#define net_eq(a, b)		((a) == (b))

struct sock {
	struct net *sk_net;
};

#define sock_net(sk)		((sk)->sk_net)

#define PAGE_SIZE		4096UL
/* x86-64: sizeof(struct skb_shared_info), cache aligned, is 320. */
#define SKB_WITH_OVERHEAD(x)	((x) - 320)
#define CONFIG_NET 1
#define CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS 1

/* An skb is one linear buffer, exactly as large as asked for. */
struct sk_buff {
	struct sock *sk;
	unsigned int len;
	unsigned char *head, *data;
	unsigned int tail, end;		/* offsets from head, as on 64 bits */
	void (*destructor)(struct sk_buff *skb);
	char cb[48] __aligned(8);
};

struct sk_buff *alloc_skb(unsigned int size, gfp_t gfp);
void kfree_skb(struct sk_buff *skb);
#define consume_skb(skb)	kfree_skb(skb)
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

static inline void *skb_put_zero(struct sk_buff *skb, unsigned int len)
{
	return memset(skb_put(skb, len), 0, len);
}

static inline void *skb_put_data(struct sk_buff *skb, const void *data,
				 unsigned int len)
{
	return memcpy(skb_put(skb, len), data, len);
}

static inline void skb_trim(struct sk_buff *skb, unsigned int len)
{
	if (skb->len > len) {
		skb->len = len;
		skb->tail = skb->data - skb->head + len;
	}
}

/* netlink_unicast() gives replies to the fuzz target. */
int netlink_unicast(struct sock *ssk, struct sk_buff *skb, __u32 portid,
		    int nonblock);

#endif
