// SPDX-License-Identifier: GPL-2.0
/*
 * validate.c: the API server's checks, with its wording, applied to the
 * model; plus the kernel's own limits where Kubernetes allows more.
 *
 * Field-level problems point at the field's key (the locs the reader
 * kept); problems with no field of their own point at the object.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/ksvc.h>

#include "diag.h"
#include "dupindex.h"
#include "model.h"
#include "validate.h"

#define SHOW_LEN	160

int parse_ip(const char *s, struct m_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->a) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->a) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	memset(a, 0, sizeof(*a));
	return -1;
}

int parse_proto(const char *s)
{
	if (!strcmp(s, "TCP"))
		return IPPROTO_TCP;
	if (!strcmp(s, "UDP"))
		return IPPROTO_UDP;
	if (!strcmp(s, "SCTP"))
		return IPPROTO_SCTP;
	return -1;
}

const char *proto_name(int proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "TCP";
	case IPPROTO_UDP:
		return "UDP";
	case IPPROTO_SCTP:
		return "SCTP";
	}
	return "?";
}

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* [a-z0-9]([-a-z0-9]*[a-z0-9])? over s[0..n) */
static bool label_ok(const char *s, size_t n)
{
	if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_lower_alnum(s[i]) && s[i] != '-')
			return false;
	return true;
}

const char *check_dns1035_label(const char *s)
{
	if (strlen(s) > 63)
		return "must be no more than 63 characters";
	if (!label_ok(s, strlen(s)) || !(s[0] >= 'a' && s[0] <= 'z'))
		return "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
	return NULL;
}

const char *check_dns1123_label(const char *s)
{
	if (strlen(s) > 63)
		return "must be no more than 63 characters";
	if (!label_ok(s, strlen(s)))
		return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
	return NULL;
}

const char *check_dns1123_subdomain(const char *s)
{
	const char *p = s;

	if (strlen(s) > 253)
		return "must be no more than 253 characters";
	for (;;) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);

		if (!label_ok(p, n))
			return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
		if (!dot)
			return NULL;
		p = dot + 1;
	}
}

const char *check_port_name(const char *s)
{
	size_t n = strlen(s);
	bool letter = false;

	if (n > 15)
		return "must be no more than 15 characters";
	for (size_t i = 0; i < n; i++) {
		if (!is_lower_alnum(s[i]) && s[i] != '-')
			return "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)";
		if (s[i] >= 'a' && s[i] <= 'z')
			letter = true;
	}
	if (strstr(s, "--"))
		return "must not contain consecutive hyphens";
	if (!letter)
		return "must contain at least one letter (a-z)";
	if (s[0] == '-' || s[n - 1] == '-')
		return "must not begin or end with a hyphen";
	return NULL;
}

/* The field's own loc if it was written, else the enclosing object's. */
static const struct loc *at(const struct loc *field, const struct loc *obj)
{
	return field->line ? field : obj;
}

static const char *q(char *buf, const char *s)
{
	return diag_quote(buf, SHOW_LEN, s);
}

static void check_name(struct diag *d, const char *name, const struct loc *l,
		       const struct loc *obj,
		       const char *(*check)(const char *))
{
	char b[SHOW_LEN];
	const char *why;

	if (!name) {
		diag_error(d, obj, "metadata.name: Required value: name or generateName is required");
		return;
	}
	why = check(name);
	if (why)
		diag_error(d, at(l, obj), "metadata.name: Invalid value: %s: %s",
			   q(b, name), why);
}

static void check_ns(struct diag *d, const char *ns, const struct loc *l,
		     const struct loc *obj)
{
	char b[SHOW_LEN];
	const char *why = check_dns1123_label(ns);

	if (why)
		diag_error(d, at(l, obj), "metadata.namespace: Invalid value: %s: %s",
			   q(b, ns), why);
}

static void dup_object(struct diag *d, const char *kind, const char *ns,
		       const char *name, const struct loc *l,
		       const struct loc *first)
{
	char b[SHOW_LEN];

	diag_error(d, l, "metadata.name: Duplicate value: %s: %s \"%s/%s\" is already defined at %s:%d:%d",
		   q(b, name), kind, ns, name, first->file, first->line,
		   first->col);
}

static bool in_range(int v, int lo, int hi)
{
	return v >= lo && v <= hi;
}

static void port_range(struct diag *d, const struct loc *l, const char *path,
		       int v)
{
	if (!in_range(v, 1, 65535))
		diag_error(d, l, "%s: Invalid value: %d: must be between 1 and 65535, inclusive",
			   path, v);
}

static const char *type_name(enum m_svc_type t)
{
	switch (t) {
	case M_CLUSTER_IP:
		return "ClusterIP";
	case M_NODE_PORT:
		return "NodePort";
	case M_LOAD_BALANCER:
		return "LoadBalancer";
	case M_EXTERNAL_NAME:
		return "ExternalName";
	}
	return "?";
}

static bool has_node_ports(const struct m_service *s)
{
	return s->type == M_NODE_PORT || s->type == M_LOAD_BALANCER;
}

static void check_port_name_field(struct diag *d, const struct m_service *s,
				  size_t i, const char *path)
{
	const struct m_port *p = &s->ports[i];
	char b[SHOW_LEN];
	const char *why;

	if (!p->name[0]) {
		if (s->n_ports > 1)
			diag_error(d, &p->loc, "%s.name: Required value", path);
		return;
	}
	why = check_dns1123_label(p->name);
	if (why) {
		diag_error(d, at(&p->name_loc, &p->loc), "%s.name: Invalid value: %s: %s",
			   path, q(b, p->name), why);
		return;
	}
	for (size_t j = 0; j < i; j++)
		if (!strcmp(s->ports[j].name, p->name)) {
			diag_error(d, at(&p->name_loc, &p->loc), "%s.name: Duplicate value: %s",
				   path, q(b, p->name));
			return;
		}
}

static void check_target_port(struct diag *d, const struct m_port *p,
			      const char *path)
{
	const struct loc *l = at(&p->target_port_loc, &p->loc);
	char b[SHOW_LEN];
	const char *why;

	if (p->target_port_name) {
		why = check_port_name(p->target_port_name);
		if (why)
			diag_error(d, l, "%s.targetPort: Invalid value: %s: %s",
				   path, q(b, p->target_port_name), why);
		return;
	}
	/* 0 means "same as port", as the API server defaults it */
	if (p->target_port != 0 && !in_range(p->target_port, 1, 65535))
		diag_error(d, l, "%s.targetPort: Invalid value: %d: must be between 1 and 65535, inclusive",
			   path, p->target_port);
}

static void check_node_port(struct diag *d, const struct m_service *s,
			    size_t i, const char *path, int np_min, int np_max)
{
	const struct m_port *p = &s->ports[i];
	const struct loc *l = at(&p->node_port_loc, &p->loc);

	if (p->node_port == 0)
		return;
	if (!has_node_ports(s)) {
		diag_error(d, l, "%s.nodePort: Forbidden: may not be used when type is '%s'",
			   path, type_name(s->type));
		return;
	}
	if (!in_range(p->node_port, 1, 65535)) {
		char fpath[80];

		snprintf(fpath, sizeof(fpath), "%s.nodePort", path);
		port_range(d, l, fpath, p->node_port);
		return;
	}
	if (!in_range(p->node_port, np_min, np_max)) {
		diag_error(d, l, "%s.nodePort: Invalid value: %d: provided port is not in the valid range. The range of valid ports is %d-%d",
			   path, p->node_port, np_min, np_max);
		return;
	}
	for (size_t j = 0; j < i; j++)
		if (s->ports[j].node_port == p->node_port &&
		    s->ports[j].proto == p->proto) {
			diag_error(d, l, "%s.nodePort: Duplicate value: %d",
				   path, p->node_port);
			return;
		}
}

static void check_svc_port(struct diag *d, const struct m_service *s, size_t i,
			   int np_min, int np_max)
{
	const struct m_port *p = &s->ports[i];
	char path[64], fpath[80];

	snprintf(path, sizeof(path), "spec.ports[%zu]", i);
	check_port_name_field(d, s, i, path);
	snprintf(fpath, sizeof(fpath), "%s.port", path);
	port_range(d, at(&p->port_loc, &p->loc), fpath, p->port);
	for (size_t j = 0; j < i; j++)
		if (s->ports[j].port == p->port && s->ports[j].proto == p->proto) {
			diag_error(d, &p->loc, "%s: Duplicate value: \"%d/%s\"",
				   path, p->port, proto_name(p->proto));
			break;
		}
	check_target_port(d, p, path);
	check_node_port(d, s, i, path, np_min, np_max);
}

/* spec fields that only make sense together. */
static void check_svc_spec(struct diag *d, const struct m_service *s)
{
	size_t n_addrs = s->n_cluster_ips + s->n_external_ips + s->n_lb_ingress;

	if (s->type == M_EXTERNAL_NAME) {
		if (!s->external_name || !s->external_name[0])
			diag_error(d, &s->loc, "spec.externalName: Required value");
	} else if (s->headless && has_node_ports(s)) {
		diag_error(d, at(&s->cluster_ip_loc, &s->loc),
			   "spec.clusterIP: Invalid value: \"None\": may not be set to 'None' for %s services",
			   type_name(s->type));
	}
	/* No clusterIP: the kernel allocates one (nl_svc.c asks for it). */
	for (size_t i = 0; i < s->n_cluster_ips && i < s->n_ip_families; i++)
		if (s->cluster_ips[i].family != s->ip_families[i])
			diag_error(d, at(&s->cluster_ip_loc, &s->loc),
				   "spec.ipFamilies[%zu]: Invalid value: \"%s\": must match the family of spec.clusterIPs[%zu]",
				   i, s->ip_families[i] == AF_INET6 ? "IPv6" : "IPv4", i);
	if (s->n_ports == 0 && !s->headless && s->type != M_EXTERNAL_NAME)
		diag_error(d, at(&s->ports_loc, &s->loc), "spec.ports: Required value");
	if (s->n_ports > KSVC_MAX_PORTS)
		diag_error(d, at(&s->ports_loc, &s->loc),
			   "spec.ports: Too many: %zu: must have at most %d items",
			   s->n_ports, KSVC_MAX_PORTS);
	if (n_addrs > KSVC_MAX_ADDRS)
		diag_error(d, &s->loc, "spec.externalIPs: Too many: %zu: a service may have at most %d addresses (cluster, external and load-balancer ingress)",
			   n_addrs, KSVC_MAX_ADDRS);
	/*
	 * Like the API server, a ClusterIP service with externalIPs is
	 * reachable from outside and may choose its external policy.
	 */
	if (s->etp_loc.line && !has_node_ports(s) &&
	    !(s->type == M_CLUSTER_IP && s->n_external_ips))
		diag_error(d, &s->etp_loc, "spec.externalTrafficPolicy: Invalid value: \"%s\": may only be set when type is 'NodePort' or 'LoadBalancer'",
			   s->etp_local ? "Local" : "Cluster");
	if (s->timeout_loc.line && !in_range((int32_t)s->affinity_timeout, 1, 86400))
		diag_error(d, &s->timeout_loc, "spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: %d: must be between 1 and 86400, inclusive",
			   (int32_t)s->affinity_timeout);
	if (s->affinity_cfg_loc.line && !s->affinity_client_ip)
		diag_error(d, &s->affinity_cfg_loc, "spec.sessionAffinityConfig: Forbidden: must not be set when sessionAffinity is None");
}

static void check_service(const struct model *m, size_t k, size_t first,
			  struct diag *d, int np_min, int np_max)
{
	const struct m_service *s = &m->svcs[k];

	check_name(d, s->name, &s->name_loc, &s->loc, check_dns1035_label);
	check_ns(d, s->ns, &s->ns_loc, &s->loc);
	if (first != k)
		dup_object(d, "Service", s->ns, s->name,
			   at(&s->name_loc, &s->loc), &m->svcs[first].loc);
	check_svc_spec(d, s);
	for (size_t i = 0; i < s->n_ports && !diag_full(d); i++)
		check_svc_port(d, s, i, np_min, np_max);
}

/* The kernel keeps node names in KSVC_NAME_MAX bytes. */
static bool node_name_ok(const char *name)
{
	return !name || strlen(name) <= KSVC_NAME_MAX - 1;
}

static void check_node_name(struct diag *d, const char *name,
			    const struct loc *l, const char *path)
{
	char b[SHOW_LEN];

	if (!node_name_ok(name))
		diag_error(d, l, "%s: Invalid value: %s: must be no more than %d characters (ksvc limit)",
			   path, q(b, name), KSVC_NAME_MAX - 1);
}

/* Index of the subset an Endpoints slice came from (they are adjacent). */
static size_t subset_index(const struct model *m, size_t k)
{
	size_t i = 0;

	const struct loc *l = &m->slices[k].loc;

	while (i < k && m->slices[k - i - 1].family == 0 &&
	       m->slices[k - i - 1].loc.line == l->line &&
	       m->slices[k - i - 1].loc.col == l->col &&
	       m->slices[k - i - 1].loc.file == l->file)
		i++;
	return i;
}

/* Paths are built for messages only: 10^5 snprintf()s were 5% of a load. */
static char *port_path(char *path, size_t size, const char *prefix,
		       size_t i)
{
	snprintf(path, size, "%sports[%zu]", prefix, i);
	return path;
}

static void check_slice_ports(struct diag *d, const struct m_slice *sl,
			      const char *prefix)
{
	char path[96], b[SHOW_LEN];

	for (size_t i = 0; i < sl->n_ports; i++) {
		const struct m_ep_port *p = &sl->ports[i];
		const char *why;

		if (p->port == 0)
			diag_error(d, &p->loc, "%s.port: Required value",
				   port_path(path, sizeof(path), prefix, i));
		else if (!in_range(p->port, 1, 65535))
			port_range(d, &p->loc, strcat(port_path(path,
				   sizeof(path), prefix, i), ".port"), p->port);
		why = p->name[0] ? check_dns1123_label(p->name) : NULL;
		if (why)
			diag_error(d, &p->loc, "%s.name: Invalid value: %s: %s",
				   port_path(path, sizeof(path), prefix, i),
				   q(b, p->name), why);
		for (size_t j = 0; j < i && !why; j++)
			if (!strcmp(sl->ports[j].name, p->name) &&
			    sl->ports[j].proto == p->proto) {
				diag_error(d, &p->loc, "%s.name: Duplicate value: %s",
					   port_path(path, sizeof(path), prefix, i),
					   q(b, p->name));
				break;
			}
	}
}

static void check_slice(const struct model *m, size_t k, size_t first,
			struct diag *d)
{
	const struct m_slice *sl = &m->slices[k];
	bool from_endpoints = sl->family == 0;
	const char *kind = from_endpoints ? "Endpoints" : "EndpointSlice";
	size_t sub = from_endpoints ? subset_index(m, k) : 0;
	char prefix[48], path[96];

	/* An Endpoints object's name, namespace: checked at its first subset */
	if (sub == 0) {
		check_name(d, sl->name, &sl->name_loc, &sl->loc,
			   check_dns1123_subdomain);
		check_ns(d, sl->ns, &sl->ns_loc, &sl->loc);
		if (first != k)
			dup_object(d, kind, sl->ns, sl->name,
				   at(&sl->name_loc, &sl->loc),
				   &m->slices[first].loc);
	}
	if (from_endpoints)
		snprintf(prefix, sizeof(prefix), "subsets[%zu].", sub);
	else
		prefix[0] = '\0';
	check_slice_ports(d, sl, prefix);
	for (size_t i = 0; i < sl->n_eps; i++) {
		if (node_name_ok(sl->eps[i].node_name))
			continue;
		if (from_endpoints)
			snprintf(path, sizeof(path), "%snodeName", prefix);
		else
			snprintf(path, sizeof(path), "endpoints[%zu].nodeName", i);
		check_node_name(d, sl->eps[i].node_name, &sl->eps[i].loc, path);
	}
}

static void check_pod(const struct model *m, size_t k, size_t first,
		      struct diag *d)
{
	const struct m_pod *p = &m->pods[k];

	check_name(d, p->name, &p->name_loc, &p->loc, check_dns1123_subdomain);
	check_ns(d, p->ns, &p->ns_loc, &p->loc);
	if (first != k)
		dup_object(d, "Pod", p->ns, p->name,
			   at(&p->name_loc, &p->loc), &m->pods[first].loc);
	check_node_name(d, p->node_name, &p->loc, "spec.nodeName");
}

static void svc_key(const void *ctx, size_t i, struct dkey *k)
{
	const struct m_service *s = &((const struct model *)ctx)->svcs[i];

	*k = (struct dkey){ s->ns, s->name, 0 };
}

/* Endpoints subsets after an object's first are not objects of their own. */
static void slice_key(const void *ctx, size_t i, struct dkey *k)
{
	const struct model *m = ctx;
	const struct m_slice *sl = &m->slices[i];
	bool ep = sl->family == 0;

	*k = (struct dkey){ sl->ns, ep && subset_index(m, i) ? NULL : sl->name,
			    ep };
}

static void pod_key(const void *ctx, size_t i, struct dkey *k)
{
	const struct m_pod *p = &((const struct model *)ctx)->pods[i];

	*k = (struct dkey){ p->ns, p->name, 0 };
}

int validate_model(const struct model *m, struct diag *d, int np_min,
		   int np_max)
{
	size_t *fs = dup_first(m->n_svcs, svc_key, m);
	size_t *fe = dup_first(m->n_slices, slice_key, m);
	size_t *fp = dup_first(m->n_pods, pod_key, m);
	int e0 = d->errors;

	if (!fs || !fe || !fp) {
		diag_error(d, NULL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < m->n_svcs && !diag_full(d); i++)
		check_service(m, i, fs[i], d, np_min, np_max);
	for (size_t i = 0; i < m->n_slices && !diag_full(d); i++)
		check_slice(m, i, fe[i], d);
	for (size_t i = 0; i < m->n_pods && !diag_full(d); i++)
		check_pod(m, i, fp[i], d);
out:
	free(fs);
	free(fe);
	free(fp);
	return d->errors > e0 ? -1 : 0;
}
