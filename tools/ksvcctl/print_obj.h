/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "get services -o yaml|json": the kernel's services as Kubernetes
 * Service objects (a kind: List for a listing, as kubectl prints it),
 * which "ksvcctl apply -f" reads back.  print_obj.c builds the object
 * once, through struct obj_emit; print_yaml.c (libyaml's emitter) and
 * print_json.c write it out.
 */
#ifndef KSVCCTL_PRINT_OBJ_H
#define KSVCCTL_PRINT_OBJ_H

#include <stdbool.h>
#include <stdio.h>

#include "nl_svc.h"

enum obj_str {
	OBJ_PLAIN,	/* a string, quoted only where YAML needs it */
	OBJ_QUOTED,	/* always quoted in YAML (kubectl quotes timestamps) */
};

struct obj_emit {
	void (*map_start)(struct obj_emit *e);
	void (*map_end)(struct obj_emit *e);
	void (*seq_start)(struct obj_emit *e);
	void (*seq_end)(struct obj_emit *e);
	void (*key)(struct obj_emit *e, const char *k);
	void (*str)(struct obj_emit *e, const char *v, enum obj_str style);
	void (*num)(struct obj_emit *e, long long v);
	void *priv;
	int err;	/* 0, or the first error of the backend */
};

/*
 * @n services: one object if !@list, else a kind: List of them (kubectl
 * prints a List for every listing, even of one or none).
 */
void obj_emit_svcs(struct obj_emit *e, const struct wire_svc *v, size_t n,
		   bool list);

/* RFC 3339 in UTC of @ns since the epoch ("2024-05-01T10:00:00Z"). */
void rfc3339(uint64_t ns, char *buf, size_t len);

/* @s as a JSON string, quotes included. */
void print_json_string(FILE *f, const char *s);

/* The whole output; 0 or -1 (write or emitter error). */
int print_svcs_yaml(FILE *f, const struct wire_svc *v, size_t n, bool list);
int print_svcs_json(FILE *f, const struct wire_svc *v, size_t n, bool list);

#endif
