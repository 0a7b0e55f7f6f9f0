/* SPDX-License-Identifier: GPL-2.0 */
/* record.c: recognise a packet of interest and queue its event. */
#ifndef VMTRACE_RECORD_H
#define VMTRACE_RECORD_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/vmtrace.h>

#include "parse.h"
#include "session.h"

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
bool vmtrace_udp_tunnel_wanted(const struct sk_buff *skb, const u8 *nh, bool ipv4);
/*
 * A live session looks inside UDP tunnels (VMTRACE_FILTER_A_TUNNELS):
 * written by the session publisher under devs_lock, read locklessly by the
 * fast filter, so that UDP costs nothing more while no session asks for it.
 */
extern bool vmtrace_tunnels_wanted;

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
 * it), ARP, VLAN-tagged frames and, while a session asks for tunnels, UDP
 * to a tunnel port (VXLAN, Geneve) go on. Almost all traffic is something
 * else and must stop here at the cost of a few loads: a session that
 * watches a busy bridge port must not parse its TCP, and UDP costs one call
 * to look at the port only while vmtrace_tunnels_wanted. It reads only
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
	if (vmtrace_l3_proto_wanted(*p, want))
		return true;
	return unlikely(*p == IPPROTO_UDP) && READ_ONCE(vmtrace_tunnels_wanted) &&
	       vmtrace_udp_tunnel_wanted(skb, nh, want == IPPROTO_ICMP);
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

#endif /* VMTRACE_RECORD_H */
