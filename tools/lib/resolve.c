// SPDX-License-Identifier: GPL-2.0
/*
 * resolve.c: which backends serve each Service port.
 *
 * As kube-proxy does, EndpointSlices (or legacy Endpoints) naming the
 * Service are the truth when the input has any: even an empty one means
 * "no backends".  Only when there are none do we derive backends from the
 * Pods the selector picks, as the EndpointSlice controller would.  If
 * neither says anything, the port's backends are unknown and the kernel
 * keeps what it has.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/ksvc.h>

#include "model_util.h"
#include "hmap.h"
#include "resolve.h"

/*
 * The kernel refuses backends of a family the Service has no cluster
 * address of; a Service without any (headless) takes either.
 */
static bool family_ok(const struct m_service *s, int family)
{
	if (s->n_cluster_ips == 0)
		return true;
	for (size_t i = 0; i < s->n_cluster_ips; i++)
		if (s->cluster_ips[i].family == family)
			return true;
	return false;
}

/* The kernel's order of a set: family, address bytes, port. */
static int be_cmp(const struct m_addr *a, int port, const struct m_backend *b)
{
	int r = a->family - b->addr.family;

	if (!r)
		r = memcmp(a->a, b->addr.a, sizeof(a->a));
	return r ? r : port - b->port;
}

/*
 * Add a backend unless the same address:port is there already.  The list
 * is kept in the kernel's order, so the kernel has nothing to sort (it
 * checks in one pass), and a duplicate is found by bisection, not by a
 * scan per backend.  Endpoints mostly come in address order: then the
 * last backend is the only one compared.
 */
static void add_backend(struct m_port_backends *pb, const struct m_addr *a,
			int port, uint32_t flags, const char *node)
{
	size_t lo = 0, hi = pb->n;
	struct m_backend *be;

	if (hi && be_cmp(a, port, &pb->be[hi - 1]) > 0)
		lo = hi;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = be_cmp(a, port, &pb->be[mid]);

		if (!r)
			return;
		if (r > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	m_vpush((void **)&pb->be, &pb->n, sizeof(*be));
	be = &pb->be[lo];
	memmove(be + 1, be, (pb->n - 1 - lo) * sizeof(*be));
	be->addr = *a;
	be->port = port;
	be->flags = flags;
	be->weight = 1;
	be->node_name = node ? m_xstrdup(node) : NULL;
}

/* EndpointConditions: nil ready means ready, nil serving means ready. */
static uint32_t ep_flags(const struct m_endpoint *ep)
{
	bool ready = ep->ready != 0;
	bool serving = ep->serving < 0 ? ready : ep->serving != 0;
	uint32_t f = 0;

	if (ready)
		f |= KSVC_BE_F_READY;
	if (serving)
		f |= KSVC_BE_F_SERVING;
	if (ep->terminating == 1)
		f |= KSVC_BE_F_TERMINATING;
	return f;
}

/* The slice's port for service port @p: same name ("" both) and protocol. */
static const struct m_ep_port *slice_port(const struct m_slice *sl,
					  const struct m_port *p)
{
	for (size_t i = 0; i < sl->n_ports; i++)
		if (sl->ports[i].proto == p->proto &&
		    !strcmp(sl->ports[i].name, p->name))
			return &sl->ports[i];
	return NULL;
}

/*
 * "ns/name" in @buf (a name holds no '/'); one longer than validation
 * allows is cut, which can only group slices of a model that fails it.
 */
static const char *group_key(char *buf, size_t size, const char *ns,
			     const char *name)
{
	size_t a = strnlen(ns, size - 2), b = strnlen(name, size - 2 - a);

	memcpy(buf, ns, a);
	buf[a] = '/';
	memcpy(buf + a + 1, name, b);
	buf[a + 1 + b] = '\0';
	return buf;
}

/* Addresses of the slices' endpoints: the port's backends, at most. */
static size_t n_addrs(const struct m_slice *const *slices, size_t n)
{
	size_t sum = 0;

	for (size_t x = 0; x < n; x++)
		for (size_t j = 0; j < slices[x]->n_eps; j++)
			sum += slices[x]->eps[j].n_addrs;
	return sum;
}

static void from_slices(const struct m_slice *const *slices, size_t n,
			const struct m_service *s, const struct m_port *p,
			struct m_port_backends *pb)
{
	m_vreserve((void **)&pb->be, pb->n + n_addrs(slices, n), sizeof(*pb->be));
	for (size_t x = 0; x < n; x++) {
		const struct m_slice *sl = slices[x];
		const struct m_ep_port *sp = slice_port(sl, p);

		if (!sp)
			continue;
		for (size_t j = 0; j < sl->n_eps; j++) {
			const struct m_endpoint *ep = &sl->eps[j];

			for (size_t k = 0; k < ep->n_addrs; k++)
				if (family_ok(s, ep->addrs[k].family))
					add_backend(pb, &ep->addrs[k], sp->port,
						    ep_flags(ep), ep->node_name);
		}
	}
}

bool selector_matches(const struct m_service *s, const struct m_pod *p)
{
	for (size_t i = 0; i < s->n_selector; i++) {
		bool found = false;

		for (size_t j = 0; j < p->n_labels && !found; j++)
			found = !strcmp(p->labels[j].key, s->selector[i].key) &&
				!strcmp(p->labels[j].val, s->selector[i].val);
		if (!found)
			return false;
	}
	return true;
}

/* The pod's port for service port @sp; 0 if it has no such named port. */
static int pod_port(const struct m_pod *pod, const struct m_port *sp)
{
	if (!sp->target_port_name)
		return sp->target_port ? sp->target_port : sp->port;
	for (size_t i = 0; i < pod->n_ports; i++)
		if (pod->ports[i].name && pod->ports[i].proto == sp->proto &&
		    !strcmp(pod->ports[i].name, sp->target_port_name))
			return pod->ports[i].port;
	return 0;
}

/*
 * As the EndpointSlice controller sets conditions: a pod being deleted is
 * terminating and not ready, though it may still be serving.
 */
static uint32_t pod_flags(const struct m_pod *pod)
{
	if (pod->terminating)
		return KSVC_BE_F_TERMINATING | (pod->ready ? KSVC_BE_F_SERVING : 0);
	return pod->ready ? KSVC_BE_F_READY | KSVC_BE_F_SERVING : 0;
}

static bool from_pods(const struct m_pod *pods, size_t n_pods,
		      const struct m_service *s, const struct m_port *sp,
		      struct m_port_backends *pb)
{
	bool known = false;

	if (s->n_selector == 0)
		return false;
	for (size_t i = 0; i < n_pods; i++) {
		const struct m_pod *pod = &pods[i];
		uint32_t flags = pod_flags(pod);
		int port;

		/* as the EndpointSlice controller: finished pods serve nothing */
		if (pod->terminal || strcmp(pod->ns, s->ns) ||
		    !selector_matches(s, pod))
			continue;
		known = true;
		port = pod_port(pod, sp);
		if (port <= 0)
			continue;
		for (size_t k = 0; k < pod->n_ips; k++)
			if (family_ok(s, pod->ips[k].family))
				add_backend(pb, &pod->ips[k], port, flags,
					    pod->node_name);
	}
	return known;
}

void resolve_service(struct m_service *s, const struct m_slice *const *slices,
		     size_t n_slices, bool sliced, const struct m_pod *pods,
		     size_t n_pods)
{
	m_service_free_backends(s);
	if (!s->n_ports)
		return;
	s->backends = m_xcalloc(s->n_ports, sizeof(*s->backends));
	for (size_t j = 0; j < s->n_ports; j++) {
		struct m_port_backends *pb = &s->backends[j];

		pb->known = sliced || n_slices;
		if (pb->known)
			from_slices(slices, n_slices, s, &s->ports[j], pb);
		else
			pb->known = from_pods(pods, n_pods, s, &s->ports[j], pb);
	}
}

/*
 * Slices are grouped by (namespace, service) in a hash map: each group's
 * value is its first slice (index + 1), @next chains the rest, in input
 * order.
 */
int resolve_model(struct model *m, struct diag *d)
{
	size_t *next = m_xcalloc(m->n_slices + 1, sizeof(*next));
	const struct m_slice **sl = m_xcalloc(m->n_slices + 1, sizeof(*sl));
	struct hmap groups = { 0 };
	char key[2 * KSVC_NAME_MAX + 256];

	(void)d;
	for (size_t i = m->n_slices; i-- > 0;) {
		const struct m_slice *x = &m->slices[i];
		void **v = hmap_slot(&groups, group_key(key, sizeof(key), x->ns,
							x->service));

		next[i] = (size_t)(uintptr_t)*v;
		*v = (void *)(uintptr_t)(i + 1);
	}
	for (size_t i = 0; i < m->n_svcs; i++) {
		struct m_service *s = &m->svcs[i];
		size_t n = 0, at = (size_t)(uintptr_t)hmap_get(&groups,
			group_key(key, sizeof(key), s->ns, s->name));

		for (; at; at = next[at - 1])
			sl[n++] = &m->slices[at - 1];
		resolve_service(s, sl, n, false, m->pods, m->n_pods);
	}
	hmap_free(&groups);
	free(sl);
	free(next);
	return 0;
}
