// SPDX-License-Identifier: GPL-2.0
/*
 * The out-of-line part of the kernel stand-in (include/kshim.h): bug
 * reports, allocation with failure injection, and the kernel functions
 * that the files built name but the parsers never call.
 */
#include <linux/kernel.h>
#include <net/genetlink.h>

struct task_struct kshim_current = { .comm = "fuzz_nlparse" };
unsigned long kshim_alloc_count;
unsigned long kshim_fail_at;
unsigned long kshim_alloc_failed;

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
	if (!size)
		return ZERO_SIZE_PTR;
	if (++kshim_alloc_count == kshim_fail_at) {
		kshim_alloc_failed++;
		return NULL;
	}
	return gfp & __GFP_ZERO ? calloc(1, size) : malloc(size);
}

void do_trace_netlink_extack(const char *msg)
{
}

/* netlink.c's ksvc_nl_init(): the target reads the family, never registers it. */
int genl_register_family(struct genl_family *family)
{
	BUG();
}

int genl_unregister_family(const struct genl_family *family)
{
	BUG();
}
