// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_yaml.c: libFuzzer target for ksvcctl's front half.  Each input is
 * one manifest, taken through what model_load_opts() does to a file:
 * yaml_read_buf() -> validate_model() -> resolve_model() (only when
 * nothing was wrong) -> model_free().  Messages go to /dev/null, so the
 * printing path runs too but the fuzzer's output stays clean.
 *
 * First, an input that jansson reads as one JSON value must compose the
 * same through json_doc.c as through libyaml, marks included
 * (../unit/doc_same.h); a difference aborts, with the reason.  Last, it
 * goes through what "ksvcctl watch" does with a stream (framing, watch
 * events, the cache and its plan), in two reads.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "json_doc.h"
#include "model.h"
#include "model_util.h"
#include "resolve.h"
#include "stream.h"
#include "validate.h"
#include "watch_cache.h"
#include "yaml_read.h"
#include "../unit/doc_same.h"

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	devnull = fopen("/dev/null", "w");
	return 0;
}

/* flags.c's usage errors are main.c's; not reached here */
int usage_error(const char *verb, const char *fmt, ...)
{
	(void)verb;
	(void)fmt;
	return 1;
}

/* What "ksvcctl watch" does with a round's documents, without a kernel. */
static void watch_round(struct stream *st, struct wcache *c)
{
	const char *doc;
	size_t len;
	struct plan p;
	int line;

	while (stream_next(st, &doc, &len, &line)) {
		struct model m = { 0 };
		struct diag d;

		if (line < 0 || doc < st->buf || doc + len > st->buf + st->len)
			abort();
		diag_init(&d, devnull);
		yaml_read_doc("fifo", doc, len, line, &m, &d, YAML_UNKNOWN_STRICT);
		validate_model(&m, &d, NODEPORT_MIN_DEFAULT, NODEPORT_MAX_DEFAULT);
		if (d.errors)
			model_free(&m);
		else
			wcache_take(c, &m);
		diag_free(&d);
	}
	wcache_plan(c, &p, devnull);
	for (size_t i = 0; i < p.n; i++) {
		const struct m_service *s = p.ops[i].svc;

		if (s && s->n_ports && !s->backends)
			abort();	/* an APPLY without resolved ports */
		wcache_applied(c, &p.ops[i]);
	}
	plan_free(&p);
	wcache_end_round(c);
}

static void feed(struct stream *st, const uint8_t *data, size_t n)
{
	st->buf = realloc(st->buf, st->len + n + 1);
	if (!st->buf)
		m_oom();
	memcpy(st->buf + st->len, data, n);
	st->len += n;
	st->cap = st->len;
}

/*
 * The input as a watch stream, in two reads (cut where the first byte
 * says) that each end quiet: framing, watch events, the cache.
 */
static void watch_stream(const uint8_t *data, size_t size)
{
	size_t cut = size ? data[0] * size / 256 : 0;
	struct wcache c = { 0 };
	struct stream st;

	stream_init(&st, -1);
	feed(&st, data, cut);
	st.idle = true;
	watch_round(&st, &c);
	feed(&st, data + cut, size - cut);
	st.eof = true;
	watch_round(&st, &c);
	if (st.start != st.len)
		abort();	/* the end of input takes everything */
	stream_free(&st);
	wcache_free(&c);
}

/*
 * The first JSON value of @data, composed by json_doc.c, against libyaml's
 * composition of the same bytes, where both compose it.
 */
static void json_same(const char *data, size_t size)
{
	struct json_doc j;
	yaml_document_t y;
	yaml_parser_t p;
	size_t used = 0;
	char why[256];

	if (json_doc_load(&j, data, size, &used, 0, 0) != JSON_DOC_OK) {
		json_doc_free(&j);
		return;
	}
	if (!yaml_parser_initialize(&p))
		abort();
	yaml_parser_set_input_string(&p, (const unsigned char *)data, used);
	if (yaml_parser_load(&p, &y)) {
		if (yaml_document_get_root_node(&y) &&
		    !doc_same(&j.doc, &y, why, sizeof(why))) {
			fprintf(stderr, "json_doc differs from libyaml: %s\n", why);
			abort();
		}
		yaml_document_delete(&y);
	}
	yaml_parser_delete(&p);
	json_doc_free(&j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model m;
	struct diag d;

	json_same((const char *)data, size);
	memset(&m, 0, sizeof(m));
	diag_init(&d, devnull);
	yaml_read_buf("fuzz.yaml", (const char *)data, size, &m, &d);
	validate_model(&m, &d, NODEPORT_MIN_DEFAULT, NODEPORT_MAX_DEFAULT);
	if (!d.errors)
		resolve_model(&m, &d);
	model_free(&m);
	diag_free(&d);
	watch_stream(data, size);
	return 0;
}
