// SPDX-License-Identifier: GPL-2.0
/*
 * ksvcctl create: which failures are AlreadyExists and which are the
 * kernel's own words, and that create goes on after one and exits 1.
 *
 * cmd_create.c is linked with nl.c for the errno texts; the requests,
 * the YAML loader and main.c's helpers are faked here, and the linker
 * wraps ksvc_nl_open and ksvc_nl_extack (-Wl,--wrap) so that no socket
 * is opened and the fake kernel's extack is what create sees.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cmd.h"
#include "create.h"
#include "load.h"
#include "nl.h"
#include "svc_req.h"

/* ---- the fake kernel ---- */

static const char *existing[8];	/* names a SVC_GET finds */
static const char *extack;	/* of the last request */
static int misuse;		/* requests create must not make */

int __wrap_ksvc_nl_open(void)
{
	return 0;
}

const char *__wrap_ksvc_nl_extack(void)
{
	return extack;
}

static bool exists(const char *name)
{
	size_t i;

	for (i = 0; i < 8 && existing[i]; i++)
		if (!strcmp(existing[i], name))
			return true;
	return false;
}

int __wrap_req_svc_get(const char *ns, const char *name, struct wire_svc *out)
{
	(void)ns;
	misuse += out != NULL;	/* no asserts with stdout redirected */
	extack = NULL;		/* a new request forgets the last words */
	return exists(name) ? 0 : -ENOENT;
}

/* "clash" holds a frontend another service has; "full" hits ENOSPC. */
int __wrap_req_svc_put(const struct m_service *s, uint8_t cmd)
{
	misuse += cmd != KSVC_CMD_SVC_NEW;	/* never SVC_SET */
	extack = NULL;
	if (exists(s->name)) {
		extack = "service default/taken already exists";
		return -EEXIST;
	}
	if (!strcmp(s->name, "clash")) {
		extack = "10.96.0.10:80/TCP is held by service default/web";
		return -EEXIST;
	}
	if (!strcmp(s->name, "full"))
		return -ENOSPC;
	return 0;
}

/* --dry-run=server: one CREATE batch with the dry-run flag. */
static uint32_t batch_flags;

int __wrap_req_batch(struct batch_op *ops, size_t n, uint32_t flags,
	      struct batch_result **res, size_t *n_res)
{
	size_t i;

	batch_flags = flags;
	extack = NULL;
	*res = calloc(n, sizeof(**res));
	*n_res = n;
	for (i = 0; i < n; i++) {
		misuse += ops[i].op != KSVC_OP_CREATE;
		if (exists(ops[i].name)) {
			extack = "service default/taken already exists";
			free(*res);
			*res = NULL;
			*n_res = 0;
			return -EEXIST;
		}
		strcpy((*res)[i].ns, ops[i].ns);
		strcpy((*res)[i].name, ops[i].name);
		(*res)[i].result = KSVC_RESULT_CREATED;
	}
	return 0;
}

uint32_t __wrap_ksvc_nl_err_offset(void)
{
	return 0;
}

/* ---- the fake front half and main.c ---- */

static const char *const *load_names;

int __wrap_model_load_opts(char *const *paths, size_t n_paths, struct model *m,
		    const struct load_opts *o)
{
	size_t i, n = 0;

	(void)o;
	misuse += n_paths != 1 || strcmp(paths[0], "svc.yaml");
	while (load_names[n])
		n++;
	m->svcs = calloc(n, sizeof(*m->svcs));
	if (!m->svcs)
		return -1;
	for (i = 0; i < n; i++) {
		m->svcs[i].ns = "default";
		m->svcs[i].name = (char *)load_names[i];
		m->svcs[i].type = M_CLUSTER_IP;
	}
	m->n_svcs = n;
	return 0;
}

void __wrap_model_free(struct model *m)
{
	free(m->svcs);
	memset(m, 0, sizeof(*m));
}

int usage_error(const char *verb, const char *fmt, ...)
{
	(void)verb;
	(void)fmt;
	return 1;
}

int opt_error(const char *verb, char **argv, int opt)
{
	(void)verb;
	(void)argv;
	(void)opt;
	return 1;
}

/* ---- running the verb with stdout and stderr captured ---- */

struct run {
	int rc;
	char out[2048], err[2048];
};

static void slurp(FILE *f, char *buf, size_t len)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void run_create_with(const char *const *names, struct run *r,
			    char *dry)
{
	char *argv[] = { "create", "-f", "svc.yaml", dry, NULL };
	FILE *out = tmpfile(), *err = tmpfile();
	int so = dup(1), se = dup(2);

	assert_non_null(out);
	assert_non_null(err);
	load_names = names;
	fflush(stdout);
	fflush(stderr);
	dup2(fileno(out), 1);
	dup2(fileno(err), 2);
	r->rc = cmd_create(dry ? 4 : 3, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	assert_int_equal(misuse, 0);
	slurp(out, r->out, sizeof(r->out));
	slurp(err, r->err, sizeof(r->err));
}

static void run_create(const char *const *names, struct run *r)
{
	run_create_with(names, r, NULL);
}

static char *report(const char *name, int err, bool taken, const char *ext)
{
	static char buf[512];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	assert_non_null(f);
	create_report(f, "default", name, err, taken, ext);
	fclose(f);
	return buf;
}

static void test_report_already_exists(void **state)
{
	(void)state;
	assert_string_equal(report("myapp-service", -EEXIST, true,
				   "service default/myapp-service already exists"),
		"Error from server (AlreadyExists): services \"myapp-service\" already exists\n");
	/* The kernel's words count for nothing once the name is known taken. */
	assert_string_equal(report("a", -EEXIST, true, NULL),
		"Error from server (AlreadyExists): services \"a\" already exists\n");
}

static void test_report_kernel_words(void **state)
{
	(void)state;
	/* EEXIST for a frontend another service holds: the extack, as apply. */
	assert_string_equal(report("b", -EEXIST, false,
				   "10.96.0.10:80/TCP is held by service default/web"),
		"error: service default/b: 10.96.0.10:80/TCP is held by service default/web (File exists)\n");
	/* No extack: our words for the errno. */
	assert_string_equal(report("b", -ENOSPC, false, NULL),
		"error: service default/b: limit reached (max_services or max_backends of the ksvc module) (No space left on device)\n");
	assert_string_equal(report("b", -ENOSPC, true, NULL),
		"error: service default/b: limit reached (max_services or max_backends of the ksvc module) (No space left on device)\n");
	/* Neither: strerror alone. */
	assert_string_equal(report("b", -ETIMEDOUT, false, NULL),
		"error: service default/b: Connection timed out\n");
}

/* Every service new: all created, exit 0. */
static void test_create_all(void **state)
{
	static const char *const names[] = { "a", "b", NULL };
	struct run r;

	(void)state;
	existing[0] = NULL;
	run_create(names, &r);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "service/a created\nservice/b created\n");
	assert_string_equal(r.err, "");
}

/*
 * One exists, one clashes on an address, one hits a limit: each reported,
 * the others still created, exit 1 at the end.  The clash's extack must
 * survive the SVC_GET that tells it from a name clash.
 */
static void test_create_goes_on(void **state)
{
	static const char *const names[] = {
		"taken", "new-1", "clash", "full", "new-2", NULL,
	};
	struct run r;

	(void)state;
	existing[0] = "taken";
	existing[1] = NULL;
	run_create(names, &r);
	assert_int_equal(r.rc, 1);
	assert_string_equal(r.out, "service/new-1 created\nservice/new-2 created\n");
	assert_string_equal(r.err,
		"Error from server (AlreadyExists): services \"taken\" already exists\n"
		"error: service default/clash: 10.96.0.10:80/TCP is held by service default/web (File exists)\n"
		"error: service default/full: limit reached (max_services or max_backends of the ksvc module) (No space left on device)\n");
}

static void test_create_dry_run(void **state)
{
	static const char *const names[] = { "a", "b", NULL };
	static const char *const clash[] = { "a", "taken", NULL };
	struct run r;

	(void)state;
	existing[0] = "taken";
	existing[1] = NULL;
	run_create_with(names, &r, "--dry-run=server");
	assert_int_equal(r.rc, 0);
	assert_int_equal(batch_flags, KSVC_BATCH_F_DRY_RUN);
	assert_string_equal(r.out, "service/a created (server dry run)\n"
			    "service/b created (server dry run)\n");
	run_create_with(clash, &r, "--dry-run=server");
	assert_int_equal(r.rc, 1);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, "error: service default/taken already exists\n");
	batch_flags = 0;
	run_create_with(clash, &r, "--dry-run=client");
	assert_int_equal(r.rc, 0);
	assert_int_equal(batch_flags, 0);	/* the kernel was not asked */
	assert_string_equal(r.out, "service/a created (dry run)\n"
			    "service/taken created (dry run)\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_dry_run),
		cmocka_unit_test(test_report_already_exists),
		cmocka_unit_test(test_report_kernel_words),
		cmocka_unit_test(test_create_all),
		cmocka_unit_test(test_create_goes_on),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
