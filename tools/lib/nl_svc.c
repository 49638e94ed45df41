// SPDX-License-Identifier: GPL-2.0
/*
 * Model service -> KSVC_A_SERVICE and its KSVC_A_BACKENDS chunks, exactly
 * as include/uapi/linux/ksvc.h lays them out, with libnl's puts.  Every
 * put is checked (struct put keeps the first error, returned at the end):
 * a message that silently lost an attribute would program the kernel with
 * half a service.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <netlink/attr.h>

#include "nl_svc.h"

/* nla_total_size(), without a call into libnl per attribute */
#define NA(len)	((size_t)NLA_ALIGN(NLA_HDRLEN + (len)))

/*
 * nla_len is 16 bits, so a nest cannot pass 64 KiB: backend sets travel
 * in chunks of at most this many entries, or this many bytes, whichever
 * comes first (an entry is 40..116 bytes; 500 of them stay below 60000).
 */
#define KSVC_CHUNK_MAX		500
#define KSVC_CHUNK_BYTES	60000

static size_t str_size(const char *s)
{
	return NA(s ? strlen(s) + 1 : 1);
}

static size_t backend_size(const struct m_backend *b)
{
	return NA(0) + NA(16) + NA(2) + NA(4) + NA(2) + str_size(b->node_name);
}

static size_t port_size(const struct m_port *p)
{
	return NA(0) + str_size(p->name) + NA(1) + 3 * NA(2);
}

static size_t chunk_head_size(void)
{
	return NA(0) + NA(1) + NA(2);
}

/* Upper bound of one port's chunks: as many heads as put_chunks opens. */
static size_t port_backends_size(const struct m_port_backends *pb)
{
	size_t i, n, cnt = 0, bytes = 0;

	if (!pb || !pb->known)
		return 0;
	n = chunk_head_size();
	for (i = 0; i < pb->n; i++) {
		size_t b = backend_size(&pb->be[i]);

		if (cnt == KSVC_CHUNK_MAX ||
		    chunk_head_size() + bytes + b > KSVC_CHUNK_BYTES) {
			n += chunk_head_size();
			cnt = bytes = 0;
		}
		cnt++;
		bytes += b;
		n += b;
	}
	return n;
}

size_t ksvc_backends_size(const struct m_service *s)
{
	size_t i, n = 0;

	for (i = 0; s->backends && i < s->n_ports; i++)
		n += port_backends_size(&s->backends[i]);
	return n;
}

size_t ksvc_svc_size(const struct m_service *s)
{
	struct m_addr zero[2];
	size_t i, addrs = s->n_cluster_ips + s->n_external_ips + s->n_lb_ingress +
			  ksvc_alloc_families(s, zero);
	size_t n = NA(0) + str_size(s->ns) + str_size(s->name) + NA(1) + NA(4) +
		   NA(1) + NA(4) + NA(0) + addrs * (NA(0) + NA(1) + NA(16)) + NA(0) +
		   NA(1) /* KSVC_SVC_A_OP, in a batch */;

	for (i = 0; i < s->n_ports; i++)
		n += port_size(&s->ports[i]);
	return n + ksvc_backends_size(s);
}

/* A message being written; after the first error nothing more is. */
struct put {
	struct nl_msg *msg;
	int err;
};

static void put_attr(struct put *w, int type, size_t len, const void *v)
{
	if (!w->err && nla_put(w->msg, type, (int)len, v) < 0)
		w->err = -EMSGSIZE;
}

static void put_u8(struct put *w, int type, uint8_t v)
{
	put_attr(w, type, 1, &v);
}

static void put_u16(struct put *w, int type, uint16_t v)
{
	put_attr(w, type, 2, &v);
}

static void put_u32(struct put *w, int type, uint32_t v)
{
	put_attr(w, type, 4, &v);
}

static void put_str(struct put *w, int type, const char *s)
{
	put_attr(w, type, strlen(s) + 1, s);
}

static struct nlattr *nest(struct put *w, int type)
{
	struct nlattr *n = NULL;

	if (!w->err)
		n = nla_nest_start(w->msg, NLA_F_NESTED | type);
	if (!n)
		w->err = w->err ?: -EMSGSIZE;
	return n;
}

/*
 * An empty nest stays (it means "none" here).  nla_len is 16 bits: libnl
 * refuses a nest over 64 KiB.
 */
static void nest_end(struct put *w, struct nlattr *n)
{
	if (!w->err && nla_nest_end_keep_empty(w->msg, n) < 0)
		w->err = -E2BIG;
}

static void put_ip(struct put *w, int a4, int a6, const struct m_addr *a)
{
	if (a->family == AF_INET6)
		put_attr(w, a6, 16, a->a);
	else
		put_attr(w, a4, 4, a->a);
}

static void put_addrs(struct put *w, uint8_t kind, const struct m_addr *a,
		      size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct nlattr *e = nest(w, KSVC_ADDR_A_ENTRY);

		put_u8(w, KSVC_ADDR_A_KIND, kind);
		put_ip(w, KSVC_ADDR_A_IN, KSVC_ADDR_A_IN6, &a[i]);
		nest_end(w, e);
	}
}

size_t ksvc_alloc_families(const struct m_service *s, struct m_addr *out)
{
	size_t n = 0;

	if (s->headless || s->n_cluster_ips)
		return 0;
	memset(out, 0, 2 * sizeof(*out));
	out[n++].family = s->n_ip_families ? s->ip_families[0] : AF_INET;
	if (s->dual_stack && s->n_ip_families == 2)
		out[n++].family = s->ip_families[1];
	return n;
}

static void put_svc_addrs(struct put *w, const struct m_service *s)
{
	/* Always present, even empty: SVC_SET replaces the whole service. */
	struct nlattr *n = nest(w, KSVC_SVC_A_ADDRS);
	struct m_addr zero[2];
	size_t n_zero = ksvc_alloc_families(s, zero);

	/* All zeros: "my current ClusterIP of this family, else a free one". */
	put_addrs(w, KSVC_ADDR_KIND_CLUSTER, zero, n_zero);
	put_addrs(w, KSVC_ADDR_KIND_CLUSTER, s->cluster_ips, s->n_cluster_ips);
	put_addrs(w, KSVC_ADDR_KIND_EXTERNAL, s->external_ips, s->n_external_ips);
	put_addrs(w, KSVC_ADDR_KIND_LB_INGRESS, s->lb_ingress, s->n_lb_ingress);
	nest_end(w, n);
}

static void put_backend(struct put *w, const struct m_backend *b)
{
	struct nlattr *e = nest(w, KSVC_BES_A_ENTRY);

	put_ip(w, KSVC_BE_A_IN, KSVC_BE_A_IN6, &b->addr);
	put_u16(w, KSVC_BE_A_PORT, b->port);
	put_u32(w, KSVC_BE_A_FLAGS, b->flags);
	if (b->weight > 0)
		put_u16(w, KSVC_BE_A_WEIGHT, b->weight);
	if (b->node_name && b->node_name[0])
		put_str(w, KSVC_BE_A_NODE_NAME, b->node_name);
	nest_end(w, e);
}

static struct nlattr *chunk_start(struct put *w, const struct m_port *p)
{
	struct nlattr *c = nest(w, KSVC_A_BACKENDS);

	put_u8(w, KSVC_BES_A_PROTO, p->proto);
	put_u16(w, KSVC_BES_A_PORT, p->port);
	return c;
}

/*
 * The chunks of one port: none when its backends are unknown (the kernel
 * keeps its own), one without entries when known to be none, else as
 * many as the entries need.
 */
static void put_chunks(struct put *w, const struct m_port *p,
		       const struct m_port_backends *pb)
{
	size_t i, cnt = 0, bytes = 0;
	struct nlattr *c;

	if (!pb || !pb->known)
		return;
	c = chunk_start(w, p);
	for (i = 0; i < pb->n; i++) {
		size_t b = backend_size(&pb->be[i]);

		if (cnt == KSVC_CHUNK_MAX ||
		    chunk_head_size() + bytes + b > KSVC_CHUNK_BYTES) {
			nest_end(w, c);
			c = chunk_start(w, p);
			cnt = bytes = 0;
		}
		put_backend(w, &pb->be[i]);
		cnt++;
		bytes += b;
	}
	nest_end(w, c);
}

static void put_all_backends(struct put *w, const struct m_service *s)
{
	for (size_t i = 0; s->backends && i < s->n_ports; i++)
		put_chunks(w, &s->ports[i], &s->backends[i]);
}

int ksvc_put_backends(struct nl_msg *msg, const struct m_service *s)
{
	struct put w = { msg, 0 };

	put_all_backends(&w, s);
	return w.err;
}

static void put_port(struct put *w, const struct m_port *p)
{
	struct nlattr *e = nest(w, KSVC_PORT_A_ENTRY);

	put_str(w, KSVC_PORT_A_NAME, p->name ? p->name : "");
	put_u8(w, KSVC_PORT_A_PROTO, p->proto);
	put_u16(w, KSVC_PORT_A_PORT, p->port);
	if (p->node_port)
		put_u16(w, KSVC_PORT_A_NODE_PORT, p->node_port);
	if (p->target_port)
		put_u16(w, KSVC_PORT_A_TARGET_PORT, p->target_port);
	nest_end(w, e);
}

static void put_ports(struct put *w, const struct m_service *s)
{
	struct nlattr *n = nest(w, KSVC_SVC_A_PORTS);

	for (size_t i = 0; i < s->n_ports; i++)
		put_port(w, &s->ports[i]);
	nest_end(w, n);
}

static uint32_t svc_flags(const struct m_service *s)
{
	return (s->headless ? KSVC_SVC_F_HEADLESS : 0) |
	       (s->affinity_client_ip ? KSVC_SVC_F_AFFINITY : 0) |
	       (s->etp_local ? KSVC_SVC_F_ETP_LOCAL : 0) |
	       (s->itp_local ? KSVC_SVC_F_ITP_LOCAL : 0);
}

static void put_svc_scalars(struct put *w, const struct m_service *s)
{
	put_str(w, KSVC_SVC_A_NAMESPACE, s->ns);
	put_str(w, KSVC_SVC_A_NAME, s->name);
	put_u8(w, KSVC_SVC_A_TYPE, s->type);
	put_u32(w, KSVC_SVC_A_FLAGS, svc_flags(s));
	put_u8(w, KSVC_SVC_A_SCHED, s->sched);
	/* The timeout means nothing without affinity; absent = 10800. */
	if (s->affinity_client_ip && s->affinity_timeout)
		put_u32(w, KSVC_SVC_A_AFFINITY_TIMEOUT, s->affinity_timeout);
}

int ksvc_put_svc(struct nl_msg *msg, const struct m_service *s)
{
	return ksvc_put_svc_op(msg, s, 0);
}

static void put_svc(struct put *w, const struct m_service *s, uint8_t op)
{
	struct nlattr *n;

	if (s->type < M_CLUSTER_IP || s->type > M_LOAD_BALANCER) {
		w->err = w->err ?: -EINVAL;	/* ExternalName is never sent */
		return;
	}
	n = nest(w, KSVC_A_SERVICE);
	if (op)
		put_u8(w, KSVC_SVC_A_OP, op);
	put_svc_scalars(w, s);
	put_svc_addrs(w, s);
	put_ports(w, s);
	nest_end(w, n);
	/* The backends follow the service, outside its nest. */
	put_all_backends(w, s);
}

int ksvc_put_svc_op(struct nl_msg *msg, const struct m_service *s, uint8_t op)
{
	struct put w = { msg, 0 };

	put_svc(&w, s, op);
	return w.err;
}

int ksvc_put_svc_key(struct nl_msg *msg, const char *ns, const char *name)
{
	return ksvc_put_svc_key_op(msg, ns, name, 0);
}

static void put_key(struct put *w, const char *ns, const char *name,
		    uint8_t op)
{
	struct nlattr *n = nest(w, KSVC_A_SERVICE);

	if (op)
		put_u8(w, KSVC_SVC_A_OP, op);
	put_str(w, KSVC_SVC_A_NAMESPACE, ns);
	if (name)
		put_str(w, KSVC_SVC_A_NAME, name);
	nest_end(w, n);
}

int ksvc_put_svc_key_op(struct nl_msg *msg, const char *ns, const char *name,
			uint8_t op)
{
	struct put w = { msg, 0 };

	put_key(&w, ns, name, op);
	return w.err;
}
