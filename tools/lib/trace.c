// SPDX-License-Identifier: GPL-2.0
/* trace.c: see trace.h. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "trace.h"

static int on = -1;	/* -1: the environment not read yet */
static struct timespec last;

void trace_begin(void)
{
	if (on < 0)
		on = getenv("KSVCCTL_TRACE") != NULL;
	if (on)
		clock_gettime(CLOCK_MONOTONIC, &last);
}

void trace_step(const char *what)
{
	struct timespec now;

	if (on <= 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	fprintf(stderr, "trace: %s %.2f ms\n", what,
		(now.tv_sec - last.tv_sec) * 1e3 +
		(now.tv_nsec - last.tv_nsec) / 1e6);
	last = now;
}
