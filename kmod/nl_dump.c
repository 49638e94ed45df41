// SPDX-License-Identifier: GPL-2.0
/* Replies: services as KSVC_A_SERVICE nests, for GET and dumps. */
#include <linux/socket.h>
#include <net/sock.h>
#include "backends.h"
#include "compat.h"
#include "netlink.h"
#include "netns.h"
#include "node.h"

static int put_inet(struct sk_buff *skb, int in, int in6, u8 family,
		    const union nf_inet_addr *a)
{
	if (family == AF_INET)
		return nla_put_in_addr(skb, in, a->ip);
	return nla_put_in6_addr(skb, in6, &a->in6);
}

static int put_sum(struct sk_buff *skb, int type,
		   const struct ksvc_stats_sum *sum)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest ||
	    nla_put_u64_64bit(skb, KSVC_STATS_A_CONNS, sum->conns,
			      KSVC_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, KSVC_STATS_A_PACKETS, sum->packets,
			      KSVC_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, KSVC_STATS_A_BYTES, sum->bytes,
			      KSVC_STATS_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_stats(struct sk_buff *skb, int type,
		     struct ksvc_stats __percpu *stats)
{
	struct ksvc_stats_sum sum;

	ksvc_stats_read(stats, &sum);
	return put_sum(skb, type, &sum);
}

static int put_addrs(struct sk_buff *skb, const struct ksvc_svc *svc)
{
	struct nlattr *list, *e;
	u32 i;

	list = nla_nest_start(skb, KSVC_SVC_A_ADDRS);
	if (!list)
		return -EMSGSIZE;
	for (i = 0; i < svc->naddrs; i++) {
		const struct ksvc_addr *a = &svc->addrs[i];

		e = nla_nest_start(skb, KSVC_LIST_A_ENTRY);
		if (!e || nla_put_u8(skb, KSVC_ADDR_A_KIND, a->kind) ||
		    put_inet(skb, KSVC_ADDR_A_IN, KSVC_ADDR_A_IN6, a->family,
			     &a->a))
			return -EMSGSIZE;
		nla_nest_end(skb, e);
	}
	nla_nest_end(skb, list);
	return 0;
}

static int put_be(struct sk_buff *skb, const struct ksvc_backend *be)
{
	struct nlattr *e = nla_nest_start(skb, KSVC_BES_A_ENTRY);

	if (!e ||
	    put_inet(skb, KSVC_BE_A_IN, KSVC_BE_A_IN6, be->family, &be->addr) ||
	    nla_put_u16(skb, KSVC_BE_A_PORT, ntohs(be->port)) ||
	    nla_put_u32(skb, KSVC_BE_A_FLAGS, be->flags) ||
	    nla_put_u16(skb, KSVC_BE_A_WEIGHT, be->weight) ||
	    nla_put_string(skb, KSVC_BE_A_NODE_NAME,
			   ksvc_node_name(be->node)) ||
	    put_stats(skb, KSVC_BE_A_STATS, be->stats))
		return -EMSGSIZE;
	nla_nest_end(skb, e);
	return 0;
}

#define CHUNK	256	/* backends per chunk: well below the 64 KiB of a nest */

/* @port's backends as top-level KSVC_A_BACKENDS chunks. */
static int put_chunks(struct sk_buff *skb, struct ksvc_net *kn,
		      const struct ksvc_port *p)
{
	const struct ksvc_beset *bes =
		rcu_dereference_protected(p->bes, lockdep_is_held(&kn->lock));
	struct nlattr *c;
	u32 i;

	for (i = 0; bes && i < bes->n; i++) {
		if (i % CHUNK == 0) {
			c = nla_nest_start(skb, KSVC_A_BACKENDS);
			if (!c || nla_put_u8(skb, KSVC_BES_A_PROTO, p->proto) ||
			    nla_put_u16(skb, KSVC_BES_A_PORT, p->port))
				return -EMSGSIZE;
		}
		if (put_be(skb, &bes->be[i]))
			return -EMSGSIZE;
		if (i % CHUNK == CHUNK - 1 || i == bes->n - 1)
			nla_nest_end(skb, c);
	}
	return 0;
}

static int put_port(struct sk_buff *skb, struct ksvc_net *kn,
		    const struct ksvc_port *p)
{
	const struct ksvc_beset *bes =
		rcu_dereference_protected(p->bes, lockdep_is_held(&kn->lock));
	struct nlattr *e = nla_nest_start(skb, KSVC_LIST_A_ENTRY);
	struct ksvc_stats_sum sum;

	ksvc_port_stats(p, bes, &sum);
	if (!e || nla_put_string(skb, KSVC_PORT_A_NAME, p->name ?: "") ||
	    nla_put_u8(skb, KSVC_PORT_A_PROTO, p->proto) ||
	    nla_put_u16(skb, KSVC_PORT_A_PORT, p->port) ||
	    nla_put_u16(skb, KSVC_PORT_A_NODE_PORT, p->node_port) ||
	    nla_put_u16(skb, KSVC_PORT_A_TARGET_PORT, p->target_port) ||
	    nla_put_u32(skb, KSVC_PORT_A_NR_BACKENDS, bes ? bes->n : 0) ||
	    put_sum(skb, KSVC_PORT_A_STATS, &sum))
		return -EMSGSIZE;
	nla_nest_end(skb, e);
	return 0;
}

static int put_ports(struct sk_buff *skb, struct ksvc_net *kn,
		     const struct ksvc_svc *svc)
{
	struct nlattr *list = nla_nest_start(skb, KSVC_SVC_A_PORTS);
	u32 i;

	if (!list)
		return -EMSGSIZE;
	for (i = 0; i < svc->nports; i++)
		if (put_port(skb, kn, &svc->ports[i]))
			return -EMSGSIZE;
	nla_nest_end(skb, list);
	return 0;
}

/*
 * KSVC_A_SERVICE, then with @backends the chunks of every port.  On
 * -EMSGSIZE the skb is left as it was.
 */
int ksvc_fill_svc(struct sk_buff *skb, struct ksvc_net *kn,
		  struct ksvc_svc *svc, bool backends)
{
	unsigned char *mark = skb_tail_pointer(skb);
	struct nlattr *nest = nla_nest_start(skb, KSVC_A_SERVICE);
	u32 i;

	lockdep_assert_held(&kn->lock);
	if (!nest ||
	    nla_put_string(skb, KSVC_SVC_A_NAMESPACE, svc->key->ns) ||
	    nla_put_string(skb, KSVC_SVC_A_NAME, svc->key->name) ||
	    nla_put_u8(skb, KSVC_SVC_A_TYPE, svc->type) ||
	    nla_put_u32(skb, KSVC_SVC_A_FLAGS, svc->flags) ||
	    nla_put_u8(skb, KSVC_SVC_A_SCHED, svc->sched) ||
	    nla_put_u32(skb, KSVC_SVC_A_AFFINITY_TIMEOUT,
			svc->affinity_timeout) ||
	    nla_put_u64_64bit(skb, KSVC_SVC_A_CREATED, svc->created,
			      KSVC_SVC_A_PAD) ||
	    put_addrs(skb, svc) || put_ports(skb, kn, svc))
		goto cancel;
	nla_nest_end(skb, nest);
	for (i = 0; backends && i < svc->nports; i++)
		if (put_chunks(skb, kn, &svc->ports[i]))
			goto cancel;
	return 0;
cancel:
	nlmsg_trim(skb, mark);
	return -EMSGSIZE;
}

/* Upper bound of a service's reply, backends included. */
static size_t svc_size(struct ksvc_net *kn, const struct ksvc_svc *svc)
{
	size_t n = 512 + svc->naddrs * 48;
	u32 i;

	for (i = 0; i < svc->nports; i++) {
		const struct ksvc_beset *bes = rcu_dereference_protected(
			svc->ports[i].bes, lockdep_is_held(&kn->lock));

		n += 256 + (bes ? bes->n : 0) * (128 + KSVC_NAME_MAX);
	}
	return n;
}

int ksvc_nl_reply_svc(struct genl_info *info, struct ksvc_net *kn,
		      struct ksvc_svc *svc)
{
	struct sk_buff *msg = genlmsg_new(svc_size(kn, svc), GFP_KERNEL);
	void *hdr;

	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ksvc_genl_family, 0,
				KSVC_CMD_SVC_GET);
	if (!hdr || ksvc_fill_svc(msg, kn, svc, true)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static const char *dump_ns(struct netlink_callback *cb)
{
	struct nlattr **attrs = ksvc_dump_attrs(cb);
	struct nlattr *tb[KSVC_SVC_A_MAX + 1];

	if (!attrs || !attrs[KSVC_A_SERVICE] ||
	    nla_parse_nested(tb, KSVC_SVC_A_MAX, attrs[KSVC_A_SERVICE],
			     ksvc_svc_policy, NULL) ||
	    !tb[KSVC_SVC_A_NAMESPACE])
		return NULL;
	return nla_data(tb[KSVC_SVC_A_NAMESPACE]);
}

/*
 * A service too large for a dump message goes out without its backend
 * lists (NR_BACKENDS still tells their number); a GET of that one
 * service sizes its reply to fit them.
 */
static int dump_one(struct sk_buff *skb, struct netlink_callback *cb,
		    struct ksvc_net *kn, struct ksvc_svc *svc)
{
	bool first = !skb->len;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &ksvc_genl_family, NLM_F_MULTI, KSVC_CMD_SVC_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (ksvc_fill_svc(skb, kn, svc, true) &&
	    (!first || ksvc_fill_svc(skb, kn, svc, false))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Resumes at the service id in cb->args[0]; ids only grow. */
int ksvc_nl_svc_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ksvc_net *kn = ksvc_pernet(sock_net(skb->sk));
	const char *ns = dump_ns(cb);
	unsigned long id, next = cb->args[0];
	struct ksvc_slot *slot;
	int err = 0;

	mutex_lock(&kn->lock);
	xa_for_each_start(&kn->svcs, id, slot, cb->args[0]) {
		if (slot->cur && (!ns || !strcmp(slot->key.ns, ns))) {
			err = dump_one(skb, cb, kn, slot->cur);
			if (err)
				break;
		}
		next = id + 1;
	}
	mutex_unlock(&kn->lock);
	cb->args[0] = next;
	if (err && !skb->len)
		return err;
	return skb->len;
}
