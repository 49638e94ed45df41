/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSVC_PREP_H
#define _KSVC_PREP_H

#include "netlink.h"

struct ksvc_prep;

bool ksvc_prep_worth(const struct nlattr *head, int len);
struct ksvc_prep *ksvc_prep_batch(const struct ksvc_cfg *cfg,
				  const struct nlattr *head, int len, bool help);
struct ksvc_svc *ksvc_prep_take(struct ksvc_prep *p, u32 i);
void ksvc_prep_free(struct ksvc_prep *p);

#endif
