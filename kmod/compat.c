// SPDX-License-Identifier: GPL-2.0
#include <linux/atomic.h>
#include <linux/kernel.h>
#include <net/netfilter/nf_conntrack.h>
#include "compat.h"

#ifndef NL_SET_ERR_MSG_FMT
#define MSG_SLOTS	64
#define MSG_LEN		160	/* NETLINK_MAX_FMTMSG_LEN on later kernels is 80 */

static char msgs[MSG_SLOTS][MSG_LEN];
static atomic_t next_msg = ATOMIC_INIT(0);

/*
 * The ack that carries the message is built right after the command
 * returns; a slot is reused only after MSG_SLOTS more failures, so it is
 * overwritten only if that many errors race with one ack.
 */
const char *ksvc_msgbuf(const char *fmt, ...)
{
	char *buf = msgs[(unsigned int)atomic_inc_return(&next_msg) % MSG_SLOTS];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, MSG_LEN, fmt, ap);
	va_end(ap);
	return buf;
}
#endif

void ksvc_ct_walk(struct net *net, int (*fn)(struct nf_conn *, void *),
		  void *data)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 0, 0)
	struct nf_ct_iter_data d = { .net = net, .data = data };

	nf_ct_iterate_cleanup_net(fn, &d);
#else
	nf_ct_iterate_cleanup_net(net, fn, data, 0, 0);
#endif
}
