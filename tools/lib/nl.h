/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic netlink transport to the ksvc module: one socket per process,
 * opened on first use, extended ACKs on, every request acknowledged.
 */
#ifndef KSVCCTL_NL_H
#define KSVCCTL_NL_H

#include <stddef.h>
#include <stdint.h>
#include <netlink/msg.h>

/* Called for each reply message (doit reply or dump part); 0 or -errno. */
typedef int (*ksvc_reply_cb)(struct nlmsghdr *nlh, void *arg);

/* Connect and resolve the family; prints why on failure.  0 or -1. */
int ksvc_nl_open(void);
void ksvc_nl_close(void);

/* A request with room for @size bytes of attributes (0: one page). */
struct nl_msg *ksvc_msg_new(uint8_t cmd, int flags, size_t size);

/*
 * Send @msg (always consumed), feed replies to @cb, wait for the ACK or
 * the end of the dump.  Returns 0 or -errno; ksvc_nl_extack() then holds
 * the kernel's message, if it sent one (also on success: a warning).
 */
int ksvc_nl_talk(struct nl_msg *msg, ksvc_reply_cb cb, void *arg);
const char *ksvc_nl_extack(void);
/*
 * Where in the last failed request the kernel's error points (bytes
 * from the start of its nlmsghdr, NLMSGERR_ATTR_OFFS), or 0.
 */
uint32_t ksvc_nl_err_offset(void);

/* Make the receive buffer hold a reply of @len bytes and its ACK. */
void ksvc_fit_rcvbuf(size_t len);

/* Our own words for an errno of this family, or NULL. */
const char *ksvc_errno_text(int err);

/* "error: CTX: <extack or our words> (strerror)" on stderr. */
void ksvc_nl_perror(const char *ctx, int err);
/* "warning: CTX: <extack>" if the last successful request carried one. */
void ksvc_nl_warn(const char *ctx);

/* Exposed for tests: the extack message of an NLMSG_ERROR/DONE, or NULL. */
const char *ksvc_extack_parse(const struct nlmsghdr *nlh, char *buf,
			      size_t len);
uint32_t ksvc_extack_offset(const struct nlmsghdr *nlh);

#endif
