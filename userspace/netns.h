/* SPDX-License-Identifier: GPL-2.0 */
/* Network namespaces and interfaces as the kernel identifies them. */
#ifndef VT_NETNS_H
#define VT_NETNS_H

#include <stdint.h>
#include <net/if.h>

struct vt_iface {
	uint64_t netns_cookie;
	uint32_t netns_inum;
	int ifindex;
};

/* Resolve IFNAME in the named netns ("" or NULL: ours); 0 or -errno. */
int vt_iface_resolve(const char *netns, const char *ifname, struct vt_iface *out);

/*
 * Run the calling thread in the named namespace ("" or NULL: stay) until
 * vt_netns_leave(). Returns a token (>= 0) or -errno.
 */
int vt_netns_enter(const char *name);
int vt_netns_leave(int token);
/* An open fd for the named namespace ("" or NULL: ours), or -errno. */
int vt_netns_open(const char *name);

/* inum -> name for printing: "host", an ip-netns name, or "" if unknown. */
#define VT_NETNS_NAMES_MAX 256
struct vt_netns_names {
	unsigned int n;
	struct {
		uint32_t inum;
		char name[256];
	} e[VT_NETNS_NAMES_MAX];
};

void vt_netns_names_load(struct vt_netns_names *names);
const char *vt_netns_name(const struct vt_netns_names *names, uint32_t inum);

#endif /* VT_NETNS_H */
