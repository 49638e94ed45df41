/* SPDX-License-Identifier: GPL-2.0 */
/* ksvcctl create: apply's input, but only new services. */
#ifndef KSVCCTL_CREATE_H
#define KSVCCTL_CREATE_H

#include <stdbool.h>
#include <stdio.h>

/* The verb (cmd.h's convention); main.c's table takes it from here. */
int cmd_create(int argc, char **argv);

/*
 * What "create" prints on stderr when SVC_NEW of @ns/@name failed with
 * @err: kubectl's AlreadyExists line when @name_taken, else the kernel's
 * @extack (NULL: none) worded as ksvc_nl_perror() does.  For tests.
 */
void create_report(FILE *f, const char *ns, const char *name, int err,
		   bool name_taken, const char *extack);

#endif
