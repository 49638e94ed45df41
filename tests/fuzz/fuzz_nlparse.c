// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the module's netlink requests, compiled in
 * userspace with the kernel's own attribute validator (lib/nlattr.c) and
 * the module's real policies, parsers and table code (see nlparse/).
 *
 * Each input is what a process writes to the generic netlink socket: one
 * or more netlink messages, each a struct nlmsghdr, a struct genlmsghdr and
 * attributes.  They go through what netlink_rcv_skb() and genetlink do
 * with a request of the ksvc family (any nlmsg_type from NLMSG_MIN_TYPE on
 * stands for it): header checks, the family policy parse, then the
 * command's doit in kmod/.  Before the doit, the parse helpers are also
 * called directly on each service of the request and their results
 * checked (nlparse/nlcheck.c); after it, its ack and its reply.
 *
 * nlmsg_pid of the first message, which the kernel ignores, picks an
 * allocation to fail (0: none), so that error paths leak-check too.
 * Dumps (NLM_F_DUMP) are not modelled and get -EOPNOTSUPP.  Mutations
 * are mostly per attribute, lengths kept right (nlparse/mutator.c); seeds
 * come from nlparse/gen_nlseeds.c.
 */
#include <net/genetlink.h>
#include "nlparse/nlcheck.h"
#if __has_include("node.h")
#include "node.h"
#endif

static struct ksvc_net *kn;
static bool verbose;	/* NLPARSE_VERBOSE=1: each request's outcome */

/* netns.c's: every request is for the one ksvc_net of the input. */
struct ksvc_net *ksvc_pernet(const struct net *net)
{
	return kn;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* Module parameters (0644): small enough to reach their limits. */
	ksvc_max_services = 16;
	ksvc_max_backends = 300;
	verbose = getenv("NLPARSE_VERBOSE");
	return 0;
}

/*
 * ksvc_parse_svc(), then ksvc_parse_backends() on what it built, named as
 * ksvc_stage() would name it.
 */
static void parse_service(const struct nlmsghdr *nlh, const struct nlattr *attr,
			  const struct ksvc_chunks *chunks)
{
	struct netlink_ext_ack extack = {};
	struct ksvc_svc *svc, *svc2;
	struct ksvc_name name;
	int err;

	mutex_lock(&kn->lock);
	err = ksvc_parse_svc(ksvc_cfg_get(kn), attr, chunks, &svc, &extack);
	nlcheck_ack(nlh, err, &extack);
	if (!err) {
		nlcheck_parsed(kn, attr, chunks, svc);
		NLCHECK(!ksvc_parse_name(attr, &name, NULL));
		svc->key = &name;
		memset(&extack, 0, sizeof(extack));
		err = ksvc_parse_backends(kn, svc, chunks, &svc2, &extack);
		nlcheck_ack(nlh, err, &extack);
		if (!err) {
			nlcheck_backends(svc, chunks, svc2);
			ksvc_svc_free(svc2);
		}
		ksvc_svc_free(svc);
	}
	mutex_unlock(&kn->lock);
}

/* Every service of a validated request, with the chunks the doit gives it. */
static void parse_direct(const struct nlmsghdr *nlh, struct nlattr **attrs)
{
	const struct genlmsghdr *hdr = nlmsg_data(nlh);
	struct ksvc_chunks all = {
		.head = genlmsg_data(hdr), .len = genlmsg_len(hdr),
	}, chunks;
	const struct nlattr *a;
	int rem;

	switch (hdr->cmd) {
	case KSVC_CMD_SVC_NEW:
	case KSVC_CMD_SVC_SET:
	case KSVC_CMD_BACKENDS_SET:
		if (attrs[KSVC_A_SERVICE])
			parse_service(nlh, attrs[KSVC_A_SERVICE], &all);
		break;
	case KSVC_CMD_BATCH:
		nla_for_each_attr(a, all.head, all.len, rem) {
			if (nla_type(a) != KSVC_A_SERVICE)
				continue;
			ksvc_chunks_after(a, rem, &chunks);
			parse_service(nlh, a, &chunks);
		}
		break;
	}
}

static int count_type(const struct nlmsghdr *nlh, int type)
{
	const struct genlmsghdr *hdr = nlmsg_data(nlh);
	const struct nlattr *a;
	int rem, n = 0;

	nla_for_each_attr(a, genlmsg_data(hdr), genlmsg_len(hdr), rem)
		n += nla_type(a) == type;
	return n;
}

/* What a successful command promises, beyond its ack. */
static void after_doit(const struct nlmsghdr *nlh, int err, int sent)
{
	const struct genlmsghdr *hdr = nlmsg_data(nlh);

	NLCHECK(!kn->lock.held && !kshim_rcu_depth && txn_model_idle());
	if (err)
		return;
	switch (hdr->cmd) {
	case KSVC_CMD_CONFIG_SET:
		nlcheck_cfg(kn);
		break;
	case KSVC_CMD_BATCH:	/* one result per service, sent last */
		NLCHECK(nlcheck_last.sent > sent);
		NLCHECK(nlcheck_last.top[KSVC_A_RESULT] ==
			count_type(nlh, KSVC_A_SERVICE));
		break;
	case KSVC_CMD_SVC_GET:
		NLCHECK(nlcheck_last.sent == sent + 1);
		NLCHECK(nlcheck_last.top[KSVC_A_SERVICE] == 1);
		break;
	}
}

static const struct genl_small_ops *find_op(u8 cmd)
{
	int i;

	for (i = 0; i < ksvc_genl_family.n_small_ops; i++)
		if (ksvc_genl_family.small_ops[i].cmd == cmd)
			return &ksvc_genl_family.small_ops[i];
	return NULL;
}

/* As genl_header_check(). */
static int header_check(const struct genl_family *family,
			const struct nlmsghdr *nlh,
			const struct genlmsghdr *hdr,
			struct netlink_ext_ack *extack)
{
	u16 flags = nlh->nlmsg_flags;

	if (hdr->cmd < family->resv_start_op)
		return 0;
	if (hdr->reserved) {
		NL_SET_ERR_MSG(extack, "genlmsghdr.reserved field is not 0");
		return -EINVAL;
	}
	if ((flags & NLM_F_DUMP) == NLM_F_DUMP)
		flags &= ~NLM_F_DUMP;
	if (flags & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO)) {
		NL_SET_ERR_MSG(extack, "ambiguous or reserved bits set in nlmsg_flags");
		return -EINVAL;
	}
	return 0;
}

static int doit(const struct genl_small_ops *op, struct sk_buff *skb,
		struct nlmsghdr *nlh, struct nlattr **attrs,
		struct netlink_ext_ack *extack)
{
	struct genl_info info = {
		.snd_seq = nlh->nlmsg_seq,
		.snd_portid = 1,
		.nlhdr = nlh,
		.genlhdr = nlmsg_data(nlh),
		.userhdr = nlmsg_data(nlh) + GENL_HDRLEN,
		.attrs = attrs,
		.extack = extack,
	};
	int sent = nlcheck_last.sent, err;

	genl_info_net_set(&info, &init_net);
	err = op->doit(skb, &info);
	after_doit(nlh, err, sent);
	return err;
}

/* As genl_family_rcv_msg() and genl_family_rcv_msg_doit(). */
static int rcv_msg(struct sk_buff *skb, struct nlmsghdr *nlh,
		   struct netlink_ext_ack *extack)
{
	const struct genl_family *family = &ksvc_genl_family;
	struct genlmsghdr *hdr = nlmsg_data(nlh);
	int hdrlen = GENL_HDRLEN + family->hdrsize;
	const struct genl_small_ops *op;
	struct nlattr **attrs;
	int err;

	if (nlh->nlmsg_len < nlmsg_msg_size(hdrlen))
		return -EINVAL;
	if (header_check(family, nlh, hdr, extack))
		return -EINVAL;
	op = find_op(hdr->cmd);
	if (!op || !op->doit || (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP)
		return -EOPNOTSUPP;
	attrs = kmalloc_array(family->maxattr + 1, sizeof(*attrs), GFP_KERNEL);
	if (!attrs)
		return -ENOMEM;
	err = __nlmsg_parse(nlh, hdrlen, attrs, family->maxattr,
			    family->policy,
			    op->validate & GENL_DONT_VALIDATE_STRICT ?
			    NL_VALIDATE_LIBERAL : NL_VALIDATE_STRICT, extack);
	if (!err) {
		parse_direct(nlh, attrs);
		memset(extack, 0, sizeof(*extack));
		err = doit(op, skb, nlh, attrs, extack);
	}
	kfree(attrs);
	return err;
}

/*
 * As netlink_rcv_skb(), but each message is copied to a buffer of its own
 * size, so that reading past its end is caught even with more behind it.
 */
static void rcv(const u8 *data, size_t size)
{
	struct sk_buff skb = {};
	struct netlink_ext_ack extack;
	struct nlmsghdr hdr, *nlh;
	size_t msglen;
	int err;

	while (size >= nlmsg_total_size(0)) {
		memcpy(&hdr, data, sizeof(hdr));
		if (hdr.nlmsg_len < NLMSG_HDRLEN || size < hdr.nlmsg_len)
			return;
		nlh = malloc(hdr.nlmsg_len);
		if (!nlh)
			abort();
		memcpy(nlh, data, hdr.nlmsg_len);
		skb.head = skb.data = (unsigned char *)nlh;
		skb.len = skb.tail = skb.end = nlh->nlmsg_len;
		memset(&extack, 0, sizeof(extack));
		err = 0;
		if ((nlh->nlmsg_flags & NLM_F_REQUEST) &&
		    nlh->nlmsg_type >= NLMSG_MIN_TYPE)
			err = rcv_msg(&skb, nlh, &extack);
		nlcheck_ack(nlh, err, &extack);
		if (verbose)
			fprintf(stderr, "request %u of %u bytes: %d %s\n",
				nlh->nlmsg_len >= nlmsg_msg_size(GENL_HDRLEN) ?
				((struct genlmsghdr *)nlmsg_data(nlh))->cmd : 0,
				nlh->nlmsg_len, err, extack._msg ?: "");
		free(nlh);
		msglen = min_t(size_t, NLMSG_ALIGN(hdr.nlmsg_len), size);
		data += msglen;
		size -= msglen;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlmsghdr first;

	kn = calloc(1, sizeof(*kn));
	kshim_fail_at = 0;
	kshim_srand(1);
	if (!kn || ksvc_net_init(kn))
		abort();
	if (size >= sizeof(first)) {
		memcpy(&first, data, sizeof(first));
		kshim_alloc_count = 0;
		kshim_fail_at = first.nlmsg_pid;
	}
	rcv(data, size);
	kshim_fail_at = 0;
	ksvc_net_destroy(kn);
	free(kn);
#if __has_include("node.h")
	ksvc_node_exit();	/* warns when a node name outlived its backends */
#endif
	return 0;
}
