// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_yaml.c: libFuzzer target for ksvcctl's front half.  Each input is
 * one manifest, taken through what model_load_opts() does to a file:
 * yaml_read_buf() -> validate_model() -> resolve_model() (only when
 * nothing was wrong) -> model_free().  Messages go to /dev/null, so the
 * printing path runs too but the fuzzer's output stays clean.
 *
 * First, the input must compose the same through yaml_fast as through
 * libyaml (../unit/yaml_same.h), and read in three parts as in sequence
 * (../unit/model_dump.h); a difference aborts, with the reason.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "model.h"
#include "resolve.h"
#include "validate.h"
#include "yaml_read.h"
#include "../unit/model_dump.h"
#include "../unit/yaml_same.h"

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	devnull = fopen("/dev/null", "w");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ysame same;
	struct model m;
	struct diag d;

	if (!yaml_same((const char *)data, size, &same)) {
		fprintf(stderr, "yaml_fast differs from libyaml: %s\n", same.why);
		abort();
	}
	/* A stream with no "---" after its first line has no parts. */
	if (memmem(data, size, "\n---", 4)) {
		char *want = read_dump_parts((const char *)data, size, 0);
		char *got = read_dump_parts((const char *)data, size, 3);

		if (strcmp(want, got)) {
			fprintf(stderr, "in parts:\n%s\nin sequence:\n%s\n", got,
				want);
			abort();
		}
		free(want);
		free(got);
	}
	memset(&m, 0, sizeof(m));
	diag_init(&d, devnull);
	yaml_read_buf("fuzz.yaml", (const char *)data, size, &m, &d);
	validate_model(&m, &d, NODEPORT_MIN_DEFAULT, NODEPORT_MAX_DEFAULT);
	if (!d.errors)
		resolve_model(&m, &d);
	model_free(&m);
	diag_free(&d);
	return 0;
}
