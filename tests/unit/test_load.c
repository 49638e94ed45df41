// SPDX-License-Identifier: GPL-2.0
/*
 * load.c: model_load() over files, directories and stdin; all or nothing.
 */
#include <fcntl.h>
#include <unistd.h>
#include <sys/wait.h>

#include "front_util.h"

static bool model_empty(const struct model *m)
{
	return !m->svcs && !m->n_svcs && !m->slices && !m->n_slices &&
	       !m->pods && !m->n_pods && !m->files && !m->n_files;
}

/* model_load_opts() with messages kept in f->d instead of printed. */
static int load(struct fx *f, char *const *paths, size_t n)
{
	struct load_opts o = { .diag = &f->d };

	fx_init(f);
	return model_load_opts(paths, n, &f->m, &o);
}

static void files_resolved(void **state)
{
	char *paths[] = { DATA_DIR "/svc-web.yaml", DATA_DIR "/eps-web.yaml",
			  DATA_DIR "/svc-web.json" };
	struct fx f;

	(void)state;
	assert_int_equal(load(&f, paths, 3), 0);
	assert_no_errors(&f);
	assert_int_equal(f.m.n_svcs, 2);
	assert_int_equal(f.m.n_slices, 1);
	assert_non_null(f.m.svcs[0].backends);
	assert_true(f.m.svcs[0].backends[0].known);
	assert_int_equal(f.m.svcs[0].backends[0].n, 3);
	assert_false(f.m.svcs[1].backends[0].known);
	/* locations outlive the read */
	assert_string_equal(f.m.svcs[1].loc.file, DATA_DIR "/svc-web.json");
	fx_free(&f);
}

static void directory_in_name_order(void **state)
{
	char *paths[] = { DATA_DIR "/dir" };
	struct fx f;

	(void)state;
	assert_int_equal(load(&f, paths, 1), 0);
	assert_no_errors(&f);
	assert_int_equal(f.m.n_svcs, 1);
	assert_int_equal(f.m.n_slices, 1);
	assert_string_equal(f.m.svcs[0].loc.file, DATA_DIR "/dir/10-svc-db.yaml");
	assert_string_equal(f.m.slices[0].loc.file, DATA_DIR "/dir/20-endpoints-db.yml");
	assert_int_equal(f.m.svcs[0].backends[0].n, 3);
	fx_free(&f);
}

static void empty_directory_and_missing_file(void **state)
{
	char tmpl[] = "/tmp/ksvc-unit-XXXXXX";
	char *dir = mkdtemp(tmpl);
	char *paths[2];
	char msg[256];
	struct fx f;

	(void)state;
	assert_non_null(dir);
	paths[0] = dir;
	paths[1] = DATA_DIR "/no-such.yaml";
	assert_int_equal(load(&f, paths, 2), -1);
	assert_int_equal(f.d.errors, 2);
	snprintf(msg, sizeof(msg), "%s: error: no *.yaml, *.yml or *.json files in this directory", dir);
	assert_msg(&f, msg);
	assert_msg(&f, DATA_DIR "/no-such.yaml: error: cannot open: No such file or directory");
	assert_true(model_empty(&f.m));
	fx_free(&f);
	rmdir(dir);
}

static void all_or_nothing(void **state)
{
	char *paths[] = { DATA_DIR "/svc-web.yaml",
			  DATA_DIR "/two-docs-second-bad.yaml" };
	struct fx f;

	(void)state;
	assert_int_equal(load(&f, paths, 2), -1);
	assert_only_error(&f, DATA_DIR "/two-docs-second-bad.yaml:17:5: error: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive");
	/* nothing of the good file or the good first document is left */
	assert_true(model_empty(&f.m));
	fx_free(&f);
}

static void errors_of_all_files_collected(void **state)
{
	char *paths[] = { DATA_DIR "/seed-nodeport.yaml", DATA_DIR "/svc-web.yaml",
			  DATA_DIR "/two-docs-second-bad.yaml" };
	struct fx f;

	(void)state;
	assert_int_equal(load(&f, paths, 3), -1);
	assert_int_equal(f.d.errors, 2);
	assert_msg(&f, DATA_DIR "/seed-nodeport.yaml:7:3: error: unknown field \"spec.types\" (did you mean \"spec.type\"?)");
	assert_msg(&f, DATA_DIR "/two-docs-second-bad.yaml:17:5: error: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive");
	assert_true(model_empty(&f.m));
	fx_free(&f);
}

static void node_port_range_option(void **state)
{
	char *paths[] = { DATA_DIR "/svc-api.yaml" };
	struct load_opts o = { .nodeport_min = 31000, .nodeport_max = 31999 };
	struct fx f;

	(void)state;
	fx_init(&f);
	o.diag = &f.d;
	assert_int_equal(model_load_opts(paths, 1, &f.m, &o), -1);
	assert_only_error(&f, DATA_DIR "/svc-api.yaml:19:5: error: spec.ports[0].nodePort: Invalid value: 30443: provided port is not in the valid range. The range of valid ports is 31000-31999");
	fx_free(&f);
}

/* Run model_load() with fd @fd (0 or 2) redirected to/from @path. */
static int with_fd(int fd, const char *path, int flags, char *const *paths,
		   size_t n, struct model *m)
{
	int saved = dup(fd), tmp = open(path, flags, 0600), r;

	assert_true(saved >= 0 && tmp >= 0);
	fflush(stderr);
	dup2(tmp, fd);
	close(tmp);
	if (fd == 0)
		clearerr(stdin);
	r = model_load(paths, n, m);
	fflush(stderr);
	dup2(saved, fd);
	close(saved);
	if (fd == 0)
		clearerr(stdin);
	return r;
}

static void model_load_prints_to_stderr(void **state)
{
	char *paths[] = { DATA_DIR "/seed-nodeport.yaml" };
	char out[] = "/tmp/ksvc-unit-err-XXXXXX";
	char buf[1024] = "";
	struct model m;
	FILE *fp;
	int fd;

	(void)state;
	fd = mkstemp(out);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(with_fd(2, out, O_WRONLY | O_TRUNC, paths, 1, &m), -1);
	assert_true(model_empty(&m));
	fp = fopen(out, "r");
	assert_non_null(fp);
	assert_int_not_equal(fread(buf, 1, sizeof(buf) - 1, fp), 0);
	fclose(fp);
	unlink(out);
	assert_string_equal(buf, DATA_DIR "/seed-nodeport.yaml:7:3: error: unknown field \"spec.types\" (did you mean \"spec.type\"?)\n");
}

static void stdin_dash(void **state)
{
	char *paths[] = { "-", DATA_DIR "/eps-web.yaml" };
	struct model m;

	(void)state;
	assert_int_equal(with_fd(0, DATA_DIR "/svc-web.yaml", O_RDONLY, paths, 2, &m), 0);
	assert_int_equal(m.n_svcs, 1);
	assert_string_equal(m.svcs[0].loc.file, "-");
	assert_int_equal(m.svcs[0].backends[0].n, 3);
	model_free(&m);
}

/* @n Services of one port, "svc-0" ... , in a new temporary file. */
static void big_file(char *path, int n)
{
	int fd = mkstemp(path);
	FILE *fp;

	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	for (int i = 0; i < n; i++)
		fprintf(fp, "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-%d\n"
			"spec:\n  clusterIP: 10.96.%d.%d\n  ports:\n  - port: 80\n---\n",
			i, i / 250, i % 250 + 1);
	fclose(fp);
}

/* A file of 1 MB and more is mapped, not read: the same model. */
static void big_file_mapped(void **state)
{
	char path[] = "/tmp/ksvc-unit-big-XXXXXX";
	char *paths[] = { path };
	struct model m;
	struct fx f;

	(void)state;
	big_file(path, 20000);			/* about 2 MB */
	assert_int_equal(load(&f, paths, 1), 0);
	assert_no_errors(&f);
	assert_int_equal(f.m.n_svcs, 20000);
	assert_string_equal(f.m.svcs[19999].name, "svc-19999");
	assert_int_equal(f.m.svcs[19999].loc.line, 19999 * 9 + 1);
	/* the same through stdin, which is read */
	paths[0] = "-";
	assert_int_equal(with_fd(0, path, O_RDONLY, paths, 1, &m), 0);
	assert_int_equal(m.n_svcs, 20000);
	assert_int_equal(m.svcs[19999].loc.line, 19999 * 9 + 1);
	model_free(&m);
	fx_free(&f);
	unlink(path);
}

/* Child: load @path, messages to @err; exit 0 or 1 as model_load() went. */
static void load_in_child(const char *path, const char *err)
{
	char *paths[] = { (char *)path };
	struct model m;
	int fd = open(err, O_WRONLY | O_TRUNC);

	dup2(fd, 2);
	_exit(model_load(paths, 1, &m) < 0);
}

/*
 * A mapped file cut short while it is read (SIGBUS where its pages went)
 * ends with a message and exit status 1, never with the signal.  The cut
 * comes at growing delays until one lands while the file is being read.
 */
static void file_shrinking_while_read(void **state)
{
	char path[] = "/tmp/ksvc-unit-shrink-XXXXXX";
	char err[] = "/tmp/ksvc-unit-shrerr-XXXXXX";
	int hits = 0, fd = mkstemp(err);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	for (int t = 0; t < 40 && !hits; t++) {
		char buf[512] = "";
		int status;
		pid_t pid;
		FILE *fp;

		big_file(path, 200000);		/* about 20 MB */
		pid = fork();
		assert_true(pid >= 0);
		if (!pid)
			load_in_child(path, err);
		usleep(1000 * (t + 1));
		assert_int_equal(truncate(path, 100), 0);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));		/* not killed by SIGBUS */
		fp = fopen(err, "r");
		assert_non_null(fp);
		if (!fread(buf, 1, sizeof(buf) - 1, fp))
			buf[0] = '\0';
		fclose(fp);
		if (strstr(buf, "the file shrank while it was being read")) {
			assert_int_equal(WEXITSTATUS(status), 1);
			hits++;
		}
		unlink(path);
		memcpy(path + sizeof(path) - 7, "XXXXXX", 6);
	}
	unlink(err);
	assert_int_equal(hits, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(files_resolved),
		cmocka_unit_test(directory_in_name_order),
		cmocka_unit_test(empty_directory_and_missing_file),
		cmocka_unit_test(all_or_nothing),
		cmocka_unit_test(errors_of_all_files_collected),
		cmocka_unit_test(node_port_range_option),
		cmocka_unit_test(model_load_prints_to_stderr),
		cmocka_unit_test(stdin_dash),
		cmocka_unit_test(big_file_mapped),
		cmocka_unit_test(file_shrinking_while_read),
	};

	return cmocka_run_group_tests_name("load", tests, NULL, NULL);
}
