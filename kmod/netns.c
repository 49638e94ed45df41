// SPDX-License-Identifier: GPL-2.0
#include <net/netns/generic.h>
#include "netns.h"

static unsigned int ksvc_net_id __read_mostly;

struct ksvc_net *ksvc_pernet(const struct net *net)
{
	return net_generic(net, ksvc_net_id);
}

static int __net_init net_init(struct net *net)
{
	return ksvc_net_init(ksvc_pernet(net));
}

/* Runs after a grace period that follows the netns's last packet. */
static void __net_exit net_exit(struct net *net)
{
	ksvc_net_destroy(ksvc_pernet(net));
}

static struct pernet_operations ksvc_net_ops = {
	.init = net_init,
	.exit = net_exit,
	.id = &ksvc_net_id,
	.size = sizeof(struct ksvc_net),
};

int ksvc_netns_init(void)
{
	return register_pernet_subsys(&ksvc_net_ops);
}

void ksvc_netns_exit(void)
{
	unregister_pernet_subsys(&ksvc_net_ops);
}
