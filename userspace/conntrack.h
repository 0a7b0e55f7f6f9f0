/* SPDX-License-Identifier: GPL-2.0 */
/* The conntrack entry of one echo, read over ctnetlink in the current namespace. */
#ifndef VT_CONNTRACK_H
#define VT_CONNTRACK_H

#include <stdint.h>

struct vt_ct {
	uint32_t status;	/* IPS_* */
};

/*
 * Look up the ICMP echo flow @src -> @dst with identifier @id. 1 found, 0 no
 * such entry, -errno if conntrack cannot be asked (module not loaded: -ENOENT
 * or -EPROTONOSUPPORT).
 */
int vt_ct_find_echo(int family, const uint8_t *src, const uint8_t *dst, uint16_t id, struct vt_ct *ct);

#endif /* VT_CONNTRACK_H */
