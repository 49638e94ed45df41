// SPDX-License-Identifier: GPL-2.0
/*
 * ksvcctl watch: stay running and keep the kernel in step with streams
 * of objects, the way kube-proxy follows the API server's watches.
 *
 * A front end of the sync engine (sync.c), which ksvcd shares: documents
 * are read and taken one at a time; all that arrived together then goes
 * to the kernel as one round.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "flags.h"
#include "load.h"
#include "nl.h"
#include "nl_cfg.h"
#include "print_plan.h"
#include "stream.h"
#include "sync.h"
#include "validate.h"

static const char usage[] =
	"Usage: ksvcctl watch -f FILE|- [-f ...] [-n NAMESPACE]\n"
	"                     [--validate=strict|warn|ignore]\n"
	"\n"
	"Stay running and keep the kernel in step with streams of Services,\n"
	"EndpointSlices, Endpoints and Pods, as kube-proxy follows the API\n"
	"server:\n"
	"\n"
	"  ksvcctl watch \\\n"
	"    -f <(kubectl get services -A -w --output-watch-events -o json) \\\n"
	"    -f <(kubectl get endpointslices -A -w --output-watch-events -o json)\n"
	"\n"
	"Each object replaces the one of its kind and name seen before; a watch\n"
	"event of type DELETED removes it (and a deleted Service leaves the\n"
	"kernel).  What arrives together goes to the kernel in one batch.  An\n"
	"object that is wrong is reported (FILE:LINE:COL) and left out; the\n"
	"others go on.  A document ends at \"---\", \"...\", the bracket closing\n"
	"a JSON object, or a pause in its input after a newline.  Exits when\n"
	"every input has ended: 0, or 1 if anything was refused.\n"
	"\n"
	"Options:\n"
	"  -f, --filename=PATH     a file, FIFO or - for stdin; repeatable\n"
	"  -n, --namespace=NS      objects without a namespace are in NS; others\n"
	"                          must be in NS\n"
	"      --validate=MODE     unknown fields are errors (strict, true; default),\n"
	"                          warnings (warn) or not checked (ignore, false)\n"
	"  -h, --help              show this help\n";

static const struct option opts[] = {
	{ "filename", required_argument, NULL, 'f' },
	{ "namespace", required_argument, NULL, 'n' },
	{ "validate", optional_argument, NULL, OPT_VALIDATE },
	{ "help", no_argument, NULL, 'h' },
	{ 0 }
};

struct watch {
	struct file_flags files;
	const char *ns;
	struct stream *in;
	size_t n_in;
	struct sync_engine eng;
	int refused;		/* inputs that failed, for the exit status */
	bool trace;
};

/* Returns an exit status, or -1 to go on. */
static int watch_parse(int argc, char **argv, struct watch *w)
{
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":f:n:h", opts, NULL)) != -1) {
		if (parse_file_flag("watch", c, &w->files, &ret)) {
			if (ret >= 0)
				return ret;
		} else if (c == 'n') {
			w->ns = optarg;
		} else if (c == 'h') {
			fputs(usage, stdout);
			return 0;
		} else {
			return opt_error("watch", argv, c);
		}
	}
	if (optind < argc)
		return usage_error("watch", "unexpected argument \"%s\"", argv[optind]);
	if (!w->files.n_paths)
		return usage_error("watch", "must specify -f");
	return -1;
}

static int open_inputs(struct watch *w)
{
	w->in = calloc(w->files.n_paths, sizeof(*w->in));
	if (!w->in)
		return -1;
	for (size_t i = 0; i < w->files.n_paths; i++) {
		const char *p = w->files.paths[i];
		int fd = strcmp(p, "-") ? open(p, O_RDONLY | O_CLOEXEC) : 0;

		if (fd < 0) {
			fprintf(stderr, "error: %s: cannot open: %s\n", p,
				strerror(errno));
			return -1;
		}
		stream_init(&w->in[w->n_in++], fd);
	}
	return 0;
}

/* One document: read, validate, and into the cache, or reported and left out. */
static void take_doc(struct watch *w, const char *name, const char *doc,
		     size_t len, int line)
{
	struct model m = { 0 };
	struct diag d;

	/* a diagnostics list per document: the error cap is per document */
	diag_init(&d, stderr);
	yaml_read_doc(name, doc, len, line, &m, &d, w->files.validate);
	if (w->ns)
		model_set_ns(&m, &d, w->ns);
	sync_take(&w->eng, &m, &d);
	diag_free(&d);
}

static void applied(void *arg, const struct plan *p,
		    const struct batch_result *r, size_t n)
{
	(void)arg;
	plan_print_results(p, r, n, DRY_RUN_NONE, stdout);
}

static void refused(void *arg, const struct plan *p, int err,
		    uint32_t offset, const char *extack)
{
	(void)arg;
	plan_report_error(p, err, offset, extack, stderr);
}

static const struct sync_report_ops report = { applied, refused };

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

/*
 * KSVCCTL_WATCH_TRACE=1: where a round's time went, on stderr, from the
 * moment its input was read ("docs" is reading and validating them).
 */
static void round_end(struct watch *w, double t0, double t1)
{
	int n = sync_round(&w->eng, NULL, 0, (uint64_t)(t1 / 1000));

	fflush(stdout);
	if (w->trace && n)
		fprintf(stderr, "trace: docs %.0f us, plan, kernel and print %.0f us\n",
			t1 - t0, now_us() - t1);
}

/* Wait for any input; read what each has; true while one is open. */
static bool wait_inputs(struct watch *w)
{
	struct pollfd pf[w->n_in];
	size_t i, open = 0;

	for (i = 0; i < w->n_in; i++) {
		pf[i] = (struct pollfd){ .fd = w->in[i].eof ? -1 : w->in[i].fd,
					 .events = POLLIN };
		open += !w->in[i].eof;
	}
	if (!open)
		return false;
	if (poll(pf, w->n_in, -1) < 0)
		return errno == EINTR;
	for (i = 0; i < w->n_in; i++) {
		if (!pf[i].revents)
			continue;
		if (stream_fill(&w->in[i]) < 0) {
			fprintf(stderr, "error: %s: cannot read: %s\n",
				w->files.paths[i], strerror(errno));
			w->in[i].eof = true;
			w->refused++;
		}
	}
	return true;
}

static int watch_run(struct watch *w)
{
	const char *doc;
	size_t len;
	int line;

	if (ksvc_nl_open() < 0 || open_inputs(w) < 0)
		return 1;
	req_nodeport_range(&w->eng.np_min, &w->eng.np_max);
	w->eng.notices = stdout;
	w->trace = getenv("KSVCCTL_WATCH_TRACE") != NULL;
	while (wait_inputs(w)) {
		double t0 = now_us();

		for (size_t i = 0; i < w->n_in; i++)
			while (stream_next(&w->in[i], &doc, &len, &line))
				take_doc(w, w->files.paths[i], doc, len, line);
		round_end(w, t0, now_us());
	}
	return w->refused || w->eng.refused ? 1 : 0;
}

int cmd_watch(int argc, char **argv)
{
	struct watch w = { .files.paths = calloc(argc, sizeof(char *)),
			   .eng = { .np_min = NODEPORT_MIN_DEFAULT,
				    .np_max = NODEPORT_MAX_DEFAULT,
				    .report = &report } };
	int ret;

	if (!w.files.paths)
		return 1;
	ret = watch_parse(argc, argv, &w);
	if (ret < 0)
		ret = watch_run(&w);
	for (size_t i = 0; i < w.n_in; i++) {
		if (w.in[i].fd > 0)
			close(w.in[i].fd);
		stream_free(&w.in[i]);
	}
	free(w.in);
	sync_free(&w.eng);
	free(w.files.paths);
	return ret;
}
