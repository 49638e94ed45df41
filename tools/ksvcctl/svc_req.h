/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The service requests the verbs make: one function per command, each
 * returning 0 or -errno with the kernel's extack left in ksvc_nl_extack().
 * ksvc_nl_open() must have succeeded.
 */
#ifndef KSVCCTL_SVC_REQ_H
#define KSVCCTL_SVC_REQ_H

#include "model.h"
#include "nl_svc.h"

/* SVC_GET doit.  @out may be NULL (existence check); -ENOENT if absent. */
int req_svc_get(const char *ns, const char *name, struct ksvc_svc *out);
/* SVC_NEW or SVC_SET (@cmd) of a whole service. */
int req_svc_put(const struct m_service *s, uint8_t cmd);
int req_svc_del(const char *ns, const char *name);

/* SVC_GET dump of @ns (NULL: all); @cb owns each decoded service. */
typedef int (*svc_dump_cb)(struct ksvc_svc *s, void *arg);
int req_svc_dump(const char *ns, svc_dump_cb cb, void *arg);

#endif
