/* SPDX-License-Identifier: GPL-2.0 */
/* The fuzz target's stand-in: the address helpers of the kernel's net/ipv6.h. */
#ifndef _KSHIM_NET_IPV6_H
#define _KSHIM_NET_IPV6_H

#include <kshim.h>

static inline bool ipv6_addr_equal(const struct in6_addr *a1,
				   const struct in6_addr *a2)
{
	return !memcmp(a1, a2, sizeof(*a1));
}

/* The kernel leaves 0 <= plen <= 128 to its callers. */
static inline void ipv6_addr_prefix(struct in6_addr *pfx,
				    const struct in6_addr *addr, int plen)
{
	int o = plen >> 3, b = plen & 0x7;

	WARN_ON(plen < 0 || plen > 128);
	memset(pfx->s6_addr, 0, sizeof(pfx->s6_addr));
	memcpy(pfx->s6_addr, addr, o);
	if (b != 0)
		pfx->s6_addr[o] = addr->s6_addr[o] & (0xff00 >> b);
}

static inline bool ipv6_prefix_equal(const struct in6_addr *addr1,
				     const struct in6_addr *addr2,
				     unsigned int prefixlen)
{
	const __be32 *a1 = addr1->s6_addr32, *a2 = addr2->s6_addr32;
	unsigned int pdw = prefixlen >> 5, pbi = prefixlen & 0x1f;

	WARN_ON(prefixlen > 128);
	if (pdw && memcmp(a1, a2, pdw << 2))
		return false;
	if (pbi && ((a1[pdw] ^ a2[pdw]) & htonl(0xffffffffU << (32 - pbi))))
		return false;
	return true;
}

#endif
