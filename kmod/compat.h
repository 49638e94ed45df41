/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers that hide API differences between 5.15 and 6.12. */
#ifndef _KSVC_COMPAT_H
#define _KSVC_COMPAT_H

#include <linux/version.h>
#include <linux/netlink.h>
#include <net/genetlink.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define ksvc_dump_attrs(cb)	(genl_info_dump(cb)->attrs)
#else
#define ksvc_dump_attrs(cb)	(genl_dumpit_info(cb)->attrs)
#endif

/* From 6.1 on, strict attribute checks for every command below this. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 0)
#define KSVC_RESV_START_OP(op)	.resv_start_op = (op),
#else
#define KSVC_RESV_START_OP(op)
#endif

struct net;
struct nf_conn;

/* Delete the conntrack entries of @net that @fn matches (6.0: a struct). */
void ksvc_ct_walk(struct net *net, int (*fn)(struct nf_conn *, void *),
		  void *data);

#ifdef NL_SET_ERR_MSG_FMT
#define ksvc_errmsg(extack, fmt, ...) \
	NL_SET_ERR_MSG_FMT(extack, fmt, ##__VA_ARGS__)
#else
/*
 * Before 6.2 extack holds only a pointer to a message that must outlive
 * the request; ksvc_msgbuf() hands out slots of a ring.
 */
const char *ksvc_msgbuf(const char *fmt, ...) __printf(1, 2);
#define ksvc_errmsg(extack, fmt, ...) do {				\
	if (extack)							\
		(extack)->_msg = ksvc_msgbuf(fmt, ##__VA_ARGS__);	\
} while (0)
#endif

#endif
