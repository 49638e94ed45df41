// SPDX-License-Identifier: GPL-2.0
/*
 * reflector.c: see reflector.h.
 *
 * The list's pages are one snapshot: every page has the first page's
 * resourceVersion, and the watch starts there, so nothing between the
 * list and the watch is missed.  A continue token that expired mid-list
 * (410) starts the list again from its first page.
 *
 * Bookmarks move the resourceVersion without an object, so a watch
 * started again after a quiet hour does not start from an expired one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>
#include <sys/eventfd.h>

#include "log.h"
#include "reflector.h"

#define LIST_LIMIT	500
#define BACKOFF_MIN_MS	800
#define BACKOFF_MAX_MS	30000

enum { W_CLOSED, W_GONE, W_FAILED };

uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

uint64_t wall_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/*
 * The EndpointSlice controller's endpoints.kubernetes.io/
 * last-change-trigger-time (RFC 3339, "2024-05-01T10:00:00.123Z"): when
 * the change that made this slice happened, kube-proxy's start of the
 * network programming latency.
 */
static uint64_t trigger_time(json_t *obj)
{
	const char *s = json_string_value(json_object_get(json_object_get(
		json_object_get(obj, "metadata"), "annotations"),
		"endpoints.kubernetes.io/last-change-trigger-time"));
	struct tm tm = { 0 };
	const char *rest;
	double frac = 0;

	if (!s || !(rest = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)))
		return 0;
	if (*rest == '.')
		frac = strtod(rest, NULL);
	return (uint64_t)timegm(&tm) * 1000 + (uint64_t)(frac * 1000);
}

int kube_queue_init(struct kube_queue *q)
{
	pthread_mutex_init(&q->lock, NULL);
	q->head = NULL;
	q->tail = &q->head;
	q->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	return q->efd < 0 ? -errno : 0;
}

static void push(struct reflector *r, enum kube_ev_type type, json_t *obj,
		 const char *msg)
{
	struct kube_event *e = calloc(1, sizeof(*e));
	uint64_t one = 1;

	if (!e) {
		json_decref(obj);
		return;
	}
	e->res = r->res;
	e->type = type;
	e->obj = obj;
	e->at_ms = now_ms();
	if (obj && r->res == RES_SLICES && type != KEV_LIST_ITEM)
		e->trigger_ms = trigger_time(obj);
	if (msg)
		snprintf(e->msg, sizeof(e->msg), "%s", msg);
	pthread_mutex_lock(&r->q->lock);
	*r->q->tail = e;
	r->q->tail = &e->next;
	pthread_mutex_unlock(&r->q->lock);
	if (write(r->q->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_error("eventfd: %s", strerror(errno));
}

struct kube_event *kube_queue_take(struct kube_queue *q)
{
	struct kube_event *e;
	uint64_t n;

	if (read(q->efd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		log_error("eventfd: %s", strerror(errno));
	pthread_mutex_lock(&q->lock);
	e = q->head;
	q->head = NULL;
	q->tail = &q->head;
	pthread_mutex_unlock(&q->lock);
	return e;
}

void kube_event_free(struct kube_event *e)
{
	while (e) {
		struct kube_event *next = e->next;

		json_decref(e->obj);
		free(e);
		e = next;
	}
}

void kube_queue_free(struct kube_queue *q)
{
	kube_event_free(q->head);
	if (q->efd >= 0)
		close(q->efd);
	pthread_mutex_destroy(&q->lock);
}

/* ------------------------------------------------------------------ */

static const char *rv_of(json_t *obj)
{
	return json_string_value(json_object_get(json_object_get(obj, "metadata"),
						 "resourceVersion"));
}

static void set_rv(struct reflector *r, const char *rv)
{
	if (rv)
		snprintf(r->rv, sizeof(r->rv), "%s", rv);
}

/* Items of a typed list carry no kind: give them the list's. */
static json_t *typed(struct reflector *r, json_t *obj)
{
	if (!json_object_get(obj, "kind"))
		json_object_set_new(obj, "kind", json_string(r->kind));
	if (!json_object_get(obj, "apiVersion"))
		json_object_set_new(obj, "apiVersion", json_string(r->api_version));
	return obj;
}

static void failed(struct reflector *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void failed(struct reflector *r, const char *fmt, ...)
{
	char msg[240];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	push(r, KEV_FAILED, NULL, msg);
}

/* One page: its items queued; *@next the continue token (or ""). */
static int list_page(struct reflector *r, struct kube_buf *b, char *next,
		     size_t len, bool first)
{
	json_error_t e;
	json_t *v = json_loadb(b->p, b->len, 0, &e), *items, *it;
	const char *cont;
	size_t i;

	if (!json_is_object(v) || !json_is_array(items = json_object_get(v, "items"))) {
		failed(r, "list %s: not a %sList: %s (byte %d)", r->path, r->kind,
		       v ? "no items" : e.text, e.position);
		json_decref(v);
		return -1;
	}
	if (first) {
		set_rv(r, json_string_value(json_object_get(
				json_object_get(v, "metadata"), "resourceVersion")));
		push(r, KEV_LIST_START, NULL, NULL);
	}
	json_array_foreach(items, i, it)
		push(r, KEV_LIST_ITEM, typed(r, json_incref(it)), NULL);
	cont = json_string_value(json_object_get(json_object_get(v, "metadata"),
						 "continue"));
	snprintf(next, len, "%s", cont ? cont : "");
	json_decref(v);
	return 0;
}

static char *esc(const char *s)
{
	char *e = curl_easy_escape(NULL, s, 0), *out = strdup(e ? e : "");

	curl_free(e);
	return out;
}

/* 0: listed; 1: a continue token expired (list again); -1: failed. */
static int list_once(struct reflector *r, struct kube_buf *b)
{
	char next[4096] = "", err[512], msg[300], *path;
	bool first = true;
	int st;

	do {
		char *c = esc(next);

		if (asprintf(&path, "%s?limit=%d%s%s%s", r->path, LIST_LIMIT,
			     r->query, next[0] ? "&continue=" : "", c) < 0)
			path = NULL;
		free(c);
		if (!path)
			return -1;
		st = kube_get(r->client, path, b, err, sizeof(err));
		free(path);
		if (st == 410 && !first)
			return 1;
		if (st != 200) {
			failed(r, "list %s: %s", r->path, st < 0 ? err :
			       kube_status_message(b, msg, sizeof(msg)));
			return -1;
		}
		if (list_page(r, b, next, sizeof(next), first))
			return -1;
		first = false;
	} while (next[0] && !r->stop);
	push(r, KEV_LIST_END, NULL, NULL);
	r->lists++;
	return 0;
}

/* ------------------------------------------------------------------ */

struct watch_st {
	struct reflector *r;
	int result;
};

static int on_event(char *line, size_t len, void *arg)
{
	static const char *const types[] = { "ADDED", "MODIFIED", "DELETED" };
	struct watch_st *w = arg;
	struct reflector *r = w->r;
	json_t *v = json_loadb(line, len, 0, NULL), *obj;
	const char *type = json_string_value(json_object_get(v, "type"));

	obj = json_object_get(v, "object");
	if (!type || !json_is_object(obj)) {
		failed(r, "watch %s: not a watch event: %.80s", r->path, line);
		json_decref(v);
		w->result = W_FAILED;
		return 1;
	}
	if (!strcmp(type, "ERROR")) {
		json_int_t code = json_integer_value(json_object_get(obj, "code"));
		const char *m = json_string_value(json_object_get(obj, "message"));

		w->result = code == 410 ? W_GONE : W_FAILED;
		if (code != 410)
			failed(r, "watch %s: %s", r->path, m ? m : "ERROR event");
		json_decref(v);
		return 1;
	}
	set_rv(r, rv_of(obj));
	for (int i = 0; i < 3; i++)
		if (!strcmp(type, types[i]))
			push(r, KEV_ADDED + i, typed(r, json_incref(obj)), NULL);
	json_decref(v);		/* BOOKMARK: the resourceVersion only */
	return 0;
}

static int watch_once(struct reflector *r, struct kube_buf *b)
{
	struct watch_st w = { r, W_CLOSED };
	long t = r->watch_timeout_s ?: 300 + rand() % 300;
	char err[512], msg[300], *path, *rv = esc(r->rv);
	int st;

	if (asprintf(&path, "%s?watch=1&resourceVersion=%s&allowWatchBookmarks=true&timeoutSeconds=%ld%s",
		     r->path, rv, t, r->query) < 0)
		path = NULL;
	free(rv);
	if (!path)
		return W_FAILED;
	r->watches++;
	st = kube_stream(r->client, path, on_event, &w, &r->stop, t + 60, b,
			 err, sizeof(err));
	free(path);
	if (st == 410)
		return W_GONE;
	if (st != 200) {
		failed(r, "watch %s: %s", r->path, st < 0 ? err :
		       kube_status_message(b, msg, sizeof(msg)));
		return W_FAILED;
	}
	return w.result;
}

/* client-go's backoff: 0.8 s doubling to 30 s, times 1 to 2 (jitter). */
static void backoff(struct reflector *r)
{
	unsigned int ms = BACKOFF_MIN_MS, i;

	for (i = 1; i < r->failures && ms < BACKOFF_MAX_MS; i++)
		ms *= 2;
	ms = ms < BACKOFF_MAX_MS ? ms : BACKOFF_MAX_MS;
	ms += (unsigned int)(rand() % (ms + 1));
	for (; ms && !r->stop; ms -= ms < 100 ? ms : 100)
		usleep(1000 * (ms < 100 ? ms : 100));
}

static void *run(void *arg)
{
	struct reflector *r = arg;
	struct kube_buf b = { 0 };
	bool need_list = true;
	int k;

	while (!r->stop) {
		if (need_list) {
			k = list_once(r, &b);
			if (k) {
				r->failures += k < 0;
				if (k < 0)
					backoff(r);
				continue;
			}
			need_list = false;
		}
		k = watch_once(r, &b);
		if (k == W_GONE) {
			r->gone++;
			need_list = true;
		} else if (k == W_FAILED) {
			r->failures++;
			backoff(r);
		} else {
			r->failures = 0;
		}
	}
	kube_buf_free(&b);
	return NULL;
}

static int add_selector(struct reflector *r, const char *name, const char *sel)
{
	char *e, *q;

	if (!sel)
		return 0;
	e = esc(sel);
	if (asprintf(&q, "%s&%s=%s", r->query, name, e) < 0)
		q = NULL;
	free(e);
	free(r->query);
	r->query = q;
	return q ? 0 : -ENOMEM;
}

int reflector_start(struct reflector *r, const char *label_selector,
		    const char *field_selector)
{
	int err;

	r->query = strdup("");
	if (!r->query || add_selector(r, "labelSelector", label_selector) ||
	    add_selector(r, "fieldSelector", field_selector))
		return -ENOMEM;
	err = pthread_create(&r->thread, NULL, run, r);
	r->started = !err;
	return -err;
}

void reflector_stop(struct reflector *r)
{
	r->stop = true;
	if (r->started)
		pthread_join(r->thread, NULL);
	r->started = false;
	free(r->query);
	r->query = NULL;
}
