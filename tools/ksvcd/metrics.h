/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kube-proxy's metrics address (127.0.0.1:10249 by default): /metrics in
 * Prometheus' text format as client_golang writes it, and the /healthz
 * ("ok") that kube-proxy also serves there.  Only what ksvcd can mean is
 * exported, under kube-proxy's names, help texts, types and buckets, so
 * existing dashboards and alerts keep working:
 *
 *   kubeproxy_network_programming_duration_seconds     histogram
 *   kubeproxy_sync_proxy_rules_duration_seconds        histogram
 *   kubeproxy_sync_proxy_rules_endpoint_changes_total  counter
 *   kubeproxy_sync_proxy_rules_last_timestamp_seconds  gauge
 *   kubeproxy_sync_proxy_rules_service_changes_total   counter
 *
 * Thread-safe: the sync thread records while libmicrohttpd's thread
 * serves scrapes.
 */
#ifndef KSVCD_METRICS_H
#define KSVCD_METRICS_H

#include <stdio.h>

struct metrics;

/*
 * Serve on @bind_addr (Go's "host:port", as in health.h; port 0: any
 * free port, see metrics_port()).  "" or NULL: no server, recording
 * still works.  NULL on error, described in @err.
 */
struct metrics *metrics_start(const char *bind_addr, char *err,
			      size_t errlen);
/* The port served, 0 if none. */
int metrics_port(const struct metrics *m);

/*
 * After each successful sync: its duration into
 * kubeproxy_sync_proxy_rules_duration_seconds (buckets 0.001 * 2^i,
 * i = 0..14) and now into ..._last_timestamp_seconds.
 */
void metrics_sync_done(struct metrics *m, double seconds);
/*
 * Per EndpointSlice change made effective by a sync: the time since its
 * endpoints.kubernetes.io/last-change-trigger-time annotation, into
 * kubeproxy_network_programming_duration_seconds (kube-proxy's buckets:
 * 0, 0.25, 0.5, 1..59, 60..115 by 5, 120..300 by 30).
 */
void metrics_network_programming(struct metrics *m, double seconds);
/* Changes seen from the API server, synced or not yet. */
void metrics_service_changes(struct metrics *m, unsigned int n);
void metrics_endpoint_changes(struct metrics *m, unsigned int n);

/*
 * More exposition, written after kube-proxy's at every scrape, outside
 * any lock (it may read the kernel).  Set it before the server gets
 * scraped, or keep @arg alive until metrics_stop().
 */
typedef void (*metrics_extra_fn)(FILE *out, void *arg);
void metrics_set_extra(struct metrics *m, metrics_extra_fn fn, void *arg);

/* For extra writers: "# HELP" (escaped) and "# TYPE ... counter". */
void metrics_write_counter_header(FILE *out, const char *name,
				  const char *help);
/*
 * One sample: @name{k="v",...} value, values escaped (\\, \", \n) and
 * the value written as client_golang writes it (1, 0.25, 1.5e+06, +Inf).
 * @label_kv: NULL-terminated k, v, k, v...; NULL for none.  client_golang
 * sorts labels by name; pass them sorted to look the same.
 */
void metrics_write_sample(FILE *out, const char *name,
			  const char *const *label_kv, double value);

/* Stop serving (the server thread is joined) and free; NULL is fine. */
void metrics_stop(struct metrics *m);

/*
 * Proposal: ksvc's own per-service-port counters, read from the kernel
 * (KSVC_PORT_A_STATS) by a metrics_extra_fn at scrape time.  Labels, in
 * client_golang's (sorted) order:
 *   name       the Service's name
 *   namespace  its namespace
 *   port       the port's name; its number when unnamed
 *   protocol   TCP, UDP or SCTP, as Kubernetes spells them
 * Packets and bytes count both directions; with the module parameter
 * packet_stats=0 only each connection's first packet is counted.  A
 * port's counters restart from 0 when its service is created again;
 * Prometheus' rate() takes that as a counter reset.
 */
#define METRICS_PORT_CONNS		"ksvc_service_port_connections_total"
#define METRICS_PORT_CONNS_HELP		\
	"Connections ksvc sent to the service port's backends"
#define METRICS_PORT_PACKETS		"ksvc_service_port_packets_total"
#define METRICS_PORT_PACKETS_HELP	\
	"Packets of the service port's connections, both directions"
#define METRICS_PORT_BYTES		"ksvc_service_port_bytes_total"
#define METRICS_PORT_BYTES_HELP		\
	"Bytes of the service port's connections, IP headers included"

#endif
