// SPDX-License-Identifier: GPL-2.0
/* The generic netlink family: policies and the command table. */
#include <linux/in.h>
#include "compat.h"
#include "netlink.h"

static struct netlink_range_validation affinity_range = {
	.min = 1,
	.max = 86400,
};

const struct nla_policy ksvc_addr_policy[KSVC_ADDR_A_MAX + 1] = {
	[KSVC_ADDR_A_KIND] = NLA_POLICY_RANGE(NLA_U8, 1, KSVC_ADDR_KIND_MAX),
	[KSVC_ADDR_A_IN] = NLA_POLICY_EXACT_LEN(4),
	[KSVC_ADDR_A_IN6] = NLA_POLICY_EXACT_LEN(16),
	[KSVC_ADDR_A_PREFIX] = NLA_POLICY_MAX(NLA_U8, 128),
};

static const struct nla_policy addr_list_policy[KSVC_LIST_A_MAX + 1] = {
	[KSVC_LIST_A_ENTRY] = NLA_POLICY_NESTED(ksvc_addr_policy),
};

const struct nla_policy ksvc_be_policy[KSVC_BE_A_MAX + 1] = {
	[KSVC_BE_A_IN] = NLA_POLICY_EXACT_LEN(4),
	[KSVC_BE_A_IN6] = NLA_POLICY_EXACT_LEN(16),
	[KSVC_BE_A_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[KSVC_BE_A_FLAGS] = { .type = NLA_U32 },
	[KSVC_BE_A_WEIGHT] = NLA_POLICY_MIN(NLA_U16, 1),
	[KSVC_BE_A_NODE_NAME] = { .type = NLA_NUL_STRING,
				  .len = KSVC_NAME_MAX - 1 },
	[KSVC_BE_A_STATS] = { .type = NLA_REJECT },
};

static const struct nla_policy bes_policy[KSVC_BES_A_MAX + 1] = {
	[KSVC_BES_A_ENTRY] = NLA_POLICY_NESTED(ksvc_be_policy),
	[KSVC_BES_A_PROTO] = { .type = NLA_U8 },
	[KSVC_BES_A_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
};

const struct nla_policy ksvc_port_policy[KSVC_PORT_A_MAX + 1] = {
	[KSVC_PORT_A_NAME] = { .type = NLA_NUL_STRING,
			       .len = KSVC_NAME_MAX - 1 },
	[KSVC_PORT_A_PROTO] = { .type = NLA_U8 },
	[KSVC_PORT_A_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[KSVC_PORT_A_NODE_PORT] = { .type = NLA_U16 },
	[KSVC_PORT_A_TARGET_PORT] = { .type = NLA_U16 },
	[KSVC_PORT_A_STATS] = { .type = NLA_REJECT },
	[KSVC_PORT_A_NR_BACKENDS] = { .type = NLA_REJECT },
};

static const struct nla_policy port_list_policy[KSVC_LIST_A_MAX + 1] = {
	[KSVC_LIST_A_ENTRY] = NLA_POLICY_NESTED(ksvc_port_policy),
};

const struct nla_policy ksvc_svc_policy[KSVC_SVC_A_MAX + 1] = {
	[KSVC_SVC_A_NAMESPACE] = { .type = NLA_NUL_STRING,
				   .len = KSVC_NAME_MAX - 1 },
	[KSVC_SVC_A_NAME] = { .type = NLA_NUL_STRING,
			      .len = KSVC_NAME_MAX - 1 },
	[KSVC_SVC_A_TYPE] = NLA_POLICY_RANGE(NLA_U8, 1, KSVC_SVC_TYPE_MAX),
	[KSVC_SVC_A_FLAGS] = { .type = NLA_U32 },
	[KSVC_SVC_A_SCHED] = NLA_POLICY_MAX(NLA_U8, KSVC_SCHED_MAX),
	[KSVC_SVC_A_AFFINITY_TIMEOUT] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &affinity_range),
	[KSVC_SVC_A_ADDRS] = NLA_POLICY_NESTED(addr_list_policy),
	[KSVC_SVC_A_PORTS] = NLA_POLICY_NESTED(port_list_policy),
	[KSVC_SVC_A_CREATED] = { .type = NLA_REJECT },
	[KSVC_SVC_A_OP] = NLA_POLICY_RANGE(NLA_U8, 1, KSVC_OP_MAX),
};

const struct nla_policy ksvc_cfg_policy[KSVC_CFG_A_MAX + 1] = {
	[KSVC_CFG_A_NODEPORT_MIN] = NLA_POLICY_MIN(NLA_U16, 1),
	[KSVC_CFG_A_NODEPORT_MAX] = NLA_POLICY_MIN(NLA_U16, 1),
	[KSVC_CFG_A_NODE_NAME] = { .type = NLA_NUL_STRING,
				   .len = KSVC_NAME_MAX - 1 },
	[KSVC_CFG_A_NODE_ADDRS] = NLA_POLICY_NESTED(addr_list_policy),
	[KSVC_CFG_A_FLAGS] = { .type = NLA_U32 },
	[KSVC_CFG_A_MAX_SERVICES] = { .type = NLA_REJECT },
	[KSVC_CFG_A_MAX_BACKENDS] = { .type = NLA_REJECT },
	[KSVC_CFG_A_NR_SERVICES] = { .type = NLA_REJECT },
	[KSVC_CFG_A_SERVICE_CIDRS] = NLA_POLICY_NESTED(addr_list_policy),
};

static const struct nla_policy ksvc_policy[KSVC_A_MAX + 1] = {
	[KSVC_A_SERVICE] = NLA_POLICY_NESTED(ksvc_svc_policy),
	[KSVC_A_CONFIG] = NLA_POLICY_NESTED(ksvc_cfg_policy),
	[KSVC_A_BACKENDS] = NLA_POLICY_NESTED(bes_policy),
	[KSVC_A_BATCH_FLAGS] = { .type = NLA_U32 },
	[KSVC_A_RESULT] = { .type = NLA_REJECT },
};

static const struct genl_small_ops ksvc_ops[] = {
	{
		.cmd = KSVC_CMD_SVC_NEW,
		.doit = ksvc_nl_svc_new,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = KSVC_CMD_SVC_SET,
		.doit = ksvc_nl_svc_set,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = KSVC_CMD_SVC_DEL,
		.doit = ksvc_nl_svc_del,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = KSVC_CMD_SVC_GET,
		.doit = ksvc_nl_svc_get,
		.dumpit = ksvc_nl_svc_dump,
	}, {
		.cmd = KSVC_CMD_BACKENDS_SET,
		.doit = ksvc_nl_backends_set,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = KSVC_CMD_FLUSH,
		.doit = ksvc_nl_flush,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = KSVC_CMD_CONFIG_GET,
		.doit = ksvc_nl_cfg_get,
	}, {
		.cmd = KSVC_CMD_CONFIG_SET,
		.doit = ksvc_nl_cfg_set,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = KSVC_CMD_BATCH,
		.doit = ksvc_nl_batch,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

struct genl_family ksvc_genl_family __ro_after_init = {
	.name = KSVC_GENL_NAME,
	.version = KSVC_GENL_VERSION,
	.maxattr = KSVC_A_MAX,
	.policy = ksvc_policy,
	.netnsok = true,
	/* Each netns has its own writer mutex; no need for genl_mutex. */
	.parallel_ops = true,
	.module = THIS_MODULE,
	.small_ops = ksvc_ops,
	.n_small_ops = ARRAY_SIZE(ksvc_ops),
	KSVC_RESV_START_OP(KSVC_CMD_MAX + 1)
};

int ksvc_nl_init(void)
{
	BUILD_BUG_ON((int)KSVC_BES_A_ENTRY != (int)KSVC_LIST_A_ENTRY);
	return genl_register_family(&ksvc_genl_family);
}

void ksvc_nl_exit(void)
{
	genl_unregister_family(&ksvc_genl_family);
}
