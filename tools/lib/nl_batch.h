/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KSVC_CMD_BATCH both ways: a list of changes becomes one message (every
 * KSVC_A_SERVICE with its KSVC_SVC_A_OP, followed by its KSVC_A_BACKENDS
 * chunks); the reply's KSVC_A_RESULT list becomes struct batch_result.
 */
#ifndef KSVCCTL_NL_BATCH_H
#define KSVCCTL_NL_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netlink/msg.h>
#include <linux/ksvc.h>

#include "model.h"

struct batch_op {
	uint8_t op;			/* KSVC_OP_* */
	const struct m_service *svc;	/* the whole service; NULL: key only */
	const char *ns, *name;		/* the key (svc's own if svc is set) */
	bool prune;			/* a DELETE that apply --prune added */
	/* Set by ksvc_put_batch: bytes from the nlmsghdr, [start, end). */
	uint32_t start, end;
};

struct batch_result {
	char ns[KSVC_NAME_MAX], name[KSVC_NAME_MAX];
	uint8_t result;			/* enum ksvc_result */
};

/* Upper bound of the attribute bytes ksvc_put_batch() adds. */
size_t ksvc_batch_size(const struct batch_op *ops, size_t n);

/*
 * Append KSVC_A_BATCH_FLAGS (if @flags) and every op: ops with a service
 * as ksvc_put_svc_op() (chunks follow their service), the others as the
 * key with the op.  Records each op's byte range, so an error offset can
 * be traced to its op.  0 or -errno as ksvc_put_svc().
 */
int ksvc_put_batch(struct nl_msg *msg, struct batch_op *ops, size_t n,
		   uint32_t flags);

/* The op whose range holds @offset (an NLMSGERR_ATTR_OFFS), or NULL. */
const struct batch_op *ksvc_batch_at(const struct batch_op *ops, size_t n,
				     uint32_t offset);

/*
 * Append the KSVC_A_RESULTs of one reply message to *@res (*@n entries,
 * realloc'd; free() it).  0, -ENOMEM or -EBADMSG.
 */
int ksvc_batch_decode(struct nlmsghdr *nlh, struct batch_result **res,
		      size_t *n);

/* "created", "configured", "unchanged", "deleted", or "changed". */
const char *ksvc_result_word(uint8_t result);

#endif
