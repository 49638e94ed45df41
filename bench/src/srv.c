// SPDX-License-Identifier: GPL-2.0
/*
 * srv PORT NAME: a pod's server.  TCP: accept, read the request, answer
 * "NAME\n", close (the server closes first, so TIME_WAIT stays in the pod
 * and the client's ports are free again at once).  UDP: answer every
 * datagram with "NAME\n", except flowbench's ("ksvc-flowbench..."), which
 * are read and dropped (no reply traffic); up to 64 datagrams per
 * recvmmsg(), so a flowbench burst costs the pod few syscalls.  One
 * thread, poll().
 */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define VLEN 64

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	static char ubuf[VLEN][512];
	static struct sockaddr_in from[VLEN];
	static struct iovec iov[VLEN];
	static struct mmsghdr mm[VLEN];
	char msg[80], buf[512];
	int t, u, one = 1, len, i, n;
	struct pollfd p[2];

	if (argc < 3)
		return 2;
	len = snprintf(msg, sizeof(msg), "%s\n", argv[2]);
	sa.sin_port = htons(atoi(argv[1]));
	t = socket(AF_INET, SOCK_STREAM, 0);
	u = socket(AF_INET, SOCK_DGRAM, 0);
	setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(t, (void *)&sa, sizeof(sa)) || listen(t, 1024) ||
	    bind(u, (void *)&sa, sizeof(sa))) {
		perror("srv");
		return 1;
	}
	p[0] = (struct pollfd){ .fd = t, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = u, .events = POLLIN };
	for (;;) {
		if (poll(p, 2, -1) < 0)
			continue;
		if (p[0].revents) {
			int c = accept(t, NULL, NULL);

			if (c >= 0) {
				if (recv(c, buf, sizeof(buf), 0) > 0)
					send(c, msg, len, MSG_NOSIGNAL);
				close(c);
			}
		}
		if (!p[1].revents)
			continue;
		do {
			for (i = 0; i < VLEN; i++) {
				iov[i] = (struct iovec){ ubuf[i], sizeof(ubuf[i]) };
				mm[i].msg_hdr = (struct msghdr){
					.msg_name = &from[i], .msg_namelen = sizeof(from[i]),
					.msg_iov = &iov[i], .msg_iovlen = 1 };
			}
			n = recvmmsg(u, mm, VLEN, MSG_DONTWAIT, NULL);
			for (i = 0; i < n; i++)
				if (!(mm[i].msg_len >= 14 && !memcmp(ubuf[i], "ksvc-flowbench", 14)))
					sendto(u, msg, len, 0, (void *)&from[i], mm[i].msg_hdr.msg_namelen);
		} while (n == VLEN);
	}
}
