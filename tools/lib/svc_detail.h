/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A service with every backend the kernel holds for it (struct wire_svc
 * only counts them): what a SVC_GET reply carries, for "describe".
 */
#ifndef KSVC_LIB_SVC_DETAIL_H
#define KSVC_LIB_SVC_DETAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netlink/msg.h>

#include "nl_svc.h"

/* One KSVC_BES_A_ENTRY of a SVC_GET reply. */
struct wire_backend {
	size_t port_idx;		/* the service port: index in ports[] */
	int family;			/* AF_INET or AF_INET6 */
	uint8_t a[16];			/* network order */
	uint16_t port;			/* the pod (target) port */
	uint16_t weight;
	uint32_t flags;			/* KSVC_BE_F_* */
	char node[KSVC_NAME_MAX];	/* "" = unknown */
	struct wire_stats stats;
};

struct svc_detail {
	struct wire_svc svc;
	struct wire_backend *be;	/* in the order the kernel sent them */
	size_t n_be;
};

/*
 * Decode one SVC_GET reply with its backends: 0, -ENOMEM or -EBADMSG
 * (nothing left to free).  Release with svc_detail_free (idempotent).
 */
int svc_detail_decode(struct nlmsghdr *nlh, struct svc_detail *d);
void svc_detail_free(struct svc_detail *d);
/* True if some port counts more backends than @d holds (dump reply). */
bool svc_detail_partial(const struct svc_detail *d);

#endif
