// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE	/* qsort_r */
#include <stdlib.h>
#include <string.h>
#include "dupindex.h"

struct sort_ctx {
	dkey_fn key;
	const void *ctx;
};

static int cmp_key(const struct dkey *a, const struct dkey *b)
{
	int r;

	if (!a->name || !b->name)
		return !a->name - !b->name;
	r = strcmp(a->ns ? a->ns : "", b->ns ? b->ns : "");
	if (!r)
		r = strcmp(a->name, b->name);
	return r ? r : a->kind - b->kind;
}

static int cmp_index(const void *x, const void *y, void *arg)
{
	const struct sort_ctx *c = arg;
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	struct dkey a, b;
	int r;

	c->key(c->ctx, i, &a);
	c->key(c->ctx, j, &b);
	r = cmp_key(&a, &b);
	if (r)
		return r;
	return i < j ? -1 : i > j;	/* stable: the first one first */
}

size_t *dup_sorted(size_t n, dkey_fn key, const void *ctx)
{
	struct sort_ctx c = { key, ctx };
	size_t *idx = malloc((n ? n : 1) * sizeof(*idx));

	if (!idx)
		return NULL;
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	qsort_r(idx, n, sizeof(*idx), cmp_index, &c);
	return idx;
}

size_t *dup_first(size_t n, dkey_fn key, const void *ctx)
{
	size_t *idx = dup_sorted(n, key, ctx);
	size_t *first = malloc((n ? n : 1) * sizeof(*first));
	struct dkey a, b;

	if (!idx || !first) {
		free(idx);
		free(first);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		first[idx[i]] = idx[i];
		if (!i)
			continue;
		key(ctx, idx[i - 1], &a);
		key(ctx, idx[i], &b);
		if (a.name && !cmp_key(&a, &b))
			first[idx[i]] = first[idx[i - 1]];
	}
	free(idx);
	return first;
}

/* The first position in @sorted with key @want; *count of them. */
size_t dup_range(const size_t *sorted, size_t n, dkey_fn key, const void *ctx,
		 const struct dkey *want, size_t *count)
{
	size_t lo = 0, hi = n, start;
	struct dkey k;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		key(ctx, sorted[mid], &k);
		if (cmp_key(&k, want) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	start = lo;
	for (*count = 0; lo < n; lo++, (*count)++) {
		key(ctx, sorted[lo], &k);
		if (cmp_key(&k, want))
			break;
	}
	return start;
}
