/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A map from strings to pointers (open addressing, linear probing,
 * deletion by backward shift: no tombstones, so a long-running
 * "ksvcctl watch" does not slow down as objects come and go).
 */
#ifndef KSVCCTL_HMAP_H
#define KSVCCTL_HMAP_H

#include <stdbool.h>
#include <stddef.h>

struct hent {
	char *key;		/* owned; NULL = empty slot */
	void *val;
};

struct hmap {
	struct hent *e;
	size_t cap, n;		/* cap: 0 or a power of two */
};

void *hmap_get(const struct hmap *h, const char *key);

/* The value slot of @key, inserted (with a NULL value) if absent. */
void **hmap_slot(struct hmap *h, const char *key);

/* Remove @key; its value (NULL if absent) is returned, not freed. */
void *hmap_del(struct hmap *h, const char *key);

/* The map's keys are freed; its values are the caller's. */
void hmap_free(struct hmap *h);

/* Iterate: for (i = 0; hmap_next(h, &i, &e);) -- no changes meanwhile. */
bool hmap_next(const struct hmap *h, size_t *i, const struct hent **e);

#endif
