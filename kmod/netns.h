/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSVC_NETNS_H
#define _KSVC_NETNS_H

#include <net/net_namespace.h>
#include "table.h"

struct ksvc_net *ksvc_pernet(const struct net *net);
int ksvc_netns_init(void);
void ksvc_netns_exit(void);

#endif
