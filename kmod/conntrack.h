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

void ksvc_ct_update(struct ksvc_net *kn, const struct ksvc_port *port,
		    const struct ksvc_beset *old, const struct ksvc_beset *bes);

#endif
