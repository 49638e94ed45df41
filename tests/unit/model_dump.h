/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A model and the messages of reading it, as text: to compare reading a
 * stream in parts with reading it in sequence (test_yaml_parts.c and
 * ../fuzz/fuzz_yaml.c).  Objects with their locations, in order; every
 * message, in order; the counts and the return code.
 */
#ifndef KSVCCTL_TEST_MODEL_DUMP_H
#define KSVCCTL_TEST_MODEL_DUMP_H

#include <stdio.h>
#include <stdlib.h>

#include "diag.h"
#include "model.h"
#include "yaml_read.h"

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

/* The same, read in (up to) @parts parts; 0: in sequence. */
static char *read_dump_parts(const char *yaml, size_t len, int parts)
{
	size_t min = yaml_split_min;
	int n = yaml_split_parts;
	char *s;

	yaml_split_min = parts ? len / parts / 2 + 1 : 0;
	yaml_split_parts = parts;
	s = read_dump(yaml, len);
	yaml_split_min = min;
	yaml_split_parts = n;
	return s;
}

#endif
