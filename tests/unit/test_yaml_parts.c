// SPDX-License-Identifier: GPL-2.0
/*
 * Big streams are read in parts, by threads (yaml_read_buf_mode()).  The
 * result must be the sequential one exactly: the same objects with the
 * same locations, the same messages in the same order, the same error
 * cap, the same return code, wherever in the stream a declined document,
 * an error, a warning or a syntax error falls, and whatever the number of
 * parts.  Each comparison also counts the parts taken, so that a reader
 * that never splits fails here.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model_dump.h"

#define NDOCS	24

/* Read @yaml in sequence and in 2..8 parts; all must agree. */
static void same(const char *yaml)
{
	size_t len = strlen(yaml);
	char *want = read_dump_parts(yaml, len, 0), *got;

	for (int parts = 2; parts <= 8; parts += 3) {
		got = read_dump_parts(yaml, len, parts);
		if (strcmp(want, got))
			fail_msg("%d parts:\n%s\nin sequence:\n%s\ninput:\n%s",
				 parts, got, want, yaml);
		free(got);
	}
	free(want);
}

/* kubectl's Service and EndpointSlice number @i; @bad: what to put in. */
static void doc(FILE *o, int i, const char *bad)
{
	fprintf(o, "apiVersion: v1\nkind: Service\nmetadata:\n"
		"  name: svc-%d\n  namespace: default\n"
		"spec:\n  clusterIP: 10.96.%d.%d\n  ports:\n"
		"  - name: http\n    port: 80\n    protocol: TCP\n"
		"    targetPort: 8080\n  selector:\n    app: a%d\n"
		"  type: ClusterIP\n%s---\n", i, i / 250, 1 + i % 250, i,
		bad ? bad : "");
	fprintf(o, "addressType: IPv4\napiVersion: discovery.k8s.io/v1\n"
		"endpoints:\n- addresses:\n  - 10.244.%d.%d\n"
		"  conditions:\n    ready: true\n  nodeName: node-1\n"
		"kind: EndpointSlice\nmetadata:\n  labels:\n"
		"    kubernetes.io/service-name: svc-%d\n"
		"  name: svc-%d-abcde\n  namespace: default\n"
		"ports:\n- name: http\n  port: 8080\n  protocol: TCP\n",
		i / 250, 1 + i % 250, i, i);
}

/* NDOCS pairs, @bad added to the Service of pair @at (-1: none). */
static char *stream(int at, const char *bad, const char *end)
{
	char *s;
	size_t n;
	FILE *o = open_memstream(&s, &n);

	for (int i = 0; i < NDOCS; i++) {
		doc(o, i, i == at ? bad : NULL);
		if (i + 1 < NDOCS)
			fputs("---\n", o);
	}
	fputs(end, o);
	fclose(o);
	return s;
}

static void read_parts_clean(void **state)
{
	static const char *const ends[] = { "", "---\n", "---", "# end\n" };
	unsigned int used = yaml_parts_used;

	(void)state;
	for (size_t e = 0; e < sizeof(ends) / sizeof(ends[0]); e++) {
		char *s = stream(-1, NULL, ends[e]);

		same(s);
		free(s);
	}
	/* 4 streams x 3 part counts, every part taken */
	assert_int_equal(yaml_parts_used - used, 4 * (1 + 4 + 7));
}

/* Whatever goes wrong, and wherever: the sequential outcome. */
static void read_parts_defects(void **state)
{
	static const char *const bad[] = {
		"  externalIPs: [10.0.0.1]\n",		/* declined, fine */
		"  typo: 1\n",				/* unknown field: error */
		"  ports: 3\n",				/* wrong type: error */
		"  x: [1\n",				/* syntax error */
		"  sessionAffinity: |\n    None\n",	/* declined */
		"  a: \"x\\ny\"\n",			/* escape: declined, error */
	};
	unsigned int used = yaml_parts_used;

	(void)state;
	for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++) {
		for (int at = 0; at < NDOCS; at++) {
			char *s = stream(at, bad[b], "");

			same(s);
			free(s);
		}
	}
	/* A defect late in the stream leaves the parts before it taken. */
	assert_true(yaml_parts_used - used > 100);
}

/* More errors than the cap, spread over every part. */
static void read_parts_cap(void **state)
{
	char *s;
	size_t n;
	FILE *o = open_memstream(&s, &n);

	(void)state;
	for (int i = 0; i < 3 * NDOCS; i++) {
		doc(o, i, "  typo: 1\n");
		fputs("---\n", o);
	}
	fclose(o);
	same(s);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(read_parts_clean),
		cmocka_unit_test(read_parts_defects),
		cmocka_unit_test(read_parts_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
