/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The system's uapi <linux/socket.h> (__kernel_sa_family_t, for the uapi
 * netlink header) and the C library's AF_* constants.
 */
#ifndef _KSHIM_LINUX_SOCKET_H
#define _KSHIM_LINUX_SOCKET_H

#include_next <linux/socket.h>
#include <sys/socket.h>

#endif
