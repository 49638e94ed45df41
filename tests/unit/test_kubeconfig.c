// SPDX-License-Identifier: GPL-2.0
/*
 * ksvcd's kubeconfig.c: contexts (current and chosen), file paths
 * (relative to the kubeconfig, and absolute), -data fields, tokens and
 * tokenFile rotation, the refusals (exec, auth-provider, basic auth), the
 * messages of broken entries, and in-cluster loading from a directory
 * that $KSVCD_SA_DIR points at.  Kubeconfigs are data/kube/kubeconfig or
 * written to a temporary directory by the test.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "kubeconfig.h"

#define KDATA	DATA_DIR "/kube"
#define CA_B64	"LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCmtzdmMgdW5pdCB0ZXN0IHBs" \
		"YWNlaG9sZGVyOiBub3QgYSBjZXJ0aWZpY2F0ZQotLS0tLUVORCBDRVJUSUZJ" \
		"Q0FURS0tLS0tCg=="

static char tmp[PATH_MAX];	/* this run's directory */
static char err[1024];

/* ---------------------------------------------------------------------- */
/* Helpers */

/* tmp/@name; two buffers in turn, for rename(tpath(a), tpath(b)). */
static const char *tpath(const char *name)
{
	static char p[2][PATH_MAX + 64];
	static int turn;

	turn = !turn;
	snprintf(p[turn], sizeof(p[turn]), "%s/%s", tmp, name);
	return p[turn];
}

static void write_file(const char *name, const char *fmt, ...)
{
	va_list ap;
	FILE *f;

	f = fopen(tpath(name), "w");
	assert_non_null(f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	assert_int_equal(fclose(f), 0);
}

/* The whole of @path, NUL-terminated, for comparing decoded -data. */
static char *slurp(const char *path, size_t *len)
{
	char *buf = NULL;
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	buf = calloc(1, 4096);
	assert_non_null(buf);
	*len = fread(buf, 1, 4095, f);
	fclose(f);
	return buf;
}

/* A kubeconfig of one cluster @cluster, one user @user, context "ctx". */
static const char *one_config(const char *cluster, const char *user)
{
	write_file("kubeconfig",
		   "apiVersion: v1\n"
		   "kind: Config\n"
		   "current-context: ctx\n"
		   "clusters:\n"
		   "- name: c1\n"
		   "  cluster:\n%s"
		   "users:\n"
		   "- name: admin\n"
		   "  user:\n%s"
		   "contexts:\n"
		   "- name: ctx\n"
		   "  context: {cluster: c1, user: admin}\n",
		   cluster, user);
	return tpath("kubeconfig");
}

#define SERVER	"    server: https://10.0.0.1:6443\n"
#define TOKEN	"    token: t0k3n\n"

/* Load @path's context @ctx, expecting failure with exactly @msg. */
static void load_fails(const char *path, const char *ctx, const char *msg)
{
	struct kube_config c;

	err[0] = '\0';
	assert_int_equal(kube_config_load(&c, path, ctx, err, sizeof(err)),
			 -1);
	assert_string_equal(err, msg);
	assert_null(c.server);
	kube_config_free(&c);
}

/* one_config(@cluster, @user) fails with "kubeconfig PATH: @msg". */
static void one_fails(const char *cluster, const char *user,
		      const char *fmt, ...)
{
	char msg[1024];
	const char *p = one_config(cluster, user);
	va_list ap;
	int n;

	n = snprintf(msg, sizeof(msg), "kubeconfig %s: ", p);
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	load_fails(p, NULL, msg);
}

static void load_ok(struct kube_config *c, const char *path,
		    const char *ctx)
{
	err[0] = '\0';
	if (kube_config_load(c, path, ctx, err, sizeof(err)))
		fail_msg("%s", err);
}

static void token_is(struct kube_config *c, bool force, const char *want)
{
	char *t = kube_config_token(c, force);

	if (!want) {
		assert_null(t);
		return;
	}
	assert_non_null(t);
	assert_string_equal(t, want);
	free(t);
}

static int rm_one(const char *p, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "%s/ksvc-kubeconfig-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---------------------------------------------------------------------- */
/* Contexts, paths, -data */

static void test_current_context_files(void **state)
{
	struct kube_config c;

	(void)state;
	load_ok(&c, KDATA "/kubeconfig", NULL);
	assert_string_equal(c.context, "dev");
	assert_string_equal(c.cluster, "dev");
	assert_string_equal(c.user, "dev-admin");
	assert_string_equal(c.source, KDATA "/kubeconfig");
	/* The trailing slash goes: request paths are appended. */
	assert_string_equal(c.server, "https://127.0.0.1:6443");
	assert_string_equal(c.ca_file, KDATA "/pki/ca.crt");
	assert_string_equal(c.cert_file, KDATA "/pki/client.crt");
	assert_string_equal(c.key_file, KDATA "/pki/client.key");
	assert_string_equal(c.tls_server_name, "kubernetes.default.svc");
	assert_null(c.ca_pem);
	assert_null(c.cert_pem);
	assert_null(c.key_pem);
	assert_null(c.token);
	assert_null(c.token_file);
	assert_false(c.insecure);
	token_is(&c, false, NULL);
	token_is(&c, true, NULL);
	kube_config_free(&c);
}

static void test_chosen_context_data(void **state)
{
	struct kube_config c;
	size_t len;
	char *want;

	(void)state;
	load_ok(&c, KDATA "/kubeconfig", "prod");
	assert_string_equal(c.context, "prod");
	assert_string_equal(c.cluster, "prod");
	assert_string_equal(c.user, "prod-ro");
	assert_string_equal(c.server, "https://[fd00::1]:6443");
	assert_null(c.ca_file);
	assert_null(c.cert_file);
	assert_null(c.key_file);
	assert_null(c.tls_server_name);

	/* Three paddings: "==", "=" and none. */
	want = slurp(KDATA "/pki/ca.crt", &len);
	assert_int_equal(c.ca_pem_len, len);
	assert_memory_equal(c.ca_pem, want, len);
	free(want);
	want = slurp(KDATA "/pki/client.crt", &len);
	assert_int_equal(c.cert_pem_len, len);
	assert_memory_equal(c.cert_pem, want, len);
	free(want);
	want = slurp(KDATA "/pki/client.key", &len);
	assert_int_equal(c.key_pem_len, len);
	assert_memory_equal(c.key_pem, want, len);
	free(want);

	assert_string_equal(c.token, "ksvc-test-static-token");
	token_is(&c, false, "ksvc-test-static-token");
	token_is(&c, true, "ksvc-test-static-token");
	kube_config_free(&c);
}

static void test_http_insecure_and_token_file(void **state)
{
	struct kube_config c;

	(void)state;
	load_ok(&c, KDATA "/kubeconfig", "robot");
	assert_string_equal(c.server, "http://127.0.0.1:8001");
	assert_true(c.insecure);
	assert_string_equal(c.token_file, KDATA "/token");
	assert_null(c.token);
	token_is(&c, false, "ksvc-test-token-from-file");
	kube_config_free(&c);
}

static void test_context_without_user(void **state)
{
	struct kube_config c;

	(void)state;
	load_ok(&c, KDATA "/kubeconfig", "anonymous");
	assert_string_equal(c.cluster, "lab");
	assert_null(c.user);
	token_is(&c, true, NULL);
	kube_config_free(&c);
}

/* A relative kubeconfig path still gives absolute file paths. */
static void test_relative_kubeconfig_path(void **state)
{
	char cwd[PATH_MAX];
	struct kube_config c;
	int r;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(DATA_DIR), 0);
	r = kube_config_load(&c, "kube/kubeconfig", NULL, err, sizeof(err));
	assert_int_equal(chdir(cwd), 0);
	if (r)
		fail_msg("%s", err);
	assert_string_equal(c.source, "kube/kubeconfig");
	assert_string_equal(c.ca_file, KDATA "/pki/ca.crt");
	assert_string_equal(c.key_file, KDATA "/pki/client.key");
	kube_config_free(&c);

	/* A bare file name: the directory is the current one. */
	assert_int_equal(chdir(KDATA), 0);
	r = kube_config_load(&c, "kubeconfig", "robot", err, sizeof(err));
	assert_int_equal(chdir(cwd), 0);
	if (r)
		fail_msg("%s", err);
	assert_string_equal(c.token_file, KDATA "/token");
	kube_config_free(&c);
}

static void test_absolute_paths(void **state)
{
	struct kube_config c;

	(void)state;
	load_ok(&c, one_config(SERVER
			       "    certificate-authority: " KDATA "/pki/ca.crt\n",
			       "    client-certificate: " KDATA "/pki/client.crt\n"
			       "    client-key: " KDATA "/pki/client.key\n"
			       "    tokenFile: " KDATA "/token\n"),
		NULL);
	assert_string_equal(c.ca_file, KDATA "/pki/ca.crt");
	assert_string_equal(c.cert_file, KDATA "/pki/client.crt");
	assert_string_equal(c.key_file, KDATA "/pki/client.key");
	assert_string_equal(c.token_file, KDATA "/token");
	assert_string_equal(c.context, "ctx");
	assert_string_equal(c.cluster, "c1");
	assert_string_equal(c.user, "admin");
	kube_config_free(&c);
}

static void test_missing_file(void **state)
{
	(void)state;
	one_fails(SERVER "    certificate-authority: pki/nope.crt\n", TOKEN,
		  "clusters[0] (\"c1\").cluster.certificate-authority: %s/pki/nope.crt: No such file or directory",
		  tmp);
	one_fails(SERVER, "    tokenFile: /nonexistent/token\n",
		  "users[0] (\"admin\").user.tokenFile: /nonexistent/token: No such file or directory");
}

/* ---------------------------------------------------------------------- */
/* Tokens */

static void test_token_file_rotation(void **state)
{
	struct kube_config c;

	(void)state;
	write_file("token", "  first-token\n");
	load_ok(&c, one_config(SERVER, "    tokenFile: token\n"
				       "    token: static-fallback\n"),
		NULL);
	assert_string_equal(c.token_file, tpath("token"));
	token_is(&c, false, "first-token");

	/* Rewritten in place: not looked at again within a second... */
	write_file("token", "second-token");
	token_is(&c, false, "first-token");
	/* ...unless forced (a 401 from the API server). */
	token_is(&c, true, "second-token");

	/* Replaced as the kubelet does (a new inode), after a second. */
	write_file("token.new", "third-token\r\n");
	assert_int_equal(rename(tpath("token.new"), tpath("token")), 0);
	usleep(1100 * 1000);
	token_is(&c, false, "third-token");

	/* Gone, empty or garbage: the last good token stays. */
	assert_int_equal(unlink(tpath("token")), 0);
	token_is(&c, true, "third-token");
	write_file("token", "\n");
	token_is(&c, true, "third-token");
	write_file("token", "two words");
	token_is(&c, true, "third-token");
	write_file("token", "fourth-token");
	token_is(&c, true, "fourth-token");
	kube_config_free(&c);
}

static void test_token_file_bad_at_load(void **state)
{
	(void)state;
	write_file("token", " \n");
	one_fails(SERVER, "    tokenFile: token\n",
		  "tokenFile: %s/token: is empty", tmp);
	write_file("token", "abc\ndef\n");
	one_fails(SERVER, "    tokenFile: token\n",
		  "tokenFile: %s/token: holds a blank or control character: not a token",
		  tmp);
	one_fails(SERVER, "    token: \"a\\r\\nX-Evil: 1\"\n",
		  "users[0] (\"admin\").user.token: holds a blank or control character: not a token");
}

struct reader {
	struct kube_config *c;
	int bad;
};

static void *read_tokens(void *arg)
{
	struct reader *r = arg;
	char *t;
	int i;

	for (i = 0; i < 2000; i++) {
		t = kube_config_token(r->c, i % 7 == 0);
		if (!t || (strcmp(t, "token-a") && strcmp(t, "token-b")))
			r->bad++;
		free(t);
	}
	return NULL;
}

/* Reflector threads read while the file changes: always a whole token. */
static void test_token_threads(void **state)
{
	struct reader r[4];
	pthread_t th[4];
	struct kube_config c;
	int i;

	(void)state;
	write_file("token", "token-a");
	load_ok(&c, one_config(SERVER, "    tokenFile: token\n"), NULL);
	for (i = 0; i < 4; i++) {
		r[i] = (struct reader){ &c, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, read_tokens,
						&r[i]), 0);
	}
	for (i = 0; i < 200; i++)
		write_file("token.new", i % 2 ? "token-a" : "token-b"),
		rename(tpath("token.new"), tpath("token"));
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(r[i].bad, 0);
	}
	kube_config_free(&c);
}

/* ---------------------------------------------------------------------- */
/* Contexts that do not resolve */

static void test_missing_context(void **state)
{
	(void)state;
	load_fails(KDATA "/kubeconfig", "staging",
		   "kubeconfig " KDATA "/kubeconfig: context \"staging\" not found (contexts: dev, prod, robot, anonymous)");
}

static void test_no_current_context(void **state)
{
	char msg[512];

	(void)state;
	write_file("kubeconfig", "apiVersion: v1\nkind: Config\n"
		   "contexts:\n- name: a\n  context: {cluster: x}\n"
		   "- name: b\n  context: {cluster: x}\n");
	snprintf(msg, sizeof(msg),
		 "kubeconfig %s: current-context is not set and no context was chosen (contexts: a, b)",
		 tpath("kubeconfig"));
	load_fails(tpath("kubeconfig"), NULL, msg);
}

static void test_missing_cluster_and_user(void **state)
{
	char msg[512];

	(void)state;
	write_file("kubeconfig",
		   "current-context: a\n"
		   "clusters:\n- name: c1\n  cluster: {server: https://h}\n"
		   "contexts:\n"
		   "- name: a\n  context: {cluster: c2, user: u}\n"
		   "- name: b\n  context: {cluster: c1, user: u}\n"
		   "- name: c\n  context: {user: u}\n");
	snprintf(msg, sizeof(msg),
		 "kubeconfig %s: cluster \"c2\" not found (clusters: c1)",
		 tpath("kubeconfig"));
	load_fails(tpath("kubeconfig"), NULL, msg);
	snprintf(msg, sizeof(msg),
		 "kubeconfig %s: user \"u\" not found (users: none)",
		 tpath("kubeconfig"));
	load_fails(tpath("kubeconfig"), "b", msg);
	snprintf(msg, sizeof(msg),
		 "kubeconfig %s: contexts[2] (\"c\").context: cluster is missing",
		 tpath("kubeconfig"));
	load_fails(tpath("kubeconfig"), "c", msg);
}

static void test_duplicate_names(void **state)
{
	char msg[512];

	(void)state;
	write_file("kubeconfig",
		   "current-context: a\n"
		   "clusters:\n"
		   "- name: c1\n  cluster: {server: https://h1}\n"
		   "- name: c1\n  cluster: {server: https://h2}\n"
		   "contexts:\n- name: a\n  context: {cluster: c1}\n");
	snprintf(msg, sizeof(msg),
		 "kubeconfig %s: clusters[0] and clusters[1] are both named \"c1\"",
		 tpath("kubeconfig"));
	load_fails(tpath("kubeconfig"), NULL, msg);
}

/* ---------------------------------------------------------------------- */
/* Entries that are refused */

static void test_exec_refused(void **state)
{
	(void)state;
	one_fails(SERVER,
		  "    exec:\n"
		  "      apiVersion: client.authentication.k8s.io/v1beta1\n"
		  "      command: aws\n"
		  "      args: [eks, get-token]\n",
		  "users[0] (\"admin\").user.exec: exec credential plugins are not supported by ksvcd: give the user a token, tokenFile or a client certificate");
	one_fails(SERVER, "    auth-provider:\n      name: oidc\n",
		  "users[0] (\"admin\").user.auth-provider: auth-provider plugins are not supported by ksvcd: give the user a token, tokenFile or a client certificate");
	one_fails(SERVER, "    username: admin\n    password: secret\n",
		  "users[0] (\"admin\").user.username: basic authentication is not supported by ksvcd: give the user a token, tokenFile or a client certificate");
	one_fails(SERVER, TOKEN "    as: system:admin\n",
		  "users[0] (\"admin\").user.as: impersonation is not supported by ksvcd: give the user a token, tokenFile or a client certificate");
	one_fails(SERVER "    proxy-url: http://proxy:3128\n", TOKEN,
		  "clusters[0] (\"c1\").cluster.proxy-url: proxies are not supported by ksvcd");
}

static void test_bad_base64(void **state)
{
	(void)state;
	one_fails(SERVER,
		  "    client-certificate-data: LS0t!LS1C\n"
		  "    client-key-data: " CA_B64 "\n",
		  "users[0] (\"admin\").user.client-certificate-data: invalid base64 ('!' at offset 4)");
	one_fails(SERVER "    certificate-authority-data: LS0tLS1\n", TOKEN,
		  "clusters[0] (\"c1\").cluster.certificate-authority-data: invalid base64 (7 characters, not a whole number of 4-character groups)");
	one_fails(SERVER "    certificate-authority-data: LS0=LS0t\n", TOKEN,
		  "clusters[0] (\"c1\").cluster.certificate-authority-data: invalid base64 ('L' at offset 4)");
	/* Valid base64 of "hello world": not what libcurl can use. */
	one_fails(SERVER "    certificate-authority-data: aGVsbG8gd29ybGQ=\n",
		  TOKEN,
		  "clusters[0] (\"c1\").cluster.certificate-authority-data: decoded, but not PEM (no \"-----BEGIN\" line)");
}

/* Line breaks and blanks inside the data (a folded scalar) are skipped. */
static void test_base64_folded(void **state)
{
	struct kube_config c;
	size_t len;
	char *want;

	(void)state;
	load_ok(&c, one_config(SERVER
			       "    certificate-authority-data: >-\n"
			       "      LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCmtzdmMgdW5pdCB0ZXN0IHBs\n"
			       "      YWNlaG9sZGVyOiBub3QgYSBjZXJ0aWZpY2F0ZQotLS0tLUVORCBDRVJUSUZJ\n"
			       "      Q0FURS0tLS0tCg==\n", TOKEN), NULL);
	want = slurp(KDATA "/pki/ca.crt", &len);
	assert_int_equal(c.ca_pem_len, len);
	assert_memory_equal(c.ca_pem, want, len);
	free(want);
	kube_config_free(&c);
}

static void test_server(void **state)
{
	(void)state;
	one_fails("    certificate-authority-data: " CA_B64 "\n", TOKEN,
		  "clusters[0] (\"c1\").cluster: server is missing");
	one_fails("    server: \"\"\n", TOKEN,
		  "clusters[0] (\"c1\").cluster: server is missing");
	one_fails("    server: 10.0.0.1:6443\n", TOKEN,
		  "clusters[0] (\"c1\").cluster.server: \"10.0.0.1:6443\" must start with https:// (or http://)");
	one_fails("    server: https:///api\n", TOKEN,
		  "clusters[0] (\"c1\").cluster.server: \"https:///api\" names no host");
	one_fails("    server: [https://h]\n", TOKEN,
		  "clusters[0] (\"c1\").cluster.server: must be a string");
}

static void test_conflicts(void **state)
{
	(void)state;
	one_fails(SERVER, "    client-certificate-data: " CA_B64 "\n",
		  "users[0] (\"admin\").user: client-certificate without client-key");
	one_fails(SERVER, "    client-key: " KDATA "/pki/client.key\n",
		  "users[0] (\"admin\").user: client-key without client-certificate");
	one_fails(SERVER "    certificate-authority: " KDATA "/pki/ca.crt\n"
		  "    certificate-authority-data: " CA_B64 "\n", TOKEN,
		  "clusters[0] (\"c1\").cluster: certificate-authority and certificate-authority-data are both set: keep one");
	one_fails(SERVER "    certificate-authority-data: " CA_B64 "\n"
		  "    insecure-skip-tls-verify: true\n", TOKEN,
		  "clusters[0] (\"c1\").cluster: insecure-skip-tls-verify and a certificate-authority are both set: keep one");
	one_fails(SERVER "    insecure-skip-tls-verify: yes\n"
		  "    certificate-authority: " KDATA "/pki/ca.crt\n", TOKEN,
		  "clusters[0] (\"c1\").cluster: insecure-skip-tls-verify and a certificate-authority are both set: keep one");
	one_fails(SERVER "    insecure-skip-tls-verify: maybe\n", TOKEN,
		  "clusters[0] (\"c1\").cluster.insecure-skip-tls-verify: \"maybe\" is not true or false");
}

static void test_not_yaml(void **state)
{
	char msg[512];

	(void)state;
	write_file("kubeconfig", "clusters:\n- name: [a\n");
	snprintf(msg, sizeof(msg),
		 "kubeconfig %s:3:1: did not find expected ',' or ']'",
		 tpath("kubeconfig"));
	load_fails(tpath("kubeconfig"), NULL, msg);
	write_file("kubeconfig", "- a\n- b\n");
	snprintf(msg, sizeof(msg),
		 "kubeconfig %s: not a kubeconfig (a mapping at the top)",
		 tpath("kubeconfig"));
	load_fails(tpath("kubeconfig"), NULL, msg);
	write_file("kubeconfig", "");
	snprintf(msg, sizeof(msg), "kubeconfig %s: empty file",
		 tpath("kubeconfig"));
	load_fails(tpath("kubeconfig"), NULL, msg);
	load_fails("/nonexistent/kubeconfig", NULL,
		   "kubeconfig /nonexistent/kubeconfig: No such file or directory");
}

/* ---------------------------------------------------------------------- */
/* In-cluster */

static void sa_env(const char *host, const char *port)
{
	setenv(KSVCD_SA_DIR_ENV, tmp, 1);
	if (host)
		setenv("KUBERNETES_SERVICE_HOST", host, 1);
	else
		unsetenv("KUBERNETES_SERVICE_HOST");
	if (port)
		setenv("KUBERNETES_SERVICE_PORT", port, 1);
	else
		unsetenv("KUBERNETES_SERVICE_PORT");
}

static void in_cluster_fails(const char *msg)
{
	struct kube_config c;

	assert_int_equal(kube_config_in_cluster(&c, err, sizeof(err)), -1);
	assert_string_equal(err, msg);
	kube_config_free(&c);
}

static void test_in_cluster(void **state)
{
	struct kube_config c;

	(void)state;
	write_file("ca.crt", "-----BEGIN CERTIFICATE-----\n");
	write_file("token", "sa-token-1\n");
	sa_env("10.96.0.1", "443");
	if (kube_config_in_cluster(&c, err, sizeof(err)))
		fail_msg("%s", err);
	assert_string_equal(c.server, "https://10.96.0.1:443");
	assert_string_equal(c.source, "in-cluster");
	assert_string_equal(c.ca_file, tpath("ca.crt"));
	assert_string_equal(c.token_file, tpath("token"));
	assert_null(c.token);
	assert_null(c.context);
	assert_false(c.insecure);
	token_is(&c, false, "sa-token-1");
	/* Bound service account tokens rotate: the kubelet rewrites them. */
	write_file("token", "sa-token-2\n");
	token_is(&c, true, "sa-token-2");
	kube_config_free(&c);

	sa_env("fd00:10:96::1", "6443");
	if (kube_config_in_cluster(&c, err, sizeof(err)))
		fail_msg("%s", err);
	assert_string_equal(c.server, "https://[fd00:10:96::1]:6443");
	kube_config_free(&c);
}

static void test_in_cluster_errors(void **state)
{
	char msg[512];

	(void)state;
	write_file("ca.crt", "-----BEGIN CERTIFICATE-----\n");
	write_file("token", "sa-token\n");
	sa_env(NULL, "443");
	in_cluster_fails("in-cluster config: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set (is ksvcd running in a pod?)");
	sa_env("10.96.0.1", "https");
	in_cluster_fails("in-cluster config: KUBERNETES_SERVICE_PORT=\"https\" is not a port");
	sa_env("10.96.0.1", "70000");
	in_cluster_fails("in-cluster config: KUBERNETES_SERVICE_PORT=\"70000\" is not a port");
	sa_env("a/b", "443");
	in_cluster_fails("in-cluster config: KUBERNETES_SERVICE_HOST=\"a/b\" is not a host");

	sa_env("10.96.0.1", "443");
	assert_int_equal(unlink(tpath("token")), 0);
	snprintf(msg, sizeof(msg),
		 "in-cluster config: service account token: %s: No such file or directory",
		 tpath("token"));
	in_cluster_fails(msg);
	assert_int_equal(unlink(tpath("ca.crt")), 0);
	snprintf(msg, sizeof(msg),
		 "in-cluster config: %s: No such file or directory",
		 tpath("ca.crt"));
	in_cluster_fails(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_current_context_files),
		cmocka_unit_test(test_chosen_context_data),
		cmocka_unit_test(test_http_insecure_and_token_file),
		cmocka_unit_test(test_context_without_user),
		cmocka_unit_test(test_relative_kubeconfig_path),
		cmocka_unit_test(test_absolute_paths),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_token_file_rotation),
		cmocka_unit_test(test_token_file_bad_at_load),
		cmocka_unit_test(test_token_threads),
		cmocka_unit_test(test_missing_context),
		cmocka_unit_test(test_no_current_context),
		cmocka_unit_test(test_missing_cluster_and_user),
		cmocka_unit_test(test_duplicate_names),
		cmocka_unit_test(test_exec_refused),
		cmocka_unit_test(test_bad_base64),
		cmocka_unit_test(test_base64_folded),
		cmocka_unit_test(test_server),
		cmocka_unit_test(test_conflicts),
		cmocka_unit_test(test_not_yaml),
		cmocka_unit_test(test_in_cluster),
		cmocka_unit_test(test_in_cluster_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
