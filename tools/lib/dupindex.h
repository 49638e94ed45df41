/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Finding objects that share a name in O(n) (dup_first) or O(n log n):
 * files of thousands of Services must not cost n^2 comparisons.
 */
#ifndef KSVCCTL_DUPINDEX_H
#define KSVCCTL_DUPINDEX_H

#include <stddef.h>

struct dkey {
	const char *ns, *name;	/* name NULL: never the same as anything */
	int kind;
};

typedef void (*dkey_fn)(const void *ctx, size_t i, struct dkey *k);

/*
 * first[i] = the lowest index with the same key as i (i itself when none
 * comes before).  Returns NULL on allocation failure.
 */
size_t *dup_first(size_t n, dkey_fn key, const void *ctx);

/*
 * Indices 0..n-1 sorted by key; dup_range() then finds those with a
 * given key by binary search.
 */
size_t *dup_sorted(size_t n, dkey_fn key, const void *ctx);
size_t dup_range(const size_t *sorted, size_t n, dkey_fn key, const void *ctx,
		 const struct dkey *want, size_t *count);

#endif
