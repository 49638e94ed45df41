/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Health-check node ports: kube-proxy's ServiceHealthServer (pkg/proxy/
 * healthcheck/service_health.go).  A LoadBalancer Service with
 * externalTrafficPolicy: Local gets spec.healthCheckNodePort, and every
 * node answers HTTP there so the cloud's load balancer sends traffic
 * only to nodes with local endpoints.
 *
 * Each listener answers any path and method as kube-proxy does:
 *   200 if the service has local endpoints and the proxy is healthy
 *   (health_is_healthy(): /livez's rule), else 503;
 *   Content-Type: application/json
 *   X-Content-Type-Options: nosniff
 *   X-Load-Balancing-Endpoint-Weight: <local endpoints>
 * and kube-proxy's body, tab-indented as it writes it:
 *   {
 *   	"service": {
 *   		"namespace": "NS",
 *   		"name": "NAME"
 *   	},
 *   	"localEndpoints": N,
 *   	"serviceProxyHealthy": true
 *   }
 *
 * One thread (the sync loop) calls hcnode_*; each listener is served by
 * a thread of libmicrohttpd's.
 */
#ifndef KSVCD_HCNODE_H
#define KSVCD_HCNODE_H

#include <stddef.h>
#include <stdint.h>

struct health;

struct hcnode;	/* the set of listeners */

struct hc_service {
	const char *ns, *name;
	uint16_t port;		/* spec.healthCheckNodePort */
	int local_endpoints;	/* ready endpoints on this node */
};

struct hcnode *hcnode_new(void);

/*
 * serviceProxyHealthy and the 503 when false come from @proxy (NULL:
 * always healthy).  Set it before the first hcnode_sync(); it must
 * outlive @h.
 */
void hcnode_set_health(struct hcnode *h, struct health *proxy);

/*
 * Listen on these node addresses (kube-proxy's --nodeport-addresses
 * resolved to IPs: "10.0.0.5", "fd00::5") instead of every address of
 * both families.  n == 0: every address again.  Every listener is closed
 * here and reopened by the next hcnode_sync().  0, or -EINVAL for an
 * address that is not an IP (nothing changed then).
 */
int hcnode_set_addresses(struct hcnode *h, const char *const *addrs,
			 size_t n);

/*
 * Make the listeners exactly these services': open the new ones, close
 * those gone or whose port changed, keep the others (their local
 * endpoints updated).  A listener that cannot be opened (its port taken)
 * is skipped, the rest still applied, and tried again at the next sync.
 * Returns 0, or the -errno of the first failure, described in @err.
 */
int hcnode_sync(struct hcnode *h, const struct hc_service *svcs, size_t n,
		char *err, size_t errlen);

/* Close every listener (their threads joined) and free; NULL is fine. */
void hcnode_free(struct hcnode *h);

#endif
