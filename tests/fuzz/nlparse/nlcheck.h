/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the netlink fuzz target asserts about the module's results: each
 * check aborts (and so makes libFuzzer keep the input) when the module
 * returned something its callers may not expect.
 */
#ifndef _NLCHECK_H
#define _NLCHECK_H

#include "netlink.h"

/* The last reply the module sent (netlink_unicast()). */
struct nlcheck_reply {
	int sent;			/* replies so far */
	int top[KSVC_A_MAX + 1];	/* its top-level attributes by type */
	int backends;			/* KSVC_BES_A_ENTRY in its chunks */
};

extern struct nlcheck_reply nlcheck_last;

void __noreturn nlcheck_fail(const char *what, const char *file, int line);
#define NLCHECK(c) do {						\
	if (!(c))						\
		nlcheck_fail(#c, __FILE__, __LINE__);		\
} while (0)

/* After a successful ksvc_parse_svc() of @attr with @chunks. */
void nlcheck_parsed(struct ksvc_net *kn, const struct nlattr *attr,
		    const struct ksvc_chunks *chunks,
		    const struct ksvc_svc *svc);
/* After a successful ksvc_parse_backends() of @base into @svc. */
void nlcheck_backends(const struct ksvc_svc *base,
		      const struct ksvc_chunks *chunks,
		      const struct ksvc_svc *svc);
/* After ksvc_alloc(), ksvc_svc_build_fe() and ksvc_svc_prepare(). */
void nlcheck_staged(struct ksvc_net *kn, const struct ksvc_svc *svc);
/* A committed version: a GET of it must fit its reply. */
void nlcheck_committed(struct ksvc_net *kn, struct ksvc_svc *svc);
/* After a successful CONFIG_SET; takes kn->lock. */
void nlcheck_cfg(struct ksvc_net *kn);
/* The ack of a request in @nlh, as netlink_ack() would send it. */
void nlcheck_ack(const struct nlmsghdr *nlh, int err,
		 const struct netlink_ext_ack *extack);

bool txn_model_idle(void);

#endif
