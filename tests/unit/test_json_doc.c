// SPDX-License-Identifier: GPL-2.0
/*
 * json_doc.c against libyaml: a JSON value composed from jansson's tree
 * must be the document libyaml composes from the same text, node for node
 * and mark for mark (type, scalar text and style, line and column), so
 * that the schema walker reads JSON the same whichever composed it.
 * Inputs: the test data, kubectl-style documents written here (pretty
 * and compact, with escapes, non-ASCII text before values on a line,
 * numbers of every form), and random edits of them; for an edit, only
 * texts both accept are compared, and enough of them must be.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <yaml.h>

#include "doc_same.h"
#include "json_doc.h"

#ifndef DATA_DIR
#define DATA_DIR "data"
#endif

static const char pretty[] =
	"{\n"
	"    \"apiVersion\": \"v1\",\n"
	"    \"items\": [\n"
	"        {\n"
	"            \"apiVersion\": \"v1\",\n"
	"            \"kind\": \"Service\",\n"
	"            \"metadata\": {\n"
	"                \"annotations\": {\n"
	"                    \"note\": \"caf\\u00e9 \\\"q\\\" \\\\ \\/ \\t\", \"\xc3\xa9t\xc3\xa9\": \"\xe2\x82\xac\", \"x\": 1\n"
	"                },\n"
	"                \"labels\": {},\n"
	"                \"name\": \"web\",\n"
	"                \"namespace\": \"default\"\n"
	"            },\n"
	"            \"spec\": {\n"
	"                \"clusterIP\": \"10.96.0.10\",\n"
	"                \"clusterIPs\": [\"10.96.0.10\", \"fd00::a\"],\n"
	"                \"ports\": [\n"
	"                    {\"name\": \"http\", \"port\": 80, \"protocol\": \"TCP\", \"targetPort\": 8080},\n"
	"                    {\"port\": -0, \"nodePort\": 3.0e4, \"targetPort\": \"web\", \"w\": 1.5E-3}\n"
	"                ],\n"
	"                \"selector\": null,\n"
	"                \"publishNotReadyAddresses\": false,\n"
	"                \"allocateLoadBalancerNodePorts\": true,\n"
	"                \"empty\": [], \"nested\": [[], [{}], [1, [2, [3]]]]\n"
	"            }\n"
	"        }\n"
	"    ],\n"
	"    \"kind\": \"List\",\n"
	"    \"metadata\": {\n"
	"        \"resourceVersion\": \"\"\n"
	"    }\n"
	"}\n";


/* libyaml's document of @text; false if libyaml refuses it. */
static bool libyaml_doc(const char *text, size_t len, yaml_document_t *doc)
{
	yaml_parser_t p;
	bool ok;

	assert_true(yaml_parser_initialize(&p));
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	ok = yaml_parser_load(&p, doc);
	yaml_parser_delete(&p);
	if (ok && !yaml_document_get_root_node(doc)) {
		yaml_document_delete(doc);
		ok = false;
	}
	return ok;
}

/*
 * Compose @text both ways.  Returns 1 when compared, 0 when either
 * declined; with @must, both have to accept it.
 */
static int compare(const char *text, size_t len, bool must)
{
	struct json_doc j;
	yaml_document_t y;
	enum json_doc_result k;
	size_t used = 0;
	char why[200];
	bool ly;

	k = json_doc_load(&j, text, len, &used, 0, 0);
	ly = libyaml_doc(text, len, &y);
	if (must) {
		assert_int_equal(k, JSON_DOC_OK);
		assert_true(ly);
	}
	if (k == JSON_DOC_OK && ly && !doc_same(&j.doc, &y, why, sizeof(why)))
		fail_msg("%s", why);
	if (ly)
		yaml_document_delete(&y);
	json_doc_free(&j);
	return k == JSON_DOC_OK && ly;
}

/* Every quote, brace and separator spacing removed: the API server's form. */
static char *compact(const char *in)
{
	char *out = malloc(strlen(in) + 1), *o = out;
	bool str = false;

	assert_non_null(out);
	for (; *in; in++) {
		if (str && *in == '\\') {
			*o++ = *in++;
		} else if (*in == '"') {
			str = !str;
		} else if (!str && strchr(" \n", *in)) {
			continue;
		}
		*o++ = *in;
	}
	*o = 0;
	return out;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	buf[n] = 0;
	*len = (size_t)n;
	return buf;
}

static void kubectl_style(void **state)
{
	char *c = compact(pretty);

	(void)state;
	compare(pretty, strlen(pretty), true);
	compare(c, strlen(c), true);
	free(c);
}

static void test_data(void **state)
{
	size_t len;
	char *buf = slurp(DATA_DIR "/svc-web.json", &len);

	(void)state;
	compare(buf, len, true);
	free(buf);
}

/* The text jansson took is the value alone: what follows is not read. */
static void used_bytes(void **state)
{
	static const char two[] = "  {\"a\": [1, 2]}\n{\"b\": 2}\n";
	struct json_doc j;
	size_t used = 0;

	(void)state;
	assert_int_equal(json_doc_load(&j, two, strlen(two), &used, 3, 4),
			 JSON_DOC_OK);
	assert_int_equal(used, 15);
	/* marks start where the caller says the text starts */
	assert_int_equal(j.doc.nodes.start[0].start_mark.line, 3);
	assert_int_equal(j.doc.nodes.start[0].start_mark.column, 6);
	json_doc_free(&j);
	assert_int_equal(json_doc_load(&j, "{\"a\": 1, \"a\": 2}", 16, &used,
				       0, 0), JSON_DOC_SYNTAX);
	json_doc_free(&j);
	assert_int_equal(json_doc_load(&j, "{\"a\": \"\\u0000\"}", 15, &used,
				       0, 0), JSON_DOC_SYNTAX);
	json_doc_free(&j);
}

/* Nesting near the walker's limit is left to libyaml, whose walk names it. */
static void deep(void **state)
{
	char buf[256];
	struct json_doc j;
	size_t used, n = 0;

	(void)state;
	for (int i = 0; i < 70; i++)
		buf[n++] = '[';
	for (int i = 0; i < 70; i++)
		buf[n++] = ']';
	assert_int_equal(json_doc_load(&j, buf, n, &used, 0, 0), JSON_DOC_OTHER);
	json_doc_free(&j);
}

/* 20000 random edits of both forms; at least a fifth must be compared. */
static void random_edits(void **state)
{
	static const char ins[] = "{}[],:\" \n0-.eE\\u\xc3\xa9tfn";
	const char *base[2] = { pretty, NULL };
	unsigned int seed = 1;
	int compared = 0, tried = 0;
	char *c = compact(pretty);

	(void)state;
	base[1] = c;
	for (int i = 0; i < 20000; i++) {
		const char *b = base[i & 1];
		size_t len = strlen(b), at = (size_t)rand_r(&seed) % len;
		char *e = malloc(len + 2);

		assert_non_null(e);
		memcpy(e, b, len + 1);
		if (rand_r(&seed) & 1) {
			memmove(e + at + 1, e + at, len - at + 1);
			e[at] = ins[rand_r(&seed) % (sizeof(ins) - 1)];
			len++;
		} else {
			memmove(e + at, e + at + 1, len - at);
			len--;
		}
		compared += compare(e, len, false);
		tried++;
		free(e);
	}
	free(c);
	assert_true(compared > tried / 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kubectl_style),
		cmocka_unit_test(test_data),
		cmocka_unit_test(used_bytes),
		cmocka_unit_test(deep),
		cmocka_unit_test(random_edits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
