/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksvcctl watch's picture of the cluster: every Service, EndpointSlice,
 * Endpoints and Pod the stream has given and not deleted, indexed so that
 * one change costs work in proportion to what it touches, not to the
 * cluster (10000 services: a slice update resolves one service).
 *
 * A round: wcache_take() each document's objects; wcache_plan() the
 * services they touched into one batch; after the kernel's answer
 * wcache_applied() for the ops that went through; wcache_end_round().
 */
#ifndef KSVCCTL_WATCH_CACHE_H
#define KSVCCTL_WATCH_CACHE_H

#include <stdio.h>

#include "hmap.h"
#include "model.h"
#include "plan.h"

struct wsvc {
	struct m_service s;	/* first: a batch op's svc is &wsvc->s */
	bool in_kernel;		/* applied by this process, not deleted since */
};

/* One EndpointSlice, or one Endpoints object (a slice per subset). */
struct wslice {
	struct m_slice *sl;
	size_t n;
	char *group;		/* "ns/service" it names; NULL: none */
};

/* The slices naming one service. */
struct wgroup {
	struct wslice **v;
	size_t n;
};

struct wcache {
	struct hmap svcs;	/* "ns/name" -> struct wsvc */
	struct hmap slices;	/* "S:ns/name" (EndpointSlice), "E:ns/name" -> wslice */
	struct hmap groups;	/* "ns/service" -> struct wgroup; kept when empty */
	struct m_pod *pods;	/* unordered; pod_idx finds them */
	size_t n_pods;
	struct hmap pod_idx;	/* "ns/name" -> index + 1 */
	char **dirty;		/* "ns/name" of services to send, first touch first */
	size_t n_dirty;
	struct hmap dirty_set;
	struct wsvc **gone;	/* deleted this round; DELETE ops point into them */
	size_t n_gone;
	const struct m_slice **tmp;	/* resolve_service()'s argument */
	size_t tmp_cap;
};

void wcache_free(struct wcache *c);

/*
 * Move @m's objects (one document's, validated) into the cache: each
 * replaces the object of its kind and name, or (->deleted) removes it.
 * @m ends empty.
 */
void wcache_take(struct wcache *c, struct model *m);

/*
 * The round's ops: DELETE for deleted services (and ones that became
 * ExternalName), then APPLY, with backends resolved, for every other
 * service touched, in the order first touched.  "service/NAME skipped"
 * lines go to @out.
 */
void wcache_plan(struct wcache *c, struct plan *p, FILE *out);

/* Send service "ns/name" again in this round (if it is cached). */
void wcache_touch(struct wcache *c, const char *key);

/* The cached service "ns/name" that the kernel may hold, or NULL. */
const struct m_service *wcache_service(const struct wcache *c,
				       const char *key);

/*
 * A full list replaced what the cache knew of a kind: services
 * (EndpointSlices) whose "ns/name" is not in @keep are deleted, as if a
 * DELETED event had come for each.
 */
void wcache_retain_svcs(struct wcache *c, const struct hmap *keep);
void wcache_retain_slices(struct wcache *c, const struct hmap *keep);

/* The kernel took @o. */
void wcache_applied(struct wcache *c, const struct batch_op *o);

/* After the round's batch: forget deleted services and touched ones. */
void wcache_end_round(struct wcache *c);

#endif
