/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kube-proxy's /healthz and /livez (its ProxyHealthServer, pkg/proxy/
 * healthcheck/proxy_health.go): the same rules, status codes, headers and
 * JSON, so probes, load balancers and tools written for kube-proxy keep
 * working.
 *
 * The rules (kube-proxy's, not a choice made here):
 *   - healthy until the first health_updated() (starting up), whatever
 *     was queued meanwhile;
 *   - after it, healthy unless a change queued by health_queued() has
 *     waited health_timeout_ms or more for the next health_updated();
 *     kube-proxy's timeout is 2 * its syncPeriod (60 s by default);
 *   - /healthz: 200 if healthy and the node is eligible, else 503;
 *     /livez ignores eligibility; any other path: 404.
 *
 * Thread-safe: the sync thread calls in while libmicrohttpd's thread
 * serves.  Also here: the HTTP plumbing that hcnode.c and metrics.c share.
 */
#ifndef KSVCD_HEALTH_H
#define KSVCD_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <microhttpd.h>

struct health;

/*
 * Serve on @bind_addr, Go's "host:port" as kube-proxy's flags take it
 * ("0.0.0.0:10256", "[::]:10256", ":10256"; a wildcard listens on IPv4
 * and IPv6 as Go does; port 0: any free port, see health_port()).  ""
 * or NULL: no server, the rest works.  NULL on error, described in @err.
 */
struct health *health_start(const char *bind_addr, long health_timeout_ms,
			    char *err, size_t errlen);
/* A change is waiting to be synced (kube-proxy's QueuedUpdate). */
void health_queued(struct health *h);
/* The kernel was synced (kube-proxy's Updated). */
void health_updated(struct health *h);
/*
 * False while the Node is being deleted or carries the taint
 * ToBeDeletedByClusterAutoscaler (kube-proxy's NodeEligible); true at
 * start, as kube-proxy starts.
 */
void health_set_node_eligible(struct health *h, bool eligible);
/* The proxier's health alone, eligibility ignored (what /livez says). */
bool health_is_healthy(struct health *h);
/* The port served, 0 if none. */
int health_port(const struct health *h);
/* Stop serving (the server thread is joined) and free; NULL is fine. */
void health_stop(struct health *h);

/* ---- HTTP plumbing shared by health.c, hcnode.c and metrics.c ---- */

/*
 * A listening TCP socket on @bind_addr (Go syntax, as above); its port
 * in *@port if @port.  Returns the socket or -errno, described in @err.
 */
int httpd_listen(const char *bind_addr, int *port, char *err, size_t errlen);

/*
 * Serve @fd with @fn(@arg, ...) on a thread of libmicrohttpd's own.  The
 * daemon owns @fd from here, even when this fails (NULL).
 */
struct MHD_Daemon *httpd_start(int fd, MHD_AccessHandlerCallback fn,
			       void *arg);

/*
 * For handlers: false until the whole request is in.  libmicrohttpd
 * calls a handler with the headers, then with each piece of the body,
 * then once more; an answer queued before that last call closes the
 * connection instead of keeping it alive as Go's server would.
 */
bool httpd_request_done(void **req, size_t *upload_len);

/*
 * Answer @c: @status, @body (malloc'd, @len bytes; taken over, freed
 * even on failure) and the headers @hdrs (NULL-terminated name, value,
 * name, value...; may be NULL).  For a handler to return.
 */
enum MHD_Result httpd_reply(struct MHD_Connection *c, unsigned int status,
			    char *body, size_t len, const char *const *hdrs);

/* Go's http.NotFound: 404 "404 page not found\n" as text. */
enum MHD_Result httpd_not_found(struct MHD_Connection *c);

#endif
