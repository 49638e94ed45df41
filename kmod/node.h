/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Node names of backends, interned: a cluster has a few thousand nodes but
 * may have millions of endpoints, so a backend holds a counted reference
 * to one shared copy of its node's name instead of the name itself.
 */
#ifndef _KSVC_NODE_H
#define _KSVC_NODE_H

#include <linux/err.h>

struct ksvc_node;

/* Process context.  NULL for "", an ERR_PTR on allocation failure. */
struct ksvc_node *ksvc_node_get(const char *name);
struct ksvc_node *ksvc_node_hold(struct ksvc_node *n);
/* Any context, RCU callbacks included; NULL is ignored. */
void ksvc_node_put(struct ksvc_node *n);
const char *ksvc_node_name(const struct ksvc_node *n);
void ksvc_node_exit(void);

#endif
