// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE	/* qsort_r */
#include <stdint.h>
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

static uint64_t mix(uint64_t h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;	/* FNV-1a */
	return (h ^ 0xff) * 0x100000001b3ULL;	/* "a","bc" != "ab","c" */
}

static uint64_t hash_key(const struct dkey *k)
{
	uint64_t h = mix(0xcbf29ce484222325ULL, k->ns);

	return mix(h, k->name) + (uint64_t)k->kind;
}

/*
 * By hashing, not sorting: validating 10000 Services and their slices
 * sorted each set with two strcmp() per comparison, 5 * 10^5 calls.  Open
 * addressing over indices, probed in insertion order, so the first
 * index of a key is the one kept.
 */
size_t *dup_first(size_t n, dkey_fn key, const void *ctx)
{
	size_t cap = 16, mask, i, j;
	size_t *first = malloc((n ? n : 1) * sizeof(*first)), *tab;
	struct dkey a, b;

	while (cap < 2 * n)
		cap *= 2;
	mask = cap - 1;
	tab = malloc(cap * sizeof(*tab));
	if (!first || !tab) {
		free(first);
		free(tab);
		return NULL;
	}
	memset(tab, 0xff, cap * sizeof(*tab));	/* SIZE_MAX: empty */
	for (i = 0; i < n; i++) {
		first[i] = i;
		key(ctx, i, &a);
		if (!a.name)
			continue;
		for (j = hash_key(&a) & mask; tab[j] != SIZE_MAX;
		     j = (j + 1) & mask) {
			key(ctx, tab[j], &b);
			if (!cmp_key(&a, &b))
				break;
		}
		if (tab[j] == SIZE_MAX)
			tab[j] = i;
		else
			first[i] = tab[j];
	}
	free(tab);
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
