/* SPDX-License-Identifier: GPL-2.0 */
/* A libvirt domain's NICs and addresses, through libvirt's own API. */
#ifndef VT_LIBVIRT_H
#define VT_LIBVIRT_H

#include <stdint.h>
#include <net/if.h>

#include "addr.h"

#define VT_LIBVIRT_MAX 16

struct vt_libvirt_dom {
	char name[256];
	unsigned int nifs;
	char ifs[VT_LIBVIRT_MAX][IF_NAMESIZE];	/* <target dev=...> of each <interface> */
	unsigned int nmacs;
	uint8_t macs[VT_LIBVIRT_MAX][6];
	unsigned int naddrs;
	struct vt_addr addrs[VT_LIBVIRT_MAX];
};

/*
 * Look up a domain by name or UUID on a read-only connection to
 * $LIBVIRT_DEFAULT_URI or qemu:///system. libvirt is loaded at run time:
 * hosts without it (Proxmox) need not install it. 0, or -errno with a
 * reason in @why: -ENOSYS no libvirt, -ECONNREFUSED no daemon, -ENOENT no
 * such domain.
 */
int vt_libvirt_lookup(const char *name, struct vt_libvirt_dom *d, char *why, size_t whylen);

#endif /* VT_LIBVIRT_H */
