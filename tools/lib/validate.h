/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Validation as the Kubernetes API server does it, with its messages.
 * The reader (yaml_read.c) calls the value checks it needs while it still
 * has the raw text (IP addresses, protocols); validate_model() checks what
 * the model holds once everything is read.
 */
#ifndef KSVCCTL_VALIDATE_H
#define KSVCCTL_VALIDATE_H

#include <stdbool.h>
#include "diag.h"
#include "model.h"

#define NODEPORT_MIN_DEFAULT	30000
#define NODEPORT_MAX_DEFAULT	32767

/* 0 and *a filled if @s is an IPv4 or IPv6 address, else -1. */
int parse_ip(const char *s, struct m_addr *a);

/* "TCP", "UDP", "SCTP" -> IPPROTO_*, else -1. */
int parse_proto(const char *s);
const char *proto_name(int proto);

/*
 * Name checks: NULL if @s is valid, else the reason, worded as the API
 * server words it.
 */
const char *check_dns1035_label(const char *s);
const char *check_dns1123_label(const char *s);
const char *check_dns1123_subdomain(const char *s);
const char *check_port_name(const char *s);	/* IANA_SVC_NAME */

/*
 * Check the whole model; report every problem to @d.  NodePorts must lie
 * in [@np_min, @np_max] (the kernel's configured range).
 * Returns 0 if nothing was wrong, -1 otherwise.
 */
int validate_model(const struct model *m, struct diag *d,
		   int np_min, int np_max);

#endif
