// SPDX-License-Identifier: GPL-2.0
/*
 * A kernel service as a Kubernetes Service object, in kubectl's key order
 * (sorted, as Go's encoders print maps).  Only what the kernel keeps is
 * there: no selector, no labels; the scheduler comes back as the
 * ksvc.io/scheduler annotation it was read from.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>

#include "print.h"
#include "print_obj.h"

void rfc3339(uint64_t ns, char *buf, size_t len)
{
	time_t t = (time_t)(ns / 1000000000ULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void kv_str(struct obj_emit *e, const char *k, const char *v)
{
	e->key(e, k);
	e->str(e, v, OBJ_PLAIN);
}

static void kv_num(struct obj_emit *e, const char *k, long long v)
{
	e->key(e, k);
	e->num(e, v);
}

static const char *proto_str(uint8_t p)
{
	switch (p) {
	case IPPROTO_UDP:	return "UDP";
	case IPPROTO_SCTP:	return "SCTP";
	default:		return "TCP";
	}
}

static void emit_metadata(struct obj_emit *e, const struct wire_svc *s)
{
	char ts[32];

	e->key(e, "metadata");
	e->map_start(e);
	if (s->sched == KSVC_SCHED_MAGLEV) {
		e->key(e, "annotations");
		e->map_start(e);
		kv_str(e, "ksvc.io/scheduler", "maglev");
		e->map_end(e);
	}
	if (s->created) {
		rfc3339(s->created, ts, sizeof(ts));
		e->key(e, "creationTimestamp");
		e->str(e, ts, OBJ_QUOTED);
	}
	kv_str(e, "name", s->name);
	kv_str(e, "namespace", s->ns);
	e->map_end(e);
}

static size_t n_kind(const struct wire_svc *s, uint8_t kind)
{
	size_t i, n = 0;

	for (i = 0; i < s->n_addrs; i++)
		n += s->addrs[i].kind == kind;
	return n;
}

/* The addresses of @kind as a list of strings (of {ip: A} with @ip_key). */
static void emit_addrs(struct obj_emit *e, const struct wire_svc *s,
		       uint8_t kind, bool ip_key)
{
	char b[INET6_ADDRSTRLEN];
	size_t i;

	e->seq_start(e);
	for (i = 0; i < s->n_addrs; i++) {
		const struct wire_addr *a = &s->addrs[i];

		if (a->kind != kind || !inet_ntop(a->family, a->a, b, sizeof(b)))
			continue;
		if (ip_key) {
			e->map_start(e);
			kv_str(e, "ip", b);
			e->map_end(e);
		} else {
			e->str(e, b, OBJ_PLAIN);
		}
	}
	e->seq_end(e);
}

static bool has_node_ports(const struct wire_svc *s)
{
	return s->type == KSVC_SVC_TYPE_NODE_PORT ||
	       s->type == KSVC_SVC_TYPE_LOAD_BALANCER;
}

static void emit_cluster_ips(struct obj_emit *e, const struct wire_svc *s)
{
	char b[INET6_ADDRSTRLEN] = "None";
	bool headless = s->flags & KSVC_SVC_F_HEADLESS;
	size_t i;

	for (i = 0; !headless && i < s->n_addrs; i++)
		if (s->addrs[i].kind == KSVC_ADDR_KIND_CLUSTER) {
			inet_ntop(s->addrs[i].family, s->addrs[i].a, b, sizeof(b));
			break;
		}
	if (!headless && !n_kind(s, KSVC_ADDR_KIND_CLUSTER))
		return;
	kv_str(e, "clusterIP", b);
	e->key(e, "clusterIPs");
	if (headless) {
		e->seq_start(e);
		e->str(e, "None", OBJ_PLAIN);
		e->seq_end(e);
	} else {
		emit_addrs(e, s, KSVC_ADDR_KIND_CLUSTER, false);
	}
}

static void emit_families(struct obj_emit *e, const struct wire_svc *s)
{
	size_t i, n = 0;
	int fam[2];

	for (i = 0; i < s->n_addrs && n < 2; i++)
		if (s->addrs[i].kind == KSVC_ADDR_KIND_CLUSTER &&
		    (!n || fam[0] != s->addrs[i].family))
			fam[n++] = s->addrs[i].family;
	if (!n)
		fam[n++] = AF_INET;	/* headless: what the API server picks */
	e->key(e, "ipFamilies");
	e->seq_start(e);
	for (i = 0; i < n; i++)
		e->str(e, fam[i] == AF_INET6 ? "IPv6" : "IPv4", OBJ_PLAIN);
	e->seq_end(e);
	kv_str(e, "ipFamilyPolicy", n == 2 ? "RequireDualStack" : "SingleStack");
}

static void emit_ports(struct obj_emit *e, const struct wire_svc *s)
{
	size_t i;

	e->key(e, "ports");
	e->seq_start(e);
	for (i = 0; i < s->n_ports; i++) {
		const struct wire_port *p = &s->ports[i];

		e->map_start(e);
		if (p->name[0])
			kv_str(e, "name", p->name);
		if (p->node_port && has_node_ports(s))
			kv_num(e, "nodePort", p->node_port);
		kv_num(e, "port", p->port);
		kv_str(e, "protocol", proto_str(p->proto));
		kv_num(e, "targetPort", p->target_port ? p->target_port : p->port);
		e->map_end(e);
	}
	e->seq_end(e);
}

static void emit_spec(struct obj_emit *e, const struct wire_svc *s)
{
	bool ext = n_kind(s, KSVC_ADDR_KIND_EXTERNAL);

	e->key(e, "spec");
	e->map_start(e);
	emit_cluster_ips(e, s);
	if (ext) {
		e->key(e, "externalIPs");
		emit_addrs(e, s, KSVC_ADDR_KIND_EXTERNAL, false);
	}
	if (has_node_ports(s) || ext)
		kv_str(e, "externalTrafficPolicy",
		       s->flags & KSVC_SVC_F_ETP_LOCAL ? "Local" : "Cluster");
	kv_str(e, "internalTrafficPolicy",
	       s->flags & KSVC_SVC_F_ITP_LOCAL ? "Local" : "Cluster");
	emit_families(e, s);
	emit_ports(e, s);
	if (s->flags & KSVC_SVC_F_AFFINITY) {
		kv_str(e, "sessionAffinity", "ClientIP");
		e->key(e, "sessionAffinityConfig");
		e->map_start(e);
		e->key(e, "clientIP");
		e->map_start(e);
		kv_num(e, "timeoutSeconds",
		       s->affinity_timeout ? s->affinity_timeout : 10800);
		e->map_end(e);
		e->map_end(e);
	} else {
		kv_str(e, "sessionAffinity", "None");
	}
	kv_str(e, "type", svc_type_str(s));
	e->map_end(e);
}

static void emit_status(struct obj_emit *e, const struct wire_svc *s)
{
	e->key(e, "status");
	e->map_start(e);
	e->key(e, "loadBalancer");
	e->map_start(e);
	if (n_kind(s, KSVC_ADDR_KIND_LB_INGRESS)) {
		e->key(e, "ingress");
		emit_addrs(e, s, KSVC_ADDR_KIND_LB_INGRESS, true);
	}
	e->map_end(e);
	e->map_end(e);
}

static void emit_svc(struct obj_emit *e, const struct wire_svc *s)
{
	e->map_start(e);
	kv_str(e, "apiVersion", "v1");
	kv_str(e, "kind", "Service");
	emit_metadata(e, s);
	emit_spec(e, s);
	emit_status(e, s);
	e->map_end(e);
}

void obj_emit_svcs(struct obj_emit *e, const struct wire_svc *v, size_t n,
		   bool list)
{
	size_t i;

	if (!list) {
		for (i = 0; i < n; i++)
			emit_svc(e, &v[i]);
		return;
	}
	e->map_start(e);
	kv_str(e, "apiVersion", "v1");
	e->key(e, "items");
	e->seq_start(e);
	for (i = 0; i < n; i++)
		emit_svc(e, &v[i]);
	e->seq_end(e);
	kv_str(e, "kind", "List");
	e->key(e, "metadata");
	e->map_start(e);
	e->key(e, "resourceVersion");
	e->str(e, "", OBJ_QUOTED);
	e->map_end(e);
	e->map_end(e);
}
