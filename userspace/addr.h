/* SPDX-License-Identifier: GPL-2.0 */
/* An IPv4 or IPv6 address as vmtrace keeps it. */
#ifndef VT_ADDR_H
#define VT_ADDR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

/* IPv4 in the first 4 bytes, the rest zero. */
struct vt_addr {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];
};

/* How many bytes of an address of @family count. */
static inline size_t vt_addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

static inline int vt_addr_eq(int family, const uint8_t *a, const uint8_t *b)
{
	return !memcmp(a, b, vt_addr_len(family));
}

#endif /* VT_ADDR_H */
