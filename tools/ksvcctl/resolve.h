/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Join each Service port with its backends: from EndpointSlices/Endpoints
 * naming the Service, else from Pods its selector matches.
 */
#ifndef KSVCCTL_RESOLVE_H
#define KSVCCTL_RESOLVE_H

#include "diag.h"
#include "model.h"

/*
 * Fill svc->backends (n_ports entries) of every Service of @m, replacing
 * what was there.  Returns 0 (it finds nothing to refuse today; @d is for
 * warnings).
 */
int resolve_model(struct model *m, struct diag *d);

#endif
