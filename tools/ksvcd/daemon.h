/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sync loop: events from the reflectors into the sync engine, and
 * the engine's rounds into the kernel.
 *
 * - Nothing is programmed until Services and EndpointSlices have each
 *   been listed once.  The first round then prunes: every service the
 *   kernel holds that the cluster does not goes, in the same batch, so
 *   that a stale owner of a ClusterIP or nodePort leaves before the
 *   service the API server gave it to arrives.
 * - Later events become rounds no more often than --min-sync-period.
 * - Every --sync-period, a full resync compares the kernel with the
 *   cache: what the kernel lacks is applied, what it has and the cluster
 *   does not is deleted (a service deleted by hand comes back).
 * - A round the kernel refuses in part is retried by the engine.
 * - When the API server is unreachable nothing changes: the kernel keeps
 *   what it has and traffic flows.
 */
#ifndef KSVCD_DAEMON_H
#define KSVCD_DAEMON_H

#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>

#include "reflector.h"
#include "sync.h"

struct health;
struct metrics;
struct hcnode;

struct daemon {
	struct kube_queue q;
	struct reflector refl[RES_MAX];
	struct sync_engine eng;
	const char *node_name;
	long min_sync_ms, sync_period_ms;
	struct health *health;
	struct metrics *metrics;
	struct hcnode *hcnode;
	pthread_mutex_t nl_lock;	/* the netlink socket: sync and /metrics */
	bool listed[RES_MAX];		/* the first full list has come */
	bool synced;			/* the first round went in */
	bool pending;			/* events since the last round */
	uint64_t last_round_ms, last_resync_ms, oldest_event_ms;
	unsigned svc_changes, ep_changes;
	uint64_t *triggers;		/* slices' trigger times this round */
	size_t n_triggers;
	struct hmap keep[RES_MAX];	/* keys of a list in progress */
	volatile bool stop;
	void (*ready)(struct daemon *d);	/* after the first round */
};

/* Run until ->stop; returns the exit status. */
int daemon_run(struct daemon *d);

/* The first round and the resyncs: the kernel made equal to the cache. */
int daemon_full_sync(struct daemon *d);

#endif
