// SPDX-License-Identifier: GPL-2.0
/*
 * The frontend table (frontend.h): the packet path's lookup, and the
 * writers' linking, ending and clash checks.
 *
 * A reader uses the first entry of a key visible in the generation it
 * read.  A commit stores gen + 1 and only then unlinks the entries it
 * ended, so a reader that read the old generation and then misses a key
 * whose old entry was just unlinked sees the generation change and looks
 * again (lookup_fe()).
 */
#include <linux/rhashtable.h>
#include <net/netlink.h>
#include "compat.h"
#include "frontend.h"

/* rhashtable seeds its hash randomly: remote peers cannot aim collisions. */
static const struct rhashtable_params fe_params = {
	.key_len = sizeof(struct ksvc_fe_key),
	.key_offset = offsetof(struct ksvc_fe, key),
	.head_offset = offsetof(struct ksvc_fe, list),
	.automatic_shrinking = true,
};

int ksvc_fe_init(struct ksvc_net *kn)
{
	/*
	 * Keys are hashed and compared as bytes, and some are built on the
	 * stack by initializers, which need not zero padding: it has none.
	 */
	BUILD_BUG_ON(sizeof(struct ksvc_fe_key) !=
		     sizeof_field(struct ksvc_fe_key, addr) +
		     sizeof_field(struct ksvc_fe_key, port) +
		     sizeof_field(struct ksvc_fe_key, proto) +
		     sizeof_field(struct ksvc_fe_key, family));
	return rhltable_init(&kn->fe, &fe_params);
}

/* ksvc_net_destroy() flushed first: every entry is unlinked. */
void ksvc_fe_destroy(struct ksvc_net *kn)
{
	rhltable_destroy(&kn->fe);
}

static bool visible(const struct ksvc_fe *fe, u32 gen)
{
	return READ_ONCE(fe->gen_add) <= gen && gen < READ_ONCE(fe->gen_del);
}

/* Under rcu_read_lock(). */
static const struct ksvc_fe *find(struct ksvc_net *kn,
				  const struct ksvc_fe_key *key, u32 gen)
{
	struct rhlist_head *pos, *list;
	struct ksvc_fe *fe;

	list = rhltable_lookup(&kn->fe, key, fe_params);
	rhl_for_each_entry_rcu(fe, pos, list, list)
		if (visible(fe, gen))
			return fe;
	return NULL;
}

static const struct ksvc_fe *lookup_fe(struct ksvc_net *kn,
				       const struct ksvc_fe_key *key)
{
	/* Pairs with the release in ksvc_commit(): staged entries first. */
	u32 gen = smp_load_acquire(&kn->gen);
	const struct ksvc_fe *fe;
	u32 now;

	fe = find(kn, key, gen);
	if (fe)
		return fe;
	/* Pairs with the unlink after the generation store in commit. */
	smp_rmb();
	now = READ_ONCE(kn->gen);
	return now == gen ? NULL : find(kn, key, now);
}

/* The port of a ClusterIP frontend for @proto and @port (network order). */
static const struct ksvc_port *fe_port(const struct ksvc_fe *fe, u8 proto,
				       __be16 port)
{
	u32 i;

	for (i = 0; i < fe->nports; i++)
		if (fe->port[i].proto == proto && htons(fe->port[i].port) == port)
			return &fe->port[i];
	return NULL;
}

/*
 * Packet path, under rcu_read_lock(): the service port for a packet to
 * @key (a nodePort's key has family 0), and the kind of frontend it came
 * in on.  A ClusterIP, the usual case, takes one hash lookup; another
 * address takes two, the first a miss.
 */
const struct ksvc_port *ksvc_lookup(struct ksvc_net *kn,
				    const struct ksvc_fe_key *key, u8 *kind)
{
	const struct ksvc_fe_key ip = { .addr = key->addr,
					.family = key->family };
	const struct ksvc_port *port = NULL;
	const struct ksvc_fe *fe = NULL;

	if (key->family)
		fe = lookup_fe(kn, &ip);
	if (fe)
		port = fe_port(fe, key->proto, key->port);
	if (!port) {
		fe = lookup_fe(kn, key);
		port = fe ? fe->port : NULL;
	}
	if (port)
		*kind = fe->kind;
	return port;
}

/* hooks.c skips its masquerade lookup while no external frontend is linked. */
static void count_fe(struct ksvc_net *kn, const struct ksvc_fe *fe, int d)
{
	if (fe->kind != KSVC_ADDR_KIND_CLUSTER)
		WRITE_ONCE(kn->nexternal, kn->nexternal + d);
}

static void unlink_first(struct ksvc_net *kn, struct ksvc_svc *svc, u32 n)
{
	while (n--) {
		rhltable_remove(&kn->fe, &svc->fe[n].list, fe_params);
		count_fe(kn, &svc->fe[n], -1);
	}
}

/* Readers may still walk past @svc's entries until a grace period ends. */
void ksvc_fe_unlink(struct ksvc_net *kn, struct ksvc_svc *svc)
{
	lockdep_assert_held(&kn->lock);
	unlink_first(kn, svc, svc->nfe);
}

/* Link @svc's entries, visible from the next generation on. */
int ksvc_fe_link(struct ksvc_net *kn, struct ksvc_svc *svc)
{
	u32 i;
	int err;

	lockdep_assert_held(&kn->lock);
	for (i = 0; i < svc->nfe; i++) {
		svc->fe[i].gen_add = kn->gen + 1;
		svc->fe[i].gen_del = KSVC_GEN_NEVER;
		err = rhltable_insert(&kn->fe, &svc->fe[i].list, fe_params);
		if (err) {
			unlink_first(kn, svc, i);
			return err;
		}
		count_fe(kn, &svc->fe[i], 1);
	}
	return 0;
}

/* @svc's entries (none if NULL) stop being visible at generation @gen. */
void ksvc_fe_end(struct ksvc_net *kn, struct ksvc_svc *svc, u32 gen)
{
	u32 i;

	lockdep_assert_held(&kn->lock);
	for (i = 0; svc && i < svc->nfe; i++)
		WRITE_ONCE(svc->fe[i].gen_del, gen);
}

/* Is @key held after the commit? */
bool ksvc_fe_taken(struct ksvc_net *kn, const struct ksvc_fe_key *key)
{
	bool ret;

	lockdep_assert_held(&kn->lock);
	rcu_read_lock();
	ret = find(kn, key, kn->gen + 1);
	rcu_read_unlock();
	return ret;
}

static void clash(const struct ksvc_fe_key *k, const struct ksvc_svc *holder,
		  struct netlink_ext_ack *extack)
{
	char key[64];

	if (k->family && !k->proto) {
		if (k->family == AF_INET)
			snprintf(key, sizeof(key), "%pI4", &k->addr.ip);
		else
			snprintf(key, sizeof(key), "%pI6c", &k->addr.in6);
		ksvc_errmsg(extack, "failed to allocate IP %s: provided IP is already allocated (to %s/%s)",
			    key, holder->key->ns, holder->key->name);
	} else if (!k->family) {
		ksvc_errmsg(extack, "nodePort %u: provided port is already allocated (to %s/%s)",
			    ntohs(k->port), holder->key->ns, holder->key->name);
	} else {
		ksvc_fe_key_str(k, key, sizeof(key));
		ksvc_errmsg(extack, "%s is held by service %s/%s", key,
			    holder->key->ns, holder->key->name);
	}
}

/*
 * The service other than @self that holds @key after the commit: by the
 * same key, or, for an address and port, as a port of its ClusterIP.
 * Writers hold kn->lock, so the service stays.
 */
static const struct ksvc_svc *holder(struct ksvc_net *kn,
				     const struct ksvc_fe_key *key, u32 self)
{
	const struct ksvc_fe_key ip = { .addr = key->addr,
					.family = key->family };
	const struct ksvc_svc *svc = NULL;
	const struct ksvc_fe *fe;

	rcu_read_lock();
	fe = find(kn, key, kn->gen + 1);
	if (!fe && key->family && key->proto) {
		fe = find(kn, &ip, kn->gen + 1);
		if (fe && !fe_port(fe, key->proto, key->port))
			fe = NULL;
	}
	if (fe && fe->port->svc->id != self)
		svc = fe->port->svc;
	rcu_read_unlock();
	return svc;
}

static int check_key(struct ksvc_net *kn, const struct ksvc_fe_key *key,
		     u32 self, struct netlink_ext_ack *extack)
{
	const struct ksvc_svc *svc = holder(kn, key, self);

	if (!svc)
		return 0;
	clash(key, svc, extack);
	return -EEXIST;
}

/* A ClusterIP's key, and the key of each of its ports on that address. */
static int check_cluster(struct ksvc_net *kn, const struct ksvc_fe *fe,
			 u32 self, struct netlink_ext_ack *extack)
{
	struct ksvc_fe_key k = fe->key;
	int err = check_key(kn, &k, self, extack);
	u32 i;

	for (i = 0; !err && i < fe->nports; i++) {
		k.proto = fe->port[i].proto;
		k.port = htons(fe->port[i].port);
		err = check_key(kn, &k, self, extack);
	}
	return err;
}

/*
 * Refuse a frontend of @svc (slot id @self) that another service holds
 * after the commit, and a ClusterIP port that another service has as an
 * external address.
 */
int ksvc_fe_check(struct ksvc_net *kn, const struct ksvc_svc *svc, u32 self,
		  struct netlink_ext_ack *extack)
{
	const struct ksvc_fe *fe;
	u32 i;
	int err;

	lockdep_assert_held(&kn->lock);
	for (i = 0; i < svc->nfe; i++) {
		fe = &svc->fe[i];
		if (fe->key.family && !fe->key.proto)
			err = check_cluster(kn, fe, self, extack);
		else
			err = check_key(kn, &fe->key, self, extack);
		if (err)
			return err;
	}
	return 0;
}
