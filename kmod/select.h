/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Backend selection.  Everything that depends only on the backend set
 * (candidate lists, weights, Maglev tables) is computed when the set is
 * built, so choosing a backend for a new connection is O(1) (Maglev,
 * unweighted random) or O(log n) (weighted random).
 */
#ifndef _KSVC_SELECT_H
#define _KSVC_SELECT_H

#include "table.h"

int ksvc_beset_prepare(struct ksvc_beset *bes, const char *node, bool maglev,
		       const struct ksvc_beset *prev);
void ksvc_beset_unprepare(struct ksvc_beset *bes);
const struct ksvc_backend *ksvc_select(const struct ksvc_beset *bes,
				       bool local, u8 family, u32 hash);
bool ksvc_selectable(const struct ksvc_beset *bes, bool local,
		     const struct ksvc_backend *be);
u32 ksvc_maglev_size(u32 n);

#endif
