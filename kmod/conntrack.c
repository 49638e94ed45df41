// SPDX-License-Identifier: GPL-2.0
#include <linux/sort.h>
#include <net/netfilter/nf_conntrack.h>
#include "backends.h"
#include "compat.h"
#include "conntrack.h"

/* One port's change: flows that it leaves pointing nowhere. */
struct ksvc_ct_change {
	const struct ksvc_port *port;
	const struct ksvc_beset *old, *bes;
	bool untranslated;	/* match flows we did not translate instead */
};

/* A change, under each destination port its flows can have. */
struct ksvc_ct_key {
	u16 dport;
	u32 change;
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

static bool match_one(const struct ksvc_ct_change *g, struct nf_conn *ct)
{
	const struct nf_conntrack_tuple *orig =
		&ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	const struct nf_conntrack_tuple *reply =
		&ct->tuplehash[IP_CT_DIR_REPLY].tuple;
	u8 family = nf_ct_l3num(ct) == NFPROTO_IPV4 ? AF_INET : AF_INET6;

	if (!to_port(g->port, orig, family))
		return false;
	if (g->untranslated)
		return !(ct->status & IPS_DST_NAT);
	return (ct->status & IPS_DST_NAT) &&
	       ksvc_beset_find(g->old, family, &reply->src.u3,
			       reply->src.u.all) &&
	       !ksvc_beset_find(g->bes, family, &reply->src.u3,
				reply->src.u.all);
}

static int match(struct nf_conn *ct, void *data)
{
	return match_one(data, ct);
}

/* Any change of @b, found by binary search on the flow's port. */
static int match_batch(struct nf_conn *ct, void *data)
{
	const struct ksvc_ct_batch *b = data;
	u16 dport = ntohs(ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple.dst.u.all);
	u32 lo = 0, hi = b->nkeys;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (b->keys[mid].dport < dport)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < b->nkeys && b->keys[lo].dport == dport; lo++)
		if (match_one(&b->c[b->keys[lo].change], ct))
			return 1;
	return 0;
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
 * Room for @max changes; the sets they name must stay until
 * ksvc_ct_end().  Without memory, each change walks the table at once.
 */
void ksvc_ct_begin(struct ksvc_ct_batch *b, struct ksvc_net *kn, u32 max)
{
	memset(b, 0, sizeof(*b));
	b->kn = kn;
	if (!kn->net || !max)
		return;
	b->c = kvmalloc_array(max, sizeof(*b->c), GFP_KERNEL);
	b->keys = kvmalloc_array(max, 2 * sizeof(*b->keys), GFP_KERNEL);
	if (!b->c || !b->keys) {
		kvfree(b->c);
		kvfree(b->keys);
		b->c = NULL;
		b->keys = NULL;
	}
	b->max = max;
}

static void add(struct ksvc_ct_batch *b, const struct ksvc_ct_change *g)
{
	const struct ksvc_port *p = g->port;

	if (!b->c || b->n == b->max) {
		ksvc_ct_walk(b->kn->net, match, (void *)g);
		return;
	}
	b->keys[b->nkeys++] = (struct ksvc_ct_key){ p->port, b->n };
	if (p->node_port)
		b->keys[b->nkeys++] = (struct ksvc_ct_key){ p->node_port, b->n };
	b->c[b->n++] = *g;
}

/*
 * @port's set went from @old to @bes (NULL: the port is gone).  Only
 * when something was removed or a UDP port got its first endpoint is
 * there anything to clear.
 */
void ksvc_ct_update(struct ksvc_ct_batch *b, const struct ksvc_port *port,
		    const struct ksvc_beset *old, const struct ksvc_beset *bes)
{
	struct ksvc_ct_change g = { .port = port, .old = old, .bes = bes };

	lockdep_assert_held(&b->kn->lock);
	if (!b->kn->net || port->proto != IPPROTO_UDP)
		return;
	if (has_removed(old, bes))
		add(b, &g);
	if (none_ready(old) && !none_ready(bes)) {
		g.untranslated = true;
		add(b, &g);
	}
}

static int cmp_key(const void *a, const void *b)
{
	const struct ksvc_ct_key *x = a, *y = b;

	return (int)x->dport - (int)y->dport;
}

/* One walk for every change of the commit. */
void ksvc_ct_end(struct ksvc_ct_batch *b)
{
	if (b->n) {
		sort(b->keys, b->nkeys, sizeof(*b->keys), cmp_key, NULL);
		ksvc_ct_walk(b->kn->net, match_batch, b);
	}
	kvfree(b->c);
	kvfree(b->keys);
}
