/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ClusterIPs and nodePorts.  Allocated while the netns mutex is held and
 * checked against every service as the transaction leaves them, so two
 * writers never get the same address or port.
 */
#ifndef _KSVC_ALLOC_H
#define _KSVC_ALLOC_H

#include "table.h"

typedef bool (*ksvc_taken_fn)(struct ksvc_net *kn,
			      const struct ksvc_fe_key *key);

int ksvc_alloc(struct ksvc_net *kn, struct ksvc_svc *svc,
	       const struct ksvc_svc *base, bool fill_only, ksvc_taken_fn taken,
	       struct netlink_ext_ack *extack);
bool ksvc_in_cidr(const struct ksvc_cidr *c, u8 family,
		  const union nf_inet_addr *a);

#endif
