/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksvcd's command line: kube-proxy's flags, under kube-proxy's names and
 * with its defaults (but --min-sync-period), and its --config file, a
 * KubeProxyConfiguration (kubeproxy.config.k8s.io/v1alpha1), so that a
 * kube-proxy DaemonSet's command and ConfigMap work unchanged.
 */
#ifndef KSVCD_OPTIONS_H
#define KSVCD_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define KSVCD_HEALTHZ_PORT	10256
#define KSVCD_METRICS_PORT	10249

struct ksvcd_opts {
	char *kubeconfig;	/* NULL: in-cluster (or --master alone) */
	char *master;		/* overrides the kubeconfig's server */
	char *context;		/* --context, ksvcd's own: a kubeconfig's */
	char *hostname_override;	/* trimmed and lower-cased, or NULL */
	char *healthz_bind_address;	/* "IP:port" ("[IPv6]:port"); NULL: off */
	char *metrics_bind_address;	/* the same */
	char **cluster_cidrs;	/* one CIDR, or an IPv4 and IPv6 pair */
	size_t n_cluster_cidrs;
	char **nodeport_addresses;	/* CIDRs, "primary", "localhost", "all" */
	size_t n_nodeport_addresses;	/* 0: every local address */
	int conntrack_max_per_core;	/* 32768; 0: leave the limit as-is */
	int conntrack_min;		/* 131072 */
	int conntrack_tcp_established_timeout_s;	/* 86400; 0: as-is */
	int conntrack_tcp_close_wait_timeout_s;	/* 3600; 0: as-is */
	long min_sync_period_ms;	/* 0: every change programmed at once */
	long sync_period_ms;		/* 30000: the full resync */
	char *config;		/* --config FILE, or NULL */
	bool cleanup;
	int verbosity;		/* -v */
	bool help, version;
};

/*
 * Fill @o from kube-proxy's defaults, the --config file if one is given,
 * then the flags in @argv (which win over the file).  Messages (usage
 * errors, and the file's warnings as "FILE:LINE:COL: warning: ...") go
 * to @err.  --help and --version stop parsing and set ->help/->version.
 *
 * Returns 0; 2 on a usage error (kube-proxy's exit status for one); or 1
 * if the --config file cannot be read or is wrong.  In every case @o is
 * to be released with ksvcd_opts_free().
 */
int ksvcd_opts_parse(struct ksvcd_opts *o, int argc, char **argv, FILE *err);

/* ksvcd --help: every flag, with kube-proxy's names and defaults. */
void ksvcd_opts_usage(FILE *f);

void ksvcd_opts_free(struct ksvcd_opts *o);

/*
 * Go's time.ParseDuration ("1m30s", "500ms", "-1.5h", "0") in
 * nanoseconds, as kube-proxy's duration flags and fields are written.
 * 0, or -1 with @why set to what is wrong.
 */
int ksvcd_parse_duration(const char *s, long long *ns, const char **why);

#endif
