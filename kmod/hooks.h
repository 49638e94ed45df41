/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSVC_HOOKS_H
#define _KSVC_HOOKS_H

#include "table.h"

int ksvc_hooks_enable(struct net *net, struct ksvc_net *kn);
void ksvc_hooks_disable(struct net *net, struct ksvc_net *kn);
int ksvc_hooks_init(void);
void ksvc_hooks_exit(void);

#endif
