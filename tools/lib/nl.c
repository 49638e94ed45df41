// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink transport.  libnl does the framing and sequence checks; we add
 * what it lacks in 3.7: extended ACK messages, which is where the module
 * says *which* attribute or *which other service* is at fault.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include <linux/ksvc.h>

#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* Requests above the default wmem_max need a forced send buffer. */
#define KSVC_SOCK_BUF	(1 << 20)
#define KSVC_MSG_MIN	8192
/*
 * A reply bigger than the receive buffer still arrives (the queue was
 * empty), but the ACK after it is then dropped and the socket reports
 * ENOBUFS ("Out of memory").  A doit GET of a service with 16384 backends
 * is about 2 MB: ask for room for that from the start.
 */
#define KSVC_RCVBUF	(8 << 20)

static struct nl_sock *sk;
static int family;
static char extack[512];
static uint32_t err_offset;	/* NLMSGERR_ATTR_OFFS of the last error */

static void set_sockopt(int level, int opt, int val)
{
	/* Best effort: older kernels or no privilege just lose a nicety. */
	setsockopt(nl_socket_get_fd(sk), level, opt, &val, sizeof(val));
}

static int resolve_family(void)
{
	family = genl_ctrl_resolve(sk, KSVC_GENL_NAME);
	if (family >= 0)
		return 0;
	if (family == -NLE_OBJ_NOTFOUND)
		fprintf(stderr, "error: ksvc kernel module not loaded (modprobe ksvc)\n");
	else
		fprintf(stderr, "error: cannot resolve generic netlink family \"%s\": %s\n",
			KSVC_GENL_NAME, nl_geterror(family));
	return -1;
}

/*
 * The socket's buffer sizes as last read: only this file changes them,
 * so a long-running ksvcctl (watch) asks the kernel once per change, not
 * twice per request.  0: not known.
 */
static int snd_cur, rcv_cur;

int ksvc_nl_open(void)
{
	int err;

	if (sk)
		return 0;
	sk = nl_socket_alloc();
	if (!sk) {
		fprintf(stderr, "error: out of memory\n");
		return -1;
	}
	err = genl_connect(sk);
	if (err < 0) {
		fprintf(stderr, "error: cannot open generic netlink socket: %s\n",
			nl_geterror(err));
		ksvc_nl_close();
		return -1;
	}
	set_sockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1);
	/* Don't have the kernel echo a megabyte request back in its ACK. */
	set_sockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1);
	nl_socket_set_buffer_size(sk, KSVC_SOCK_BUF, KSVC_SOCK_BUF);
	ksvc_fit_rcvbuf(KSVC_RCVBUF);
	/* Dump parts can exceed a page: peek at each datagram's size. */
	nl_socket_enable_msg_peek(sk);
	if (resolve_family() < 0) {
		ksvc_nl_close();
		return -1;
	}
	return 0;
}

void ksvc_nl_close(void)
{
	nl_socket_free(sk);
	sk = NULL;
	snd_cur = rcv_cur = 0;
}

struct nl_msg *ksvc_msg_new(uint8_t cmd, int flags, size_t size)
{
	struct nl_msg *msg;

	extack[0] = '\0';	/* a new request: forget the last one's words */
	size += NLMSG_HDRLEN + GENL_HDRLEN;
	msg = nlmsg_alloc_size(size < KSVC_MSG_MIN ? KSVC_MSG_MIN : size);
	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags,
			 cmd, KSVC_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Where the TLVs start in an NLMSG_ERROR or NLMSG_DONE payload. */
static size_t ack_skip(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = nlmsg_data(nlh);
	size_t skip = sizeof(*e);

	if (nlh->nlmsg_type == NLMSG_DONE)
		return NLMSG_ALIGN(sizeof(int));
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e))
		return SIZE_MAX;
	/* Without NETLINK_CAP_ACK the kernel echoes our request first. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len >= NLMSG_HDRLEN)
		skip += e->msg.nlmsg_len - NLMSG_HDRLEN;
	return NLMSG_ALIGN(skip);
}

const char *ksvc_extack_parse(const struct nlmsghdr *nlh, char *buf,
			      size_t len)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t skip = ack_skip(nlh);
	struct nlattr *a;

	buf[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || skip == SIZE_MAX ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + skip)
		return NULL;
	a = (struct nlattr *)((char *)nlmsg_data(nlh) + skip);
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, a,
		      nlh->nlmsg_len - NLMSG_HDRLEN - skip, NULL) < 0)
		return NULL;
	a = tb[NLMSGERR_ATTR_MSG];
	if (!a || nla_len(a) < 1)
		return NULL;
	snprintf(buf, len, "%.*s", (int)strnlen(nla_data(a), nla_len(a)),
		 (const char *)nla_data(a));
	return buf[0] ? buf : NULL;
}

uint32_t ksvc_extack_offset(const struct nlmsghdr *nlh)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t skip = ack_skip(nlh);
	struct nlattr *a;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || skip == SIZE_MAX ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + skip)
		return 0;
	a = (struct nlattr *)((char *)nlmsg_data(nlh) + skip);
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, a,
		      nlh->nlmsg_len - NLMSG_HDRLEN - skip, NULL) < 0)
		return 0;
	a = tb[NLMSGERR_ATTR_OFFS];
	return a && nla_len(a) >= 4 ? nla_get_u32(a) : 0;
}

uint32_t ksvc_nl_err_offset(void)
{
	return err_offset;
}

const char *ksvc_nl_extack(void)
{
	return extack[0] ? extack : NULL;
}

struct talk {
	ksvc_reply_cb cb;
	void *arg;
	uint32_t seq;
	int err;
	bool done;
};

/* Replies to an earlier request we gave up on are not ours: skip them. */
static int on_seq(struct nl_msg *msg, void *arg)
{
	struct talk *t = arg;

	return nlmsg_hdr(msg)->nlmsg_seq == t->seq ? NL_OK : NL_SKIP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct talk *t = arg;
	int err;

	if (!t->cb)
		return NL_OK;
	err = t->cb(nlmsg_hdr(msg), t->arg);
	/* Read on to the end anyway, so the socket stays in step. */
	if (err && !t->err)
		t->err = err;
	return NL_OK;
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	const struct nlmsghdr *nlh = (void *)((char *)e - NLMSG_HDRLEN);
	struct talk *t = arg;

	(void)nla;
	ksvc_extack_parse(nlh, extack, sizeof(extack));
	err_offset = ksvc_extack_offset(nlh);
	t->err = e->error;
	t->done = true;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct talk *t = arg;

	/* error == 0, but a message here is a warning worth showing. */
	ksvc_extack_parse(nlmsg_hdr(msg), extack, sizeof(extack));
	t->done = true;
	return NL_STOP;
}

/* End of a dump; the kernel puts the dump's own error, if any, here. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct talk *t = arg;
	int status = 0;

	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int))
		memcpy(&status, nlmsg_data(nlh), sizeof(int));
	if (status < 0) {
		ksvc_extack_parse(nlh, extack, sizeof(extack));
		t->err = status;
	}
	t->done = true;
	return NL_STOP;
}

static struct nl_cb *talk_cb(struct talk *t)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);

	if (!cb)
		return NULL;
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, on_seq, t);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, t);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, t);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, t);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, t);
	return cb;
}

/* A libnl failure (not the kernel's answer): keep its words, guess errno. */
static int nl_fail(int nlerr)
{
	snprintf(extack, sizeof(extack), "%s", nl_geterror(nlerr));
	switch (-nlerr) {
	case NLE_NOMEM:		return -ENOMEM;
	case NLE_MSGSIZE:	return -EMSGSIZE;
	case NLE_PERM:		return -EPERM;
	case NLE_MSG_TRUNC:	return -EMSGSIZE;
	default:		return -EIO;
	}
}

static int sockbuf(int opt)
{
	int *known = opt == SO_SNDBUF ? &snd_cur : &rcv_cur;
	socklen_t sl = sizeof(*known);

	if (!*known)
		getsockopt(nl_socket_get_fd(sk), SOL_SOCKET, opt, known, &sl);
	return *known;
}

static int sndbuf(void)
{
	return sockbuf(SO_SNDBUF);
}

/*
 * The kernel refuses (EMSGSIZE) a datagram bigger than the socket's send
 * buffer, and a service with thousands of backends is one datagram of
 * megabytes (about 1.5 MB for 16384 backends).  Beyond net.core.wmem_max
 * only SO_SNDBUFFORCE helps, which needs CAP_NET_ADMIN: writes need it
 * anyway.  Without it, SO_SNDBUF gets what wmem_max allows; if that is
 * too little the send fails with EMSGSIZE, whose text says what to do.
 */
static void fit_sndbuf(size_t len)
{
	size_t want = len + 65536;
	int val = want > INT_MAX / 2 ? INT_MAX / 2 : (int)want;

	/* getsockopt reports twice what was set (the kernel's overhead). */
	if (len + 4096 <= (size_t)sndbuf())
		return;
	snd_cur = 0;
	if (!setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_SNDBUFFORCE,
			&val, sizeof(val)) && len + 4096 <= (size_t)sndbuf())
		return;
	snd_cur = 0;
	nl_socket_set_buffer_size(sk, KSVC_SOCK_BUF, val);
}

/*
 * Room for @len bytes of replies: SO_RCVBUFFORCE (CAP_NET_ADMIN) passes
 * net.core.rmem_max; without it SO_RCVBUF gets what rmem_max allows.
 * The kernel doubles the value for its overhead; getsockopt shows that.
 */
void ksvc_fit_rcvbuf(size_t len)
{
	size_t want = len + 65536;
	int val = want > INT_MAX / 2 ? INT_MAX / 2 : (int)want;

	if (!sk || (size_t)sockbuf(SO_RCVBUF) >= 2 * (size_t)val)
		return;
	rcv_cur = 0;
	if (setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVBUFFORCE,
		       &val, sizeof(val)))
		setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVBUF,
			   &val, sizeof(val));
}

int ksvc_nl_talk(struct nl_msg *msg, ksvc_reply_cb cb, void *arg)
{
	struct talk t = { .cb = cb, .arg = arg };
	struct nl_cb *nlcb = talk_cb(&t);
	int err;

	extack[0] = '\0';
	err_offset = 0;
	if (!nlcb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_complete_msg(sk, msg);
	t.seq = nlmsg_hdr(msg)->nlmsg_seq;
	fit_sndbuf(nlmsg_hdr(msg)->nlmsg_len);
	err = nl_send(sk, msg);
	nlmsg_free(msg);
	if (err < 0)
		t.err = nl_fail(err);
	while (err >= 0 && !t.done) {
		err = nl_recvmsgs(sk, nlcb);
		if (err < 0 && !t.done)
			t.err = nl_fail(err);
	}
	nl_cb_put(nlcb);
	return t.err;
}

static const struct {
	int err;
	const char *text;
} errno_texts[] = {
	{ EEXIST,	"service already exists" },
	{ ENOENT,	"service not found" },
	{ EPERM,	"Operation not permitted: changing ksvc needs CAP_NET_ADMIN" },
	{ ENOSPC,	"limit reached (max_services or max_backends of the ksvc module)" },
	{ EOPNOTSUPP,	"not supported by this ksvc module (is ksvcctl newer than the module?)" },
	{ EINVAL,	"invalid request: the module rejected an attribute" },
	{ E2BIG,	"too large: a netlink attribute cannot exceed 64 KiB" },
	{ EMSGSIZE,	"request too large for the netlink socket (raise net.core.wmem_max)" },
	{ ENOMEM,	"out of memory" },
	{ EBADMSG,	"malformed reply from the ksvc module" },
};

const char *ksvc_errno_text(int err)
{
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < sizeof(errno_texts) / sizeof(errno_texts[0]); i++)
		if (errno_texts[i].err == err)
			return errno_texts[i].text;
	return NULL;
}

void ksvc_nl_perror(const char *ctx, int err)
{
	const char *msg = ksvc_nl_extack();
	const char *se = strerror(err < 0 ? -err : err);

	if (!msg)
		msg = ksvc_errno_text(err);
	if (!msg)
		fprintf(stderr, "error: %s: %s\n", ctx, se);
	else if (!strncmp(msg, se, strlen(se)))	/* says it already */
		fprintf(stderr, "error: %s: %s\n", ctx, msg);
	else
		fprintf(stderr, "error: %s: %s (%s)\n", ctx, msg, se);
}

void ksvc_nl_warn(const char *ctx)
{
	if (ksvc_nl_extack())
		fprintf(stderr, "warning: %s: %s\n", ctx, ksvc_nl_extack());
}
