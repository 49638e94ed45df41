/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The frontend table of a network namespace: every linked ksvc_fe by its
 * key, in an rhltable, each entry visible to the generations in
 * [gen_add, gen_del).  The packet path looks keys up under
 * rcu_read_lock() only; writers hold ksvc_net.lock.  Which generation is
 * committed, and when entries are linked or ended, is txn.c's business.
 */
#ifndef _KSVC_FRONTEND_H
#define _KSVC_FRONTEND_H

#include "table.h"

/* gen_del of an entry no commit has ended. */
#define KSVC_GEN_NEVER	U32_MAX

int ksvc_fe_init(struct ksvc_net *kn);
void ksvc_fe_destroy(struct ksvc_net *kn);

const struct ksvc_port *ksvc_lookup(struct ksvc_net *kn,
				    const struct ksvc_fe_key *key, u8 *kind);

int ksvc_fe_link(struct ksvc_net *kn, struct ksvc_svc *svc);
void ksvc_fe_unlink(struct ksvc_net *kn, struct ksvc_svc *svc);
void ksvc_fe_end(struct ksvc_net *kn, struct ksvc_svc *svc, u32 gen);

bool ksvc_fe_taken(struct ksvc_net *kn, const struct ksvc_fe_key *key);
int ksvc_fe_check(struct ksvc_net *kn, const struct ksvc_svc *svc, u32 self,
		  struct netlink_ext_ack *extack);

#endif
