// SPDX-License-Identifier: GPL-2.0
/*
 * The columns of "get services", following kubectl's printService()
 * (pkg/printers/internalversion) case by case.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "print.h"

/* kubectl clips the load-balancer list to this unless -o wide. */
#define LB_WIDTH	16

const char *svc_type_str(const struct wire_svc *s)
{
	switch (s->type) {
	case KSVC_SVC_TYPE_CLUSTER_IP:		return "ClusterIP";
	case KSVC_SVC_TYPE_NODE_PORT:		return "NodePort";
	case KSVC_SVC_TYPE_LOAD_BALANCER:	return "LoadBalancer";
	default:				return "<unknown>";
	}
}

static void addr_str(const struct wire_addr *a, char *buf, size_t len)
{
	if (!inet_ntop(a->family, a->a, buf, len))
		snprintf(buf, len, "?");
}

/* Append @piece to @buf, comma separated; silently stops when full. */
static void join(char *buf, size_t len, const char *piece)
{
	size_t used = strlen(buf);

	snprintf(buf + used, len - used, "%s%s", used ? "," : "", piece);
}

void svc_cluster_ip(const struct wire_svc *s, char *buf, size_t len)
{
	size_t i;

	snprintf(buf, len, "%s", s->flags & KSVC_SVC_F_HEADLESS ? "None" : "<none>");
	if (s->flags & KSVC_SVC_F_HEADLESS)
		return;
	for (i = 0; i < s->n_addrs; i++) {
		if (s->addrs[i].kind == KSVC_ADDR_KIND_CLUSTER) {
			addr_str(&s->addrs[i], buf, len);
			return;
		}
	}
}

static void join_kind(const struct wire_svc *s, uint8_t kind, char *buf,
		      size_t len)
{
	char a[INET6_ADDRSTRLEN];
	size_t i;

	for (i = 0; i < s->n_addrs; i++) {
		if (s->addrs[i].kind != kind)
			continue;
		addr_str(&s->addrs[i], a, sizeof(a));
		join(buf, len, a);
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* kubectl puts ingress IPs in a string set: sorted, duplicates dropped. */
static void lb_ingress(const struct wire_svc *s, bool wide, char *buf,
		       size_t len)
{
	char tmp[PRINT_FIELD_MAX] = "", *v[KSVC_MAX_ADDRS], *p, *save;
	size_t n = 0, i;

	buf[0] = '\0';
	join_kind(s, KSVC_ADDR_KIND_LB_INGRESS, tmp, sizeof(tmp));
	for (p = strtok_r(tmp, ",", &save); p && n < KSVC_MAX_ADDRS;
	     p = strtok_r(NULL, ",", &save))
		v[n++] = p;
	qsort(v, n, sizeof(v[0]), cmp_str);
	for (i = 0; i < n; i++)
		if (!i || strcmp(v[i], v[i - 1]))
			join(buf, len, v[i]);
	if (!wide && strlen(buf) > LB_WIDTH && len > LB_WIDTH)
		snprintf(buf + LB_WIDTH - 3, len - (LB_WIDTH - 3), "...");
}

void svc_external_ip(const struct wire_svc *s, bool wide, char *buf,
		     size_t len)
{
	buf[0] = '\0';
	if (s->type == KSVC_SVC_TYPE_LOAD_BALANCER)
		lb_ingress(s, wide, buf, len);
	join_kind(s, KSVC_ADDR_KIND_EXTERNAL, buf, len);
	if (!buf[0])
		snprintf(buf, len, "%s", s->type == KSVC_SVC_TYPE_LOAD_BALANCER ?
			 "<pending>" : "<none>");
}

const char *svc_proto_str(uint8_t proto, char *buf, size_t len)
{
	switch (proto) {
	case IPPROTO_TCP:	return "TCP";
	case IPPROTO_UDP:	return "UDP";
	case IPPROTO_SCTP:	return "SCTP";
	}
	snprintf(buf, len, "%u", proto);
	return buf;
}

void svc_ports(const struct wire_svc *s, char *buf, size_t len)
{
	const struct wire_port *p;
	char piece[64], pr[8];
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < s->n_ports; i++) {
		p = &s->ports[i];
		if (p->node_port)
			snprintf(piece, sizeof(piece), "%u:%u/%s", p->port,
				 p->node_port,
				 svc_proto_str(p->proto, pr, sizeof(pr)));
		else
			snprintf(piece, sizeof(piece), "%u/%s", p->port,
				 svc_proto_str(p->proto, pr, sizeof(pr)));
		join(buf, len, piece);
	}
	if (!buf[0])
		snprintf(buf, len, "<none>");
}

void svc_age(const struct wire_svc *s, int64_t now_ns, char *buf, size_t len)
{
	if (!s->created)
		snprintf(buf, len, "<unknown>");
	else
		human_duration(now_ns - (int64_t)s->created, buf, len);
}

/* Backend entries over all ports, as the kernel holds them. */
size_t svc_endpoints(const struct wire_svc *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->n_ports; i++)
		n += s->ports[i].n_backends;
	return n;
}

uint64_t svc_conns(const struct wire_svc *s)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < s->n_ports; i++)
		n += s->ports[i].stats.conns;
	return n;
}
