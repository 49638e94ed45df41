/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The front half of ksvcctl in one call: files -> model, validated and
 * resolved, or nothing at all.
 */
#ifndef KSVCCTL_LOAD_H
#define KSVCCTL_LOAD_H

#include <stddef.h>
#include "diag.h"
#include "model.h"
#include "yaml_read.h"

// Read every path (file, directory of *.yaml/*.yml/*.json files sorted by name, or "-" for stdin),
// parse all documents, validate, and resolve endpoints into svc->backends.
// On any error: print every error to stderr (format below), free what was read, return -1;
// nothing may be sent to the kernel then. On success return 0; caller frees with model_free().
// ("//" because the text holds "/*".)  Errors: "file:line:col: error: field.path: ...".
// NodePorts are checked against the default range 30000-32767; see model_load_opts().
int model_load(char *const *paths, size_t n_paths, struct model *m);

struct load_opts {
	int nodeport_min, nodeport_max;	/* the kernel's range; 0 = default */
	struct diag *diag;		/* NULL: a private one, to stderr */
	enum yaml_unknown unknown;	/* --validate; 0 = strict */
	/*
	 * -n NS: objects without metadata.namespace are in @ns, and one
	 * naming another namespace is an error.  NULL: "default".
	 */
	const char *ns;
};

/* model_load() with the NodePort range and diagnostics chosen. */
int model_load_opts(char *const *paths, size_t n_paths, struct model *m,
		    const struct load_opts *o);

/*
 * -n @ns: objects without metadata.namespace are put in @ns; one naming
 * another is an error.  Before validation and before endpoints are joined
 * by namespace.
 */
void model_set_ns(struct model *m, struct diag *d, const char *ns);

/* Read one path (as model_load does) into @m without validating. */
int load_path(const char *path, struct model *m, struct diag *d);

#endif
