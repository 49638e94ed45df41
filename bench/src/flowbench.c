// SPDX-License-Identifier: GPL-2.0
/*
 * flowbench [-n NETNS] -c DEV[,DEV...] [-s SRC] [-w WARMUP] [-t SECS]
 *           [-b BATCH] [-W WINDOW] [-C CHUNK] DST PORT COUNT
 *
 * New-flow rate: COUNT UDP datagrams to DST:PORT, each from a different
 * source port (and, every 64000 datagrams, the next source address after
 * SRC), so every datagram is a new conntrack entry that takes the NAT
 * lookup of the node it crosses.  Sent from one raw socket (IP_HDRINCL)
 * with sendmmsg(), BATCH (32) at a time, for at most SECS (10) seconds.
 *
 * What is counted is what got through: the sum of the tx_packets
 * counters of the node-side veths DEVs (the pods' links; a veth counts a
 * packet there once it is queued to the pod), read from sysfs in the
 * netns flowbench starts in, before it joins NETNS (the client's netns,
 * /run/netns/NETNS) to send.  Over veth the whole path (client stack,
 * node PREROUTING/NAT, forwarding, pod) normally runs in the sender's own
 * softirq, so the sender is throttled by the per-packet cost; in case the
 * softirq is deferred (ksoftirqd), at most about WINDOW (512; checked
 * every WINDOW/4, so < 640, under the default netdev_max_backlog of 1000)
 * datagrams are let in flight (sent, not yet counted), so the rate cannot
 * be a send rate with drops behind it.
 *
 * rate = delivered / (time of the last counted delivery - start).  WARMUP
 * (default 500) datagrams first, unmeasured (ARP, caches), with their own
 * source ports.  The payload starts with "ksvc-flowbench", which srv does
 * not answer (no reply traffic; vm-bench.sh drops them at the pods'
 * ingress with tc before they reach a socket).  chunk_p50/chunk_p90: the
 * median and 90th percentile of the rates of consecutive stretches of
 * CHUNK (1000) delivered flows.  Prints one line:
 *   proto=udp n=SENT delivered=D lost=L secs=S rate=FLOWS_PER_S
 *   send_secs=.. chunks=K chunk_p50=.. chunk_p90=..
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXDEV 8
#define MAXBATCH 256
#define PORTS 64000	/* source ports 1024..65023 per source address */
#define PAYLOAD "ksvc-flowbench\n"

struct pkt {
	struct iphdr ip;
	struct udphdr udp;
	char data[sizeof(PAYLOAD) - 1];
} __attribute__((packed));

static int ndev, devfd[MAXDEV];

/* (time, delivered) at every counter reading of the measured run */
static struct sample {
	double t;
	uint64_t d;
} *smp;
static size_t nsmp, maxsmp;

static void sample(double t, uint64_t d)
{
	if (nsmp == maxsmp) {
		maxsmp = maxsmp ? 2 * maxsmp : 1024;
		smp = realloc(smp, maxsmp * sizeof(*smp));
		if (!smp)
			exit(2);
	}
	smp[nsmp++] = (struct sample){ t, d };
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	perror(what);
	exit(2);
}

/* packets the node has queued to the pods so far */
static uint64_t delivered(void)
{
	uint64_t sum = 0;
	char buf[32];
	ssize_t r;
	int i;

	for (i = 0; i < ndev; i++) {
		r = pread(devfd[i], buf, sizeof(buf) - 1, 0);
		if (r <= 0)
			die("pread tx_packets");
		buf[r] = 0;
		sum += strtoull(buf, NULL, 10);
	}
	return sum;
}

static uint16_t csum_add(uint32_t sum, const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* datagram number @idx: source SRC + idx / PORTS, port 1024 + idx % PORTS */
static void build(struct pkt *p, uint32_t src, uint32_t dst, uint16_t dport,
		  uint32_t idx)
{
	struct {
		uint32_t s, d;
		uint8_t z, proto;
		uint16_t len;
	} __attribute__((packed)) ph;
	uint32_t sum;

	memset(p, 0, sizeof(*p));
	p->ip.version = 4;
	p->ip.ihl = 5;
	p->ip.ttl = 64;
	p->ip.protocol = IPPROTO_UDP;
	p->ip.tot_len = htons(sizeof(*p));	/* the kernel fills id, check */
	p->ip.saddr = htonl(src + idx / PORTS);
	p->ip.daddr = dst;
	p->udp.source = htons(1024 + idx % PORTS);
	p->udp.dest = dport;
	p->udp.len = htons(sizeof(*p) - sizeof(p->ip));
	memcpy(p->data, PAYLOAD, sizeof(p->data));
	ph.s = p->ip.saddr;
	ph.d = p->ip.daddr;
	ph.z = 0;
	ph.proto = IPPROTO_UDP;
	ph.len = p->udp.len;
	sum = csum_add(0, &ph, sizeof(ph));
	sum = csum_add(sum, &p->udp, sizeof(*p) - sizeof(p->ip));
	p->udp.check = htons(~sum & 0xffff) ?: 0xffff;
}

/*
 * Send datagrams @first .. @first+@count-1 (or until @deadline), at most
 * @window in flight.  Returns the number sent; *@base is the counter
 * before, *@got what arrived, *@t_last the time of the last arrival.
 */
static uint32_t run(int fd, const struct sockaddr_in *sa, uint32_t src,
		    uint32_t first, uint32_t count, int batch, uint32_t window,
		    double deadline, uint64_t *got, double *t_last)
{
	static struct pkt pk[MAXBATCH];
	static struct iovec iov[MAXBATCH];
	static struct mmsghdr mm[MAXBATCH];
	uint64_t base = delivered(), d = 0, nd;
	uint32_t sent = 0, checked = 0;
	double t, stall;
	int i, nb, r;

	nsmp = 0;
	*t_last = now();
	sample(*t_last, 0);
	while (sent < count && now() < deadline) {
		nb = count - sent < (uint32_t)batch ? (int)(count - sent) : batch;
		for (i = 0; i < nb; i++) {
			build(&pk[i], src, sa->sin_addr.s_addr, sa->sin_port,
			      first + sent + i);
			iov[i] = (struct iovec){ &pk[i], sizeof(pk[i]) };
			mm[i].msg_hdr = (struct msghdr){
				.msg_name = (void *)sa, .msg_namelen = sizeof(*sa),
				.msg_iov = &iov[i], .msg_iovlen = 1 };
		}
		r = sendmmsg(fd, mm, nb, 0);
		if (r < 0) {
			if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) {
				usleep(100);
				continue;
			}
			die("sendmmsg");
		}
		sent += r;
		if (sent - checked < window / 4)
			continue;	/* the counters every window/4 datagrams */
		checked = sent;
		nd = delivered() - base;
		if (nd != d) {
			d = nd;
			*t_last = now();
			sample(*t_last, d);
		}
		/* more than @window in flight: wait (at most 1 s without progress) */
		stall = now();
		while ((int64_t)sent - (int64_t)d > window && now() - stall < 1) {
			usleep(200);
			nd = delivered() - base;
			if (nd != d) {
				d = nd;
				*t_last = stall = now();
				sample(*t_last, d);
			}
		}
		if ((int64_t)sent - (int64_t)d > window)
			break;	/* packets are being lost, not delayed */
	}
	/* the rest: until all arrived or 0.2 s without progress */
	t = now();
	for (;;) {
		nd = delivered() - base;
		if (nd != d) {
			d = nd;
			*t_last = t = now();
			sample(*t_last, d);
		}
		if (d >= sent || now() - t >= 0.2)
			break;
		usleep(500);
	}
	*got = d < sent ? d : sent;	/* other packets on the links: rare */
	return sent;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Rates of consecutive stretches of >= @chunk delivered flows: the run's
 * spread, and its fast end (p90), which a busy host disturbs least.
 */
static int chunks(uint32_t chunk, double *p50, double *p90)
{
	double *r = calloc(nsmp + 1, sizeof(*r));
	size_t i, s = 0;
	int n = 0;

	if (!r)
		exit(2);
	for (i = 1; i < nsmp; i++) {
		if (smp[i].d - smp[s].d < chunk || smp[i].t <= smp[s].t)
			continue;
		r[n++] = (smp[i].d - smp[s].d) / (smp[i].t - smp[s].t);
		s = i;
	}
	qsort(r, n, sizeof(*r), cmp);
	if (n) {
		*p50 = r[n / 2];
		*p90 = r[n * 9 / 10];
	}
	free(r);
	return n;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	uint32_t src = ntohl(inet_addr("10.244.255.2"));
	uint32_t count, warm = 500, window = 512, sent, chunk = 1000;
	double p50 = 0, p90 = 0;
	int nch;
	const char *ns = NULL, *devs = NULL;
	int fd, c, batch = 32;
	double secs = 10, t0, t_last, t_send;
	uint64_t got;
	char path[256], *dl, *tok, *save;
	struct in_addr a;

	while ((c = getopt(argc, argv, "n:c:s:w:t:b:W:C:")) != -1) {
		switch (c) {
		case 'n': ns = optarg; break;
		case 'c': devs = optarg; break;
		case 's':
			if (!inet_aton(optarg, &a))
				goto usage;
			src = ntohl(a.s_addr);
			break;
		case 'w': warm = strtoul(optarg, NULL, 0); break;
		case 't': secs = atof(optarg); break;
		case 'b': batch = atoi(optarg); break;
		case 'W': window = strtoul(optarg, NULL, 0); break;
		case 'C': chunk = strtoul(optarg, NULL, 0); break;
		default: goto usage;
		}
	}
	if (argc - optind != 3 || !devs || batch < 1 || batch > MAXBATCH || window < 4 ||
	    !inet_aton(argv[optind], &sa.sin_addr))
		goto usage;
	sa.sin_port = htons(atoi(argv[optind + 1]));
	count = strtoul(argv[optind + 2], NULL, 0);
	if ((uint64_t)warm + count > 254ULL * PORTS)
		goto usage;

	/* the counters first, in the netns we were started in */
	dl = strdup(devs);
	for (tok = strtok_r(dl, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (ndev == MAXDEV)
			goto usage;
		snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/tx_packets", tok);
		devfd[ndev] = open(path, O_RDONLY);
		if (devfd[ndev++] < 0)
			die(path);
	}
	free(dl);
	if (ns) {
		snprintf(path, sizeof(path), "/run/netns/%s", ns);
		fd = open(path, O_RDONLY);
		if (fd < 0) {
			snprintf(path, sizeof(path), "/var/run/netns/%s", ns);
			fd = open(path, O_RDONLY);
		}
		if (fd < 0)
			die(path);
		if (setns(fd, CLONE_NEWNET))
			die("setns");
		close(fd);
	}
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);	/* implies IP_HDRINCL */
	if (fd < 0)
		die("socket");

	if (warm)
		run(fd, &sa, src, 0, warm, batch, window, now() + 10, &got, &t_last);
	t0 = now();
	sent = run(fd, &sa, src, warm, count, batch, window, now() + secs, &got, &t_last);
	t_send = now() - t0;
	if (!got || t_last <= t0) {
		printf("proto=udp n=%u delivered=0 lost=%u\n", sent, sent);
		return 1;
	}
	nch = chunks(chunk, &p50, &p90);
	printf("proto=udp n=%u delivered=%llu lost=%lld secs=%.3f rate=%.1f send_secs=%.3f chunks=%d chunk_p50=%.1f chunk_p90=%.1f\n",
	       sent, (unsigned long long)got, (long long)sent - (long long)got,
	       t_last - t0, got / (t_last - t0), t_send, nch, p50, p90);
	return got + sent / 100 < sent;
usage:
	fprintf(stderr, "usage: flowbench [-n NETNS] -c DEV[,DEV...] [-s SRC] [-w WARMUP] [-t SECS] [-b BATCH] [-W WINDOW] [-C CHUNK] DST PORT COUNT\n");
	return 2;
}
