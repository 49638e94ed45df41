// SPDX-License-Identifier: GPL-2.0
/*
 * model.c: allocation helpers and freeing of the model.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "model_util.h"

void m_oom(void)
{
	fputs("ksvcctl: out of memory\n", stderr);
	exit(1);
}

void *m_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		m_oom();
	return p;
}

char *m_xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");

	if (!p)
		m_oom();
	return p;
}

char *m_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		m_oom();
	return s;
}

static void *grow(void **arr, size_t cap, size_t size)
{
	void *p;

	if (cap > ((size_t)-1) / size)
		m_oom();
	p = realloc(*arr, cap * size);
	if (!p)
		m_oom();
	*arr = p;
	return p;
}

/*
 * Most of a model's arrays hold one item or a few (an endpoint's
 * addresses, a service's ports): they start at one and double, or are
 * sized by m_vreserve() from the YAML sequence's length, instead of
 * starting at four.  At 10000 services x 10 endpoints that is a third
 * less heap: pages the kernel would fault in and clear one by one.
 */
void *m_vpush(void **arr, size_t *n, size_t size)
{
	size_t cnt = *n;
	char *p = *arr;

	if ((cnt + 1) * size > malloc_usable_size(p))
		p = grow(arr, cnt ? 2 * cnt : 1, size);
	memset(p + cnt * size, 0, size);
	*n = cnt + 1;
	return p + cnt * size;
}

void m_vreserve(void **arr, size_t n, size_t size)
{
	if (n && (n > ((size_t)-1) / size || n * size > malloc_usable_size(*arr)))
		grow(arr, n, size);
}

void m_labels_free(struct m_label *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(l[i].key);
		free(l[i].val);
	}
	free(l);
}

static void backends_free(struct m_port_backends *pb, size_t n)
{
	if (!pb)
		return;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < pb[i].n; j++)
			free(pb[i].be[j].node_name);
		free(pb[i].be);
	}
	free(pb);
}

void m_service_free_backends(struct m_service *s)
{
	backends_free(s->backends, s->n_ports);
	s->backends = NULL;
}

void m_service_free(struct m_service *s)
{
	free(s->ns);
	free(s->name);
	free(s->external_ips);
	free(s->lb_ingress);
	for (size_t i = 0; i < s->n_ports; i++) {
		free(s->ports[i].name);
		free(s->ports[i].target_port_name);
	}
	free(s->ports);
	m_labels_free(s->selector, s->n_selector);
	m_service_free_backends(s);
	free(s->external_name);
	memset(s, 0, sizeof(*s));
}

void m_slice_free(struct m_slice *s)
{
	free(s->ns);
	free(s->name);
	free(s->service);
	for (size_t i = 0; i < s->n_eps; i++) {
		free(s->eps[i].addrs);
		free(s->eps[i].node_name);
	}
	free(s->eps);
	for (size_t i = 0; i < s->n_ports; i++)
		free(s->ports[i].name);
	free(s->ports);
	memset(s, 0, sizeof(*s));
}

void m_pod_free(struct m_pod *p)
{
	free(p->ns);
	free(p->name);
	m_labels_free(p->labels, p->n_labels);
	free(p->ips);
	free(p->node_name);
	for (size_t i = 0; i < p->n_ports; i++)
		free(p->ports[i].name);
	free(p->ports);
	memset(p, 0, sizeof(*p));
}

const char *m_keep_file(struct model *m, const char *name)
{
	char **slot = m_vpush((void **)&m->files, &m->n_files,
			      sizeof(*m->files));

	*slot = m_xstrdup(name);
	return *slot;
}

void model_free_sources(struct model *m)
{
	for (size_t i = 0; i < m->n_slices; i++)
		m_slice_free(&m->slices[i]);
	free(m->slices);
	m->slices = NULL;
	m->n_slices = 0;
	for (size_t i = 0; i < m->n_pods; i++)
		m_pod_free(&m->pods[i]);
	free(m->pods);
	m->pods = NULL;
	m->n_pods = 0;
}

void model_free(struct model *m)
{
	for (size_t i = 0; i < m->n_svcs; i++)
		m_service_free(&m->svcs[i]);
	free(m->svcs);
	model_free_sources(m);
	for (size_t i = 0; i < m->n_files; i++)
		free(m->files[i]);
	free(m->files);
	memset(m, 0, sizeof(*m));
}

static void append(void **to, size_t *n_to, void **from, size_t *n_from,
		   size_t size)
{
	if (!*n_from)
		return;
	grow(to, *n_to + *n_from, size);
	memcpy((char *)*to + *n_to * size, *from, *n_from * size);
	*n_to += *n_from;
	free(*from);
	*from = NULL;
	*n_from = 0;
}

void model_append(struct model *to, struct model *from)
{
	append((void **)&to->svcs, &to->n_svcs, (void **)&from->svcs,
	       &from->n_svcs, sizeof(*to->svcs));
	append((void **)&to->slices, &to->n_slices, (void **)&from->slices,
	       &from->n_slices, sizeof(*to->slices));
	append((void **)&to->pods, &to->n_pods, (void **)&from->pods,
	       &from->n_pods, sizeof(*to->pods));
	append((void **)&to->files, &to->n_files, (void **)&from->files,
	       &from->n_files, sizeof(*to->files));
}
