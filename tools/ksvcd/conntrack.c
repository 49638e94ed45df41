// SPDX-License-Identifier: GPL-2.0
/*
 * conntrack.c: see conntrack.h.  The sysctls are per network namespace
 * since 4.x; the hash size is global and can only be written from the
 * initial namespace, so a failure there is a warning, not an error
 * (kube-proxy says the same and goes on).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conntrack.h"
#include "log.h"

#define SYSCTL	"/proc/sys/net/netfilter/"
#define HASHSIZE	"/sys/module/nf_conntrack/parameters/hashsize"

static long read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static int write_long(const char *path, long v)
{
	FILE *f;
	int err = 0;

	if (read_long(path) == v)
		return 0;
	f = fopen(path, "w");
	if (!f)
		return -errno;
	if (fprintf(f, "%ld\n", v) < 0)
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	if (err)
		log_error("setting %s to %ld: %s", path, v, strerror(-err));
	else
		log_info(1, "set %s to %ld", path, v);
	return err;
}

static int set_max(long max_per_core, long min)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	long max = max_per_core * (cpus > 0 ? cpus : 1);
	int err;

	if (max < min)
		max = min;
	err = write_long(SYSCTL "nf_conntrack_max", max);
	if (err)
		return err;
	if (read_long(HASHSIZE) < max / 4 && write_long(HASHSIZE, max / 4))
		log_warn("%s not raised to %ld (writable only from the initial network namespace)",
			 HASHSIZE, max / 4);
	return 0;
}

int conntrack_setup(long max_per_core, long min, long tcp_established_s,
		    long tcp_close_wait_s)
{
	int err = 0;

	if (max_per_core > 0)
		err = set_max(max_per_core, min);
	if (!err && tcp_established_s > 0)
		err = write_long(SYSCTL "nf_conntrack_tcp_timeout_established",
				 tcp_established_s);
	if (!err && tcp_close_wait_s > 0)
		err = write_long(SYSCTL "nf_conntrack_tcp_timeout_close_wait",
				 tcp_close_wait_s);
	return err;
}
