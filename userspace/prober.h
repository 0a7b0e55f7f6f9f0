/* SPDX-License-Identifier: GPL-2.0 */
/* probe's own echoes: a raw ICMP socket with an ICMP id of its own. */
#ifndef VT_PROBER_H
#define VT_PROBER_H

#include <stdint.h>

#include "resolve.h"

struct vt_prober {
	int fd, family;
	uint16_t id;
	uint8_t dst[16];
};

/*
 * Aim at the VM's first address of @family (0: any); bind to @from (an
 * address or an interface name) if given. -EDESTADDRREQ: no such address.
 */
int vt_prober_open(struct vt_prober *p, const struct vt_vm *vm, int family, const char *from);
int vt_prober_send(struct vt_prober *p, uint16_t seq, unsigned int size);
/* Read and discard what the kernel copies to the socket, so nothing piles up. */
void vt_prober_drain(struct vt_prober *p);

#endif /* VT_PROBER_H */
