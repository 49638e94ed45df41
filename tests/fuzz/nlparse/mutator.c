// SPDX-License-Identifier: GPL-2.0
/*
 * A netlink-aware mutator for fuzz_nlparse.  Byte mutations rarely keep
 * the four or five nested lengths of an attribute consistent, so most of
 * what they make dies in the policy parse.  Half of the time this one
 * works on attributes instead: it deletes, duplicates, moves, retypes or
 * swaps one, or changes its payload, then fixes the length of every nest
 * and message around it.  The other half, and for inputs it cannot walk,
 * libFuzzer's own mutations run.
 */
#include <net/genetlink.h>
#include <linux/ksvc.h>

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

#define MAX_DEPTH	8
#define MAX_LOCS	8192
#define HDRS		(NLMSG_HDRLEN + GENL_HDRLEN)

/* An attribute of the input, and what encloses it. */
struct loc {
	uint32_t off, size;		/* its offset; its length, padded */
	int depth;			/* its nests */
	uint32_t anc[MAX_DEPTH + 1];	/* its message, then its nests */
};

static struct loc locs[MAX_LOCS];
static int nlocs;
static uint32_t msgs[MAX_LOCS];	/* offsets of the messages */
static int nmsgs;
static unsigned int rnd;

static uint32_t rand_below(uint32_t n)
{
	rnd = rnd * 1103515245 + 12345;
	return n ? (rnd >> 8) % n : 0;
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Do the attributes in [off, off + len) fill it exactly? */
static bool exact(const uint8_t *d, uint32_t off, uint32_t len)
{
	uint32_t end = off + len, l;

	while (off + NLA_HDRLEN <= end) {
		l = get16(d + off);
		if (l < NLA_HDRLEN || off + l > end)
			return false;
		off += NLA_ALIGN(l);
	}
	return off >= end;
}

static void walk(const uint8_t *d, uint32_t off, uint32_t len, int depth,
		 uint32_t *anc)
{
	uint32_t end = off + len, l;
	struct loc *x;

	while (off + NLA_HDRLEN <= end && nlocs < MAX_LOCS) {
		l = get16(d + off);
		if (l < NLA_HDRLEN || off + l > end)
			return;
		x = &locs[nlocs++];
		x->off = off;
		x->size = NLA_ALIGN(l) < end - off ? NLA_ALIGN(l) : end - off;
		x->depth = depth;
		memcpy(x->anc, anc, sizeof(x->anc));
		if ((get16(d + off + 2) & NLA_F_NESTED) && depth < MAX_DEPTH &&
		    exact(d, off + NLA_HDRLEN, l - NLA_HDRLEN)) {
			anc[depth + 1] = off;
			walk(d, off + NLA_HDRLEN, l - NLA_HDRLEN, depth + 1, anc);
		}
		off += NLA_ALIGN(l);
	}
}

/* Every message and attribute of @d; false when it has none. */
static bool scan(const uint8_t *d, size_t size)
{
	uint32_t off = 0, len, anc[MAX_DEPTH + 1];

	nlocs = 0;
	nmsgs = 0;
	while (off + HDRS <= size && nmsgs < MAX_LOCS) {
		len = get32(d + off);
		if (len < HDRS || len > size - off)
			break;
		msgs[nmsgs++] = off;
		anc[0] = off;
		walk(d, off + HDRS, len - HDRS, 0, anc);
		off += NLMSG_ALIGN(len);
	}
	return nlocs > 0;
}

/* Add @delta to the lengths of what encloses @x; false if one overflows. */
static bool grow(uint8_t *d, const struct loc *x, int32_t delta)
{
	uint32_t len = get32(d + x->anc[0]) + delta;
	uint16_t l;
	int i;

	for (i = 1; i <= x->depth; i++)
		if (get16(d + x->anc[i]) + delta > 0xffff)
			return false;
	memcpy(d + x->anc[0], &len, sizeof(len));
	for (i = 1; i <= x->depth; i++) {
		l = get16(d + x->anc[i]) + delta;
		memcpy(d + x->anc[i], &l, sizeof(l));
	}
	return true;
}

/* Put @n bytes of @src at @off, after what is there now, in its nests. */
static size_t insert(uint8_t *d, size_t size, size_t max, const struct loc *at,
		     uint32_t off, const uint8_t *src, uint32_t n)
{
	if (size + n > max || !grow(d, at, n))
		return 0;
	memmove(d + off + n, d + off, size - off);
	memcpy(d + off, src, n);
	return size + n;
}

static size_t del_attr(uint8_t *d, size_t size, const struct loc *x)
{
	if (!grow(d, x, -(int32_t)x->size))
		return 0;
	memmove(d + x->off, d + x->off + x->size, size - x->off - x->size);
	return size - x->size;
}

/* A copy of attribute @x after attribute @at, as its sibling. */
static size_t copy_after(uint8_t *d, size_t size, size_t max,
			 const struct loc *x, const struct loc *at)
{
	uint8_t tmp[65536];

	if (x->size > sizeof(tmp))
		return 0;
	memcpy(tmp, d + x->off, x->size);
	return insert(d, size, max, at, at->off + at->size, tmp, x->size);
}

/* New payload bytes for a leaf, by libFuzzer's mutations. */
static size_t mutate_payload(uint8_t *d, size_t size, size_t max,
			     const struct loc *x)
{
	uint8_t tmp[NLA_HDRLEN + 256];
	uint32_t old = get16(d + x->off) - NLA_HDRLEN, n;
	uint16_t len;

	if (old > 256 - 16)
		return 0;
	memcpy(tmp, d + x->off + NLA_HDRLEN, old);
	n = LLVMFuzzerMutate(tmp, old, old + 16);
	len = NLA_HDRLEN + n;
	memmove(tmp + NLA_HDRLEN, tmp, n);
	memcpy(tmp, &len, sizeof(len));
	memcpy(tmp + 2, d + x->off + 2, 2);
	memset(tmp + len, 0, NLA_ALIGN(len) - len);
	size = del_attr(d, size, x);
	if (!size)
		return 0;
	return insert(d, size, max, x, x->off, tmp, NLA_ALIGN(len));
}

/* A sibling of @x that follows it, or NULL. */
static const struct loc *next_sibling(const struct loc *x)
{
	const struct loc *y;

	for (y = x + 1; y < locs + nlocs && y->depth >= x->depth; y++)
		if (y->depth == x->depth && y->off == x->off + x->size &&
		    y->anc[y->depth] == x->anc[x->depth])
			return y;
	return NULL;
}

static size_t swap_next(uint8_t *d, size_t size, const struct loc *x)
{
	const struct loc *y = next_sibling(x);
	uint8_t tmp[65536];

	if (!y || x->size + y->size > sizeof(tmp))
		return 0;
	memcpy(tmp, d + y->off, y->size);
	memcpy(tmp + y->size, d + x->off, x->size);
	memcpy(d + x->off, tmp, x->size + y->size);
	return size;
}

static size_t mutate_attr(uint8_t *d, size_t size, size_t max)
{
	const struct loc *x = &locs[rand_below(nlocs)];
	const struct loc *y = &locs[rand_below(nlocs)];
	uint16_t type;

	switch (rand_below(6)) {
	case 0:
		return del_attr(d, size, x);
	case 1:
		return copy_after(d, size, max, x, x);
	case 2:
		return copy_after(d, size, max, x, y);
	case 3:
		type = (get16(d + x->off + 2) & NLA_F_NESTED) | rand_below(16);
		memcpy(d + x->off + 2, &type, sizeof(type));
		return size;
	case 4:
		return swap_next(d, size, x);
	default:
		if (get16(d + x->off + 2) & NLA_F_NESTED)
			return 0;
		return mutate_payload(d, size, max, x);
	}
}

/* The command of a message, or a copy of one at the end. */
static size_t mutate_msg(uint8_t *d, size_t size, size_t max)
{
	uint32_t off = msgs[rand_below(nmsgs)], len = get32(d + off);

	if (rand_below(2)) {
		d[off + NLMSG_HDRLEN] = rand_below(KSVC_CMD_MAX + 2);
		return size;
	}
	if (NLMSG_ALIGN(size) + NLMSG_ALIGN(len) > max)
		return 0;
	memset(d + size, 0, NLMSG_ALIGN(size) - size);
	size = NLMSG_ALIGN(size);
	memmove(d + size, d + off, len);
	return size + len;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed)
{
	static int plain = -1;	/* NLPARSE_PLAIN_MUTATOR=1: only libFuzzer's */
	size_t n = 0;

	if (plain < 0)
		plain = !!getenv("NLPARSE_PLAIN_MUTATOR");
	rnd = seed;
	if (!plain && rand_below(2) && scan(data, size))
		n = rand_below(8) ? mutate_attr(data, size, max_size) :
				    mutate_msg(data, size, max_size);
	return n ? n : LLVMFuzzerMutate(data, size, max_size);
}
