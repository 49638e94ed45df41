/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KSVCCTL_TRACE=1 in the environment: where one command's time went, a
 * line per step on stderr ("trace: read 1895.81 ms"), for benchmarks and
 * profiles; without it a step costs one branch.
 */
#ifndef KSVCCTL_TRACE_H
#define KSVCCTL_TRACE_H

/* Start timing (again) from now. */
void trace_begin(void);
/* The time since trace_begin() or the last step, as @what. */
void trace_step(const char *what);

#endif
