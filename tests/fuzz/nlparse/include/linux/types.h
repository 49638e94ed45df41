/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The uapi types (__u32, __be16, ...) from the system's <linux/types.h>,
 * and the kernel's short names for them.
 */
#ifndef _KSHIM_LINUX_TYPES_H
#define _KSHIM_LINUX_TYPES_H

#include_next <linux/types.h>
#include <stdbool.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;

#endif
