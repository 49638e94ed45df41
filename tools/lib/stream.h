/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A stream of Kubernetes objects that does not end (ksvcctl watch): bytes
 * from a pipe, FIFO or file, cut into documents as soon as each is whole.
 *
 * A document is whole when
 *   - a line "---" (or "--- ...") follows it: the next one starts there;
 *   - it ends with a line "..." (YAML's document end);
 *   - it is JSON (starts with '{' or '[') and its brackets close: what
 *     "kubectl get -w -o json" prints, one object after another;
 *   - the input ends;
 *   - the input is quiet and the text ends with a newline: "kubectl get
 *     -w -o yaml" prints "---" BEFORE each object but the first, never
 *     after one, so nothing in the stream ends its last object.  It
 *     writes each object in one write(2), which a pipe hands a reader
 *     whole (up to 64 KiB).  Quiet: the last read was short (a read that
 *     fills the pipe's 64 KiB came from a writer with more to say, such
 *     as cat) and nothing more came within STREAM_QUIET_MS.  A producer
 *     that pauses longer in the middle of a YAML document must end each
 *     document with "---" or "...", or write JSON, which needs no pause.
 */
#ifndef KSVCCTL_STREAM_H
#define KSVCCTL_STREAM_H

#include <stdbool.h>
#include <stddef.h>

#define STREAM_QUIET_MS	2

struct stream {
	int fd;			/* -1: the caller fills buf (tests) */
	char *buf;
	size_t len, cap;
	size_t start;		/* the first byte not handed out yet */
	int line;		/* its line, 0-based (start is a line start) */
	bool eof, idle;
	/* scanning the document at start, kept across reads */
	size_t scan;		/* bytes from start looked at */
	int depth;		/* JSON: open brackets; 0 = YAML or not begun */
	bool content;		/* more than blanks, comments and markers */
	bool json, in_str, esc;
	/* how many documents a read gathers before they are handed out */
	size_t max_bytes;
};

void stream_init(struct stream *s, int fd);
void stream_free(struct stream *s);

/*
 * Wait for input, then read all there is now (up to s->max_bytes more);
 * sets s->eof and s->idle.  0, or -1 with errno set.
 */
int stream_fill(struct stream *s);

/*
 * The next whole document, if there is one: @doc and @len (valid until
 * the next stream_fill()) and the stream line it starts on (0-based).
 */
bool stream_next(struct stream *s, const char **doc, size_t *len, int *line);

#endif
