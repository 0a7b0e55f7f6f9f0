/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * vmtrace: follow ICMP echoes across the bridge, tap and veth hops of a
 * hypervisor host and report where they die.
 *
 * Generic netlink family "vmtrace", version 1. Every command requires
 * CAP_NET_ADMIN. The family lives in the initial network namespace only;
 * each event names the namespace it happened in.
 *
 * VMTRACE_CMD_GET_STATUS
 *   request: (none)
 *   reply:   VMTRACE_A_VERSION       string, module version
 *            VMTRACE_A_CAPS          u64, VMTRACE_CAP_* bits
 *            VMTRACE_A_SESSIONS      u32, active sessions
 *            VMTRACE_A_MAX_SESSIONS  u32
 *            VMTRACE_A_EVENT_SIZE    u32, sizeof(struct vmtrace_event)
 *            VMTRACE_A_RING_SLOTS    u32, events each per-CPU ring holds
 *            VMTRACE_A_HOOKED_NETNS  u32, namespaces with vmtrace's netfilter hooks now
 *            VMTRACE_A_NETNS_HOOKS   u32, the most netfilter hooks vmtrace registers in one of them
 *            VMTRACE_A_NF_HOOKS      u32, netfilter hooks vmtrace has registered now, in all of them
 *
 * VMTRACE_CMD_START_SESSION
 *   request: VMTRACE_A_FILTER nested
 *              VMTRACE_FILTER_A_IFACE nested, 1..VMTRACE_MAX_IFACES times
 *                VMTRACE_IFACE_A_NETNS_COOKIE u64 (required): the namespace's
 *                  SO_NETNS_COOKIE; before 5.14, its inode number
 *                VMTRACE_IFACE_A_IFINDEX      u32 (required, > 0)
 *              VMTRACE_FILTER_A_ADDR    binary, 4 or 16 bytes, 0..VMTRACE_MAX_ADDRS times
 *              VMTRACE_FILTER_A_ICMP_ID u16, optional
 *              VMTRACE_FILTER_A_TUNNELS flag, optional (version 2): look for
 *                echoes inside VXLAN and Geneve too (UDP 4789, 8472, 6081).
 *                While a live session has it, every UDP packet the host
 *                receives, sends or frees costs a call to read its port;
 *                without it, none.
 *   reply:   VMTRACE_A_SESSION_ID u32
 *   The session belongs to the sending socket: it ends with VMTRACE_CMD_STOP_SESSION
 *   or when that socket is closed. Events for it are sent to the "events"
 *   multicast group (VMTRACE_CAP_MCAST_ADMIN: joining needs CAP_NET_ADMIN,
 *   or CAP_SYS_ADMIN on 5.10) or, on kernels whose groups cannot be
 *   restricted, unicast to the owning socket.
 *
 * VMTRACE_CMD_STOP_SESSION
 *   request: VMTRACE_A_SESSION_ID u32
 *
 * VMTRACE_CMD_GET_STATS
 *   reply:   VMTRACE_A_STATS nested
 *              VMTRACE_STATS_A_EMITTED, _DELIVERED, _LOST_RING, _LOST_SEND,
 *              _MESSAGES  u64 (cumulative since load)
 *              VMTRACE_STATS_A_POINT nested, once per hook point with activity
 *                VMTRACE_POINT_A_ID u32 (enum vmtrace_point)
 *                VMTRACE_POINT_A_EMITTED u64, VMTRACE_POINT_A_LOST u64
 *
 * VMTRACE_CMD_EVENTS (kernel to user only)
 *   VMTRACE_A_MSG_SEQ    u64, message number, consecutive from 0
 *   VMTRACE_A_EVENT_SEQ  u64, index of the first event of this message among
 *                        all events sent; a gap means the socket lost events
 *   VMTRACE_A_LOST_RING  u64, events the kernel could not queue, cumulative
 *   VMTRACE_A_LOST_CPU   nested, u64 per CPU with losses, attribute type = CPU + 1
 *   VMTRACE_A_LOST_SESSION nested, u64 per live session: events of that session
 *                        the kernel could not queue since it started,
 *                        attribute type = session id + 1
 *   VMTRACE_A_EVENT      binary struct vmtrace_event, repeated; a reader must
 *                        accept a longer record (newer module) and use the
 *                        fields it knows
 */
#ifndef _UAPI_LINUX_VMTRACE_H
#define _UAPI_LINUX_VMTRACE_H

#include <linux/types.h>

#define VMTRACE_GENL_NAME		"vmtrace"
#define VMTRACE_GENL_VERSION		2	/* 2: VMTRACE_FILTER_A_TUNNELS */
#define VMTRACE_MCGRP_EVENTS		"events"

#define VMTRACE_MAX_IFACES		64
#define VMTRACE_MAX_ADDRS		16
#define VMTRACE_MAX_SESSIONS		8

#define VMTRACE_IFNAMSIZ		16
#define VMTRACE_REASON_LEN		32
#define VMTRACE_LOCATION_LEN		64

/* VMTRACE_A_CAPS */
#define VMTRACE_CAP_MCAST_ADMIN		(1ULL << 0)	/* group join needs CAP_NET_ADMIN */
#define VMTRACE_CAP_DROP_REASON		(1ULL << 1)	/* kfree_skb carries a reason */
#define VMTRACE_CAP_BRIDGE_HOOKS	(1ULL << 2)
#define VMTRACE_CAP_IPV6		(1ULL << 3)
#define VMTRACE_CAP_NF_ATTRIBUTION	(1ULL << 4)	/* NETFILTER_DROP names its hook */

enum vmtrace_cmd {
	VMTRACE_CMD_UNSPEC,
	VMTRACE_CMD_GET_STATUS,
	VMTRACE_CMD_START_SESSION,
	VMTRACE_CMD_STOP_SESSION,
	VMTRACE_CMD_GET_STATS,
	VMTRACE_CMD_EVENTS,
	__VMTRACE_CMD_MAX
};
#define VMTRACE_CMD_MAX (__VMTRACE_CMD_MAX - 1)

enum vmtrace_attr {
	VMTRACE_A_UNSPEC,
	VMTRACE_A_PAD,
	VMTRACE_A_VERSION,
	VMTRACE_A_CAPS,
	VMTRACE_A_SESSIONS,
	VMTRACE_A_MAX_SESSIONS,
	VMTRACE_A_EVENT_SIZE,
	VMTRACE_A_RING_SLOTS,
	VMTRACE_A_FILTER,
	VMTRACE_A_SESSION_ID,
	VMTRACE_A_STATS,
	VMTRACE_A_MSG_SEQ,
	VMTRACE_A_EVENT_SEQ,
	VMTRACE_A_LOST_RING,
	VMTRACE_A_LOST_CPU,
	VMTRACE_A_EVENT,
	VMTRACE_A_LOST_SESSION,
	VMTRACE_A_HOOKED_NETNS,
	VMTRACE_A_NETNS_HOOKS,
	VMTRACE_A_NF_HOOKS,
	__VMTRACE_A_LAST
};
#define VMTRACE_A_MAX (__VMTRACE_A_LAST - 1)

enum vmtrace_filter_attr {
	VMTRACE_FILTER_A_UNSPEC,
	VMTRACE_FILTER_A_IFACE,
	VMTRACE_FILTER_A_ADDR,
	VMTRACE_FILTER_A_ICMP_ID,
	VMTRACE_FILTER_A_TUNNELS,
	__VMTRACE_FILTER_A_LAST
};
#define VMTRACE_FILTER_A_MAX (__VMTRACE_FILTER_A_LAST - 1)

enum vmtrace_iface_attr {
	VMTRACE_IFACE_A_UNSPEC,
	VMTRACE_IFACE_A_PAD,
	VMTRACE_IFACE_A_NETNS_COOKIE,
	VMTRACE_IFACE_A_IFINDEX,
	__VMTRACE_IFACE_A_LAST
};
#define VMTRACE_IFACE_A_MAX (__VMTRACE_IFACE_A_LAST - 1)

enum vmtrace_stats_attr {
	VMTRACE_STATS_A_UNSPEC,
	VMTRACE_STATS_A_PAD,
	VMTRACE_STATS_A_EMITTED,
	VMTRACE_STATS_A_DELIVERED,
	VMTRACE_STATS_A_LOST_RING,
	VMTRACE_STATS_A_LOST_SEND,
	VMTRACE_STATS_A_MESSAGES,
	VMTRACE_STATS_A_POINT,
	__VMTRACE_STATS_A_LAST
};
#define VMTRACE_STATS_A_MAX (__VMTRACE_STATS_A_LAST - 1)

enum vmtrace_point_attr {
	VMTRACE_POINT_A_UNSPEC,
	VMTRACE_POINT_A_PAD,
	VMTRACE_POINT_A_ID,
	VMTRACE_POINT_A_EMITTED,
	VMTRACE_POINT_A_LOST,
	__VMTRACE_POINT_A_LAST
};
#define VMTRACE_POINT_A_MAX (__VMTRACE_POINT_A_LAST - 1)

/* Where an event was seen. Userspace names them "<layer>:<hook>". */
enum vmtrace_point {
	VMTRACE_POINT_UNSPEC,
	VMTRACE_POINT_DEV_RX,		/* dev:rx       net:netif_receive_skb */
	VMTRACE_POINT_DEV_BACKLOG,	/* dev:backlog  not emitted: dev:rx follows every enqueue */
	VMTRACE_POINT_DEV_TX,		/* dev:tx       net:net_dev_queue */
	VMTRACE_POINT_SKB_CONSUME,	/* skb:consume  handed to a reader (tap fd, socket) */
	VMTRACE_POINT_SKB_DROP,		/* skb:drop     kfree_skb outside a netfilter hook */
	VMTRACE_POINT_BR_PREROUTING,	/* bridge:prerouting */
	VMTRACE_POINT_BR_INPUT,		/* bridge:input */
	VMTRACE_POINT_BR_FORWARD,	/* bridge:forward */
	VMTRACE_POINT_BR_OUTPUT,	/* bridge:output */
	VMTRACE_POINT_BR_POSTROUTING,	/* bridge:postrouting */
	VMTRACE_POINT_IP_PREROUTING,	/* ip:prerouting (IPv4 and IPv6) */
	VMTRACE_POINT_IP_INPUT,		/* ip:input */
	VMTRACE_POINT_IP_FORWARD,	/* ip:forward */
	VMTRACE_POINT_IP_OUTPUT,	/* ip:output */
	VMTRACE_POINT_IP_POSTROUTING,	/* ip:postrouting */
	__VMTRACE_POINT_MAX
};
#define VMTRACE_POINT_MAX (__VMTRACE_POINT_MAX - 1)

enum vmtrace_dir {
	VMTRACE_DIR_NONE,
	VMTRACE_DIR_RX,
	VMTRACE_DIR_TX,
};

enum vmtrace_dev_kind {
	VMTRACE_DEV_UNKNOWN,
	VMTRACE_DEV_OTHER,
	VMTRACE_DEV_TAP,
	VMTRACE_DEV_TUN,
	VMTRACE_DEV_VETH,
	VMTRACE_DEV_BRIDGE,
	VMTRACE_DEV_VLAN,
	VMTRACE_DEV_LOOPBACK,
	VMTRACE_DEV_MACVTAP,
	VMTRACE_DEV_MACVLAN,
	VMTRACE_DEV_VXLAN,
	VMTRACE_DEV_GENEVE,
	VMTRACE_DEV_OPENVSWITCH,	/* an OVS internal port, or the datapath's own device */
};

/* The tunnel an overlay frame was found in (vmtrace_event.encap). */
enum vmtrace_encap {
	VMTRACE_ENCAP_NONE,
	VMTRACE_ENCAP_VXLAN,		/* UDP 4789 (IANA) or 8472 (Linux's default) */
	VMTRACE_ENCAP_GENEVE,		/* UDP 6081, Ethernet payload */
};

/* What the packet is; see kmod/parse.h for how each is recognised. */
enum vmtrace_pkt_kind {
	VMTRACE_PKT_NONE,
	VMTRACE_PKT_ECHO_REQUEST,
	VMTRACE_PKT_ECHO_REPLY,
	VMTRACE_PKT_ARP_REQUEST,
	VMTRACE_PKT_ARP_REPLY,
	VMTRACE_PKT_NEIGH_SOLICIT,
	VMTRACE_PKT_NEIGH_ADVERT,
};

/* vmtrace_event.flags */
#define VMTRACE_EV_DROP		(1 << 0)	/* the packet was freed with a drop */
#define VMTRACE_EV_VLAN		(1 << 1)	/* vlan_tci is valid */
#define VMTRACE_EV_NF_ATTRIBUTED (1 << 2)	/* drop inside a netfilter hook: point says which */
#define VMTRACE_EV_ENCAP	(1 << 3)	/* seen inside a tunnel: encap and vni are valid */

/*
 * One event. family is AF_INET or AF_INET6 (Linux values); for ARP the
 * addresses are the sender and target protocol addresses, for neighbour
 * solicitation/advertisement dst is the target address. Addresses are in
 * network byte order, IPv4 in the first four bytes. A frame inside a VXLAN
 * or Geneve tunnel (on the underlay device, before decapsulation) is
 * described by its inner packet, with VMTRACE_EV_ENCAP, encap and vni.
 */
struct vmtrace_event {
	__u64 ts_ns;			/* CLOCK_MONOTONIC */
	__u64 netns_cookie;
	__u64 skb_tag;			/* stable per skb while it lives; not an address */
	__u32 netns_inum;
	__s32 ifindex;
	__s32 master_ifindex;		/* bridge (or other master) of ifindex, 0 if none */
	__s32 out_ifindex;		/* netfilter hooks: output device when both are known */
	__u32 session_mask;		/* bit N: session id N matched */
	__u32 mark;
	__u32 len;
	__u32 skb_hash;
	__u16 cpu;
	__u16 drop_reason;		/* kernel enum value, for reference only: use reason */
	__u16 vlan_tci;
	__u16 icmp_id;
	__u16 icmp_seq;
	__u8 point;			/* enum vmtrace_point */
	__u8 dir;			/* enum vmtrace_dir */
	__u8 family;
	__u8 kind;			/* enum vmtrace_pkt_kind */
	__u8 dev_kind;			/* enum vmtrace_dev_kind */
	__u8 flags;			/* VMTRACE_EV_* */
	__u8 src[16];
	__u8 dst[16];
	char ifname[VMTRACE_IFNAMSIZ];
	char out_ifname[VMTRACE_IFNAMSIZ];
	char reason[VMTRACE_REASON_LEN];	/* drop reason name, e.g. "NETFILTER_DROP"; "" if none (< 5.17) */
	char location[VMTRACE_LOCATION_LEN];	/* "symbol+0xoff" of the freeing call */
	__u32 vni;			/* VMTRACE_EV_ENCAP: the VXLAN or Geneve VNI */
	__u8 encap;			/* VMTRACE_EV_ENCAP: enum vmtrace_encap */
	__u8 reserved[3];		/* zero */
};

#endif /* _UAPI_LINUX_VMTRACE_H */
