/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KSVC_A_CONFIG both ways: a change for CONFIG_SET carries only the
 * attributes the user gave (the kernel keeps the others); a CONFIG_GET
 * reply becomes a struct wire_config.
 */
#ifndef KSVCCTL_NL_CFG_H
#define KSVCCTL_NL_CFG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <netlink/msg.h>
#include <linux/ksvc.h>

#include "nl_svc.h"

/* A service CIDR: where ClusterIPs of one family come from. */
struct wire_cidr {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t a[16];		/* network order, host bits clear */
	uint8_t len;		/* prefix length */
};

/* At most one service CIDR per family. */
#define KSVC_CFG_MAX_CIDRS	2

/* What the kernel holds (CONFIG_GET). */
struct wire_config {
	char node_name[KSVC_NAME_MAX];
	uint16_t np_min, np_max;
	uint32_t flags;
	uint32_t max_services, max_backends, nr_services;
	struct wire_addr addrs[KSVC_MAX_ADDRS];	/* kind unused */
	size_t n_addrs;
	bool has_cidrs;		/* false: the module did not say */
	struct wire_cidr cidrs[KSVC_CFG_MAX_CIDRS];
	size_t n_cidrs;
};

/* What CONFIG_SET should change; only the has_* parts are sent. */
struct wire_cfg_change {
	bool has_node_name, has_range, has_addrs, has_flags, has_cidrs;
	char node_name[KSVC_NAME_MAX];
	uint16_t np_min, np_max;
	struct wire_addr addrs[KSVC_MAX_ADDRS];	/* n_addrs == 0: "all" */
	size_t n_addrs;
	uint32_t flags_mask;	/* the KSVC_CFG_F_* bits the user set... */
	uint32_t flags_val;	/* ...to these values */
	struct wire_cidr cidrs[KSVC_CFG_MAX_CIDRS];	/* replace both families */
	size_t n_cidrs;
};

/* The flags to send: @cur (the kernel's) with @c's bits replaced. */
uint32_t ksvc_cfg_flags(const struct wire_cfg_change *c, uint32_t cur);

/*
 * Append KSVC_A_CONFIG with what @c changes; @flags is sent only if
 * c->has_flags.  An empty KSVC_CFG_A_NODE_ADDRS nest is kept (it means
 * "every local address").  KSVC_CFG_A_SERVICE_CIDRS, when given, carries
 * every family's range, so it replaces both.  0 or -EMSGSIZE.
 */
int ksvc_put_cfg(struct nl_msg *msg, const struct wire_cfg_change *c,
		 uint32_t flags);

/* Decode a CONFIG_GET reply: 0 or -EBADMSG. */
int ksvc_cfg_decode(struct nlmsghdr *nlh, struct wire_config *out);


/* Requests; ksvc_nl_open() must have succeeded.  0 or -errno. */
int req_cfg_get(struct wire_config *out);

/*
 * The kernel's NodePort range, so nodePorts are checked against it, not
 * the default one; *@min and *@max stay as they are if it cannot be read
 * (the kernel will say what is wrong, then).
 */
void req_nodeport_range(int *min, int *max);
int req_cfg_set(const struct wire_cfg_change *c, uint32_t flags);

#endif
