/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KSVC_A_SERVICE and KSVC_A_BACKENDS both ways: a model service becomes
 * what SVC_NEW/SVC_SET carry; a SVC_GET reply becomes a struct wire_svc,
 * which holds only what "get" prints (backends are counted, not kept).
 */
#ifndef KSVCCTL_NL_SVC_H
#define KSVCCTL_NL_SVC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netlink/msg.h>
#include <linux/ksvc.h>

#include "model.h"

struct wire_stats {
	uint64_t conns, packets, bytes;
};

struct wire_addr {
	uint8_t kind;		/* enum ksvc_addr_kind */
	int family;		/* AF_INET or AF_INET6 */
	uint8_t a[16];		/* network order */
};

struct wire_port {
	char name[KSVC_NAME_MAX];
	uint8_t proto;
	uint16_t port, node_port, target_port;
	size_t n_backends, n_ready;
	struct wire_stats stats;	/* the port's, else its backends' sum */
};

struct wire_svc {
	char ns[KSVC_NAME_MAX], name[KSVC_NAME_MAX];
	uint8_t type, sched;
	uint32_t flags, affinity_timeout;
	uint64_t created;		/* ns since the epoch, 0 = unknown */
	struct wire_addr *addrs;
	size_t n_addrs;
	struct wire_port *ports;
	size_t n_ports;
};

/*
 * Upper bound of the bytes ksvc_put_svc() adds for @s: the KSVC_A_SERVICE
 * nest and its KSVC_A_BACKENDS chunks (ksvc_backends_size() alone).
 */
size_t ksvc_svc_size(const struct m_service *s);
size_t ksvc_backends_size(const struct m_service *s);
/*
 * Append KSVC_A_SERVICE for SVC_NEW/SVC_SET, then the KSVC_A_BACKENDS
 * chunks of every port whose backends are known (ksvc_put_backends).
 * 0, or -EMSGSIZE (@msg too small), -E2BIG (a nest would pass 64 KiB:
 * netlink attribute lengths are 16 bits; the service nest holds no
 * backends, so this needs absurd input), -EINVAL (ExternalName: never
 * sent).
 */
int ksvc_put_svc(struct nl_msg *msg, const struct m_service *s);
/*
 * Append the top-level KSVC_A_BACKENDS chunks of @s (for SVC_NEW/SVC_SET
 * after KSVC_A_SERVICE, or BACKENDS_SET after ksvc_put_svc_key): per port
 * with known backends, at most 500 entries a chunk, and one chunk without
 * entries for a port known to have none.  Unknown ports get no chunk.
 */
int ksvc_put_backends(struct nl_msg *msg, const struct m_service *s);
/*
 * The all-zero CLUSTER addresses that ask the kernel to allocate, for a
 * non-headless service without clusterIPs: one of spec.ipFamilies[0]
 * (IPv4 by default), and one of ipFamilies[1] with a dual-stack policy.
 * Fills @out (room for 2) and returns how many.
 */
size_t ksvc_alloc_families(const struct m_service *s, struct m_addr *out);
/* Append KSVC_A_SERVICE with NAMESPACE and, unless NULL, NAME. */
int ksvc_put_svc_key(struct nl_msg *msg, const char *ns, const char *name);
/* The same for KSVC_CMD_BATCH, with KSVC_SVC_A_OP = @op (0: none). */
int ksvc_put_svc_op(struct nl_msg *msg, const struct m_service *s, uint8_t op);
int ksvc_put_svc_key_op(struct nl_msg *msg, const char *ns, const char *name,
			uint8_t op);

/*
 * Decode one SVC_GET reply: KSVC_A_SERVICE and the KSVC_A_BACKENDS chunks
 * that follow it (0, -ENOMEM or -EBADMSG); release with ksvc_svc_free.
 */
int ksvc_svc_decode(struct nlmsghdr *nlh, struct wire_svc *out);
/* A KSVC_A_*_STATS nest (absent counters are 0): 0 or -EBADMSG. */
int ksvc_stats_decode(struct nlattr *nest, struct wire_stats *st);
/*
 * The port a KSVC_A_BACKENDS chunk is for: its index in @s->ports, or
 * -EBADMSG.
 */
int ksvc_chunk_port(struct nlattr *chunk, const struct wire_svc *s);
void ksvc_svc_free(struct wire_svc *s);

#endif
