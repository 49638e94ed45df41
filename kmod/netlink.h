/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSVC_NETLINK_H
#define _KSVC_NETLINK_H

#include <net/genetlink.h>
#include "table.h"

extern struct genl_family ksvc_genl_family;
extern const struct nla_policy ksvc_svc_policy[KSVC_SVC_A_MAX + 1];
extern const struct nla_policy ksvc_addr_policy[KSVC_ADDR_A_MAX + 1];
extern const struct nla_policy ksvc_port_policy[KSVC_PORT_A_MAX + 1];
extern const struct nla_policy ksvc_be_policy[KSVC_BE_A_MAX + 1];
extern const struct nla_policy ksvc_cfg_policy[KSVC_CFG_A_MAX + 1];

/*
 * Split a nest of a request into @tb.  genl checked the whole request
 * against the family policy before the doit ran, at every depth: the
 * policies nest (NLA_POLICY_NESTED) down to each backend, strictly
 * (unknown types, trailing bytes, NLA_F_NESTED).  Parsing with a policy
 * again would check it all again, up to five times for a service's
 * ports, a tenth of the time to program 10000 services.  Only for
 * attributes of a request genl validated.
 */
static inline void ksvc_nla_split(struct nlattr **tb, int maxtype,
				  const struct nlattr *nla)
{
	__nla_parse(tb, maxtype, nla_data(nla), nla_len(nla), NULL,
		    NL_VALIDATE_LIBERAL, NULL);
}

int ksvc_nl_init(void);
void ksvc_nl_exit(void);

/* nl_svc.c, nl_dump.c */
int ksvc_nl_svc_get(struct sk_buff *skb, struct genl_info *info);
int ksvc_nl_svc_dump(struct sk_buff *skb, struct netlink_callback *cb);

/* nl_batch.c: every command that changes services */
int ksvc_nl_svc_new(struct sk_buff *skb, struct genl_info *info);
int ksvc_nl_svc_set(struct sk_buff *skb, struct genl_info *info);
int ksvc_nl_svc_del(struct sk_buff *skb, struct genl_info *info);
int ksvc_nl_backends_set(struct sk_buff *skb, struct genl_info *info);
int ksvc_nl_flush(struct sk_buff *skb, struct genl_info *info);
int ksvc_nl_batch(struct sk_buff *skb, struct genl_info *info);

/*
 * The top-level attributes of a request, where KSVC_A_BACKENDS chunks
 * repeat: genl's attrs[] keeps only the last of each type.
 */
struct ksvc_chunks {
	const struct nlattr *head;
	int len;
};

void ksvc_chunks_after(const struct nlattr *svc_attr, int rem,
		       struct ksvc_chunks *c);

/* Parsing helpers, exposed for the KUnit suites. */
int ksvc_parse_svc(const struct ksvc_cfg *cfg, const struct nlattr *attr,
		   const struct ksvc_chunks *chunks, struct ksvc_svc **out,
		   struct netlink_ext_ack *extack);
int ksvc_parse_addr(const struct nlattr *attr, struct ksvc_addr *a,
		    struct netlink_ext_ack *extack);
int ksvc_parse_beset(const struct ksvc_chunks *chunks, u8 proto, u16 port,
		     struct ksvc_beset **out, struct netlink_ext_ack *extack);
int ksvc_check_chunks(const struct ksvc_chunks *chunks, struct ksvc_svc *svc,
		      struct netlink_ext_ack *extack);
int ksvc_parse_name(const struct nlattr *attr, struct ksvc_name *name,
		    struct netlink_ext_ack *extack);
int ksvc_parse_backends(struct ksvc_net *kn, const struct ksvc_svc *base,
			const struct ksvc_chunks *chunks,
			struct ksvc_svc **out, struct netlink_ext_ack *extack);
int ksvc_nl_reply_svc(struct genl_info *info, struct ksvc_net *kn,
		      struct ksvc_svc *svc);
int ksvc_fill_svc(struct sk_buff *skb, struct ksvc_net *kn,
		  struct ksvc_svc *svc, bool backends);

/* nl_cfg.c */
int ksvc_nl_cfg_get(struct sk_buff *skb, struct genl_info *info);
int ksvc_nl_cfg_set(struct sk_buff *skb, struct genl_info *info);

#endif
