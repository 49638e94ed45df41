// SPDX-License-Identifier: GPL-2.0
/* hmap.c: see hmap.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "model_util.h"

/* FNV-1a: keys are short ("ns/name"); nothing here is adversarial at scale. */
static size_t hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ull;
	return (size_t)(h ^ (h >> 32));
}

/* The slot holding @key, or the empty slot where it would go. */
static size_t find(const struct hmap *h, const char *key)
{
	size_t m = h->cap - 1, i = hash(key) & m;

	while (h->e[i].key && strcmp(h->e[i].key, key))
		i = (i + 1) & m;
	return i;
}

void *hmap_get(const struct hmap *h, const char *key)
{
	return h->cap ? h->e[find(h, key)].val : NULL;
}

static void grow(struct hmap *h)
{
	struct hmap g = { .cap = h->cap ? 2 * h->cap : 64, .n = h->n };

	g.e = m_xcalloc(g.cap, sizeof(*g.e));
	for (size_t i = 0; i < h->cap; i++)
		if (h->e[i].key)
			g.e[find(&g, h->e[i].key)] = h->e[i];
	free(h->e);
	*h = g;
}

void **hmap_slot(struct hmap *h, const char *key)
{
	size_t i;

	/* at most half full, so probe runs stay short */
	if (2 * (h->n + 1) > h->cap)
		grow(h);
	i = find(h, key);
	if (!h->e[i].key) {
		h->e[i].key = m_xstrdup(key);
		h->n++;
	}
	return &h->e[i].val;
}

/* Is slot @j's home outside the cyclic range (@hole, @j]? */
static bool moves_back(const struct hmap *h, size_t hole, size_t j)
{
	size_t home = hash(h->e[j].key) & (h->cap - 1);

	return hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
}

void *hmap_del(struct hmap *h, const char *key)
{
	size_t m = h->cap - 1, hole, j;
	void *val;

	if (!h->cap || !h->e[hole = find(h, key)].key)
		return NULL;
	val = h->e[hole].val;
	free(h->e[hole].key);
	h->n--;
	/* Shift later members of the run back so every key stays reachable. */
	for (j = (hole + 1) & m; h->e[j].key; j = (j + 1) & m) {
		if (moves_back(h, hole, j)) {
			h->e[hole] = h->e[j];
			hole = j;
		}
	}
	h->e[hole] = (struct hent){ 0 };
	return val;
}

void hmap_free(struct hmap *h)
{
	for (size_t i = 0; i < h->cap; i++)
		free(h->e[i].key);
	free(h->e);
	memset(h, 0, sizeof(*h));
}

bool hmap_next(const struct hmap *h, size_t *i, const struct hent **e)
{
	for (; *i < h->cap; (*i)++) {
		if (h->e[*i].key) {
			*e = &h->e[(*i)++];
			return true;
		}
	}
	return false;
}
