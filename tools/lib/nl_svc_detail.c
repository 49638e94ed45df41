// SPDX-License-Identifier: GPL-2.0
/*
 * SVC_GET reply -> struct svc_detail: ksvc_svc_decode() for the service,
 * then every KSVC_BES_A_ENTRY of every KSVC_A_BACKENDS chunk kept whole,
 * for "describe".  Chunks are walked one by one, as in nl_svc_decode.c:
 * several may name the same port.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "svc_detail.h"

static struct nla_policy be_policy[KSVC_BE_A_MAX + 1] = {
	[KSVC_BE_A_IN]		= { .minlen = 4, .maxlen = 4 },
	[KSVC_BE_A_IN6]		= { .minlen = 16, .maxlen = 16 },
	[KSVC_BE_A_PORT]	= { .type = NLA_U16 },
	[KSVC_BE_A_FLAGS]	= { .type = NLA_U32 },
	[KSVC_BE_A_WEIGHT]	= { .type = NLA_U16 },
	[KSVC_BE_A_NODE_NAME]	= { .type = NLA_STRING, .maxlen = KSVC_NAME_MAX },
	[KSVC_BE_A_STATS]	= { .type = NLA_NESTED },
};

static struct wire_backend *be_push(struct svc_detail *d, size_t *cap)
{
	struct wire_backend *v;

	if (d->n_be == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		v = realloc(d->be, *cap * sizeof(*v));
		if (!v)
			return NULL;
		d->be = v;
	}
	v = &d->be[d->n_be++];
	memset(v, 0, sizeof(*v));
	return v;
}

static int decode_be(struct nlattr *entry, struct wire_backend *b)
{
	struct nlattr *tb[KSVC_BE_A_MAX + 1], *addr;

	if (nla_parse_nested(tb, KSVC_BE_A_MAX, entry, be_policy) < 0 ||
	    !tb[KSVC_BE_A_IN] == !tb[KSVC_BE_A_IN6] || !tb[KSVC_BE_A_PORT])
		return -EBADMSG;
	addr = tb[KSVC_BE_A_IN] ?: tb[KSVC_BE_A_IN6];
	b->family = tb[KSVC_BE_A_IN] ? AF_INET : AF_INET6;
	nla_memcpy(b->a, addr, sizeof(b->a));
	b->port = nla_get_u16(tb[KSVC_BE_A_PORT]);
	b->weight = tb[KSVC_BE_A_WEIGHT] ? nla_get_u16(tb[KSVC_BE_A_WEIGHT]) : 1;
	if (tb[KSVC_BE_A_FLAGS])
		b->flags = nla_get_u32(tb[KSVC_BE_A_FLAGS]);
	if (tb[KSVC_BE_A_NODE_NAME])
		nla_strlcpy(b->node, tb[KSVC_BE_A_NODE_NAME], sizeof(b->node));
	if (tb[KSVC_BE_A_STATS])
		return ksvc_stats_decode(tb[KSVC_BE_A_STATS], &b->stats);
	return 0;
}

static int decode_chunk(struct nlattr *chunk, struct svc_detail *d,
			size_t *cap)
{
	struct wire_backend *b;
	struct nlattr *pos;
	int i, rem;

	i = ksvc_chunk_port(chunk, &d->svc);
	if (i < 0)
		return i;
	nla_for_each_nested(pos, chunk, rem) {
		if (nla_type(pos) != KSVC_BES_A_ENTRY)
			continue;
		b = be_push(d, cap);
		if (!b)
			return -ENOMEM;
		b->port_idx = i;
		if (decode_be(pos, b))
			return -EBADMSG;
	}
	return 0;
}

int svc_detail_decode(struct nlmsghdr *nlh, struct svc_detail *d)
{
	size_t cap = 0;
	struct nlattr *a;
	int rem, err;

	memset(d, 0, sizeof(*d));
	err = ksvc_svc_decode(nlh, &d->svc);	/* checks the header too */
	if (err)
		return err;
	nlmsg_for_each_attr(a, nlh, GENL_HDRLEN, rem) {
		if (nla_type(a) != KSVC_A_BACKENDS)
			continue;
		err = decode_chunk(a, d, &cap);
		if (err) {
			svc_detail_free(d);
			return err;
		}
	}
	return 0;
}

void svc_detail_free(struct svc_detail *d)
{
	ksvc_svc_free(&d->svc);
	free(d->be);
	d->be = NULL;
	d->n_be = 0;
}

bool svc_detail_partial(const struct svc_detail *d)
{
	size_t i, j, n;

	for (i = 0; i < d->svc.n_ports; i++) {
		for (j = n = 0; j < d->n_be; j++)
			n += d->be[j].port_idx == i;
		if (n < d->svc.ports[i].n_backends)
			return true;
	}
	return false;
}
