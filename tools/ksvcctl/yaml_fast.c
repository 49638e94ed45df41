// SPDX-License-Identifier: GPL-2.0
/*
 * yaml_fast.c: see yaml_fast.h.  A line-driven recursive descent: every
 * block collection knows its column; a line indented less ends it, one
 * at its column continues it, and anything else is declined.  Nodes,
 * items, pairs and text go to arrays reused across documents; pointers
 * into them are set when the document is complete (the arrays move while
 * they grow).
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model_util.h"
#include "yaml_fast.h"
#include "yaml_read.h"

/* collections in collections; scalars one more, as check_budget() allows */
#define MAX_DEPTH	(YAML_MAX_DEPTH - 1)
#define MAX_KEY		1000	/* key to ':'; libyaml refuses over 1024 */

enum { L_LINE, L_DOC, L_END, L_BAD };

struct yfast_span {
	size_t off, n;
};

/* ---------------------------------------------------------------------- */
/* Arrays */

static __attribute__((noinline)) void *grow_to(void *p, size_t *cap,
					       size_t need, size_t size)
{
	size_t c = *cap ? *cap : 64;

	while (c < need)
		c *= 2;
	p = realloc(p, c * size);
	if (!p)
		m_oom();
	*cap = c;
	return p;
}

/* Several calls per line: the test inline, the growing not. */
static inline void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	return need <= *cap ? p : grow_to(p, cap, need, size);
}

static int add_node(struct yfast *f, yaml_node_type_t type, const char *at)
{
	size_t col = at - (f->buf + f->pos);
	yaml_node_t *n;

	if (f->n_nodes == f->cap_nodes) {
		size_t cap = f->cap_nodes;

		f->nodes = grow(f->nodes, &f->cap_nodes, cap + 1, sizeof(*n));
		f->spans = grow(f->spans, &cap, cap + 1, sizeof(*f->spans));
	}
	n = &f->nodes[f->n_nodes];
	/*
	 * Field by field, and both marks from registers: gcc made
	 * "*n = (yaml_node_t){ .type = type }" a rep stos of 96 bytes, and
	 * "end_mark = start_mark" reads back 16 bytes just written as two
	 * 8-byte stores (a store-forwarding stall).  Each cost more than the
	 * rest of a node's handling (native perf annotate).
	 */
	n->type = type;
	n->tag = NULL;
	n->data.sequence.items.start = NULL;
	n->data.sequence.items.end = NULL;
	n->data.sequence.items.top = NULL;
	n->data.sequence.style = 0;
	n->start_mark.index = n->end_mark.index = 0;
	n->start_mark.line = n->end_mark.line = f->line;
	n->start_mark.column = n->end_mark.column = col;
	return (int)++f->n_nodes;
}

static void push(struct yfast *f, int item)
{
	f->stack = grow(f->stack, &f->cap_stack, f->n_stack + 1,
			sizeof(*f->stack));
	f->stack[f->n_stack++] = item;
}

static int add_scalar(struct yfast *f, const char *at, const char *s,
		      size_t n, yaml_scalar_style_t style)
{
	int i = add_node(f, YAML_SCALAR_NODE, at);
	struct yfast_span *sp = &f->spans[i - 1];

	f->text = grow(f->text, &f->cap_text, f->n_text + n + 1, 1);
	sp->off = f->n_text;
	sp->n = n;
	memcpy(f->text + f->n_text, s, n);
	f->text[f->n_text + n] = '\0';
	f->n_text += n + 1;
	f->nodes[i - 1].data.scalar.style = style;
	return i;
}

/* Close collection @node: its items are the stack above @base. */
static void close_seq(struct yfast *f, int node, size_t base)
{
	size_t n = f->n_stack - base;
	struct yfast_span *sp = &f->spans[node - 1];

	f->items = grow(f->items, &f->cap_items, f->n_items + n,
			sizeof(*f->items));
	if (n)		/* "[]" first: no array yet, and NULL + 0 is not C */
		memcpy(f->items + f->n_items, f->stack + base, n * sizeof(int));
	sp->off = f->n_items;
	sp->n = n;
	f->n_items += n;
	f->n_stack = base;
}

static void close_map(struct yfast *f, int node, size_t base)
{
	size_t n = (f->n_stack - base) / 2;
	struct yfast_span *sp = &f->spans[node - 1];

	f->pairs = grow(f->pairs, &f->cap_pairs, f->n_pairs + n,
			sizeof(*f->pairs));
	for (size_t i = 0; i < n; i++) {
		f->pairs[f->n_pairs + i].key = f->stack[base + 2 * i];
		f->pairs[f->n_pairs + i].value = f->stack[base + 2 * i + 1];
	}
	sp->off = f->n_pairs;
	sp->n = n;
	f->n_pairs += n;
	f->n_stack = base;
}

/* ---------------------------------------------------------------------- */
/* Lines */

static const char *line_end(const struct yfast *f)
{
	return f->buf + f->lend;
}

/*
 * The bytes of @x below 0x20, 0x7f, or 0x80 and up, as their high bits
 * (bit-twiddling hacks): exact up to the first in memory on little-endian
 * machines (a borrow may mark bytes after it).
 */
static uint64_t word_odd(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t high = 0x8080808080808080ULL;
	uint64_t del = x ^ (ones * 0x7f);

	return (x & high) | ((x - ones * 0x20) & ~x & high) |
	       ((del - ones) & ~del & high);
}

/* How many bytes of a word come before the first marked in @m (not 0). */
static size_t first_marked(uint64_t m)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_ctzll(m) >> 3;
#else
	(void)m;
	return 0;	/* not exact there: the caller goes byte by byte */
#endif
}

/*
 * The bytes of @x equal to @c, as their high bits; exact as word_odd().
 */
static uint64_t word_eq(uint64_t x, char c)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t high = 0x8080808080808080ULL;
	uint64_t v = x ^ (ones * (unsigned char)c);

	return (v - ones) & ~v & high;
}

/* The first ':' or '#' in [@q, @e), or @e; eight bytes at a time. */
static const char *colon_or_hash(const char *q, const char *e)
{
	uint64_t w, m;

	while (e - q >= 8) {
		memcpy(&w, q, 8);
		m = word_eq(w, ':') | word_eq(w, '#');
		if (m)		/* the caller looks at the byte */
			return q + first_marked(m);
		q += 8;
	}
	while (q < e && *q != ':' && *q != '#')
		q++;
	return q;
}

/*
 * Find the end of the line at f->pos: f->lend.  False if it holds a byte
 * libyaml may treat otherwise: a control (tab, CR), DEL, non-ASCII.  Eight
 * bytes at a time: this looks at every byte of the input.
 */
static bool scan_line(struct yfast *f)
{
	const char *p = f->buf + f->pos, *e = f->buf + f->len;
	uint64_t w, m;

	while (e - p >= 8) {
		memcpy(&w, p, 8);
		m = word_odd(w);
		if (m) {
			p += first_marked(m);
			break;
		}
		p += 8;
	}
	for (; p < e && *p != '\n'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			break;
	f->lend = p - f->buf;
	return p == e || *p == '\n';
}

/* After a value: nothing, or a comment after a space. */
static bool rest_empty(const char *p, const char *e)
{
	const char *s = p;

	while (p < e && *p == ' ')
		p++;
	return p == e || (*p == '#' && p > s);
}

/* "---" or "..." at column 0, then a blank or the end. */
static bool marker(const char *p, const char *e, char c)
{
	return e - p >= 3 && p[0] == c && p[1] == c && p[2] == c &&
	       (e - p == 3 || p[3] == ' ');
}

/* Classify the line at f->pos: L_LINE (f->ind set), L_DOC, L_END, L_BAD. */
static int classify(struct yfast *f)
{
	const char *b = f->buf + f->pos, *e = line_end(f), *p = b;

	if (marker(b, e, '-'))
		return rest_empty(b + 3, e) ? L_DOC : L_BAD;
	if (marker(b, e, '.') || *b == '%')
		return L_BAD;
	while (p < e && *p == ' ')
		p++;
	if (p == e || *p == '#')
		return -1;		/* blank or comment only */
	f->ind = (int)(p - b);
	return L_LINE;
}

/* From f->pos, skip blank and comment lines: f->kind is what comes. */
static int peek(struct yfast *f)
{
	for (;;) {
		if (f->pos >= f->len)
			return f->kind = L_END;
		f->kind = scan_line(f) ? classify(f) : L_BAD;
		if (f->kind >= 0)
			return f->kind;
		f->pos = f->lend + 1;
		f->line++;
	}
}

/* Go past the current line to the next that matters. */
static int next_line(struct yfast *f)
{
	f->pos = f->lend + 1;
	f->line++;
	return peek(f);
}

/* ---------------------------------------------------------------------- */
/* Scalars */

/*
 * Byte classes for the common case, a plain key or value of bytes that
 * leave nothing to decide (no blank, ':' or '#' to look around): C_FIRST
 * may start a plain scalar unconditionally, C_KEY may follow in a key
 * ("kubernetes.io/service-name"), C_VAL in a value.  Anything else goes
 * the general way, plain_start() and plain_end().
 */
enum { C_FIRST = 1, C_KEY = 2, C_VAL = 4, C_ALL = C_FIRST | C_KEY | C_VAL };

static const unsigned char cls[256] = {
	['!' ... '"'] = C_VAL,
	['$' ... ','] = C_VAL,
	['-' ... '/'] = C_KEY | C_VAL,
	['0' ... '9'] = C_ALL,
	[';' ... '@'] = C_VAL,
	['A' ... 'Z'] = C_ALL,
	['[' ... '^'] = C_VAL,
	['_'] = C_KEY | C_VAL,
	['`'] = C_VAL,
	['a' ... 'z'] = C_ALL,
	['{' ... '~'] = C_VAL,
};

/* Past the bytes of class @c from @p, up to @e. */
static const char *span(const char *p, const char *e, unsigned char c)
{
	while (p < e && (cls[(unsigned char)*p] & c))
		p++;
	return p;
}

static bool blank_or_end(const char *p, const char *e)
{
	return p == e || *p == ' ';
}

static bool is_entry(const char *p, const char *e)
{
	return *p == '-' && blank_or_end(p + 1, e);
}

/* A plain scalar may start with these only when a non-blank follows. */
static bool plain_start(const char *p, const char *e)
{
	switch (*p) {
	case '-': case '?': case ':':
		return !blank_or_end(p + 1, e);
	case ',': case '[': case ']': case '{': case '}': case '#': case '&':
	case '*': case '!': case '|': case '>': case '\'': case '"': case '%':
	case '@': case '`':
		return false;
	}
	return true;
}

/*
 * The end of a plain scalar at @p: before " #", before ": " / ":" at the
 * end of the line, or the line's end; trailing blanks trimmed.  *@colon:
 * it ended at such a colon.
 */
static const char *plain_end(const char *p, const char *e, bool *colon)
{
	const char *q = p;

	*colon = false;
	for (;; q++) {
		q = colon_or_hash(q, e);
		if (q == e)
			break;
		if (*q == ':' && blank_or_end(q + 1, e)) {
			*colon = true;
			break;
		}
		if (*q == '#' && q[-1] == ' ')
			break;
	}
	while (q > p && q[-1] == ' ')
		q--;
	return q;
}

/*
 * A quoted scalar at @p closed on this line: its node, *@end past the
 * closing quote; 0 if declined.  Single quotes escape themselves; a
 * backslash in double quotes is declined (escapes are libyaml's).
 */
static int quoted(struct yfast *f, const char *p, const char **end)
{
	const char *e = line_end(f), *q = p + 1;
	struct yfast_span *sp;
	size_t r, w = 0;
	char *t;
	int i;

	if (*p == '"') {
		while (q < e && *q != '"' && *q != '\\')
			q++;
		if (q == e || *q == '\\')
			return 0;
		*end = q + 1;
		return add_scalar(f, p, p + 1, q - p - 1,
				  YAML_DOUBLE_QUOTED_SCALAR_STYLE);
	}
	for (; q < e && !(*q == '\'' && (q + 1 == e || q[1] != '\'')); q++)
		q += *q == '\'';	/* '' is one quote */
	if (q >= e)
		return 0;
	*end = q + 1;
	i = add_scalar(f, p, p + 1, q - p - 1, YAML_SINGLE_QUOTED_SCALAR_STYLE);
	/* collapse each '' of the copy into one ' */
	sp = &f->spans[i - 1];
	t = f->text + sp->off;
	for (r = 0; r < sp->n; r++, w++) {
		t[w] = t[r];
		r += t[r] == '\'';
	}
	t[w] = '\0';
	sp->n = w;
	return i;
}

/* A value on the rest of the line at @p: its node, or 0 if declined. */
static int inline_value(struct yfast *f, const char *p)
{
	const char *e = line_end(f), *end;
	bool colon;
	int i;

	if (*p == '"' || *p == '\'') {
		i = quoted(f, p, &end);
		return i && rest_empty(end, e) ? i : 0;
	}
	if ((*p == '{' || *p == '[') && e - p >= 2 &&
	    p[1] == (*p == '{' ? '}' : ']') && rest_empty(p + 2, e)) {
		i = add_node(f, *p == '{' ? YAML_MAPPING_NODE :
			     YAML_SEQUENCE_NODE, p);
		f->spans[i - 1] = (struct yfast_span){ 0, 0 };
		if (*p == '{')
			f->nodes[i - 1].data.mapping.style =
				YAML_FLOW_MAPPING_STYLE;
		else
			f->nodes[i - 1].data.sequence.style =
				YAML_FLOW_SEQUENCE_STYLE;
		return i;
	}
	if ((cls[(unsigned char)*p] & C_FIRST) &&
	    (end = span(p + 1, e, C_VAL)) == e)
		return add_scalar(f, p, p, e - p, YAML_PLAIN_SCALAR_STYLE);
	if (!plain_start(p, e))
		return 0;
	end = plain_end(p, e, &colon);
	if (colon)
		return 0;
	return add_scalar(f, p, p, end - p, YAML_PLAIN_SCALAR_STYLE);
}

/* The ':' ending a plain key of C_KEY bytes at @p, or NULL. */
static const char *simple_key(const char *p, const char *e)
{
	const char *q;

	if (!(cls[(unsigned char)*p] & C_FIRST))
		return NULL;
	q = span(p + 1, e, C_KEY);
	return q < e && *q == ':' && blank_or_end(q + 1, e) ? q : NULL;
}

/*
 * The key at @p: its node, *@after just past its ':' (which a blank or
 * the line's end follows); 0 if it is no key we take.
 */
static int key_at(struct yfast *f, const char *p, const char **after)
{
	const char *e = line_end(f), *end;
	bool colon;
	int i;

	if (*p == '"' || *p == '\'') {
		i = quoted(f, p, &end);
		if (!i)
			return 0;
		while (end < e && *end == ' ')
			end++;
		if (end == e || *end != ':' || !blank_or_end(end + 1, e) ||
		    end - p > MAX_KEY)
			return 0;
		*after = end + 1;
		return i;
	}
	end = simple_key(p, e);
	if (end && end - p <= MAX_KEY) {
		*after = end + 1;
		return add_scalar(f, p, p, end - p, YAML_PLAIN_SCALAR_STYLE);
	}
	if (!plain_start(p, e))
		return 0;
	end = plain_end(p, e, &colon);
	*after = colon ? memchr(end, ':', e - end) : NULL;
	if (!colon || *after - p > MAX_KEY)
		return 0;
	(*after)++;
	return add_scalar(f, p, p, end - p, YAML_PLAIN_SCALAR_STYLE);
}

/* Does a key (a mapping) start at @p?  Decided as key_at() would. */
static bool has_key(const struct yfast *f, const char *p)
{
	const char *e = line_end(f), *q;
	bool colon;

	if (*p == '"' || *p == '\'') {
		for (q = p + 1; q < e && *q != *p; q++)
			;
		if (q == e)
			return false;
		for (q++; q < e && *q == ' '; q++)
			;
		return q < e && *q == ':';
	}
	if (simple_key(p, e))
		return true;
	plain_end(p, e, &colon);
	return colon;
}

/* ---------------------------------------------------------------------- */
/* Block collections */

static int block_node(struct yfast *f, int ind, int depth);
static int block_seq(struct yfast *f, int col, int depth);

/* A line more indented than a scalar's collection continues it: declined. */
static int after_scalar(struct yfast *f, int v, int col)
{
	if (!v)
		return 0;
	next_line(f);
	if (f->kind == L_BAD || (f->kind == L_LINE && f->ind > col))
		return 0;
	return v;
}

/* The value after the ':' at @p of a key at column @col. */
static int map_value(struct yfast *f, const char *p, int col, int depth)
{
	const char *e = line_end(f);
	yaml_mark_t colon_end = { 0, (size_t)f->line,
				  (size_t)(p - (f->buf + f->pos)) };
	int i;

	while (p < e && *p == ' ')
		p++;
	if (p < e && *p != '#')
		return after_scalar(f, inline_value(f, p), col);
	if (next_line(f) == L_BAD)
		return 0;
	if (f->kind == L_LINE && f->ind > col)
		return block_node(f, f->ind, depth + 1);
	if (f->kind == L_LINE && f->ind == col &&
	    is_entry(f->buf + f->pos + col, line_end(f)))
		return block_seq(f, col, depth + 1);
	/* empty: a null at the end of the ':', as libyaml marks it */
	i = add_scalar(f, "", "", 0, YAML_PLAIN_SCALAR_STYLE);
	f->nodes[i - 1].start_mark = colon_end;
	f->nodes[i - 1].end_mark = colon_end;
	return i;
}

/* A block mapping whose first key is at column @col of the current line. */
static int block_map(struct yfast *f, int col, int depth)
{
	int node = add_node(f, YAML_MAPPING_NODE, f->buf + f->pos + col);
	size_t base = f->n_stack;
	const char *after;
	int k, v;

	if (depth > MAX_DEPTH)
		return 0;
	f->nodes[node - 1].data.mapping.style = YAML_BLOCK_MAPPING_STYLE;
	for (;;) {
		k = key_at(f, f->buf + f->pos + col, &after);
		if (!k)
			return 0;
		push(f, k);
		v = map_value(f, after, col, depth);
		if (!v)
			return 0;
		push(f, v);
		if (f->kind != L_LINE || f->ind < col)
			break;
		if (f->ind > col || is_entry(f->buf + f->pos + col, line_end(f)))
			return 0;
	}
	close_map(f, node, base);
	return node;
}

/* One item of a block sequence whose '-' is at column @col. */
static int seq_item(struct yfast *f, int col, int depth)
{
	const char *e = line_end(f), *p = f->buf + f->pos + col + 1;

	while (p < e && *p == ' ')
		p++;
	if (p == e || *p == '#') {
		if (next_line(f) != L_LINE || f->ind <= col)
			return 0;	/* an empty item */
		return block_node(f, f->ind, depth + 1);
	}
	if (is_entry(p, e))
		return 0;		/* "- - x" */
	if (has_key(f, p))
		return block_map(f, (int)(p - (f->buf + f->pos)), depth + 1);
	return after_scalar(f, inline_value(f, p), col);
}

static int block_seq(struct yfast *f, int col, int depth)
{
	int node = add_node(f, YAML_SEQUENCE_NODE, f->buf + f->pos + col);
	size_t base = f->n_stack;
	int v;

	if (depth > MAX_DEPTH)
		return 0;
	f->nodes[node - 1].data.sequence.style = YAML_BLOCK_SEQUENCE_STYLE;
	for (;;) {
		v = seq_item(f, col, depth);
		if (!v)
			return 0;
		push(f, v);
		if (f->kind != L_LINE || f->ind < col)
			break;
		if (f->ind > col)
			return 0;
		/* a key at the column ends an indentless sequence */
		if (!is_entry(f->buf + f->pos + col, line_end(f)))
			break;
	}
	close_seq(f, node, base);
	return node;
}

static int block_node(struct yfast *f, int ind, int depth)
{
	const char *p = f->buf + f->pos + ind;

	if (is_entry(p, line_end(f)))
		return block_seq(f, ind, depth);
	if (!has_key(f, p))
		return 0;		/* a scalar document, or a key's value below it */
	return block_map(f, ind, depth);
}

/* ---------------------------------------------------------------------- */
/*
 * JSON: a document whose first content is '{' or '[' ("kubectl get -o
 * json", watch events), composed as libyaml composes it as flow YAML.
 * Declined: tabs and bytes libyaml checks (scan_line()), escapes other
 * than \" \\ \n \t \r \b \f, a key whose ':' is not on its line, and
 * anything that is not JSON (libyaml then reads it, as YAML).
 */

/* Past blanks and line breaks from *@p; false at the end of the input. */
static bool json_ws(struct yfast *f, const char **p)
{
	for (;;) {
		const char *e = line_end(f);

		while (*p < e && **p == ' ')
			(*p)++;
		if (*p < e)
			return true;
		if (f->lend >= f->len)
			return false;
		f->pos = f->lend + 1;
		f->line++;
		if (f->pos >= f->len || !scan_line(f))
			return false;
		*p = f->buf + f->pos;
	}
}

/* Undo the escapes of a scalar's copy in place; false on one we decline. */
static bool json_unescape(struct yfast *f, int i)
{
	static const char from[] = "\"\\ntrbf", to[] = "\"\\\n\t\r\b\f";
	struct yfast_span *sp = &f->spans[i - 1];
	char *t = f->text + sp->off;
	size_t r, w = 0;

	for (r = 0; r < sp->n; r++, w++) {
		const char *k;

		if (t[r] == '\\') {
			k = strchr(from, t[++r]);
			if (!k || !*k)
				return false;
			t[w] = to[k - from];
		} else {
			t[w] = t[r];
		}
	}
	t[w] = '\0';
	sp->n = w;
	return true;
}

static int json_string(struct yfast *f, const char **p)
{
	const char *e = line_end(f), *q = *p + 1;
	bool esc = false;
	int i;

	for (; q < e && *q != '"'; q++) {
		if (*q == '\\') {
			esc = true;
			if (++q == e)
				return 0;
		}
	}
	if (q == e)
		return 0;
	i = add_scalar(f, *p, *p + 1, q - *p - 1,
		       YAML_DOUBLE_QUOTED_SCALAR_STYLE);
	if (esc && !json_unescape(f, i))
		return 0;
	*p = q + 1;
	return i;
}

static bool json_number(const char *s, const char *e)
{
	if (s < e && *s == '-')
		s++;
	if (s == e || *s < '0' || *s > '9' || (*s == '0' && s + 1 < e &&
					       s[1] >= '0' && s[1] <= '9'))
		return false;
	while (s < e && *s >= '0' && *s <= '9')
		s++;
	if (s < e && *s == '.') {
		if (++s == e || *s < '0' || *s > '9')
			return false;
		while (s < e && *s >= '0' && *s <= '9')
			s++;
	}
	if (s < e && (*s == 'e' || *s == 'E')) {
		s += s + 1 < e && (s[1] == '+' || s[1] == '-');
		if (++s == e || *s < '0' || *s > '9')
			return false;
		while (s < e && *s >= '0' && *s <= '9')
			s++;
	}
	return s == e;
}

/* true, false, null or a number: a plain scalar, ended as libyaml ends it. */
static int json_literal(struct yfast *f, const char **p)
{
	const char *e = line_end(f), *s = *p, *q = s;

	while (q < e && *q && !strchr(" ,[]{}:#", *q))
		q++;
	if (!((q - s == 4 && (!memcmp(s, "true", 4) || !memcmp(s, "null", 4))) ||
	      (q - s == 5 && !memcmp(s, "false", 5)) || json_number(s, q)))
		return 0;
	if (q < e && (*q == ':' || *q == '#'))
		return 0;
	*p = q;
	return add_scalar(f, s, s, q - s, YAML_PLAIN_SCALAR_STYLE);
}

static int json_value(struct yfast *f, const char **p, int depth);

/* The items of a '[' or the pairs of a '{' at *@p, up to its closing one. */
static int json_collection(struct yfast *f, const char **p, int depth)
{
	bool map = **p == '{';
	int node = add_node(f, map ? YAML_MAPPING_NODE : YAML_SEQUENCE_NODE, *p);
	size_t base = f->n_stack;
	char close = map ? '}' : ']';

	if (depth > MAX_DEPTH)
		return 0;
	if (map)
		f->nodes[node - 1].data.mapping.style = YAML_FLOW_MAPPING_STYLE;
	else
		f->nodes[node - 1].data.sequence.style = YAML_FLOW_SEQUENCE_STYLE;
	(*p)++;
	if (!json_ws(f, p))
		return 0;
	while (**p != close) {
		const char *key;
		int k;

		if (f->n_stack > base && (**p != ',' || (++*p, !json_ws(f, p))))
			return 0;
		if (map) {
			/* a key and its ':' on one line, as libyaml's simple keys */
			key = *p;
			if (**p != '"' || !(k = json_string(f, p)))
				return 0;
			push(f, k);
			while (*p < line_end(f) && **p == ' ')
				(*p)++;
			if (*p == line_end(f) || **p != ':' || *p - key > MAX_KEY)
				return 0;
			(*p)++;
			if (!json_ws(f, p))
				return 0;
		}
		k = json_value(f, p, depth + 1);
		if (!k || !json_ws(f, p))
			return 0;
		push(f, k);
	}
	(*p)++;
	if (map)
		close_map(f, node, base);
	else
		close_seq(f, node, base);
	return node;
}

static int json_value(struct yfast *f, const char **p, int depth)
{
	if (**p == '{' || **p == '[')
		return json_collection(f, p, depth);
	if (**p == '"')
		return json_string(f, p);
	return json_literal(f, p);
}

/* A JSON document from the current line; then its line must end. */
static int json_doc(struct yfast *f)
{
	const char *p = f->buf + f->pos + f->ind;
	int root = json_collection(f, &p, 0);

	if (!root || !rest_empty(p, line_end(f)))
		return 0;
	next_line(f);
	return root;
}

/* ---------------------------------------------------------------------- */
/* Documents */

void yfast_init(struct yfast *f, const char *buf, size_t len)
{
	memset(f, 0, sizeof(*f));
	f->buf = buf;
	f->len = len;
	f->stop = len;
	f->first = true;
}

void yfast_seek(struct yfast *f, size_t pos, int line)
{
	f->pos = pos;
	f->line = line;
	f->first = false;
}

size_t yfast_split(const char *buf, size_t len, size_t from)
{
	const char *e = buf + len, *p = buf + (from ? from - 1 : 0);

	while (p < e && (p = memmem(p, e - p, "\n---", 4))) {
		const char *b = p + 1, *le = memchr(b, '\n', e - b);

		if (!le)
			le = e;
		if (marker(b, le, '-') && rest_empty(b + 3, le))
			return b - buf;
		p = b;
	}
	return len;
}

int yfast_count_lines(const char *buf, size_t len)
{
	const uint64_t ones = 0x0101010101010101ULL, nl = ones * '\n';
	const uint64_t lo16 = 0x00ff00ff00ff00ffULL;
	size_t i = 0, n = 0;

	/*
	 * A byte of w is zero where buf has '\n'; count those 8 at a time,
	 * in byte lanes flushed every 255 words (no popcount: without
	 * -mpopcnt it is a libgcc call per word, and this runs before the
	 * second part's thread can start).
	 */
	while (i + 8 <= len) {
		uint64_t acc = 0;

		for (int k = 0; k < 255 && i + 8 <= len; k++, i += 8) {
			uint64_t w, z;

			memcpy(&w, buf + i, 8);
			w ^= nl;
			z = ((w & 0x7f7f7f7f7f7f7f7fULL) + 0x7f7f7f7f7f7f7f7fULL) | w;
			acc += (~z & 0x8080808080808080ULL) >> 7;
		}
		acc = (acc & lo16) + ((acc >> 8) & lo16);
		n += (acc * 0x0001000100010001ULL) >> 48;
	}
	for (; i < len; i++)
		n += buf[i] == '\n';
	return (int)n;
}

void yfast_free(struct yfast *f)
{
	free(f->nodes);
	free(f->spans);
	free(f->stack);
	free(f->items);
	free(f->pairs);
	free(f->text);
	memset(f, 0, sizeof(*f));
}

/* Now that the arrays are final: pointers, and the tags libyaml sets. */
static void fix_up(struct yfast *f, yaml_document_t *doc)
{
	for (size_t i = 0; i < f->n_nodes; i++) {
		yaml_node_t *n = &f->nodes[i];
		struct yfast_span *sp = &f->spans[i];

		switch (n->type) {
		case YAML_SCALAR_NODE:
			n->tag = (yaml_char_t *)YAML_STR_TAG;
			n->data.scalar.value = (yaml_char_t *)f->text + sp->off;
			n->data.scalar.length = sp->n;
			break;
		/*
		 * An empty collection in a document with no items (pairs) at
		 * all has no array to point into: NULL + 0 is not C.
		 */
		case YAML_SEQUENCE_NODE:
			n->tag = (yaml_char_t *)YAML_SEQ_TAG;
			n->data.sequence.items.start = f->items ? f->items + sp->off : NULL;
			n->data.sequence.items.top = f->items ? f->items + sp->off + sp->n : NULL;
			n->data.sequence.items.end = n->data.sequence.items.top;
			break;
		default:
			n->tag = (yaml_char_t *)YAML_MAP_TAG;
			n->data.mapping.pairs.start = f->pairs ? f->pairs + sp->off : NULL;
			n->data.mapping.pairs.top = f->pairs ? f->pairs + sp->off + sp->n : NULL;
			n->data.mapping.pairs.end = n->data.mapping.pairs.top;
			break;
		}
	}
	memset(doc, 0, sizeof(*doc));
	doc->nodes.start = f->nodes;
	doc->nodes.top = f->nodes + f->n_nodes;
	doc->nodes.end = doc->nodes.top;
}

/* The first line of the document's content, past its "---"; or no. */
static bool doc_start(struct yfast *f)
{
	if (peek(f) == L_DOC)
		next_line(f);
	else if (!f->first || f->kind != L_LINE)
		return false;
	return f->kind == L_LINE;	/* an empty document: libyaml's */
}

int yfast_next(struct yfast *f, yaml_document_t *doc)
{
	int root;

	f->doc_pos = f->pos;
	f->doc_line = f->line;
	f->n_nodes = f->n_stack = f->n_items = f->n_pairs = f->n_text = 0;
	if (peek(f) == L_END || f->pos >= f->stop)
		return 0;
	if (!doc_start(f))
		return -1;
	f->first = false;
	if (f->buf[f->pos + f->ind] == '{' || f->buf[f->pos + f->ind] == '[')
		root = json_doc(f);
	else
		root = block_node(f, f->ind, 0);
	if (!root || (f->kind != L_DOC && f->kind != L_END))
		return -1;
	fix_up(f, doc);
	return 1;
}
