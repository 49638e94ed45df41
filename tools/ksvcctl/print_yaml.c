// SPDX-License-Identifier: GPL-2.0
/*
 * struct obj_emit over libyaml's emitter: block style, two spaces, lists
 * not indented under their key (as kubectl prints them), and strings that
 * would read back as something else (true, 080, 1e3, null) quoted.
 */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "print_obj.h"

struct yout {
	yaml_emitter_t em;
	int depth;
};

static const char *const not_plain[] = {
	"", "~", "null", "Null", "NULL", "true", "True", "TRUE", "false",
	"False", "FALSE", "yes", "Yes", "YES", "no", "No", "NO", "y", "Y",
	"n", "N", "on", "On", "ON", "off", "Off", "OFF", NULL
};

/* Would a YAML reader take @s for a non-string? */
static bool needs_quotes(const char *s)
{
	const char *const *w;
	char *end;

	for (w = not_plain; *w; w++)
		if (!strcmp(s, *w))
			return true;
	strtod(s, &end);
	if (end != s && !*end)
		return true;
	return s[0] == '.' || ((s[0] == '+' || s[0] == '-') && s[1] == '.');
}

static void emit(struct obj_emit *e, yaml_event_t *ev)
{
	struct yout *y = e->priv;

	if (e->err) {
		yaml_event_delete(ev);
		return;
	}
	if (!yaml_emitter_emit(&y->em, ev))
		e->err = -1;
}

static void doc_start(struct obj_emit *e)
{
	struct yout *y = e->priv;
	yaml_event_t ev;

	if (y->depth++)
		return;
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	emit(e, &ev);
}

static void doc_end(struct obj_emit *e)
{
	struct yout *y = e->priv;
	yaml_event_t ev;

	if (--y->depth)
		return;
	yaml_document_end_event_initialize(&ev, 1);
	emit(e, &ev);
}

static void y_map_start(struct obj_emit *e)
{
	yaml_event_t ev;

	doc_start(e);
	yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
					    YAML_BLOCK_MAPPING_STYLE);
	emit(e, &ev);
}

static void y_map_end(struct obj_emit *e)
{
	yaml_event_t ev;

	yaml_mapping_end_event_initialize(&ev);
	emit(e, &ev);
	doc_end(e);
}

static void y_seq_start(struct obj_emit *e)
{
	yaml_event_t ev;

	doc_start(e);
	yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
					     YAML_BLOCK_SEQUENCE_STYLE);
	emit(e, &ev);
}

static void y_seq_end(struct obj_emit *e)
{
	yaml_event_t ev;

	yaml_sequence_end_event_initialize(&ev);
	emit(e, &ev);
	doc_end(e);
}

static void scalar(struct obj_emit *e, const char *v, yaml_scalar_style_t st)
{
	yaml_event_t ev;

	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)v,
				     (int)strlen(v), 1, 1, st);
	emit(e, &ev);
}

static void y_key(struct obj_emit *e, const char *k)
{
	scalar(e, k, needs_quotes(k) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE :
				       YAML_PLAIN_SCALAR_STYLE);
}

static void y_str(struct obj_emit *e, const char *v, enum obj_str style)
{
	scalar(e, v, style == OBJ_QUOTED || needs_quotes(v) ?
		     YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_PLAIN_SCALAR_STYLE);
}

static void y_num(struct obj_emit *e, long long v)
{
	char b[24];

	snprintf(b, sizeof(b), "%lld", v);
	scalar(e, b, YAML_PLAIN_SCALAR_STYLE);
}

int print_svcs_yaml(FILE *f, const struct wire_svc *v, size_t n, bool list)
{
	struct yout y = { 0 };
	struct obj_emit e = {
		.map_start = y_map_start, .map_end = y_map_end,
		.seq_start = y_seq_start, .seq_end = y_seq_end,
		.key = y_key, .str = y_str, .num = y_num, .priv = &y,
	};
	yaml_event_t ev;

	if (!yaml_emitter_initialize(&y.em))
		return -1;
	yaml_emitter_set_output_file(&y.em, f);
	yaml_emitter_set_unicode(&y.em, 1);
	yaml_emitter_set_width(&y.em, -1);
	yaml_emitter_set_indent(&y.em, 2);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	emit(&e, &ev);
	obj_emit_svcs(&e, v, n, list);
	yaml_stream_end_event_initialize(&ev);
	emit(&e, &ev);
	if (!e.err && !yaml_emitter_flush(&y.em))
		e.err = -1;
	yaml_emitter_delete(&y.em);
	return e.err;
}
