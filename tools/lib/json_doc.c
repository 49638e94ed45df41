// SPDX-License-Identifier: GPL-2.0
/*
 * json_doc.c: jansson's tree of one JSON value -> a yaml_document_t.
 *
 * The schema walker (yaml_read.c) reads libyaml's documents, and JSON is
 * YAML's flow style, so the walker needs nothing new: a JSON string is a
 * double-quoted scalar, a number, true, false or null a plain one, exactly
 * as libyaml composes the same text.  Composing costs no copy of a
 * string: scalars point into jansson's tree, which lives as long as the
 * document.
 *
 * jansson keeps no positions, and messages must name a line and column.
 * So compose() walks the text beside the tree: jansson has accepted the
 * text, and lists an object's members in the text's order, so the walk
 * only steps over strings, numbers and punctuation to find where each
 * value starts.  Numbers are taken as written (see number()); every other
 * value is jansson's.
 *
 * Left to libyaml (JSON_DOC_OTHER): documents that nest near the walker's
 * limit (its message names the place).  Duplicate keys are jansson syntax
 * errors here (JSON_REJECT_DUPLICATES), as they are the walker's errors in
 * YAML, and so are NULs in strings; libyaml reads those too.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_doc.h"
#include "model_util.h"
#include "yaml_read.h"

#define CHUNK_MIN	(64u << 10)

/* Pairs, items and numbers' text: freed together with the document. */
struct json_chunk {
	struct json_chunk *next;
	size_t used, size;
	max_align_t data[];
};

static void *chunk_alloc(struct json_doc *j, size_t bytes)
{
	struct json_chunk *c = j->chunks;
	size_t want = (bytes + 15) & ~(size_t)15;

	if (!c || c->size - c->used < want) {
		size_t size = want > CHUNK_MIN ? want : CHUNK_MIN;

		c = malloc(sizeof(*c) + size);
		if (!c)
			m_oom();
		c->next = j->chunks;
		c->used = 0;
		c->size = size;
		j->chunks = c;
	}
	c->used += want;
	return (char *)c->data + c->used - want;
}

/*
 * The text beside the tree: @p is where the next value (or punctuation)
 * is; @line and @col count to @colp, caught up with @p when a mark is due.
 */
struct json_text {
	const char *p, *end;
	const char *colp;
	size_t line, col;
	bool lost;		/* the text did not match the tree */
	bool none;		/* there is no text: json_doc_from() */
};

static void skip_space(struct json_text *t)
{
	for (; t->p < t->end; t->p++) {
		if (*t->p == '\n') {
			t->line++;
			t->col = 0;
			t->colp = t->p + 1;
		} else if (*t->p != ' ' && *t->p != '\t' && *t->p != '\r') {
			break;
		}
	}
}

static void expect(struct json_text *t, char c)
{
	if (t->none)
		return;
	skip_space(t);
	if (t->p < t->end && *t->p == c)
		t->p++;
	else
		t->lost = true;
}

/* Columns count characters, as libyaml's do: not UTF-8's other bytes. */
static yaml_mark_t text_mark(struct json_text *t)
{
	yaml_mark_t m = { 0 };

	skip_space(t);
	for (; t->colp < t->p; t->colp++)
		if (((unsigned char)*t->colp & 0xc0) != 0x80)
			t->col++;
	m.line = t->line;
	m.column = t->col;
	return m;
}

/* Past a string (JSON strings hold no raw newline) or a bare word. */
static void skip_value(struct json_text *t)
{
	if (t->p < t->end && *t->p == '"') {
		for (t->p++; t->p < t->end && *t->p != '"'; t->p++)
			if (*t->p == '\\')
				t->p++;
		t->p++;
		return;
	}
	while (t->p < t->end && !strchr(",:]} \t\r\n", *t->p))
		t->p++;
}

/* A node at the end of the document; its index (1-based, as libyaml's). */
static int add_node(struct json_doc *j, yaml_node_type_t type,
		    struct json_text *t)
{
	yaml_document_t *d = &j->doc;

	if (d->nodes.top == d->nodes.end) {
		size_t n = (size_t)(d->nodes.end - d->nodes.start);
		size_t cap = n ? 2 * n : 256;
		yaml_node_t *s = realloc(d->nodes.start, cap * sizeof(*s));

		if (!s)
			m_oom();
		d->nodes.start = s;
		d->nodes.top = s + n;
		d->nodes.end = s + cap;
	}
	memset(d->nodes.top, 0, sizeof(*d->nodes.top));
	d->nodes.top->type = type;
	d->nodes.top->start_mark = text_mark(t);
	d->nodes.top->end_mark = d->nodes.top->start_mark;
	d->nodes.top++;
	return (int)(d->nodes.top - d->nodes.start);
}

static yaml_node_t *at(struct json_doc *j, int idx)
{
	return &j->doc.nodes.start[idx - 1];
}

static int scalar(struct json_doc *j, struct json_text *t, const char *s,
		  size_t len, yaml_scalar_style_t style)
{
	int idx = add_node(j, YAML_SCALAR_NODE, t);
	yaml_node_t *n = at(j, idx);

	skip_value(t);
	n->data.scalar.value = (yaml_char_t *)s;
	n->data.scalar.length = len;
	n->data.scalar.style = style;
	return idx;
}

static int compose(struct json_doc *j, struct json_text *t, json_t *v,
		   int depth);

static int mapping(struct json_doc *j, struct json_text *t, json_t *v,
		   int depth)
{
	size_t n = json_object_size(v), i = 0;
	yaml_node_pair_t *pairs = chunk_alloc(j, n * sizeof(*pairs));
	int idx = add_node(j, YAML_MAPPING_NODE, t);
	const char *key;
	json_t *val;

	expect(t, '{');
	json_object_foreach(v, key, val) {
		if (i)
			expect(t, ',');
		pairs[i].key = scalar(j, t, key, strlen(key),
				      YAML_DOUBLE_QUOTED_SCALAR_STYLE);
		expect(t, ':');
		pairs[i].value = compose(j, t, val, depth + 1);
		if (!pairs[i].value)
			return 0;
		i++;
	}
	expect(t, '}');
	at(j, idx)->data.mapping.pairs.start = pairs;
	at(j, idx)->data.mapping.pairs.top = pairs + i;
	at(j, idx)->data.mapping.pairs.end = pairs + i;
	at(j, idx)->data.mapping.style = YAML_FLOW_MAPPING_STYLE;
	return idx;
}

static int sequence(struct json_doc *j, struct json_text *t, json_t *v,
		    int depth)
{
	size_t n = json_array_size(v), i;
	yaml_node_item_t *items = chunk_alloc(j, n * sizeof(*items));
	int idx = add_node(j, YAML_SEQUENCE_NODE, t);

	expect(t, '[');
	for (i = 0; i < n; i++) {
		if (i)
			expect(t, ',');
		items[i] = compose(j, t, json_array_get(v, i), depth + 1);
		if (!items[i])
			return 0;
	}
	expect(t, ']');
	at(j, idx)->data.sequence.items.start = items;
	at(j, idx)->data.sequence.items.top = items + n;
	at(j, idx)->data.sequence.items.end = items + n;
	at(j, idx)->data.sequence.style = YAML_FLOW_SEQUENCE_STYLE;
	return idx;
}

/*
 * A number as its text, as libyaml gives it: jansson keeps the value
 * ("1.0" would come back as "1", "-0" as "0").
 */
static int number(struct json_doc *j, struct json_text *t, json_t *v)
{
	int idx = add_node(j, YAML_SCALAR_NODE, t);
	const char *start = t->p;
	size_t len;
	char *s;

	skip_value(t);
	len = (size_t)(t->p - start);
	s = chunk_alloc(j, (t->none ? 32 : len) + 1);
	if (t->none)	/* the value as jansson would print it */
		len = (size_t)json_dumpb(v, s, 32, JSON_ENCODE_ANY);
	else
		memcpy(s, start, len);
	s[len] = 0;
	at(j, idx)->data.scalar.value = (yaml_char_t *)s;
	at(j, idx)->data.scalar.length = len;
	at(j, idx)->data.scalar.style = YAML_PLAIN_SCALAR_STYLE;
	return idx;
}

/* The node of @v, or 0 when libyaml must read the document instead. */
static int compose(struct json_doc *j, struct json_text *t, json_t *v,
		   int depth)
{
	if (depth >= YAML_MAX_DEPTH - 2 || t->lost)
		return 0;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return mapping(j, t, v, depth);
	case JSON_ARRAY:
		return sequence(j, t, v, depth);
	case JSON_STRING:
		return scalar(j, t, json_string_value(v), json_string_length(v),
			      YAML_DOUBLE_QUOTED_SCALAR_STYLE);
	case JSON_INTEGER:
	case JSON_REAL:
		return number(j, t, v);
	case JSON_TRUE:
		return scalar(j, t, "true", 4, YAML_PLAIN_SCALAR_STYLE);
	case JSON_FALSE:
		return scalar(j, t, "false", 5, YAML_PLAIN_SCALAR_STYLE);
	case JSON_NULL:
		return scalar(j, t, "null", 4, YAML_PLAIN_SCALAR_STYLE);
	}
	return 0;
}

enum json_doc_result json_doc_load(struct json_doc *j, const char *buf,
				   size_t len, size_t *used, int line, int col)
{
	struct json_text t = { .p = buf, .colp = buf, .line = (size_t)line,
			       .col = (size_t)col };
	json_error_t e;

	memset(j, 0, sizeof(*j));
	j->root = json_loadb(buf, len, JSON_DISABLE_EOF_CHECK |
			     JSON_REJECT_DUPLICATES, &e);
	if (!j->root)
		return JSON_DOC_SYNTAX;
	*used = (size_t)e.position;
	t.end = buf + *used;
	if (!compose(j, &t, j->root, 0) || t.lost)
		return JSON_DOC_OTHER;
	j->end = text_mark(&t);
	return JSON_DOC_OK;
}

void json_doc_from(struct json_doc *j, json_t *v)
{
	struct json_text t = { .none = true };

	memset(j, 0, sizeof(*j));
	j->root = json_incref(v);
	if (!compose(j, &t, v, 0)) {
		free(j->doc.nodes.start);
		j->doc.nodes.start = j->doc.nodes.top = j->doc.nodes.end = NULL;
	}
}

void json_doc_free(struct json_doc *j)
{
	while (j->chunks) {
		struct json_chunk *c = j->chunks;

		j->chunks = c->next;
		free(c);
	}
	free(j->doc.nodes.start);
	if (j->root)
		json_decref(j->root);
	memset(j, 0, sizeof(*j));
}
