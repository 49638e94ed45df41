// SPDX-License-Identifier: GPL-2.0
/*
 * The packet path.  ksvc plugs into nf_nat the way iptable_nat and
 * nftables nat chains do: nf_nat calls our functions only for the first
 * packet of a connection whose NAT is not set up yet, so the table lookup
 * happens once per new connection; conntrack translates every later
 * packet and the replies.
 *
 *   PRE_ROUTING, LOCAL_OUT  DNAT to a backend (from pods/outside; from
 *                           the node itself)
 *   POST_ROUTING            masquerade NodePort/external traffic with
 *                           externalTrafficPolicy Cluster, and hairpin
 */
#include <linux/ip.h>
#include <linux/netfilter_ipv6.h>
#include <linux/jhash.h>
#include <net/addrconf.h>
#include <net/ip.h>
#include <net/netfilter/ipv4/nf_reject.h>
#include <net/netfilter/ipv6/nf_reject.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_nat.h>
#include <net/netfilter/nf_nat_masquerade.h>
#include <net/route.h>
#include "affinity.h"
#include "backends.h"
#include "frontend.h"
#include "hooks.h"
#include "netns.h"
#include "select.h"

/* Where the new connection is headed, from its original tuple. */
static void tuple_key(const struct nf_conntrack_tuple *t, u8 family,
		      struct ksvc_fe_key *key)
{
	memset(key, 0, sizeof(*key));
	key->family = family;
	key->addr = t->dst.u3;
	key->port = t->dst.u.all;
	key->proto = t->dst.protonum;
}

static bool is_node_addr(struct net *net, const struct ksvc_cfg *cfg,
			 u8 family, const union nf_inet_addr *a)
{
	u32 i;

	if (cfg->naddrs) {
		for (i = 0; i < cfg->naddrs; i++)
			if (cfg->addrs[i].family == family &&
			    !memcmp(&cfg->addrs[i].a, a, sizeof(*a)))
				return true;
		return false;
	}
	if (family == AF_INET)
		return !ipv4_is_loopback(a->ip) &&
		       inet_addr_type(net, a->ip) == RTN_LOCAL;
	return !ipv6_addr_loopback(&a->in6) &&
	       ipv6_chk_addr(net, &a->in6, NULL, 0);
}

/*
 * The service port of a connection: by address:port, else by nodePort on
 * a node address.  @ext: it came in from outside, on a nodePort, an
 * external or a load-balancer address.
 */
static const struct ksvc_port *classify(struct net *net, struct ksvc_net *kn,
					const struct nf_conntrack_tuple *t,
					u8 family, bool *ext)
{
	const struct ksvc_port *port;
	struct ksvc_fe_key key;
	u8 kind;

	if (t->dst.protonum != IPPROTO_TCP && t->dst.protonum != IPPROTO_UDP &&
	    t->dst.protonum != IPPROTO_SCTP)
		return NULL;
	tuple_key(t, family, &key);
	port = ksvc_lookup(kn, &key, &kind);
	if (!port) {
		memset(&key.addr, 0, sizeof(key.addr));
		key.family = 0;
		port = ksvc_lookup(kn, &key, &kind);
		if (port && !is_node_addr(net, rcu_dereference(kn->cfg),
					  family, &t->dst.u3))
			return NULL;
	}
	*ext = kind != KSVC_ADDR_KIND_CLUSTER;
	return port;
}

static unsigned int no_endpoint(struct ksvc_net *kn,
				const struct ksvc_port *port,
				struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	const struct ksvc_cfg *cfg = rcu_dereference(kn->cfg);

	if ((port->flags & KSVC_SVC_F_DROP) ||
	    (cfg->flags & KSVC_CFG_F_DROP_NO_ENDPOINT))
		return NF_DROP;
	if (state->pf == NFPROTO_IPV4)
		nf_send_unreach(skb, ICMP_PORT_UNREACH, state->hook);
	else
		nf_send_unreach6(state->net, skb, ICMPV6_PORT_UNREACH,
				 state->hook);
	return NF_DROP;
}

static u32 flow_hash(struct ksvc_net *kn, const struct nf_conntrack_tuple *t)
{
	return jhash(&t->src.u3, sizeof(t->src.u3),
		     kn->seed ^ ((u32)ntohs(t->src.u.all) << 16) ^ t->dst.protonum);
}

static unsigned int setup_dnat(struct nf_conn *ct,
			       const struct ksvc_backend *be)
{
	struct nf_nat_range2 range = {
		.flags = NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED,
		.min_addr = be->addr,
		.max_addr = be->addr,
		.min_proto.all = be->port,
		.max_proto.all = be->port,
	};

	return nf_nat_setup_info(ct, &range, NF_NAT_MANIP_DST);
}

/* Pick a backend for a new connection to @port and translate to it. */
static unsigned int dnat_to(struct ksvc_net *kn, const struct ksvc_port *port,
			    bool ext, struct nf_conn *ct, struct sk_buff *skb,
			    const struct nf_hook_state *state)
{
	const struct nf_conntrack_tuple *t =
		&ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	const struct ksvc_beset *bes = rcu_dereference(port->bes);
	bool local = port->flags & (ext ? KSVC_SVC_F_ETP_LOCAL :
					  KSVC_SVC_F_ITP_LOCAL);
	u8 family = state->pf == NFPROTO_IPV4 ? AF_INET : AF_INET6;
	const struct ksvc_backend *be = NULL;

	if (port->flags & KSVC_SVC_F_AFFINITY)
		be = ksvc_affinity_get(kn, port, bes, local, &t->src.u3);
	if (!be)
		be = ksvc_select(bes, local, family, flow_hash(kn, t));
	/* Endpoints, none on this node: drop, as kube-proxy does. */
	if (!be && local && ksvc_select(bes, false, family, 0))
		return NF_DROP;
	if (!be)
		return no_endpoint(kn, port, skb, state);
	if (port->flags & KSVC_SVC_F_AFFINITY)
		ksvc_affinity_put(kn, port, &t->src.u3, be);
	ksvc_stats_add(be->stats, 1, skb->len);
	return setup_dnat(ct, be);
}

static unsigned int dnat(void *priv, struct sk_buff *skb,
			 const struct nf_hook_state *state)
{
	struct ksvc_net *kn = ksvc_pernet(state->net);
	enum ip_conntrack_info ctinfo;
	const struct ksvc_port *port;
	struct nf_conn *ct;
	bool ext;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || ctinfo != IP_CT_NEW)
		return NF_ACCEPT;
	port = classify(state->net, kn,
			&ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple,
			state->pf == NFPROTO_IPV4 ? AF_INET : AF_INET6, &ext);
	if (!port || (port->flags & KSVC_SVC_F_HEADLESS))
		return NF_ACCEPT;
	return dnat_to(kn, port, ext, ct, skb, state);
}

/*
 * Masquerade a connection we translated when the backend could not
 * answer the client directly: external traffic with externalTrafficPolicy
 * Cluster (it may have come through any node), and hairpin (a pod that
 * reached itself through its service would see its own address as the
 * source).  Found again from the original tuple: nf_nat calls this once
 * per new connection, like dnat().
 */
static unsigned int snat(void *priv, struct sk_buff *skb,
			 const struct nf_hook_state *state)
{
	struct ksvc_net *kn = ksvc_pernet(state->net);
	const struct nf_conntrack_tuple *orig, *reply;
	enum ip_conntrack_info ctinfo;
	const struct ksvc_port *port;
	struct nf_nat_range2 range = {};
	struct nf_conn *ct;
	u8 family = state->pf == NFPROTO_IPV4 ? AF_INET : AF_INET6;
	bool ext;

	ct = nf_ct_get(skb, &ctinfo);
	/* The node talking to itself keeps its addresses. */
	if (!ct || ctinfo != IP_CT_NEW || !(ct->status & IPS_DST_NAT) ||
	    (state->out->flags & IFF_LOOPBACK))
		return NF_ACCEPT;
	orig = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	reply = &ct->tuplehash[IP_CT_DIR_REPLY].tuple;
	/*
	 * Not hairpin, and no external frontend to have come in on: nothing
	 * to masquerade, and no second lookup per new connection.  A stale
	 * count only costs that lookup.
	 */
	if (!nf_inet_addr_cmp(&orig->src.u3, &reply->src.u3) &&
	    !READ_ONCE(kn->nexternal))
		return NF_ACCEPT;
	port = classify(state->net, kn, orig, family, &ext);
	if (!port)
		return NF_ACCEPT;
	if (!nf_inet_addr_cmp(&orig->src.u3, &reply->src.u3) &&
	    (!ext || (port->flags & KSVC_SVC_F_ETP_LOCAL)))
		return NF_ACCEPT;
	if (family == AF_INET)
		return nf_nat_masquerade_ipv4(skb, state->hook, &range,
					      state->out);
	return nf_nat_masquerade_ipv6(skb, &range, state->out);
}

static bool packet_stats = true;
module_param(packet_stats, bool, 0644);
MODULE_PARM_DESC(packet_stats,
		 "Count every packet of translated connections (a lookup per packet)");

/*
 * Counters for the packets after the first (dnat_to() counted that one),
 * both directions.  The connection's original tuple finds the port, its
 * reply source the backend; a connection some other NAT translated
 * matches no backend of ours and is left alone.
 */
static unsigned int count(void *priv, struct sk_buff *skb,
			  const struct nf_hook_state *state)
{
	struct ksvc_net *kn = ksvc_pernet(state->net);
	const struct nf_conntrack_tuple *orig, *reply;
	const struct ksvc_backend *be;
	enum ip_conntrack_info ctinfo;
	const struct ksvc_port *port;
	struct ksvc_fe_key key;
	struct nf_conn *ct;
	u8 family = state->pf == NFPROTO_IPV4 ? AF_INET : AF_INET6;
	u8 kind;

	ct = nf_ct_get(skb, &ctinfo);
	if (!READ_ONCE(packet_stats) || !ct || ctinfo == IP_CT_NEW ||
	    !(ct->status & IPS_DST_NAT))
		return NF_ACCEPT;
	orig = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	reply = &ct->tuplehash[IP_CT_DIR_REPLY].tuple;
	tuple_key(orig, family, &key);
	port = ksvc_lookup(kn, &key, &kind);
	if (!port) {
		memset(&key.addr, 0, sizeof(key.addr));
		key.family = 0;
		port = ksvc_lookup(kn, &key, &kind);
	}
	if (!port)
		return NF_ACCEPT;
	be = ksvc_beset_find(rcu_dereference(port->bes), family,
			     &reply->src.u3, reply->src.u.all);
	if (be)
		ksvc_stats_add(be->stats, 0, skb->len);
	return NF_ACCEPT;
}

/* Plain hooks, after NAT: they see every packet. */
static const struct nf_hook_ops count_ops[] = {
	{
		.hook = count,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP_PRI_NAT_DST + 1,
	}, {
		.hook = count,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_NAT_DST + 1,
	}, {
		.hook = count,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP6_PRI_NAT_DST + 1,
	}, {
		.hook = count,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP6_PRI_NAT_DST + 1,
	},
};

static const struct nf_hook_ops ops4[] = {
	{
		.hook = dnat,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP_PRI_NAT_DST,
	}, {
		.hook = dnat,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_NAT_DST,
	}, {
		.hook = snat,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = NF_IP_PRI_NAT_SRC,
	},
};

static const struct nf_hook_ops ops6[] = {
	{
		.hook = dnat,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP6_PRI_NAT_DST,
	}, {
		.hook = dnat,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP6_PRI_NAT_DST,
	}, {
		.hook = snat,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = NF_IP6_PRI_NAT_SRC,
	},
};

static void unregister(struct net *net, int n4, int n6)
{
	while (n6)
		nf_nat_ipv6_unregister_fn(net, &ops6[--n6]);
	while (n4)
		nf_nat_ipv4_unregister_fn(net, &ops4[--n4]);
}

static int register_all(struct net *net)
{
	int n4, n6, err = 0;

	for (n4 = 0; n4 < ARRAY_SIZE(ops4) && !err; n4++)
		err = nf_nat_ipv4_register_fn(net, &ops4[n4]);
	if (err) {
		unregister(net, n4 - 1, 0);
		return err;
	}
	for (n6 = 0; n6 < ARRAY_SIZE(ops6) && !err; n6++)
		err = nf_nat_ipv6_register_fn(net, &ops6[n6]);
	if (err)
		unregister(net, n4, n6 - 1);
	return err;
}

/*
 * Hooks (and conntrack) are turned on in a netns when its first service
 * arrives, as nftables does for its chains: namespaces without services
 * (most pods' own) pay nothing.
 */
int ksvc_hooks_enable(struct net *net, struct ksvc_net *kn)
{
	int err;

	lockdep_assert_held(&kn->lock);
	if (kn->hooks)
		return 0;
	err = nf_ct_netns_get(net, NFPROTO_INET);
	if (err)
		return err;
	err = register_all(net);
	if (err)
		goto put;
	err = nf_register_net_hooks(net, count_ops, ARRAY_SIZE(count_ops));
	if (err)
		goto unregister;
	kn->hooks = true;
	return 0;
unregister:
	unregister(net, ARRAY_SIZE(ops4), ARRAY_SIZE(ops6));
put:
	nf_ct_netns_put(net, NFPROTO_INET);
	return err;
}

/* netns teardown or module unload: no packet reaches us afterwards. */
void ksvc_hooks_disable(struct net *net, struct ksvc_net *kn)
{
	if (!kn->hooks)
		return;
	nf_unregister_net_hooks(net, count_ops, ARRAY_SIZE(count_ops));
	unregister(net, ARRAY_SIZE(ops4), ARRAY_SIZE(ops6));
	nf_ct_netns_put(net, NFPROTO_INET);
	kn->hooks = false;
}

int ksvc_hooks_init(void)
{
	return nf_nat_masquerade_inet_register_notifiers();
}

void ksvc_hooks_exit(void)
{
	nf_nat_masquerade_inet_unregister_notifiers();
}
