// SPDX-License-Identifier: GPL-2.0
#include <linux/random.h>
#include <linux/utsname.h>
#include <net/netns/generic.h>
#include "affinity.h"
#include "hooks.h"
#include "netns.h"

static unsigned int ksvc_net_id __read_mostly;

struct ksvc_net *ksvc_pernet(const struct net *net)
{
	return net_generic(net, ksvc_net_id);
}

/*
 * The node name defaults to the host name, as kube-proxy's does.  Set in
 * place: no reader can see @kn before net_init() returns.  The lock is
 * the rule for writing a config, not a need.
 */
static void default_node(struct ksvc_net *kn)
{
	struct ksvc_cfg *cfg;

	mutex_lock(&kn->lock);
	cfg = ksvc_cfg_get(kn);
	strscpy(cfg->node, utsname()->nodename, sizeof(cfg->node));
	mutex_unlock(&kn->lock);
}

static int __net_init net_init(struct net *net)
{
	struct ksvc_net *kn = ksvc_pernet(net);
	int err = ksvc_net_init(kn);

	if (err)
		return err;
	default_node(kn);
	kn->net = net;
	kn->seed = get_random_u32();
	err = ksvc_affinity_init(kn);
	if (err)
		ksvc_net_destroy(kn);
	return err;
}

/* First unhook, so that after the grace period below no packet is ours. */
static void __net_exit net_pre_exit(struct net *net)
{
	struct ksvc_net *kn = ksvc_pernet(net);

	mutex_lock(&kn->lock);
	ksvc_hooks_disable(net, kn);
	mutex_unlock(&kn->lock);
}

static void __net_exit net_exit(struct net *net)
{
	struct ksvc_net *kn = ksvc_pernet(net);

	ksvc_net_destroy(kn);
	ksvc_affinity_destroy(kn);
}

static struct pernet_operations ksvc_net_ops = {
	.init = net_init,
	.pre_exit = net_pre_exit,
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
