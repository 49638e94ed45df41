/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An HTTP GET with libcurl for the tests of ksvcd's servers (test_health,
 * test_metrics): status, body and headers kept.  Include after cmocka.h.
 */
#ifndef KSVC_HTTP_GET_H
#define KSVC_HTTP_GET_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>

struct reply {
	CURLcode rc;
	long status;
	char *body, *hdrs;
	size_t len, hlen;
};

static inline size_t put(char *p, size_t size, size_t n, void *f)
{
	return fwrite(p, size, n, f);
}

static inline void get(struct reply *r, const char *fmt, ...)
{
	FILE *b = open_memstream(&r->body, &r->len);
	FILE *h = open_memstream(&r->hdrs, &r->hlen);
	CURL *c = curl_easy_init();
	char *url;
	va_list ap;

	va_start(ap, fmt);
	assert_true(vasprintf(&url, fmt, ap) > 0);
	va_end(ap);
	assert_non_null(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, put);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, put);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, h);
	r->status = 0;
	r->rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_cleanup(c);
	fclose(b);
	fclose(h);
	free(url);
}

static inline void reply_free(struct reply *r)
{
	free(r->body);
	free(r->hdrs);
}

/* Does the reply carry the header line @line ("Name: value") exactly? */
static inline bool has_header(const struct reply *r, const char *line)
{
	char *want;
	bool found;

	assert_true(asprintf(&want, "\r\n%s\r\n", line) > 0);
	found = strstr(r->hdrs, want);
	free(want);
	return found;
}

#endif
