/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The conntrack table, sized and timed at start as kube-proxy does
 * (its conntrack.go): nf_conntrack_max = max(max-per-core x CPUs, min),
 * the hash table at a quarter of that, the TCP established and
 * close-wait timeouts.  Only values that differ are written.
 */
#ifndef KSVCD_CONNTRACK_H
#define KSVCD_CONNTRACK_H

/* 0 for "leave it"; returns 0 or -errno of the first write that failed. */
int conntrack_setup(long max_per_core, long min, long tcp_established_s,
		    long tcp_close_wait_s);

#endif
