// SPDX-License-Identifier: GPL-2.0
/*
 * Decide whether an skb seen at a hook belongs to a session and turn it into
 * an event. Runs in probe context: no sleeping, no allocation, no freeing.
 */
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_vlan.h>
#include <linux/siphash.h>
#include <net/rtnetlink.h>
#include <linux/string.h>

#include "compat/compat.h"
#include "nfhooks.h"
#include "record.h"
#include "ring.h"
#include "session.h"

static siphash_key_t skb_tag_key __read_mostly;

void vmtrace_record_init(void)
{
	get_random_bytes(&skb_tag_key, sizeof(skb_tag_key));
}

/*
 * The sessions that watch @dev. @dev is compared, never dereferenced: in a
 * free-time probe it is whatever skb->dev holds, and only a match proves it
 * a live device (see struct vmtrace_iface).
 */
static u32 match_dev(const struct vmtrace_filter_set *fs,
		     const struct net_device *dev)
{
	unsigned long active = READ_ONCE(fs->active);
	u32 mask = 0;
	unsigned int s, i;

	if (!dev || !test_bit(vmtrace_ifmap_bit(dev), fs->ifmap))
		return 0;
	for_each_set_bit(s, &active, VMTRACE_MAX_SESSIONS) {
		const struct vmtrace_sess_filter *f = &fs->sess[s];

		for (i = 0; i < f->nifaces; i++) {
			if (READ_ONCE(f->ifaces[i].dev) == dev) {
				mask |= BIT(s);
				break;
			}
		}
	}
	return mask;
}

static bool is_echo(u8 kind)
{
	return kind == VMTRACE_PKT_ECHO_REQUEST || kind == VMTRACE_PKT_ECHO_REPLY;
}

static bool session_wants(const struct vmtrace_sess_filter *f,
			  const struct vmtrace_pkt *pkt)
{
	unsigned int alen = pkt->family == AF_INET ? 4 : 16, i;

	if (f->icmp_id >= 0 && is_echo(pkt->kind) && pkt->icmp_id != f->icmp_id)
		return false;
	if (pkt->encap && !f->tunnels)	/* another session's, or behind a VLAN tag */
		return false;
	if (!f->naddrs)
		return true;
	for (i = 0; i < f->naddrs; i++) {
		const struct vmtrace_addr *a = &f->addrs[i];

		if (a->family != pkt->family)
			continue;
		if (!memcmp(a->addr, pkt->src, alen) || !memcmp(a->addr, pkt->dst, alen))
			return true;
	}
	return false;
}

/*
 * Find the packet's first header. Where a valid Ethernet header sits in the
 * linear area at or before skb->data (receive paths, bridge hooks, transmit
 * after the header was pushed), parse from it so that an in-band 802.1Q tag
 * is seen; otherwise (locally built packets before the neighbour layer)
 * start at the network header (@nh_off from skb->data) and trust
 * skb->protocol. @dev is a device match_dev() found, or NULL.
 */
static int parse_skb(const struct sk_buff *skb, const struct net_device *dev,
		     u16 l3_ethertype, int nh_off, struct vmtrace_pkt *pkt)
{
	u8 buf[VMTRACE_PARSE_MAX];
	enum vmtrace_parse_layer layer = VMTRACE_PARSE_L3;
	u16 ethertype = l3_ethertype ?: ntohs(skb->protocol);
	const u8 *p;
	int off, len;

	if (!l3_ethertype && dev && dev->type == ARPHRD_ETHER &&
	    skb_mac_header_was_set(skb) && skb_mac_offset(skb) <= 0) {
		off = skb_mac_offset(skb);
		layer = VMTRACE_PARSE_ETH;
		len = min_t(int, VMTRACE_PARSE_MAX, skb_headlen(skb) - off);
	} else {
		off = nh_off;
		if (off < 0 && -off > (int)skb_headroom(skb))
			return VMTRACE_PARSE_BAD;
		len = min_t(int, VMTRACE_PARSE_MAX, (int)skb->len - off);
		if (off < 0)
			len = min_t(int, len, skb_headlen(skb) - off);
	}
	if (len <= 0)
		return VMTRACE_PARSE_BAD;
	p = skb_header_pointer(skb, off, len, buf);
	if (!p)
		return VMTRACE_PARSE_BAD;
	return vmtrace_parse(p, len, layer, ethertype, pkt);
}

/* vmtrace_skb_wanted()'s slow path: the protocol byte is not in the linear area. */
bool vmtrace_skb_wanted_paged(const struct sk_buff *skb, int off, u8 want)
{
	u8 buf;
	const u8 *p;

	if (off < 0)
		return false;
	p = skb_header_pointer(skb, off, 1, &buf);
	return p && vmtrace_l3_proto_wanted(*p, want);
}

bool vmtrace_tunnels_wanted __read_mostly;

/*
 * A UDP datagram at @nh, whose protocol byte is in the linear area: is it
 * for a tunnel port? The IPv6 header must lead straight to UDP (tunnels do
 * not add extension headers). Out of line: only UDP pays for it.
 */
noinline bool vmtrace_udp_tunnel_wanted(const struct sk_buff *skb, const u8 *nh, bool ipv4)
{
	const u8 *udp = nh + (ipv4 ? (nh[0] & 0x0f) * 4u : 40u);
	const u8 *port;
	u8 buf[2];
	int off;

	if (ipv4 && (nh[6] & 0x1f || nh[7]))	/* not a first fragment */
		return false;
	port = udp + 2;
	if (port + 2 > skb_tail_pointer(skb)) {
		off = (int)(port - skb->data);
		if (off < 0)
			return false;
		port = skb_header_pointer(skb, off, sizeof(buf), buf);
		if (!port)
			return false;
	}
	return vmtrace_tunnel_port((u16)(port[0] << 8 | port[1]));
}

/*
 * Which sessions want @skb, which has passed vmtrace_skb_wanted(); @pkt is
 * filled for them. Only a device match_dev() found is dereferenced here
 * (the free-time probes' skb->dev may be anything); the netfilter hooks'
 * @dev and @dev_out are live either way. @nh_off is where the network
 * header is, from skb->data.
 */
u32 vmtrace_match(const struct vmtrace_filter_set *fs, const struct sk_buff *skb,
		  const struct net_device *dev, const struct net_device *dev_out,
		  u16 l3_ethertype, int nh_off, struct vmtrace_pkt *pkt)
{
	unsigned long mask, mask_in;
	unsigned int s;

	mask_in = match_dev(fs, dev);
	mask = mask_in | match_dev(fs, dev_out);
	if (!mask)
		return 0;
	if (parse_skb(skb, mask_in ? dev : dev_out, l3_ethertype, nh_off, pkt))
		return 0;
	for_each_set_bit(s, &mask, VMTRACE_MAX_SESSIONS)
		if (!session_wants(&fs->sess[s], pkt))
			mask &= ~BIT(s);
	return mask;
}

/*
 * Is @skb still the packet @f saw? A frame without a last hook outlives its
 * traversal, and its skb pointer may belong to another packet by now.
 */
bool vmtrace_same_packet(const struct sk_buff *skb, const struct vmtrace_nf_frame *f)
{
	struct vmtrace_pkt pkt;
	unsigned int alen;

	/* from the network header: the frame's devices may be gone */
	if (parse_skb(skb, NULL, 0, skb_network_offset(skb), &pkt))
		return false;
	alen = pkt.family == AF_INET ? 4 : 16;
	return pkt.kind == f->pkt.kind && pkt.family == f->pkt.family &&
	       pkt.icmp_id == f->pkt.icmp_id && pkt.icmp_seq == f->pkt.icmp_seq &&
	       !memcmp(pkt.src, f->pkt.src, alen) && !memcmp(pkt.dst, f->pkt.dst, alen);
}

static u8 dev_kind(const struct net_device *dev)
{
	const char *kind;

	if (dev->flags & IFF_LOOPBACK)
		return VMTRACE_DEV_LOOPBACK;
	if (netif_is_bridge_master(dev))
		return VMTRACE_DEV_BRIDGE;
	if (is_vlan_dev(dev))
		return VMTRACE_DEV_VLAN;
	if (!dev->rtnl_link_ops || !dev->rtnl_link_ops->kind)
		return VMTRACE_DEV_OTHER;
	kind = dev->rtnl_link_ops->kind;
	if (!strcmp(kind, "veth"))
		return VMTRACE_DEV_VETH;
	if (!strcmp(kind, "tun"))
		return dev->type == ARPHRD_ETHER ? VMTRACE_DEV_TAP : VMTRACE_DEV_TUN;
	if (!strcmp(kind, "macvtap"))
		return VMTRACE_DEV_MACVTAP;
	if (!strcmp(kind, "macvlan"))
		return VMTRACE_DEV_MACVLAN;
	if (!strcmp(kind, "vxlan"))
		return VMTRACE_DEV_VXLAN;
	if (!strcmp(kind, "geneve"))
		return VMTRACE_DEV_GENEVE;
	if (!strcmp(kind, "openvswitch"))
		return VMTRACE_DEV_OPENVSWITCH;
	return VMTRACE_DEV_OTHER;
}

static void fill_one(struct vmtrace_devinfo *d, const struct net_device *dev)
{
	const struct net *net = dev_net(dev);
	struct net_device *master;

	d->ifindex = dev->ifindex;
	strscpy(d->ifname, dev->name, sizeof(d->ifname));
	d->netns_cookie = vmtrace_net_cookie(net);
	d->netns_inum = net->ns.inum;
	d->dev_kind = dev_kind(dev);
	rcu_read_lock();
	master = netdev_master_upper_dev_get_rcu((struct net_device *)dev);
	if (master)
		d->master_ifindex = master->ifindex;
	rcu_read_unlock();
}

/* @dev (or, without it, @dev_out) is the event's device; @dev_out its output. */
void vmtrace_devinfo_fill(struct vmtrace_devinfo *d, const struct net_device *dev,
			  const struct net_device *dev_out)
{
	memset(d, 0, sizeof(*d));
	if (dev)
		fill_one(d, dev);
	if (dev_out) {
		if (!dev)
			fill_one(d, dev_out);
		d->out_ifindex = dev_out->ifindex;
		strscpy(d->out_ifname, dev_out->name, sizeof(d->out_ifname));
	}
}

void vmtrace_record(const struct sk_buff *skb, const struct vmtrace_where *w,
		    u32 mask, const struct vmtrace_pkt *pkt,
		    unsigned int reason, void *location)
{
	struct vmtrace_event *ev;
	struct vmtrace_slot *slot;
	unsigned long flags;

	/* The ring is per CPU and a probe can interrupt a probe. */
	local_irq_save(flags);
	slot = vmtrace_ring_reserve(w->point, mask);
	if (!slot)
		goto out;
	ev = &slot->ev;
	memset(ev, 0, sizeof(*ev));
	ev->ts_ns = ktime_get_ns();
	ev->cpu = smp_processor_id();
	ev->point = w->point;
	ev->dir = w->dir;
	ev->flags = w->flags;
	ev->session_mask = mask;
	ev->skb_tag = siphash_1u64((u64)(unsigned long)skb, &skb_tag_key);
	ev->mark = skb->mark;
	ev->len = skb->len;
	ev->skb_hash = skb->hash;
	if (skb_vlan_tag_present(skb)) {
		ev->flags |= VMTRACE_EV_VLAN;
		ev->vlan_tci = skb_vlan_tag_get(skb);
	} else if (pkt->has_vlan) {
		ev->flags |= VMTRACE_EV_VLAN;
		ev->vlan_tci = pkt->vlan_tci;
	}
	if (pkt->encap) {
		ev->flags |= VMTRACE_EV_ENCAP;
		ev->encap = pkt->encap;
		ev->vni = pkt->vni;
	}
	ev->family = pkt->family;
	ev->kind = pkt->kind;
	ev->icmp_id = pkt->icmp_id;
	ev->icmp_seq = pkt->icmp_seq;
	memcpy(ev->src, pkt->src, sizeof(ev->src));
	memcpy(ev->dst, pkt->dst, sizeof(ev->dst));
	ev->netns_cookie = w->devs->netns_cookie;
	ev->netns_inum = w->devs->netns_inum;
	ev->ifindex = w->devs->ifindex;
	ev->master_ifindex = w->devs->master_ifindex;
	ev->out_ifindex = w->devs->out_ifindex;
	ev->dev_kind = w->devs->dev_kind;
	memcpy(ev->ifname, w->devs->ifname, sizeof(ev->ifname));
	memcpy(ev->out_ifname, w->devs->out_ifname, sizeof(ev->out_ifname));
	ev->drop_reason = reason;
	slot->location = location;
	vmtrace_ring_commit();
out:
	local_irq_restore(flags);
}
