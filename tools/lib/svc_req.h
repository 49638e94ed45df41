/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The service requests the verbs make: one function per command, each
 * returning 0 or -errno with the kernel's extack left in ksvc_nl_extack().
 * ksvc_nl_open() must have succeeded.
 */
#ifndef KSVCCTL_SVC_REQ_H
#define KSVCCTL_SVC_REQ_H

#include "model.h"
#include "nl_batch.h"
#include "nl_svc.h"

/* SVC_GET doit.  @out may be NULL (existence check); -ENOENT if absent. */
int req_svc_get(const char *ns, const char *name, struct wire_svc *out);
/* SVC_NEW or SVC_SET (@cmd) of a whole service. */
int req_svc_put(const struct m_service *s, uint8_t cmd);
int req_svc_del(const char *ns, const char *name);
/* KSVC_CMD_FLUSH: every service of this network namespace goes. */
int req_flush(void);

/* SVC_GET dump of @ns (NULL: all); @cb owns each decoded service. */
typedef int (*svc_dump_cb)(struct wire_svc *s, void *arg);
int req_svc_dump(const char *ns, svc_dump_cb cb, void *arg);

/* Every service of @ns (NULL: all) into *@out (free with svc_list_free). */
int req_svc_list(const char *ns, struct wire_svc **out, size_t *n);
void svc_list_free(struct wire_svc *v, size_t n);

/*
 * KSVC_CMD_BATCH of @ops (with @flags); on success *@res holds the
 * kernel's results (free() it).  On error ksvc_nl_err_offset() and
 * ksvc_batch_at() name the op at fault.
 */
int req_batch(struct batch_op *ops, size_t n, uint32_t flags,
	      struct batch_result **res, size_t *n_res);

#endif
