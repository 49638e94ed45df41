// SPDX-License-Identifier: GPL-2.0
/* Table layout and human durations, as kubectl renders them. */
#include <stdlib.h>
#include <string.h>

#include "print.h"

#define TAB_MINWIDTH	6	/* kubectl's printers.GetNewTabWriter */
#define TAB_PADDING	3

#define MIN_NS		(60LL * 1000000000LL)
#define HOUR_NS		(60 * MIN_NS)

/* Rules and thresholds of HumanDuration; note the truncating divisions. */
static void human_hours(int64_t d_ns, char *buf, size_t len)
{
	int64_t hours = d_ns / HOUR_NS, days = hours / 24;

	if (hours < 8 && (d_ns / MIN_NS) % 60)
		snprintf(buf, len, "%lldh%lldm", (long long)hours,
			 (long long)(d_ns / MIN_NS) % 60);
	else if (hours < 48)
		snprintf(buf, len, "%lldh", (long long)hours);
	else if (hours < 24 * 8 && hours % 24)
		snprintf(buf, len, "%lldd%lldh", (long long)days,
			 (long long)hours % 24);
	else if (hours < 24 * 365 * 2)
		snprintf(buf, len, "%lldd", (long long)days);
	else if (hours < 24 * 365 * 8 && days % 365)
		snprintf(buf, len, "%lldy%lldd", (long long)days / 365,
			 (long long)days % 365);
	else
		snprintf(buf, len, "%lldy", (long long)days / 365);
}

void human_duration(int64_t d_ns, char *buf, size_t len)
{
	int64_t secs = d_ns / 1000000000LL, mins = d_ns / MIN_NS;

	/* Up to 2 s in the future is clock skew, as kubectl allows. */
	if (secs < -1)
		snprintf(buf, len, "<invalid>");
	else if (secs < 0)
		snprintf(buf, len, "0s");
	else if (secs < 120)
		snprintf(buf, len, "%llds", (long long)secs);
	else if (mins < 10 && secs % 60)
		snprintf(buf, len, "%lldm%llds", (long long)mins,
			 (long long)secs % 60);
	else if (mins < 180)
		snprintf(buf, len, "%lldm", (long long)mins);
	else
		human_hours(d_ns, buf, len);
}

void table_init(struct table *t, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
}

int table_add(struct table *t, const char *const *row)
{
	size_t i, base = t->nrows * t->ncols;
	char **cells;

	if (t->nrows == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		cells = realloc(t->cells, t->cap * t->ncols * sizeof(*cells));
		if (!cells)
			return -1;
		t->cells = cells;
	}
	for (i = 0; i < t->ncols; i++) {
		t->cells[base + i] = strdup(row[i] ? row[i] : "");
		if (!t->cells[base + i])
			return -1;	/* row not counted; table_free skips it */
	}
	t->nrows++;
	return 0;
}

/* tabwriter: a column is as wide as its widest cell plus padding. */
static size_t col_width(const struct table *t, size_t col)
{
	size_t r, w = TAB_MINWIDTH, cw;

	for (r = 0; r < t->nrows; r++) {
		cw = strlen(t->cells[r * t->ncols + col]) + TAB_PADDING;
		if (cw > w)
			w = cw;
	}
	return w;
}

void table_print(const struct table *t, FILE *f)
{
	size_t r, c, *w = calloc(t->ncols, sizeof(*w));

	if (!w)
		return;
	for (c = 0; c + 1 < t->ncols; c++)
		w[c] = col_width(t, c);
	for (r = 0; r < t->nrows; r++) {
		/* The last cell ends the line: tabwriter never pads it. */
		for (c = 0; c + 1 < t->ncols; c++)
			fprintf(f, "%-*s", (int)w[c], t->cells[r * t->ncols + c]);
		fprintf(f, "%s\n", t->cells[r * t->ncols + c]);
	}
	free(w);
}

void table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}
