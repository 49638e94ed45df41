/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksvcd: kube-proxy's job for ksvc.  Reflectors (reflector.c) list and
 * watch Services, EndpointSlices and this node's Node through the API
 * client (kube_http.c, kubeconfig.c); the sync loop (sync.c) keeps the
 * kernel equal to what they saw, through libksvc's cache and planner;
 * health.c and metrics.c serve kube-proxy's /healthz and /metrics.
 */
#ifndef KSVCD_H
#define KSVCD_H

#endif
