// SPDX-License-Identifier: GPL-2.0
/*
 * connbench tcp|udp IP PORT COUNT [WARMUP]
 *
 * COUNT new connections (TCP: socket, connect, send a request, read the
 * reply to EOF, close; UDP: a fresh socket per request, so a fresh
 * conntrack entry, send, recv with a 1 s timeout, close), one at a time.
 * WARMUP (default 50) unmeasured ones first.  Prints one line:
 *   proto=tcp n=COUNT fail=F secs=S rate=CONNS_PER_S p50_us=.. p90_us=.. p99_us=.. mean_us=..
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int one(int udp, const struct sockaddr_in *sa)
{
	static const char req[] = "GET / HTTP/1.0\r\n\r\n";
	char buf[512];
	int fd = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	struct timeval tv = { .tv_sec = 1 };
	ssize_t r;
	int ok = 0;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0)
		goto out;
	if (send(fd, req, sizeof(req) - 1, 0) < 0)
		goto out;
	if (udp) {
		ok = recv(fd, buf, sizeof(buf), 0) > 0;
	} else {
		while ((r = recv(fd, buf, sizeof(buf), 0)) > 0)
			ok = 1;
		if (r < 0)
			ok = 0;
	}
out:
	close(fd);
	return ok ? 0 : -1;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int udp, n, warm, i, fail = 0, k = 0;
	double *lat, t0, t1, sum = 0;

	if (argc < 5) {
		fprintf(stderr, "usage: connbench tcp|udp IP PORT COUNT [WARMUP]\n");
		return 2;
	}
	udp = !strcmp(argv[1], "udp");
	inet_pton(AF_INET, argv[2], &sa.sin_addr);
	sa.sin_port = htons(atoi(argv[3]));
	n = atoi(argv[4]);
	warm = argc > 5 ? atoi(argv[5]) : 50;
	lat = calloc(n, sizeof(*lat));
	for (i = 0; i < warm; i++)
		one(udp, &sa);
	t0 = now();
	for (i = 0; i < n; i++) {
		double a = now();

		if (one(udp, &sa)) {
			fail++;
			if (fail > 20 && fail > n / 10)
				break;
			continue;
		}
		lat[k] = now() - a;
		sum += lat[k++];
	}
	t1 = now();
	qsort(lat, k, sizeof(*lat), cmp);
	if (!k) {
		printf("proto=%s n=0 fail=%d\n", argv[1], fail);
		return 1;
	}
	printf("proto=%s n=%d fail=%d secs=%.3f rate=%.1f p50_us=%.1f p90_us=%.1f p99_us=%.1f mean_us=%.1f\n",
	       argv[1], k, fail, t1 - t0, k / (t1 - t0), lat[k / 2] * 1e6,
	       lat[k * 9 / 10] * 1e6, lat[k * 99 / 100] * 1e6, sum / k * 1e6);
	return fail > n / 100;
}
