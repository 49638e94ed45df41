// SPDX-License-Identifier: GPL-2.0
/*
 * yaml_fast.c against libyaml: every document it composes must be the one
 * libyaml composes, and where it declines, libyaml from there on must
 * read the rest as it reads it from the start (yaml_same.h).  Each case
 * also says whether yaml_fast should compose or decline, so a fast path
 * that declines everything (and so is never wrong) fails here.  Block
 * YAML and JSON (a document starting with '{' or '[') alike.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model_util.h"
#include "yaml_same.h"

#define FAST	0	/* composed whole */
#define DECLINE	1	/* declined somewhere: libyaml reads the rest */

struct snippet {
	const char *yaml;
	int want;
	int docs;	/* composed before any decline */
};

static const struct snippet snippets[] = {
	{ "a: 1\n", FAST, 1 },
	{ "a: 1", FAST, 1 },				/* no final newline */
	{ "a: {}\nb: []\n", FAST, 1 },
	{ "- a\n- b\n", FAST, 1 },
	{ "a:\n- x\n- y\nb: 2\n", FAST, 1 },		/* indentless sequence */
	{ "a:\n  - x\n  -   y\n", FAST, 1 },
	{ "a: 'it''s'\nb: ''\n", FAST, 1 },
	{ "a: \"x y\"\n\"k\" : v\n", FAST, 1 },
	{ "a:\nb:   \nc: # none\n", FAST, 1 },		/* empty values */
	{ "a: 1 # c\n# x\n\n   # y\nb: 2\n", FAST, 1 },
	{ "# head\n---\na: 1\n--- # two\nb: 2\n", FAST, 2 },
	{ "key with spaces  : v w  \n", FAST, 1 },
	{ "-\n  a: 1\n", FAST, 1 },
	{ "a: -1\nb: -x\nc: :x\nd: ?x\ne: x#y\nf: a:b\n", FAST, 1 },
	{ "a:\n  - b: 1\n    c:\n    - 2\n    d: 3\n  - d\n", FAST, 1 },
	{ "  a: 1\n  b: 2\n", FAST, 1 },		/* an indented root */
	/* at the edges of the byte classes of the common "key: value" */
	{ "k9_.-/x: a[b]{c},d!$%&*()=+;<>?@^|~`'\"\nZ: 0\n", FAST, 1 },
	{ "1: x-\n2: x- \n3: '#'\nk\\: \\\n", FAST, 1 },
	{ "a: b\n- c: d\n", DECLINE, 0 },
	{ "items:\n- metadata:\n    labels: {}\n  spec: {}\n", FAST, 1 },
	{ "", FAST, 0 },
	{ "# only a comment\n", FAST, 0 },
	{ "a: |\n  x\n", DECLINE, 0 },
	{ "a: >-\n  x\n", DECLINE, 0 },
	{ "a: [1]\n", DECLINE, 0 },
	/* JSON: a document whose content starts with '{' or '[' */
	{ "{\"a\": 1}\n", FAST, 1 },
	{ "{\"a\":1,\"b\" : \"x\"}", FAST, 1 },
	{ "[1, \"x\", true, false, null, -2.5e3, 0, {}, []]\n", FAST, 1 },
	{ "{\"a\": \"q\\\"b\\\\n\\n\\t\\r\\b\\f\"}\n", FAST, 1 },
	{ "{\n    \"a\": [\n        1,\n        2\n    ],\n    \"b\": {}\n}\n", FAST, 1 },
	{ "{\"a\":\n  1 }  # c\n", FAST, 1 },
	{ "[]\n---\n{\"a\": [], \"b\": {}, \"c\": [[], {}]}\n", FAST, 2 },
	{ "  {\"a\": 1}\n---\n[\"b\"]\n", FAST, 2 },
	{ "{\"a\": \"\\u00e9\"}\n", DECLINE, 0 },
	{ "{\"a\": \"\\/\"}\n", DECLINE, 0 },
	{ "{\"a\"\n: 1}\n", DECLINE, 0 },		/* a key's ':' on the next line */
	{ "{\"a\": 1,}\n", DECLINE, 0 },
	{ "{\"a\": 1}{\"b\": 2}\n", DECLINE, 0 },
	{ "{\"a\": 1}\n{\"b\": 2}\n", DECLINE, 0 },	/* libyaml's error */
	{ "[1\n2]\n", DECLINE, 0 },			/* a multi-line plain */
	{ "{\"a\": 01, \"b\": tru, \"c\": 1.}\n", DECLINE, 0 },
	{ "{a: 1}\n", DECLINE, 0 },
	{ "{\"a\": 1#x}\n", DECLINE, 0 },
	{ "{\"a\": [1, 2\n", DECLINE, 0 },		/* unterminated */
	{ "{\"a\": \"\tb\"}\n", DECLINE, 0 },
	{ "{\"a\": \"caf\xc3\xa9\"}\n", DECLINE, 0 },
	{ "a: \"x\\ny\"\n", DECLINE, 0 },
	{ "a: 'x\n  y'\n", DECLINE, 0 },
	{ "a: b\n  c\n", DECLINE, 0 },			/* a multi-line plain */
	{ "a: &x 1\nb: *x\n", DECLINE, 0 },
	{ "a: !!str 1\n", DECLINE, 0 },
	{ "a: 1\n  b: 2\n", DECLINE, 0 },		/* libyaml's error */
	{ "a: b: c\n", DECLINE, 0 },
	{ "a:\n  b: 1\n c: 2\n", DECLINE, 0 },
	{ "a: 1\n- b\n", DECLINE, 0 },
	{ "\ta: 1\n", DECLINE, 0 },
	{ "a: 1\r\n", DECLINE, 0 },
	{ "a: caf\xc3\xa9\n", DECLINE, 0 },
	{ "- - a\n", DECLINE, 0 },
	{ "? a\n: b\n", DECLINE, 0 },
	{ "a: 1\n...\n", DECLINE, 0 },
	{ "%YAML 1.1\n---\na: 1\n", DECLINE, 0 },
	{ "--- a: 1\n", DECLINE, 0 },
	{ "just a scalar\n", DECLINE, 0 },
	{ "a: 1\n---\n", DECLINE, 1 },			/* an empty document */
	{ "a: 1\n---\nb: [\n", DECLINE, 1 },		/* the error is libyaml's */
	{ "a: 1\n---\nb: \xff\n", DECLINE, 1 },
	{ "a: 1\n---\nb: 2\n---\nc: |\n  x\n---\nd: 4\n", DECLINE, 2 },
};

static void check(const char *yaml, size_t len, int want, int docs)
{
	struct ysame s;

	if (!yaml_same(yaml, len, &s))
		fail_msg("%s\n--- in:\n%.*s", s.why, (int)len, yaml);
	if (want >= 0 && (s.declined != want || s.fast_docs != docs))
		fail_msg("declined %d after %d documents, want %d after %d\n--- in:\n%s",
			 s.declined, s.fast_docs, want, docs, yaml);
}

static void yfast_next_snippets(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(snippets) / sizeof(snippets[0]); i++)
		check(snippets[i].yaml, strlen(snippets[i].yaml),
		      snippets[i].want, snippets[i].docs);
}

/* libyaml refuses a key of over 1024 characters to its ':'. */
static void yfast_next_long_keys(void **state)
{
	static char buf[1200];

	(void)state;
	memset(buf, 'k', 990);
	strcpy(buf + 990, ": v\n");
	check(buf, strlen(buf), FAST, 1);
	memset(buf, 'k', 1010);
	strcpy(buf + 1010, ": v\n");
	check(buf, strlen(buf), DECLINE, 0);
	memset(buf, 'k', 1000);	/* the longest key yaml_fast takes */
	strcpy(buf + 1000, ": v\n");
	check(buf, strlen(buf), FAST, 1);
	memset(buf, 'k', 1001);
	strcpy(buf + 1001, ": v\n");
	check(buf, strlen(buf), DECLINE, 0);
	memset(buf, ' ', 1100);	/* short key, blanks to the ':' */
	buf[0] = 'k';
	strcpy(buf + 1100, ": v\n");
	check(buf, strlen(buf), DECLINE, 0);
}

/* What kubectl get -o yaml prints, as bench/gen.py writes it. */
static const char kubectl_doc[] =
	"apiVersion: v1\n"
	"kind: Service\n"
	"metadata:\n"
	"  annotations:\n"
	"    note: 'a: b'\n"
	"  creationTimestamp: \"2026-11-26T10:00:00Z\"\n"
	"  labels:\n"
	"    app.kubernetes.io/name: web\n"
	"  name: web\n"
	"  namespace: default\n"
	"spec:\n"
	"  clusterIP: 10.96.0.10\n"
	"  clusterIPs:\n"
	"  - 10.96.0.10\n"
	"  ipFamilies:\n"
	"  - IPv4\n"
	"  ports:\n"
	"  - name: http\n"
	"    port: 80\n"
	"    protocol: TCP\n"
	"    targetPort: 8080\n"
	"  selector:\n"
	"    app: web\n"
	"  type: ClusterIP\n"
	"status:\n"
	"  loadBalancer: {}\n"
	"---\n"
	"apiVersion: discovery.k8s.io/v1\n"
	"kind: EndpointSlice\n"
	"metadata:\n"
	"  labels:\n"
	"    kubernetes.io/service-name: web\n"
	"  name: web-abcde\n"
	"  namespace: default\n"
	"addressType: IPv4\n"
	"endpoints:\n"
	"- addresses:\n"
	"  - 10.244.0.11\n"
	"  conditions:\n"
	"    ready: true\n"
	"    serving: true\n"
	"    terminating: false\n"
	"  nodeName: node-1\n"
	"ports:\n"
	"- name: http\n"
	"  port: 8080\n"
	"  protocol: TCP\n";

/* What kubectl get -w --output-watch-events -o json prints. */
static const char kubectl_json[] =
	"{\n"
	"    \"type\": \"MODIFIED\",\n"
	"    \"object\": {\n"
	"        \"apiVersion\": \"discovery.k8s.io/v1\",\n"
	"        \"kind\": \"EndpointSlice\",\n"
	"        \"metadata\": {\n"
	"            \"annotations\": {\n"
	"                \"note\": \"a: b # \\\"c\\\"\"\n"
	"            },\n"
	"            \"labels\": {\n"
	"                \"kubernetes.io/service-name\": \"web\"\n"
	"            },\n"
	"            \"name\": \"web-abcde\",\n"
	"            \"namespace\": \"default\",\n"
	"            \"resourceVersion\": \"12345\"\n"
	"        },\n"
	"        \"addressType\": \"IPv4\",\n"
	"        \"endpoints\": [\n"
	"            {\n"
	"                \"addresses\": [\n"
	"                    \"10.244.0.11\"\n"
	"                ],\n"
	"                \"conditions\": {\n"
	"                    \"ready\": true,\n"
	"                    \"serving\": true,\n"
	"                    \"terminating\": false\n"
	"                },\n"
	"                \"nodeName\": \"node-1\"\n"
	"            }\n"
	"        ],\n"
	"        \"ports\": [\n"
	"            {\n"
	"                \"name\": \"\",\n"
	"                \"port\": 8080,\n"
	"                \"protocol\": \"TCP\"\n"
	"            }\n"
	"        ]\n"
	"    }\n"
	"}\n";

static void yfast_next_kubectl(void **state)
{
	(void)state;
	check(kubectl_doc, strlen(kubectl_doc), FAST, 2);
	check(kubectl_json, strlen(kubectl_json), FAST, 1);
}

/* Every YAML file of the tests, examples and fuzz seeds: same as libyaml. */
static void check_dir(const char *dir, int *files, int *fast)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	char path[4096];

	assert_non_null(d);
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name), n;
		struct ysame s;
		static char buf[1 << 20];
		FILE *fp;

		if (l < 5 || (strcmp(e->d_name + l - 5, ".yaml") &&
			      strcmp(e->d_name + l - 5, ".json")))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		fp = fopen(path, "rb");
		assert_non_null(fp);
		n = fread(buf, 1, sizeof(buf), fp);
		fclose(fp);
		if (!yaml_same(buf, n, &s))
			fail_msg("%s: %s", path, s.why);
		(*files)++;
		*fast += !s.declined;
	}
	closedir(d);
}

static void yfast_next_files(void **state)
{
	int files = 0, fast = 0;

	(void)state;
	check_dir(DATA_DIR, &files, &fast);
	check_dir(DATA_DIR "/../../../examples", &files, &fast);
	check_dir(DATA_DIR "/../../fuzz/corpus", &files, &fast);
	assert_true(files >= 30);
	assert_true(fast >= files / 2);
}

/*
 * Random edits of the kubectl document with the characters that matter
 * to YAML: whatever comes out, composed or declined, must be libyaml's.
 */
static void mutate(const char *doc, int rounds)
{
	static const char chars[] = " \n-:#'\"{}[]&*!|>?.,\t\\x0e";
	size_t len = strlen(doc);
	char *buf = malloc(len + 16);
	int fast = 0, declined = 0;
	unsigned int seed = 1;

	for (int round = 0; round < rounds; round++) {
		size_t n = len;
		struct ysame s;

		memcpy(buf, doc, len);
		for (int k = 0; k < 1 + round % 3; k++) {
			size_t at = rand_r(&seed) % n;
			char c = chars[rand_r(&seed) % (sizeof(chars) - 1)];

			switch (rand_r(&seed) % 3) {
			case 0:		/* replace */
				buf[at] = c;
				break;
			case 1:		/* insert */
				memmove(buf + at + 1, buf + at, n - at);
				buf[at] = c;
				n++;
				break;
			default:	/* delete */
				memmove(buf + at, buf + at + 1, n - at - 1);
				n--;
			}
		}
		if (!yaml_same(buf, n, &s))
			fail_msg("round %d: %s\n--- in:\n%.*s", round, s.why,
				 (int)n, buf);
		if (s.declined)
			declined++;
		else
			fast++;
	}
	free(buf);
	/* both paths taken often: the check compared something */
	assert_true(fast > rounds / 10);
	assert_true(declined > rounds / 10);
}

static void yfast_next_mutations(void **state)
{
	(void)state;
	mutate(kubectl_doc, 20000);
	mutate(kubectl_json, 20000);
}

/* yfast_count_lines() against a plain count, across its 255-word flushes. */
static void yfast_count_lines_random(void **state)
{
	static const size_t lens[] = { 0, 1, 7, 8, 9, 2039, 2040, 2041, 4088,
				       4096, 100000 };
	static char buf[100000];

	(void)state;
	srand(11);
	for (int dense = 0; dense < 3; dense++) {
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = rand() % (dense == 2 ? 1 : 4 << dense) ? 'x' : '\n';
		for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
			for (size_t off = 0; off < 3; off++) {
				size_t len = lens[k] > off ? lens[k] - off : 0;
				int want = 0;

				for (size_t i = 0; i < len; i++)
					want += buf[off + i] == '\n';
				assert_int_equal(yfast_count_lines(buf + off, len), want);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(yfast_next_snippets),
		cmocka_unit_test(yfast_next_long_keys),
		cmocka_unit_test(yfast_next_kubectl),
		cmocka_unit_test(yfast_next_files),
		cmocka_unit_test(yfast_next_mutations),
		cmocka_unit_test(yfast_count_lines_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
