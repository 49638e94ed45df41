/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the front-half unit tests (YAML -> model -> checks).
 * Include after <cmocka.h>'s prerequisites; each test file includes this.
 */
#ifndef KSVC_FRONT_UTIL_H
#define KSVC_FRONT_UTIL_H

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "diag.h"
#include "load.h"
#include "model.h"
#include "model_util.h"
#include "resolve.h"
#include "validate.h"
#include "yaml_read.h"

#ifndef DATA_DIR
#define DATA_DIR "data"
#endif

/* A model and the messages produced while building it. */
struct fx {
	struct model m;
	struct diag d;
};

static inline void fx_init(struct fx *f)
{
	memset(&f->m, 0, sizeof(f->m));
	diag_init(&f->d, NULL);
}

static inline void fx_free(struct fx *f)
{
	model_free(&f->m);
	diag_free(&f->d);
}

/* Read @yaml as file "t.yaml"; returns yaml_read_buf()'s result. */
static inline int fx_read(struct fx *f, const char *yaml)
{
	return yaml_read_buf("t.yaml", yaml, strlen(yaml), &f->m, &f->d);
}

/* Read, then validate with the default NodePort range. */
static inline int fx_check(struct fx *f, const char *yaml)
{
	int r = fx_read(f, yaml);

	if (validate_model(&f->m, &f->d, NODEPORT_MIN_DEFAULT,
			   NODEPORT_MAX_DEFAULT) < 0)
		r = -1;
	return r;
}

static inline void fx_dump(const struct fx *f)
{
	for (size_t i = 0; i < f->d.n_msgs; i++)
		print_message("  msg: %s\n", f->d.msgs[i]);
}

/* The exact message must have been reported. */
#define assert_msg(f, s)						\
	do {								\
		if (!diag_has(&(f)->d, (s))) {				\
			fx_dump(f);					\
			fail_msg("missing message: %s", (s));		\
		}							\
	} while (0)

/* Exactly one error, and it is @s. */
#define assert_only_error(f, s)						\
	do {								\
		if ((f)->d.errors != 1)					\
			fx_dump(f);					\
		assert_int_equal((f)->d.errors, 1);			\
		assert_msg(f, s);					\
	} while (0)

#define assert_no_errors(f)						\
	do {								\
		if ((f)->d.errors)					\
			fx_dump(f);					\
		assert_int_equal((f)->d.errors, 0);			\
	} while (0)

static inline char *read_data(const char *name, size_t *len)
{
	char path[512];
	FILE *fp;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", DATA_DIR, name);
	fp = fopen(path, "r");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc(n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	*len = n;
	return buf;
}

/* Read data file @name (as "data/<name>" in messages). */
static inline int fx_read_data(struct fx *f, const char *name)
{
	char label[256];
	size_t len;
	char *buf = read_data(name, &len);
	int r;

	snprintf(label, sizeof(label), "data/%s", name);
	r = yaml_read_buf(label, buf, len, &f->m, &f->d);
	free(buf);
	return r;
}

static inline struct m_addr ip(const char *s)
{
	struct m_addr a;

	assert_int_equal(parse_ip(s, &a), 0);
	return a;
}

static inline bool addr_is(const struct m_addr *a, const char *s)
{
	struct m_addr b = ip(s);

	return a->family == b.family && !memcmp(a->a, b.a, sizeof(a->a));
}

#endif
