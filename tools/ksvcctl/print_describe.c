// SPDX-License-Identifier: GPL-2.0
/*
 * One "kubectl describe service" block, following describeService() of
 * k8s.io/kubectl/pkg/describe: the same fields in the same order and
 * words, labels padded as its tabwriter (padding 2) pads them.
 *
 * The kernel keeps no labels, annotations or selector: those lines are
 * left out rather than shown empty.  IP Family Policy and IP Families are
 * derived from the addresses (a service with two cluster IPs is shown as
 * PreferDualStack: the kernel cannot tell it from RequireDualStack).
 * A named targetPort reached the kernel as 0, so TargetPort shows what
 * the kernel has (0 = the service port).
 *
 * ksvc's own lines come after Internal Traffic Policy and before Events:
 * Scheduler, Connections (one line per port, the port named at the end
 * when there are several) and Backends, a table of every backend the
 * kernel holds with its conditions, node and counters.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <string.h>

#include "describe.h"
#include "print.h"

#define DESCRIBE_PAD	2	/* kubectl's tabbedString(): tabwriter padding */
#define ENDPOINTS_MAX	3	/* formatEndpointSlices() lists this many */
#define LINE_MAX_LEN	4096

/*
 * Two passes over the same lines: the first (f == NULL) measures the
 * labels, the second prints them padded to the widest, as tabwriter does
 * for a block of lines that all have a label cell.
 */
struct dw {
	FILE *f;
	size_t width;
};

static void __attribute__((format(printf, 3, 4)))
field(struct dw *w, const char *label, const char *fmt, ...)
{
	va_list ap;

	if (!w->f) {
		if (strlen(label) + DESCRIBE_PAD > w->width)
			w->width = strlen(label) + DESCRIBE_PAD;
		return;
	}
	fprintf(w->f, "%-*s", (int)w->width, label);
	va_start(ap, fmt);
	vfprintf(w->f, fmt, ap);
	va_end(ap);
	fputc('\n', w->f);
}

static const char *type_str(uint8_t type)
{
	switch (type) {
	case KSVC_SVC_TYPE_CLUSTER_IP:		return "ClusterIP";
	case KSVC_SVC_TYPE_NODE_PORT:		return "NodePort";
	case KSVC_SVC_TYPE_LOAD_BALANCER:	return "LoadBalancer";
	default:				return "<unknown>";
	}
}

static const char *sched_str(uint8_t sched, char *buf, size_t len)
{
	switch (sched) {
	case KSVC_SCHED_RANDOM:	return "random";
	case KSVC_SCHED_MAGLEV:	return "maglev";
	}
	snprintf(buf, len, "%u", sched);
	return buf;
}

static const char *family_str(int family)
{
	return family == AF_INET6 ? "IPv6" : "IPv4";
}

static void addr_str(int family, const uint8_t *a, char *buf, size_t len)
{
	if (!inet_ntop(family, a, buf, len))
		snprintf(buf, len, "?");
}

/* net.JoinHostPort: IPv6 addresses in brackets. */
static void host_port(int family, const uint8_t *a, uint16_t port, char *buf,
		      size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	addr_str(family, a, ip, sizeof(ip));
	snprintf(buf, len, family == AF_INET6 ? "[%s]:%u" : "%s:%u", ip, port);
}

/* Append @piece after @sep unless @buf is empty; stops quietly when full. */
static void join(char *buf, size_t len, const char *sep, const char *piece)
{
	size_t used = strlen(buf);

	snprintf(buf + used, len - used, "%s%s", used ? sep : "", piece);
}

static void join_kind(const struct wire_svc *s, uint8_t kind, const char *sep,
		      char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < s->n_addrs; i++) {
		if (s->addrs[i].kind != kind)
			continue;
		addr_str(s->addrs[i].family, s->addrs[i].a, a, sizeof(a));
		join(buf, len, sep, a);
	}
}

static bool headless(const struct svc_detail *d)
{
	return d->svc.flags & KSVC_SVC_F_HEADLESS;
}

/*
 * The families in the order spec.ipFamilies would have them: that of the
 * cluster IPs, or for a headless service that of its backends.
 */
static size_t families(const struct svc_detail *d, int fam[2])
{
	const struct wire_svc *s = &d->svc;
	size_t i, n = 0;
	int f;

	for (i = 0; i < s->n_addrs + d->n_be && n < 2; i++) {
		if (i < s->n_addrs) {
			if (s->addrs[i].kind != KSVC_ADDR_KIND_CLUSTER)
				continue;
			f = s->addrs[i].family;
		} else if (headless(d)) {
			f = d->be[i - s->n_addrs].family;
		} else {
			break;
		}
		if (!n || fam[0] != f)
			fam[n++] = f;
	}
	return n;
}

static void describe_ips(struct dw *w, const struct svc_detail *d)
{
	const struct wire_svc *s = &d->svc;
	char buf[LINE_MAX_LEN];
	int fam[2];
	size_t n = families(d, fam);

	if (n)
		field(w, "IP Family Policy:", "%s",
		      n > 1 ? "PreferDualStack" : "SingleStack");
	if (n > 1)
		field(w, "IP Families:", "%s,%s", family_str(fam[0]),
		      family_str(fam[1]));
	else
		field(w, "IP Families:", "%s", n ? family_str(fam[0]) : "<none>");
	join_kind(s, KSVC_ADDR_KIND_CLUSTER, ",", buf, sizeof(buf));
	if (headless(d))
		snprintf(buf, sizeof(buf), "None");
	field(w, "IP:", "%.*s", (int)strcspn(buf, ","), buf[0] ? buf : "");
	field(w, "IPs:", "%s", buf[0] ? buf : "<none>");
	join_kind(s, KSVC_ADDR_KIND_EXTERNAL, ",", buf, sizeof(buf));
	if (buf[0])
		field(w, "External IPs:", "%s", buf);
	join_kind(s, KSVC_ADDR_KIND_LB_INGRESS, ", ", buf, sizeof(buf));
	if (buf[0])
		field(w, "LoadBalancer Ingress:", "%s", buf);
}

/* formatEndpointSlices(): the first ready ones, then " + N more...". */
static void endpoints(const struct svc_detail *d, size_t port, char *buf,
		      size_t len)
{
	const struct wire_backend *b;
	char hp[INET6_ADDRSTRLEN + 8];
	size_t i, count = 0;

	buf[0] = '\0';
	for (i = 0; i < d->n_be; i++) {
		b = &d->be[i];
		if (b->port_idx != port || !(b->flags & KSVC_BE_F_READY))
			continue;
		if (count++ < ENDPOINTS_MAX) {
			host_port(b->family, b->a, b->port, hp, sizeof(hp));
			join(buf, len, ",", hp);
		}
	}
	if (count > ENDPOINTS_MAX) {
		snprintf(hp, sizeof(hp), " + %zu more...", count - ENDPOINTS_MAX);
		join(buf, len, "", hp);
	}
	if (!count)
		snprintf(buf, len, "<none>");
}

static void describe_ports(struct dw *w, const struct svc_detail *d)
{
	const struct wire_port *p;
	char buf[LINE_MAX_LEN], pr[8];
	const char *name, *proto;
	size_t i;

	for (i = 0; i < d->svc.n_ports; i++) {
		p = &d->svc.ports[i];
		name = p->name[0] ? p->name : "<unset>";
		proto = svc_proto_str(p->proto, pr, sizeof(pr));
		/* "Port:\t%s\t%d/%s": a one-line tabwriter block, padding 2 */
		field(w, "Port:", "%s  %u/%s", name, p->port, proto);
		field(w, "TargetPort:", "%u/%s",
		      p->target_port ? p->target_port : p->port, proto);
		if (p->node_port)
			field(w, "NodePort:", "%s  %u/%s", name, p->node_port,
			      proto);
		endpoints(d, i, buf, sizeof(buf));
		field(w, "Endpoints:", "%s", buf);
	}
}

static void describe_policies(struct dw *w, const struct svc_detail *d)
{
	const struct wire_svc *s = &d->svc;

	field(w, "Session Affinity:", "%s",
	      s->flags & KSVC_SVC_F_AFFINITY ? "ClientIP" : "None");
	/* The API server sets it for these types only. */
	if (s->type == KSVC_SVC_TYPE_NODE_PORT ||
	    s->type == KSVC_SVC_TYPE_LOAD_BALANCER)
		field(w, "External Traffic Policy:", "%s",
		      s->flags & KSVC_SVC_F_ETP_LOCAL ? "Local" : "Cluster");
	field(w, "Internal Traffic Policy:", "%s",
	      s->flags & KSVC_SVC_F_ITP_LOCAL ? "Local" : "Cluster");
}

/* How a port is named where several share a line or a table. */
static const char *port_label(const struct wire_port *p, char *buf,
			      size_t len)
{
	char pr[8];

	if (p->name[0])
		return p->name;
	snprintf(buf, len, "%u/%s", p->port,
		 svc_proto_str(p->proto, pr, sizeof(pr)));
	return buf;
}

static void describe_conns(struct dw *w, const struct svc_detail *d)
{
	const struct wire_port *p;
	char which[96], lbl[80], pr[8];
	size_t i;

	for (i = 0; i < d->svc.n_ports; i++) {
		p = &d->svc.ports[i];
		which[0] = '\0';
		if (d->svc.n_ports > 1 && p->name[0])
			snprintf(which, sizeof(which), "  (%s %u/%s)",
				 port_label(p, lbl, sizeof(lbl)), p->port,
				 svc_proto_str(p->proto, pr, sizeof(pr)));
		else if (d->svc.n_ports > 1)
			snprintf(which, sizeof(which), "  (%s)",
				 port_label(p, lbl, sizeof(lbl)));
		field(w, "Connections:", "%" PRIu64 "  Packets: %" PRIu64
		      "  Bytes: %" PRIu64 "%s", p->stats.conns,
		      p->stats.packets, p->stats.bytes, which);
	}
}

/* A table as kubectl's describe tabwriter lays it out: padding 2, indent 2. */
#define BE_COLS	9

static void be_row(const struct svc_detail *d, const struct wire_backend *b,
		   char cells[BE_COLS][INET6_ADDRSTRLEN + 72])
{
	const size_t n = INET6_ADDRSTRLEN + 72;
	char lbl[16];

	snprintf(cells[0], n, "%s",
		 port_label(&d->svc.ports[b->port_idx], lbl, sizeof(lbl)));
	host_port(b->family, b->a, b->port, cells[1], n);
	snprintf(cells[2], n, "%s", b->flags & KSVC_BE_F_READY ? "true" : "false");
	snprintf(cells[3], n, "%s", b->flags & KSVC_BE_F_SERVING ? "true" : "false");
	snprintf(cells[4], n, "%s",
		 b->flags & KSVC_BE_F_TERMINATING ? "true" : "false");
	snprintf(cells[5], n, "%s", b->node[0] ? b->node : "<none>");
	snprintf(cells[6], n, "%" PRIu64, b->stats.conns);
	snprintf(cells[7], n, "%" PRIu64, b->stats.packets);
	snprintf(cells[8], n, "%" PRIu64, b->stats.bytes);
}

static const char *const be_header[BE_COLS] = {
	"PORT", "ADDRESS", "READY", "SERVING", "TERMINATING", "NODE", "CONNS",
	"PACKETS", "BYTES",
};

static void be_line(FILE *f, const size_t *wd, size_t first,
		    const char *const *cells)
{
	size_t c;

	fputs("  ", f);
	for (c = first; c + 1 < BE_COLS; c++)
		fprintf(f, "%-*s", (int)wd[c], cells[c]);
	fprintf(f, "%s\n", cells[BE_COLS - 1]);
}

static void describe_backends(struct dw *w, const struct svc_detail *d)
{
	char cells[BE_COLS][INET6_ADDRSTRLEN + 72];
	const char *row[BE_COLS];
	size_t wd[BE_COLS], i, c;
	/* The PORT column only where backends of several ports mix. */
	size_t first = d->svc.n_ports > 1 ? 0 : 1;

	if (!d->n_be) {
		field(w, "Backends:", "<none>");
		return;
	}
	if (!w->f)
		return;		/* "Backends:" alone is not a label cell */
	for (c = 0; c < BE_COLS; c++) {
		wd[c] = strlen(be_header[c]) + DESCRIBE_PAD;
		row[c] = cells[c];
	}
	for (i = 0; i < d->n_be; i++) {
		be_row(d, &d->be[i], cells);
		for (c = 0; c < BE_COLS; c++)
			if (strlen(cells[c]) + DESCRIBE_PAD > wd[c])
				wd[c] = strlen(cells[c]) + DESCRIBE_PAD;
	}
	fputs("Backends:\n", w->f);
	be_line(w->f, wd, first, be_header);
	for (i = 0; i < d->n_be; i++) {
		be_row(d, &d->be[i], cells);
		be_line(w->f, wd, first, row);
	}
}

static void describe_body(struct dw *w, const struct svc_detail *d)
{
	const struct wire_svc *s = &d->svc;
	char buf[16];

	field(w, "Name:", "%s", s->name);
	field(w, "Namespace:", "%s", s->ns);
	field(w, "Type:", "%s", type_str(s->type));
	describe_ips(w, d);
	describe_ports(w, d);
	describe_policies(w, d);
	field(w, "Scheduler:", "%s", sched_str(s->sched, buf, sizeof(buf)));
	describe_conns(w, d);
	describe_backends(w, d);
	field(w, "Events:", "<none>");
}

void describe_svc(FILE *f, const struct svc_detail *d)
{
	struct dw w = { NULL, 0 };

	describe_body(&w, d);
	w.f = f;
	describe_body(&w, d);
}
