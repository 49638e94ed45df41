// SPDX-License-Identifier: GPL-2.0
/* stream.c: documents out of an endless stream; see stream.h. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model_util.h"
#include "stream.h"

#define READ_CHUNK	(64u << 10)

void stream_init(struct stream *s, int fd)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->max_bytes = 4u << 20;
}

void stream_free(struct stream *s)
{
	free(s->buf);
	memset(s, 0, sizeof(*s));
}

/* Drop what was handed out; make room for @want more bytes. */
static void make_room(struct stream *s, size_t want)
{
	if (s->start) {
		memmove(s->buf, s->buf + s->start, s->len - s->start);
		s->len -= s->start;
		s->start = 0;
	}
	if (s->len + want <= s->cap)
		return;
	while (s->cap < s->len + want)
		s->cap = s->cap ? 2 * s->cap : 2 * READ_CHUNK;
	s->buf = realloc(s->buf, s->cap);
	if (!s->buf)
		m_oom();
}

static bool more_within(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) > 0;
}

int stream_fill(struct stream *s)
{
	size_t got = 0;
	ssize_t n;

	s->idle = false;
	do {
		make_room(s, READ_CHUNK);
		do
			n = read(s->fd, s->buf + s->len, READ_CHUNK);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return -1;
		if (n == 0) {
			s->eof = true;
			return 0;
		}
		s->len += n;
		got += n;
		/* a short read took all there was: what came since waits */
	} while (got < s->max_bytes && n == READ_CHUNK && more_within(s->fd, 0));
	/*
	 * A read that filled the chunk (a pipe holds 64 KiB) came from a
	 * writer that had more than that to say: it will be back.
	 */
	s->idle = got < s->max_bytes && n < READ_CHUNK;
	return 0;
}

/* A line starting at @p (@n bytes on) that is a document marker @m. */
static bool marker(const char *p, size_t n, const char *m)
{
	return n >= 3 && !memcmp(p, m, 3) &&
	       (n == 3 || p[3] == '\n' || p[3] == ' ' || p[3] == '\t' ||
		p[3] == '\r');
}

/* Past one JSON byte; true when the top-level value just closed. */
static bool json_byte(struct stream *s, char c)
{
	if (s->in_str) {
		if (s->esc)
			s->esc = false;
		else if (c == '\\')
			s->esc = true;
		else if (c == '"')
			s->in_str = false;
		return false;
	}
	if (c == '"')
		s->in_str = true;
	else if (c == '{' || c == '[')
		s->depth++;
	else if ((c == '}' || c == ']') && s->depth > 0)
		return --s->depth == 0;
	return false;
}

/* Hand out [start, end) and reset the scanner. */
static void take(struct stream *s, size_t end, const char **doc, size_t *len,
		 int *line)
{
	*doc = s->buf + s->start;
	*len = end - s->start;
	*line = s->line;
	for (size_t i = s->start; i < end; i++)
		s->line += s->buf[i] == '\n';
	s->start = end;
	s->scan = 0;
	s->depth = 0;
	s->json = s->in_str = s->esc = s->content = false;
}

/*
 * Scan on from s->scan.  Returns the end of the document when found, 0
 * when not yet.  YAML: s->scan stays at a line start; a line is examined
 * only once it is complete.
 */
static size_t scan(struct stream *s)
{
	/* s->scan counts from s->start: make_room() may move both */
	const char *b = s->buf + s->start;
	size_t n = s->len - s->start;

	while (s->scan < n) {
		size_t i = s->scan, eol;
		const char *nl;

		if (s->json) {
			s->scan++;
			if (json_byte(s, b[i]))
				return s->start + s->scan;
			continue;
		}
		nl = memchr(b + i, '\n', n - i);
		if (nl)
			eol = nl - b + 1;
		else if (s->eof)
			eol = n;	/* the last line, without its newline */
		else
			return 0;
		if (i > 0 && marker(b + i, eol - i, "---") && s->content)
			return s->start + i;
		s->scan = eol;
		if (marker(b + i, eol - i, "..."))
			return s->start + eol;
		for (size_t k = i; k < eol && !s->content; k++) {
			if (b[k] == '#')
				break;
			if (b[k] == '{' || b[k] == '[') {
				/* JSON: brackets from here on decide */
				s->json = true;
				s->scan = k;
				s->content = true;
			} else if (b[k] != ' ' && b[k] != '\t' &&
				   b[k] != '\r' && b[k] != '\n' &&
				   !marker(b + i, eol - i, "---")) {
				s->content = true;
			}
		}
	}
	return 0;
}

bool stream_next(struct stream *s, const char **doc, size_t *len, int *line)
{
	size_t end;

	if (s->start >= s->len)
		return false;
	end = scan(s);
	if (end) {
		take(s, end, doc, len, line);
		return true;
	}
	/* The rest: whole at the end of input, or when idle after a newline. */
	if (!s->eof && !(s->idle && !s->json && s->buf[s->len - 1] == '\n'))
		return false;
	if (!s->content) {
		/* blanks, comments, a "---" that a document may yet follow */
		if (s->eof)
			take(s, s->len, doc, len, line);
		return false;
	}
	/* a writer of several pieces gets a moment to go on */
	if (!s->eof && s->fd >= 0 && more_within(s->fd, STREAM_QUIET_MS)) {
		s->idle = false;
		return false;
	}
	take(s, s->len, doc, len, line);
	return true;
}
