// SPDX-License-Identifier: GPL-2.0
/* log.c: see log.h.  Lines are written whole: threads log too. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "log.h"

int log_verbosity;

void log_msg(char severity, const char *fmt, ...)
{
	struct timespec ts;
	struct tm tm;
	char *body;
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	va_start(ap, fmt);
	if (vasprintf(&body, fmt, ap) < 0)
		body = NULL;
	va_end(ap);
	fprintf(stderr, "%c%02d%02d %02d:%02d:%02d.%06ld ksvcd] %s\n", severity,
		tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		ts.tv_nsec / 1000, body ? body : fmt);
	free(body);
}
