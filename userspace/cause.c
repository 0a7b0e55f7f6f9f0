// SPDX-License-Identifier: GPL-2.0
/*
 * From the kernel's drop reason and location, and where the kernel gives
 * none (bridge and veth in 6.1 say NOT_SPECIFIED), from the state of the
 * devices around the drop, to one cause of a fixed vocabulary. A cause
 * read from device state says so ("inferred").
 */
#include <stdio.h>
#include <string.h>
#include <net/if.h>

#include "cause.h"
#include "format.h"

#define BR_STATE_FORWARDING 3
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP (1 << 16)	/* <linux/if.h>, which clashes with <net/if.h> */
#endif

static const char *const port_states[] = {
	"disabled", "listening", "learning", "forwarding", "blocking",
};

static int starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static int reason_is(const struct vmtrace_event *ev, const char *name)
{
	return !strncmp(ev->reason, name, sizeof(ev->reason));
}

static void set(struct vt_cause *c, const char *id, int inferred)
{
	c->id = id;
	c->inferred = inferred;
	c->explain[0] = c->check[0] = '\0';
}

int vt_drop_is_benign(const struct vmtrace_event *ev)
{
	/*
	 * A raw ping socket gets its copy of a reply, then icmp_rcv frees the
	 * original with NO_SOCKET; icmpv6_rcv frees every echo it handled with
	 * kfree_skb. Both are deliveries.
	 */
	return starts(ev->location, "icmp_rcv+") || starts(ev->location, "icmpv6_rcv+") ||
	       starts(ev->location, "ping_rcv+");
}

static const struct vt_link *state_link(const struct vt_rtnl_view *st, const char *name)
{
	return st && name && *name ? vt_link_by_name(st, name) : NULL;
}

static int link_is_down(const struct vt_link *l)
{
	return l && (!(l->flags & IFF_UP) || !(l->flags & IFF_LOWER_UP));
}

/*
 * Look at the bridge ports on the VM's path, its own first: a port that is
 * down, not forwarding, or too small explains a silent loss. Returns 1 with
 * @c set if one does; @br is the bridge in question (NULL: any).
 */
static int port_cause(const struct vmtrace_event *ev, const struct vt_vm *vm,
		      const struct vt_rtnl_view *st, const struct vt_link *br, struct vt_cause *c)
{
	const struct vt_link *p;
	unsigned int i, pass;

	/* the VM's own ports, then every other traced port of that bridge */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; vm && i < vm->npath; i++) {
			const struct vt_path_elem *e = &vm->path[i];

			if ((pass == 0) != (e->role == VT_ROLE_PORT) || e->netns[0])
				continue;
			p = state_link(st, e->ifname);
			if (!p || !p->is_port || (br && p->master != br->ifindex))
				continue;
			if (link_is_down(p)) {
				set(c, "link-down", 1);
				snprintf(c->explain, sizeof(c->explain),
					 "%s, a port of %s, is down or has no carrier (VM NIC down or unplugged, its QEMU gone, or the veth peer down); the bridge dropped the frame",
					 p->name, br ? br->name : "the bridge");
				snprintf(c->check, sizeof(c->check), "ip link show %s", p->name);
				return 1;
			}
			if (p->port_state != BR_STATE_FORWARDING || p->port_isolated) {
				set(c, "bridge-port-state", 1);
				snprintf(c->explain, sizeof(c->explain),
					 "bridge port %s is %s%s: it does not forward",
					 p->name, p->port_isolated ? "isolated" :
					 p->port_state < 5 ? port_states[p->port_state] : "in an unknown state",
					 p->port_isolated ? " from the other isolated ports" : " (STP or administratively)");
				snprintf(c->check, sizeof(c->check), "bridge -d link show dev %s", p->name);
				return 1;
			}
			if (p->mtu && ev->len > p->mtu + 14 + 4) {
				set(c, "mtu", 1);
				snprintf(c->explain, sizeof(c->explain),
					 "a %u-byte frame does not fit the MTU %u of bridge port %s",
					 ev->len, p->mtu, p->name);
				snprintf(c->check, sizeof(c->check), "ip link show %s", p->name);
				return 1;
			}
		}
	}
	return 0;
}

static const struct vt_link *bridge_of(const struct vt_rtnl_view *st, const char *ifname)
{
	const struct vt_link *in = state_link(st, ifname);

	if (in && in->is_port)
		return vt_link_by_index(st, in->master);
	if (in && !strcmp(in->kind, "bridge"))
		return in;
	return NULL;
}

/* The bridge said nothing: look at its ports, the VM's first. */
static void bridge_cause(const struct vmtrace_event *ev, const struct vt_vm *vm,
			 const struct vt_rtnl_view *st, struct vt_cause *c)
{
	const struct vt_link *br = bridge_of(st, ev->ifname);

	if (port_cause(ev, vm, st, br, c))
		return;
	if (br && br->vlan_filtering) {
		set(c, "bridge-vlan-filter", 1);
		snprintf(c->explain, sizeof(c->explain),
			 "bridge %s filters VLANs and its ports are up and forwarding: the frame's VLAN%s is not allowed on the ingress or egress port (or no PVID)",
			 br->name, ev->flags & VMTRACE_EV_VLAN ? "" : " (untagged)");
		snprintf(c->check, sizeof(c->check), "bridge vlan show");
		return;
	}
	set(c, "bridge-no-port", 1);
	snprintf(c->explain, sizeof(c->explain),
		 "bridge %s had no port to deliver to: the destination MAC is behind no usable port (port removed, or the VM's MAC changed)",
		 br ? br->name : ev->ifname);
	snprintf(c->check, sizeof(c->check), "bridge fdb show br %s", br ? br->name : ev->ifname);
}

void vt_cause_unanswered(const struct vmtrace_event *req, const struct vt_vm *vm,
			 const struct vt_rtnl_view *st, struct vt_cause *c)
{
	char target[64];

	vt_addr_str(req->family, req->dst, target, sizeof(target));
	if (port_cause(req, vm, st, NULL, c)) {
		size_t n = strlen(c->explain);

		snprintf(c->explain + n, sizeof(c->explain) - n,
			 "; the %s for %s went unanswered [inferred from device state: the kernel reports no drop]",
			 req->kind == VMTRACE_PKT_ARP_REQUEST ? "ARP request" : "neighbour solicitation",
			 target);
		return;
	}
	set(c, "neighbor", 0);
	snprintf(c->explain, sizeof(c->explain),
		 "nobody answered %s for %s: the VM is not on that segment, has another address, or drops ARP/ND",
		 req->kind == VMTRACE_PKT_ARP_REQUEST ? "ARP" : "neighbour discovery", target);
	snprintf(c->check, sizeof(c->check), "ip neigh show %s; tcpdump -ni %.16s arp or icmp6", target,
		 req->ifname);
}

void vt_cause_guest(const char *ifname, struct vt_cause *c)
{
	set(c, "guest", 0);
	snprintf(c->explain, sizeof(c->explain),
		 "the request was handed to the VM through %s and no reply came back: the guest dropped or ignored it (guest firewall, icmp_echo_ignore_all, guest routing)",
		 ifname);
	snprintf(c->check, sizeof(c->check),
		 "in the guest: nft list ruleset; sysctl net.ipv4.icmp_echo_ignore_all; ip route");
}

void vt_cause_of(const struct vmtrace_event *ev, const struct vt_vm *vm,
		 const struct vt_rtnl_view *st, struct vt_cause *c)
{
	const struct vt_link *dev = state_link(st, ev->ifname);
	char ifname[VMTRACE_IFNAMSIZ + 1];

	snprintf(ifname, sizeof(ifname), "%.*s", VMTRACE_IFNAMSIZ, ev->ifname);
	if (ev->flags & VMTRACE_EV_NF_ATTRIBUTED) {
		/* NETFILTER_DROP, or a bridge prerouting drop the kernel frees plainly */
		set(c, "firewall", 0);
		snprintf(c->explain, sizeof(c->explain), "a firewall rule dropped it in the %s hook%s%s",
			 ev->point >= VMTRACE_POINT_BR_PREROUTING && ev->point <= VMTRACE_POINT_BR_POSTROUTING ?
			 "bridge" : "IP", ifname[0] ? " on " : "", ifname);
		snprintf(c->check, sizeof(c->check), "nft list ruleset; iptables-save; ebtables-save");
	} else if (reason_is(ev, "FULL_RING")) {
		set(c, "vm-not-reading", 0);
		snprintf(c->explain, sizeof(c->explain),
			 "the guest is not draining its virtio-net RX queue (VM paused, hung or out of buffers): %s's ring is full",
			 ifname);
		snprintf(c->check, sizeof(c->check), "ip -s link show %s; virsh domstate / qm status", ifname);
	} else if (reason_is(ev, "DEV_READY")) {
		set(c, "link-down", 0);
		snprintf(c->explain, sizeof(c->explain),
			 "tap %s has no queue attached or is down: the VM's NIC is not connected", ifname);
		snprintf(c->check, sizeof(c->check), "ip link show %s", ifname);
	} else if (reason_is(ev, "QDISC_DROP")) {
		if (link_is_down(dev) || (dev && !dev->carrier)) {
			set(c, "link-down", 1);
			snprintf(c->explain, sizeof(c->explain),
				 "%s has no carrier (no reader on the tap, VM NIC down, or veth peer down): its queue discards everything",
				 ifname);
		} else {
			set(c, "qdisc-drop", 0);
			snprintf(c->explain, sizeof(c->explain),
				 "the qdisc of %s dropped it (queue full, or a netem/loss rule)", ifname);
		}
		snprintf(c->check, sizeof(c->check), "ip link show %s; tc -s qdisc show dev %s", ifname, ifname);
	} else if (reason_is(ev, "TC_INGRESS") || reason_is(ev, "TC_EGRESS") ||
		   reason_is(ev, "TC_CHAIN_NOTFOUND")) {
		set(c, "tc-drop", 0);
		snprintf(c->explain, sizeof(c->explain), "a tc filter or action on %s dropped it", ifname);
		snprintf(c->check, sizeof(c->check), "tc filter show dev %s ingress; tc filter show dev %s egress",
			 ifname, ifname);
	} else if (starts(ev->reason, "NEIGH_")) {
		set(c, "neighbor", 0);
		snprintf(c->explain, sizeof(c->explain),
			 "neighbour resolution failed on %s: nobody answered ARP/ND for the next hop (%s)",
			 ifname, ev->reason);
		snprintf(c->check, sizeof(c->check), "ip neigh show dev %s", ifname);
	} else if (reason_is(ev, "IP_OUTNOROUTES") || reason_is(ev, "IP_INNOROUTES") ||
		   reason_is(ev, "IP_INADDRERRORS")) {
		set(c, "no-route", 0);
		snprintf(c->explain, sizeof(c->explain), "no route for it in that namespace (%s)", ev->reason);
		snprintf(c->check, sizeof(c->check), "ip route get <destination>");
	} else if (reason_is(ev, "IP_RPFILTER")) {
		set(c, "rp-filter", 0);
		snprintf(c->explain, sizeof(c->explain),
			 "the reverse-path filter on %s dropped it: the route back to its source leaves by another interface",
			 ifname);
		snprintf(c->check, sizeof(c->check), "sysctl net.ipv4.conf.all.rp_filter net.ipv4.conf.%s.rp_filter",
			 ifname);
	} else if (reason_is(ev, "OTHERHOST")) {
		set(c, "wrong-mac", 0);
		snprintf(c->explain, sizeof(c->explain),
			 "the frame reached %s addressed to another MAC (a stale neighbour entry after a MAC change?)",
			 ifname);
		snprintf(c->check, sizeof(c->check), "ip neigh show; ip link show %s", ifname);
	} else if (reason_is(ev, "PKT_TOO_BIG")) {
		set(c, "mtu", 0);
		snprintf(c->explain, sizeof(c->explain), "a %u-byte packet is too big for the next hop from %s",
			 ev->len, ifname);
		snprintf(c->check, sizeof(c->check), "ip link show; ip route get <destination>");
	} else if (reason_is(ev, "CPU_BACKLOG")) {
		set(c, "backlog", 0);
		snprintf(c->explain, sizeof(c->explain), "the CPU's receive backlog was full");
		snprintf(c->check, sizeof(c->check), "cat /proc/net/softnet_stat");
	} else if (reason_is(ev, "TAP_FILTER") || reason_is(ev, "TAP_TXFILTER") ||
		   reason_is(ev, "SOCKET_FILTER")) {
		set(c, "mac-filter", 0);
		snprintf(c->explain, sizeof(c->explain), "a MAC or BPF filter on tap %s refused it", ifname);
		snprintf(c->check, sizeof(c->check), "ip -d link show %s", ifname);
	} else if (starts(ev->location, "br_") || starts(ev->location, "nbp_") ||
		   ev->dev_kind == VMTRACE_DEV_BRIDGE) {
		bridge_cause(ev, vm, st, c);
	} else if (starts(ev->location, "veth_") || starts(ev->location, "__dev_forward_skb") ||
		   starts(ev->location, "__dev_queue_xmit") || ev->dev_kind == VMTRACE_DEV_VETH) {
		if (dev && dev->mtu && ev->len > dev->mtu + 14 + 4) {
			set(c, "mtu", 1);
			snprintf(c->explain, sizeof(c->explain), "a %u-byte frame does not fit the MTU %u of %s",
				 ev->len, dev->mtu, ifname);
		} else {
			set(c, "link-down", 1);
			snprintf(c->explain, sizeof(c->explain),
				 "%s could not pass it on: it or its peer is down (the kernel gives no reason here)",
				 ifname);
		}
		snprintf(c->check, sizeof(c->check), "ip link show %s", ifname);
	} else {
		set(c, "unknown", 0);
		snprintf(c->explain, sizeof(c->explain),
			 "the kernel dropped it (%.32s at %.64s); vmtrace has no finer cause for this site",
			 ev->reason, ev->location);
		snprintf(c->check, sizeof(c->check), "perf record -e skb:kfree_skb -g");
	}
	if (c->inferred) {
		size_t n = strlen(c->explain);

		snprintf(c->explain + n, sizeof(c->explain) - n,
			 " [inferred from device state: the kernel reported %.32s]", ev->reason);
	}
}
