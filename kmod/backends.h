/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Backend sets.  A set is sorted by (family, address, port) and free of
 * duplicates, so two sets are compared by one merge walk: that is how
 * counters follow a backend from an old set to its replacement.
 */
#ifndef _KSVC_BACKENDS_H
#define _KSVC_BACKENDS_H

#include "table.h"

struct ksvc_beset *ksvc_beset_alloc(u32 n);
struct ksvc_beset *ksvc_beset_clone(const struct ksvc_beset *old);
void ksvc_beset_free(struct ksvc_beset *bes);
int ksvc_beset_sort(struct ksvc_beset *bes, struct netlink_ext_ack *extack);
const struct ksvc_backend *ksvc_beset_find(const struct ksvc_beset *bes,
					   u8 family,
					   const union nf_inet_addr *addr,
					   __be16 port);
void ksvc_beset_keep_families(struct ksvc_beset *bes, unsigned int fams);
void ksvc_beset_carry(struct ksvc_beset *old, struct ksvc_beset *bes,
		      bool undo);
void ksvc_beset_gone(const struct ksvc_beset *old, struct ksvc_stats_sum *sum);
void ksvc_port_stats(const struct ksvc_port *p, const struct ksvc_beset *bes,
		     struct ksvc_stats_sum *sum);

#endif
