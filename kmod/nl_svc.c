// SPDX-License-Identifier: GPL-2.0
/* Service commands: attribute parsing, validation across attributes, replies. */
#include <linux/in.h>
#include <linux/socket.h>
#include "backends.h"
#include "compat.h"
#include "netlink.h"
#include "netns.h"
#include "node.h"
#include "select.h"

#define AFFINITY_DEFAULT	10800	/* seconds, as Kubernetes */

static int count_entries(const struct nlattr *list)
{
	const struct nlattr *a;
	int rem, n = 0;

	if (list)
		nla_for_each_nested(a, list, rem)
			n++;
	return n;
}

static bool valid_label(const char *s)
{
	if (!*s || *s == '-')
		return false;
	for (; *s; s++)
		if (!(islower(*s) || isdigit(*s) || *s == '-'))
			return false;
	return s[-1] != '-';
}

/* Address family and bytes from an IN or IN6 attribute, exactly one. */
static int parse_inet(const struct nlattr *in, const struct nlattr *in6,
		      const struct nlattr *nest, u8 *family,
		      union nf_inet_addr *a, struct netlink_ext_ack *extack)
{
	memset(a, 0, sizeof(*a));
	if (!!in == !!in6) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "need exactly one of an IPv4 and an IPv6 address");
		return -EINVAL;
	}
	*family = in ? AF_INET : AF_INET6;
	nla_memcpy(a, in ? in : in6, sizeof(*a));
	return 0;
}

int ksvc_parse_addr(const struct nlattr *attr, struct ksvc_addr *a,
		    struct netlink_ext_ack *extack)
{
	struct nlattr *tb[KSVC_ADDR_A_MAX + 1];

	ksvc_nla_split(tb, KSVC_ADDR_A_MAX, attr);
	a->kind = tb[KSVC_ADDR_A_KIND] ? nla_get_u8(tb[KSVC_ADDR_A_KIND]) : 0;
	return parse_inet(tb[KSVC_ADDR_A_IN], tb[KSVC_ADDR_A_IN6], attr,
			  &a->family, &a->a, extack);
}

/*
 * The node named by @attr, as the one @prev (a backend parsed earlier
 * into the same set holds it, so it stays) when the name is the same:
 * most backends of a set share a few nodes, and a lookup takes the
 * table's lock.  The policy found the NUL within KSVC_NAME_MAX bytes.
 */
static struct ksvc_node *node_of(const struct nlattr *attr,
				 struct ksvc_node *prev)
{
	const char *name = nla_data(attr);

	if (prev && !strcmp(ksvc_node_name(prev), name))
		return ksvc_node_hold(prev);
	return ksvc_node_get(name);
}

static int parse_be(const struct nlattr *attr, struct ksvc_backend *be,
		    struct ksvc_node *prev, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[KSVC_BE_A_MAX + 1];

	ksvc_nla_split(tb, KSVC_BE_A_MAX, attr);
	if (!tb[KSVC_BE_A_PORT]) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "backend needs a port");
		return -EINVAL;
	}
	be->port = htons(nla_get_u16(tb[KSVC_BE_A_PORT]));
	if (tb[KSVC_BE_A_FLAGS]) {
		be->flags = nla_get_u32(tb[KSVC_BE_A_FLAGS]);
		if (be->flags & ~KSVC_BE_F_ALL) {
			NL_SET_ERR_MSG_ATTR(extack, tb[KSVC_BE_A_FLAGS],
					    "unknown backend flags");
			return -EOPNOTSUPP;
		}
	}
	if (tb[KSVC_BE_A_WEIGHT])
		be->weight = nla_get_u16(tb[KSVC_BE_A_WEIGHT]);
	if (tb[KSVC_BE_A_NODE_NAME]) {
		struct ksvc_node *n = node_of(tb[KSVC_BE_A_NODE_NAME], prev);

		if (IS_ERR(n))
			return PTR_ERR(n);
		be->node = n;
	}
	return parse_inet(tb[KSVC_BE_A_IN], tb[KSVC_BE_A_IN6], attr,
			  &be->family, &be->addr, extack);
}

static bool chunk_names(const struct nlattr *c, u8 proto, u16 port)
{
	const struct nlattr *pr = nla_find_nested(c, KSVC_BES_A_PROTO);
	const struct nlattr *po = nla_find_nested(c, KSVC_BES_A_PORT);

	return nla_type(c) == KSVC_A_BACKENDS && pr && po &&
	       nla_get_u8(pr) == proto && nla_get_u16(po) == port;
}

/* Entries of all chunks naming @proto/@port; -1 when none names it. */
static int count_chunked(const struct ksvc_chunks *chunks, u8 proto, u16 port)
{
	const struct nlattr *c, *e;
	int rem, erem, n = -1;

	nla_for_each_attr(c, chunks->head, chunks->len, rem) {
		if (!chunk_names(c, proto, port))
			continue;
		n = max(n, 0);
		nla_for_each_nested(e, c, erem)
			n += nla_type(e) == KSVC_BES_A_ENTRY;
	}
	return n;
}

static int fill_beset(const struct ksvc_chunks *chunks, u8 proto, u16 port,
		      struct ksvc_beset *bes, struct netlink_ext_ack *extack)
{
	const struct nlattr *c, *e;
	int rem, erem, i = 0, err;

	nla_for_each_attr(c, chunks->head, chunks->len, rem) {
		if (!chunk_names(c, proto, port))
			continue;
		nla_for_each_nested(e, c, erem) {
			if (nla_type(e) != KSVC_BES_A_ENTRY)
				continue;
			err = parse_be(e, &bes->be[i], i ? bes->be[i - 1].node : NULL,
				       extack);
			i++;
			if (err)
				return err;
		}
	}
	return ksvc_beset_sort(bes, extack);
}

/*
 * The new backend set of service port @proto/@port: the union of every
 * chunk naming it.  *@out stays NULL when no chunk names the port.
 */
int ksvc_parse_beset(const struct ksvc_chunks *chunks, u8 proto, u16 port,
		     struct ksvc_beset **out, struct netlink_ext_ack *extack)
{
	int n = count_chunked(chunks, proto, port), err;
	struct ksvc_beset *bes;

	*out = NULL;
	if (n < 0)
		return 0;
	if (n > ksvc_max_backends) {
		ksvc_errmsg(extack, "%d backends: limit is %u (max_backends)",
			    n, ksvc_max_backends);
		return -ENOSPC;
	}
	bes = ksvc_beset_alloc(n);
	if (!bes)
		return -ENOMEM;
	err = fill_beset(chunks, proto, port, bes, extack);
	if (err) {
		ksvc_beset_free(bes);
		return err;
	}
	*out = bes;
	return 0;
}

/* Every chunk names a port of @svc. */
int ksvc_check_chunks(const struct ksvc_chunks *chunks, struct ksvc_svc *svc,
		      struct netlink_ext_ack *extack)
{
	const struct nlattr *c, *pr, *po;
	int rem;

	nla_for_each_attr(c, chunks->head, chunks->len, rem) {
		if (nla_type(c) != KSVC_A_BACKENDS)
			continue;
		pr = nla_find_nested(c, KSVC_BES_A_PROTO);
		po = nla_find_nested(c, KSVC_BES_A_PORT);
		if (!pr || !po) {
			NL_SET_ERR_MSG_ATTR(extack, c,
					    "backends chunk needs PROTO and PORT");
			return -EINVAL;
		}
		if (!ksvc_port_find(svc, nla_get_u8(pr), nla_get_u16(po))) {
			ksvc_errmsg(extack, "service %s/%s has no port %u",
				    svc->key->ns, svc->key->name, nla_get_u16(po));
			return -ENOENT;
		}
	}
	return 0;
}

static int parse_proto(const struct nlattr *attr, u8 *proto,
		       struct netlink_ext_ack *extack)
{
	if (!attr) {
		NL_SET_ERR_MSG(extack, "port needs a protocol");
		return -EINVAL;
	}
	*proto = nla_get_u8(attr);
	if (*proto == IPPROTO_TCP || *proto == IPPROTO_UDP ||
	    *proto == IPPROTO_SCTP)
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr, "protocol must be TCP, UDP or SCTP");
	return -EINVAL;
}

/* The service port named by an entry: protocol and port, both required. */
static int parse_port_id(struct nlattr **tb, const struct nlattr *attr,
			 u8 *proto, u16 *port, struct netlink_ext_ack *extack)
{
	int err = parse_proto(tb[KSVC_PORT_A_PROTO], proto, extack);

	if (err)
		return err;
	if (!tb[KSVC_PORT_A_PORT]) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "port entry needs a port");
		return -EINVAL;
	}
	*port = nla_get_u16(tb[KSVC_PORT_A_PORT]);
	return 0;
}

static int check_node_port(const struct ksvc_cfg *cfg, u8 type, u16 np,
			   const struct nlattr *attr,
			   struct netlink_ext_ack *extack)
{
	if (!np)
		return 0;
	if (type == KSVC_SVC_TYPE_CLUSTER_IP) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "nodePort may not be used when type is ClusterIP");
		return -EINVAL;
	}
	if (np < cfg->np_min || np > cfg->np_max) {
		ksvc_errmsg(extack, "nodePort %u is outside the range %u-%u",
			    np, cfg->np_min, cfg->np_max);
		return -EINVAL;
	}
	return 0;
}

static int parse_port(const struct ksvc_cfg *cfg, struct ksvc_svc *svc,
		      const struct nlattr *attr, struct ksvc_port *p,
		      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[KSVC_PORT_A_MAX + 1];
	int err;

	ksvc_nla_split(tb, KSVC_PORT_A_MAX, attr);
	err = parse_port_id(tb, attr, &p->proto, &p->port, extack);
	if (err)
		return err;
	/* The policy found a NUL in the first KSVC_NAME_MAX bytes. */
	if (tb[KSVC_PORT_A_NAME] && *(char *)nla_data(tb[KSVC_PORT_A_NAME])) {
		p->name = kstrdup(nla_data(tb[KSVC_PORT_A_NAME]),
				  GFP_KERNEL_ACCOUNT);
		if (!p->name)
			return -ENOMEM;
	}
	if (tb[KSVC_PORT_A_TARGET_PORT])
		p->target_port = nla_get_u16(tb[KSVC_PORT_A_TARGET_PORT]);
	if (tb[KSVC_PORT_A_NODE_PORT])
		p->node_port = nla_get_u16(tb[KSVC_PORT_A_NODE_PORT]);
	return check_node_port(cfg, svc->type, p->node_port,
			       tb[KSVC_PORT_A_NODE_PORT], extack);
}

/* Ports no chunk names keep what they had (SVC_SET) or start empty. */
static int parse_besets(const struct ksvc_chunks *chunks, struct ksvc_svc *svc,
			struct netlink_ext_ack *extack)
{
	struct ksvc_beset *bes;
	u32 i;
	int err = ksvc_check_chunks(chunks, svc, extack);

	for (i = 0; i < svc->nports && !err; i++) {
		struct ksvc_port *p = &svc->ports[i];

		err = ksvc_parse_beset(chunks, p->proto, p->port, &bes, extack);
		RCU_INIT_POINTER(p->bes, bes);
		p->keep_bes = !bes;
	}
	return err;
}

static int parse_lists(const struct ksvc_cfg *cfg, struct nlattr **tb,
		       struct ksvc_svc *svc, struct netlink_ext_ack *extack)
{
	const struct nlattr *a;
	int rem, i = 0, err;

	if (tb[KSVC_SVC_A_ADDRS])
		nla_for_each_nested(a, tb[KSVC_SVC_A_ADDRS], rem) {
			err = ksvc_parse_addr(a, &svc->addrs[i], extack);
			if (err)
				return err;
			if (!svc->addrs[i++].kind) {
				NL_SET_ERR_MSG_ATTR(extack, a, "address needs a kind");
				return -EINVAL;
			}
		}
	i = 0;
	nla_for_each_nested(a, tb[KSVC_SVC_A_PORTS], rem) {
		err = parse_port(cfg, svc, a, &svc->ports[i++], extack);
		if (err)
			return err;
	}
	return 0;
}

static int parse_name(struct nlattr **tb, const struct nlattr *attr,
		      struct ksvc_name *n, struct netlink_ext_ack *extack)
{
	if (!tb[KSVC_SVC_A_NAMESPACE] || !tb[KSVC_SVC_A_NAME]) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "service needs a namespace and a name");
		return -EINVAL;
	}
	ksvc_name_set(n, nla_data(tb[KSVC_SVC_A_NAMESPACE]),
		      nla_data(tb[KSVC_SVC_A_NAME]));
	if (valid_label(n->ns) && valid_label(n->name))
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr,
			    "namespace and name must be DNS labels (a-z, 0-9, '-')");
	return -EINVAL;
}

static void parse_scalars(struct nlattr **tb, struct ksvc_svc *svc)
{
	svc->type = nla_get_u8(tb[KSVC_SVC_A_TYPE]);
	if (tb[KSVC_SVC_A_FLAGS])
		svc->flags = nla_get_u32(tb[KSVC_SVC_A_FLAGS]);
	if (tb[KSVC_SVC_A_SCHED])
		svc->sched = nla_get_u8(tb[KSVC_SVC_A_SCHED]);
	svc->affinity_timeout = AFFINITY_DEFAULT;
	if (tb[KSVC_SVC_A_AFFINITY_TIMEOUT])
		svc->affinity_timeout =
			nla_get_u32(tb[KSVC_SVC_A_AFFINITY_TIMEOUT]);
}

static bool has_family(const struct ksvc_svc *svc, u8 family)
{
	u32 i;

	for (i = 0; i < svc->naddrs; i++)
		if (svc->addrs[i].kind == KSVC_ADDR_KIND_CLUSTER &&
		    (!family || svc->addrs[i].family == family))
			return true;
	return false;
}

static bool family_ok(struct ksvc_svc *svc, const struct ksvc_beset *bes,
		      struct netlink_ext_ack *extack)
{
	u32 j;

	if (svc->flags & KSVC_SVC_F_HEADLESS)
		return true;
	for (j = 0; bes && j < bes->n; j++)
		if (!has_family(svc, bes->be[j].family)) {
			NL_SET_ERR_MSG(extack,
				       "backend address family matches no cluster address");
			return false;
		}
	return true;
}

/* Rules that span attributes: cluster addresses and backend families. */
static int check_svc(struct ksvc_svc *svc, struct netlink_ext_ack *extack)
{
	bool headless = svc->flags & KSVC_SVC_F_HEADLESS;
	u32 i;

	if (headless == has_family(svc, 0)) {
		if (headless)
			NL_SET_ERR_MSG(extack, "a headless service has no cluster address");
		else
			NL_SET_ERR_MSG(extack, "a cluster address is required");
		return -EINVAL;
	}
	for (i = 0; i < svc->nports; i++)
		if (!family_ok(svc, ksvc_bes_private(&svc->ports[i]), extack))
			return -EINVAL;
	return 0;
}

static int check_required(struct nlattr **tb, const struct nlattr *attr,
			  struct netlink_ext_ack *extack)
{
	int nports = count_entries(tb[KSVC_SVC_A_PORTS]);

	if (!tb[KSVC_SVC_A_TYPE] || !nports) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "service needs a type and a port");
		return -EINVAL;
	}
	if (tb[KSVC_SVC_A_FLAGS] &&
	    nla_get_u32(tb[KSVC_SVC_A_FLAGS]) & ~KSVC_SVC_F_ALL) {
		NL_SET_ERR_MSG_ATTR(extack, tb[KSVC_SVC_A_FLAGS],
				    "unknown service flags");
		return -EOPNOTSUPP;
	}
	if (nports > KSVC_MAX_PORTS ||
	    count_entries(tb[KSVC_SVC_A_ADDRS]) > KSVC_MAX_ADDRS) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "too many ports or addresses");
		return -EINVAL;
	}
	return 0;
}

/*
 * Build an unpublished service from a KSVC_A_SERVICE nest.  Reads no
 * table: prep.c runs it on a worker, with @cfg held by its caller.
 */
int ksvc_parse_svc(const struct ksvc_cfg *cfg, const struct nlattr *attr,
		   const struct ksvc_chunks *chunks, struct ksvc_svc **out,
		   struct netlink_ext_ack *extack)
{
	struct nlattr *tb[KSVC_SVC_A_MAX + 1];
	struct ksvc_svc *svc;
	struct ksvc_name name;
	int err;

	ksvc_nla_split(tb, KSVC_SVC_A_MAX, attr);
	err = parse_name(tb, attr, &name, extack) ?:
	      check_required(tb, attr, extack);
	if (err)
		return err;
	svc = ksvc_svc_alloc(count_entries(tb[KSVC_SVC_A_ADDRS]),
			     count_entries(tb[KSVC_SVC_A_PORTS]));
	if (!svc)
		return -ENOMEM;
	svc->key = &name;	/* for messages; the slot's once staged */
	parse_scalars(tb, svc);
	err = parse_lists(cfg, tb, svc, extack) ?:
	      parse_besets(chunks, svc, extack) ?:
	      check_svc(svc, extack);
	svc->key = NULL;
	if (err) {
		ksvc_svc_free(svc);
		return err;
	}
	*out = svc;
	return 0;
}

/* The namespace and name of a KSVC_A_SERVICE nest. */
int ksvc_parse_name(const struct nlattr *attr, struct ksvc_name *name,
		    struct netlink_ext_ack *extack)
{
	struct nlattr *tb[KSVC_SVC_A_MAX + 1];

	if (!attr) {
		NL_SET_ERR_MSG(extack, "missing KSVC_A_SERVICE");
		return -EINVAL;
	}
	ksvc_nla_split(tb, KSVC_SVC_A_MAX, attr);
	return parse_name(tb, attr, name, extack);
}

/*
 * A new version of @base whose ports named by @chunks get new backend
 * sets; the others keep theirs.
 */
int ksvc_parse_backends(struct ksvc_net *kn, const struct ksvc_svc *base,
			const struct ksvc_chunks *chunks,
			struct ksvc_svc **out, struct netlink_ext_ack *extack)
{
	struct ksvc_svc *svc = ksvc_svc_clone(base);
	u32 i, given = 0;
	int err;

	if (!svc)
		return -ENOMEM;
	err = parse_besets(chunks, svc, extack);
	for (i = 0; i < svc->nports && !err; i++)
		given += !svc->ports[i].keep_bes;
	if (!err && !given) {
		NL_SET_ERR_MSG(extack, "no KSVC_A_BACKENDS chunk");
		err = -EINVAL;
	}
	if (!err)
		err = check_svc(svc, extack);
	if (err) {
		ksvc_svc_free(svc);
		return err;
	}
	*out = svc;
	return 0;
}

int ksvc_nl_svc_get(struct sk_buff *skb, struct genl_info *info)
{
	struct ksvc_net *kn = ksvc_pernet(genl_info_net(info));
	struct ksvc_svc *svc = NULL;
	struct ksvc_name name;
	int err;

	err = ksvc_parse_name(info->attrs[KSVC_A_SERVICE], &name, info->extack);
	if (err)
		return err;
	mutex_lock(&kn->lock);
	svc = ksvc_svc_find(kn, &name);
	if (svc) {
		err = ksvc_nl_reply_svc(info, kn, svc);
	} else {
		ksvc_errmsg(info->extack, "service %s/%s not found", name.ns,
			    name.name);
		err = -ENOENT;
	}
	mutex_unlock(&kn->lock);
	return err;
}
