/* SPDX-License-Identifier: GPL-2.0 */
/*
 * yaml_same(): does yaml_fast compose @buf as libyaml does?  Each
 * document yaml_fast composes must equal libyaml's document of the same
 * number in everything ksvcctl reads (node types, scalar text, length and
 * style, item and pair order, start marks); where it declines, libyaml
 * started at yfast_pos() must compose the rest as libyaml from the start
 * does, once yfast_line() is added to its lines, and end (or fail) at the
 * same place.  Shared by test_yaml_fast.c and the fuzz target.
 */
#ifndef KSVC_TESTS_YAML_SAME_H
#define KSVC_TESTS_YAML_SAME_H

#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "yaml_fast.h"

struct ysame {
	int fast_docs;		/* documents yaml_fast composed */
	int declined;		/* it declined one */
	char why[200];		/* the first difference, if any */
};

static inline int ysame_fail(struct ysame *s, const char *what, int doc,
			     const yaml_node_t *a)
{
	snprintf(s->why, sizeof(s->why), "document %d: %s (at %d:%d)", doc,
		 what, a ? (int)a->start_mark.line + 1 : 0,
		 a ? (int)a->start_mark.column + 1 : 0);
	return 0;
}

/* One node alone: type, start mark, scalar text and style. */
static inline int yone_same(struct ysame *s, int doc, const yaml_node_t *a,
			    const yaml_node_t *b, int line0)
{
	if (!a || !b)
		return ysame_fail(s, "node missing", doc, a);
	if (a->type != b->type)
		return ysame_fail(s, "node type", doc, a);
	if (a->start_mark.line != b->start_mark.line + line0 ||
	    a->start_mark.column != b->start_mark.column)
		return ysame_fail(s, "start mark", doc, a);
	if (a->type == YAML_SCALAR_NODE) {
		if (a->data.scalar.length != b->data.scalar.length ||
		    memcmp(a->data.scalar.value, b->data.scalar.value,
			   a->data.scalar.length) ||
		    b->data.scalar.value[b->data.scalar.length] != '\0')
			return ysame_fail(s, "scalar text", doc, a);
		if (a->data.scalar.style != b->data.scalar.style)
			return ysame_fail(s, "scalar style", doc, a);
	}
	return 1;
}

/*
 * @db is yaml_fast's, a tree (no aliases) at most MAX_DEPTH deep, which
 * bounds the recursion.
 */
static inline int ynode_same(struct ysame *s, int doc, yaml_document_t *da,
			     int ia, yaml_document_t *db, int ib, int line0)
{
	yaml_node_t *a = yaml_document_get_node(da, ia);
	yaml_node_t *b = yaml_document_get_node(db, ib);

	if (!yone_same(s, doc, a, b, line0))
		return 0;
	if (a->type == YAML_SCALAR_NODE) {
		return 1;
	} else if (a->type == YAML_SEQUENCE_NODE) {
		yaml_node_item_t *x = a->data.sequence.items.start;
		yaml_node_item_t *y = b->data.sequence.items.start;

		if (a->data.sequence.items.top - x != b->data.sequence.items.top - y)
			return ysame_fail(s, "sequence length", doc, a);
		for (; x < a->data.sequence.items.top; x++, y++)
			if (!ynode_same(s, doc, da, *x, db, *y, line0))
				return 0;
	} else {
		yaml_node_pair_t *x = a->data.mapping.pairs.start;
		yaml_node_pair_t *y = b->data.mapping.pairs.start;

		if (a->data.mapping.pairs.top - x != b->data.mapping.pairs.top - y)
			return ysame_fail(s, "mapping length", doc, a);
		for (; x < a->data.mapping.pairs.top; x++, y++)
			if (!ynode_same(s, doc, da, x->key, db, y->key, line0) ||
			    !ynode_same(s, doc, da, x->value, db, y->value, line0))
				return 0;
	}
	return 1;
}

struct yerr {
	yaml_error_type_t type;
	yaml_mark_t mark;
	size_t offset;		/* of reader errors */
};

/* [as, at) and [bs, bt) hold the same bytes */
static inline int same_bytes(const void *as, const void *at, const void *bs,
			     const void *bt)
{
	size_t n = (const char *)at - (const char *)as;

	return n == (size_t)((const char *)bt - (const char *)bs) &&
	       !memcmp(as, bs, n);
}

/*
 * Two libyaml documents of the same text: the same node arrays, node by
 * node (linear, whatever their aliases).
 */
static inline int ydoc_same(struct ysame *s, int doc, yaml_document_t *da,
			    yaml_document_t *db, int line0)
{
	yaml_node_t *a = da->nodes.start, *b = db->nodes.start;

	if (da->nodes.top - a != db->nodes.top - b)
		return ysame_fail(s, "node count", doc, NULL);
	for (; a < da->nodes.top; a++, b++) {
		if (!yone_same(s, doc, a, b, line0))
			return 0;
		if (a->type == YAML_SEQUENCE_NODE &&
		    !same_bytes(a->data.sequence.items.start, a->data.sequence.items.top,
				b->data.sequence.items.start, b->data.sequence.items.top))
			return ysame_fail(s, "sequence items", doc, a);
		if (a->type == YAML_MAPPING_NODE &&
		    !same_bytes(a->data.mapping.pairs.start, a->data.mapping.pairs.top,
				b->data.mapping.pairs.start, b->data.mapping.pairs.top))
			return ysame_fail(s, "mapping pairs", doc, a);
	}
	return 1;
}

/* Next libyaml document: 1, 0 at the end, -1 on an error (in *err). */
static inline int ynext(yaml_parser_t *p, yaml_document_t *d, struct yerr *err)
{
	if (!yaml_parser_load(p, d)) {
		err->type = p->error;
		err->mark = p->problem_mark;
		err->offset = p->problem_offset;
		return -1;
	}
	if (!yaml_document_get_root_node(d)) {
		yaml_document_delete(d);
		return 0;
	}
	return 1;
}

/* The rest of @ref's stream against a libyaml parser started at @line0. */
static inline int yerr_same(const struct yerr *a, const struct yerr *b,
			    size_t off, int line0)
{
	if (a->type != b->type)
		return 0;
	if (a->type == YAML_READER_ERROR)
		return a->offset == b->offset + off;
	return a->mark.line == b->mark.line + line0 &&
	       a->mark.column == b->mark.column;
}

static inline int yrest_same(struct ysame *s, yaml_parser_t *ref,
			     yaml_parser_t *tail, int doc, size_t off,
			     int line0)
{
	yaml_document_t a, b;
	struct yerr ea = { 0 }, eb = { 0 };
	int ka, kb, ok;

	for (;; doc++) {
		ka = ynext(ref, &a, &ea);
		kb = ynext(tail, &b, &eb);
		if (ka != kb) {
			if (ka > 0)
				yaml_document_delete(&a);
			if (kb > 0)
				yaml_document_delete(&b);
			return ysame_fail(s, "libyaml from the decline differs", doc, NULL);
		}
		if (ka < 0)	/* the same error, at the same place */
			return yerr_same(&ea, &eb, off, line0) ? 1 :
			       ysame_fail(s, "error elsewhere", doc, NULL);
		if (!ka)
			return 1;
		ok = ydoc_same(s, doc, &a, &b, line0);
		yaml_document_delete(&a);
		yaml_document_delete(&b);
		if (!ok)
			return 0;
	}
}

/*
 * libyaml's reader decodes some 16 kB ahead of its parser, so a bad byte
 * (invalid UTF-8, a control character) fails it before documents that
 * come ahead of that byte; yaml_fast composes those and declines the
 * document with the byte.  Same messages: libyaml from the decline must
 * fail on that byte too.
 */
static inline int yreader_same(struct ysame *s, const struct yerr *ea,
			       yaml_parser_t *tail, size_t off)
{
	yaml_document_t b;
	struct yerr eb = { 0 };
	int kb;

	while ((kb = ynext(tail, &b, &eb)) > 0)
		yaml_document_delete(&b);
	if (kb < 0 && eb.type == YAML_READER_ERROR && eb.offset + off == ea->offset)
		return 1;
	return ysame_fail(s, "reader error elsewhere", s->fast_docs, NULL);
}

static inline int yaml_same(const char *buf, size_t len, struct ysame *s)
{
	yaml_parser_t ref, tail;
	yaml_document_t a, b;
	struct yerr ea = { 0 };
	struct yfast f;
	int k, ka = 1, ok = 1;

	memset(s, 0, sizeof(*s));
	yaml_parser_initialize(&ref);
	yaml_parser_set_input_string(&ref, (const unsigned char *)buf, len);
	yfast_init(&f, buf, len);
	while ((k = yfast_next(&f, &b)) > 0) {
		s->fast_docs++;
		if (ka < 0)	/* past libyaml's reader error */
			continue;
		ka = ynext(&ref, &a, &ea);
		if (ka < 0 && ea.type == YAML_READER_ERROR)
			continue;
		if (ka <= 0) {
			ok = ysame_fail(s, "libyaml has no such document", s->fast_docs, NULL);
			break;
		}
		ok = ynode_same(s, s->fast_docs, &a, 1, &b, 1, 0);
		yaml_document_delete(&a);
		if (!ok)
			break;
	}
	if (ok && !k && (ka < 0 || ynext(&ref, &a, &ea) != 0))
		ok = ysame_fail(s, "libyaml has more documents, or an error", s->fast_docs, NULL);
	if (ok && k < 0) {
		s->declined = 1;
		yaml_parser_initialize(&tail);
		yaml_parser_set_input_string(&tail, (const unsigned char *)buf +
					     yfast_pos(&f), len - yfast_pos(&f));
		if (ka < 0)
			ok = yreader_same(s, &ea, &tail, yfast_pos(&f));
		else
			ok = yrest_same(s, &ref, &tail, s->fast_docs + 1,
					yfast_pos(&f), yfast_line(&f));
		yaml_parser_delete(&tail);
	}
	yfast_free(&f);
	yaml_parser_delete(&ref);
	return ok;
}

#endif
