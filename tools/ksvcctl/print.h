/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output the way kubectl prints it, so scripts and eyes trained on
 * "kubectl get svc" read ksvcctl the same way.
 */
#ifndef KSVCCTL_PRINT_H
#define KSVCCTL_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "nl_svc.h"

/* Big enough for 64 IPv6 addresses or 64 "port:nodePort/PROTO" pieces. */
#define PRINT_FIELD_MAX	4096

/* k8s.io/apimachinery/pkg/util/duration.HumanDuration of @d_ns. */
void human_duration(int64_t d_ns, char *buf, size_t len);

/* Cells aligned as kubectl's tabwriter does: 3 spaces, min width 6. */
struct table {
	size_t ncols, nrows, cap;
	char **cells;		/* nrows * ncols, row-major, owned */
};

void table_init(struct table *t, size_t ncols);
int table_add(struct table *t, const char *const *row);
void table_print(const struct table *t, FILE *f);
void table_free(struct table *t);

/* The columns of "get services". */
const char *svc_type_str(const struct wire_svc *s);
void svc_cluster_ip(const struct wire_svc *s, char *buf, size_t len);
void svc_external_ip(const struct wire_svc *s, bool wide, char *buf,
		     size_t len);
void svc_ports(const struct wire_svc *s, char *buf, size_t len);
/* "TCP", "UDP", "SCTP", else the number in @buf. */
const char *svc_proto_str(uint8_t proto, char *buf, size_t len);
void svc_age(const struct wire_svc *s, int64_t now_ns, char *buf, size_t len);
size_t svc_endpoints(const struct wire_svc *s);
uint64_t svc_conns(const struct wire_svc *s);

struct wire_config;

/* "ksvcctl config view" output. */
void cfg_print(FILE *f, const struct wire_config *c);

#endif
