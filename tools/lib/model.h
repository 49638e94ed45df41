/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The model: what ksvcctl understood of the user's YAML, independent of
 * both YAML and netlink.  yaml_read.c fills it, validate.c checks it,
 * resolve.c joins Services with their endpoints, nl_*.c sends it.
 *
 * Every object and field that can be wrong remembers where it came from
 * (struct loc) so errors can name file:line:column.
 */
#ifndef KSVCCTL_MODEL_H
#define KSVCCTL_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

struct loc {
	const char *file;	/* not owned; "-" for stdin */
	int line, col;		/* 1-based, 0 = unknown */
};

struct m_addr {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t a[16];		/* network order; IPv4 uses a[0..3] */
};

struct m_label {
	char *key, *val;
};

enum m_svc_type {
	M_CLUSTER_IP = 1,	/* same numbers as enum ksvc_svc_type */
	M_NODE_PORT,
	M_LOAD_BALANCER,
	M_EXTERNAL_NAME,	/* read, reported, never sent to the kernel */
};

struct m_port {
	char *name;		/* "" when unnamed */
	int proto;		/* IPPROTO_TCP (default), _UDP, _SCTP */
	int port;		/* 1..65535 after validation */
	int node_port;		/* 0 = none / allocate */
	int target_port;	/* 0 = named or defaulted, see below */
	char *target_port_name;	/* named targetPort, or NULL */
	struct loc loc;		/* the "- port:" list item */
	struct loc port_loc, node_port_loc, target_port_loc;
	struct loc name_loc;	/* the "name:" key; line 0 = absent */
};

struct m_backend {
	struct m_addr addr;
	int port;
	uint32_t flags;		/* KSVC_BE_F_* */
	int weight;		/* 1 unless told otherwise */
	char *node_name;	/* may be NULL */
};

/* A service port once joined with its endpoints (resolve.c). */
struct m_port_backends {
	struct m_backend *be;
	size_t n;
	bool known;		/* false: no endpoint object named this service */
};

struct m_service {
	char *ns, *name;
	enum m_svc_type type;
	bool headless;		/* clusterIP: None */
	struct m_addr cluster_ips[2];
	size_t n_cluster_ips;
	int ip_families[2];	/* spec.ipFamilies: AF_INET/AF_INET6 */
	size_t n_ip_families;
	bool dual_stack;	/* ipFamilyPolicy Prefer/RequireDualStack */
	struct m_addr *external_ips;
	size_t n_external_ips;
	struct m_addr *lb_ingress;
	size_t n_lb_ingress;
	struct m_port *ports;
	size_t n_ports;
	struct m_label *selector;	/* NULL/0: no selector */
	size_t n_selector;
	bool affinity_client_ip;
	uint32_t affinity_timeout;	/* seconds, default 10800 */
	bool etp_local, itp_local;
	int health_check_node_port;	/* ksvcd serves it; 0: none */
	int sched;			/* KSVC_SCHED_*, from annotation */
	struct m_port_backends *backends;	/* n_ports entries, resolve.c */
	struct loc loc;			/* the document */
	char *external_name;		/* spec.externalName, or NULL */
	/*
	 * Where fields were written (the key), for validate.c's messages;
	 * line 0 = the field was absent.
	 */
	struct loc name_loc, ns_loc, type_loc, cluster_ip_loc, ports_loc;
	struct loc etp_loc, affinity_cfg_loc, timeout_loc;
	bool deleted;		/* from a watch event of type DELETED */
};

/* One endpoint of an EndpointSlice (or an Endpoints subset address). */
struct m_endpoint {
	struct m_addr *addrs;
	size_t n_addrs;
	int ready, serving, terminating;	/* -1 = absent (nil) */
	char *node_name;
	struct loc loc;
};

struct m_ep_port {
	char *name;		/* "" when unnamed */
	int proto;
	int port;
	struct loc loc;		/* the list item */
};

/*
 * kind: EndpointSlice and kind: Endpoints both become this.  An Endpoints
 * object becomes one slice per subset; notReadyAddresses become endpoints
 * with ready = 0.
 */
struct m_slice {
	char *ns, *name;
	char *service;		/* kubernetes.io/service-name, or Endpoints name */
	int family;		/* addressType; 0 = from Endpoints (either) */
	struct m_endpoint *eps;
	size_t n_eps;
	struct m_ep_port *ports;
	size_t n_ports;
	struct loc loc;
	struct loc name_loc, ns_loc;	/* line 0 = absent */
	bool deleted;		/* from a watch event of type DELETED */
};

struct m_pod_port {
	char *name;
	int port, proto;
};

struct m_pod {
	char *ns, *name;
	struct m_label *labels;
	size_t n_labels;
	struct m_addr *ips;
	size_t n_ips;
	bool ready;
	char *node_name;
	struct m_pod_port *ports;	/* containerPorts of all containers */
	size_t n_ports;
	struct loc loc;
	struct loc name_loc, ns_loc;	/* line 0 = absent */
	bool terminal;		/* status.phase Succeeded/Failed: no backend */
	bool terminating;	/* metadata.deletionTimestamp is set */
	bool deleted;		/* from a watch event of type DELETED */
};

/* Everything read from one invocation's inputs (-f may repeat). */
struct model {
	struct m_service *svcs;
	size_t n_svcs;
	struct m_slice *slices;
	size_t n_slices;
	struct m_pod *pods;
	size_t n_pods;
	char **files;		/* owned names that struct loc.file points to */
	size_t n_files;
};

void model_free(struct model *m);
/*
 * Free the EndpointSlices (and Endpoints) and Pods only: once the services
 * are resolved, nothing reads them; their locations' file names stay.
 */
void model_free_sources(struct model *m);

/* Move @from's objects (and file names) to the end of @to's; @from ends empty. */
void model_append(struct model *to, struct model *from);

#endif
