/* SPDX-License-Identifier: GPL-2.0 */
/* The fuzz target's stand-in: see kshim.h. */
#include <kshim.h>
