// SPDX-License-Identifier: GPL-2.0
/* Service requests: build the message, talk, decode the replies. */
#include <errno.h>
#include <stdlib.h>
#include <netlink/netlink.h>

#include "nl.h"
#include "svc_req.h"
#include "trace.h"

static int key_request(uint8_t cmd, int flags, const char *ns,
		       const char *name, ksvc_reply_cb cb, void *arg)
{
	struct nl_msg *msg = ksvc_msg_new(cmd, flags, 0);

	if (!msg)
		return -ENOMEM;
	if (ksvc_put_svc_key(msg, ns, name)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return ksvc_nl_talk(msg, cb, arg);
}

static int get_one(struct nlmsghdr *nlh, void *arg)
{
	struct wire_svc tmp, *out = arg ? arg : &tmp;
	int err = ksvc_svc_decode(nlh, out);

	if (!err && !arg)
		ksvc_svc_free(&tmp);
	return err;
}

int req_svc_get(const char *ns, const char *name, struct wire_svc *out)
{
	return key_request(KSVC_CMD_SVC_GET, 0, ns, name, get_one, out);
}

int req_svc_del(const char *ns, const char *name)
{
	return key_request(KSVC_CMD_SVC_DEL, 0, ns, name, NULL, NULL);
}

int req_flush(void)
{
	struct nl_msg *msg = ksvc_msg_new(KSVC_CMD_FLUSH, 0, 0);

	return msg ? ksvc_nl_talk(msg, NULL, NULL) : -ENOMEM;
}

int req_svc_put(const struct m_service *s, uint8_t cmd)
{
	struct nl_msg *msg = ksvc_msg_new(cmd, 0, ksvc_svc_size(s));
	int err;

	if (!msg)
		return -ENOMEM;
	err = ksvc_put_svc(msg, s);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return ksvc_nl_talk(msg, NULL, NULL);
}

struct dump {
	svc_dump_cb cb;
	void *arg;
};

static int dump_one(struct nlmsghdr *nlh, void *arg)
{
	struct dump *d = arg;
	struct wire_svc s;
	int err = ksvc_svc_decode(nlh, &s);

	return err ? err : d->cb(&s, d->arg);
}

int req_svc_dump(const char *ns, svc_dump_cb cb, void *arg)
{
	struct dump d = { cb, arg };
	struct nl_msg *msg = ksvc_msg_new(KSVC_CMD_SVC_GET, NLM_F_DUMP, 0);

	if (!msg)
		return -ENOMEM;
	if (ns && ksvc_put_svc_key(msg, ns, NULL)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return ksvc_nl_talk(msg, dump_one, &d);
}

struct results {
	struct batch_result **res;
	size_t *n;
};

static int batch_reply(struct nlmsghdr *nlh, void *arg)
{
	struct results *r = arg;

	return ksvc_batch_decode(nlh, r->res, r->n);
}

int req_batch(struct batch_op *ops, size_t n, uint32_t flags,
	      struct batch_result **res, size_t *n_res)
{
	size_t size = ksvc_batch_size(ops, n);
	struct results r = { res, n_res };
	struct nl_msg *msg = ksvc_msg_new(KSVC_CMD_BATCH, 0, size);
	int err;

	*res = NULL;
	*n_res = 0;
	if (!msg)
		return -ENOMEM;
	err = ksvc_put_batch(msg, ops, n, flags);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	trace_step("encode");
	/* The kernel sizes its reply as our request plus a page. */
	ksvc_fit_rcvbuf(nlmsg_hdr(msg)->nlmsg_len + 65536);
	err = ksvc_nl_talk(msg, batch_reply, &r);
	trace_step("kernel");
	if (err) {
		free(*res);
		*res = NULL;
		*n_res = 0;
	}
	return err;
}

struct svc_vec {
	struct wire_svc *v;
	size_t n;
};

static int vec_add(struct wire_svc *s, void *arg)
{
	struct svc_vec *l = arg;
	struct wire_svc *v = realloc(l->v, (l->n + 1) * sizeof(*v));

	if (!v) {
		ksvc_svc_free(s);
		return -ENOMEM;
	}
	l->v = v;
	l->v[l->n++] = *s;
	return 0;
}

void svc_list_free(struct wire_svc *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ksvc_svc_free(&v[i]);
	free(v);
}

int req_svc_list(const char *ns, struct wire_svc **out, size_t *n)
{
	struct svc_vec l = { 0 };
	int err = req_svc_dump(ns, vec_add, &l);

	if (err) {
		svc_list_free(l.v, l.n);
		l.v = NULL;
		l.n = 0;
	}
	*out = l.v;
	*n = l.n;
	return err;
}
