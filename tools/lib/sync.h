/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sync engine: ksvcctl watch's and ksvcd's one way of keeping the
 * kernel in step with a stream of objects.  Objects are validated and
 * taken into the cache (watch_cache.c) one at a time; a round sends the
 * services they touched as one KSVC_CMD_BATCH.  A batch is all or nothing
 * in the kernel, but every object is its own change here: an op the
 * kernel refuses is reported and left out, the rest sent again, and the
 * refused service tried again in later rounds, with backoff, until it goes
 * in or its object changes.
 */
#ifndef KSVC_LIB_SYNC_H
#define KSVC_LIB_SYNC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "diag.h"
#include "hmap.h"
#include "plan.h"
#include "watch_cache.h"
#include "yaml_read.h"

struct sync_engine;

/* What a round did, for the front end to print or log. */
struct sync_report_ops {
	/* the kernel took @p (its results @r, @n of them) */
	void (*applied)(void *arg, const struct plan *p,
			const struct batch_result *r, size_t n);
	/* the kernel refused the batch: @err, its extack and error offset */
	void (*refused)(void *arg, const struct plan *p, int err,
			uint32_t offset, const char *extack);
};

struct sync_engine {
	struct wcache cache;
	int np_min, np_max;		/* the kernel's nodePort range */
	const struct sync_report_ops *report;
	void *arg;
	FILE *notices;			/* "service/NAME skipped ...", or NULL */
	struct hmap retry;		/* "ns/name" -> struct sync_retry */
	unsigned long refused;		/* objects and ops refused, ever */
	unsigned long rounds;
};

/* Validate @m (read from one object or document) and take it; @m ends empty. */
int sync_take(struct sync_engine *e, struct model *m, struct diag *d);

/*
 * Send what the objects taken since the last round touched, and the
 * refused services whose retry is due at @now_ms.  With @prune (the
 * kernel's services, from a dump), DELETE ops for those the cache lacks go
 * first, in the same batch, so that their addresses and nodePorts are free
 * for the services after them: the kernel then equals the cache.  Returns the ops the kernel took, or -errno when the
 * batch could not be sent at all.
 */
struct wire_svc;
int sync_round(struct sync_engine *e, const struct wire_svc *prune,
	       size_t n_prune, uint64_t now_ms);

/* Mark every cached service to be sent again in the next round. */
void sync_touch_all(struct sync_engine *e);

/* True if some refused service waits for a retry. */
bool sync_retry_pending(const struct sync_engine *e);

void sync_free(struct sync_engine *e);

#endif
