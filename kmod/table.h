/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Service tables of one network namespace.
 *
 * Writers (netlink commands) hold ksvc_net.lock.  The packet path looks up
 * frontends (frontend.c) under rcu_read_lock() only: a frontend points at
 * a service port, the port at its backend set.  Every object a reader can
 * reach is freed after a grace period.  An update never edits a published
 * object: it builds a new version of the service and stages it (txn.c); a
 * commit makes every staged version visible at once by bumping the
 * generation.
 */
#ifndef _KSVC_TABLE_H
#define _KSVC_TABLE_H

#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/rhashtable.h>
#include <linux/xarray.h>
#include <linux/ksvc.h>
#include "stats.h"

struct netlink_ext_ack;
struct ksvc_affinity;
struct ksvc_node;

/* 48 bytes, plus its per-CPU counters: see ksvc_beset_alloc(). */
struct ksvc_backend {
	union nf_inet_addr addr;
	__be16 port;
	u8 family;		/* AF_INET or AF_INET6 */
	bool moved;		/* stats now owned by a newer set */
	u8 lists;		/* bit l: in sel[l], set by prepare */
	u16 weight;
	u32 flags;		/* KSVC_BE_F_* */
	u32 stats_id;		/* @stats' slot, for ksvc_stats_free() */
	struct ksvc_node *node;	/* NULL: none given */
	struct ksvc_stats __percpu *stats;
};

/*
 * The candidates a new connection may go to, fixed when the set is built:
 * ready backends, else serving-and-terminating ones (KEP-1669), of the
 * whole set or of this node only.  FALLBACK follows READY in the array.
 */
enum ksvc_sel_list {
	KSVC_SEL_READY,
	KSVC_SEL_FALLBACK,
	KSVC_SEL_LOCAL_READY,
	KSVC_SEL_LOCAL_FALLBACK,
	KSVC_SEL_N
};

/*
 * At @off bytes into its set's @mem: the indices into be[] of the list's
 * members, idx[n], unless @ident (the list is be[0..n-1], the usual case:
 * no array, and one cache miss less per connection); then the running
 * weight sums cum[n] when @weighted; then the Maglev table of @m
 * positions in the list when @m is not 0.  An offset, not a pointer: the
 * header of a set of one backend then fits 128 bytes, not 192.  A set is
 * sorted by family, so a list's IPv4 members come first: a dual-stack
 * service's flows choose among those of their own family.
 */
struct ksvc_sel {
	u32 off;
	u32 n;
	u32 m;			/* Maglev table size, a prime; 0: none */
	u32 n4:28;		/* members 0..n4-1 are IPv4, the rest IPv6 */
	u32 list:2;		/* its index in sel[] */
	u32 weighted:1;		/* some weight is not 1 */
	u32 ident:1;
};

/*
 * Immutable once published; replaced as a whole (copy-on-write), always
 * with the service version that holds it, so it needs no rcu_head.
 */
struct ksvc_beset {
	u32 n;
	void *mem;		/* the lists' arrays; NULL if none has any */
	struct ksvc_sel sel[KSVC_SEL_N];
	struct ksvc_backend be[];
};

struct ksvc_svc;

/*
 * A port keeps no counters of its own: its totals are its backends' plus
 * @gone, what backends that left had counted (per-CPU counters per port
 * would cost 24 bytes x CPUs, and a per-CPU add per packet).
 */
struct ksvc_port {
	struct ksvc_svc *svc;
	struct ksvc_beset __rcu *bes;
	struct ksvc_stats_sum gone;
	bool keep_bes;		/* no backends given: copy the old port's */
	u8 proto;
	u32 flags;		/* svc->flags, where the packet path reads them */
	u16 port, node_port, target_port;
	const char *name;	/* NULL: unnamed */
};

struct ksvc_addr {
	u8 kind;		/* enum ksvc_addr_kind */
	u8 family;
	union nf_inet_addr a;
};

/*
 * A frontend key: family/addr/proto/port for external and load-balancer
 * addresses; family/addr with proto and port 0 for a ClusterIP, which
 * belongs to one service whatever the port; family 0 and a zero address
 * for a nodePort, which answers on every node address.
 */
struct ksvc_fe_key {
	union nf_inet_addr addr;
	__be16 port;
	u8 proto;
	u8 family;
};

/*
 * Visible to a reader of generation g when gen_add <= g < gen_del.  While
 * a transaction is open, a key can have two entries: the committed one,
 * ending at the next generation, and the staged one, starting there.
 */
struct ksvc_fe {
	struct rhlist_head list;
	struct ksvc_fe_key key;
	u8 kind;		/* enum ksvc_addr_kind; 0 for a nodePort */
	u16 nports;		/* ClusterIP: port[0..nports-1]; else 1 */
	u32 gen_add, gen_del;
	struct ksvc_port *port;
};

/*
 * A service's Kubernetes namespace and name.  The strings belong to
 * whoever made the key: a request's attributes, or a slot's names[].
 */
struct ksvc_name {
	const char *ns;
	const char *name;
};

/* One version of a service: immutable once staged. */
struct ksvc_svc {
	const struct ksvc_name *key;	/* its slot's, set when staged */
	struct rcu_head rcu;
	u32 id;			/* its slot's */
	u8 type, sched;
	u32 flags;
	u32 affinity_timeout;
	u64 created;		/* ns since the epoch */
	u32 naddrs, nports, nfe;
	struct ksvc_addr *addrs;
	struct ksvc_port *ports;
	struct ksvc_fe *fe;
};

/* A service name across its versions; only writers see slots. */
struct ksvc_slot {
	struct rhash_head node;	/* in ksvc_net.names */
	struct ksvc_name key;	/* into names[] */
	u32 id;			/* index in ksvc_net.svcs: resumable dumps */
	bool staged;
	struct ksvc_svc *cur;	/* committed; NULL while being created */
	struct ksvc_svc *next;	/* staged; NULL with staged: being deleted */
	struct list_head txn;	/* in ksvc_net.txn while staged */
	char names[];		/* "namespace\0name\0" */
};

struct ksvc_cidr {
	u8 len;			/* prefix length; 0 with !set */
	bool set;
	union nf_inet_addr a;
};

struct ksvc_cfg {
	struct rcu_head rcu;
	u16 np_min, np_max;
	u32 flags;
	struct ksvc_cidr cidr[2];	/* [0] IPv4, [1] IPv6 */
	char node[KSVC_NAME_MAX];
	u32 naddrs;
	struct ksvc_addr addrs[];
};

struct ksvc_net {
	struct net *net;	/* NULL in KUnit tables without a netns */
	struct mutex lock;	/* serialises every writer of this netns */
	struct rhltable fe;	/* ksvc_fe by ksvc_fe_key: frontend.c */
	u32 gen;		/* the committed generation */
	struct rhashtable names;	/* ksvc_slot by ksvc_name */
	struct xarray svcs;	/* ksvc_slot by id */
	struct list_head txn;	/* staged slots */
	u32 next_id;
	u32 nsvc, nsvc_next;	/* services committed; after the commit */
	u32 seed;		/* flow hash seed (Maglev) */
	u32 nexternal;		/* linked frontends that are not ClusterIPs */
	bool hooks;		/* netfilter hooks registered */
	struct ksvc_cfg __rcu *cfg;
	struct ksvc_affinity *aff;
};

extern unsigned int ksvc_max_services;
extern unsigned int ksvc_max_backends;

int ksvc_net_init(struct ksvc_net *kn);
void ksvc_net_destroy(struct ksvc_net *kn);

struct ksvc_svc *ksvc_svc_alloc(u32 naddrs, u32 nports);
void ksvc_svc_free(struct ksvc_svc *svc);
int ksvc_svc_build_fe(struct ksvc_svc *svc, struct netlink_ext_ack *extack);
int ksvc_svc_prepare(struct ksvc_net *kn, struct ksvc_svc *svc,
		     struct ksvc_svc *old);
bool ksvc_addr_zero(const struct ksvc_addr *a);

struct ksvc_svc *ksvc_svc_clone(const struct ksvc_svc *base);
bool ksvc_svc_same(struct ksvc_net *kn, const struct ksvc_svc *a,
		   const struct ksvc_svc *b);
struct ksvc_port *ksvc_port_find(const struct ksvc_svc *svc, u8 proto,
				 u16 port);

/* txn.c */
int ksvc_txn_init(struct ksvc_net *kn);
void ksvc_txn_destroy(struct ksvc_net *kn);
struct ksvc_svc *ksvc_svc_find(struct ksvc_net *kn, const struct ksvc_name *n);
struct ksvc_svc *ksvc_view(struct ksvc_net *kn, const struct ksvc_name *n);
int ksvc_stage(struct ksvc_net *kn, const struct ksvc_name *name,
	       struct ksvc_svc *svc, int op, int *result,
	       struct netlink_ext_ack *extack);
void ksvc_commit(struct ksvc_net *kn);
void ksvc_abort(struct ksvc_net *kn);
int ksvc_svc_add(struct ksvc_net *kn, struct ksvc_svc *svc,
		 struct netlink_ext_ack *extack);
int ksvc_svc_replace(struct ksvc_net *kn, struct ksvc_svc *svc,
		     struct netlink_ext_ack *extack);
int ksvc_svc_del(struct ksvc_net *kn, const struct ksvc_name *name);
void ksvc_flush(struct ksvc_net *kn, const char *ns);

/* The backend set of @p (NULL: no port), to a writer holding kn->lock. */
static inline struct ksvc_beset *ksvc_bes_locked(struct ksvc_net *kn,
						 const struct ksvc_port *p)
{
	return p ? rcu_dereference_protected(p->bes,
					     lockdep_is_held(&kn->lock)) : NULL;
}

/*
 * The backend set of a port of a version that no reader and no other
 * writer can reach: one being built, before it is staged (prep.c parses
 * on workers that do not hold ksvc_net.lock), or one being freed after
 * its grace period.  Writers of a staged version use lockdep_is_held().
 */
static inline struct ksvc_beset *ksvc_bes_private(const struct ksvc_port *p)
{
	return rcu_dereference_protected(p->bes, 1);
}

struct ksvc_cfg *ksvc_cfg_get(struct ksvc_net *kn);
void ksvc_cfg_swap(struct ksvc_net *kn, struct ksvc_cfg *cfg);

void ksvc_name_set(struct ksvc_name *n, const char *ns, const char *name);
void ksvc_fe_key_str(const struct ksvc_fe_key *k, char *buf, size_t len);

#endif
