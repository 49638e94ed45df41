// SPDX-License-Identifier: GPL-2.0
#include <linux/version.h>
#include <net/netfilter/nf_conntrack.h>
#include "backends.h"
#include "conntrack.h"

struct gone {
	const struct ksvc_port *port;
	const struct ksvc_beset *old, *bes;
	bool untranslated;	/* match flows we did not translate instead */
};

/* Was the flow headed to one of @port's frontends? */
static bool to_port(const struct ksvc_port *port,
		    const struct nf_conntrack_tuple *t, u8 family)
{
	const struct ksvc_svc *svc = port->svc;
	u32 i;

	if (t->dst.protonum != port->proto)
		return false;
	if (port->node_port && t->dst.u.all == htons(port->node_port))
		return true;
	if (t->dst.u.all != htons(port->port))
		return false;
	for (i = 0; i < svc->naddrs; i++)
		if (svc->addrs[i].family == family &&
		    nf_inet_addr_cmp(&svc->addrs[i].a, &t->dst.u3))
			return true;
	return false;
}

static int match(struct nf_conn *ct, void *data)
{
	const struct nf_conntrack_tuple *orig =
		&ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	const struct nf_conntrack_tuple *reply =
		&ct->tuplehash[IP_CT_DIR_REPLY].tuple;
	u8 family = nf_ct_l3num(ct) == NFPROTO_IPV4 ? AF_INET : AF_INET6;
	struct gone *g = data;

	if (!to_port(g->port, orig, family))
		return 0;
	if (g->untranslated)
		return !(ct->status & IPS_DST_NAT);
	return (ct->status & IPS_DST_NAT) &&
	       ksvc_beset_find(g->old, family, &reply->src.u3,
			       reply->src.u.all) &&
	       !ksvc_beset_find(g->bes, family, &reply->src.u3,
				reply->src.u.all);
}

static void flush(struct net *net, struct gone *g)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 0, 0)
	struct nf_ct_iter_data d = { .net = net, .data = g };

	nf_ct_iterate_cleanup_net(match, &d);
#else
	nf_ct_iterate_cleanup_net(net, match, g, 0, 0);
#endif
}

static bool has_removed(const struct ksvc_beset *old,
			const struct ksvc_beset *bes)
{
	u32 i;

	for (i = 0; old && i < old->n; i++)
		if (!ksvc_beset_find(bes, old->be[i].family, &old->be[i].addr,
				     old->be[i].port))
			return true;
	return false;
}

static bool none_ready(const struct ksvc_beset *bes)
{
	return !bes || (!bes->sel[KSVC_SEL_READY].n &&
			!bes->sel[KSVC_SEL_FALLBACK].n);
}

/*
 * @port's set went from @old to @bes (NULL: the port is gone).  Walks the
 * conntrack table only when something was removed or a UDP port got its
 * first endpoint.
 */
void ksvc_ct_update(struct ksvc_net *kn, const struct ksvc_port *port,
		    const struct ksvc_beset *old, const struct ksvc_beset *bes)
{
	struct gone g = { .port = port, .old = old, .bes = bes };

	lockdep_assert_held(&kn->lock);
	if (!kn->net || port->proto != IPPROTO_UDP)
		return;
	if (has_removed(old, bes))
		flush(kn->net, &g);
	if (none_ready(old) && !none_ready(bes)) {
		g.untranslated = true;
		flush(kn->net, &g);
	}
}
