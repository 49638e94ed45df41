// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the module's netlink request parsing, compiled in
 * userspace: kmod/netlink.c's policies under the kernel's own validator
 * (lib/nlattr.c), and kmod/nl_svc.c's parsers with the backend sets and
 * node names they build (backends.c, node.c).  No table, transaction or
 * reply code is built: KUnit and the VM tests run those.  nlparse/stubs.c
 * says where the target stops.
 *
 * Each input is what a process writes to the generic netlink socket: one
 * or more netlink messages, each a struct nlmsghdr, a struct genlmsghdr and
 * attributes.  They go through what netlink_rcv_skb() and genetlink do
 * with a request of the ksvc family (any nlmsg_type from NLMSG_MIN_TYPE on
 * stands for it): header checks and the family policy parse.  Then each
 * service of a request that passed goes to the parsers its command's doit
 * calls, and what they return is checked (nlparse/nlcheck.c).
 *
 * nlmsg_pid of the first message, which the kernel ignores, picks an
 * allocation to fail (0: none), so that error paths leak-check too.
 * Dumps (NLM_F_DUMP) are not modelled.  Mutations are mostly per
 * attribute, lengths kept right (nlparse/mutator.c); seeds come from
 * nlparse/gen_nlseeds.c.
 */
#include <net/genetlink.h>
#include "nlparse/nlcheck.h"
#include "node.h"

static bool verbose;	/* NLPARSE_VERBOSE=1: each request's outcome */

/* ksvc_net_init()'s configuration: nodePorts 30000-32767. */
static const struct ksvc_cfg cfg = { .np_min = 30000, .np_max = 32767 };

/*
 * The last service parsed, under a name of its own: what a backends
 * change of that name applies to, where the doit would find the
 * service's version in the table.
 */
static struct {
	struct ksvc_svc *svc;
	char ns[KSVC_NAME_MAX], name[KSVC_NAME_MAX];
	struct ksvc_name key;
} base;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* A module parameter (0644): small enough to reach its limit. */
	ksvc_max_backends = 300;
	verbose = getenv("NLPARSE_VERBOSE");
	return 0;
}

/* @svc becomes the base, named @name (NULL: none). */
static void set_base(struct ksvc_svc *svc, const struct ksvc_name *name)
{
	if (base.svc)
		ksvc_svc_free(base.svc);
	base.svc = svc;
	if (!svc)
		return;
	if (name) {
		strscpy(base.ns, name->ns, sizeof(base.ns));
		strscpy(base.name, name->name, sizeof(base.name));
		ksvc_name_set(&base.key, base.ns, base.name);
	}
	svc->key = &base.key;	/* as staging names a version */
}

/* A parser's result, checked, and told with NLPARSE_VERBOSE. */
static void parsed(const struct nlmsghdr *nlh, const char *parser, int err,
		   const struct netlink_ext_ack *extack, unsigned long failed)
{
	nlcheck_parse(nlh, err, extack, failed);
	if (verbose)
		fprintf(stderr, "  %s: %d %s\n", parser, err, extack->_msg ?: "");
}

/* ksvc_parse_name() of @attr, a service nest or NULL. */
static bool parse_name(const struct nlmsghdr *nlh, const struct nlattr *attr,
		       struct ksvc_name *name)
{
	unsigned long failed = kshim_alloc_failed;
	struct netlink_ext_ack extack = {};
	int err = ksvc_parse_name(attr, name, &extack);

	parsed(nlh, "name", err, &extack, failed);
	if (!err)
		nlcheck_name(name);
	return !err;
}

/* As nl_batch.c's stage_backends(), with the base for the table. */
static void parse_backends(const struct nlmsghdr *nlh,
			   const struct ksvc_name *name,
			   const struct ksvc_chunks *chunks)
{
	unsigned long failed = kshim_alloc_failed;
	struct netlink_ext_ack extack = {};
	struct ksvc_svc *svc;
	int err;

	if (!base.svc || strcmp(name->ns, base.ns) ||
	    strcmp(name->name, base.name))
		return;		/* the doit's "not found" */
	err = ksvc_parse_backends(NULL, base.svc, chunks, &svc, &extack);
	parsed(nlh, "backends", err, &extack, failed);
	if (err)
		return;
	nlcheck_backends(&cfg, chunks, svc);
	set_base(svc, NULL);
}

/* As nl_batch.c's stage_one(): one KSVC_A_SERVICE nest and its chunks. */
static void parse_service(const struct nlmsghdr *nlh, const struct nlattr *attr,
			  const struct ksvc_chunks *chunks, int op)
{
	struct netlink_ext_ack extack = {};
	unsigned long failed;
	struct ksvc_name name;
	struct ksvc_svc *svc;
	int err;

	if (!parse_name(nlh, attr, &name) || op == KSVC_OP_DELETE)
		return;
	if (op == KSVC_OP_BACKENDS) {
		parse_backends(nlh, &name, chunks);
		return;
	}
	failed = kshim_alloc_failed;
	err = ksvc_parse_svc(&cfg, attr, chunks, &svc, &extack);
	parsed(nlh, "service", err, &extack, failed);
	if (err)
		return;
	nlcheck_parsed(&cfg, attr, chunks, svc);
	set_base(svc, &name);
}

/* As nl_batch.c's ksvc_chunks_after(), which the target does not build. */
static void chunks_after(const struct nlattr *svc_attr, int rem,
			 struct ksvc_chunks *c)
{
	const struct nlattr *a = nla_next(svc_attr, &rem);

	c->head = a;
	c->len = 0;
	for (; nla_ok(a, rem) && nla_type(a) != KSVC_A_SERVICE;
	     a = nla_next(a, &rem))
		c->len += nla_total_size(nla_len(a));
}

/* As nl_batch.c's op_of(). */
static int op_of(const struct nlattr *attr)
{
	const struct nlattr *op = nla_find_nested(attr, KSVC_SVC_A_OP);

	return op ? nla_get_u8(op) : KSVC_OP_APPLY;
}

/*
 * Every service of a batch on its own: the doit stops at the first
 * error, but no parser depends on what went before.
 */
static void parse_batch(const struct nlmsghdr *nlh,
			const struct ksvc_chunks *all)
{
	struct ksvc_chunks chunks;
	const struct nlattr *a;
	int rem;

	nla_for_each_attr(a, all->head, all->len, rem) {
		if (nla_type(a) != KSVC_A_SERVICE)
			continue;
		chunks_after(a, rem, &chunks);
		parse_service(nlh, a, &chunks, op_of(a));
	}
}

/*
 * What the command's doit parses of a request genl validated.  FLUSH and
 * the configuration commands have no parser in nl_svc.c: for them the
 * policy is all.
 */
static void parse_request(const struct nlmsghdr *nlh, struct nlattr **attrs)
{
	const struct genlmsghdr *hdr = nlmsg_data(nlh);
	const struct nlattr *svc = attrs[KSVC_A_SERVICE];
	struct ksvc_chunks all = {
		.head = genlmsg_data(hdr), .len = genlmsg_len(hdr),
	};
	struct ksvc_name name;

	switch (hdr->cmd) {
	case KSVC_CMD_SVC_NEW:
		if (svc)
			parse_service(nlh, svc, &all, KSVC_OP_CREATE);
		break;
	case KSVC_CMD_SVC_SET:
		if (svc)
			parse_service(nlh, svc, &all, KSVC_OP_REPLACE);
		break;
	case KSVC_CMD_BACKENDS_SET:
		if (svc)
			parse_service(nlh, svc, &all, KSVC_OP_BACKENDS);
		break;
	case KSVC_CMD_SVC_DEL:
	case KSVC_CMD_SVC_GET:
		parse_name(nlh, svc, &name);
		break;
	case KSVC_CMD_BATCH:
		parse_batch(nlh, &all);
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

/* As genl_family_rcv_msg() and genl_family_rcv_msg_doit(). */
static int rcv_msg(struct nlmsghdr *nlh, struct netlink_ext_ack *extack)
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
	if (!err)
		parse_request(nlh, attrs);
	kfree(attrs);
	return err;
}

/*
 * As netlink_rcv_skb(), but each message is copied to a buffer of its own
 * size, so that reading past its end is caught even with more behind it.
 */
static void rcv(const u8 *data, size_t size)
{
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
		memset(&extack, 0, sizeof(extack));
		err = 0;
		if ((nlh->nlmsg_flags & NLM_F_REQUEST) &&
		    nlh->nlmsg_type >= NLMSG_MIN_TYPE)
			err = rcv_msg(nlh, &extack);
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

	kshim_fail_at = 0;
	if (size >= sizeof(first)) {
		memcpy(&first, data, sizeof(first));
		kshim_alloc_count = 0;
		kshim_fail_at = first.nlmsg_pid;
	}
	rcv(data, size);
	kshim_fail_at = 0;
	set_base(NULL, NULL);
	ksvc_node_exit();	/* warns when a node name outlived its backends */
	return 0;
}
