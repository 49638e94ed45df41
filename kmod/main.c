// SPDX-License-Identifier: GPL-2.0
/* ksvc: Kubernetes Services in the kernel.  Module init and exit only. */
#include <linux/module.h>
#include <linux/rcupdate.h>
#include "hooks.h"
#include "netlink.h"
#include "netns.h"
#include "node.h"
#include "stats.h"

static int __init ksvc_init(void)
{
	int err;

	/*
	 * table.h's struct ksvc_port: per-port counters would cost 24 bytes
	 * per CPU.  Here, not in stats.c: a stand-in u64_stats_sync of the
	 * fuzz build's is not empty.
	 */
	BUILD_BUG_ON(IS_ENABLED(CONFIG_64BIT) &&
		     sizeof(struct ksvc_stats) != 24);
	err = ksvc_hooks_init();
	if (err)
		return err;
	err = ksvc_netns_init();
	if (err)
		goto hooks;
	err = ksvc_nl_init();
	if (err)
		goto netns;
	return 0;
netns:
	ksvc_netns_exit();
hooks:
	ksvc_hooks_exit();
	return err;
}

static void __exit ksvc_exit(void)
{
	ksvc_nl_exit();
	ksvc_netns_exit();
	ksvc_hooks_exit();
	/* Services, backend sets and configs are freed by RCU callbacks. */
	rcu_barrier();
	WARN_ON(ksvc_stats_chunks());
	ksvc_node_exit();
}

module_init(ksvc_init);
module_exit(ksvc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Kubernetes Services: in-kernel service tables and NAT");
MODULE_ALIAS_GENL_FAMILY(KSVC_GENL_NAME);
