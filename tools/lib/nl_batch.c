// SPDX-License-Identifier: GPL-2.0
/*
 * KSVC_CMD_BATCH encoding and its reply.  The kernel checks each change
 * against the state the earlier ones leave and applies all or none; here
 * we only lay the message out and remember where each change lies in it,
 * because the kernel's error offset is the best pointer to the culprit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "nl_batch.h"
#include "nl_svc.h"

#define NA(len)	((size_t)NLA_ALIGN(NLA_HDRLEN + (len)))

static size_t key_size(const struct batch_op *o)
{
	return NA(0) + NA(1) + NA(strlen(o->ns) + 1) + NA(strlen(o->name) + 1);
}

size_t ksvc_batch_size(const struct batch_op *ops, size_t n)
{
	size_t i, sz = NA(4);

	for (i = 0; i < n; i++)
		sz += ops[i].svc ? ksvc_svc_size(ops[i].svc) : key_size(&ops[i]);
	return sz;
}

int ksvc_put_batch(struct nl_msg *msg, struct batch_op *ops, size_t n,
		   uint32_t flags)
{
	int err = 0;

	if (flags && nla_put_u32(msg, KSVC_A_BATCH_FLAGS, flags) < 0)
		return -EMSGSIZE;
	for (size_t i = 0; i < n && !err; i++) {
		struct batch_op *o = &ops[i];

		o->start = nlmsg_hdr(msg)->nlmsg_len;
		if (o->svc)
			err = ksvc_put_svc_op(msg, o->svc, o->op);
		else
			err = ksvc_put_svc_key_op(msg, o->ns, o->name, o->op);
		o->end = nlmsg_hdr(msg)->nlmsg_len;
	}
	return err;
}

const struct batch_op *ksvc_batch_at(const struct batch_op *ops, size_t n,
				     uint32_t offset)
{
	size_t i;

	for (i = 0; offset && i < n; i++)
		if (offset >= ops[i].start && offset < ops[i].end)
			return &ops[i];
	return NULL;
}

static struct nla_policy res_policy[KSVC_RES_A_MAX + 1] = {
	[KSVC_RES_A_NAMESPACE]	= { .type = NLA_STRING, .maxlen = KSVC_NAME_MAX },
	[KSVC_RES_A_NAME]	= { .type = NLA_STRING, .maxlen = KSVC_NAME_MAX },
	[KSVC_RES_A_RESULT]	= { .type = NLA_U8 },
};

static int decode_one(struct nlattr *a, struct batch_result *r)
{
	struct nlattr *tb[KSVC_RES_A_MAX + 1];

	if (nla_parse_nested(tb, KSVC_RES_A_MAX, a, res_policy) < 0 ||
	    !tb[KSVC_RES_A_NAMESPACE] || !tb[KSVC_RES_A_NAME] ||
	    !tb[KSVC_RES_A_RESULT])
		return -EBADMSG;
	nla_strlcpy(r->ns, tb[KSVC_RES_A_NAMESPACE], sizeof(r->ns));
	nla_strlcpy(r->name, tb[KSVC_RES_A_NAME], sizeof(r->name));
	r->result = nla_get_u8(tb[KSVC_RES_A_RESULT]);
	return 0;
}

int ksvc_batch_decode(struct nlmsghdr *nlh, struct batch_result **res,
		      size_t *n)
{
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct nlattr *a;
	int rem, err;

	if (!genlmsg_valid_hdr(nlh, 0))
		return -EBADMSG;
	nla_for_each_attr(a, genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), rem) {
		struct batch_result *v;

		if (nla_type(a) != KSVC_A_RESULT)
			continue;
		v = realloc(*res, (*n + 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		*res = v;
		err = decode_one(a, &v[*n]);
		if (err)
			return err;
		(*n)++;
	}
	return 0;
}

const char *ksvc_result_word(uint8_t result)
{
	switch (result) {
	case KSVC_RESULT_CREATED:	return "created";
	case KSVC_RESULT_CONFIGURED:	return "configured";
	case KSVC_RESULT_UNCHANGED:	return "unchanged";
	case KSVC_RESULT_DELETED:	return "deleted";
	default:			return "changed";
	}
}
