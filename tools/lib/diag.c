// SPDX-License-Identifier: GPL-2.0
/*
 * diag.c: formatting and collecting error messages.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "model_util.h"

static const char *const level_name[] = {
	[DIAG_ERROR] = "error",
	[DIAG_WARNING] = "warning",
	[DIAG_NOTICE] = "notice",
};

void diag_init(struct diag *d, FILE *out)
{
	memset(d, 0, sizeof(*d));
	d->out = out;
	d->max_errors = DIAG_MAX_ERRORS;
}

void diag_free(struct diag *d)
{
	for (size_t i = 0; i < d->n_msgs; i++)
		free(d->msgs[i]);
	free(d->msgs);
	d->msgs = NULL;
	d->n_msgs = 0;
}

static void diag_keep(struct diag *d, char *msg)
{
	char **slot = m_vpush((void **)&d->msgs, &d->n_msgs, sizeof(*d->msgs));

	*slot = msg;
	if (d->out)
		fprintf(d->out, "%s\n", msg);
}

/* The location prefix: "file:line:col: ", "file: " or "". */
static void loc_prefix(char *buf, size_t size, const struct loc *l)
{
	if (!l || !l->file)
		buf[0] = '\0';
	else if (l->line > 0)
		snprintf(buf, size, "%s:%d:%d: ", l->file, l->line, l->col);
	else
		snprintf(buf, size, "%s: ", l->file);
}

void diag_msg(struct diag *d, enum diag_level lvl, const struct loc *l,
	      const char *fmt, ...)
{
	char prefix[512], *body, *msg;
	va_list ap;

	if (lvl == DIAG_ERROR) {
		/* past the cap: counted (the input is bad) but not shown */
		if (++d->errors > d->max_errors)
			return;
	} else if (lvl == DIAG_WARNING) {
		d->warnings++;
	} else {
		d->notices++;
	}

	va_start(ap, fmt);
	if (vasprintf(&body, fmt, ap) < 0)
		m_oom();
	va_end(ap);
	loc_prefix(prefix, sizeof(prefix), l);
	msg = m_xasprintf("%s%s: %s", prefix, level_name[lvl], body);
	free(body);
	diag_keep(d, msg);
	if (lvl == DIAG_ERROR && d->errors == d->max_errors)
		diag_keep(d, m_xasprintf("error: too many errors (%d), stopping",
					 d->max_errors));
}

bool diag_has(const struct diag *d, const char *s)
{
	for (size_t i = 0; i < d->n_msgs; i++)
		if (!strcmp(d->msgs[i], s))
			return true;
	return false;
}

const char *diag_quote(char *buf, size_t size, const char *s)
{
	size_t o = 0, n = 0;

	if (size < 16) {
		buf[0] = '\0';
		return buf;
	}
	buf[o++] = '"';
	for (; *s && o + 8 < size; s++, n++) {
		unsigned char c = *s;

		if (n == 64) {
			o += snprintf(buf + o, size - o, "...");
			break;
		}
		if (c < 0x20 || c == 0x7f)
			o += snprintf(buf + o, size - o, "\\x%02x", c);
		else if (c == '"' || c == '\\')
			o += snprintf(buf + o, size - o, "\\%c", c);
		else
			buf[o++] = c;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}
