/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sessionAffinity: ClientIP.  A client address keeps the backend it was
 * given until sessionAffinityConfig.clientIP.timeoutSeconds pass without
 * a new connection, as long as that backend stays selectable.
 *
 * The one table the packet path writes: entries are added and replaced
 * under rhashtable's bucket locks, not the netns mutex, and freed after a
 * grace period; a periodic worker drops expired ones.
 */
#ifndef _KSVC_AFFINITY_H
#define _KSVC_AFFINITY_H

#include "table.h"

extern unsigned int ksvc_max_affinity;

int ksvc_affinity_init(struct ksvc_net *kn);
void ksvc_affinity_destroy(struct ksvc_net *kn);
const struct ksvc_backend *ksvc_affinity_get(struct ksvc_net *kn,
					     const struct ksvc_port *port,
					     const struct ksvc_beset *bes,
					     bool local,
					     const union nf_inet_addr *client);
void ksvc_affinity_put(struct ksvc_net *kn, const struct ksvc_port *port,
		       const union nf_inet_addr *client,
		       const struct ksvc_backend *be);
unsigned int ksvc_affinity_count(struct ksvc_net *kn);

#endif
