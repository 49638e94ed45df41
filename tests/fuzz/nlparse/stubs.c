// SPDX-License-Identifier: GPL-2.0
/*
 * Where fuzz_nlparse stops.  It builds kmod/netlink.c and nl_svc.c, and
 * backends.c and node.c, which build what the parsers return; these are
 * the functions of the module's other files that those call or name.
 */
#include <net/genetlink.h>
#include <stdarg.h>
#include "backends.h"
#include "compat.h"
#include "netlink.h"
#include "netns.h"
#include "select.h"

/* table.c's module parameter, which the target lowers. */
unsigned int ksvc_max_backends = 16384;

/*
 * table.c's service versions, made and freed as table.c does.  The rest
 * of table.c is the tables' (the netns's state, frontends, prepared
 * sets), which needs more of the kernel than the stand-in offers.  A
 * parsed version has no frontends yet.
 */
void ksvc_name_set(struct ksvc_name *n, const char *ns, const char *name)
{
	n->ns = ns;
	n->name = name;
}

struct ksvc_svc *ksvc_svc_alloc(u32 naddrs, u32 nports)
{
	struct ksvc_svc *svc = kzalloc(sizeof(*svc), GFP_KERNEL_ACCOUNT);
	u32 i;

	if (!svc)
		return NULL;
	svc->naddrs = naddrs;
	svc->nports = nports;
	svc->addrs = kcalloc(naddrs, sizeof(*svc->addrs), GFP_KERNEL_ACCOUNT);
	svc->ports = kcalloc(nports, sizeof(*svc->ports), GFP_KERNEL_ACCOUNT);
	if ((naddrs && !svc->addrs) || (nports && !svc->ports)) {
		ksvc_svc_free(svc);
		return NULL;
	}
	for (i = 0; i < nports; i++)
		svc->ports[i].svc = svc;
	return svc;
}

void ksvc_svc_free(struct ksvc_svc *svc)
{
	u32 i;

	WARN_ON(svc->fe);
	for (i = 0; svc->ports && i < svc->nports; i++) {
		kfree(svc->ports[i].name);
		ksvc_beset_free(rcu_dereference_protected(svc->ports[i].bes,
							  true));
	}
	kfree(svc->ports);
	kfree(svc->addrs);
	kfree(svc);
}

/* @base's attributes, every port to keep its set unless given one. */
struct ksvc_svc *ksvc_svc_clone(const struct ksvc_svc *base)
{
	struct ksvc_svc *svc = ksvc_svc_alloc(base->naddrs, base->nports);
	u32 i;

	if (!svc)
		return NULL;
	svc->key = base->key;
	svc->type = base->type;
	svc->sched = base->sched;
	svc->flags = base->flags;
	svc->affinity_timeout = base->affinity_timeout;
	memcpy(svc->addrs, base->addrs, base->naddrs * sizeof(*svc->addrs));
	for (i = 0; i < base->nports; i++) {
		struct ksvc_port *p = &svc->ports[i];
		const struct ksvc_port *bp = &base->ports[i];

		p->keep_bes = true;
		p->proto = bp->proto;
		p->port = bp->port;
		p->node_port = bp->node_port;
		p->target_port = bp->target_port;
		p->name = kstrdup(bp->name, GFP_KERNEL_ACCOUNT);
		if (bp->name && !p->name) {
			ksvc_svc_free(svc);
			return NULL;
		}
	}
	return svc;
}

struct ksvc_port *ksvc_port_find(const struct ksvc_svc *svc, u8 proto,
				 u16 port)
{
	u32 i;

	for (i = 0; i < svc->nports; i++)
		if (svc->ports[i].proto == proto && svc->ports[i].port == port)
			return &svc->ports[i];
	return NULL;
}

/*
 * stats.c's counters: one allocation each here, a slot of a per-CPU
 * chunk there (an xarray of chunks).  Parsers never read counters.
 */
struct ksvc_stats __percpu *ksvc_stats_alloc(u32 *id)
{
	*id = 0;
	return kzalloc(sizeof(struct ksvc_stats), GFP_KERNEL_ACCOUNT);
}

void ksvc_stats_free(struct ksvc_stats __percpu *s, u32 id)
{
	kfree(s);
}

void ksvc_stats_read(struct ksvc_stats __percpu *s, struct ksvc_stats_sum *sum)
{
	BUG();
}

void ksvc_stats_sum_add(struct ksvc_stats_sum *to,
			const struct ksvc_stats_sum *s)
{
	BUG();
}

/*
 * compat.c's, which also walks the conntrack table: on 6.1 an extack
 * holds a pointer to the message, so ksvc_errmsg() formats into a
 * buffer that outlives the request.  One thread: one buffer.
 */
const char *ksvc_msgbuf(const char *fmt, ...)
{
	static char buf[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return buf;
}

/* select.c's: a set is prepared when staged, never while parsed. */
void ksvc_beset_unprepare(struct ksvc_beset *bes)
{
	WARN_ON(bes->mem);
}

/*
 * The commands netlink.c's ops table names, and what nl_svc.c's GET
 * calls: the target runs the parsers, never a command.
 */
#define NOT_RUN(fn)						\
int fn(struct sk_buff *skb, struct genl_info *info)		\
{								\
	BUG();							\
}

NOT_RUN(ksvc_nl_svc_new)
NOT_RUN(ksvc_nl_svc_set)
NOT_RUN(ksvc_nl_svc_del)
NOT_RUN(ksvc_nl_backends_set)
NOT_RUN(ksvc_nl_flush)
NOT_RUN(ksvc_nl_batch)
NOT_RUN(ksvc_nl_cfg_get)
NOT_RUN(ksvc_nl_cfg_set)

int ksvc_nl_svc_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	BUG();
}

struct ksvc_net *ksvc_pernet(const struct net *net)
{
	BUG();
}

struct ksvc_svc *ksvc_svc_find(struct ksvc_net *kn, const struct ksvc_name *n)
{
	BUG();
}

int ksvc_nl_reply_svc(struct genl_info *info, struct ksvc_net *kn,
		      struct ksvc_svc *svc)
{
	BUG();
}
