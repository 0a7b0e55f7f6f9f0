// SPDX-License-Identifier: GPL-2.0
/*
 * From the kernel's drop reason and location, and where the kernel gives
 * none (bridge and veth in 6.1 say NOT_SPECIFIED, a lost packet says
 * nothing), from the state of the host right after: devices, bridge VLANs,
 * routes, neighbours, sysctls, conntrack. A cause read from state says so
 * ("inferred"). docs/causes.md lists every cause with what the kernel shows.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/rtnetlink.h>

#include "addr.h"
#include "cause.h"
#include "echo.h"
#include "format.h"
#include "nft.h"

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

static void addr_str(int family, const uint8_t *a, char *buf, size_t len)
{
	vt_addr_str((unsigned int)family, a, buf, len);
}

static void mac_str(const uint8_t *m, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static const struct vt_vm *env_vm(const struct vt_env *env)
{
	return env ? env->vm : NULL;
}

static const char *netns_of(const struct vt_env *env, const struct vmtrace_event *ev)
{
	return env ? vt_env_netns(env, ev) : NULL;
}

static const struct vt_rtnl_view *view_of(struct vt_env *env, const char *netns)
{
	return env ? vt_env_view(env, netns) : NULL;
}

/* rtnetlink's view of the namespace @ev happened in */
static const struct vt_rtnl_view *view_at(struct vt_env *env, const struct vmtrace_event *ev)
{
	return view_of(env, netns_of(env, ev));
}

static const struct vt_link *link_named(const struct vt_rtnl_view *st, const char *name)
{
	return st && name && *name ? vt_link_by_name(st, name) : NULL;
}

static int link_is_down(const struct vt_link *l)
{
	return l && (!(l->flags & IFF_UP) || !(l->flags & IFF_LOWER_UP));
}

static int frame_vlan(const struct vmtrace_event *ev)
{
	return ev->flags & VMTRACE_EV_VLAN ? ev->vlan_tci & 0xfff : -1;
}

static void vlan_list(const struct vt_link *p, char *buf, size_t len)
{
	size_t n = 0;
	unsigned int vid, shown = 0;

	buf[0] = '\0';
	for (vid = 1; vid < 4095 && n + 32 < len; vid++) {
		if (!vt_link_has_vlan(p, vid))
			continue;
		if (shown++ == 8) {
			snprintf(buf + n, len - n, ", ...");
			break;
		}
		n += (size_t)snprintf(buf + n, len - n, "%s%u%s%s", n ? ", " : "", vid,
				      vid == p->pvid ? " pvid" : "",
				      p->vlan_untagged[vid / 8] & (1 << (vid % 8)) ? " untagged" : "");
	}
	if (!shown)
		snprintf(buf, len, "none");
}

/* A static (user-added, not local) FDB entry on port @p: what a locked port admits. */
static int fdb_static_on(const struct vt_rtnl_view *st, const struct vt_link *p)
{
	unsigned int i;

	for (i = 0; i < st->nneigh; i++)
		if (st->neigh[i].family == AF_BRIDGE && st->neigh[i].ifindex == p->ifindex &&
		    (st->neigh[i].state & NUD_NOARP) && !(st->neigh[i].state & NUD_PERMANENT))
			return 1;
	return 0;
}

/*
 * One bridge port: down, not forwarding, isolated, too small, or outside
 * the frame's VLAN. @vid: the frame's VLAN (-1: untagged/unknown).
 */
static int check_port(const struct vmtrace_event *ev, const struct vt_rtnl_view *st,
		      const struct vt_link *p, int vid, struct vt_cause *c)
{
	const struct vt_link *br = vt_link_by_index(st, p->master);
	char vlans[160];

	if (link_is_down(p)) {
		set(c, "link-down", 1);
		snprintf(c->explain, sizeof(c->explain),
			 "%s, a port of %s, is down or has no carrier (VM NIC down or unplugged, its QEMU gone, or the veth peer down): the bridge does not forward to it",
			 p->name, br ? br->name : "the bridge");
		snprintf(c->check, sizeof(c->check), "ip link show %s", p->name);
		return 1;
	}
	if (p->port_state != BR_STATE_FORWARDING || p->port_isolated) {
		set(c, "bridge-port-state", 1);
		snprintf(c->explain, sizeof(c->explain), "bridge port %s is %s%s: it does not forward",
			 p->name, p->port_isolated ? "isolated" :
			 p->port_state < 5 ? port_states[p->port_state] : "in an unknown state",
			 p->port_isolated ? " (it talks to non-isolated ports only, never to other isolated ones)" :
			 " (STP, or set by hand)");
		snprintf(c->check, sizeof(c->check), "bridge -d link show dev %s", p->name);
		return 1;
	}
	if (p->port_locked && !fdb_static_on(st, p)) {
		set(c, "bridge-port-state", 1);
		snprintf(c->explain, sizeof(c->explain),
			 "bridge port %s is locked and no static FDB entry admits the VM's MAC: the bridge drops everything the VM sends",
			 p->name);
		snprintf(c->check, sizeof(c->check), "bridge -d link show dev %s; bridge fdb show dev %s", p->name,
			 p->name);
		return 1;
	}
	if (p->mtu && ev->len > p->mtu + 14 + 4) {
		set(c, "mtu", 1);
		if (!strcmp(p->kind, "vxlan") || !strcmp(p->kind, "geneve")) {
			/* the classic overlay loss: DF is not set, so only this hop says no */
			snprintf(c->explain, sizeof(c->explain),
				 "a %u-byte frame does not fit the MTU %u of %s tunnel %s, a port of %s: the tunnel's MTU leaves room for its encapsulation below the underlay's, and the bridge drops what the VMs send bigger. Give the VMs' NICs an MTU of %u (libvirt <mtu size=>, QEMU host_mtu=, DHCP option 26), or raise the underlay's MTU and %s's with it",
				 ev->len, p->mtu, p->kind, p->name, br ? br->name : "the bridge", p->mtu, p->name);
			snprintf(c->check, sizeof(c->check), "ip -d link show %s; ip link show master %s", p->name,
				 br ? br->name : "<bridge>");
			return 1;
		}
		snprintf(c->explain, sizeof(c->explain), "a %u-byte frame does not fit the MTU %u of bridge port %s",
			 ev->len, p->mtu, p->name);
		snprintf(c->check, sizeof(c->check), "ip link show %s", p->name);
		return 1;
	}
	if (br && br->vlan_filtering) {	/* no VLAN entries: a member of none */
		if (vid < 0 && br->has_vlans && br->pvid && ev->ifindex == br->ifindex)
			vid = br->pvid;	/* the host's own untagged traffic */
		if (vid > 0 && !vt_link_has_vlan(p, (unsigned int)vid)) {
			vlan_list(p, vlans, sizeof(vlans));
			set(c, "bridge-vlan-filter", 1);
			snprintf(c->explain, sizeof(c->explain),
				 "bridge %s filters VLANs and port %s is not a member of VLAN %d (its VLANs: %s)",
				 br->name, p->name, vid, vlans);
			snprintf(c->check, sizeof(c->check), "bridge vlan show dev %s", p->name);
			return 1;
		}
		if (vid < 0 && !p->pvid) {
			vlan_list(p, vlans, sizeof(vlans));
			set(c, "bridge-vlan-filter", 1);
			snprintf(c->explain, sizeof(c->explain),
				 "bridge %s filters VLANs and port %s has no PVID: untagged frames from the VM are dropped (its VLANs: %s)",
				 br->name, p->name, vlans);
			snprintf(c->check, sizeof(c->check), "bridge vlan show dev %s", p->name);
			return 1;
		}
	}
	return 0;
}

/*
 * The device the drop happened on if it is a port, then the VM's own ports,
 * then the chain ports on its way (Proxmox fwpr/fwln): the first that
 * explains a silent loss. Other VMs' ports are not suspects.
 */
static int port_cause(const struct vmtrace_event *ev, struct vt_env *env,
		      const struct vt_rtnl_view *st, struct vt_cause *c)
{
	const struct vt_vm *vm = env_vm(env);
	const struct vt_link *p = link_named(st, ev->ifname);
	int vid = frame_vlan(ev);
	unsigned int i, pass;

	if (!st)
		return 0;
	if (p && p->is_port && check_port(ev, st, p, vid, c))
		return 1;
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; vm && i < vm->npath; i++) {
			const struct vt_path_elem *e = &vm->path[i];

			if (e->netns[0] || (pass == 0 ? e->role != VT_ROLE_PORT : e->role != VT_ROLE_CHAIN))
				continue;
			p = vt_link_by_name(st, e->ifname);
			if (p && p->is_port && check_port(ev, st, p, vid, c))
				return 1;
		}
	}
	return 0;
}

static const struct vt_link *bridge_of(const struct vt_rtnl_view *st, const char *ifname)
{
	const struct vt_link *in = link_named(st, ifname);

	if (in && in->is_port)
		return vt_link_by_index(st, in->master);
	if (in && !strcmp(in->kind, "bridge"))
		return in;
	return NULL;
}

/* The bridge said nothing: look at its ports, the VM's first. */
static void bridge_cause(const struct vmtrace_event *ev, struct vt_env *env, struct vt_cause *c)
{
	const struct vt_rtnl_view *st = view_at(env, ev);
	const struct vt_link *br = bridge_of(st, ev->ifname);

	if (port_cause(ev, env, st, c))
		return;
	if (br && br->vlan_filtering) {
		set(c, "bridge-vlan-filter", 1);
		snprintf(c->explain, sizeof(c->explain),
			 "bridge %s filters VLANs and its ports are up and forwarding: the frame's VLAN%s is not allowed on the ingress or egress port",
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

/* The peer of veth @dev: in the same namespace, or the VM's NIC. */
static const struct vt_link *veth_peer(struct vt_env *env, const struct vt_rtnl_view *st,
				       const struct vt_link *dev)
{
	const struct vt_vm *vm = env_vm(env);
	unsigned int i;

	if (dev->link_netnsid < 0)
		return vt_link_by_index(st, dev->link);
	for (i = 0; vm && i < vm->npath; i++) {
		const struct vt_path_elem *e = &vm->path[i];
		const struct vt_rtnl_view *in;
		const struct vt_link *l;

		if (e->role != VT_ROLE_VM || e->ifindex != dev->link)
			continue;
		in = view_of(env, e->netns);
		l = in ? vt_link_by_index(in, e->ifindex) : NULL;
		if (l)
			return l;
	}
	return NULL;
}

static void veth_cause(const struct vmtrace_event *ev, struct vt_env *env, const char *ifname,
		       struct vt_cause *c)
{
	const struct vt_rtnl_view *st = view_at(env, ev);
	const struct vt_link *dev = link_named(st, ifname), *peer = dev ? veth_peer(env, st, dev) : NULL;

	if (dev && dev->mtu && ev->len > dev->mtu + 14 + 4) {
		set(c, "mtu", 1);
		snprintf(c->explain, sizeof(c->explain), "a %u-byte frame does not fit the MTU %u of %s",
			 ev->len, dev->mtu, ifname);
	} else if (peer && peer->mtu && ev->len > peer->mtu + 14 + 4) {
		set(c, "mtu", 1);
		snprintf(c->explain, sizeof(c->explain),
			 "a %u-byte frame does not fit the MTU %u of %s, the other end of %s (the VM's NIC is smaller than the host's side)",
			 ev->len, peer->mtu, peer->name, ifname);
	} else {
		set(c, "link-down", 1);
		snprintf(c->explain, sizeof(c->explain),
			 "%s could not pass it on: it or its peer%s%s is down (the kernel gives no reason here)",
			 ifname, peer ? " " : "", peer ? peer->name : "");
	}
	snprintf(c->check, sizeof(c->check), "ip link show %s", ifname);
}

/*
 * A frame that reached the VM's NIC still tagged with a VLAN the NIC has no
 * interface for: the bridge port sends tagged where the VM expects untagged.
 */
static int vlan_mismatch(const struct vmtrace_event *ev, struct vt_env *env, const char *ifname,
			 struct vt_cause *c)
{
	const struct vt_rtnl_view *st = view_at(env, ev);
	const struct vt_link *dev = link_named(st, ifname);
	int vid = frame_vlan(ev);
	unsigned int i;

	if (vid <= 0)
		return 0;
	for (i = 0; st && dev && i < st->nlinks; i++)
		if (!strcmp(st->links[i].kind, "vlan") && st->links[i].link == dev->ifindex &&
		    st->links[i].vlan_id == vid)
			return 0;
	set(c, "bridge-vlan-filter", 1);
	snprintf(c->explain, sizeof(c->explain),
		 "the frame reached %s tagged with VLAN %d and %s has no VLAN %d interface: the bridge port sends VLAN %d tagged where the VM expects it untagged (tagged/untagged mismatch)",
		 ifname, vid, ifname, vid, vid);
	snprintf(c->check, sizeof(c->check), "bridge vlan show; ip -d link show %s", ifname);
	return 1;
}

/* OTHERHOST: a frame for another MAC. Tagged where untagged was expected, a static entry, a MAC change. */
static void otherhost_cause(const struct vmtrace_event *ev, struct vt_env *env, const char *ifname,
			    struct vt_cause *c)
{
	const struct vt_rtnl_view *st = view_at(env, ev);
	const struct vt_rtnl_view *host = view_of(env, "");
	const struct vt_link *dev = link_named(st, ifname);
	const struct vt_neigh *n = NULL;
	char mac[24], have[24], target[64];

	if (vlan_mismatch(ev, env, ifname, c))
		return;
	addr_str(ev->family, ev->dst, target, sizeof(target));
	/* the host's entry for the address the frame was sent to */
	if (host && st != host)
		n = vt_neigh_find(host, ev->family, ev->dst, 0);
	if (n && dev && memcmp(n->mac, dev->mac, 6)) {
		mac_str(n->mac, mac, sizeof(mac));
		mac_str(dev->mac, have, sizeof(have));
		if (n->state & (NUD_PERMANENT | NUD_NOARP)) {
			set(c, "neighbor", 1);
			snprintf(c->explain, sizeof(c->explain),
				 "the host has a static neighbour entry %s -> %s, but the VM's NIC %s is %s: frames go to a MAC nobody has",
				 target, mac, ifname, have);
			snprintf(c->check, sizeof(c->check), "ip neigh show %s", target);
			return;
		}
		set(c, "wrong-mac", 0);
		snprintf(c->explain, sizeof(c->explain),
			 "the frame reached %s addressed to %s, the MAC the host remembers for %s, but the NIC is now %s: a stale neighbour entry after the VM's MAC changed (it sent no gratuitous ARP)",
			 ifname, mac, target, have);
		snprintf(c->check, sizeof(c->check), "ip neigh show %s; ip link show %s", target, ifname);
		return;
	}
	set(c, "wrong-mac", 0);
	snprintf(c->explain, sizeof(c->explain),
		 "the frame reached %s addressed to another MAC (a stale neighbour entry after a MAC change?)",
		 ifname);
	snprintf(c->check, sizeof(c->check), "ip neigh show; ip link show %s", ifname);
}

/* IP_INADDRERRORS / IP_INNOROUTES at ip_error: forwarding off, or no route. */
static void route_error_cause(const struct vmtrace_event *ev, struct vt_env *env, const char *ifname,
			      struct vt_cause *c)
{
	const char *ns = netns_of(env, ev);
	char path[128], dst[64];
	long fwd;

	snprintf(path, sizeof(path), "net/%s/conf/%s/forwarding", ev->family == AF_INET ? "ipv4" : "ipv6",
		 ifname);
	fwd = env ? vt_env_sysctl(env, ns, path) : -1;
	addr_str(ev->family, ev->dst, dst, sizeof(dst));
	if (fwd == 0) {
		set(c, "forwarding-disabled", 0);
		snprintf(c->explain, sizeof(c->explain),
			 "forwarding is off on %s (%s = 0): the host does not route the VM's traffic to %s",
			 ifname, path, dst);
		snprintf(c->check, sizeof(c->check), "sysctl net.%s.conf.%s.forwarding net.%s.ip_forward",
			 ev->family == AF_INET ? "ipv4" : "ipv6", ifname, ev->family == AF_INET ? "ipv4" : "ipv6");
		return;
	}
	set(c, "no-route", 0);
	snprintf(c->explain, sizeof(c->explain), "no route to %s in that namespace (%s)", dst, ev->reason);
	snprintf(c->check, sizeof(c->check), "ip route get %s", dst);
}

static const char *const hook_names[] = {
	[VMTRACE_POINT_BR_PREROUTING] = "prerouting", [VMTRACE_POINT_BR_INPUT] = "input",
	[VMTRACE_POINT_BR_FORWARD] = "forward", [VMTRACE_POINT_BR_OUTPUT] = "output",
	[VMTRACE_POINT_BR_POSTROUTING] = "postrouting",
	[VMTRACE_POINT_IP_PREROUTING] = "prerouting", [VMTRACE_POINT_IP_INPUT] = "input",
	[VMTRACE_POINT_IP_FORWARD] = "forward", [VMTRACE_POINT_IP_OUTPUT] = "output",
	[VMTRACE_POINT_IP_POSTROUTING] = "postrouting",
};

static void append(struct vt_cause *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append(struct vt_cause *c, const char *fmt, ...)
{
	size_t n = strlen(c->explain);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->explain + n, sizeof(c->explain) - n, fmt, ap);
	va_end(ap);
}

/* What the walk could not tell, after the rule it names. */
static void nft_caveats(const struct vt_nft_drop *d, struct vt_cause *c)
{
	unsigned int others = d->unsure_before + (d->found == VT_NFT_MAYBE && d->uncertain ? d->uncertain - 1 : 0);

	if (d->uncertain && d->found != VT_NFT_MAYBE)
		append(c, " (unless an earlier rule vmtrace cannot check dropped it: %s)", d->first_uncertain);
	if (others)
		append(c, " (%u other rule%s on the way vmtrace cannot check)", others, others == 1 ? "" : "s");
	if (d->truncated)
		append(c, " (the ruleset was not walked whole)");
}

/*
 * OpenStack's iptables firewall driver gives each port an ingress and an
 * egress chain, "neutron-<agent, 8 characters>-i<port id, 10 characters>"
 * (-o for egress), whose last rule sends what no security group rule
 * allowed to sg-fallback's drop. The operator changes a security group
 * rule, not the chain: say so. 1 if @d's walk went through such a chain.
 */
static int neutron_port_cause(const struct vt_nft_drop *d, int sure, const char *ns, struct vt_cause *c)
{
	char via[sizeof(d->via)], *save = NULL, *t;
	const char *port = NULL;
	int ingress = 0;

	snprintf(via, sizeof(via), "%s", d->via);
	for (t = strtok_r(via, " >", &save); t; t = strtok_r(NULL, " >", &save))
		if (strlen(t) == 28 && !strncmp(t, "neutron-", 8) && t[16] == '-' && (t[17] == 'i' || t[17] == 'o')) {
			port = t + 18;
			ingress = t[17] == 'i';
			break;
		}
	/* only sg-fallback means "no rule allowed it"; a spoofing or state drop is another fix */
	if (!port || !strstr(d->chain, "sg-fallback"))
		return 0;
	append(c, ": %sno security group rule of OpenStack Neutron port %.10s… lets it %s (its %s chain %s falls through to %s). Add one to a security group of the port: openstack security group rule create --%s --protocol icmp GROUP",
	       sure ? "" : "probably ", port, ingress ? "in" : "out", ingress ? "ingress" : "egress", t, d->chain,
	       ingress ? "ingress" : "egress");
	nft_caveats(d, c);
	snprintf(c->check, sizeof(c->check),
		 "openstack port list -c ID -c security_group_ids | grep %.10s; %s%s%siptables -S %s",
		 port, ns[0] ? "ip netns exec " : "", ns, ns[0] ? " " : "", t);
	return 1;
}

/*
 * pve-firewall's chains for a guest's NIC: "tap100i0-IN" (a VM's net0) or
 * "veth200i0-OUT" (a container's), holding the rules of
 * /etc/pve/firewall/VMID.fw for that direction and ending in its policy.
 * 1 if @d's walk went through one.
 */
static int proxmox_guest_cause(const struct vt_nft_drop *d, int sure, struct vt_cause *c)
{
	char via[sizeof(d->via)], *save = NULL, *t, dir[4];
	unsigned int vmid = 0, net = 0;
	int used = 0;

	snprintf(via, sizeof(via), "%s", d->via);
	for (t = strtok_r(via, " >", &save); t; t = strtok_r(NULL, " >", &save))
		if ((sscanf(t, "tap%ui%u-%3[A-Z]%n", &vmid, &net, dir, &used) == 3 ||
		     sscanf(t, "veth%ui%u-%3[A-Z]%n", &vmid, &net, dir, &used) == 3) &&
		    !t[used] && (!strcmp(dir, "IN") || !strcmp(dir, "OUT")))
			break;
	if (!t)
		return 0;
	append(c, ": %sthe Proxmox firewall of guest %u (net%u, %s) drops it, `%s` in %s: allow it in /etc/pve/firewall/%u.fw ([RULES] %s ... -p icmp), or change the guest's policy_%s",
	       sure ? "" : "probably ", vmid, net, dir, d->text, d->chain, vmid, dir, !strcmp(dir, "IN") ? "in" : "out");
	nft_caveats(d, c);
	snprintf(c->check, sizeof(c->check), "cat /etc/pve/firewall/%u.fw; iptables -S %s", vmid, t);
	return 1;
}

/*
 * The nftables rule (or chain policy) that dropped the echo @ev, from the
 * ruleset of namespace @ns as it is now, added to @c's words (nft.c says
 * how it is found and what it cannot check).
 */
static void name_nft_rule(const struct vmtrace_event *ev, struct vt_env *env, const char *ns,
			  struct vt_cause *c)
{
	char in[VMTRACE_IFNAMSIZ + 1], out[VMTRACE_IFNAMSIZ + 1], where[300], more[700];
	struct vt_nft_pkt p = { .family = ev->family };
	struct vt_nft_drop d;
	const char *json, *listing;
	size_t len;
	int sure;

	if (ev->point >= sizeof(hook_names) / sizeof(hook_names[0]) || !hook_names[ev->point] ||
	    (ev->kind != VMTRACE_PKT_ECHO_REQUEST && ev->kind != VMTRACE_PKT_ECHO_REPLY) ||
	    (ev->family != AF_INET && ev->family != AF_INET6) ||
	    vt_env_nft(env, ns, &json, &len, &listing))
		return;
	p.bridge = ev->point <= VMTRACE_POINT_BR_POSTROUTING;
	p.hook = hook_names[ev->point];
	memcpy(p.src, ev->src, sizeof(p.src));
	memcpy(p.dst, ev->dst, sizeof(p.dst));
	p.l4proto = ev->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	if (ev->family == AF_INET)
		p.icmp_type = ev->kind == VMTRACE_PKT_ECHO_REQUEST ? 8 : 0;
	else
		p.icmp_type = ev->kind == VMTRACE_PKT_ECHO_REQUEST ? 128 : 129;
	snprintf(in, sizeof(in), "%.*s", VMTRACE_IFNAMSIZ, ev->ifname);
	snprintf(out, sizeof(out), "%.*s", VMTRACE_IFNAMSIZ, ev->out_ifname);
	/* a hook with both devices names both; output and postrouting know only the way out */
	if (out[0]) {
		p.iifname = in;
		p.oifname = out;
	} else if (!strcmp(p.hook, "output") || !strcmp(p.hook, "postrouting")) {
		p.iifname = "";
		p.oifname = in;
	} else {
		p.iifname = in;
		p.oifname = "";
	}
	if (vt_nft_find_drop(json, len, listing, &p, &d) || d.found == VT_NFT_NONE)
		return;
	/* certain only if every rule before it was checked and the walk went the whole way */
	sure = d.found != VT_NFT_MAYBE && !d.unsure_before && !d.truncated;
	if (neutron_port_cause(&d, sure, ns, c) || proxmox_guest_cause(&d, sure, c))
		return;
	snprintf(where, sizeof(where), "table %s %s, chain %s", d.family, d.table, d.chain);
	if (d.found == VT_NFT_POLICY)
		snprintf(more, sizeof(more), ": %sthe policy of the chain is drop (%s) and no rule accepted it",
			 sure ? "" : "probably ", where);
	else
		snprintf(more, sizeof(more), ": %snft rule `%s` (%s, handle %ld)%s", sure ? "" : "probably ",
			 d.text, where, d.handle,
			 d.found == VT_NFT_MAYBE ? ", whose match vmtrace cannot check against the echo" : "");
	append(c, "%s", more);
	if (strstr(d.via, " > "))	/* a chain jumped to: how the walk got there */
		append(c, " (through %.160s)", d.via);
	nft_caveats(&d, c);
	snprintf(c->check, sizeof(c->check), "%s%s%snft -a list chain %s %s %s",
		 ns[0] ? "ip netns exec " : "", ns, ns[0] ? " " : "", d.family, d.table, d.chain);
}

static void firewall_cause(const struct vmtrace_event *ev, struct vt_env *env, const char *ifname,
			   struct vt_cause *c)
{
	const char *ns = netns_of(env, ev);
	long count = env ? vt_env_sysctl(env, ns, "net/netfilter/nf_conntrack_count") : -1;
	long max = env ? vt_env_sysctl(env, ns, "net/netfilter/nf_conntrack_max") : -1;

	if (count >= 0 && max > 0 && count >= max) {
		set(c, "conntrack", 1);
		snprintf(c->explain, sizeof(c->explain),
			 "the connection tracking table is full (%ld of %ld entries): netfilter drops every new flow%s%s",
			 count, max, ifname[0] ? " on " : "", ifname);
		snprintf(c->check, sizeof(c->check),
			 "sysctl net.netfilter.nf_conntrack_count net.netfilter.nf_conntrack_max; dmesg | grep 'table full'");
		return;
	}
	set(c, "firewall", 0);
	if (ev->flags & VMTRACE_EV_ENCAP) {	/* the hypervisors' tunnel itself is blocked */
		int vxlan = ev->encap == VMTRACE_ENCAP_VXLAN;

		snprintf(c->explain, sizeof(c->explain),
			 "a firewall rule dropped the %s packet carrying it (VNI %u) in the IP hook%s%s: the tunnel between the hypervisors is blocked. Allow UDP %s between the tunnel endpoints",
			 vxlan ? "VXLAN" : "Geneve", ev->vni, ifname[0] ? " on " : "", ifname,
			 vxlan ? "4789 (or 8472, Linux's default port)" : "6081");
		snprintf(c->check, sizeof(c->check), "nft list ruleset | grep -n 'udp'; iptables-save | grep -n udp");
		return;
	}
	snprintf(c->explain, sizeof(c->explain), "a firewall rule dropped it in the %s hook%s%s",
		 ev->point >= VMTRACE_POINT_BR_PREROUTING && ev->point <= VMTRACE_POINT_BR_POSTROUTING ?
		 "bridge" : "IP", ifname[0] ? " on " : "", ifname);
	snprintf(c->check, sizeof(c->check), "nft list ruleset; iptables-save; ebtables-save");
	if (env && ns)
		name_nft_rule(ev, env, ns, c);
}

void vt_cause_unanswered(const struct vmtrace_event *req, const uint8_t *echo_dst,
			 struct vt_env *env, struct vt_cause *c)
{
	const struct vt_rtnl_view *st = view_at(env, req);
	const char *what = req->kind == VMTRACE_PKT_ARP_REQUEST ? "ARP" : "neighbour discovery";
	size_t alen = vt_addr_len(req->family);
	char target[64], dst[64], ifname[VMTRACE_IFNAMSIZ + 1];
	const struct vt_path_elem *el;

	addr_str(req->family, req->dst, target, sizeof(target));
	snprintf(ifname, sizeof(ifname), "%.*s", VMTRACE_IFNAMSIZ, req->ifname);
	el = vt_vm_elem(env_vm(env), req);
	if (el && el->role == VT_ROLE_LOWER && vt_cause_macvtap_host(req, req->family, req->dst, env, 0, c))
		return;
	if ((el && el->role == VT_ROLE_VM && vlan_mismatch(req, env, ifname, c)) ||
	    port_cause(req, env, st, c) || vt_cause_ovs(req, env, c)) {
		size_t n = strlen(c->explain);

		snprintf(c->explain + n, sizeof(c->explain) - n,
			 "; the %s request for %s went unanswered [inferred from device state: the kernel reports no drop]",
			 what, target);
		return;
	}
	if (echo_dst && memcmp(echo_dst, req->dst, alen)) {
		addr_str(req->family, echo_dst, dst, sizeof(dst));
		set(c, "no-route", 1);
		snprintf(c->explain, sizeof(c->explain),
			 "the route to %s goes via gateway %s, which does not answer %s: a wrong or dead gateway [inferred: the kernel reports no drop]",
			 dst, target, what);
		snprintf(c->check, sizeof(c->check), "ip route get %s; ip neigh show %s", dst, target);
		return;
	}
	set(c, "neighbor", 0);
	snprintf(c->explain, sizeof(c->explain),
		 "nobody answered %s for %s: the VM is not on that segment, has another address, or drops ARP/ND",
		 what, target);
	snprintf(c->check, sizeof(c->check), "ip neigh show %s; tcpdump -ni %.16s arp or icmp6", target,
		 req->ifname);
}

static const char *macvlan_mode_name(uint32_t mode)
{
	switch (mode) {
	case MACVLAN_MODE_PRIVATE:
		return "private";
	case MACVLAN_MODE_VEPA:
		return "vepa";
	case MACVLAN_MODE_BRIDGE:
		return "bridge";
	case MACVLAN_MODE_PASSTHRU:
		return "passthru";
	case MACVLAN_MODE_SOURCE:
		return "source";
	}
	return "unknown";
}


/* @l is a macvlan or macvtap on @lower, in the same namespace, with a known mode */
static int macvlan_on(const struct vt_link *l, const struct vt_link *lower)
{
	return l && lower && vt_link_is_macvlan(l) && l->link == lower->ifindex && l->link_netnsid < 0 && l->macvlan_mode;
}

int vt_cause_macvtap_host(const struct vmtrace_event *ev, int family, const uint8_t *dst,
			  struct vt_env *env, int sure, struct vt_cause *c)
{
	const struct vt_rtnl_view *st = view_at(env, ev);
	const struct vt_vm *vm = env_vm(env);
	const struct vt_link *lower = link_named(st, ev->ifname), *port = NULL, *out = NULL;
	const char *ns = netns_of(env, ev), *pname = "its macvtap";
	char lname[VMTRACE_IFNAMSIZ + 1], d[64];
	struct vt_route r;
	unsigned int i;
	size_t n;

	for (i = 0; vm && i < vm->npath; i++)
		if (vm->path[i].role == VT_ROLE_PORT)
			pname = vm->path[i].ifname;
	for (i = 0; st && vm && i < vm->npath; i++)	/* the VM's port beside the lower device */
		if (vm->path[i].role == VT_ROLE_PORT && !strcmp(vm->path[i].netns, ns ? ns : ""))
			port = vt_link_by_name(st, vm->path[i].ifname);
	snprintf(lname, sizeof(lname), "%.*s", VMTRACE_IFNAMSIZ, ev->ifname);
	addr_str(family, dst, d, sizeof(d));
	if (st && vt_env_route(env, ns, family, dst, &r) == 0 && !r.error)
		out = vt_link_by_index(st, r.oif);
	/* a macvlan of the host's beside the VM's: they meet inside only when both bridge */
	if (macvlan_on(port, lower) && macvlan_on(out, lower) && out != port &&
	    (port->macvlan_mode != MACVLAN_MODE_BRIDGE || out->macvlan_mode != MACVLAN_MODE_BRIDGE)) {
		set(c, "macvtap-mode", 1);
		snprintf(c->explain, sizeof(c->explain),
			 "the host sends to %.45s from %.16s (%.8s, %s mode), beside the VM's %.16s (%s mode) on %.16s: macvlans on one lower device meet inside only in bridge mode; else frames go out to the switch, which returns them only with reflective relay (vepa), never in private mode. Put ",
			 d, out->name, out->kind, macvlan_mode_name(out->macvlan_mode), port->name,
			 macvlan_mode_name(port->macvlan_mode), lname);
		for (i = 0; i < 2; i++) {
			const struct vt_link *l = i ? out : port;

			if (l->macvlan_mode == MACVLAN_MODE_BRIDGE)
				continue;
			n = strlen(c->explain);
			snprintf(c->explain + n, sizeof(c->explain) - n,
				 "%s%.16s in bridge mode (ip link set %.16s type %.8s mode bridge)",
				 c->explain[n - 1] == ')' ? " and " : "", l->name, l->name, l->kind);
		}
		snprintf(c->check, sizeof(c->check), "ip -d link show %.16s; ip -d link show %.16s", port->name,
			 out->name);
		return 1;
	}
	if (!sure && !(out == lower && macvlan_on(port, lower)))
		return 0;
	set(c, "macvtap-host", 1);
	if (port && port->macvlan_mode == MACVLAN_MODE_PASSTHRU)
		snprintf(c->explain, sizeof(c->explain),
			 "the host sends to %s out of %s, the lower device of the VM's %s, which is in passthru mode and owns %s: no macvlan may stand beside it, so the host reaches the VM only through the switch on %s. Use bridge mode and give the host a macvlan of its own, or put the VM on a bridge",
			 d, lname, pname, lname, lname);
	else
		snprintf(c->explain, sizeof(c->explain),
			 "the host sends to %s out of %s, the lower device of the VM's %s: a macvtap or macvlan never passes frames between the host's own stack on its lower device and itself, in any mode. Give the host a macvlan of its own on %s (bridge mode) and move its address there, or put the VM on a bridge",
			 d, lname, pname, lname);
	snprintf(c->check, sizeof(c->check), "ip -d link show %s; ip route get %s", pname, d);
	return 1;
}

void vt_cause_unseen(int family, const uint8_t *src, const uint8_t *dst, struct vt_cause *c)
{
	char s[64], d[64];

	addr_str(family, src, s, sizeof(s));
	addr_str(family, dst, d, sizeof(d));
	set(c, "unknown", 1);
	snprintf(c->explain, sizeof(c->explain),
		 "a reply from %s to %s whose request never crossed the VM's path: the request came another way (another NIC of the VM, a bond member, a route around the bridge), or before vmtrace was watching",
		 d, s);
	snprintf(c->check, sizeof(c->check), "vmtrace follow VM --show-path; ip route get %s", d);
}

void vt_cause_guest(const char *ifname, struct vt_cause *c)
{
	set(c, "guest", 0);
	snprintf(c->explain, sizeof(c->explain),
		 "the request was handed to the VM through %.16s and no reply came back: the guest dropped or ignored it (guest firewall, icmp_echo_ignore_all, guest routing)",
		 ifname);
	snprintf(c->check, sizeof(c->check),
		 "in the guest: nft list ruleset; sysctl net.ipv4.icmp_echo_ignore_all; ip route");
}

static int on_path(const struct vt_vm *vm, const char *netns, int ifindex)
{
	unsigned int i;

	for (i = 0; vm && i < vm->npath; i++)
		if (vm->path[i].ifindex == ifindex && !strcmp(vm->path[i].netns, netns) &&
		    vm->path[i].role != VT_ROLE_NEIGHBOUR)
			return 1;
	return 0;
}

/* "192.0.2.1/24", the first address of @family on @ifindex, or "no address". */
static void first_addr(const struct vt_rtnl_view *st, int ifindex, int family, char *buf, size_t len)
{
	char a[64];
	unsigned int i;

	snprintf(buf, len, "no address");
	for (i = 0; st && i < st->naddrs; i++)
		if (st->addrs[i].ifindex == ifindex && st->addrs[i].family == family) {
			addr_str(family, st->addrs[i].addr, a, sizeof(a));
			snprintf(buf, len, "%s/%u", a, st->addrs[i].prefixlen);
			return;
		}
}

/*
 * Our echo to the VM left the host out of @oif, off the VM's path: say
 * where the host sends, where the VM's port really is, and what to change.
 * A port on no bridge, or on another bridge than the one that holds the
 * host's address for the VM, is a topology fault, not a routing one.
 */
static void off_path_cause(const struct vt_vm *vm, const struct vt_rtnl_view *st, const struct vt_link *oif,
			   const struct vt_route *r, int family, const char *d, struct vt_cause *c)
{
	const struct vt_path_elem *port = NULL;
	char via[80] = "", g[64], oifaddr[80];
	const char *oifname = oif ? oif->name : "?";
	int oif_bridge = oif && !strcmp(oif->kind, "bridge");
	unsigned int i;

	for (i = 0; vm && i < vm->npath && !port; i++)
		if (vm->path[i].role == VT_ROLE_PORT && !vm->path[i].netns[0])
			port = &vm->path[i];
	if (r->has_gateway) {
		addr_str(family, r->gateway, g, sizeof(g));
		snprintf(via, sizeof(via), " via %s", g);
	}
	first_addr(st, r->oif, family, oifaddr, sizeof(oifaddr));
	if (port && !port->master[0] && !r->has_gateway) {
		set(c, "bridge-no-port", 1);
		snprintf(c->explain, sizeof(c->explain),
			 "the host sends to %s out of %s (%s), but the VM's port %s is on no bridge: nothing joins the VM to that network. Attach it: ip link set %s master %s",
			 d, oifname, oifaddr, port->ifname, port->ifname,
			 oif_bridge ? oifname : "<the bridge of that network>");
		snprintf(c->check, sizeof(c->check), "ip route get %s; bridge link show dev %s", d, port->ifname);
		return;
	}
	if (port && port->master[0] && !r->has_gateway && oif_bridge) {
		set(c, "bridge-no-port", 1);
		snprintf(c->explain, sizeof(c->explain),
			 "the host sends to %s out of bridge %s (%s), but the VM's port %s is on bridge %s: the VM's address belongs to %s's network, its port to another. Move the port (ip link set %s master %s) or give the VM an address of %s's network",
			 d, oifname, oifaddr, port->ifname, port->master, oifname, port->ifname, oifname,
			 port->master);
		snprintf(c->check, sizeof(c->check), "ip route get %s; bridge link show dev %s; ip -br addr show dev %s",
			 d, port->ifname, port->master);
		return;
	}
	set(c, "no-route", 1);
	if (port && port->master[0])
		snprintf(c->explain, sizeof(c->explain),
			 "the host's route to %s leaves through %s%s, but the VM's port %s is on bridge %s: the route for the VM's network is missing on %s, or a more specific route sends %s elsewhere",
			 d, oifname, via, port->ifname, port->master, port->master, d);
	else
		snprintf(c->explain, sizeof(c->explain),
			 "the host's route to %s leaves through %s%s, not through the VM's bridge or port: a wrong or missing route",
			 d, oifname, via);
	snprintf(c->check, sizeof(c->check), "ip route get %s; ip route show dev %s", d,
		 port && port->master[0] ? port->master : oifname);
}

/* @addr is one of the addresses of the namespace @st is a view of */
static int is_local_addr(const struct vt_rtnl_view *st, int family, const uint8_t *addr)
{
	unsigned int i;

	for (i = 0; st && i < st->naddrs; i++)
		if (st->addrs[i].family == family &&
		    !memcmp(st->addrs[i].addr, addr, vt_addr_len(family)))
			return 1;
	return 0;
}

/*
 * IPv4 rate-limits the ICMP types in icmp_ratemask, per peer, to one every
 * icmp_ratelimit ms (after a burst of six), and all peers together to
 * icmp_msgs_per_sec: errors by default, echo replies (type 0, bit 0) only
 * when someone set it. Inferred from the settings: an echo slower than the
 * limit is not lost to it, but nothing else explained this one. IPv6 never limits informational
 * types such as echo reply unless its ratemask lists 129: not read here.
 */
static int target_ratelimits(struct vt_env *env, const char *ns, int family, const char *d,
			     const char *ifname, struct vt_cause *c)
{
	long mask, ms;

	if (family != AF_INET)
		return 0;
	mask = vt_env_sysctl(env, ns, "net/ipv4/icmp_ratemask");
	ms = vt_env_sysctl(env, ns, "net/ipv4/icmp_ratelimit");
	if (mask < 0 || !(mask & 1) || ms <= 0)
		return 0;
	set(c, "icmp-ratelimit", 1);
	snprintf(c->explain, sizeof(c->explain),
		 "the request reached %.45s, an address of the %s itself, on %s, and the %s rate-limits its echo replies: net.ipv4.icmp_ratemask = %ld has bit 0 (echo reply) set: each peer gets one reply per net.ipv4.icmp_ratelimit = %ld ms once a burst of six is spent, all at most icmp_msgs_per_sec; faster echoes go unanswered. Clear bit 0 (the default mask is 6168)",
		 d, *ns ? "namespace" : "host", ifname, *ns ? "namespace" : "host", mask, ms);
	snprintf(c->check, sizeof(c->check), "%s%s%ssysctl net.ipv4.icmp_ratemask net.ipv4.icmp_ratelimit",
		 *ns ? "ip netns exec " : "", ns, *ns ? " " : "");
	return 1;
}

/*
 * The echo reached the address it was sent to, the host's own (or a
 * namespace's): the kernel there answers unless told not to. Read why
 * from the target, as a guest's firewall is read for a namespace VM.
 */
static int target_ignores(const struct vmtrace_event *last, struct vt_env *env, const struct vt_rtnl_view *st,
			  const char *ns, int family, const uint8_t *dst, const char *d, struct vt_cause *c)
{
	const char *sysctl = family == AF_INET ? "net/ipv4/icmp_echo_ignore_all" : "net/ipv6/icmp/echo_ignore_all";
	char ifname[VMTRACE_IFNAMSIZ + 1], name[64];

	if (last->kind != VMTRACE_PKT_ECHO_REQUEST || !is_local_addr(st, family, dst) ||
	    (last->point != VMTRACE_POINT_IP_INPUT && last->point != VMTRACE_POINT_SKB_CONSUME &&
	     last->point != VMTRACE_POINT_IP_PREROUTING))
		return 0;
	snprintf(ifname, sizeof(ifname), "%.*s", VMTRACE_IFNAMSIZ, last->ifname);
	if (vt_env_sysctl(env, ns, sysctl) != 1)
		return target_ratelimits(env, ns, family, d, ifname, c);
	snprintf(name, sizeof(name), "%s", sysctl);
	for (char *p = name; *p; p++)	/* as sysctl(8) names it */
		if (*p == '/')
			*p = '.';
	set(c, "icmp-ignored", 1);
	snprintf(c->explain, sizeof(c->explain),
		 "the request reached %s, an address of the %s itself, on %s, and the %s does not answer echoes: %s = 1 (set it to 0 to answer)",
		 d, *ns ? "namespace" : "host", ifname, *ns ? "namespace" : "host", name);
	snprintf(c->check, sizeof(c->check), "%s%s%ssysctl %s", *ns ? "ip netns exec " : "", ns, *ns ? " " : "",
		 name);
	return 1;
}

static void send_error_cause(int err, const char *dst, struct vt_cause *c)
{
	switch (err) {
	case -ENETUNREACH:
	case -EHOSTUNREACH:
		set(c, "no-route", 0);
		snprintf(c->explain, sizeof(c->explain), "the host has no route to %s: sending failed (%s)", dst,
			 strerror(-err));
		snprintf(c->check, sizeof(c->check), "ip route get %s", dst);
		break;
	case -EMSGSIZE:
		set(c, "mtu", 0);
		snprintf(c->explain, sizeof(c->explain),
			 "the echo is bigger than the MTU of the host's route to %s and may not be fragmented", dst);
		snprintf(c->check, sizeof(c->check), "ip route get %s; ip link show", dst);
		break;
	case -EPERM:
		set(c, "firewall", 0);
		snprintf(c->explain, sizeof(c->explain), "the host's output firewall refused the echo to %s", dst);
		snprintf(c->check, sizeof(c->check), "nft list ruleset; iptables-save");
		break;
	default:
		set(c, "unknown", 0);
		snprintf(c->explain, sizeof(c->explain), "sending the echo to %s failed: %s", dst, strerror(-err));
		snprintf(c->check, sizeof(c->check), "ip route get %s", dst);
	}
}

static void lost_cause(const struct vmtrace_event *last, int family, const uint8_t *src,
		       const uint8_t *dst, uint16_t id, int send_err, struct vt_env *env,
		       struct vt_cause *c)
{
	const char *ns = last ? netns_of(env, last) : "";
	const struct vt_rtnl_view *st;
	const struct vt_link *oif;
	const struct vt_neigh *gw;
	struct vt_route r;
	struct vt_ct ct;
	char d[64], g[64], s[64];
	int ret;

	c->id = NULL;
	addr_str(family, dst, d, sizeof(d));
	if (send_err) {
		send_error_cause(send_err, d, c);
		return;
	}
	if (!env || !ns)
		return;
	st = vt_env_view(env, ns);
	if (last && port_cause(last, env, st, c))
		return;
	if (last && target_ignores(last, env, st, ns, family, dst, d, c))
		return;
	if (vt_env_route(env, ns, family, dst, &r))
		return;
	oif = st ? vt_link_by_index(st, r.oif) : NULL;
	if (r.error || r.type == RTN_UNREACHABLE || r.type == RTN_BLACKHOLE || r.type == RTN_PROHIBIT) {
		set(c, "no-route", 1);
		snprintf(c->explain, sizeof(c->explain), "the %s has no usable route to %s (%s)",
			 *ns ? "namespace" : "host", d, r.error ? strerror(-r.error) : "unreachable route");
		snprintf(c->check, sizeof(c->check), "ip route get %s", d);
		return;
	}
	gw = r.has_gateway && st ? vt_neigh_find(st, family, r.gateway, r.oif) : NULL;
	if (r.has_gateway && (!gw || gw->state & (NUD_FAILED | NUD_INCOMPLETE))) {
		addr_str(family, r.gateway, g, sizeof(g));
		set(c, "no-route", 1);
		snprintf(c->explain, sizeof(c->explain),
			 "the route to %s goes via gateway %s on %s, which does not answer ARP/ND (%s): a wrong or dead gateway",
			 d, g, oif ? oif->name : "?", gw ? "FAILED" : "no neighbour entry");
		snprintf(c->check, sizeof(c->check), "ip route get %s; ip neigh show %s", d, g);
		return;
	}
	if (!last) {
		/* we sent it and it never reached the VM's path */
		if (!on_path(env->vm, "", r.oif))
			off_path_cause(env->vm, st, oif, &r, family, d, c);
		return;
	}
	if (last->point != VMTRACE_POINT_IP_FORWARD && last->point != VMTRACE_POINT_IP_POSTROUTING)
		return;
	if (!last->out_ifindex || on_path(env->vm, ns, last->out_ifindex))
		return;
	/*
	 * Routed off the VM's path towards an uplink: was it translated? NAT
	 * needs conntrack; no entry (conntrack off in this namespace once the
	 * last NAT rule is gone) means nothing translated it either.
	 */
	addr_str(family, src, s, sizeof(s));
	ret = vt_env_conntrack(env, ns, family, src, dst, id, &ct);
	if (ret != 1 || !(ct.status & IPS_SRC_NAT)) {
		set(c, "nat", 1);
		snprintf(c->explain, sizeof(c->explain),
			 "the request left the host through %.16s with the VM's own source address %s (%s) and no reply came back: the NAT network's MASQUERADE/SNAT rule is missing (or, if this network is routed, upstream has no route back to %s)",
			 last->out_ifname, s, ret == 1 ? "conntrack shows no source NAT" :
			 "no conntrack entry: nothing translated it", s);
		snprintf(c->check, sizeof(c->check),
			 "nft list ruleset | grep -i masq; iptables -t nat -S POSTROUTING; conntrack -L -s %s", s);
		return;
	}
	set(c, "upstream", 1);
	snprintf(c->explain, sizeof(c->explain),
		 "the request left the host through %.16s, source-NATed, and no reply came back: the loss is beyond this host (upstream router or the target)",
		 last->out_ifname);
	snprintf(c->check, sizeof(c->check), "tcpdump -ni %.16s icmp", last->out_ifname);
}

void vt_cause_lost(const struct vmtrace_event *last, int family, const uint8_t *src,
		   const uint8_t *dst, uint16_t id, int send_err, struct vt_env *env,
		   struct vt_cause *c)
{
	char ifname[VMTRACE_IFNAMSIZ + 1], d[64];

	lost_cause(last, family, src, dst, id, send_err, env, c);
	if (!c->id) {
		/* nothing explains it: say what was seen, and what to look at next */
		addr_str(family, dst, d, sizeof(d));
		set(c, "unknown", 1);
		if (last) {
			snprintf(ifname, sizeof(ifname), "%.*s", VMTRACE_IFNAMSIZ, last->ifname);
			snprintf(c->explain, sizeof(c->explain),
				 "the echo to %s was last seen at %s on %s and then vanished: no drop the kernel reports where vmtrace watches, and %s; it went on past what is traced (a device outside the VM's path, or an offload)",
				 d, vt_point_name(last->point), ifname,
				 env ? "nothing wrong in the ports, routes, neighbours or conntrack on the way" :
				 "the host's state was not read");
			snprintf(c->check, sizeof(c->check),
				 "tcpdump -eni %s icmp or icmp6; vmtrace status (events lost?)", ifname);
		} else {
			snprintf(c->explain, sizeof(c->explain),
				 "the echo to %s never showed on the VM's path, and nothing in the host's routes or neighbours explains why",
				 d);
			snprintf(c->check, sizeof(c->check), "ip route get %s; vmtrace follow VM --show-path", d);
		}
		return;
	}
	if (c->inferred) {
		size_t n = strlen(c->explain);

		snprintf(c->explain + n, sizeof(c->explain) - n,
			 " [inferred from the host's state: the kernel reports no drop]");
	}
}

int vt_cause_wrong_vm(const struct vmtrace_event *ev, int request, struct vt_env *env,
		      struct vt_cause *c)
{
	char ifname[VMTRACE_IFNAMSIZ + 1], a[64], mac[24];
	const struct vt_rtnl_view *st;
	const struct vt_neigh *n;
	unsigned int i;

	snprintf(ifname, sizeof(ifname), "%.*s", VMTRACE_IFNAMSIZ, ev->ifname);
	if (!request) {
		addr_str(ev->family, ev->src, a, sizeof(a));
		set(c, "ip-conflict", 1);
		snprintf(c->explain, sizeof(c->explain),
			 "the reply from %s came in through %s, another VM's port: a second VM answers for %s (duplicate address; the host's ARP/ND entry points at it) [inferred from the path]",
			 a, ifname, a);
		snprintf(c->check, sizeof(c->check), "ip neigh show %s; arping -D -I <bridge> %s", a, a);
		return 1;
	}
	/*
	 * Only out of another VM's port: a MAC conflict if the bridge's FDB
	 * puts the MAC the host sends to behind that port. Flooding to every
	 * port but the VM's (its port down) is not one.
	 */
	st = view_at(env, ev);
	n = st ? vt_neigh_find(st, ev->family, ev->dst, 0) : NULL;
	if (!n)
		return 0;
	for (i = 0; i < st->nneigh; i++)
		if (st->neigh[i].family == AF_BRIDGE && !memcmp(st->neigh[i].mac, n->mac, 6) &&
		    st->neigh[i].ifindex == ev->ifindex)
			break;
	if (i == st->nneigh)
		return 0;
	addr_str(ev->family, ev->dst, a, sizeof(a));
	mac_str(n->mac, mac, sizeof(mac));
	set(c, "mac-conflict", 1);
	snprintf(c->explain, sizeof(c->explain),
		 "the bridge delivered the request for %s to %s, another VM's port, and never to this VM's: its FDB has %s, this VM's MAC, behind that port — two VMs share one MAC [inferred from the FDB: the kernel reports no drop]",
		 a, ifname, mac);
	snprintf(c->check, sizeof(c->check), "bridge fdb show | grep -i %s; ip -br link", mac);
	return 1;
}

/*
 * Kernels before 5.17 free a packet with no reason. The function that freed
 * it then stands for the reason a newer kernel gives at the same site (each
 * read in 5.10's source, each seen in the lab on 5.10); the cause is marked
 * inferred. tun_net_xmit frees both when the ring is full and when no queue
 * is attached: the tap's carrier tells them apart.
 */
static const struct {
	const char *function;
	const char *reason;
} reason_of_site[] = {
	{ "tun_net_xmit", "FULL_RING" },
	{ "tun_get_user", "DEV_READY" },	/* a frame from the VM into a tap that is down */
	{ "ip_rcv_core", "OTHERHOST" },		/* and bad headers, which echoes do not have */
	{ "__netif_receive_skb_core", "TC_INGRESS" },	/* sch_handle_ingress, inlined */
	{ "__dev_queue_xmit", "TC_EGRESS" },	/* sch_handle_egress, inlined */
	{ "kfree_skb_list", "QDISC_DROP" },	/* __dev_xmit_skb's to_free list */
	{ "ip_error", "IP_INNOROUTES" },
	{ "ip_rcv_finish_core", "IP_RPFILTER" },	/* and martians: the cause reads rp_filter */
	{ "neigh_invalidate", "NEIGH_FAILED" },
	{ "__neigh_event_send", "NEIGH_QUEUEFULL" },
};

static const char *reason_from_site(const struct vmtrace_event *ev, struct vt_env *env)
{
	char ifname[VMTRACE_IFNAMSIZ + 1];
	const struct vt_link *dev;
	size_t n, i;

	for (i = 0; i < sizeof(reason_of_site) / sizeof(reason_of_site[0]); i++) {
		n = strlen(reason_of_site[i].function);
		/* "function+0x1c/0x40", or a clone's "function.constprop.0+0x1c/0x40" */
		if (strncmp(ev->location, reason_of_site[i].function, n) ||
		    (ev->location[n] != '+' && ev->location[n] != '.'))
			continue;
		if (!strcmp(reason_of_site[i].reason, "FULL_RING")) {
			/* the event's name fills its field: no terminator */
			snprintf(ifname, sizeof(ifname), "%.*s", VMTRACE_IFNAMSIZ, ev->ifname);
			dev = link_named(view_at(env, ev), ifname);
			if (dev && !dev->carrier)
				return "DEV_READY";
		}
		return reason_of_site[i].reason;
	}
	return NULL;
}

static void cause_of(const struct vmtrace_event *ev, struct vt_env *env, struct vt_cause *c);

void vt_cause_of(const struct vmtrace_event *ev, struct vt_env *env, struct vt_cause *c)
{
	struct vmtrace_event site;
	const char *reason = NULL;
	size_t n;

	if (!ev->reason[0])
		reason = reason_from_site(ev, env);
	if (!reason) {
		cause_of(ev, env, c);
		if (c->inferred) {
			n = strlen(c->explain);
			snprintf(c->explain + n, sizeof(c->explain) - n,
				 " [inferred from the host's state: the kernel reported %.32s]",
				 ev->reason[0] ? ev->reason : "no reason");
		}
		return;
	}
	site = *ev;
	snprintf(site.reason, sizeof(site.reason), "%s", reason);
	cause_of(&site, env, c);
	c->inferred = 1;
	n = strlen(c->explain);
	snprintf(c->explain + n, sizeof(c->explain) - n,
		 " [inferred from where the kernel freed it, %.64s, and the host's state: this kernel gives no drop reasons]",
		 ev->location);
}

/* The rules with the kernel's reason as their key; ifname is the event's, terminated. */
static void full_ring_cause(const struct vmtrace_event *ev, struct vt_env *env, const char *ifname,
			    struct vt_cause *c)
{
	(void)ev, (void)env;
	set(c, "vm-not-reading", 0);
	snprintf(c->explain, sizeof(c->explain),
		 "the guest is not draining its virtio-net RX queue (VM paused, hung or out of buffers): %s's ring is full",
		 ifname);
	snprintf(c->check, sizeof(c->check), "ip -s link show %s; virsh domstate / qm status", ifname);
}

static void dev_ready_cause(const struct vmtrace_event *ev, struct vt_env *env, const char *ifname,
			    struct vt_cause *c)
{
	(void)ev, (void)env;
	set(c, "link-down", 0);
	snprintf(c->explain, sizeof(c->explain),
		 "tap %s has no queue attached or is down: the VM's NIC is not connected", ifname);
	snprintf(c->check, sizeof(c->check), "ip link show %s", ifname);
}

static void qdisc_cause(const struct vmtrace_event *ev, struct vt_env *env, const char *ifname,
			struct vt_cause *c)
{
	const struct vt_link *dev = link_named(view_at(env, ev), ifname);

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
}

static void tc_cause(const struct vmtrace_event *ev, struct vt_env *env, const char *ifname,
		     struct vt_cause *c)
{
	(void)ev, (void)env;
	set(c, "tc-drop", 0);
	snprintf(c->explain, sizeof(c->explain), "a tc filter or action on %s dropped it", ifname);
	snprintf(c->check, sizeof(c->check), "tc filter show dev %s ingress; tc filter show dev %s egress",
		 ifname, ifname);
}

static void neigh_cause(const struct vmtrace_event *ev, struct vt_env *env, const char *ifname,
			struct vt_cause *c)
{
	(void)env;
	set(c, "neighbor", 0);
	snprintf(c->explain, sizeof(c->explain),
		 "neighbour resolution failed on %s: nobody answered ARP/ND for the next hop (%.32s)",
		 ifname, ev->reason);
	snprintf(c->check, sizeof(c->check), "ip neigh show dev %s", ifname);
}

static void out_no_route_cause(const struct vmtrace_event *ev, struct vt_env *env, const char *ifname,
			       struct vt_cause *c)
{
	(void)env, (void)ifname;
	set(c, "no-route", 0);
	snprintf(c->explain, sizeof(c->explain), "no route for it in that namespace (%.32s)", ev->reason);
	snprintf(c->check, sizeof(c->check), "ip route get <destination>");
}

static void rp_filter_cause(const struct vmtrace_event *ev, struct vt_env *env, const char *ifname,
			    struct vt_cause *c)
{
	(void)ev, (void)env;
	set(c, "rp-filter", 0);
	snprintf(c->explain, sizeof(c->explain),
		 "the reverse-path filter on %s dropped it: the route back to its source leaves by another interface",
		 ifname);
	snprintf(c->check, sizeof(c->check), "sysctl net.ipv4.conf.all.rp_filter net.ipv4.conf.%s.rp_filter",
		 ifname);
}

static void too_big_cause(const struct vmtrace_event *ev, struct vt_env *env, const char *ifname,
			  struct vt_cause *c)
{
	(void)env;
	set(c, "mtu", 0);
	snprintf(c->explain, sizeof(c->explain), "a %u-byte packet is too big for the next hop from %s",
		 ev->len, ifname);
	snprintf(c->check, sizeof(c->check), "ip link show; ip route get <destination>");
}

static void backlog_cause(const struct vmtrace_event *ev, struct vt_env *env, const char *ifname,
			  struct vt_cause *c)
{
	(void)ev, (void)env, (void)ifname;
	set(c, "backlog", 0);
	snprintf(c->explain, sizeof(c->explain), "the CPU's receive backlog was full");
	snprintf(c->check, sizeof(c->check), "cat /proc/net/softnet_stat");
}

static void mac_filter_cause(const struct vmtrace_event *ev, struct vt_env *env, const char *ifname,
			     struct vt_cause *c)
{
	(void)ev, (void)env;
	set(c, "mac-filter", 0);
	snprintf(c->explain, sizeof(c->explain), "a MAC or BPF filter on tap %s refused it", ifname);
	snprintf(c->check, sizeof(c->check), "ip -d link show %s", ifname);
}

/*
 * vxlan_xmit found neither the frame's destination MAC nor a default
 * (all-zero) entry in the device's FDB: nowhere to send it. 5.17 to 6.10
 * say NOT_SPECIFIED there, newer kernels VXLAN_NO_REMOTE.
 */
static void tunnel_no_remote_cause(const struct vmtrace_event *ev, struct vt_env *env, const char *ifname,
				   struct vt_cause *c)
{
	const struct vt_rtnl_view *st = view_at(env, ev);
	const struct vt_link *dev = link_named(st, ifname);
	unsigned int i, remotes = 0;

	for (i = 0; st && dev && i < st->nneigh; i++)
		if (st->neigh[i].family == AF_BRIDGE && st->neigh[i].ifindex == dev->ifindex &&
		    st->neigh[i].dst_family)
			remotes++;
	set(c, "tunnel-no-remote", 0);
	snprintf(c->explain, sizeof(c->explain),
		 "VXLAN device %s (VNI %u) has no forwarding entry for the frame's destination MAC and no default remote (00:00:00:00:00:00), so it has no hypervisor to send it to (%u remote%s in its FDB). Add the remote VTEP: bridge fdb append 00:00:00:00:00:00 dev %s dst <its underlay address>, or the VM's MAC alone; with EVPN, see whether the control plane learnt the remote VM",
		 ifname, dev ? dev->vni : 0, remotes, remotes == 1 ? "" : "s", ifname);
	snprintf(c->check, sizeof(c->check), "bridge fdb show dev %s; ip -d link show %s", ifname, ifname);
}

static void unknown_cause(const struct vmtrace_event *ev, struct vt_env *env, const char *ifname,
			  struct vt_cause *c);

/*
 * The receiving end of a tunnel found no device for the packet's VNI:
 * vxlan_rcv() and geneve_udp_encap_recv() free it (NOT_SPECIFIED before
 * 6.11, then VXLAN_VNI_NOT_FOUND). Only this host's side can see it: the
 * echo is one the remote hypervisor sent here. A VNI some device here
 * does have is dropped for another reason, not named.
 */
static void vni_mismatch_cause(const struct vmtrace_event *ev, struct vt_env *env, const char *ifname,
			       struct vt_cause *c)
{
	const struct vt_rtnl_view *st = view_at(env, ev);
	const char *kind = ev->encap == VMTRACE_ENCAP_GENEVE ? "geneve" : "vxlan";
	int by_reason = reason_is(ev, "VXLAN_VNI_NOT_FOUND");
	char have[200] = "";
	unsigned int i, n = 0;
	size_t len;

	if (!(ev->flags & VMTRACE_EV_ENCAP) || (!st && !by_reason)) {
		unknown_cause(ev, env, ifname, c);
		return;
	}
	for (i = 0; st && i < st->nlinks; i++) {
		const struct vt_link *l = &st->links[i];

		if (strcmp(l->kind, kind))
			continue;
		/* a device that takes every VNI (OVS, OVN) decides elsewhere: not this cause */
		if (l->vni == (ev->vni & 0xffffff) || l->tun_external) {
			unknown_cause(ev, env, ifname, c);
			return;
		}
		len = strlen(have);
		snprintf(have + len, sizeof(have) - len, "%s%s VNI %u", n++ ? ", " : "", l->name, l->vni);
	}
	set(c, "vni-mismatch", !by_reason);
	snprintf(c->explain, sizeof(c->explain),
		 "a %s packet for VNI %u reached this hypervisor on %s and no %s device here has that VNI (%s): the two ends of the tunnel disagree on the VNI. Give both ends the same VNI, here or on the sending hypervisor",
		 ev->encap == VMTRACE_ENCAP_GENEVE ? "Geneve" : "VXLAN", ev->vni & 0xffffff, ifname, kind,
		 n ? have : "none");
	snprintf(c->check, sizeof(c->check), "ip -d link show type %s (on both hypervisors)", kind);
}

static void bridge_rule(const struct vmtrace_event *ev, struct vt_env *env, const char *ifname,
			struct vt_cause *c)
{
	(void)ifname;
	bridge_cause(ev, env, c);
}

static void unknown_cause(const struct vmtrace_event *ev, struct vt_env *env, const char *ifname,
			  struct vt_cause *c)
{
	(void)env, (void)ifname;
	set(c, "unknown", 0);
	snprintf(c->explain, sizeof(c->explain),
		 "the kernel dropped it (%.32s at %.64s); vmtrace has no finer cause for this site",
		 ev->reason, ev->location);
	snprintf(c->check, sizeof(c->check), "perf record -e skb:kfree_skb -g");
}

static void ovs_rule(const struct vmtrace_event *ev, struct vt_env *env, const char *ifname,
		     struct vt_cause *c)
{
	if (!vt_cause_ovs(ev, env, c))
		unknown_cause(ev, env, ifname, c);
}

static void ovs_upcall_rule(const struct vmtrace_event *ev, struct vt_env *env, const char *ifname,
			    struct vt_cause *c)
{
	(void)env;
	vt_cause_ovs_upcall(ev, ifname, c);
}

typedef void (*cause_fn)(const struct vmtrace_event *ev, struct vt_env *env, const char *ifname,
			 struct vt_cause *c);

/*
 * From a drop to its cause, first match wins: the kernel's reason (a name,
 * or a prefix ending in '_'), then where it was freed (a function-name
 * prefix) or on what kind of device, for the sites the kernel gives no
 * reason of its own. A netfilter-attributed drop is a firewall's, whatever
 * the reason says (a bridge prerouting drop is a plain kfree_skb on 6.1).
 */
static const struct cause_rule {
	const char *reason;	/* "FULL_RING", or a prefix "NEIGH_" */
	const char *location;	/* "br_": the freeing function starts so */
	int dev_kind;		/* VMTRACE_DEV_*, or 0 */
	cause_fn fn;
} cause_rules[] = {
	{ "FULL_RING", NULL, 0, full_ring_cause },
	{ "DEV_READY", NULL, 0, dev_ready_cause },
	{ "QDISC_DROP", NULL, 0, qdisc_cause },
	{ "TC_INGRESS", NULL, 0, tc_cause },
	{ "TC_EGRESS", NULL, 0, tc_cause },
	{ "TC_CHAIN_NOTFOUND", NULL, 0, tc_cause },
	{ "NEIGH_", NULL, 0, neigh_cause },
	{ "IP_INNOROUTES", NULL, 0, route_error_cause },
	{ "IP_INADDRERRORS", NULL, 0, route_error_cause },
	{ "IP_OUTNOROUTES", NULL, 0, out_no_route_cause },
	{ "IP_RPFILTER", NULL, 0, rp_filter_cause },
	{ "OTHERHOST", NULL, 0, otherhost_cause },
	{ "PKT_TOO_BIG", NULL, 0, too_big_cause },
	{ "CPU_BACKLOG", NULL, 0, backlog_cause },
	{ "TAP_FILTER", NULL, 0, mac_filter_cause },
	{ "TAP_TXFILTER", NULL, 0, mac_filter_cause },
	{ "SOCKET_FILTER", NULL, 0, mac_filter_cause },
	{ "VXLAN_NO_REMOTE", NULL, 0, tunnel_no_remote_cause },
	{ "VXLAN_VNI_NOT_FOUND", NULL, 0, vni_mismatch_cause },
	{ "OVS_DROP_", NULL, 0, ovs_rule },
	{ NULL, "vxlan_xmit+", 0, tunnel_no_remote_cause },
	{ NULL, "vxlan_rcv+", 0, vni_mismatch_cause },
	{ NULL, "geneve_udp_encap_recv+", 0, vni_mismatch_cause },
	{ NULL, "ovs_dp_process_packet+", 0, ovs_upcall_rule },
	{ NULL, "br_", 0, bridge_rule },
	{ NULL, "nbp_", 0, bridge_rule },
	{ NULL, NULL, VMTRACE_DEV_BRIDGE, bridge_rule },
	{ NULL, "veth_", 0, veth_cause },
	{ NULL, "__dev_forward_skb", 0, veth_cause },
	{ NULL, "__dev_queue_xmit", 0, veth_cause },
	{ NULL, NULL, VMTRACE_DEV_VETH, veth_cause },
};

static int rule_matches(const struct cause_rule *r, const struct vmtrace_event *ev)
{
	size_t n;

	if (r->reason) {
		n = strlen(r->reason);
		return r->reason[n - 1] == '_' ? starts(ev->reason, r->reason) : reason_is(ev, r->reason);
	}
	if (r->location)
		return starts(ev->location, r->location);
	return ev->dev_kind == r->dev_kind;
}

static void cause_of(const struct vmtrace_event *ev, struct vt_env *env, struct vt_cause *c)
{
	char ifname[VMTRACE_IFNAMSIZ + 1];
	unsigned int i;

	snprintf(ifname, sizeof(ifname), "%.*s", VMTRACE_IFNAMSIZ, ev->ifname);
	if (ev->flags & VMTRACE_EV_NF_ATTRIBUTED) {
		firewall_cause(ev, env, ifname, c);
		return;
	}
	for (i = 0; i < sizeof(cause_rules) / sizeof(cause_rules[0]); i++)
		if (rule_matches(&cause_rules[i], ev)) {
			cause_rules[i].fn(ev, env, ifname, c);
			return;
		}
	unknown_cause(ev, env, ifname, c);
}
