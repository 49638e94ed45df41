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

/*
 * Fill @s->backends from the @n_slices slices naming it; if there are
 * none and not @sliced, from the @n_pods pods its selector picks; if
 * neither, the ports' backends are unknown.  @sliced: slices are the
 * truth even when there are none now (ksvcctl watch, once a slice of the
 * service was seen: the last one's deletion means "no backends").
 */
void resolve_service(struct m_service *s, const struct m_slice *const *slices,
		     size_t n_slices, bool sliced, const struct m_pod *pods,
		     size_t n_pods);

/* Does @s's selector pick @p (every label equal; no selector: yes)? */
bool selector_matches(const struct m_service *s, const struct m_pod *p);

#endif
