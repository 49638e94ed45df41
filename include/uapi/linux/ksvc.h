/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * ksvc: Kubernetes Services in the kernel -- generic netlink contract.
 *
 * Family name "ksvc" (KSVC_GENL_NAME), version 1 (KSVC_GENL_VERSION).
 * The family autoloads: requesting it loads ksvc.ko.
 *
 * Every table is per network namespace: a socket in one netns sees and
 * changes only that netns's services.  Commands that change state need
 * CAP_NET_ADMIN in the user namespace owning the netns; others fail with
 * EPERM.  Errors carry an extended-ACK message naming the attribute or the
 * service at fault.
 *
 * Byte order: integers are host order, except addresses (network order,
 * raw 4 or 16 bytes).  Strings are NUL terminated.  Counters are u64.
 *
 * Commands
 * --------
 * KSVC_CMD_SVC_NEW      (admin)  create a service.
 *     in:  KSVC_A_SERVICE (nest, see "Service" below); NAMESPACE, NAME,
 *          TYPE and at least one PORT are required.  Backend sets follow
 *          as KSVC_A_BACKENDS chunks (see "Backends"); a port that no chunk
 *          names starts with no backends.
 *     err: EEXIST  a service of that namespace/name exists, or another
 *                  service holds one of its address:port or nodePort
 *                  frontends (extack names the holder);
 *          ENOSPC  max_services or max_backends reached.
 *
 * KSVC_CMD_SVC_SET      (admin)  replace an existing service.
 *     in:  as SVC_NEW.  A port that no KSVC_A_BACKENDS chunk names keeps
 *          the backends of the old port with the same protocol and port;
 *          a chunk with no entries means "no backends".  Counters of ports
 *          and backends that remain are kept.
 *          Frontends that both versions have are swapped atomically, so a
 *          packet never misses them during the update.
 *     err: ENOENT no such service; otherwise as SVC_NEW.
 *
 * KSVC_CMD_SVC_DEL      (admin)  delete one service.
 *     in:  KSVC_A_SERVICE with NAMESPACE and NAME.   err: ENOENT.
 *
 * KSVC_CMD_SVC_GET      get one service (doit: NAMESPACE and NAME) or dump
 *     all (NLM_F_DUMP; an optional KSVC_A_SERVICE with only NAMESPACE
 *     limits the dump to that namespace).  Dumps are resumable.
 *     out: one service per message: KSVC_A_SERVICE with the read-only
 *          attributes and KSVC_*_A_STATS, then its KSVC_A_BACKENDS chunks.
 *          A dump leaves out the chunks of a service too large for one
 *          dump message (KSVC_PORT_A_NR_BACKENDS still counts them); a
 *          doit GET of that service sizes its reply to hold them all.
 *
 * KSVC_CMD_BACKENDS_SET (admin)  replace the whole backend set of one or
 *     more ports of a service, in one step.
 *     in:  KSVC_A_SERVICE with NAMESPACE and NAME, and KSVC_A_BACKENDS
 *          chunks: every port a chunk names gets the new set (a chunk with
 *          no entries empties it); other ports keep theirs.  All ports
 *          change in one step; readers see the old set or the new one,
 *          never a mix.  Counters of backends present in both sets (same
 *          address and port) are kept.
 *     err: ENOENT no such service or port.
 *
 * KSVC_CMD_FLUSH        (admin)  delete all services of this netns.
 *     in:  optionally KSVC_A_SERVICE with only NAMESPACE: flush that
 *          Kubernetes namespace only.
 *
 * KSVC_CMD_BATCH        (admin)  several changes as one transaction.
 *     in:  any number of KSVC_A_SERVICE nests, each followed by its
 *          KSVC_A_BACKENDS chunks, each with KSVC_SVC_A_OP (absent =
 *          APPLY); optionally KSVC_A_BATCH_FLAGS.  Every change is checked
 *          against the state the earlier ones leave; then all take effect
 *          at once (a generation flip: a packet sees the old state or the
 *          new one, never a mix), or, on the first error, none does.
 *          A later change to the same service replaces an earlier one.
 *     out: a KSVC_CMD_BATCH reply with one KSVC_A_RESULT per service, in
 *          order; with KSVC_BATCH_F_DRY_RUN everything is checked and the
 *          results reported, and nothing is changed.
 *     err: the first failing change's errno; extack names its service.
 *
 * KSVC_CMD_SVC_NEW, SVC_SET, SVC_DEL and BACKENDS_SET are batches of one
 * change with the op CREATE, REPLACE, DELETE and BACKENDS.
 *
 * KSVC_CMD_CONFIG_GET   read KSVC_A_CONFIG.
 * KSVC_CMD_CONFIG_SET   (admin)  change KSVC_A_CONFIG; absent attributes
 *     keep their value.  err: EINVAL for NODEPORT_MIN > NODEPORT_MAX.
 *
 * Attribute tree
 * --------------
 * KSVC_A_SERVICE                 nest
 *   KSVC_SVC_A_NAMESPACE         string, 1..63 chars (Kubernetes namespace)
 *   KSVC_SVC_A_NAME              string, 1..63 chars (DNS-1035 label)
 *   KSVC_SVC_A_TYPE              u8, enum ksvc_svc_type
 *   KSVC_SVC_A_FLAGS             u32, KSVC_SVC_F_*; unknown bits: EOPNOTSUPP.
 *                                0 = ordinary ClusterIP semantics.
 *   KSVC_SVC_A_SCHED             u8, enum ksvc_sched; 0/absent = random
 *   KSVC_SVC_A_AFFINITY_TIMEOUT  u32, seconds, 1..86400; only meaningful
 *                                with KSVC_SVC_F_AFFINITY; absent = 10800
 *   KSVC_SVC_A_ADDRS             nest of KSVC_ADDR_A_ENTRY (at most 64)
 *     KSVC_ADDR_A_ENTRY          nest
 *       KSVC_ADDR_A_KIND         u8, enum ksvc_addr_kind
 *       KSVC_ADDR_A_IN           4 bytes, IPv4 address  } exactly one
 *       KSVC_ADDR_A_IN6          16 bytes, IPv6 address }
 *                                A CLUSTER address of all zeros asks for
 *                                one: the service's current one of that
 *                                family, else a free one from the service
 *                                CIDR.  An explicit CLUSTER address must
 *                                lie in the CIDR of its family (if one is
 *                                configured) and be no other service's:
 *                                EINVAL / EEXIST.
 *   KSVC_SVC_A_PORTS             nest of KSVC_PORT_A_ENTRY (1..64)
 *     KSVC_PORT_A_ENTRY          nest
 *       KSVC_PORT_A_NAME         string, 0..63 chars ("" = unnamed)
 *       KSVC_PORT_A_PROTO        u8, IPPROTO_TCP, IPPROTO_UDP or IPPROTO_SCTP
 *       KSVC_PORT_A_PORT         u16, 1..65535, the service port
 *       KSVC_PORT_A_NODE_PORT    u16, inside the configured NodePort
 *                                range; only for NODE_PORT and
 *                                LOAD_BALANCER services, where 0 or absent
 *                                means: this port's current nodePort, else
 *                                a free one from the range.  Taken by
 *                                another service: EEXIST.
 *       KSVC_PORT_A_TARGET_PORT  u16, informational (backends carry their
 *                                own port); 0 = same as PORT
 *       KSVC_PORT_A_STATS        nest, read only (see Stats)
 *       KSVC_PORT_A_NR_BACKENDS  u32, read only: backends in the set
 *   KSVC_SVC_A_CREATED           u64, read only: creation time, ns since
 *                                the Unix epoch (CLOCK_REALTIME)
 *   KSVC_SVC_A_OP                u8, enum ksvc_op, KSVC_CMD_BATCH only:
 *                                CREATE fails with EEXIST if the service
 *                                exists, REPLACE and DELETE with ENOENT if
 *                                not; APPLY creates or replaces; BACKENDS
 *                                replaces only the sets its chunks name
 *   KSVC_SVC_A_PAD               padding for 64-bit attributes
 *
 * Backends
 * --------
 * An attribute's length is 16 bits, so one nest holds at most 64 KiB
 * (about 1000 backends).  Backend sets therefore travel as top-level
 * KSVC_A_BACKENDS chunks, as many as needed, after KSVC_A_SERVICE; the
 * set of a port is the union of the entries of every chunk naming it.
 * Duplicate backends (same address and port) are refused.
 *
 * KSVC_A_BACKENDS                nest, may repeat
 *   KSVC_BES_A_PROTO             u8, the service port's protocol  } required
 *   KSVC_BES_A_PORT              u16, the service port            }
 *   KSVC_BES_A_ENTRY             nest, one backend; may repeat
 *     KSVC_BE_A_IN               4 bytes  } exactly one; its family must
 *     KSVC_BE_A_IN6              16 bytes } match a cluster address's
 *     KSVC_BE_A_PORT             u16, 1..65535, the pod (target) port
 *     KSVC_BE_A_FLAGS            u32, KSVC_BE_F_* conditions; 0 = not
 *                                ready, not serving, not terminating
 *     KSVC_BE_A_WEIGHT           u16, 1..65535 relative share; absent = 1
 *     KSVC_BE_A_NODE_NAME        string, 0..63 chars, EndpointSlice
 *                                nodeName; "" = unknown
 *     KSVC_BE_A_STATS            nest, read only (see Stats)
 * A set holds at most max_backends (module parameter) entries: ENOSPC.
 *
 * Stats (KSVC_BE_A_STATS, KSVC_PORT_A_STATS), all u64, summed over CPUs:
 *   KSVC_STATS_A_CONNS           new connections
 *   KSVC_STATS_A_PACKETS         packets
 *   KSVC_STATS_A_BYTES           bytes (IP header included)
 * A port's stats are the sum of its backends' and of those its backends
 * had when they left the set (packets still in flight to a backend as it
 * leaves may be missing from the port's sum).
 *
 * KSVC_A_BATCH_FLAGS             u32, KSVC_BATCH_F_*; unknown: EOPNOTSUPP
 *
 * KSVC_A_RESULT                  nest, in KSVC_CMD_BATCH replies
 *   KSVC_RES_A_NAMESPACE         string
 *   KSVC_RES_A_NAME              string
 *   KSVC_RES_A_RESULT            u8, enum ksvc_result: UNCHANGED when an
 *                                APPLY or BACKENDS found nothing to change
 *
 * KSVC_A_CONFIG                  nest
 *   KSVC_CFG_A_NODEPORT_MIN      u16, 1..65535, default 30000
 *   KSVC_CFG_A_NODEPORT_MAX      u16, 1..65535, default 32767
 *   KSVC_CFG_A_NODE_NAME         string, 0..63 chars, this node's name for
 *                                matching KSVC_BE_A_NODE_NAME; "" = unset
 *   KSVC_CFG_A_NODE_ADDRS        nest of KSVC_ADDR_A_ENTRY (0..64): the
 *                                addresses NodePorts answer on; KIND is
 *                                ignored; no entries = every local address
 *                                except loopback
 *   KSVC_CFG_A_FLAGS             u32, KSVC_CFG_F_*; 0 = defaults
 *   KSVC_CFG_A_SERVICE_CIDRS     nest of KSVC_ADDR_A_ENTRY (0..2, one per
 *                                family) with KSVC_ADDR_A_PREFIX: where
 *                                ClusterIPs come from; default
 *                                10.96.0.0/12 and no IPv6 range
 *   KSVC_CFG_A_MAX_SERVICES      u32, read only: module parameter
 *   KSVC_CFG_A_MAX_BACKENDS      u32, read only: module parameter, per port
 *   KSVC_CFG_A_NR_SERVICES       u32, read only: services in this netns
 */
#ifndef _UAPI_LINUX_KSVC_H
#define _UAPI_LINUX_KSVC_H

#define KSVC_GENL_NAME		"ksvc"
#define KSVC_GENL_VERSION	1

#define KSVC_NAME_MAX		64	/* buffer size: 63 chars + NUL */
#define KSVC_MAX_ADDRS		64
#define KSVC_MAX_PORTS		64

enum ksvc_cmd {
	KSVC_CMD_UNSPEC,
	KSVC_CMD_SVC_NEW,
	KSVC_CMD_SVC_SET,
	KSVC_CMD_SVC_DEL,
	KSVC_CMD_SVC_GET,
	KSVC_CMD_BACKENDS_SET,
	KSVC_CMD_FLUSH,
	KSVC_CMD_CONFIG_GET,
	KSVC_CMD_CONFIG_SET,
	KSVC_CMD_BATCH,
	__KSVC_CMD_MAX
};
#define KSVC_CMD_MAX (__KSVC_CMD_MAX - 1)

enum ksvc_attr {
	KSVC_A_UNSPEC,
	KSVC_A_SERVICE,
	KSVC_A_CONFIG,
	KSVC_A_BACKENDS,
	KSVC_A_BATCH_FLAGS,
	KSVC_A_RESULT,
	__KSVC_A_MAX
};
#define KSVC_A_MAX (__KSVC_A_MAX - 1)

enum ksvc_svc_type {
	KSVC_SVC_TYPE_UNSPEC,
	KSVC_SVC_TYPE_CLUSTER_IP,
	KSVC_SVC_TYPE_NODE_PORT,
	KSVC_SVC_TYPE_LOAD_BALANCER,
	__KSVC_SVC_TYPE_MAX
};
#define KSVC_SVC_TYPE_MAX (__KSVC_SVC_TYPE_MAX - 1)

enum ksvc_svc_flags {
	KSVC_SVC_F_HEADLESS	= 1U << 0, /* clusterIP: None; not proxied */
	KSVC_SVC_F_AFFINITY	= 1U << 1, /* sessionAffinity: ClientIP */
	KSVC_SVC_F_ETP_LOCAL	= 1U << 2, /* externalTrafficPolicy: Local */
	KSVC_SVC_F_ITP_LOCAL	= 1U << 3, /* internalTrafficPolicy: Local */
	KSVC_SVC_F_DROP		= 1U << 4, /* no endpoint: drop, not reject */
	KSVC_SVC_F_ALL		= (1U << 5) - 1
};

enum ksvc_sched {
	KSVC_SCHED_RANDOM,	/* 0: uniform (weighted) random, as kube-proxy */
	KSVC_SCHED_MAGLEV,	/* Maglev consistent hashing */
	__KSVC_SCHED_MAX
};
#define KSVC_SCHED_MAX (__KSVC_SCHED_MAX - 1)

enum ksvc_svc_attr {
	KSVC_SVC_A_UNSPEC,
	KSVC_SVC_A_PAD,
	KSVC_SVC_A_NAMESPACE,
	KSVC_SVC_A_NAME,
	KSVC_SVC_A_TYPE,
	KSVC_SVC_A_FLAGS,
	KSVC_SVC_A_SCHED,
	KSVC_SVC_A_AFFINITY_TIMEOUT,
	KSVC_SVC_A_ADDRS,
	KSVC_SVC_A_PORTS,
	KSVC_SVC_A_CREATED,
	KSVC_SVC_A_OP,
	__KSVC_SVC_A_MAX
};
#define KSVC_SVC_A_MAX (__KSVC_SVC_A_MAX - 1)

enum ksvc_op {
	KSVC_OP_UNSPEC,
	KSVC_OP_CREATE,
	KSVC_OP_REPLACE,
	KSVC_OP_APPLY,
	KSVC_OP_DELETE,
	KSVC_OP_BACKENDS,
	__KSVC_OP_MAX
};
#define KSVC_OP_MAX (__KSVC_OP_MAX - 1)

enum ksvc_result {
	KSVC_RESULT_UNSPEC,
	KSVC_RESULT_CREATED,
	KSVC_RESULT_CONFIGURED,
	KSVC_RESULT_UNCHANGED,
	KSVC_RESULT_DELETED,
	__KSVC_RESULT_MAX
};
#define KSVC_RESULT_MAX (__KSVC_RESULT_MAX - 1)

enum ksvc_batch_flags {
	KSVC_BATCH_F_DRY_RUN	= 1U << 0, /* check and report, change nothing */
	KSVC_BATCH_F_ALL	= (1U << 1) - 1
};

enum ksvc_res_attr {
	KSVC_RES_A_UNSPEC,
	KSVC_RES_A_NAMESPACE,
	KSVC_RES_A_NAME,
	KSVC_RES_A_RESULT,
	__KSVC_RES_A_MAX
};
#define KSVC_RES_A_MAX (__KSVC_RES_A_MAX - 1)

enum ksvc_addr_kind {
	KSVC_ADDR_KIND_UNSPEC,
	KSVC_ADDR_KIND_CLUSTER,		/* spec.clusterIPs */
	KSVC_ADDR_KIND_EXTERNAL,	/* spec.externalIPs */
	KSVC_ADDR_KIND_LB_INGRESS,	/* status.loadBalancer.ingress[].ip */
	__KSVC_ADDR_KIND_MAX
};
#define KSVC_ADDR_KIND_MAX (__KSVC_ADDR_KIND_MAX - 1)

enum ksvc_list_attr {		/* the one member of every list nest */
	KSVC_LIST_A_UNSPEC,
	KSVC_LIST_A_ENTRY,
	__KSVC_LIST_A_MAX
};
#define KSVC_LIST_A_MAX (__KSVC_LIST_A_MAX - 1)
#define KSVC_ADDR_A_ENTRY	KSVC_LIST_A_ENTRY
#define KSVC_PORT_A_ENTRY	KSVC_LIST_A_ENTRY

enum ksvc_addr_attr {
	KSVC_ADDR_A_UNSPEC,
	KSVC_ADDR_A_KIND,
	KSVC_ADDR_A_IN,
	KSVC_ADDR_A_IN6,
	KSVC_ADDR_A_PREFIX,	/* u8, prefix length: CIDRs only */
	__KSVC_ADDR_A_MAX
};
#define KSVC_ADDR_A_MAX (__KSVC_ADDR_A_MAX - 1)

enum ksvc_port_attr {
	KSVC_PORT_A_UNSPEC,
	KSVC_PORT_A_NAME,
	KSVC_PORT_A_PROTO,
	KSVC_PORT_A_PORT,
	KSVC_PORT_A_NODE_PORT,
	KSVC_PORT_A_TARGET_PORT,
	KSVC_PORT_A_STATS,
	KSVC_PORT_A_NR_BACKENDS,
	__KSVC_PORT_A_MAX
};
#define KSVC_PORT_A_MAX (__KSVC_PORT_A_MAX - 1)

enum ksvc_bes_attr {		/* a KSVC_A_BACKENDS chunk */
	KSVC_BES_A_UNSPEC,
	KSVC_BES_A_ENTRY,	/* == KSVC_LIST_A_ENTRY */
	KSVC_BES_A_PROTO,
	KSVC_BES_A_PORT,
	__KSVC_BES_A_MAX
};
#define KSVC_BES_A_MAX (__KSVC_BES_A_MAX - 1)

enum ksvc_be_flags {
	KSVC_BE_F_READY		= 1U << 0, /* conditions.ready */
	KSVC_BE_F_SERVING	= 1U << 1, /* conditions.serving */
	KSVC_BE_F_TERMINATING	= 1U << 2, /* conditions.terminating */
	KSVC_BE_F_ALL		= (1U << 3) - 1
};

enum ksvc_be_attr {
	KSVC_BE_A_UNSPEC,
	KSVC_BE_A_IN,
	KSVC_BE_A_IN6,
	KSVC_BE_A_PORT,
	KSVC_BE_A_FLAGS,
	KSVC_BE_A_WEIGHT,
	KSVC_BE_A_NODE_NAME,
	KSVC_BE_A_STATS,
	__KSVC_BE_A_MAX
};
#define KSVC_BE_A_MAX (__KSVC_BE_A_MAX - 1)

enum ksvc_stats_attr {
	KSVC_STATS_A_UNSPEC,
	KSVC_STATS_A_PAD,
	KSVC_STATS_A_CONNS,
	KSVC_STATS_A_PACKETS,
	KSVC_STATS_A_BYTES,
	__KSVC_STATS_A_MAX
};
#define KSVC_STATS_A_MAX (__KSVC_STATS_A_MAX - 1)

enum ksvc_cfg_flags {
	KSVC_CFG_F_DROP_NO_ENDPOINT = 1U << 0, /* drop instead of ICMP reject */
	KSVC_CFG_F_ALL		= (1U << 1) - 1
};

enum ksvc_cfg_attr {
	KSVC_CFG_A_UNSPEC,
	KSVC_CFG_A_NODEPORT_MIN,
	KSVC_CFG_A_NODEPORT_MAX,
	KSVC_CFG_A_NODE_NAME,
	KSVC_CFG_A_NODE_ADDRS,
	KSVC_CFG_A_FLAGS,
	KSVC_CFG_A_MAX_SERVICES,
	KSVC_CFG_A_MAX_BACKENDS,
	KSVC_CFG_A_NR_SERVICES,
	KSVC_CFG_A_SERVICE_CIDRS,
	__KSVC_CFG_A_MAX
};
#define KSVC_CFG_A_MAX (__KSVC_CFG_A_MAX - 1)

#endif /* _UAPI_LINUX_KSVC_H */
