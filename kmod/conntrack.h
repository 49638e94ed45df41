/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Conntrack entries that an update would leave pointing nowhere, as
 * kube-proxy clears them: UDP flows translated to a backend that was
 * removed, and UDP flows that went untranslated while a service port had
 * no endpoint (kubernetes issues #48370 and #59368).  TCP and SCTP flows
 * are left to end by themselves: a backend leaves a set also when only a
 * selector or a slice changed, with its pod still serving.  Flows to
 * backends that remain are never touched.
 */
#ifndef _KSVC_CONNTRACK_H
#define _KSVC_CONNTRACK_H

#include "table.h"

struct ksvc_ct_change;
struct ksvc_ct_key;

/*
 * The changes of one commit, for one walk of the conntrack table: with
 * one walk per changed UDP port, a batch creating 10000 UDP services
 * walked every bucket 10000 times.
 */
struct ksvc_ct_batch {
	struct ksvc_net *kn;
	u32 n, max, nkeys;
	struct ksvc_ct_change *c;	/* NULL: no room, walk per change */
	struct ksvc_ct_key *keys;	/* by destination port */
};

void ksvc_ct_begin(struct ksvc_ct_batch *b, struct ksvc_net *kn, u32 max);
void ksvc_ct_update(struct ksvc_ct_batch *b, const struct ksvc_port *port,
		    const struct ksvc_beset *old, const struct ksvc_beset *bes);
void ksvc_ct_end(struct ksvc_ct_batch *b);

#endif
