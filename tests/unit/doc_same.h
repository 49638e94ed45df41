/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Two composed documents the same, node for node and mark for mark: type,
 * start line and column, scalar text and style, the order of pairs and
 * items.  Tags are not compared (json_doc.c sets none; the walker reads
 * none).  For test_json_doc and fuzz_yaml: json_doc.c against libyaml.
 */
#ifndef KSVC_DOC_SAME_H
#define KSVC_DOC_SAME_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

static inline const yaml_node_t *doc_node(const yaml_document_t *d, int idx)
{
	const yaml_node_t *n = d->nodes.start + idx - 1;

	return idx > 0 && n < d->nodes.top ? n : NULL;
}

static bool node_same(const yaml_document_t *a, const yaml_node_t *x,
		      const yaml_document_t *b, const yaml_node_t *y,
		      char *why, size_t n);

static inline bool pairs_same(const yaml_document_t *a, const yaml_node_t *x,
			      const yaml_document_t *b, const yaml_node_t *y,
			      char *why, size_t n)
{
	const yaml_node_pair_t *p = x->data.mapping.pairs.start;
	const yaml_node_pair_t *q = y->data.mapping.pairs.start;

	if (x->data.mapping.pairs.top - p != y->data.mapping.pairs.top - q) {
		snprintf(why, n, "%zu:%zu: pair counts differ",
			 x->start_mark.line + 1, x->start_mark.column + 1);
		return false;
	}
	for (; p < x->data.mapping.pairs.top; p++, q++)
		if (!node_same(a, doc_node(a, p->key), b, doc_node(b, q->key),
			       why, n) ||
		    !node_same(a, doc_node(a, p->value), b, doc_node(b, q->value),
			       why, n))
			return false;
	return true;
}

static inline bool items_same(const yaml_document_t *a, const yaml_node_t *x,
			      const yaml_document_t *b, const yaml_node_t *y,
			      char *why, size_t n)
{
	const yaml_node_item_t *i = x->data.sequence.items.start;
	const yaml_node_item_t *k = y->data.sequence.items.start;

	if (x->data.sequence.items.top - i != y->data.sequence.items.top - k) {
		snprintf(why, n, "%zu:%zu: item counts differ",
			 x->start_mark.line + 1, x->start_mark.column + 1);
		return false;
	}
	for (; i < x->data.sequence.items.top; i++, k++)
		if (!node_same(a, doc_node(a, *i), b, doc_node(b, *k), why, n))
			return false;
	return true;
}

static bool node_same(const yaml_document_t *a, const yaml_node_t *x,
		      const yaml_document_t *b, const yaml_node_t *y,
		      char *why, size_t n)
{
	if (!x || !y) {
		snprintf(why, n, "a node index out of range");
		return false;
	}
	if (x->type != y->type ||
	    x->start_mark.line != y->start_mark.line ||
	    x->start_mark.column != y->start_mark.column) {
		snprintf(why, n, "node at %zu:%zu (type %d) against %zu:%zu (type %d)",
			 x->start_mark.line + 1, x->start_mark.column + 1,
			 x->type, y->start_mark.line + 1,
			 y->start_mark.column + 1, y->type);
		return false;
	}
	if (x->type == YAML_MAPPING_NODE)
		return pairs_same(a, x, b, y, why, n);
	if (x->type == YAML_SEQUENCE_NODE)
		return items_same(a, x, b, y, why, n);
	if (x->data.scalar.length != y->data.scalar.length ||
	    memcmp(x->data.scalar.value, y->data.scalar.value,
		   x->data.scalar.length) ||
	    x->data.scalar.style != y->data.scalar.style) {
		snprintf(why, n, "%zu:%zu: scalars differ: \"%.40s\" (style %d) against \"%.40s\" (style %d)",
			 x->start_mark.line + 1, x->start_mark.column + 1,
			 (const char *)x->data.scalar.value, x->data.scalar.style,
			 (const char *)y->data.scalar.value, y->data.scalar.style);
		return false;
	}
	return true;
}

/* @a and @b the same from their roots; if not, *@why says where. */
static inline bool doc_same(const yaml_document_t *a, const yaml_document_t *b,
			    char *why, size_t n)
{
	return node_same(a, doc_node(a, 1), b, doc_node(b, 1), why, n);
}

#endif
