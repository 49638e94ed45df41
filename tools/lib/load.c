// SPDX-License-Identifier: GPL-2.0
/*
 * load.c: files, directories and stdin -> yaml_read -> validate -> resolve.
 * All or nothing: on any error the model is freed and -1 returned, so no
 * verb can send half of what the user meant.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "load.h"
#include "model_util.h"
#include "resolve.h"
#include "trace.h"
#include "validate.h"
#include "yaml_read.h"

#define LOAD_MAX_BYTES	(256u << 20)	/* bytes per file; far above any manifest */
#define MAP_MIN		(1u << 20)	/* smaller files are read, not mapped */

/* Read all of @f; NULL with errno set on failure. */
static char *read_all(FILE *f, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);

	if (!buf)
		m_oom();
	for (;;) {
		size_t got = fread(buf + n, 1, cap - n, f);

		n += got;
		if (n < cap) {
			if (ferror(f)) {
				free(buf);
				errno = EIO;
				return NULL;
			}
			break;
		}
		if (cap >= LOAD_MAX_BYTES) {
			free(buf);
			errno = EFBIG;
			return NULL;
		}
		cap *= 2;
		buf = realloc(buf, cap);
		if (!buf)
			m_oom();
	}
	*len = n;
	return buf;
}

static void io_error(struct diag *d, const char *path, const char *what)
{
	struct loc l = { path, 0, 0 };

	diag_error(d, &l, "%s: %s", what, strerror(errno));
}

static int load_stream(const char *name, FILE *f, struct model *m,
		       struct diag *d, enum yaml_unknown u)
{
	size_t len;
	char *buf = read_all(f, &len);
	int ret;

	if (!buf) {
		io_error(d, name, "cannot read");
		return -1;
	}
	ret = yaml_read_buf_mode(name, buf, len, m, d, u);
	free(buf);
	return ret;
}

static const char *mapped;	/* the file mapped now, for on_sigbus() */

static void say(const char *s)
{
	(void)!write(2, s, strlen(s));
}

/*
 * A mapped file that shrinks under us (truncated and rewritten while we
 * read it) raises SIGBUS where the pages went.  Nothing has been sent to
 * the kernel yet: say so and stop.
 */
static void on_sigbus(int sig)
{
	(void)sig;
	say("error: ");
	say(mapped);
	say(": the file shrank while it was being read; nothing was changed\n");
	_exit(1);
}

/*
 * Big files are mapped, not copied: copying 16 MB into a buffer costs a
 * page fault and a page to clear per 4 KiB, then the copy.  0: read it.
 */
static int load_mapped(const char *path, int fd, struct model *m,
		       struct diag *d, enum yaml_unknown u, int *ret)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	struct stat st;
	void *p;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size < MAP_MIN ||
	    st.st_size > LOAD_MAX_BYTES)
		return 0;
	p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	if (p == MAP_FAILED)
		return 0;
	mapped = path;
	sigaction(SIGBUS, &sa, &old);
	*ret = yaml_read_buf_mode(path, p, st.st_size, m, d, u);
	sigaction(SIGBUS, &old, NULL);
	munmap(p, st.st_size);
	return 1;
}

static int load_file(const char *path, struct model *m, struct diag *d,
		     enum yaml_unknown u)
{
	FILE *f = fopen(path, "r");
	int ret;

	if (!f) {
		io_error(d, path, "cannot open");
		return -1;
	}
	if (!load_mapped(path, fileno(f), m, d, u, &ret))
		ret = load_stream(path, f, m, d, u);
	fclose(f);
	return ret;
}

static bool manifest_name(const char *n)
{
	size_t l = strlen(n);

	return (l > 5 && !strcmp(n + l - 5, ".yaml")) ||
	       (l > 4 && !strcmp(n + l - 4, ".yml")) ||
	       (l > 5 && !strcmp(n + l - 5, ".json"));
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int want_entry(const struct dirent *e)
{
	return manifest_name(e->d_name);
}

/* Like kubectl -f DIR: the manifests directly in it, in name order. */
static int load_dir(const char *path, struct model *m, struct diag *d,
		    enum yaml_unknown u)
{
	struct dirent **ents;
	int n, ret = 0, used = 0;

	n = scandir(path, &ents, want_entry, by_name);
	if (n < 0) {
		io_error(d, path, "cannot read directory");
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char *p = m_xasprintf("%s/%s", path, ents[i]->d_name);
		struct stat st;

		if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
			used++;
			if (load_file(p, m, d, u) < 0)
				ret = -1;
		}
		free(p);
		free(ents[i]);
	}
	free(ents);
	if (!used) {
		struct loc l = { path, 0, 0 };

		diag_error(d, &l, "no *.yaml, *.yml or *.json files in this directory");
		return -1;
	}
	return ret;
}

static int load_path_mode(const char *path, struct model *m, struct diag *d,
			  enum yaml_unknown u)
{
	struct stat st;

	if (!strcmp(path, "-"))
		return load_stream("-", stdin, m, d, u);
	if (stat(path, &st) < 0) {
		io_error(d, path, "cannot open");
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return load_dir(path, m, d, u);
	return load_file(path, m, d, u);
}

int load_path(const char *path, struct model *m, struct diag *d)
{
	return load_path_mode(path, m, d, YAML_UNKNOWN_STRICT);
}

static void set_ns(struct diag *d, char **ns, const struct loc *ns_loc,
		   const struct loc *l, const char *want)
{
	if (!ns_loc->line) {
		free(*ns);
		*ns = m_xstrdup(want);
	} else if (strcmp(*ns, want)) {
		diag_error(d, ns_loc->line ? ns_loc : l,
			   "the namespace from the provided object \"%s\" does not match the namespace \"%s\". You must pass '--namespace=%s' to perform this operation.",
			   *ns, want, *ns);
	}
}

void model_set_ns(struct model *m, struct diag *d, const char *ns)
{
	size_t i;

	for (i = 0; i < m->n_svcs; i++)
		set_ns(d, &m->svcs[i].ns, &m->svcs[i].ns_loc, &m->svcs[i].loc, ns);
	for (i = 0; i < m->n_slices; i++)
		set_ns(d, &m->slices[i].ns, &m->slices[i].ns_loc,
		       &m->slices[i].loc, ns);
	for (i = 0; i < m->n_pods; i++)
		set_ns(d, &m->pods[i].ns, &m->pods[i].ns_loc, &m->pods[i].loc, ns);
}

struct check {
	struct model *m;
	struct diag *d;
	int np_min, np_max;
};

static void *validate_job(void *arg)
{
	struct check *c = arg;

	validate_model(c->m, c->d, c->np_min, c->np_max);
	return NULL;
}

/*
 * Validate, and resolve unless reading failed (@e0: the errors before).
 * The two run side by side: validating reads the model and writes only
 * @d, resolving writes only each service's backends, which validating
 * never reads, and says nothing.  A model that fails validation is freed
 * with its backends.
 */
static void check_model(struct model *m, struct diag *d, int e0, int np_min,
			int np_max)
{
	struct check c = { m, d, np_min, np_max };
	bool resolve = d->errors == e0;
	pthread_t t;

	if (!resolve || pthread_create(&t, NULL, validate_job, &c)) {
		validate_job(&c);
		if (resolve && d->errors == e0)
			resolve_model(m, d);
		return;
	}
	resolve_model(m, d);
	pthread_join(t, NULL);
}

int model_load_opts(char *const *paths, size_t n_paths, struct model *m,
		    const struct load_opts *o)
{
	int np_min = o && o->nodeport_min ? o->nodeport_min : NODEPORT_MIN_DEFAULT;
	int np_max = o && o->nodeport_max ? o->nodeport_max : NODEPORT_MAX_DEFAULT;
	struct diag own, *d = o && o->diag ? o->diag : &own;
	int e0, ret = 0;

	if (d == &own)
		diag_init(&own, stderr);
	e0 = d->errors;
	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < n_paths && !diag_full(d); i++)
		load_path_mode(paths[i], m, d, o ? o->unknown : YAML_UNKNOWN_STRICT);
	if (o && o->ns)
		model_set_ns(m, d, o->ns);
	trace_step("read");
	/* Objects with read errors are not in the model; check the rest too. */
	check_model(m, d, e0, np_min, np_max);
	trace_step("validate+resolve");
	if (d->errors != e0) {
		model_free(m);
		ret = -1;
	}
	if (d == &own)
		diag_free(&own);
	return ret;
}

int model_load(char *const *paths, size_t n_paths, struct model *m)
{
	return model_load_opts(paths, n_paths, m, NULL);
}
