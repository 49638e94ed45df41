// SPDX-License-Identifier: GPL-2.0
/*
 * The out-of-line part of the kernel stand-in (include/kshim.h): bug
 * reports, allocation with failure injection, skbs, and the few netlink
 * core functions the module calls to build replies.
 */
#include <linux/kernel.h>
#include <net/genetlink.h>

struct task_struct kshim_current = { .comm = "fuzz_nlparse" };
struct net init_net;
int kshim_rcu_depth;
unsigned long kshim_alloc_count;
unsigned long kshim_fail_at;
unsigned long kshim_alloc_failed;
static u32 rand_state = 1;

void kshim_bug(const char *what, const char *file, int line)
{
	fprintf(stderr, "kernel bug: %s at %s:%d\n", what, file, line);
	abort();
}

/* What the kernel refuses to allocate, and warns about unless told not to. */
#define KMALLOC_MAX_SIZE	(4UL << 20)

void *kshim_alloc(size_t size, gfp_t gfp, bool vmalloc)
{
	size_t limit = vmalloc ? INT_MAX : KMALLOC_MAX_SIZE;

	if (size > limit) {
		if (!(gfp & __GFP_NOWARN))
			kshim_bug("allocation larger than the allocator's limit",
				  __FILE__, __LINE__);
		return NULL;
	}
	if (++kshim_alloc_count == kshim_fail_at) {
		kshim_alloc_failed++;
		return NULL;
	}
	return gfp & __GFP_ZERO ? calloc(1, size) : malloc(size);
}

/* xorshift32: the same numbers for the same input, so crashes reproduce. */
void kshim_srand(u32 seed)
{
	rand_state = seed ?: 1;
}

u32 get_random_u32(void)
{
	rand_state ^= rand_state << 13;
	rand_state ^= rand_state >> 17;
	rand_state ^= rand_state << 5;
	return rand_state;
}

void do_trace_netlink_extack(const char *msg)
{
}

struct sk_buff *alloc_skb(unsigned int size, gfp_t gfp)
{
	struct sk_buff *skb = kzalloc(sizeof(*skb), gfp);

	if (!skb)
		return NULL;
	skb->head = kmalloc(size, gfp);
	if (!skb->head) {
		kfree(skb);
		return NULL;
	}
	skb->data = skb->head;
	skb->end = size;
	return skb;
}

void kfree_skb(struct sk_buff *skb)
{
	if (!skb)
		return;
	kfree(skb->head);
	kfree(skb);
}

struct sk_buff *skb_clone(struct sk_buff *skb, gfp_t gfp)
{
	BUG();
}

/* Writing past the end is skb_over_panic() in the kernel. */
void *skb_put(struct sk_buff *skb, unsigned int len)
{
	void *tail = skb_tail_pointer(skb);

	if (len > (unsigned int)skb_tailroom(skb))
		kshim_bug("skb_over_panic", __FILE__, __LINE__);
	skb->tail += len;
	skb->len += len;
	return tail;
}

/* As net/netlink/af_netlink.c. */
struct nlmsghdr *__nlmsg_put(struct sk_buff *skb, u32 portid, u32 seq,
			     int type, int len, int flags)
{
	struct nlmsghdr *nlh;
	int size = nlmsg_msg_size(len);

	nlh = skb_put(skb, NLMSG_ALIGN(size));
	nlh->nlmsg_type = type;
	nlh->nlmsg_len = size;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_pid = portid;
	nlh->nlmsg_seq = seq;
	memset(nlmsg_data(nlh) + len, 0, NLMSG_ALIGN(size) - size);
	return nlh;
}

/* As net/netlink/genetlink.c. */
void *genlmsg_put(struct sk_buff *skb, u32 portid, u32 seq,
		  const struct genl_family *family, int flags, u8 cmd)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *hdr;

	nlh = nlmsg_put(skb, portid, seq, family->id, GENL_HDRLEN +
			family->hdrsize, flags);
	if (!nlh)
		return NULL;
	hdr = nlmsg_data(nlh);
	hdr->cmd = cmd;
	hdr->version = family->version;
	hdr->reserved = 0;
	return (char *)hdr + GENL_HDRLEN;
}

/* The family is never registered: the fuzz target calls its ops itself. */
int genl_register_family(struct genl_family *family)
{
	BUG();
}

int genl_unregister_family(const struct genl_family *family)
{
	BUG();
}

/*
 * Allocating xarrays: entries in a growing array, ids from the lowest
 * free one, as xa_alloc() gives them.  Growing may fail like any
 * allocation.
 */
struct kshim_xa {
	void **v;
	u32 n;
};

int xa_alloc_bh(struct xarray *xa, u32 *id, void *entry,
		struct xa_limit limit, gfp_t gfp)
{
	struct kshim_xa *x = xa->head;
	u32 i;

	if (!x) {
		x = kshim_alloc(sizeof(*x), gfp | __GFP_ZERO, false);
		if (!x)
			return -ENOMEM;
		xa->head = x;
	}
	for (i = limit.min; i < x->n && x->v[i]; i++)
		;
	if (i > limit.max)
		return -EBUSY;
	if (i == x->n) {
		void **v = kshim_alloc((x->n * 2 + 8) * sizeof(*v), gfp, false);

		if (!v)
			return -ENOMEM;
		memcpy(v, x->v, x->n * sizeof(*v));
		memset(v + x->n, 0, (x->n + 8) * sizeof(*v));
		free(x->v);
		x->v = v;
		x->n = x->n * 2 + 8;
	}
	x->v[i] = entry;
	*id = i;
	return 0;
}

void *xa_load(struct xarray *xa, unsigned long index)
{
	struct kshim_xa *x = xa->head;

	return x && index < x->n ? x->v[index] : NULL;
}

void *xa_erase_bh(struct xarray *xa, unsigned long index)
{
	struct kshim_xa *x = xa->head;
	void *old = xa_load(xa, index);

	if (old)
		x->v[index] = NULL;
	return old;
}
