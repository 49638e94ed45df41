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

#include "diag.h"
#include "model.h"
#include "model_util.h"
#include "yaml_read.h"

#define NDOCS	24

static void put_loc(FILE *o, const struct loc *l)
{
	fprintf(o, " @%s:%d:%d", l->file ? l->file : "-", l->line, l->col);
}

static void put_addr(FILE *o, const struct m_addr *a)
{
	fprintf(o, " %d:", a->family);
	for (int i = 0; i < 16; i++)
		fprintf(o, "%02x", a->a[i]);
}

static void dump_svc(FILE *o, const struct m_service *s)
{
	fprintf(o, "svc %s/%s type %d headless %d", s->ns, s->name, s->type,
		s->headless);
	put_loc(o, &s->loc);
	put_loc(o, &s->name_loc);
	put_loc(o, &s->type_loc);
	for (size_t i = 0; i < s->n_cluster_ips; i++)
		put_addr(o, &s->cluster_ips[i]);
	for (size_t i = 0; i < s->n_selector; i++)
		fprintf(o, " sel %s=%s", s->selector[i].key, s->selector[i].val);
	for (size_t i = 0; i < s->n_ports; i++) {
		const struct m_port *p = &s->ports[i];

		fprintf(o, "\n  port %s %d %d %d %d", p->name, p->proto, p->port,
			p->node_port, p->target_port);
		put_loc(o, &p->loc);
		put_loc(o, &p->port_loc);
	}
	fputc('\n', o);
}

static void dump_slice(FILE *o, const struct m_slice *s)
{
	fprintf(o, "slice %s/%s of %s family %d", s->ns, s->name,
		s->service ? s->service : "-", s->family);
	put_loc(o, &s->loc);
	for (size_t i = 0; i < s->n_eps; i++) {
		const struct m_endpoint *e = &s->eps[i];

		fprintf(o, "\n  ep %d %d %d %s", e->ready, e->serving,
			e->terminating, e->node_name ? e->node_name : "-");
		for (size_t j = 0; j < e->n_addrs; j++)
			put_addr(o, &e->addrs[j]);
		put_loc(o, &e->loc);
	}
	for (size_t i = 0; i < s->n_ports; i++) {
		fprintf(o, "\n  port %s %d %d", s->ports[i].name,
			s->ports[i].proto, s->ports[i].port);
		put_loc(o, &s->ports[i].loc);
	}
	fputc('\n', o);
}

/* The model and the messages, as text; and the return code. */
static char *read_dump(const char *yaml, size_t len)
{
	struct model m = { 0 };
	struct diag d;
	char *out;
	size_t n;
	FILE *o = open_memstream(&out, &n);
	int rc;

	diag_init(&d, NULL);
	rc = yaml_read_buf_mode("in.yaml", yaml, len, &m, &d,
				YAML_UNKNOWN_STRICT);
	fprintf(o, "rc %d errors %d warnings %d notices %d\n", rc, d.errors,
		d.warnings, d.notices);
	for (size_t i = 0; i < d.n_msgs; i++)
		fprintf(o, "msg %s\n", d.msgs[i]);
	for (size_t i = 0; i < m.n_svcs; i++)
		dump_svc(o, &m.svcs[i]);
	for (size_t i = 0; i < m.n_slices; i++)
		dump_slice(o, &m.slices[i]);
	fprintf(o, "pods %zu\n", m.n_pods);
	fclose(o);
	model_free(&m);
	diag_free(&d);
	return out;
}

/* Read @yaml in sequence and in 2..8 parts; all must agree. */
static void same(const char *yaml)
{
	size_t len = strlen(yaml);
	char *want, *got;

	yaml_split_min = 0;
	want = read_dump(yaml, len);
	for (int parts = 2; parts <= 8; parts += 3) {
		yaml_split_min = len / parts / 2 + 1;
		yaml_split_parts = parts;
		got = read_dump(yaml, len);
		if (strcmp(want, got))
			fail_msg("%d parts:\n%s\nin sequence:\n%s\ninput:\n%s",
				 parts, got, want, yaml);
		free(got);
	}
	free(want);
	yaml_split_min = 1u << 20;
	yaml_split_parts = 0;
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
