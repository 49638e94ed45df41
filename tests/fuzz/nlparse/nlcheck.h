/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the netlink fuzz target asserts about the module's parsers: each
 * check aborts (and so makes libFuzzer keep the input) when a parser
 * returned something its callers may not expect.
 */
#ifndef _NLCHECK_H
#define _NLCHECK_H

#include "netlink.h"

void __noreturn nlcheck_fail(const char *what, const char *file, int line);
#define NLCHECK(c) do {						\
	if (!(c))						\
		nlcheck_fail(#c, __FILE__, __LINE__);		\
} while (0)

/* After a successful ksvc_parse_name(). */
void nlcheck_name(const struct ksvc_name *n);
/* After a successful ksvc_parse_svc() of @attr with @chunks. */
void nlcheck_parsed(const struct ksvc_cfg *cfg, const struct nlattr *attr,
		    const struct ksvc_chunks *chunks,
		    const struct ksvc_svc *svc);
/* After a successful ksvc_parse_backends() with @chunks. */
void nlcheck_backends(const struct ksvc_cfg *cfg,
		      const struct ksvc_chunks *chunks,
		      const struct ksvc_svc *svc);
/*
 * After any parser of a request in @nlh: an error says why, unless an
 * allocation failed since kshim_alloc_failed was @failed.
 */
void nlcheck_parse(const struct nlmsghdr *nlh, int err,
		   const struct netlink_ext_ack *extack, unsigned long failed);
/* The ack of a request in @nlh, as netlink_ack() would send it. */
void nlcheck_ack(const struct nlmsghdr *nlh, int err,
		 const struct netlink_ext_ack *extack);

#endif
