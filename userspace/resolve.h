/* SPDX-License-Identifier: GPL-2.0 */
/* From a VM's name to the host path its packets take. */
#ifndef VT_RESOLVE_H
#define VT_RESOLVE_H

#include <stdint.h>
#include <net/if.h>
#include <linux/vmtrace.h>

#include "addr.h"

enum vt_role {
	VT_ROLE_VM,		/* the VM's own NIC, inside its namespace */
	VT_ROLE_PORT,		/* the host side of the VM's NIC: tap, host veth */
	VT_ROLE_CHAIN,		/* a veth between two bridges (Proxmox fwpr/fwln) */
	VT_ROLE_BRIDGE,		/* a bridge on the way */
	VT_ROLE_NEIGHBOUR,	/* another port of one of those bridges */
	VT_ROLE_LOWER,		/* the lower device of the VM's macvtap or macvlan */
	VT_ROLE_TUNNEL,		/* a VXLAN or Geneve port of the VM's bridge */
	VT_ROLE_UNDERLAY,	/* the device the tunnel's packets leave by */
};

struct vt_path_elem {
	char ifname[IF_NAMESIZE];
	int ifindex;
	char netns[256];	/* "" for the namespace vmtrace runs in */
	uint64_t netns_cookie;
	uint32_t netns_inum;
	char kind[16];		/* rtnetlink kind: tun, veth, bridge, ... ("tap" for tun in tap mode) */
	char master[IF_NAMESIZE];
	int master_ifindex;
	enum vt_role role;
};

struct vt_vm {
	char name[256];
	char source[16];	/* libvirt|pve|qemu|netns|if|ip|neutron */
	char note[256];		/* what the resolver distrusted and left out, or "" */
	unsigned int npath;
	struct vt_path_elem path[VMTRACE_MAX_IFACES];
	unsigned int naddrs;
	struct vt_addr addrs[VMTRACE_MAX_ADDRS];
};

/*
 * qemu: and pid: read the processes under $VMTRACE_PROC_DIR (default /proc).
 * Resolve SPEC ("libvirt:NAME|UUID", "pve:101", "qemu:web01", "pid:1234",
 * "netns:vm1", "if:tap0", "ip:192.0.2.10"; bare: libvirt, pve if a number,
 * qemu, netns, if, ip). 0, or -errno
 * with a one-line reason in @why naming what was tried.
 */
int vt_vm_resolve(const char *spec, struct vt_vm *vm, char *why, size_t whylen);
/* vm.c: the path element an event happened on, if any */
const struct vt_path_elem *vt_vm_elem(const struct vt_vm *vm, const struct vmtrace_event *ev);
int vt_vm_has_addr(const struct vt_vm *vm, int family, const uint8_t *addr);
/* The VM's own NIC is on the path (a namespace VM), not only the host's side. */
int vt_vm_traces_inside(const struct vt_vm *vm);
const char *vt_role_name(enum vt_role role);

#endif /* VT_RESOLVE_H */
