/* SPDX-License-Identifier: GPL-2.0 */
/* "describe services": kubectl's describe layout of a struct svc_detail. */
#ifndef KSVCCTL_DESCRIBE_H
#define KSVCCTL_DESCRIBE_H

#include <stdio.h>

#include "svc_detail.h"

/* One "kubectl describe service" block, ending with "Events: <none>". */
void describe_svc(FILE *f, const struct svc_detail *d);

/* The verb (cmd.h's convention); main.c's table takes it from here. */
int cmd_describe(int argc, char **argv);

#endif
