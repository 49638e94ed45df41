// SPDX-License-Identifier: GPL-2.0
/*
 * jsonlib — parse Kubernetes JSON with jansson and with json-c, walk the
 * whole tree (every key, string, number), free it; report the median wall
 * time and the heap it took.
 *
 *   jsonlib-jansson [-n REPS] [-s] NAME=FILE[,FILE...] ...
 *   jsonlib-json-c  [-n REPS] [-s] NAME=FILE[,FILE...] ...
 *
 * -S (json-c only): JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8, closer to
 *     what jansson always does (it rejects invalid UTF-8 and non-JSON).
 * -q: skip the counting repetition (no warm-up, allocs and peak_heap 0):
 *     `valgrind --tool=cachegrind --cache-sim=no jsonlib-LIB -q -n 1 ...`
 *     then counts the instructions of exactly one parse+walk+free.
 *
 * One source, built twice: -DUSE_JANSSON or -DUSE_JSONC (the two libraries'
 * headers cannot be included together: both declare json_object and
 * json_object_iter, as a function in jansson and a type in json-c; their
 * exported symbols do not collide).
 *
 * A NAME=FILE,FILE,... input is a group (API-server pages): one repetition
 * parses every file of it. -s parses each file as a stream of concatenated
 * top-level values (a watch stream): jansson json_loadb() with
 * JSON_DISABLE_EOF_CHECK in a loop advancing by error.position, json-c one
 * json_tokener fed the rest of the buffer, advancing by
 * json_tokener_get_parse_end().
 *
 * Memory: malloc/calloc/realloc/free are interposed here (they replace
 * glibc's for the libraries too, see glibc's "Replacing malloc") to count
 * allocations and the peak of live bytes (malloc_usable_size) over one
 * parse+walk, measured on an extra untimed repetition; and the peak RSS
 * (getrusage) is reported as its increase over the RSS after reading the
 * input, so run one input per process.
 *
 * Output: one tab-separated line per input:
 *   lib name bytes reps median_ms min_ms cpu_ms parse_ms mb_s allocs peak_heap
 *   rss_inc values strings strbytes
 * (median_ms: wall time of parse+walk+free, CLOCK_MONOTONIC; min_ms its
 * fastest repetition; cpu_ms the median CLOCK_PROCESS_CPUTIME_ID of the
 * same, less disturbed by other load on the machine; parse_ms the median
 * wall time inside the parse calls alone; mb_s input bytes / median_ms;
 * peak_heap and rss_inc in bytes)
 * (values/strings/strbytes: what the walk saw; equal for both libraries or
 * one of them parsed something else).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#if defined(USE_JANSSON)
#include <jansson.h>
#define LIB "jansson"
#define run run_jansson
#elif defined(USE_JSONC)
#include <json-c/json.h>
#define LIB "json-c"
#define run run_jsonc
#else
#error "build with -DUSE_JANSSON or -DUSE_JSONC"
#endif

/* --- counting allocator ------------------------------------------------ */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

static int counting;
static size_t n_alloc, cur_bytes, peak_bytes;

static inline void count_add(void *p)
{
	if (counting && p) {
		n_alloc++;
		cur_bytes += malloc_usable_size(p);
		if (cur_bytes > peak_bytes)
			peak_bytes = cur_bytes;
	}
}

static inline void count_sub(void *p)
{
	if (counting && p) {
		size_t u = malloc_usable_size(p);
		cur_bytes = cur_bytes > u ? cur_bytes - u : 0;
	}
}

void *malloc(size_t n)
{
	void *p = __libc_malloc(n);
	count_add(p);
	return p;
}

void *calloc(size_t a, size_t b)
{
	void *p = __libc_calloc(a, b);
	count_add(p);
	return p;
}

void *realloc(void *o, size_t n)
{
	count_sub(o);
	void *p = __libc_realloc(o, n);
	count_add(p ? p : (n ? o : NULL));
	return p;
}

void free(void *p)
{
	count_sub(p);
	__libc_free(p);
}

/* --- walk statistics --------------------------------------------------- */
struct stats {
	uint64_t values, strings, strbytes, sum;
};

static void st_str(struct stats *st, const char *s, size_t len)
{
	st->strings++;
	st->strbytes += len;
	if (len)	/* touch both ends: the string must really be there */
		st->sum += (unsigned char)s[0] + (unsigned char)s[len - 1];
}

#ifdef USE_JANSSON
/* --- jansson ----------------------------------------------------------- */
static void walk_jansson(json_t *v, struct stats *st)
{
	const char *k;
	size_t klen, i;
	json_t *c;

	st->values++;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		json_object_keylen_foreach(v, k, klen, c) {
			st_str(st, k, klen);
			walk_jansson(c, st);
		}
		break;
	case JSON_ARRAY:
		json_array_foreach(v, i, c)
			walk_jansson(c, st);
		break;
	case JSON_STRING:
		st_str(st, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		st->sum += (uint64_t)json_integer_value(v);
		break;
	case JSON_REAL:
		st->sum += (uint64_t)json_real_value(v);
		break;
	case JSON_TRUE:
		st->sum++;
		break;
	default:
		break;
	}
}

static int run_jansson(const char *buf, size_t len, int stream, struct stats *st,
		       double *t_parse)
{
	json_error_t err;
	struct timespec a, b;
	size_t off = 0;
	double tp = 0;

	if (!stream) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		json_t *root = json_loadb(buf, len, 0, &err);
		clock_gettime(CLOCK_MONOTONIC, &b);
		*t_parse += (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
		if (!root) {
			fprintf(stderr, "jansson: %s at line %d col %d pos %d\n", err.text,
				err.line, err.column, err.position);
			return -1;
		}
		walk_jansson(root, st);
		json_decref(root);
		return 0;
	}
	for (;;) {
		size_t k = off;
		while (k < len && strchr(" \t\r\n", buf[k]))
			k++;
		if (k == len)
			break;
		clock_gettime(CLOCK_MONOTONIC, &a);
		json_t *v = json_loadb(buf + off, len - off, JSON_DISABLE_EOF_CHECK, &err);
		clock_gettime(CLOCK_MONOTONIC, &b);
		tp += (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
		if (!v) {
			fprintf(stderr, "jansson: %s at byte %zu\n", err.text, off + err.position);
			return -1;
		}
		off += err.position;
		walk_jansson(v, st);
		json_decref(v);
	}
	*t_parse += tp;
	return 0;
}

#endif

#ifdef USE_JSONC
/* --- json-c ------------------------------------------------------------ */
static void walk_jsonc(struct json_object *v, struct stats *st)
{
	st->values++;
	switch (json_object_get_type(v)) {
	case json_type_object: {
		json_object_object_foreach(v, k, c) {
			st_str(st, k, strlen(k));
			walk_jsonc(c, st);
		}
		break;
	}
	case json_type_array: {
		size_t n = json_object_array_length(v);
		for (size_t i = 0; i < n; i++)
			walk_jsonc(json_object_array_get_idx(v, i), st);
		break;
	}
	case json_type_string:
		st_str(st, json_object_get_string(v), json_object_get_string_len(v));
		break;
	case json_type_int:
		st->sum += (uint64_t)json_object_get_int64(v);
		break;
	case json_type_double:
		st->sum += (uint64_t)json_object_get_double(v);
		break;
	case json_type_boolean:
		st->sum += json_object_get_boolean(v);
		break;
	default:	/* json_type_null is a NULL pointer: not counted as a value */
		break;
	}
}

static int jsonc_flags;

static int run_jsonc(const char *buf, size_t len, int stream, struct stats *st,
		     double *t_parse)
{
	struct json_tokener *tok = json_tokener_new();

	/* STRICT alone rejects anything after the first value */
	json_tokener_set_flags(tok, jsonc_flags |
			       (stream && jsonc_flags ? JSON_TOKENER_ALLOW_TRAILING_CHARS : 0));
	struct timespec a, b;
	size_t off = 0;
	double tp = 0;
	int rc = 0;

	while (off < len) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		struct json_object *v = json_tokener_parse_ex(tok, buf + off, (int)(len - off));
		clock_gettime(CLOCK_MONOTONIC, &b);
		tp += (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
		enum json_tokener_error e = json_tokener_get_error(tok);
		if (!v) {
			/* only whitespace left: json_tokener_continue, the end */
			if (e == json_tokener_continue && stream)
				break;
			fprintf(stderr, "json-c: %s at byte %zu\n", json_tokener_error_desc(e),
				off + json_tokener_get_parse_end(tok));
			rc = -1;
			break;
		}
		off += json_tokener_get_parse_end(tok);
		walk_jsonc(v, st);
		json_object_put(v);
		if (!stream)
			break;
	}
	json_tokener_free(tok);
	*t_parse += tp;
	return rc;
}

#endif

/* --- driver ------------------------------------------------------------ */
struct file {
	char *buf;
	size_t len;
};

static struct file load(const char *path)
{
	struct file f = { 0 };
	int fd = open(path, O_RDONLY);
	struct stat sb;

	if (fd < 0 || fstat(fd, &sb) < 0) {
		perror(path);
		exit(1);
	}
	f.len = sb.st_size;
	f.buf = malloc(f.len + 1);
	for (size_t got = 0; got < f.len;) {
		ssize_t r = read(fd, f.buf + got, f.len - got);
		if (r <= 0) {
			perror(path);
			exit(1);
		}
		got += r;
	}
	f.buf[f.len] = 0;
	close(fd);
	return f;
}

static double now_ms(clockid_t c)
{
	struct timespec t;
	clock_gettime(c, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static long maxrss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int reps = 5, stream = 0, quick = 0, opt;
	const char *lib = LIB;

	while ((opt = getopt(argc, argv, "n:qsS")) != -1) {
		switch (opt) {
#ifdef USE_JSONC
		case 'S':
			jsonc_flags = JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8;
			lib = "json-c STRICT|VALIDATE_UTF8";
			break;
#endif
		case 'q': quick = 1; break;
		case 'n': reps = atoi(optarg); break;
		case 's': stream = 1; break;
		default: goto usage;
		}
	}
	if (optind >= argc || reps < 1)
		goto usage;

	for (int ai = optind; ai < argc; ai++) {
		char *name = strdup(argv[ai]), *eq = strchr(name, '=');
		if (!eq)
			goto usage;
		*eq = 0;
		struct file fs[1024];
		int nf = 0;
		size_t total = 0;
		for (char *p = strtok(eq + 1, ","); p && nf < 1024; p = strtok(NULL, ",")) {
			fs[nf] = load(p);
			total += fs[nf++].len;
		}
		long rss0 = maxrss_kb();
		double *t = calloc(reps, sizeof(*t)), *tp = calloc(reps, sizeof(*tp));
		double *tc = calloc(reps, sizeof(*tc));
		struct stats st = { 0 };

		/* untimed counting repetition (also the warm-up: jansson seeds its
		 * hash function on first use) */
		double dummy = 0;
		counting = 1;
		n_alloc = cur_bytes = peak_bytes = 0;
		for (int i = 0; i < nf && !quick; i++)
			if (run(fs[i].buf, fs[i].len, stream, &st, &dummy))
				return 1;
		counting = 0;
		size_t allocs = n_alloc, peak = peak_bytes;

		for (int r = 0; r < reps; r++) {
			struct stats s2 = { 0 };
			double t0 = now_ms(CLOCK_MONOTONIC), c0 = now_ms(CLOCK_PROCESS_CPUTIME_ID);
			for (int i = 0; i < nf; i++)
				if (run(fs[i].buf, fs[i].len, stream, &s2, &tp[r]))
					return 1;
			t[r] = now_ms(CLOCK_MONOTONIC) - t0;
			tc[r] = now_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
			if (quick && r == 0)
				st = s2;
			if (s2.values != st.values || s2.strbytes != st.strbytes)
				return fprintf(stderr, "walk differs between repetitions\n"), 1;
		}
		qsort(t, reps, sizeof(*t), cmp_d);
		qsort(tp, reps, sizeof(*tp), cmp_d);
		qsort(tc, reps, sizeof(*tc), cmp_d);
		double med = reps & 1 ? t[reps / 2] : (t[reps / 2 - 1] + t[reps / 2]) / 2;
		double medp = reps & 1 ? tp[reps / 2] : (tp[reps / 2 - 1] + tp[reps / 2]) / 2;
		double medc = reps & 1 ? tc[reps / 2] : (tc[reps / 2 - 1] + tc[reps / 2]) / 2;
		printf("%s\t%s\t%zu\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t%.1f\t%zu\t%zu\t%ld\t%llu\t%llu\t%llu\n",
		       lib, name, total, reps, med, t[0], medc, medp, total / 1e6 / (med / 1e3),
		       allocs, peak, (maxrss_kb() - rss0) * 1024,
		       (unsigned long long)st.values, (unsigned long long)st.strings,
		       (unsigned long long)st.strbytes);
		fflush(stdout);
		for (int i = 0; i < nf; i++)
			free(fs[i].buf);
		free(t);
		free(tp);
		free(tc);
		free(name);
	}
	return 0;
usage:
	fprintf(stderr, "usage: jsonlib-" LIB " [-n REPS] [-q] [-s] [-S] NAME=FILE[,FILE...] ...\n");
	return 2;
}
