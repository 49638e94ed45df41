// SPDX-License-Identifier: GPL-2.0
#include <linux/random.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include "alloc.h"
#include "compat.h"

#define MAX_PROBES	(1U << 20)

bool ksvc_in_cidr(const struct ksvc_cidr *c, u8 family,
		  const union nf_inet_addr *a)
{
	if (!c->len)
		return true;
	if (family == AF_INET)
		return !((ntohl(a->ip) ^ ntohl(c->a.ip)) >> (32 - c->len));
	return ipv6_prefix_equal(&a->in6, &c->a.in6, c->len);
}

/* The address @off hosts into @c. */
static void nth(const struct ksvc_cidr *c, u8 family, u32 off,
		union nf_inet_addr *a)
{
	*a = c->a;
	if (family == AF_INET)
		a->ip = htonl(ntohl(c->a.ip) + off);
	else
		a->in6.s6_addr32[3] = htonl(ntohl(c->a.in6.s6_addr32[3]) + off);
}

/*
 * A random free host address of @c, as the API server picks them; the
 * first and last of the range are never used.  Ranges larger than 2^20
 * are drawn from their first 2^20 addresses.
 */
static int alloc_ip(struct ksvc_net *kn, const struct ksvc_cidr *c,
		    u8 family, union nf_inet_addr *a, ksvc_taken_fn taken)
{
	u32 bits = (family == AF_INET ? 32 : 128) - c->len;
	u32 n = bits >= 20 ? MAX_PROBES : 1U << bits;
	struct ksvc_fe_key key = { .family = family };
	u32 i, start;

	if (n < 3)
		return -ENOSPC;
	start = reciprocal_scale(get_random_u32(), n - 2);
	for (i = 0; i < n - 2; i++) {
		nth(c, family, 1 + (start + i) % (n - 2), &key.addr);
		if (!taken(kn, &key)) {
			*a = key.addr;
			return 0;
		}
	}
	return -ENOSPC;
}

static bool port_used(const struct ksvc_svc *svc, u8 proto, u16 np)
{
	u32 i;

	for (i = 0; i < svc->nports; i++)
		if (svc->ports[i].proto == proto && svc->ports[i].node_port == np)
			return true;
	return false;
}

static int alloc_np(struct ksvc_net *kn, const struct ksvc_svc *svc,
		    struct ksvc_port *p, ksvc_taken_fn taken)
{
	const struct ksvc_cfg *cfg = ksvc_cfg_get(kn);
	u32 n = cfg->np_max - cfg->np_min + 1, i, start;
	struct ksvc_fe_key key = { .proto = p->proto };

	start = reciprocal_scale(get_random_u32(), n);
	for (i = 0; i < n; i++) {
		u16 np = cfg->np_min + (start + i) % n;

		key.port = htons(np);
		if (!port_used(svc, p->proto, np) && !taken(kn, &key)) {
			p->node_port = np;
			return 0;
		}
	}
	return -ENOSPC;
}

static const struct ksvc_addr *cluster_of(const struct ksvc_svc *svc,
					  u8 family)
{
	u32 i;

	for (i = 0; svc && i < svc->naddrs; i++)
		if (svc->addrs[i].kind == KSVC_ADDR_KIND_CLUSTER &&
		    svc->addrs[i].family == family)
			return &svc->addrs[i];
	return NULL;
}

static int fill_ip(struct ksvc_net *kn, struct ksvc_addr *a,
		   const struct ksvc_svc *base, bool fill_only,
		   ksvc_taken_fn taken, struct netlink_ext_ack *extack)
{
	const struct ksvc_cidr *c = &ksvc_cfg_get(kn)->cidr[a->family == AF_INET6];
	const struct ksvc_addr *old = cluster_of(base, a->family);

	if (!ksvc_addr_zero(a)) {
		if (!c->set || ksvc_in_cidr(c, a->family, &a->a))
			return 0;
		ksvc_errmsg(extack, "the provided IP is not in the valid range of service IPs (/%u)",
			    c->len);
		return -EINVAL;
	}
	if (old) {
		a->a = old->a;
		return 0;
	}
	if (fill_only)
		return 0;
	if (!c->set) {
		NL_SET_ERR_MSG(extack, "no service CIDR for this family: give a clusterIP");
		return -EINVAL;
	}
	if (!alloc_ip(kn, c, a->family, &a->a, taken))
		return 0;
	NL_SET_ERR_MSG(extack, "failed to allocate a ClusterIP: the range is full");
	return -ENOSPC;
}

static int fill_np(struct ksvc_net *kn, struct ksvc_svc *svc,
		   struct ksvc_port *p, const struct ksvc_svc *base,
		   bool fill_only, ksvc_taken_fn taken,
		   struct netlink_ext_ack *extack)
{
	const struct ksvc_port *old = base ?
		ksvc_port_find(base, p->proto, p->port) : NULL;

	if (p->node_port || svc->type == KSVC_SVC_TYPE_CLUSTER_IP)
		return 0;
	if (old && old->node_port && !port_used(svc, p->proto, old->node_port)) {
		p->node_port = old->node_port;
		return 0;
	}
	if (fill_only || !alloc_np(kn, svc, p, taken))
		return 0;
	NL_SET_ERR_MSG(extack, "failed to allocate a nodePort: the range is full");
	return -ENOSPC;
}

/*
 * Fill in the ClusterIPs and nodePorts @svc asks for: what @base (the
 * version it replaces) has, else, unless @fill_only, free ones.
 */
int ksvc_alloc(struct ksvc_net *kn, struct ksvc_svc *svc,
	       const struct ksvc_svc *base, bool fill_only, ksvc_taken_fn taken,
	       struct netlink_ext_ack *extack)
{
	u32 i;
	int err;

	lockdep_assert_held(&kn->lock);
	for (i = 0; i < svc->naddrs; i++) {
		if (svc->addrs[i].kind != KSVC_ADDR_KIND_CLUSTER)
			continue;
		err = fill_ip(kn, &svc->addrs[i], base, fill_only, taken, extack);
		if (err)
			return err;
	}
	for (i = 0; i < svc->nports; i++) {
		err = fill_np(kn, svc, &svc->ports[i], base, fill_only, taken,
			      extack);
		if (err)
			return err;
	}
	return 0;
}
