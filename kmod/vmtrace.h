/* SPDX-License-Identifier: GPL-2.0 */
/* What the pieces of vmtrace.ko say to each other. */
#ifndef VMTRACE_H
#define VMTRACE_H

#include <linux/bitmap.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/genetlink.h>
#include <linux/vmtrace.h>

#include "parse.h"

/* session.c: who is tracing what. */
struct vmtrace_iface {
	u64 netns_cookie;
	int ifindex;
	/*
	 * The device while it is registered, NULL otherwise: compared, never
	 * held. Its NETDEV_UNREGISTER clears it (session.c), and the kernel
	 * waits for RCU readers before it frees the device, so a pointer read
	 * here under RCU names a live device. This is what makes skb->dev
	 * usable in a probe on a packet being freed: there it may be UDP's
	 * dev_scratch, an rb-tree link or a device long gone, and it is
	 * dereferenced only once it equals one of these.
	 */
	const struct net_device *dev;
};

struct vmtrace_addr {
	u8 family;
	u8 addr[16];
};

struct vmtrace_sess_filter {
	unsigned int nifaces;
	unsigned int naddrs;
	int icmp_id;		/* -1: any */
	u32 owner_portid;	/* the socket that started the session */
	struct vmtrace_iface ifaces[VMTRACE_MAX_IFACES];
	struct vmtrace_addr addrs[VMTRACE_MAX_ADDRS];
};

/*
 * All sessions, published with RCU for the probes and the ring worker. A
 * start publishes a new set; the device pointers (netdevice notifier) and
 * a stopping session's bits and ifmap (stop) change in place. Every write
 * is under devs_lock (session.c). ifmap is a cheap first test: a bit per
 * watched device pointer's hash, taken without touching the device.
 */
#define VMTRACE_IFMAP_BITS	1024
struct vmtrace_filter_set {
	struct rcu_head rcu;
	DECLARE_BITMAP(ifmap, VMTRACE_IFMAP_BITS);
	u32 active;		/* bit N: session N is live: the probes match it */
	u32 draining;		/* bit N: session N stopped, its queued events go out */
	u32 orphaned;		/* bit N: ... and its socket is gone: count them, send none */
	u32 generation[VMTRACE_MAX_SESSIONS];
	struct vmtrace_sess_filter sess[VMTRACE_MAX_SESSIONS];
};

extern struct vmtrace_filter_set __rcu *vmtrace_filters;

static inline unsigned int vmtrace_ifmap_bit(const struct net_device *dev)
{
	return hash_ptr(dev, ilog2(VMTRACE_IFMAP_BITS));
}

int vmtrace_session_start(struct vmtrace_sess_filter *f, u32 *id, u32 *generation,
			  struct netlink_ext_ack *extack);
int vmtrace_session_stop(u32 id, struct netlink_ext_ack *extack);
void vmtrace_session_abort(u32 id, u32 generation);
void vmtrace_session_close(void);
unsigned int vmtrace_session_count(void);
int vmtrace_session_init(void);
void vmtrace_session_exit(void);

/* record.c: recognise a packet of interest and queue its event. */

/*
 * The devices an event names, as it names them: a copy, not pointers, so
 * that a netfilter frame can outlive the devices its hook saw.
 */
struct vmtrace_devinfo {
	u64 netns_cookie;
	u32 netns_inum;
	s32 ifindex;
	s32 master_ifindex;
	s32 out_ifindex;
	u8 dev_kind;
	char ifname[VMTRACE_IFNAMSIZ];
	char out_ifname[VMTRACE_IFNAMSIZ];
};

struct vmtrace_where {
	u8 point;		/* enum vmtrace_point */
	u8 dir;			/* enum vmtrace_dir */
	u8 flags;		/* VMTRACE_EV_* */
	const struct vmtrace_devinfo *devs;
};

void vmtrace_devinfo_fill(struct vmtrace_devinfo *d, const struct net_device *dev,
			  const struct net_device *dev_out);

void vmtrace_record_init(void);
bool vmtrace_skb_wanted_paged(const struct sk_buff *skb, int off, u8 want);

/* ICMP, ICMPv6, or IPv6 extension headers the parser walks to find ICMPv6 (MLD, fragments) */
static inline bool vmtrace_l3_proto_wanted(u8 proto, u8 want)
{
	return proto == want ||
	       (want == IPPROTO_ICMPV6 && (proto == IPPROTO_HOPOPTS || proto == IPPROTO_ROUTING ||
					   proto == IPPROTO_FRAGMENT || proto == IPPROTO_DSTOPTS));
}

/*
 * The first test of every probe and hook, made before any device is looked
 * at: only IPv4 ICMP, ICMPv6 (or an IPv6 extension header that may lead to
 * it), ARP and VLAN-tagged frames go on. Almost all traffic is something
 * else and must stop here at the cost of a few loads: a session that
 * watches a busy bridge port must not parse its TCP and UDP. It reads only
 * the skb and its data, never skb->dev: it is a filter for cost, not for
 * safety (match_dev() is that).
 * @l3_ethertype is the family an IP hook runs for, 0 to go by skb->protocol;
 * @nh is where the network header is: skb_network_header() wherever the
 * stack has set it, skb->data where it has not yet (dev:rx).
 */
static __always_inline bool vmtrace_skb_wanted_nh(const struct sk_buff *skb, u16 l3_ethertype,
						  const u8 *nh)
{
	__be16 proto = l3_ethertype ? htons(l3_ethertype) : skb->protocol;
	const u8 *p;
	unsigned int at;
	u8 want;

	if (proto == htons(ETH_P_IP)) {
		at = 9;
		want = IPPROTO_ICMP;
	} else if (proto == htons(ETH_P_IPV6)) {
		at = 6;
		want = IPPROTO_ICMPV6;
	} else {
		return proto == htons(ETH_P_ARP) || proto == htons(ETH_P_8021Q) ||
		       proto == htons(ETH_P_8021AD);
	}
	/* the network header lies at or after head, maybe before data */
	p = nh + at;
	if (unlikely(p >= skb_tail_pointer(skb)))
		return vmtrace_skb_wanted_paged(skb, (int)(nh - skb->data) + (int)at, want);
	return vmtrace_l3_proto_wanted(*p, want);
}

static __always_inline bool vmtrace_skb_wanted(const struct sk_buff *skb, u16 l3_ethertype)
{
	return vmtrace_skb_wanted_nh(skb, l3_ethertype, skb_network_header(skb));
}

u32 vmtrace_match(const struct vmtrace_filter_set *fs, const struct sk_buff *skb,
		  const struct net_device *dev, const struct net_device *dev_out,
		  u16 l3_ethertype, int nh_off, struct vmtrace_pkt *pkt);
struct vmtrace_nf_frame;
bool vmtrace_same_packet(const struct sk_buff *skb, const struct vmtrace_nf_frame *f);
void vmtrace_record(const struct sk_buff *skb, const struct vmtrace_where *w,
		    u32 mask, const struct vmtrace_pkt *pkt,
		    unsigned int reason, void *location);

/* ring.c: per-CPU event rings, drained into netlink by a worker. */
/* Slots per CPU: a power of two within these, from the ring_mem_mb cap. */
#define VMTRACE_RING_MIN_SLOTS	64
#define VMTRACE_RING_MAX_SLOTS	2048

struct vmtrace_slot {
	struct vmtrace_event ev;
	void *location;		/* resolved to a symbol by the worker */
};

struct vmtrace_slot *vmtrace_ring_reserve(unsigned int point, u32 mask);
void vmtrace_ring_reset_session(unsigned int slot);
void vmtrace_ring_commit(void);
void vmtrace_ring_flush(void);
int vmtrace_rings_alloc(void);
void vmtrace_rings_free(void);
int vmtrace_stats_put(struct sk_buff *msg);
unsigned int vmtrace_ring_slots(void);
int vmtrace_ring_init(void);
void vmtrace_ring_exit(void);

/* probes.c: tracepoints. */
int vmtrace_probes_init(void);
int vmtrace_probes_attach(void);
void vmtrace_probes_detach(void);
void vmtrace_probes_wait(void);

/* nfhooks.c: netfilter hooks in the namespaces sessions watch. */
struct vmtrace_nf_frame {
	const struct sk_buff *skb;
	struct vmtrace_devinfo devs;
	u64 ts;
	u32 mask;
	u8 point;
	u8 dir;
	u8 bridge;		/* a bridge hook point's frame */
	u8 closed;		/* a last-priority hook closes it: open means inside */
	struct vmtrace_pkt pkt;
};

/*
 * Per CPU: the frames of the hook points a wanted packet is inside, newest
 * last. A stack because br_netfilter runs IP hooks inside bridge hooks.
 */
#define VMTRACE_NF_STACK_DEPTH	8
struct vmtrace_nf_stack {
	unsigned int depth;
	struct vmtrace_nf_frame frames[VMTRACE_NF_STACK_DEPTH];
};

DECLARE_PER_CPU(struct vmtrace_nf_stack, vmtrace_nf_stack);

/* One per-CPU read: what every kfree_skb pays while nothing is inside a hook. */
static __always_inline bool vmtrace_nf_frames_open(void)
{
	return this_cpu_read(vmtrace_nf_stack.depth);
}

int vmtrace_nf_init(void);
void vmtrace_nf_exit(void);
int vmtrace_nf_update(const struct vmtrace_filter_set *fs);
bool vmtrace_nf_take_frame(const struct sk_buff *skb, unsigned int reason,
			   struct vmtrace_nf_frame *out);
void vmtrace_nf_forget(const struct sk_buff *skb);
void vmtrace_nf_frames_reset(void);
unsigned int vmtrace_nf_hooked_netns(void);
unsigned int vmtrace_nf_hooks(void);
unsigned int vmtrace_nf_hooks_per_netns(void);

/* netlink.c */
extern struct genl_family vmtrace_genl_family;
int vmtrace_genl_init(void);
void vmtrace_genl_exit(void);

#endif /* VMTRACE_H */
