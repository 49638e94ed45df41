/* SPDX-License-Identifier: GPL-2.0 */
/*
 * yaml_fast: composes the block-style YAML that kubectl prints (block
 * mappings and sequences, one-line plain and quoted scalars, "{}" and
 * "[]"), and the JSON it prints (a document whose content starts with '{'
 * or '['), straight into libyaml's yaml_document_t, several times faster
 * than libyaml's loader, which mallocs every token, event and node.
 *
 * It declines whatever it does not handle exactly as libyaml would: flow
 * collections in block YAML, multi-line scalars, block scalars, anchors,
 * aliases, tags, directives, escapes (in JSON: \u and \/), tabs, non-ASCII
 * bytes, and every syntax error.  A
 * declined document and all that follows it go to libyaml, starting at
 * yfast_pos()/yfast_line(), so messages and their locations are libyaml's.
 * tests/unit/test_yaml_fast.c and tests/fuzz/fuzz_yaml.c check that
 * a document it does compose is the one libyaml composes.
 */
#ifndef KSVCCTL_YAML_FAST_H
#define KSVCCTL_YAML_FAST_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

struct yfast_span;

struct yfast {
	const char *buf;
	size_t len;
	size_t stop;		/* a document starting here or later ends it */
	size_t pos;		/* start of the current line */
	size_t lend;		/* its end: the '\n' or len */
	int line;		/* its number, 0-based */
	int ind;		/* its indentation; kind says what it is */
	int kind;
	size_t doc_pos;		/* where the current document began */
	int doc_line;
	bool first;		/* no document read yet */
	yaml_node_t *nodes;
	struct yfast_span *spans;	/* per node: its items or its text */
	size_t n_nodes, cap_nodes;
	int *stack;		/* items (pairs: key, value) of open collections */
	size_t n_stack, cap_stack;
	int *items;		/* of closed sequences */
	size_t n_items, cap_items;
	yaml_node_pair_t *pairs;	/* of closed mappings */
	size_t n_pairs, cap_pairs;
	char *text;		/* scalar values, each NUL-terminated */
	size_t n_text, cap_text;
};

void yfast_init(struct yfast *f, const char *buf, size_t len);
void yfast_free(struct yfast *f);

/*
 * Continue at @pos, the start of line @line (0-based), as if the
 * documents before it had been read; f->stop is left as it is.
 */
void yfast_seek(struct yfast *f, size_t pos, int line);

/*
 * The first line at or after @from that is a "---" document start, as
 * yaml_fast and libyaml see one: where a stream can be read in parts.
 * @len when there is none.
 */
size_t yfast_split(const char *buf, size_t len, size_t from);

/* Lines (newlines) in @buf[0..@len). */
int yfast_count_lines(const char *buf, size_t len);

/*
 * The next document into *@doc, valid until the next call (never pass it
 * to yaml_document_delete()).  Returns 1 for a document, 0 at the end of
 * the stream or at f->stop, -1 when declined: parse from yfast_pos() (a line start)
 * with libyaml then, adding yfast_line() to its line numbers.
 */
int yfast_next(struct yfast *f, yaml_document_t *doc);

static inline size_t yfast_pos(const struct yfast *f)
{
	return f->doc_pos;
}

static inline int yfast_line(const struct yfast *f)
{
	return f->doc_line;
}

#endif
