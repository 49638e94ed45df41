/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nlw: netlink attributes written straight into an nl_msg's buffer.
 *
 * Why not libnl's nla_put(): a KSVC_CMD_BATCH of 10000 services x 10
 * backends is 1.3 million attributes, and libnl spends several calls on
 * each (nla_reserve, nla_total_size, nla_padlen, nlmsg_tail, memset) --
 * 35 ms natively, half a second under TCG, more than the kernel takes to
 * apply the batch.  Here an attribute is a few stores.  The wire format is
 * the same (struct nlattr, 4-byte alignment, zeroed padding); libnl still
 * owns the message, the socket and every parse.
 *
 * nlw_open() claims the rest of the message's buffer, nlw_close() gives
 * back what was not written.  A put that does not fit sets the sticky
 * -EMSGSIZE and writes nothing; a nest over 64 KiB (nla_len is 16 bits)
 * -E2BIG.  So callers check once, at nlw_close().
 */
#ifndef KSVCCTL_NLW_H
#define KSVCCTL_NLW_H

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <netlink/msg.h>

struct nlw {
	char *head;	/* the nlmsghdr: offsets are from here */
	char *p, *end;	/* the tail, the end of the buffer */
	int err;	/* the first error; nothing is written after it */
};

static inline void nlw_open(struct nlw *w, struct nl_msg *msg)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);
	size_t len = h->nlmsg_len;

	w->head = (char *)h;
	w->p = w->head + len;
	w->end = w->head + nlmsg_get_max_size(msg);
	w->err = 0;
}

/* The message ends where writing stopped; returns the first error. */
static inline int nlw_close(struct nlw *w, struct nl_msg *msg)
{
	nlmsg_hdr(msg)->nlmsg_len = (uint32_t)(w->p - w->head);
	return w->err;
}

static inline uint32_t nlw_off(const struct nlw *w)
{
	return (uint32_t)(w->p - w->head);
}

/* An attribute of @len payload bytes, padding zeroed; NULL on error. */
static inline void *nlw_attr(struct nlw *w, int type, size_t len)
{
	size_t total = NLA_ALIGN(NLA_HDRLEN + len);
	struct nlattr *a = (struct nlattr *)w->p;

	if (w->err || len > 0xffff - NLA_HDRLEN ||
	    total > (size_t)(w->end - w->p)) {
		w->err = w->err ?: -EMSGSIZE;
		return NULL;
	}
	/* zero the last word first: the payload overwrites what is not pad */
	memset(w->p + total - 4, 0, 4);
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	a->nla_type = (uint16_t)type;
	w->p += total;
	return (char *)a + NLA_HDRLEN;
}

static inline void nlw_put(struct nlw *w, int type, size_t len, const void *v)
{
	void *d = nlw_attr(w, type, len);

	if (d && len)
		memcpy(d, v, len);
}

static inline void nlw_u8(struct nlw *w, int type, uint8_t v)
{
	nlw_put(w, type, 1, &v);
}

static inline void nlw_u16(struct nlw *w, int type, uint16_t v)
{
	nlw_put(w, type, 2, &v);
}

static inline void nlw_u32(struct nlw *w, int type, uint32_t v)
{
	nlw_put(w, type, 4, &v);
}

static inline void nlw_str(struct nlw *w, int type, const char *s)
{
	nlw_put(w, type, strlen(s) + 1, s);
}

/* A nest's start, as an offset (the buffer never moves while writing). */
static inline uint32_t nlw_nest(struct nlw *w, int type)
{
	uint32_t at = nlw_off(w);

	nlw_attr(w, NLA_F_NESTED | type, 0);
	return at;
}

/* Close the nest opened at @at, empty or not (empty means "none" here). */
static inline void nlw_nest_end(struct nlw *w, uint32_t at)
{
	size_t len = nlw_off(w) - at;

	if (w->err)
		return;
	if (len > 0xffff) {
		w->err = -E2BIG;
		return;
	}
	((struct nlattr *)(w->head + at))->nla_len = (uint16_t)len;
}

#endif
