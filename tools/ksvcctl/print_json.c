// SPDX-License-Identifier: GPL-2.0
/*
 * struct obj_emit as JSON, laid out as kubectl prints it (Go's
 * MarshalIndent with four spaces), strings escaped per RFC 8259.
 */
#include <stdbool.h>
#include <stdio.h>

#include "print_obj.h"

#define JSON_DEPTH	32

struct jout {
	FILE *f;
	int depth;
	bool used[JSON_DEPTH];	/* the container at that depth has members */
	bool after_key;
};

static void indent(struct jout *j)
{
	for (int i = 0; i < j->depth; i++)
		fputs("    ", j->f);
}

/* Before a value or key: its separator and indentation. */
static void member(struct jout *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (!j->depth)
		return;
	fputs(j->used[j->depth] ? ",\n" : "\n", j->f);
	j->used[j->depth] = true;
	indent(j);
}

static void open_c(struct obj_emit *e, char c)
{
	struct jout *j = e->priv;

	member(j);
	fputc(c, j->f);
	if (j->depth + 1 >= JSON_DEPTH) {
		e->err = -1;
		return;
	}
	j->used[++j->depth] = false;
}

static void close_c(struct obj_emit *e, char c)
{
	struct jout *j = e->priv;
	bool used = j->used[j->depth];

	j->depth--;
	if (used) {
		fputc('\n', j->f);
		indent(j);
	}
	fputc(c, j->f);
	if (!j->depth)
		fputc('\n', j->f);
}

static void j_map_start(struct obj_emit *e) { open_c(e, '{'); }
static void j_map_end(struct obj_emit *e) { close_c(e, '}'); }
static void j_seq_start(struct obj_emit *e) { open_c(e, '['); }
static void j_seq_end(struct obj_emit *e) { close_c(e, ']'); }

void print_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		switch (c) {
		case '"':	fputs("\\\"", f); break;
		case '\\':	fputs("\\\\", f); break;
		case '\b':	fputs("\\b", f); break;
		case '\f':	fputs("\\f", f); break;
		case '\n':	fputs("\\n", f); break;
		case '\r':	fputs("\\r", f); break;
		case '\t':	fputs("\\t", f); break;
		default:
			if (c < 0x20 || c == 0x7f)
				fprintf(f, "\\u%04x", c);
			else
				fputc(c, f);
		}
	}
	fputc('"', f);
}

static void j_key(struct obj_emit *e, const char *k)
{
	struct jout *j = e->priv;

	member(j);
	print_json_string(j->f, k);
	fputs(": ", j->f);
	j->after_key = true;
}

static void j_str(struct obj_emit *e, const char *v, enum obj_str style)
{
	struct jout *j = e->priv;

	(void)style;
	member(j);
	print_json_string(j->f, v);
}

static void j_num(struct obj_emit *e, long long v)
{
	struct jout *j = e->priv;

	member(j);
	fprintf(j->f, "%lld", v);
}

int print_svcs_json(FILE *f, const struct wire_svc *v, size_t n, bool list)
{
	struct jout j = { .f = f };
	struct obj_emit e = {
		.map_start = j_map_start, .map_end = j_map_end,
		.seq_start = j_seq_start, .seq_end = j_seq_end,
		.key = j_key, .str = j_str, .num = j_num, .priv = &j,
	};

	obj_emit_svcs(&e, v, n, list);
	return e.err || ferror(f) ? -1 : 0;
}
