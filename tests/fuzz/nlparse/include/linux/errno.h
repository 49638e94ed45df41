/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The C library's <errno.h> includes <linux/errno.h> for the values: pass
 * that on to the system's, then the rest of the stand-in (see kshim.h).
 */
#include_next <linux/errno.h>
#include <kshim.h>
