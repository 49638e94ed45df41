/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A reflector, as client-go's: LIST (in pages) then WATCH from the list's
 * resourceVersion, in a thread of its own, handing what it sees to the
 * sync loop through a queue.  A watch the server closes is started again
 * from the last resourceVersion seen (events and bookmarks); one that
 * answers 410 Gone (too old a resourceVersion) makes it list again.  Other
 * failures wait, with jittered exponential backoff, and try again.
 */
#ifndef KSVCD_REFLECTOR_H
#define KSVCD_REFLECTOR_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "kube_http.h"

enum kube_res {
	RES_SERVICES,
	RES_SLICES,
	RES_NODE,
	RES_MAX
};

enum kube_ev_type {
	KEV_LIST_START,		/* a full list follows: it replaces the cache's */
	KEV_LIST_ITEM,
	KEV_LIST_END,		/* the list is complete */
	KEV_ADDED,
	KEV_MODIFIED,
	KEV_DELETED,
	KEV_FAILED,		/* a request failed: .msg, for the log */
};

struct kube_event {
	struct kube_event *next;
	enum kube_res res;
	enum kube_ev_type type;
	json_t *obj;		/* the object (kind and apiVersion set), or NULL */
	uint64_t at_ms;		/* when it came (CLOCK_MONOTONIC) */
	/* an EndpointSlice's last-change-trigger-time (CLOCK_REALTIME), or 0 */
	uint64_t trigger_ms;
	char msg[240];
};

/* Events from every reflector, in arrival order; an eventfd wakes the loop. */
struct kube_queue {
	pthread_mutex_t lock;
	struct kube_event *head, **tail;
	int efd;
};

int kube_queue_init(struct kube_queue *q);
/* Take every queued event (a list, oldest first), or NULL. */
struct kube_event *kube_queue_take(struct kube_queue *q);
void kube_event_free(struct kube_event *e);
void kube_queue_free(struct kube_queue *q);

struct reflector {
	enum kube_res res;
	const char *path;		/* "/api/v1/services" */
	const char *kind, *api_version;	/* of the items */
	char *query;			/* selectors, URL-encoded: "&labelSelector=..." */
	struct kube_client *client;
	struct kube_queue *q;
	long watch_timeout_s;		/* server-side timeoutSeconds (0: 5-10 min) */
	/* state, the reflector thread's own */
	char rv[64];
	unsigned int failures;
	unsigned long lists, watches, gone;	/* counts, for the log and tests */
	volatile bool stop;
	pthread_t thread;
	bool started;
};

/* @label_selector and @field_selector as kube-proxy's (NULL: none). */
int reflector_start(struct reflector *r, const char *label_selector,
		    const char *field_selector);
void reflector_stop(struct reflector *r);

uint64_t now_ms(void);
/* CLOCK_REALTIME, in ms */
uint64_t wall_ms(void);

#endif
