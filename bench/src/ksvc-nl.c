// SPDX-License-Identifier: GPL-2.0
/*
 * ksvc-nl: ksvc's own netlink cost, without YAML parsing or ksvcctl.
 * Builds the same services as bench/gen.py (default/svc-<i>, ClusterIP
 * 10.96.0.1+i, 80/TCP, E backends 10.128.0.0+i*E+j:8080, ready) as raw
 * generic netlink messages first, then times only sending them and
 * reading the kernel's answers.
 *
 *   ksvc-nl program N E [PER_MSG]  KSVC_CMD_BATCH messages of PER_MSG services
 *                                  (0 = all N in one message)
 *   ksvc-nl update N E IDX a|b     KSVC_CMD_BACKENDS_SET of svc-IDX (variant a:
 *                                  first backend replaced, b: as programmed)
 *   ksvc-nl flush                  KSVC_CMD_FLUSH
 * With KSVC_NL_UDP=1 in the environment, the port is 80/UDP instead.
 * Prints "ms=.. msgs=.. bytes=.." or "error=ERRNO ..." (exit 1).
 */
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>
#include "../../include/uapi/linux/ksvc.h"

struct buf { char *p; size_t len, cap; };

static void grow(struct buf *b, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			exit(3);
	}
}

static size_t put(struct buf *b, int type, const void *d, size_t n)
{
	size_t off = b->len;
	struct nlattr *a;

	grow(b, NLA_HDRLEN + NLA_ALIGN(n));
	a = (struct nlattr *)(b->p + off);
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + n;
	if (n)
		memcpy(b->p + off + NLA_HDRLEN, d, n);
	memset(b->p + off + NLA_HDRLEN + n, 0, NLA_ALIGN(n) - n);
	b->len += NLA_HDRLEN + NLA_ALIGN(n);
	return off;
}
#define PUTV(b, t, v) ({ __typeof__(v) _v = (v); put(b, t, &_v, sizeof(_v)); })
static size_t nest(struct buf *b, int type) { return put(b, type | NLA_F_NESTED, NULL, 0); }
static void end(struct buf *b, size_t off)
{
	((struct nlattr *)(b->p + off))->nla_len = b->len - off;
}

static int fd, family;
static uint32_t seq = 1;

static void msg_start(struct buf *b, int type, int cmd, int flags)
{
	struct nlmsghdr *h;
	struct genlmsghdr *g;

	b->len = 0;
	grow(b, NLMSG_HDRLEN + GENL_HDRLEN);
	h = (struct nlmsghdr *)b->p;
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	h->nlmsg_seq = seq++;
	h->nlmsg_pid = 0;
	g = (struct genlmsghdr *)(b->p + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = KSVC_GENL_VERSION;
	g->reserved = 0;
	b->len = NLMSG_HDRLEN + GENL_HDRLEN;
}

static void msg_end(struct buf *b) { ((struct nlmsghdr *)b->p)->nlmsg_len = b->len; }

static char *rbuf;
#define RBUF (64 << 20)

/* Send, then read until the ACK; returns 0 or -errno.  Copies a CTRL
 * family id out when asked. */
static int xfer(struct buf *b, int *famid)
{
	struct nlmsghdr *h;
	uint32_t s = ((struct nlmsghdr *)b->p)->nlmsg_seq;

	if (send(fd, b->p, b->len, 0) < 0)
		return -errno;
	for (;;) {
		ssize_t r = recv(fd, rbuf, RBUF, 0);

		if (r < 0)
			return -errno;
		for (h = (void *)rbuf; NLMSG_OK(h, r); h = NLMSG_NEXT(h, r)) {
			if (h->nlmsg_seq != s)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				if (e->error && h->nlmsg_len > NLMSG_HDRLEN + sizeof(*e)) {
					/* print the extack message if any */
					struct nlattr *a = (void *)((char *)e + sizeof(*e));
					int rem = h->nlmsg_len - NLMSG_HDRLEN - sizeof(*e);

					if (!(h->nlmsg_flags & NLM_F_CAPPED)) {
						int l = NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
						a = (void *)((char *)a + l);
						rem -= l;
					}
					for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem;
					     rem -= NLA_ALIGN(a->nla_len), a = (void *)((char *)a + NLA_ALIGN(a->nla_len)))
						if (a->nla_type == NLMSGERR_ATTR_MSG)
							fprintf(stderr, "extack: %s\n", (char *)a + NLA_HDRLEN);
				}
				return e->error;
			}
			if (famid) {
				struct nlattr *a = (void *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
				int rem = h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;

				for (; rem >= NLA_HDRLEN; rem -= NLA_ALIGN(a->nla_len),
				     a = (void *)((char *)a + NLA_ALIGN(a->nla_len)))
					if (a->nla_type == CTRL_ATTR_FAMILY_ID)
						*famid = *(uint16_t *)((char *)a + NLA_HDRLEN);
			}
		}
	}
}

static uint8_t proto = 6;

static void svc(struct buf *b, int i, int e, int variant, int op)
{
	char name[32];
	uint32_t vip = htonl(0x0a600001 + i);
	size_t s, l, x, c;
	int j;

	snprintf(name, sizeof(name), "svc-%d", i);
	s = nest(b, KSVC_A_SERVICE);
	put(b, KSVC_SVC_A_NAMESPACE, "default", 8);
	put(b, KSVC_SVC_A_NAME, name, strlen(name) + 1);
	if (op != KSVC_OP_BACKENDS) {
		PUTV(b, KSVC_SVC_A_TYPE, (uint8_t)KSVC_SVC_TYPE_CLUSTER_IP);
		l = nest(b, KSVC_SVC_A_ADDRS);
		x = nest(b, KSVC_ADDR_A_ENTRY);
		PUTV(b, KSVC_ADDR_A_KIND, (uint8_t)KSVC_ADDR_KIND_CLUSTER);
		put(b, KSVC_ADDR_A_IN, &vip, 4);
		end(b, x);
		end(b, l);
		l = nest(b, KSVC_SVC_A_PORTS);
		x = nest(b, KSVC_PORT_A_ENTRY);
		put(b, KSVC_PORT_A_NAME, proto == 6 ? "tcp" : "udp", 4);
		PUTV(b, KSVC_PORT_A_PROTO, proto);
		PUTV(b, KSVC_PORT_A_PORT, (uint16_t)80);
		PUTV(b, KSVC_PORT_A_TARGET_PORT, (uint16_t)8080);
		end(b, x);
		end(b, l);
	}
	if (op && op != KSVC_OP_BACKENDS)	/* BACKENDS: KSVC_CMD_BACKENDS_SET */
		PUTV(b, KSVC_SVC_A_OP, (uint8_t)op);
	end(b, s);
	c = nest(b, KSVC_A_BACKENDS);
	PUTV(b, KSVC_BES_A_PROTO, proto);
	PUTV(b, KSVC_BES_A_PORT, (uint16_t)80);
	for (j = 0; j < e; j++) {
		uint32_t ip = htonl(0x0a800000 + (uint32_t)i * e + j);

		if (variant && j == 0)
			ip = htonl(0x0aa00000 + i);
		x = nest(b, KSVC_BES_A_ENTRY);
		put(b, KSVC_BE_A_IN, &ip, 4);
		PUTV(b, KSVC_BE_A_PORT, (uint16_t)8080);
		PUTV(b, KSVC_BE_A_FLAGS, (uint32_t)(KSVC_BE_F_READY | KSVC_BE_F_SERVING));
		put(b, KSVC_BE_A_NODE_NAME, "node-1", 7);
		end(b, x);
	}
	end(b, c);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int big = 256 << 20, one = 1, i, err = 0, nmsg = 0;
	struct buf b = { 0 }, *msgs = NULL;
	size_t bytes = 0;
	double t0, t1;

	if (argc < 2)
		return 2;
	if (getenv("KSVC_NL_UDP") && atoi(getenv("KSVC_NL_UDP")))
		proto = 17;
	rbuf = malloc(RBUF);
	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	if (fd < 0 || bind(fd, (void *)&sa, sizeof(sa)))
		return perror("netlink"), 1;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	msg_start(&b, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	((struct genlmsghdr *)(b.p + NLMSG_HDRLEN))->version = 1;
	put(&b, CTRL_ATTR_FAMILY_NAME, KSVC_GENL_NAME, sizeof(KSVC_GENL_NAME));
	msg_end(&b);
	if ((err = xfer(&b, &family)) || !family) {
		fprintf(stderr, "ksvc-nl: no ksvc family (%s)\n", strerror(-err));
		return 1;
	}
	if (!strcmp(argv[1], "program") && argc >= 4) {
		int n = atoi(argv[2]), e = atoi(argv[3]);
		int per = argc > 4 ? atoi(argv[4]) : 0;

		if (per <= 0)
			per = n;
		msgs = calloc((n + per - 1) / per, sizeof(*msgs));
		for (i = 0; i < n; i++) {
			if (i % per == 0) {
				if (i)
					msg_end(&msgs[nmsg - 1]);
				msg_start(&msgs[nmsg++], family, KSVC_CMD_BATCH, 0);
			}
			svc(&msgs[nmsg - 1], i, e, 0, KSVC_OP_APPLY);
		}
		msg_end(&msgs[nmsg - 1]);
	} else if (!strcmp(argv[1], "update") && argc >= 6) {
		msgs = calloc(1, sizeof(*msgs));
		msg_start(&msgs[0], family, KSVC_CMD_BACKENDS_SET, 0);
		svc(&msgs[0], atoi(argv[4]), atoi(argv[3]), argv[5][0] == 'a', KSVC_OP_BACKENDS);
		msg_end(&msgs[0]);
		nmsg = 1;
	} else if (!strcmp(argv[1], "flush")) {
		msgs = calloc(1, sizeof(*msgs));
		msg_start(&msgs[0], family, KSVC_CMD_FLUSH, 0);
		msg_end(&msgs[0]);
		nmsg = 1;
	} else {
		fprintf(stderr, "usage: see the comment at the top of ksvc-nl.c\n");
		return 2;
	}
	for (i = 0; i < nmsg; i++)
		bytes += msgs[i].len;
	t0 = now();
	for (i = 0; i < nmsg && !err; i++)
		err = xfer(&msgs[i], NULL);
	t1 = now();
	if (err) {
		printf("error=%d (%s) msg=%d/%d bytes=%zu ms=%.3f\n", -err, strerror(-err), i, nmsg, bytes, t1 - t0);
		return 1;
	}
	printf("ms=%.3f msgs=%d bytes=%zu\n", t1 - t0, nmsg, bytes);
	return 0;
}
