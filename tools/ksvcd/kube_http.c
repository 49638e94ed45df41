// SPDX-License-Identifier: GPL-2.0
/*
 * kube_http.c: see kube_http.h.  One curl easy handle per request: the
 * reflectors each run their own thread, and a handle is not shared.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include <jansson.h>

#include "kube_http.h"

struct xfer {
	struct kube_buf *body;
	kube_line_fn fn;	/* NULL: collect the whole body */
	void *arg;
	const volatile bool *stop;
	bool too_big, stopped;
	long status;
	CURL *h;
};

static bool buf_add(struct kube_buf *b, const char *p, size_t n, size_t max)
{
	if (b->len + n + 1 > max)
		return false;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 65536;
		char *q;

		while (cap < b->len + n + 1)
			cap *= 2;
		q = realloc(b->p, cap);
		if (!q)
			return false;
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = 0;
	return true;
}

void kube_buf_free(struct kube_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* Hand every complete line of the buffer to the stream's function. */
static bool lines(struct xfer *x)
{
	struct kube_buf *b = x->body;
	size_t start = 0;
	char *nl;

	while ((nl = memchr(b->p + start, '\n', b->len - start))) {
		*nl = 0;
		if (nl > b->p + start &&
		    x->fn(b->p + start, (size_t)(nl - b->p - start), x->arg)) {
			x->stopped = true;
			return false;
		}
		start = (size_t)(nl - b->p) + 1;
	}
	memmove(b->p, b->p + start, b->len - start + 1);
	b->len -= start;
	return true;
}

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;

	if (!x->status)
		curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &x->status);
	if (!buf_add(x->body, p, n * size,
		     x->fn && x->status == 200 ? KUBE_MAX_EVENT : KUBE_MAX_BODY)) {
		x->too_big = true;
		return 0;
	}
	/* only a 200's body is a stream of events; an error is one Status */
	if (x->fn && x->status == 200 && !lines(x))
		return 0;
	return n * size;
}

static int on_progress(void *arg, curl_off_t a, curl_off_t b, curl_off_t c,
		       curl_off_t d)
{
	struct xfer *x = arg;

	(void)a, (void)b, (void)c, (void)d;
	if (x->stop && *x->stop) {
		x->stopped = true;
		return 1;
	}
	return 0;
}

static struct curl_slist *headers(struct kube_client *c, bool fresh)
{
	char *tok = kube_config_token(c->cfg, fresh);
	struct curl_slist *l = curl_slist_append(NULL, "Accept: application/json");
	char *auth;

	if (tok && asprintf(&auth, "Authorization: Bearer %s", tok) >= 0) {
		l = curl_slist_append(l, auth);
		free(auth);
	}
	free(tok);
	return curl_slist_append(l, "User-Agent: ksvcd");
}

static void blob(CURL *h, CURLoption opt, unsigned char *p, size_t len)
{
	struct curl_blob b = { p, len, CURL_BLOB_COPY };

	curl_easy_setopt(h, opt, &b);
}

static void tls(CURL *h, const struct kube_config *k)
{
	if (k->ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, k->ca_file);
	if (k->ca_pem)
		blob(h, CURLOPT_CAINFO_BLOB, k->ca_pem, k->ca_pem_len);
	if (k->cert_file)
		curl_easy_setopt(h, CURLOPT_SSLCERT, k->cert_file);
	if (k->cert_pem)
		blob(h, CURLOPT_SSLCERT_BLOB, k->cert_pem, k->cert_pem_len);
	if (k->key_file)
		curl_easy_setopt(h, CURLOPT_SSLKEY, k->key_file);
	if (k->key_pem)
		blob(h, CURLOPT_SSLKEY_BLOB, k->key_pem, k->key_pem_len);
	if (k->insecure) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
}

static CURL *handle(struct kube_client *c, const char *path, struct xfer *x,
		    long idle_s)
{
	CURL *h = curl_easy_init();
	char *url;

	if (!h || asprintf(&url, "%s%s", c->server, path) < 0)
		return NULL;
	curl_easy_setopt(h, CURLOPT_URL, url);
	free(url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, c->connect_timeout_s ?: 10L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, x);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	/* a dead peer: nothing at all for idle_s seconds */
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, idle_s);
	tls(h, c->cfg);
	x->h = h;
	return h;
}

static int perform(struct kube_client *c, const char *path, struct xfer *x,
		   long idle_s, bool fresh, char *err, size_t errlen)
{
	struct curl_slist *hdr = headers(c, fresh);
	char cerr[CURL_ERROR_SIZE] = "";
	CURL *h = handle(c, path, x, idle_s);
	CURLcode rc;

	if (!h) {
		curl_slist_free_all(hdr);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &x->status);
	curl_easy_cleanup(h);
	curl_slist_free_all(hdr);
	if (x->too_big) {
		snprintf(err, errlen, "%s: the server sent more than %u MiB %s",
			 path, (x->fn ? KUBE_MAX_EVENT : KUBE_MAX_BODY) >> 20,
			 x->fn ? "in one event" : "in one response");
		return -1;
	}
	if (rc != CURLE_OK && !x->stopped) {
		snprintf(err, errlen, "%s%s: %s", c->server, path,
			 cerr[0] ? cerr : curl_easy_strerror(rc));
		return -1;
	}
	return (int)x->status;
}

/* One request, and once more with the token read again after a 401. */
static int request(struct kube_client *c, const char *path, struct xfer *x,
		   long idle_s, char *err, size_t errlen)
{
	int st = perform(c, path, x, idle_s, false, err, errlen);

	if (st != 401)
		return st;
	x->body->len = 0;
	x->status = 0;
	st = perform(c, path, x, idle_s, true, err, errlen);
	if (st != 401)
		return st;
	snprintf(err, errlen, "%s: 401 Unauthorized with the %s of user \"%s\" (%s), read again",
		 c->server, c->cfg->token_file ? "token file" :
		 c->cfg->token ? "token" : "client certificate",
		 c->cfg->user ? c->cfg->user : "in-cluster",
		 c->cfg->token_file ? c->cfg->token_file : c->cfg->source);
	return -1;
}

int kube_get(struct kube_client *c, const char *path, struct kube_buf *out,
	     char *err, size_t errlen)
{
	struct xfer x = { .body = out };

	out->len = 0;
	return request(c, path, &x, 60, err, errlen);
}

int kube_stream(struct kube_client *c, const char *path, kube_line_fn fn,
		void *arg, const volatile bool *stop, long idle_s,
		struct kube_buf *body, char *err, size_t errlen)
{
	struct xfer x = { .body = body, .fn = fn, .arg = arg, .stop = stop };
	int st;

	body->len = 0;
	st = request(c, path, &x, idle_s, err, errlen);
	/* a last line without its newline */
	if (st == 200 && body->len && !x.stopped)
		fn(body->p, body->len, arg);
	return st;
}

const char *kube_status_message(const struct kube_buf *b, char *buf,
				size_t len)
{
	json_t *v = b->p ? json_loadb(b->p, b->len, 0, NULL) : NULL;
	const char *m = v ? json_string_value(json_object_get(v, "message")) : NULL;

	snprintf(buf, len, "%.*s", m ? (int)(len - 1) : 200,
		 m ? m : b->p ? b->p : "(no body)");
	json_decref(v);
	return buf;
}
