/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Diagnostics: every complaint about the input goes through here, so the
 * format ("file:line:col: error: ...") and the error cap live in one place.
 * Messages are printed as they come (if out != NULL) and also kept, so unit
 * tests can look for exact text.
 */
#ifndef KSVCCTL_DIAG_H
#define KSVCCTL_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "model.h"

#define DIAG_MAX_ERRORS	50

enum diag_level {
	DIAG_ERROR,
	DIAG_WARNING,
	DIAG_NOTICE,
};

struct diag {
	FILE *out;		/* print here as messages come; NULL = keep only */
	int errors;		/* counted even past the cap */
	int warnings, notices;
	int max_errors;
	char **msgs;		/* every message kept, without trailing newline */
	size_t n_msgs;
};

void diag_init(struct diag *d, FILE *out);
void diag_free(struct diag *d);

/* @l may be NULL or have line 0: then only the file (if any) is named. */
void diag_msg(struct diag *d, enum diag_level lvl, const struct loc *l,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#define diag_error(d, l, ...)	diag_msg(d, DIAG_ERROR, l, __VA_ARGS__)
#define diag_warn(d, l, ...)	diag_msg(d, DIAG_WARNING, l, __VA_ARGS__)
#define diag_notice(d, l, ...)	diag_msg(d, DIAG_NOTICE, l, __VA_ARGS__)

/* True once the error cap is reached: readers may stop early. */
static inline bool diag_full(const struct diag *d)
{
	return d->errors >= d->max_errors;
}

/* For tests: does some kept message equal @s exactly? */
bool diag_has(const struct diag *d, const char *s);

/*
 * Render a user-supplied string for a message: quoted, control characters
 * escaped, cut after 64 characters, so hostile input cannot mess up a
 * terminal or make messages huge.
 */
const char *diag_quote(char *buf, size_t size, const char *s);

#endif
