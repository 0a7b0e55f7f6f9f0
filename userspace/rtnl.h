/* SPDX-License-Identifier: GPL-2.0 */
/* What rtnetlink says about one namespace: links, addresses, neighbours. */
#ifndef VT_RTNL_H
#define VT_RTNL_H

#include <stdint.h>
#include <net/if.h>

struct vt_link {
	int ifindex;
	char name[IF_NAMESIZE];
	char kind[16];		/* IFLA_INFO_KIND: veth, bridge, tun, vlan, ... */
	int master;		/* IFLA_MASTER */
	int link;		/* IFLA_LINK: veth peer, vlan parent */
	int link_netnsid;	/* IFLA_LINK_NETNSID, -1 when in the same namespace */
	unsigned int flags;	/* IFF_* */
	unsigned int mtu;
	unsigned int carrier;
	uint8_t mac[6];
	uint8_t is_port;	/* a bridge port; then: */
	uint8_t port_state;	/* BR_STATE_*: 3 forwarding */
	uint8_t port_isolated;
	uint8_t port_locked;	/* only MACs with a static FDB entry may send */
	uint8_t vlan_filtering;	/* a bridge with VLAN filtering on */
	uint16_t vlan_id;	/* a VLAN device: its VID */
	uint32_t macvlan_mode;	/* a macvlan or macvtap: MACVLAN_MODE_* */
	/* a VXLAN or Geneve device: its VNI, underlay device (0: any) and remote (family 0: none) */
	uint32_t vni;
	int tun_link;
	int tun_family;
	uint8_t tun_remote[16];
	uint8_t tun_external;	/* collect_metadata (OVS's vxlan_sys_4789, OVN's genev_sys_6081): every VNI */
	/* bridge VLAN membership (ports and the bridge itself), with filtering on */
	uint8_t has_vlans;
	uint16_t pvid;		/* 0: none */
	uint8_t vlan_member[4096 / 8];
	uint8_t vlan_untagged[4096 / 8];
};

struct vt_ifaddr {
	int ifindex;
	int family;
	uint8_t addr[16];
	unsigned int prefixlen;
	unsigned int scope;
};

struct vt_neigh {
	int ifindex;
	int family;		/* AF_INET, AF_INET6, or AF_BRIDGE for FDB entries */
	uint8_t addr[16];	/* FDB: the remote VTEP of a VXLAN entry (dst_family) */
	int dst_family;
	uint8_t mac[6];
	unsigned int state;	/* NUD_* */
	int master;		/* FDB: the bridge */
};

/* Zeroed before the first vt_rtnl_load(); the arrays grow to what the namespace holds. */
struct vt_rtnl_view {
	unsigned int nlinks, naddrs, nneigh;
	unsigned int links_cap, addrs_cap, neigh_cap;
	struct vt_link *links;
	struct vt_ifaddr *addrs;
	struct vt_neigh *neigh;
};

struct vt_route {
	int error;		/* -errno of the lookup (-ENETUNREACH: no route), or 0 */
	unsigned int type;	/* RTN_UNICAST, RTN_LOCAL, RTN_UNREACHABLE, ... */
	int oif;
	int has_gateway;
	uint8_t gateway[16];
};

struct nlmsghdr;
typedef int (*vt_msg_cb)(const struct nlmsghdr *nlh, void *arg);
/*
 * Send one request on netlink @bus (NETLINK_ROUTE, NETLINK_NETFILTER) from
 * the current namespace and run @cb over every answer until done or acked.
 * 0 or -errno; @cb returning MNL_CB_STOP ends it early with 0.
 */
int vt_mnl_talk(int bus, struct nlmsghdr *req, vt_msg_cb cb, void *arg);

/* Fill @v from the current network namespace; 0 or -errno. */
int vt_rtnl_load(struct vt_rtnl_view *v);
/* Add one RTM_NEWLINK, RTM_NEWADDR or RTM_NEWNEIGH message to @v; MNL_CB_OK, or MNL_CB_ERROR (errno set). */
int vt_rtnl_add_msg(const struct nlmsghdr *nlh, void *v);
/* Free what @v holds (not @v itself); it may be loaded again. */
void vt_rtnl_free(struct vt_rtnl_view *v);
const struct vt_link *vt_link_by_index(const struct vt_rtnl_view *v, int ifindex);
const struct vt_link *vt_link_by_name(const struct vt_rtnl_view *v, const char *name);
int vt_link_has_vlan(const struct vt_link *l, unsigned int vid);
/* @l is a macvlan or a macvtap (a macvlan with a tap): NULL is neither. */
int vt_link_is_macvlan(const struct vt_link *l);
/* What the current namespace would do with a packet to @dst (ip route get). */
void vt_route_get(int family, const uint8_t *dst, struct vt_route *r);
/* The neighbour entry for @addr on @ifindex (0: any), or NULL. */
const struct vt_neigh *vt_neigh_find(const struct vt_rtnl_view *v, int family, const uint8_t *addr,
				     int ifindex);
/* The nsid the current namespace gives to the namespace behind @fd, or -1. */
int vt_rtnl_nsid_of(int netns_fd);

#endif /* VT_RTNL_H */
