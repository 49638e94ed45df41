// SPDX-License-Identifier: GPL-2.0
/* CONFIG_GET / CONFIG_SET: node addresses, NodePort range, node name. */
#include <linux/slab.h>
#include "compat.h"
#include "netlink.h"
#include "netns.h"

static int put_cfg(struct sk_buff *skb, struct ksvc_net *kn)
{
	const struct ksvc_cfg *cfg = ksvc_cfg_get(kn);
	struct nlattr *nest, *list, *e;
	u32 i;

	nest = nla_nest_start(skb, KSVC_A_CONFIG);
	if (!nest || nla_put_u16(skb, KSVC_CFG_A_NODEPORT_MIN, cfg->np_min) ||
	    nla_put_u16(skb, KSVC_CFG_A_NODEPORT_MAX, cfg->np_max) ||
	    nla_put_string(skb, KSVC_CFG_A_NODE_NAME, cfg->node) ||
	    nla_put_u32(skb, KSVC_CFG_A_FLAGS, cfg->flags) ||
	    nla_put_u32(skb, KSVC_CFG_A_MAX_SERVICES, ksvc_max_services) ||
	    nla_put_u32(skb, KSVC_CFG_A_MAX_BACKENDS, ksvc_max_backends) ||
	    nla_put_u32(skb, KSVC_CFG_A_NR_SERVICES, kn->nsvc))
		return -EMSGSIZE;
	list = nla_nest_start(skb, KSVC_CFG_A_NODE_ADDRS);
	if (!list)
		return -EMSGSIZE;
	for (i = 0; i < cfg->naddrs; i++) {
		const struct ksvc_addr *a = &cfg->addrs[i];

		e = nla_nest_start(skb, KSVC_LIST_A_ENTRY);
		if (!e || (a->family == AF_INET ?
			   nla_put_in_addr(skb, KSVC_ADDR_A_IN, a->a.ip) :
			   nla_put_in6_addr(skb, KSVC_ADDR_A_IN6, &a->a.in6)))
			return -EMSGSIZE;
		nla_nest_end(skb, e);
	}
	nla_nest_end(skb, list);
	nla_nest_end(skb, nest);
	return 0;
}

int ksvc_nl_cfg_get(struct sk_buff *skb, struct genl_info *info)
{
	struct ksvc_net *kn = ksvc_pernet(genl_info_net(info));
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	void *hdr;
	int err = -EMSGSIZE;

	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ksvc_genl_family, 0,
				KSVC_CMD_CONFIG_GET);
	mutex_lock(&kn->lock);
	if (hdr)
		err = put_cfg(msg, kn);
	mutex_unlock(&kn->lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int parse_node_addrs(const struct nlattr *list, struct ksvc_cfg *cfg,
			    struct netlink_ext_ack *extack)
{
	const struct nlattr *a;
	int rem, err;

	cfg->naddrs = 0;
	nla_for_each_nested(a, list, rem) {
		if (cfg->naddrs == KSVC_MAX_ADDRS) {
			NL_SET_ERR_MSG(extack, "too many node addresses");
			return -EINVAL;
		}
		err = ksvc_parse_addr(a, &cfg->addrs[cfg->naddrs++], extack);
		if (err)
			return err;
	}
	return 0;
}

/* A new config: the old one's values, overridden by what @tb carries. */
static int build_cfg(struct nlattr **tb, const struct ksvc_cfg *old,
		     struct ksvc_cfg *cfg, struct netlink_ext_ack *extack)
{
	memcpy(cfg, old, struct_size(old, addrs, old->naddrs));
	if (tb[KSVC_CFG_A_NODEPORT_MIN])
		cfg->np_min = nla_get_u16(tb[KSVC_CFG_A_NODEPORT_MIN]);
	if (tb[KSVC_CFG_A_NODEPORT_MAX])
		cfg->np_max = nla_get_u16(tb[KSVC_CFG_A_NODEPORT_MAX]);
	if (cfg->np_min > cfg->np_max) {
		NL_SET_ERR_MSG(extack, "NodePort range: min is above max");
		return -EINVAL;
	}
	if (tb[KSVC_CFG_A_FLAGS]) {
		cfg->flags = nla_get_u32(tb[KSVC_CFG_A_FLAGS]);
		if (cfg->flags & ~KSVC_CFG_F_ALL) {
			NL_SET_ERR_MSG_ATTR(extack, tb[KSVC_CFG_A_FLAGS],
					    "unknown config flags");
			return -EOPNOTSUPP;
		}
	}
	if (tb[KSVC_CFG_A_NODE_NAME])
		nla_strscpy(cfg->node, tb[KSVC_CFG_A_NODE_NAME],
			    sizeof(cfg->node));
	if (tb[KSVC_CFG_A_NODE_ADDRS])
		return parse_node_addrs(tb[KSVC_CFG_A_NODE_ADDRS], cfg, extack);
	return 0;
}

int ksvc_nl_cfg_set(struct sk_buff *skb, struct genl_info *info)
{
	struct ksvc_net *kn = ksvc_pernet(genl_info_net(info));
	struct nlattr *tb[KSVC_CFG_A_MAX + 1];
	struct ksvc_cfg *cfg;
	int err;

	if (!info->attrs[KSVC_A_CONFIG]) {
		NL_SET_ERR_MSG(info->extack, "missing KSVC_A_CONFIG");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, KSVC_CFG_A_MAX, info->attrs[KSVC_A_CONFIG],
			       ksvc_cfg_policy, info->extack);
	if (err)
		return err;
	cfg = kzalloc(struct_size(cfg, addrs, KSVC_MAX_ADDRS), GFP_KERNEL);
	if (!cfg)
		return -ENOMEM;
	mutex_lock(&kn->lock);
	err = build_cfg(tb, ksvc_cfg_get(kn), cfg, info->extack);
	if (!err)
		ksvc_cfg_swap(kn, cfg);
	mutex_unlock(&kn->lock);
	if (err)
		kfree(cfg);
	return err;
}
