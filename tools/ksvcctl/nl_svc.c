// SPDX-License-Identifier: GPL-2.0
/*
 * Model service -> KSVC_A_SERVICE and its KSVC_A_BACKENDS chunks, exactly
 * as include/uapi/linux/ksvc.h lays them out.  Every put is checked: a
 * message that silently lost an attribute would program the kernel with
 * half a service.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <netlink/attr.h>

#include "nl_svc.h"

#define NA(len)	((size_t)nla_total_size(len))

/*
 * nla_len is 16 bits, so a nest cannot pass 64 KiB: backend sets travel
 * in chunks of at most this many entries, or this many bytes, whichever
 * comes first (an entry is 40..116 bytes; 500 of them stay below 60000).
 */
#define KSVC_CHUNK_MAX		500
#define KSVC_CHUNK_BYTES	60000

/*
 * libnl silently drops an empty nest, but an empty ADDRS list means
 * "none" here.  And a nest over 64 KiB is refused by libnl, which reports
 * it only through this return.
 */
static int nest_end(struct nl_msg *msg, struct nlattr *n)
{
	return nla_nest_end_keep_empty(msg, n) < 0 ? -E2BIG : 0;
}

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

static int put_ip(struct nl_msg *msg, int a4, int a6, const struct m_addr *a)
{
	if (a->family == AF_INET6)
		return nla_put(msg, a6, 16, a->a);
	return nla_put(msg, a4, 4, a->a);
}

static int put_addrs(struct nl_msg *msg, uint8_t kind, const struct m_addr *a,
		     size_t n)
{
	struct nlattr *e;
	size_t i;

	for (i = 0; i < n; i++) {
		e = nla_nest_start(msg, KSVC_ADDR_A_ENTRY);
		if (!e || nla_put_u8(msg, KSVC_ADDR_A_KIND, kind) ||
		    put_ip(msg, KSVC_ADDR_A_IN, KSVC_ADDR_A_IN6, &a[i]))
			return -EMSGSIZE;
		if (nest_end(msg, e))
			return -E2BIG;
	}
	return 0;
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

static int put_svc_addrs(struct nl_msg *msg, const struct m_service *s)
{
	struct nlattr *n = nla_nest_start(msg, KSVC_SVC_A_ADDRS);
	struct m_addr zero[2];
	size_t n_zero = ksvc_alloc_families(s, zero);
	int err;

	/* Always present, even empty: SVC_SET replaces the whole service. */
	if (!n)
		return -EMSGSIZE;
	/* All zeros: "my current ClusterIP of this family, else a free one". */
	err = put_addrs(msg, KSVC_ADDR_KIND_CLUSTER, zero, n_zero) ?:
	      put_addrs(msg, KSVC_ADDR_KIND_CLUSTER, s->cluster_ips, s->n_cluster_ips) ?:
	      put_addrs(msg, KSVC_ADDR_KIND_EXTERNAL, s->external_ips, s->n_external_ips) ?:
	      put_addrs(msg, KSVC_ADDR_KIND_LB_INGRESS, s->lb_ingress, s->n_lb_ingress);
	return err ?: nest_end(msg, n);
}

static int put_backend(struct nl_msg *msg, const struct m_backend *b)
{
	struct nlattr *e = nla_nest_start(msg, KSVC_BES_A_ENTRY);

	if (!e || put_ip(msg, KSVC_BE_A_IN, KSVC_BE_A_IN6, &b->addr) ||
	    nla_put_u16(msg, KSVC_BE_A_PORT, b->port) ||
	    nla_put_u32(msg, KSVC_BE_A_FLAGS, b->flags))
		return -EMSGSIZE;
	if (b->weight > 0 && nla_put_u16(msg, KSVC_BE_A_WEIGHT, b->weight))
		return -EMSGSIZE;
	if (b->node_name && b->node_name[0] &&
	    nla_put_string(msg, KSVC_BE_A_NODE_NAME, b->node_name))
		return -EMSGSIZE;
	return nest_end(msg, e);
}

static struct nlattr *chunk_start(struct nl_msg *msg, const struct m_port *p)
{
	struct nlattr *c = nla_nest_start(msg, KSVC_A_BACKENDS);

	if (!c || nla_put_u8(msg, KSVC_BES_A_PROTO, p->proto) ||
	    nla_put_u16(msg, KSVC_BES_A_PORT, p->port))
		return NULL;
	return c;
}

/*
 * The chunks of one port: none when its backends are unknown (the kernel
 * keeps its own), one without entries when known to be none, else as
 * many as the entries need.
 */
static int put_chunks(struct nl_msg *msg, const struct m_port *p,
		      const struct m_port_backends *pb)
{
	size_t i, cnt = 0, bytes = 0;
	struct nlattr *c;
	int err;

	if (!pb || !pb->known)
		return 0;
	c = chunk_start(msg, p);
	if (!c)
		return -EMSGSIZE;
	for (i = 0; i < pb->n; i++) {
		size_t b = backend_size(&pb->be[i]);

		if (cnt == KSVC_CHUNK_MAX ||
		    chunk_head_size() + bytes + b > KSVC_CHUNK_BYTES) {
			err = nest_end(msg, c);
			if (err)
				return err;
			c = chunk_start(msg, p);
			if (!c)
				return -EMSGSIZE;
			cnt = bytes = 0;
		}
		err = put_backend(msg, &pb->be[i]);
		if (err)
			return err;
		cnt++;
		bytes += b;
	}
	return nest_end(msg, c);
}

int ksvc_put_backends(struct nl_msg *msg, const struct m_service *s)
{
	size_t i;
	int err;

	for (i = 0; s->backends && i < s->n_ports; i++) {
		err = put_chunks(msg, &s->ports[i], &s->backends[i]);
		if (err)
			return err;
	}
	return 0;
}

static int put_port(struct nl_msg *msg, const struct m_port *p)
{
	struct nlattr *e = nla_nest_start(msg, KSVC_PORT_A_ENTRY);

	if (!e || nla_put_string(msg, KSVC_PORT_A_NAME, p->name ? p->name : "") ||
	    nla_put_u8(msg, KSVC_PORT_A_PROTO, p->proto) ||
	    nla_put_u16(msg, KSVC_PORT_A_PORT, p->port))
		return -EMSGSIZE;
	if (p->node_port && nla_put_u16(msg, KSVC_PORT_A_NODE_PORT, p->node_port))
		return -EMSGSIZE;
	if (p->target_port &&
	    nla_put_u16(msg, KSVC_PORT_A_TARGET_PORT, p->target_port))
		return -EMSGSIZE;
	return nest_end(msg, e);
}

static int put_ports(struct nl_msg *msg, const struct m_service *s)
{
	struct nlattr *n = nla_nest_start(msg, KSVC_SVC_A_PORTS);
	size_t i;
	int err;

	if (!n)
		return -EMSGSIZE;
	for (i = 0; i < s->n_ports; i++) {
		err = put_port(msg, &s->ports[i]);
		if (err)
			return err;
	}
	return nest_end(msg, n);
}

static uint32_t svc_flags(const struct m_service *s)
{
	return (s->headless ? KSVC_SVC_F_HEADLESS : 0) |
	       (s->affinity_client_ip ? KSVC_SVC_F_AFFINITY : 0) |
	       (s->etp_local ? KSVC_SVC_F_ETP_LOCAL : 0) |
	       (s->itp_local ? KSVC_SVC_F_ITP_LOCAL : 0);
}

static int put_svc_scalars(struct nl_msg *msg, const struct m_service *s)
{
	if (nla_put_string(msg, KSVC_SVC_A_NAMESPACE, s->ns) ||
	    nla_put_string(msg, KSVC_SVC_A_NAME, s->name) ||
	    nla_put_u8(msg, KSVC_SVC_A_TYPE, s->type) ||
	    nla_put_u32(msg, KSVC_SVC_A_FLAGS, svc_flags(s)) ||
	    nla_put_u8(msg, KSVC_SVC_A_SCHED, s->sched))
		return -EMSGSIZE;
	/* The timeout means nothing without affinity; absent = 10800. */
	if (s->affinity_client_ip && s->affinity_timeout &&
	    nla_put_u32(msg, KSVC_SVC_A_AFFINITY_TIMEOUT, s->affinity_timeout))
		return -EMSGSIZE;
	return 0;
}

int ksvc_put_svc(struct nl_msg *msg, const struct m_service *s)
{
	return ksvc_put_svc_op(msg, s, 0);
}

int ksvc_put_svc_op(struct nl_msg *msg, const struct m_service *s, uint8_t op)
{
	struct nlattr *n;
	int err;

	if (s->type < M_CLUSTER_IP || s->type > M_LOAD_BALANCER)
		return -EINVAL;		/* ExternalName is never sent */
	n = nla_nest_start(msg, KSVC_A_SERVICE);
	if (!n)
		return -EMSGSIZE;
	if (op && nla_put_u8(msg, KSVC_SVC_A_OP, op))
		return -EMSGSIZE;
	err = put_svc_scalars(msg, s) ?: put_svc_addrs(msg, s) ?:
	      put_ports(msg, s);
	err = err ?: nest_end(msg, n);
	/* The backends follow the service, outside its nest. */
	return err ?: ksvc_put_backends(msg, s);
}

int ksvc_put_svc_key(struct nl_msg *msg, const char *ns, const char *name)
{
	return ksvc_put_svc_key_op(msg, ns, name, 0);
}

int ksvc_put_svc_key_op(struct nl_msg *msg, const char *ns, const char *name,
			uint8_t op)
{
	struct nlattr *n = nla_nest_start(msg, KSVC_A_SERVICE);

	if (!n || (op && nla_put_u8(msg, KSVC_SVC_A_OP, op)) ||
	    nla_put_string(msg, KSVC_SVC_A_NAMESPACE, ns))
		return -EMSGSIZE;
	if (name && nla_put_string(msg, KSVC_SVC_A_NAME, name))
		return -EMSGSIZE;
	return nest_end(msg, n);
}
