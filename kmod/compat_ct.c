// SPDX-License-Identifier: GPL-2.0
/* compat.h's conntrack helper: apart, as the fuzz build has no conntrack. */
#include <net/netfilter/nf_conntrack.h>
#include "compat.h"

void ksvc_ct_walk(struct net *net, int (*fn)(struct nf_conn *, void *),
		  void *data)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 0, 0)
	struct nf_ct_iter_data d = { .net = net, .data = data };

	nf_ct_iterate_cleanup_net(fn, &d);
#else
	nf_ct_iterate_cleanup_net(net, fn, data, 0, 0);
#endif
}
