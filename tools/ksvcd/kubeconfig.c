// SPDX-License-Identifier: GPL-2.0
/*
 * kubeconfig.c: a kubeconfig file, or the pod's service account, to the
 * API server's address and ksvcd's credentials (struct kube_config).
 *
 * The file is read with libyaml's document API and looked up the way
 * client-go does: the context (given, or current-context) names a
 * cluster and a user in the lists of those names.  Every message names
 * the file, the list entry and the field, since a kubeconfig often holds
 * several clusters and users and "invalid base64" alone helps nobody.
 */
#define _GNU_SOURCE	/* asprintf, memmem */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <openssl/evp.h>
#include <yaml.h>

#include "kubeconfig.h"

#define TOKEN_MAX	(64 * 1024)	/* a bound token is ~1 KiB */
#define NAMES_MAX	200		/* "(contexts: a, b, ...)" */

struct kc {
	yaml_document_t doc;
	yaml_node_t *root;
	const char *prefix;	/* "kubeconfig /path" or "in-cluster config" */
	char *dir;		/* the kubeconfig's directory, absolute */
	char *err;
	size_t errlen;
};

/* A list entry in messages: users[0] ("admin").user */
struct where {
	const char *list;	/* "users" */
	int idx;
	const char *name;
	const char *inner;	/* "user" */
};

static int kc_fail(struct kc *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int kc_fail(struct kc *k, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(k->err, k->errlen, "%s: ", k->prefix);
	if (n < 0 || (size_t)n >= k->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(k->err + n, k->errlen - n, fmt, ap);
	va_end(ap);
	return -1;
}

/* "users[0] ("admin").user" into @buf. */
static const char *wstr(char *buf, size_t size, const struct where *w)
{
	snprintf(buf, size, "%s[%d] (\"%.64s\").%s", w->list, w->idx,
		 w->name, w->inner);
	return buf;
}

#define WHERE(w)	wstr((char[160]){ 0 }, 160, (w))

/* ---------------------------------------------------------------------- */
/* YAML nodes */

static yaml_node_t *kc_node(struct kc *k, int idx)
{
	return yaml_document_get_node(&k->doc, idx);
}

static const char *sval(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* A plain "", "~" or "null" (in any case YAML allows): the key is unset. */
static bool is_null(const yaml_node_t *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	size_t i;

	if (!n)
		return true;
	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (!strcmp(sval(n), nulls[i]))
			return true;
	return false;
}

static yaml_node_t *map_get(struct kc *k, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;
	yaml_node_t *kn;

	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		kn = kc_node(k, p->key);
		if (kn && kn->type == YAML_SCALAR_NODE &&
		    !strcmp(sval(kn), key))
			return kc_node(k, p->value);
	}
	return NULL;
}

/* @map's @key as a string: NULL if unset or empty (client-go's "unset"). */
static int get_str(struct kc *k, yaml_node_t *map, const char *key,
		   const struct where *w, const char **out)
{
	yaml_node_t *n = map_get(k, map, key);

	*out = NULL;
	if (is_null(n))
		return 0;
	if (n->type != YAML_SCALAR_NODE)
		return kc_fail(k, "%s.%s: must be a string", WHERE(w), key);
	if (sval(n)[0])
		*out = sval(n);
	return 0;
}

static int dup_str(struct kc *k, yaml_node_t *map, const char *key,
		   const struct where *w, char **out)
{
	const char *s;

	if (get_str(k, map, key, w, &s))
		return -1;
	if (s && !(*out = strdup(s)))
		return kc_fail(k, "out of memory");
	return 0;
}

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

/* YAML 1.1 booleans, which client-go's YAML decoder takes. */
static int get_bool(struct kc *k, yaml_node_t *map, const char *key,
		    const struct where *w, bool *out)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes",
		"Yes", "YES", "y", "Y", "on", "On", "ON", NULL };
	static const char *const no[] = { "false", "False", "FALSE", "no",
		"No", "NO", "n", "N", "off", "Off", "OFF", NULL };
	const char *s;

	if (get_str(k, map, key, w, &s))
		return -1;
	if (!s)
		return 0;
	if (in_list(s, yes))
		*out = true;
	else if (in_list(s, no))
		*out = false;
	else
		return kc_fail(k, "%s.%s: \"%.32s\" is not true or false",
			       WHERE(w), key, s);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Files and -data fields */

/*
 * A path from the kubeconfig, made absolute against its directory as
 * client-go's ResolvePaths does, and checked now so the message can name
 * the field rather than come from libcurl at the first request.
 */
static int get_path(struct kc *k, yaml_node_t *map, const char *key,
		    const struct where *w, char **out)
{
	const char *s;

	if (get_str(k, map, key, w, &s))
		return -1;
	if (!s)
		return 0;
	if (s[0] == '/') {
		*out = strdup(s);
	} else {
		/* "./pki/ca.crt" reads better in messages as ".../pki/ca.crt" */
		while (s[0] == '.' && s[1] == '/')
			for (s += 2; *s == '/'; s++)
				;
		if (asprintf(out, "%s/%s", k->dir, s) < 0)
			*out = NULL;
	}
	if (!*out)
		return kc_fail(k, "out of memory");
	if (access(*out, R_OK))
		return kc_fail(k, "%s.%s: %s: %s", WHERE(w), key, *out,
			       strerror(errno));
	return 0;
}

static bool is_b64(int c)
{
	return isalnum(c) || c == '+' || c == '/';
}

/*
 * Standard base64, padded, as Go's encoding/base64 writes it; line breaks
 * and blanks are skipped.  Checked here because EVP_DecodeBlock() accepts
 * what Go would not (a short last group) and says nothing of where.
 * Returns NULL with @why set, or the bytes (NUL-terminated) and @len.
 */
static unsigned char *b64_decode(const char *s, size_t *len, char *why,
				 size_t whylen)
{
	size_t n = strlen(s), i, j = 0, pad = 0;
	unsigned char *clean, *out = NULL;
	int r;

	clean = malloc(n + 1);
	if (!clean) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (isspace((unsigned char)s[i]))
			continue;
		if (s[i] == '=' && j) {
			pad++;
		} else if (pad || !is_b64((unsigned char)s[i])) {
			snprintf(why, whylen, "'%c' at offset %zu",
				 isprint((unsigned char)s[i]) ? s[i] : '?', i);
			goto out;
		}
		clean[j++] = s[i];
	}
	if (!j || j % 4 || pad > 2) {
		snprintf(why, whylen, "%zu characters, not a whole number of 4-character groups",
			 j);
		goto out;
	}
	out = malloc(j / 4 * 3 + 1);
	if (!out) {
		snprintf(why, whylen, "out of memory");
		goto out;
	}
	r = EVP_DecodeBlock(out, clean, (int)j);
	if (r < 0 || (size_t)r < pad) {
		snprintf(why, whylen, "rejected by the decoder");
		free(out);
		out = NULL;
		goto out;
	}
	/* EVP_DecodeBlock() counts the padding as zero bytes. */
	*len = (size_t)r - pad;
	out[*len] = '\0';
out:
	free(clean);
	return out;
}

/* A certificate-authority-data, client-certificate-data... field. */
static int get_data(struct kc *k, yaml_node_t *map, const char *key,
		    const struct where *w, unsigned char **out, size_t *len)
{
	char why[96];
	const char *s;

	if (get_str(k, map, key, w, &s))
		return -1;
	if (!s)
		return 0;
	*out = b64_decode(s, len, why, sizeof(why));
	if (!*out)
		return kc_fail(k, "%s.%s: invalid base64 (%s)", WHERE(w), key,
			       why);
	/*
	 * libcurl wants PEM; a double encoding or a path pasted into the
	 * field would otherwise fail at the first request, far from here.
	 */
	if (!memmem(*out, *len, "-----BEGIN ", 11))
		return kc_fail(k, "%s.%s: decoded, but not PEM (no \"-----BEGIN\" line)",
			       WHERE(w), key);
	return 0;
}

/* The file and -data forms are exclusive, as for kubectl. */
static int get_file_or_data(struct kc *k, yaml_node_t *map, const char *key,
			    const struct where *w, char **file,
			    unsigned char **data, size_t *len)
{
	char dkey[64];

	snprintf(dkey, sizeof(dkey), "%s-data", key);
	if (get_path(k, map, key, w, file) ||
	    get_data(k, map, dkey, w, data, len))
		return -1;
	if (*file && *data)
		return kc_fail(k, "%s: %s and %s are both set: keep one",
			       WHERE(w), key, dkey);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Bearer tokens */

/* It goes into an Authorization header: no blank, no control, ASCII. */
static bool token_ok(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

/*
 * Read a token file: trimmed, and refused if empty or holding what cannot
 * go into an Authorization header.  @st gets the opened file's stat, so
 * what was read and what is compared later are the same file even if the
 * kubelet swapped it in between.  0, or -1 with @why set.
 */
static int token_read(const char *path, char **out, struct stat *st,
		      const char **why)
{
	char *buf = NULL, *s, *e;
	ssize_t n = -1;
	int fd;

	*why = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, st))
		goto sys;
	if (st->st_size > TOKEN_MAX) {
		*why = "larger than 64 KiB: not a token";
		goto fail;
	}
	buf = malloc(TOKEN_MAX + 1);
	if (!buf)
		goto sys;
	n = read(fd, buf, TOKEN_MAX + 1);
	if (n < 0)
		goto sys;
	if (n > TOKEN_MAX) {
		*why = "larger than 64 KiB: not a token";
		goto fail;
	}
	buf[n] = '\0';
	for (s = buf; isspace((unsigned char)*s); s++)
		;
	for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]); e--)
		;
	*e = '\0';
	if (!*s) {
		*why = "is empty";
		goto fail;
	}
	if (!token_ok(s)) {
		*why = "holds a blank or control character: not a token";
		goto fail;
	}
	memmove(buf, s, strlen(s) + 1);
	*out = buf;
	close(fd);
	return 0;
sys:
	*why = strerror(errno);
fail:
	free(buf);
	if (fd >= 0)
		close(fd);
	return -1;
}

static int token_init(struct kc *k, struct kube_config *c, const char *what)
{
	const char *why;

	if (pthread_mutex_init(&c->tok.lock, NULL))
		return kc_fail(k, "pthread_mutex_init failed");
	c->tok.lock_init = true;
	if (!c->token_file)
		return 0;
	if (token_read(c->token_file, &c->tok.value, &c->tok.st, &why))
		return kc_fail(k, "%s: %s: %s", what, c->token_file, why);
	clock_gettime(CLOCK_MONOTONIC, &c->tok.checked);
	return 0;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	       a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static long long ns_since(const struct timespec *then,
			  const struct timespec *now)
{
	return (now->tv_sec - then->tv_sec) * 1000000000LL +
	       (now->tv_nsec - then->tv_nsec);
}

/* Under tok.lock: read token_file again if it is time and it changed. */
static void token_refresh(struct kube_config *c, bool force)
{
	struct timespec now;
	struct stat st;
	const char *why;
	char *v;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!force && ns_since(&c->tok.checked, &now) < KUBE_TOKEN_RECHECK_NS)
		return;
	c->tok.checked = now;
	if (stat(c->token_file, &st))
		return;		/* keep the last good token */
	if (!force && c->tok.value && same_file(&st, &c->tok.st))
		return;
	if (token_read(c->token_file, &v, &st, &why))
		return;
	free(c->tok.value);
	c->tok.value = v;
	c->tok.st = st;
}

char *kube_config_token(struct kube_config *c, bool force)
{
	const char *t;
	char *r;

	if (!c->token_file)
		return c->token ? strdup(c->token) : NULL;
	pthread_mutex_lock(&c->tok.lock);
	token_refresh(c, force);
	t = c->tok.value ? c->tok.value : c->token;
	r = t ? strdup(t) : NULL;
	pthread_mutex_unlock(&c->tok.lock);
	return r;
}

/* ---------------------------------------------------------------------- */
/* Named entries: clusters[], users[], contexts[] */

/* "a, b, c" (cut short if long) for "not found" messages. */
static void list_names(struct kc *k, yaml_node_t *list, char *buf,
		       size_t size)
{
	yaml_node_item_t *it;
	yaml_node_t *n;
	size_t len = 0;

	buf[0] = '\0';
	if (!list || list->type != YAML_SEQUENCE_NODE)
		return;
	for (it = list->data.sequence.items.start;
	     it < list->data.sequence.items.top; it++) {
		n = map_get(k, kc_node(k, *it), "name");
		if (!n || n->type != YAML_SCALAR_NODE)
			continue;
		if (len + strlen(sval(n)) + 8 > size) {
			snprintf(buf + len, size - len, "%s...",
				 len ? ", " : "");
			return;
		}
		len += snprintf(buf + len, size - len, "%s%s",
				len ? ", " : "", sval(n));
	}
}

/* @list's items, or none if it is unset: [*start, *end). */
static int list_items(struct kc *k, const char *list, yaml_node_t **seq,
		      yaml_node_item_t **start, yaml_node_item_t **end)
{
	*seq = map_get(k, k->root, list);
	*start = *end = NULL;
	if (is_null(*seq)) {
		*seq = NULL;
		return 0;
	}
	if ((*seq)->type != YAML_SEQUENCE_NODE)
		return kc_fail(k, "%s: must be a list", list);
	*start = (*seq)->data.sequence.items.start;
	*end = (*seq)->data.sequence.items.top;
	return 0;
}

/*
 * The entry of @list ("clusters") named @name, whose @inner ("cluster")
 * mapping is returned in @out and described in @w.  A name given twice
 * is an error: client-go would silently take one of them.
 */
static int find_named(struct kc *k, const char *list, const char *inner,
		      const char *name, struct where *w, yaml_node_t **out)
{
	yaml_node_t *seq, *n, *body = NULL;
	yaml_node_item_t *it, *end;
	char names[NAMES_MAX];
	int i, found = -1;

	if (list_items(k, list, &seq, &it, &end))
		return -1;
	for (i = 0; it < end; it++, i++) {
		n = map_get(k, kc_node(k, *it), "name");
		if (!n || n->type != YAML_SCALAR_NODE || strcmp(sval(n), name))
			continue;
		if (found >= 0)
			return kc_fail(k, "%s[%d] and %s[%d] are both named \"%s\"",
				       list, found, list, i, name);
		found = i;
		body = map_get(k, kc_node(k, *it), inner);
	}
	if (found < 0) {
		list_names(k, seq, names, sizeof(names));
		return kc_fail(k, "%s \"%s\" not found (%s: %s)", inner, name,
			       list, names[0] ? names : "none");
	}
	*w = (struct where){ list, found, name, inner };
	if (!body || body->type != YAML_MAPPING_NODE)
		return kc_fail(k, "%s[%d] (\"%.64s\"): %s is missing or not a mapping",
			       list, found, name, inner);
	*out = body;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* The three kinds of entry */

static int check_server(struct kc *k, const struct where *w, char *s)
{
	size_t len = strlen(s);
	const char *host;

	if (!strncmp(s, "https://", 8))
		host = s + 8;
	else if (!strncmp(s, "http://", 7))
		host = s + 7;
	else
		return kc_fail(k, "%s.server: \"%.64s\" must start with https:// (or http://)",
			       WHERE(w), s);
	/* Request paths are appended: "https://h/" + "/api" would be "//". */
	while (len && s[len - 1] == '/')
		s[--len] = '\0';
	if (!*host || *host == '/')
		return kc_fail(k, "%s.server: \"%.64s\" names no host",
			       WHERE(w), s);
	return 0;
}

static int read_cluster(struct kc *k, struct kube_config *c)
{
	yaml_node_t *m;
	struct where w;

	if (find_named(k, "clusters", "cluster", c->cluster, &w, &m))
		return -1;
	if (!is_null(map_get(k, m, "proxy-url")))
		return kc_fail(k, "%s.proxy-url: proxies are not supported by ksvcd",
			       WHERE(&w));
	if (dup_str(k, m, "server", &w, &c->server) ||
	    get_file_or_data(k, m, "certificate-authority", &w, &c->ca_file,
			     &c->ca_pem, &c->ca_pem_len) ||
	    get_bool(k, m, "insecure-skip-tls-verify", &w, &c->insecure) ||
	    dup_str(k, m, "tls-server-name", &w, &c->tls_server_name))
		return -1;
	if (!c->server)
		return kc_fail(k, "%s: server is missing", WHERE(&w));
	if (check_server(k, &w, c->server))
		return -1;
	/* As client-go: an unchecked server and a CA say opposite things. */
	if (c->insecure && (c->ca_file || c->ca_pem))
		return kc_fail(k, "%s: insecure-skip-tls-verify and a certificate-authority are both set: keep one",
			       WHERE(&w));
	return 0;
}

/* What a user entry may hold that ksvcd cannot do, and why. */
static const struct {
	const char *key, *what;
} user_refused[] = {
	{ "exec", "exec credential plugins are not supported by ksvcd" },
	{ "auth-provider",
	  "auth-provider plugins are not supported by ksvcd" },
	{ "username", "basic authentication is not supported by ksvcd" },
	{ "password", "basic authentication is not supported by ksvcd" },
	{ "as", "impersonation is not supported by ksvcd" },
	{ "as-uid", "impersonation is not supported by ksvcd" },
	{ "as-groups", "impersonation is not supported by ksvcd" },
	{ "as-user-extra", "impersonation is not supported by ksvcd" },
};

static int read_user(struct kc *k, struct kube_config *c)
{
	yaml_node_t *m;
	struct where w;
	size_t i;

	if (find_named(k, "users", "user", c->user, &w, &m))
		return -1;
	for (i = 0; i < sizeof(user_refused) / sizeof(user_refused[0]); i++)
		if (!is_null(map_get(k, m, user_refused[i].key)))
			return kc_fail(k, "%s.%s: %s: give the user a token, tokenFile or a client certificate",
				       WHERE(&w), user_refused[i].key,
				       user_refused[i].what);
	if (get_file_or_data(k, m, "client-certificate", &w, &c->cert_file,
			     &c->cert_pem, &c->cert_pem_len) ||
	    get_file_or_data(k, m, "client-key", &w, &c->key_file,
			     &c->key_pem, &c->key_pem_len) ||
	    dup_str(k, m, "token", &w, &c->token) ||
	    get_path(k, m, "tokenFile", &w, &c->token_file))
		return -1;
	if (!(c->cert_file || c->cert_pem) != !(c->key_file || c->key_pem))
		return kc_fail(k, "%s: %s without %s", WHERE(&w),
			       c->key_file || c->key_pem ?
			       "client-key" : "client-certificate",
			       c->key_file || c->key_pem ?
			       "client-certificate" : "client-key");
	if (c->token && !token_ok(c->token))
		return kc_fail(k, "%s.token: holds a blank or control character: not a token",
			       WHERE(&w));
	return 0;
}

/* The context's cluster and user names into @c. */
static int read_context(struct kc *k, struct kube_config *c,
			const char *name)
{
	yaml_node_t *m, *cur;
	char names[NAMES_MAX];
	struct where w;

	if (!name) {
		cur = map_get(k, k->root, "current-context");
		if (!is_null(cur) && cur->type == YAML_SCALAR_NODE)
			name = sval(cur);
	}
	if (!name) {
		list_names(k, map_get(k, k->root, "contexts"), names,
			   sizeof(names));
		return kc_fail(k, "current-context is not set and no context was chosen (contexts: %s)",
			       names[0] ? names : "none");
	}
	if (!(c->context = strdup(name)))
		return kc_fail(k, "out of memory");
	if (find_named(k, "contexts", "context", name, &w, &m) ||
	    dup_str(k, m, "cluster", &w, &c->cluster) ||
	    dup_str(k, m, "user", &w, &c->user))
		return -1;
	if (!c->cluster)
		return kc_fail(k, "%s: cluster is missing", WHERE(&w));
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Loading */

static int parse_file(struct kc *k, const char *path)
{
	yaml_parser_t p;
	FILE *f;
	int r = 0;

	f = fopen(path, "rb");
	if (!f)
		return kc_fail(k, "%s", strerror(errno));
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	if (!yaml_parser_load(&p, &k->doc)) {
		snprintf(k->err, k->errlen, "kubeconfig %s:%zu:%zu: %s",
			 path, p.problem_mark.line + 1,
			 p.problem_mark.column + 1,
			 p.problem ? p.problem : "invalid YAML");
		r = -1;
		memset(&k->doc, 0, sizeof(k->doc));
	}
	yaml_parser_delete(&p);
	fclose(f);
	if (r)
		return r;
	k->root = yaml_document_get_root_node(&k->doc);
	if (!k->root)
		return kc_fail(k, "empty file");
	if (k->root->type != YAML_MAPPING_NODE)
		return kc_fail(k, "not a kubeconfig (a mapping at the top)");
	return 0;
}

/* The kubeconfig's directory, absolute: ksvcd may chdir later. */
static char *abs_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char cwd[PATH_MAX], *d = NULL;

	if (path[0] == '/')
		return strndup(path, slash == path ? 1 : slash - path);
	if (!getcwd(cwd, sizeof(cwd)))
		return NULL;
	if (!slash)
		return strdup(cwd);
	if (asprintf(&d, "%s/%.*s", cwd, (int)(slash - path), path) < 0)
		return NULL;
	return d;
}

int kube_config_load(struct kube_config *c, const char *path,
		     const char *context, char *err, size_t errlen)
{
	struct kc k = { .err = err, .errlen = errlen };
	char prefix[PATH_MAX + 16];
	int r;

	memset(c, 0, sizeof(*c));
	snprintf(prefix, sizeof(prefix), "kubeconfig %s", path);
	k.prefix = prefix;
	k.dir = abs_dir(path);
	c->source = strdup(path);
	if (!k.dir || !c->source)
		r = kc_fail(&k, "out of memory");
	else
		r = parse_file(&k, path);
	if (!r)
		r = read_context(&k, c, context);
	if (!r)
		r = read_cluster(&k, c);
	if (!r && c->user)
		r = read_user(&k, c);
	if (!r)
		r = token_init(&k, c, "tokenFile");
	yaml_document_delete(&k.doc);
	free(k.dir);
	if (r)
		kube_config_free(c);
	return r;
}

/* ---------------------------------------------------------------------- */
/* In-cluster */

/* ---------------------------------------------------------------------- */
/* In-cluster */

/* https://HOST:PORT from the service's variables, as client-go does. */
static int in_cluster_server(struct kc *k, struct kube_config *c)
{
	const char *host = getenv("KUBERNETES_SERVICE_HOST");
	const char *port = getenv("KUBERNETES_SERVICE_PORT");
	unsigned char a[16];
	const char *fmt;
	char *end;
	long p;

	if (!host || !*host || !port || !*port)
		return kc_fail(k, "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set (is ksvcd running in a pod?)");
	errno = 0;
	p = strtol(port, &end, 10);
	if (errno || *end || p < 1 || p > 65535)
		return kc_fail(k, "KUBERNETES_SERVICE_PORT=\"%.32s\" is not a port",
			       port);
	/* An IPv6 address takes brackets in a URL (net.JoinHostPort). */
	if (inet_pton(AF_INET6, host, a) == 1)
		fmt = "https://[%s]:%ld";
	else if (!strpbrk(host, ":/[]@ \t\r\n"))
		fmt = "https://%s:%ld";
	else
		return kc_fail(k, "KUBERNETES_SERVICE_HOST=\"%.64s\" is not a host",
			       host);
	if (asprintf(&c->server, fmt, host, p) < 0) {
		c->server = NULL;
		return kc_fail(k, "out of memory");
	}
	return 0;
}

static int sa_file(struct kc *k, const char *dir, const char *name,
		   char **out)
{
	if (asprintf(out, "%s/%s", dir, name) < 0) {
		*out = NULL;
		return kc_fail(k, "out of memory");
	}
	return 0;
}

int kube_config_in_cluster(struct kube_config *c, char *err, size_t errlen)
{
	struct kc k = { .prefix = "in-cluster config", .err = err,
			.errlen = errlen };
	const char *dir = getenv(KSVCD_SA_DIR_ENV);
	int r;

	memset(c, 0, sizeof(*c));
	if (!dir || !*dir)
		dir = KUBE_SA_DIR;
	c->source = strdup("in-cluster");
	r = c->source ? 0 : kc_fail(&k, "out of memory");
	if (!r)
		r = in_cluster_server(&k, c);
	if (!r)
		r = sa_file(&k, dir, "ca.crt", &c->ca_file);
	/*
	 * client-go carries on with the system's CAs when ca.crt is missing;
	 * the cluster's CA is what a pod trusts, so say so instead.
	 */
	if (!r && access(c->ca_file, R_OK))
		r = kc_fail(&k, "%s: %s", c->ca_file, strerror(errno));
	if (!r)
		r = sa_file(&k, dir, "token", &c->token_file);
	if (!r)
		r = token_init(&k, c, "service account token");
	if (r)
		kube_config_free(c);
	return r;
}

void kube_config_free(struct kube_config *c)
{
	free(c->server);
	free(c->ca_file);
	free(c->ca_pem);
	free(c->cert_file);
	free(c->key_file);
	free(c->cert_pem);
	/* A private key: do not leave it in freed memory. */
	if (c->key_pem)
		OPENSSL_cleanse(c->key_pem, c->key_pem_len);
	free(c->key_pem);
	free(c->token);
	free(c->token_file);
	free(c->tls_server_name);
	free(c->context);
	free(c->cluster);
	free(c->user);
	free(c->source);
	free(c->tok.value);
	if (c->tok.lock_init)
		pthread_mutex_destroy(&c->tok.lock);
	memset(c, 0, sizeof(*c));
}
