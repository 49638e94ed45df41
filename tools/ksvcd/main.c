// SPDX-License-Identifier: GPL-2.0
/*
 * ksvcd: follow the API server as kube-proxy does and keep ksvc's kernel
 * tables equal to the cluster's Services and EndpointSlices.  Startup:
 * options, the kernel's settings for this node, conntrack, the HTTP
 * servers, the reflectors; then the sync loop (daemon.c) until SIGTERM,
 * which leaves the kernel programmed, as kube-proxy leaves its rules.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <curl/curl.h>
#include <systemd/sd-daemon.h>

#include <linux/ksvc.h>

#include "conntrack.h"
#include "daemon.h"
#include "hcnode.h"
#include "health.h"
#include "kube_http.h"
#include "kubeconfig.h"
#include "log.h"
#include "metrics.h"
#include "nl.h"
#include "nl_cfg.h"
#include "options.h"
#include "svc_req.h"
#include "validate.h"

#define KSVCD_VERSION	"0.1"

static struct daemon d;

static void on_signal(int sig)
{
	(void)sig;
	d.stop = true;
}

static void signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	/* no SA_RESTART: poll() returns, and the loop sees ->stop */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* kube-proxy's node name: --hostname-override, else the host name, lowered. */
static char *node_name(const struct ksvcd_opts *o)
{
	char host[256] = "";
	char *n;

	if (o->hostname_override && o->hostname_override[0])
		return strdup(o->hostname_override);
	gethostname(host, sizeof(host) - 1);
	n = strdup(host);
	for (char *p = n; p && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return n;
}

/* The kernel's node name decides which endpoints are local. */
static int set_kernel_node(const char *name)
{
	struct wire_cfg_change c = { .has_node_name = true };
	int err;

	snprintf(c.node_name, sizeof(c.node_name), "%s", name);
	err = req_cfg_set(&c, 0);
	if (err)
		log_error("setting the node name %s in the kernel: %s", name,
			  ksvc_nl_extack() ?: strerror(-err));
	return err;
}

static void unsupported(const struct ksvcd_opts *o)
{
	if (o->n_cluster_cidrs)
		log_warn("--cluster-cidr: ksvc does not tell pods from other sources yet; ignored");
	if (o->n_nodeport_addresses)
		log_warn("--nodeport-addresses: CIDRs are not supported by ksvc yet; NodePorts answer on every local address (ksvcctl config set --node-addresses)");
}

static int load_config(const struct ksvcd_opts *o, struct kube_config *kc,
		       struct kube_client *cl)
{
	char err[1024];
	int rc;

	if (o->kubeconfig) {
		rc = kube_config_load(kc, o->kubeconfig, o->context, err,
				      sizeof(err));
	} else {
		/* in a pod: its service account, at --master if given */
		rc = kube_config_in_cluster(kc, err, sizeof(err));
		if (rc && o->master && o->master[0]) {
			log_warn("%s: talking to %s without credentials", err,
				 o->master);
			rc = 0;
		}
	}
	if (rc) {
		log_error("%s", err);
		return -1;
	}
	cl->cfg = kc;
	cl->server = o->master && o->master[0] ? o->master : kc->server;
	if (!cl->server) {
		log_error("no API server: give --kubeconfig or --master");
		return -1;
	}
	if (!strncmp(cl->server, "http://", 7))
		log_warn("%s: plain HTTP: the token travels unencrypted", cl->server);
	if (kc->insecure)
		log_warn("%s: insecure-skip-tls-verify: the server is not checked",
			 cl->server);
	if (kc->tls_server_name)
		log_warn("tls-server-name is not supported; the certificate is checked against the server's host name");
	return 0;
}

/* One family's samples: @what 0 connections, 1 packets, 2 bytes. */
static void port_family(FILE *out, const struct wire_svc *v, size_t n,
			const char *name, const char *help, int what)
{
	char port[16];

	metrics_write_counter_header(out, name, help);
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < v[i].n_ports; k++) {
			const struct wire_port *p = &v[i].ports[k];
			const uint64_t c[3] = { p->stats.conns, p->stats.packets,
						p->stats.bytes };
			const char *kv[] = {
				"name", v[i].name, "namespace", v[i].ns,
				"port", p->name[0] ? p->name : port,
				"protocol", p->proto == 17 ? "UDP" :
					    p->proto == 132 ? "SCTP" : "TCP",
				NULL };

			snprintf(port, sizeof(port), "%u", p->port);
			metrics_write_sample(out, name, kv, (double)c[what]);
		}
	}
}

/* /metrics: ksvc's per-service-port counters, read from the kernel. */
static void kernel_counters(FILE *out, void *arg)
{
	struct daemon *dm = arg;
	struct wire_svc *v = NULL;
	size_t n = 0;

	pthread_mutex_lock(&dm->nl_lock);
	if (req_svc_list(NULL, &v, &n))
		n = 0;
	pthread_mutex_unlock(&dm->nl_lock);
	port_family(out, v, n, METRICS_PORT_CONNS, METRICS_PORT_CONNS_HELP, 0);
	port_family(out, v, n, METRICS_PORT_PACKETS, METRICS_PORT_PACKETS_HELP, 1);
	port_family(out, v, n, METRICS_PORT_BYTES, METRICS_PORT_BYTES_HELP, 2);
	svc_list_free(v, n);
}

static int servers(struct daemon *dm, const struct ksvcd_opts *o)
{
	char err[256];

	dm->health = health_start(o->healthz_bind_address,
				  2 * o->sync_period_ms, err, sizeof(err));
	if (!dm->health && o->healthz_bind_address && o->healthz_bind_address[0]) {
		log_error("healthz server: %s", err);
		return -1;
	}
	dm->metrics = metrics_start(o->metrics_bind_address, err, sizeof(err));
	if (!dm->metrics && o->metrics_bind_address && o->metrics_bind_address[0]) {
		log_error("metrics server: %s", err);
		return -1;
	}
	if (dm->metrics)
		metrics_set_extra(dm->metrics, kernel_counters, dm);
	dm->hcnode = hcnode_new();
	if (dm->hcnode && dm->health)
		hcnode_set_health(dm->hcnode, dm->health);
	return 0;
}

static void ready(struct daemon *dm)
{
	sd_notifyf(0, "READY=1\nSTATUS=in sync: %zu services",
		   dm->eng.cache.svcs.n);
}

static void reflector_init(struct daemon *dm, enum kube_res r,
			   const char *path, const char *kind, const char *api,
			   struct kube_client *cl)
{
	dm->refl[r] = (struct reflector){ .res = r, .path = path, .kind = kind,
					  .api_version = api, .client = cl,
					  .q = &dm->q };
}

/* kube-proxy's selectors: services another proxy serves are not ours. */
static int start_reflectors(struct daemon *dm, struct kube_client *cl)
{
	char *field;
	int err;

	reflector_init(dm, RES_SERVICES, "/api/v1/services", "Service", "v1", cl);
	reflector_init(dm, RES_SLICES, "/apis/discovery.k8s.io/v1/endpointslices",
		       "EndpointSlice", "discovery.k8s.io/v1", cl);
	reflector_init(dm, RES_NODE, "/api/v1/nodes", "Node", "v1", cl);
	if (asprintf(&field, "metadata.name=%s", dm->node_name) < 0)
		return -ENOMEM;
	err = reflector_start(&dm->refl[RES_SERVICES],
			      "!service.kubernetes.io/service-proxy-name", NULL);
	if (!err)
		err = reflector_start(&dm->refl[RES_SLICES],
				      "!service.kubernetes.io/service-proxy-name,!service.kubernetes.io/headless",
				      NULL);
	if (!err)
		err = reflector_start(&dm->refl[RES_NODE], NULL, field);
	free(field);
	return err;
}

static void shutdown_all(struct daemon *dm)
{
	sd_notify(0, "STOPPING=1");
	for (int r = 0; r < RES_MAX; r++)
		reflector_stop(&dm->refl[r]);
	/* the node ports ask the health object: they go first */
	if (dm->hcnode)
		hcnode_free(dm->hcnode);
	if (dm->health)
		health_stop(dm->health);
	if (dm->metrics)
		metrics_stop(dm->metrics);
	for (int r = 0; r < RES_MAX; r++)
		hmap_free(&dm->keep[r]);
	sync_free(&dm->eng);
	kube_queue_free(&dm->q);
	free(dm->triggers);
}

static int run(struct ksvcd_opts *o)
{
	struct kube_config kc = { 0 };
	struct kube_client cl = { 0 };
	int rc = 1;

	d.node_name = node_name(o);
	d.min_sync_ms = o->min_sync_period_ms;
	d.sync_period_ms = o->sync_period_ms;
	d.ready = ready;
	d.eng.np_min = NODEPORT_MIN_DEFAULT;
	d.eng.np_max = NODEPORT_MAX_DEFAULT;
	pthread_mutex_init(&d.nl_lock, NULL);
	unsupported(o);
	if (load_config(o, &kc, &cl) || set_kernel_node(d.node_name))
		goto out;
	req_nodeport_range(&d.eng.np_min, &d.eng.np_max);
	if (conntrack_setup(o->conntrack_max_per_core, o->conntrack_min,
			    o->conntrack_tcp_established_timeout_s,
			    o->conntrack_tcp_close_wait_timeout_s))
		log_warn("conntrack settings not applied (see above)");
	if (kube_queue_init(&d.q) || servers(&d, o))
		goto out;
	log_info(0, "ksvcd %s: node %s, API server %s", KSVCD_VERSION,
		 d.node_name, cl.server);
	if (start_reflectors(&d, &cl))
		goto out;
	rc = daemon_run(&d);
	log_info(0, "stopping: the kernel keeps its services");
out:
	shutdown_all(&d);
	kube_config_free(&kc);
	free((char *)d.node_name);
	return rc;
}

int main(int argc, char **argv)
{
	struct ksvcd_opts o;
	int rc = ksvcd_opts_parse(&o, argc, argv, stderr);

	if (rc || o.help || o.version) {
		if (o.help)
			ksvcd_opts_usage(stdout);
		else if (o.version)
			printf("ksvcd %s\n", KSVCD_VERSION);
		ksvcd_opts_free(&o);
		return rc;
	}
	log_verbosity = o.verbosity;
	signals();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ksvc_nl_open() < 0) {
		log_error("cannot reach the ksvc module: is it loaded (modprobe ksvc)?");
		rc = 1;
	} else if (o.cleanup) {
		rc = req_flush() ? 1 : 0;
		log_info(0, "cleanup: %s", rc ? "failed" : "every service flushed");
	} else {
		rc = run(&o);
	}
	curl_global_cleanup();
	ksvcd_opts_free(&o);
	return rc;
}
