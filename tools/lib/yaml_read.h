/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kubernetes YAML (libyaml) or JSON (jansson) -> model.  Reads Service,
 * EndpointSlice, Endpoints, Pod and List; skips other kinds with a notice.
 */
#ifndef KSVCCTL_YAML_READ_H
#define KSVCCTL_YAML_READ_H

#include <stddef.h>

#include "diag.h"
#include "model.h"

#define YAML_MAX_DEPTH	64	/* nesting levels in one document */
#define YAML_MAX_ALIAS	100000	/* nodes that aliases may add by expansion */

/*
 * Parse every document of @buf (@len bytes; need not be NUL terminated),
 * naming it @name in messages, and append the objects read to @m.  An
 * object with any error is reported to @d and left out of @m.
 * Returns 0 if no error was reported, -1 otherwise.
 */
int yaml_read_buf(const char *name, const char *buf, size_t len,
		  struct model *m, struct diag *d);

/* kubectl --validate: what an unknown field is. */
enum yaml_unknown {
	YAML_UNKNOWN_STRICT,	/* an error: the object is not read */
	YAML_UNKNOWN_WARN,	/* a warning: the object is still read */
	YAML_UNKNOWN_IGNORE,	/* not checked */
};

/* yaml_read_buf() with unknown fields treated as @u says. */
int yaml_read_buf_mode(const char *name, const char *buf, size_t len,
		       struct model *m, struct diag *d, enum yaml_unknown u);

/*
 * ksvcctl watch: read one piece of a stream (@buf, @len: whole lines, the
 * first being line @line0, 0-based, of the stream named @name) into @m.
 * Watch events ({type, object}) are read too: a DELETED event's objects
 * come with ->deleted set; BOOKMARK gives nothing, ERROR a warning.
 * @name is not copied: it must outlive @m's objects.  0 or -1 as
 * yaml_read_buf().
 */
int yaml_read_doc(const char *name, const char *buf, size_t len, int line0,
		  struct model *m, struct diag *d, enum yaml_unknown u);

/*
 * ksvcd: one object from the API server, already parsed (@v is not
 * taken).  Messages are "@name: error: FIELD: ..." (no line: @name names
 * the object, as "Service default/web").  0 or -1 as yaml_read_buf().
 */
struct json_t;
int yaml_read_json(const char *name, struct json_t *v, struct model *m,
		   struct diag *d, enum yaml_unknown u);

#endif
