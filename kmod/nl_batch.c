// SPDX-License-Identifier: GPL-2.0
/*
 * Every command that changes services is a transaction: its changes are
 * staged one by one (txn.c), then committed together or aborted.
 */
#include <linux/slab.h>
#include "compat.h"
#include "netlink.h"
#include "netns.h"
#include "prep.h"

/* The attributes after @svc_attr up to the next service: its chunks. */
void ksvc_chunks_after(const struct nlattr *svc_attr, int rem,
		       struct ksvc_chunks *c)
{
	const struct nlattr *a = nla_next(svc_attr, &rem);

	c->head = a;
	c->len = 0;
	for (; nla_ok(a, rem) && nla_type(a) != KSVC_A_SERVICE;
	     a = nla_next(a, &rem))
		c->len += nla_total_size(nla_len(a));
}

static int stage_backends(struct ksvc_net *kn, const struct ksvc_name *name,
			  const struct ksvc_chunks *chunks, int *result,
			  struct netlink_ext_ack *extack)
{
	struct ksvc_svc *base = ksvc_view(kn, name), *svc;
	int err;

	if (!base) {
		ksvc_errmsg(extack, "service %s/%s not found", name->ns,
			    name->name);
		return -ENOENT;
	}
	err = ksvc_parse_backends(kn, base, chunks, &svc, extack);
	if (err)
		return err;
	return ksvc_stage(kn, name, svc, KSVC_OP_BACKENDS, result, extack);
}

/*
 * Stage one change: a KSVC_A_SERVICE nest and its chunks.  @svc is the
 * service prep.c built from them, or NULL: then it is parsed here.
 */
static int stage_one(struct ksvc_net *kn, const struct nlattr *attr,
		     const struct ksvc_chunks *chunks, int op,
		     struct ksvc_svc *svc, int *result,
		     struct netlink_ext_ack *extack)
{
	struct ksvc_name name;
	int err = ksvc_parse_name(attr, &name, extack);

	/* a nest without a good name never parsed ahead: @svc is NULL */
	if (err)
		return err;
	if (op == KSVC_OP_DELETE)
		return ksvc_stage(kn, &name, NULL, op, result, extack);
	if (op == KSVC_OP_BACKENDS)
		return stage_backends(kn, &name, chunks, result, extack);
	if (!svc)
		err = ksvc_parse_svc(ksvc_cfg_get(kn), attr, chunks, &svc, extack);
	if (err)
		return err;
	return ksvc_stage(kn, &name, svc, op, result, extack);
}

static int run_one(struct genl_info *info, int op)
{
	struct ksvc_net *kn = ksvc_pernet(genl_info_net(info));
	const struct nlattr *attr = info->attrs[KSVC_A_SERVICE];
	struct ksvc_chunks chunks = {
		.head = genlmsg_data(info->genlhdr),
		.len = genlmsg_len(info->genlhdr),
	};
	int err;

	if (!attr) {
		NL_SET_ERR_MSG(info->extack, "missing KSVC_A_SERVICE");
		return -EINVAL;
	}
	mutex_lock(&kn->lock);
	err = stage_one(kn, attr, &chunks, op, NULL, NULL, info->extack);
	if (err)
		ksvc_abort(kn);
	else
		ksvc_commit(kn);
	mutex_unlock(&kn->lock);
	return err;
}

int ksvc_nl_svc_new(struct sk_buff *skb, struct genl_info *info)
{
	return run_one(info, KSVC_OP_CREATE);
}

int ksvc_nl_svc_set(struct sk_buff *skb, struct genl_info *info)
{
	return run_one(info, KSVC_OP_REPLACE);
}

int ksvc_nl_svc_del(struct sk_buff *skb, struct genl_info *info)
{
	return run_one(info, KSVC_OP_DELETE);
}

int ksvc_nl_backends_set(struct sk_buff *skb, struct genl_info *info)
{
	return run_one(info, KSVC_OP_BACKENDS);
}

int ksvc_nl_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct ksvc_net *kn = ksvc_pernet(genl_info_net(info));
	struct nlattr *tb[KSVC_SVC_A_MAX + 1] = {};
	const struct nlattr *attr = info->attrs[KSVC_A_SERVICE];

	if (attr)
		ksvc_nla_split(tb, KSVC_SVC_A_MAX, attr);
	mutex_lock(&kn->lock);
	ksvc_flush(kn, tb[KSVC_SVC_A_NAMESPACE] ?
		   nla_data(tb[KSVC_SVC_A_NAMESPACE]) : NULL);
	mutex_unlock(&kn->lock);
	return 0;
}

static int put_result(struct sk_buff *msg, const struct nlattr *attr,
		      int result)
{
	struct nlattr *tb[KSVC_SVC_A_MAX + 1];
	struct nlattr *nest;

	ksvc_nla_split(tb, KSVC_SVC_A_MAX, attr);
	nest = nla_nest_start(msg, KSVC_A_RESULT);
	if (!nest ||
	    nla_put_string(msg, KSVC_RES_A_NAMESPACE,
			   nla_data(tb[KSVC_SVC_A_NAMESPACE])) ||
	    nla_put_string(msg, KSVC_RES_A_NAME, nla_data(tb[KSVC_SVC_A_NAME])) ||
	    nla_put_u8(msg, KSVC_RES_A_RESULT, result))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int op_of(const struct nlattr *attr)
{
	const struct nlattr *op = nla_find_nested(attr, KSVC_SVC_A_OP);

	return op ? nla_get_u8(op) : KSVC_OP_APPLY;
}

/* Name the change that failed: a batch can hold thousands. */
static void blame(const struct nlattr *attr, struct netlink_ext_ack *extack)
{
	char msg[128] = "";
	struct ksvc_name name;

	if (!extack || ksvc_parse_name(attr, &name, NULL))
		return;
	if (extack->_msg)
		strscpy(msg, extack->_msg, sizeof(msg));
	if (!strstr(msg, name.name))
		ksvc_errmsg(extack, "service %s/%s: %s", name.ns, name.name,
			    msg);
	if (!extack->bad_attr)
		NL_SET_BAD_ATTR(extack, attr);
}

static int stage_all(struct ksvc_net *kn, struct genl_info *info,
		     struct ksvc_prep *prep, struct sk_buff *msg)
{
	const struct nlattr *a;
	struct ksvc_chunks chunks;
	int rem, result, err;
	u32 i = 0;

	nla_for_each_attr(a, genlmsg_data(info->genlhdr),
			  genlmsg_len(info->genlhdr), rem) {
		if (nla_type(a) != KSVC_A_SERVICE)
			continue;
		ksvc_chunks_after(a, rem, &chunks);
		err = stage_one(kn, a, &chunks, op_of(a),
				ksvc_prep_take(prep, i++), &result,
				info->extack) ?:
		      put_result(msg, a, result);
		if (err) {
			blame(a, info->extack);
			return err;
		}
	}
	return 0;
}

/* The reply: one KSVC_A_RESULT per service of the request. */
static size_t results_size(struct genl_info *info)
{
	struct nlattr *tb[KSVC_SVC_A_MAX + 1];
	const struct nlattr *a;
	size_t n = NLMSG_GOODSIZE;
	int rem;

	nla_for_each_attr(a, genlmsg_data(info->genlhdr),
			  genlmsg_len(info->genlhdr), rem) {
		if (nla_type(a) != KSVC_A_SERVICE)
			continue;
		ksvc_nla_split(tb, KSVC_SVC_A_MAX, a);
		n += nla_total_size(0) + nla_total_size(sizeof(u8)) +
		     nla_total_size(tb[KSVC_SVC_A_NAMESPACE] ?
				    nla_len(tb[KSVC_SVC_A_NAMESPACE]) : 0) +
		     nla_total_size(tb[KSVC_SVC_A_NAME] ?
				    nla_len(tb[KSVC_SVC_A_NAME]) : 0);
	}
	return n;
}

static u32 batch_flags(struct genl_info *info)
{
	const struct nlattr *f = info->attrs[KSVC_A_BATCH_FLAGS];

	return f ? nla_get_u32(f) : 0;
}

int ksvc_nl_batch(struct sk_buff *skb, struct genl_info *info)
{
	struct ksvc_net *kn = ksvc_pernet(genl_info_net(info));
	const struct nlattr *head = genlmsg_data(info->genlhdr);
	int len = genlmsg_len(info->genlhdr);
	u32 flags = batch_flags(info);
	struct ksvc_prep *prep = NULL;
	struct sk_buff *msg;
	void *hdr;
	int err;

	if (flags & ~KSVC_BATCH_F_ALL) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KSVC_A_BATCH_FLAGS],
				    "unknown batch flags");
		return -EOPNOTSUPP;
	}
	msg = genlmsg_new(results_size(info), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ksvc_genl_family, 0,
				KSVC_CMD_BATCH);
	mutex_lock(&kn->lock);
	if (hdr && ksvc_prep_worth(head, len))
		prep = ksvc_prep_batch(ksvc_cfg_get(kn), head, len, true);
	err = hdr ? stage_all(kn, info, prep, msg) : -EMSGSIZE;
	if (err || (flags & KSVC_BATCH_F_DRY_RUN))
		ksvc_abort(kn);
	else
		ksvc_commit(kn);
	ksvc_prep_free(prep);
	mutex_unlock(&kn->lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}
