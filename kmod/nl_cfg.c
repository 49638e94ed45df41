// SPDX-License-Identifier: GPL-2.0
/* CONFIG_GET / CONFIG_SET: node addresses, NodePort range, node name. */
#include <linux/slab.h>
#include <net/ipv6.h>
#include "compat.h"
#include "netlink.h"
#include "netns.h"

static int put_cidrs(struct sk_buff *skb, const struct ksvc_cfg *cfg)
{
	struct nlattr *list = nla_nest_start(skb, KSVC_CFG_A_SERVICE_CIDRS);
	struct nlattr *e;
	int i;

	if (!list)
		return -EMSGSIZE;
	for (i = 0; i < 2; i++) {
		const struct ksvc_cidr *c = &cfg->cidr[i];

		if (!c->set)
			continue;
		e = nla_nest_start(skb, KSVC_LIST_A_ENTRY);
		if (!e || (i ? nla_put_in6_addr(skb, KSVC_ADDR_A_IN6, &c->a.in6) :
			   nla_put_in_addr(skb, KSVC_ADDR_A_IN, c->a.ip)) ||
		    nla_put_u8(skb, KSVC_ADDR_A_PREFIX, c->len))
			return -EMSGSIZE;
		nla_nest_end(skb, e);
	}
	nla_nest_end(skb, list);
	return 0;
}

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
	    nla_put_u32(skb, KSVC_CFG_A_NR_SERVICES, kn->nsvc) ||
	    put_cidrs(skb, cfg))
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

static bool host_bits_clear(u8 family, const union nf_inet_addr *a, u8 len)
{
	struct in6_addr m;

	if (family == AF_INET)
		return !(ntohl(a->ip) & (~0U >> len));
	ipv6_addr_prefix(&m, &a->in6, len);
	return ipv6_addr_equal(&m, &a->in6);
}

/* One service CIDR: an address with no host bits set, and its prefix. */
static int parse_cidr(const struct nlattr *attr, struct ksvc_cfg *cfg,
		      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[KSVC_ADDR_A_MAX + 1];
	struct ksvc_addr a;
	struct ksvc_cidr *c;
	bool v4;
	int err;

	err = nla_parse_nested(tb, KSVC_ADDR_A_MAX, attr, ksvc_addr_policy,
			       extack) ?:
	      ksvc_parse_addr(attr, &a, extack);
	if (err)
		return err;
	v4 = a.family == AF_INET;
	c = &cfg->cidr[!v4];
	c->set = true;
	c->a = a.a;
	c->len = tb[KSVC_ADDR_A_PREFIX] ? nla_get_u8(tb[KSVC_ADDR_A_PREFIX]) : 0;
	if (c->len < (v4 ? 8 : 64) || c->len > (v4 ? 30 : 126)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "service CIDR prefix must be /8../30 (IPv4), /64../126 (IPv6)");
		return -EINVAL;
	}
	if (!host_bits_clear(a.family, &a.a, c->len)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "service CIDR has host bits set");
		return -EINVAL;
	}
	return 0;
}

static int parse_cidrs(const struct nlattr *list, struct ksvc_cfg *cfg,
		       struct netlink_ext_ack *extack)
{
	const struct nlattr *a;
	int rem, err;

	memset(cfg->cidr, 0, sizeof(cfg->cidr));
	nla_for_each_nested(a, list, rem) {
		err = parse_cidr(a, cfg, extack);
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
	if (tb[KSVC_CFG_A_SERVICE_CIDRS]) {
		int err = parse_cidrs(tb[KSVC_CFG_A_SERVICE_CIDRS], cfg, extack);

		if (err)
			return err;
	}
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
