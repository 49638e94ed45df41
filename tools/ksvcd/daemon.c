// SPDX-License-Identifier: GPL-2.0
/* daemon.c: see daemon.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/ksvc.h>

#include "daemon.h"
#include "hcnode.h"
#include "health.h"
#include "log.h"
#include "metrics.h"
#include "model_util.h"
#include "svc_req.h"

#define MAX_TRIGGERS	4096

static const char *const kinds[RES_MAX] = { "Service", "EndpointSlice", "Node" };

/* "ns/name" of an object from the API server, into @buf. */
static const char *obj_key(json_t *obj, char *buf, size_t len)
{
	json_t *md = json_object_get(obj, "metadata");
	const char *ns = json_string_value(json_object_get(md, "namespace"));
	const char *name = json_string_value(json_object_get(md, "name"));

	snprintf(buf, len, "%s/%s", ns ? ns : "", name ? name : "");
	return buf;
}

/* The reader's messages go to the log; one about an object is an error. */
static void log_diag(const struct diag *dg)
{
	for (size_t i = 0; i < dg->n_msgs; i++) {
		if (strstr(dg->msgs[i], ": error: "))
			log_error("%s", dg->msgs[i]);
		else
			log_warn("%s", dg->msgs[i]);
	}
}

static void mark_deleted(struct model *m)
{
	for (size_t i = 0; i < m->n_svcs; i++)
		m->svcs[i].deleted = true;
	for (size_t i = 0; i < m->n_slices; i++)
		m->slices[i].deleted = true;
}

static void node_event(struct daemon *d, struct kube_event *e)
{
	json_t *md = json_object_get(e->obj, "metadata");
	bool deleting = e->type == KEV_DELETED ||
			json_object_get(md, "deletionTimestamp");

	/* kube-proxy's nodeEligible: a node being deleted fails /healthz */
	if (d->health)
		health_set_node_eligible(d->health, !deleting);
}

static void take_object(struct daemon *d, struct kube_event *e)
{
	char key[2 * KSVC_NAME_MAX + 2], label[2 * KSVC_NAME_MAX + 32];
	struct model m = { 0 };
	struct diag dg;

	obj_key(e->obj, key, sizeof(key));
	snprintf(label, sizeof(label), "%s %s", kinds[e->res], key);
	if (e->type == KEV_LIST_ITEM)
		*hmap_slot(&d->keep[e->res], key) = d;
	diag_init(&dg, NULL);
	yaml_read_json(label, e->obj, &m, &dg, YAML_UNKNOWN_WARN);
	if (e->type == KEV_DELETED)
		mark_deleted(&m);
	if (!dg.errors)
		sync_take(&d->eng, &m, &dg);
	else
		model_free(&m);
	log_diag(&dg);
	diag_free(&dg);
	if (e->res == RES_SERVICES)
		d->svc_changes++;
	else
		d->ep_changes++;
	if (e->trigger_ms && d->n_triggers < MAX_TRIGGERS)
		*(uint64_t *)m_vpush((void **)&d->triggers, &d->n_triggers,
				     sizeof(uint64_t)) = e->trigger_ms;
}

static void list_end(struct daemon *d, enum kube_res res)
{
	if (res == RES_SERVICES)
		wcache_retain_svcs(&d->eng.cache, &d->keep[res]);
	else if (res == RES_SLICES)
		wcache_retain_slices(&d->eng.cache, &d->keep[res]);
	hmap_free(&d->keep[res]);
	if (!d->listed[res])
		log_info(1, "%ss listed", kinds[res]);
	d->listed[res] = true;
}

static void take(struct daemon *d, struct kube_event *e)
{
	switch (e->type) {
	case KEV_FAILED:
		log_warn("%s", e->msg);
		return;
	case KEV_LIST_START:
		hmap_free(&d->keep[e->res]);
		return;
	case KEV_LIST_END:
		list_end(d, e->res);
		break;
	default:
		if (e->res == RES_NODE)
			node_event(d, e);
		else
			take_object(d, e);
	}
	if (!d->pending)
		d->oldest_event_ms = e->at_ms;
	d->pending = true;
	if (d->health)
		health_queued(d->health);
}

/* ------------------------------------------------------------------ */

/* Health-check node ports: services with ETP Local and a port for it. */
static void local_endpoints(struct daemon *d)
{
	struct hc_service *v = NULL;
	const struct hent *h;
	size_t n = 0, i = 0;
	char err[256];

	if (!d->hcnode)
		return;
	while (hmap_next(&d->eng.cache.svcs, &i, &h)) {
		const struct m_service *s = h->val;
		struct hc_service *hc;
		int local = 0;

		if (!s->etp_local || !s->health_check_node_port)
			continue;
		for (size_t p = 0; s->backends && p < s->n_ports; p++)
			for (size_t b = 0; b < s->backends[p].n; b++)
				local += s->backends[p].be[b].node_name &&
					 !strcmp(s->backends[p].be[b].node_name,
						 d->node_name);
		hc = m_vpush((void **)&v, &n, sizeof(*v));
		*hc = (struct hc_service){ s->ns, s->name,
					   (uint16_t)s->health_check_node_port,
					   local };
	}
	if (hcnode_sync(d->hcnode, v, n, err, sizeof(err)))
		log_error("health check node ports: %s", err);
	free(v);
}

static void round_done(struct daemon *d, uint64_t t0, int n)
{
	uint64_t t1 = now_ms();

	if (n < 0)
		log_error("sync: the kernel refused the round: %s",
			  strerror(-n));
	else if (n > 0)
		log_info(2, "sync: %d service change(s) in %llu ms, %llu ms after the first event",
			 n, (unsigned long long)(t1 - t0),
			 (unsigned long long)(d->pending ? t1 - d->oldest_event_ms : 0));
	if (d->metrics) {
		metrics_sync_done(d->metrics, (t1 - t0) / 1000.0);
		metrics_service_changes(d->metrics, d->svc_changes);
		metrics_endpoint_changes(d->metrics, d->ep_changes);
		for (size_t i = 0; n >= 0 && i < d->n_triggers; i++)
			if (wall_ms() >= d->triggers[i])	/* clocks may differ */
				metrics_network_programming(d->metrics,
					(double)(wall_ms() - d->triggers[i]) / 1000.0);
	}
	free(d->triggers);
	d->triggers = NULL;
	d->n_triggers = 0;
	d->svc_changes = d->ep_changes = 0;
	d->pending = false;
	d->last_round_ms = t1;
	local_endpoints(d);
	if (d->health && n >= 0)
		health_updated(d->health);
}

static void sync_now(struct daemon *d)
{
	uint64_t t0 = now_ms();
	int n;

	pthread_mutex_lock(&d->nl_lock);
	n = sync_round(&d->eng, NULL, 0, t0);
	pthread_mutex_unlock(&d->nl_lock);
	round_done(d, t0, n);
}

/* What the kernel lacks of the cache is sent again; the rest is pruned. */
static void touch_missing(struct daemon *d, const struct wire_svc *have,
			  size_t n)
{
	struct hmap in = { 0 };
	const struct hent *h;
	char key[2 * KSVC_NAME_MAX + 2];
	size_t i = 0;

	for (size_t k = 0; k < n; k++) {
		snprintf(key, sizeof(key), "%s/%s", have[k].ns, have[k].name);
		*hmap_slot(&in, key) = d;
	}
	while (hmap_next(&d->eng.cache.svcs, &i, &h))
		if (!hmap_get(&in, h->key) && wcache_service(&d->eng.cache, h->key)) {
			if (d->synced)
				log_info(1, "resync: service %s is missing from the kernel",
					 h->key);
			wcache_touch(&d->eng.cache, h->key);
		}
	hmap_free(&in);
}

int daemon_full_sync(struct daemon *d)
{
	uint64_t t0 = now_ms();
	struct wire_svc *have = NULL;
	size_t n = 0;
	int err;

	pthread_mutex_lock(&d->nl_lock);
	err = req_svc_list(NULL, &have, &n);
	if (!err) {
		touch_missing(d, have, n);
		err = sync_round(&d->eng, have, n, t0);
		svc_list_free(have, n);
	}
	pthread_mutex_unlock(&d->nl_lock);
	d->last_resync_ms = now_ms();
	round_done(d, t0, err);
	return err < 0 ? err : 0;
}

/* ------------------------------------------------------------------ */

static long next_wait(struct daemon *d, uint64_t now)
{
	long w = 1000;

	if (d->synced && d->sync_period_ms > 0) {
		long left = (long)(d->last_resync_ms + d->sync_period_ms - now);

		w = left < w ? left : w;
	}
	if (d->synced && d->pending) {
		long left = (long)(d->last_round_ms + d->min_sync_ms - now);

		w = left < w ? left : w;
	}
	if (sync_retry_pending(&d->eng))
		w = w < 500 ? w : 500;
	return w < 0 ? 0 : w;
}

static void step(struct daemon *d)
{
	uint64_t now = now_ms();

	if (!d->synced) {
		if (!d->listed[RES_SERVICES] || !d->listed[RES_SLICES])
			return;
		if (daemon_full_sync(d))
			return;		/* the kernel refused: again next step */
		d->synced = true;
		log_info(0, "initial sync done: %zu services",
			 d->eng.cache.svcs.n);
		if (d->ready)
			d->ready(d);
	} else if (d->sync_period_ms > 0 &&
		   now >= d->last_resync_ms + d->sync_period_ms) {
		daemon_full_sync(d);
	} else if ((d->pending &&
		    now >= d->last_round_ms + (uint64_t)d->min_sync_ms) ||
		   sync_retry_pending(&d->eng)) {
		sync_now(d);
	}
}

int daemon_run(struct daemon *d)
{
	struct pollfd pf = { .fd = d->q.efd, .events = POLLIN };

	while (!d->stop) {
		struct kube_event *e, *ev;

		if (poll(&pf, 1, (int)next_wait(d, now_ms())) < 0 &&
		    errno != EINTR) {
			log_error("poll: %s", strerror(errno));
			return 1;
		}
		ev = kube_queue_take(&d->q);
		for (e = ev; e; e = e->next)
			take(d, e);
		kube_event_free(ev);
		step(d);
	}
	return 0;
}
