// SPDX-License-Identifier: GPL-2.0
/* Service requests: build the message, talk, decode the replies. */
#include <errno.h>
#include <netlink/netlink.h>

#include "nl.h"
#include "svc_req.h"

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
	struct ksvc_svc tmp, *out = arg ? arg : &tmp;
	int err = ksvc_svc_decode(nlh, out);

	if (!err && !arg)
		ksvc_svc_free(&tmp);
	return err;
}

int req_svc_get(const char *ns, const char *name, struct ksvc_svc *out)
{
	return key_request(KSVC_CMD_SVC_GET, 0, ns, name, get_one, out);
}

int req_svc_del(const char *ns, const char *name)
{
	return key_request(KSVC_CMD_SVC_DEL, 0, ns, name, NULL, NULL);
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
	struct ksvc_svc s;
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
