// SPDX-License-Identifier: GPL-2.0
/*
 * The cause rules against a fake host: env.c's reads (rtnetlink views,
 * routes, sysctls, conntrack) are replaced by the tables below, so that
 * each rule meets the host state it reads and the kernel's reason it keys
 * on, with no kernel, netlink or namespace involved.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../userspace/cause.h"
#include "../../userspace/env.h"
#include "../../userspace/resolve.h"
#include "../../userspace/rtnl.h"

#include "check.h"
#include "fixture.h"
#include "lab_vm.h"

/* The fake host: namespace "" (cookie 1) and the VM's "vm" (cookie 2). */
static struct vt_rtnl_view host, inside;
static struct vt_route route;
static int route_err;
static struct {
	const char *path;
	long value;
} sysctls[8];
static struct vt_ct ct;
static int ct_found;

const char *vt_env_netns(const struct vt_env *e, const struct vmtrace_event *ev)
{
	(void)e;
	return ev->netns_cookie == 2 ? "vm" : "";
}

const struct vt_rtnl_view *vt_env_view(struct vt_env *e, const char *netns)
{
	(void)e;
	return netns && !strcmp(netns, "vm") ? &inside : &host;
}

int vt_env_route(struct vt_env *e, const char *netns, int family, const uint8_t *dst, struct vt_route *r)
{
	(void)e, (void)netns, (void)family, (void)dst;
	*r = route;
	return route_err;
}

long vt_env_sysctl(struct vt_env *e, const char *netns, const char *path)
{
	unsigned int i;

	(void)e, (void)netns;
	for (i = 0; i < sizeof(sysctls) / sizeof(sysctls[0]) && sysctls[i].path; i++)
		if (!strcmp(sysctls[i].path, path))
			return sysctls[i].value;
	return -1;
}

int vt_env_conntrack(struct vt_env *e, const char *netns, int family, const uint8_t *src,
		     const uint8_t *dst, uint16_t id, struct vt_ct *c)
{
	(void)e, (void)netns, (void)family, (void)src, (void)dst, (void)id;
	*c = ct;
	return ct_found;
}

/* The fake nftables: what nft printed for a ruleset (tests/unit/nft), or no nft at all. */
static char *nft_json, *nft_listing;
static size_t nft_json_len;
static char nft_netns[64];

int vt_env_nft(struct vt_env *e, const char *netns, const char **json, size_t *json_len,
	       const char **listing)
{
	(void)e;
	snprintf(nft_netns, sizeof(nft_netns), "%s", netns);
	if (!nft_json)
		return -ENOENT;
	*json = nft_json;
	*json_len = nft_json_len;
	*listing = nft_listing;
	return 0;
}

/* The fake Open vSwitch: what ovs-vswitchd answers, and the ports' tags. */
static const char *ovs_trace = "";
static int ovs_err;
static char ovs_params[512];
static int tag_vm, tag_in;

int vt_ovs_appctl(const char *method, const char *params, char *out, size_t len)
{
	if (ovs_err)
		return ovs_err;
	if (!strcmp(method, "dpif/show")) {
		snprintf(out, len, "system@ovs-system: hit:12 missed:3\n  br-int:\n    br-int 65534/1: (internal)\n"
			 "    tap0 1/4: (system)\n");
		return 0;
	}
	snprintf(ovs_params, sizeof(ovs_params), "%s", params);
	snprintf(out, len, "%s", ovs_trace);
	return 0;
}

int vt_ovs_port_tag(const char *port)
{
	return !strcmp(port, "tap0") ? tag_vm : tag_in;
}

static struct vt_link *add_link(struct vt_rtnl_view *v, int ifindex, const char *name, const char *kind,
				int master)
{
	struct vt_link *l;

	v->links = realloc(v->links, (v->nlinks + 1) * sizeof(*l));
	if (!v->links)
		exit(1);
	l = &v->links[v->nlinks++];
	memset(l, 0, sizeof(*l));
	l->ifindex = ifindex;
	l->link_netnsid = -1;
	l->master = master;
	l->flags = 0x1 | 0x40 | 0x10000;	/* IFF_UP, IFF_RUNNING, IFF_LOWER_UP */
	l->carrier = 1;
	l->mtu = 1500;
	l->port_state = 3;	/* forwarding */
	l->is_port = master != 0;
	snprintf(l->name, sizeof(l->name), "%s", name);
	snprintf(l->kind, sizeof(l->kind), "%s", kind);
	return l;
}

static void add_addr(struct vt_rtnl_view *v, int ifindex, const char *a, unsigned int len)
{
	struct vt_ifaddr *x;

	v->addrs = realloc(v->addrs, (v->naddrs + 1) * sizeof(*x));
	if (!v->addrs)
		exit(1);
	x = &v->addrs[v->naddrs++];
	memset(x, 0, sizeof(*x));
	x->ifindex = ifindex;
	x->family = AF_INET;
	x->prefixlen = len;
	inet_pton(AF_INET, a, x->addr);
}

static struct vt_neigh *add_neigh(struct vt_rtnl_view *v, int family, int ifindex, const char *a,
				  const char *mac, unsigned int state)
{
	struct vt_neigh *n;

	v->neigh = realloc(v->neigh, (v->nneigh + 1) * sizeof(*n));
	if (!v->neigh)
		exit(1);
	n = &v->neigh[v->nneigh++];
	memset(n, 0, sizeof(*n));
	n->family = family;
	n->ifindex = ifindex;
	n->state = state;
	if (a)
		inet_pton(family == AF_INET6 ? AF_INET6 : AF_INET, a, n->addr);
	sscanf(mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &n->mac[0], &n->mac[1], &n->mac[2], &n->mac[3],
	       &n->mac[4], &n->mac[5]);
	return n;
}

/* The lab's bridged host: br0 (192.0.2.1/24) with tap0 (the VM's port) and vm0-host. */
static void reset_host(void)
{
	vt_rtnl_free(&host);
	vt_rtnl_free(&inside);
	add_link(&host, 2, "br0", "bridge", 0);
	add_link(&host, 4, "tap0", "tun", 2);
	add_link(&host, 5, "vm0-host", "veth", 2)->link = 3;
	add_link(&host, 6, "eth0", "", 0);
	add_link(&inside, 3, "vm0", "veth", 0);
	add_addr(&host, 2, "192.0.2.1", 24);
	add_addr(&inside, 3, "192.0.2.10", 24);
	memset(&route, 0, sizeof(route));
	route.type = RTN_UNICAST;
	route.oif = 2;
	route_err = 0;
	memset(sysctls, 0, sizeof(sysctls));
	ct_found = 0;
}

static struct vt_vm vm;
static struct vt_env env;

/* The lab's VM (lab_vm.h), and the env the rules read it through. */
static void reset_vm(void)
{
	lab_vm(&vm);
	memset(&env, 0, sizeof(env));
	env.vm = &vm;
}

static struct vmtrace_event drop_at(const char *ifname, int ifindex, const char *reason, const char *loc)
{
	struct vmtrace_event e;

	memset(&e, 0, sizeof(e));
	e.flags = VMTRACE_EV_DROP;
	e.point = VMTRACE_POINT_SKB_DROP;
	e.kind = VMTRACE_PKT_ECHO_REQUEST;
	e.family = AF_INET;
	e.netns_cookie = 1;
	e.ifindex = ifindex;
	e.len = 84;
	snprintf(e.ifname, sizeof(e.ifname), "%s", ifname);
	snprintf(e.reason, sizeof(e.reason), "%s", reason);
	snprintf(e.location, sizeof(e.location), "%s", loc);
	inet_pton(AF_INET, "192.0.2.1", e.src);
	inet_pton(AF_INET, "192.0.2.20", e.dst);
	return e;
}

/* vt_cause_of() on @ev: its cause, checked against @want and an explanation holding @says. */
static void want_cause(struct vmtrace_event ev, const char *want, const char *says, const char *what)
{
	struct vt_cause c;

	memset(&c, 0, sizeof(c));
	vt_cause_of(&ev, &env, &c);
	CHECK(c.id && !strcmp(c.id, want) && strstr(c.explain, says) && c.check[0],
	      "%s: %s (%s) check '%s', want %s saying '%s'", what, c.id ? c.id : "none", c.explain, c.check,
	      want, says);
}

/* Each rule keyed on the kernel's reason, in the order of cause.c's table. */
static void test_reasons(void)
{
	struct vmtrace_event ev;

	want_cause(drop_at("tap0", 4, "FULL_RING", "tun_net_xmit+0x2c5"), "vm-not-reading", "ring is full",
		   "FULL_RING");
	want_cause(drop_at("tap0", 4, "DEV_READY", "tun_net_xmit+0x9"), "link-down", "no queue attached",
		   "DEV_READY");
	want_cause(drop_at("tap0", 4, "QDISC_DROP", "__dev_queue_xmit+0x1"), "qdisc-drop", "qdisc of tap0",
		   "QDISC_DROP, carrier up");
	host.links[1].carrier = 0;
	want_cause(drop_at("tap0", 4, "QDISC_DROP", "__dev_queue_xmit+0x1"), "link-down", "no carrier",
		   "QDISC_DROP, no carrier");
	host.links[1].carrier = 1;
	want_cause(drop_at("vm0-host", 5, "TC_INGRESS", "tcf_classify+0x1"), "tc-drop", "tc filter", "TC_INGRESS");
	want_cause(drop_at("vm0-host", 5, "TC_EGRESS", "sch_handle_egress+0x1"), "tc-drop", "tc filter",
		   "TC_EGRESS");
	want_cause(drop_at("br0", 2, "NEIGH_FAILED", "neigh_invalidate+0x1"), "neighbor", "nobody answered",
		   "NEIGH_*");
	want_cause(drop_at("br0", 2, "IP_INNOROUTES", "ip_error+0x1"), "no-route", "no route to 192.0.2.20",
		   "IP_INNOROUTES, forwarding unknown");
	sysctls[0].path = "net/ipv4/conf/br0/forwarding";
	sysctls[0].value = 0;
	want_cause(drop_at("br0", 2, "IP_INNOROUTES", "ip_error+0x1"), "forwarding-disabled", "forwarding is off",
		   "IP_INNOROUTES, forwarding 0");
	want_cause(drop_at("br0", 2, "IP_OUTNOROUTES", "ip_route_output+0x1"), "no-route", "no route",
		   "IP_OUTNOROUTES");
	want_cause(drop_at("br0", 2, "IP_RPFILTER", "ip_rcv_finish_core+0x1"), "rp-filter", "reverse-path",
		   "IP_RPFILTER");
	want_cause(drop_at("br0", 2, "PKT_TOO_BIG", "ip_fragment+0x1"), "mtu", "84-byte packet", "PKT_TOO_BIG");
	want_cause(drop_at("br0", 2, "CPU_BACKLOG", "enqueue_to_backlog+0x1"), "backlog", "backlog",
		   "CPU_BACKLOG");
	want_cause(drop_at("tap0", 4, "TAP_FILTER", "tun_net_xmit+0x1"), "mac-filter", "MAC or BPF filter",
		   "TAP_FILTER");
	ev = drop_at("br0", 2, "NETFILTER_DROP", "nf_hook_slow+0x44");
	ev.flags |= VMTRACE_EV_NF_ATTRIBUTED;
	ev.point = VMTRACE_POINT_IP_INPUT;
	want_cause(ev, "firewall", "", "NETFILTER_DROP");
	want_cause(drop_at("br0", 2, "SKB_UCOPY_FAULT", "skb_copy_datagram+0x1"), "unknown", "no finer cause",
		   "a reason with no rule");
}

/* The rules keyed on where the packet was freed, with the host's state. */
static void test_sites(void)
{
	want_cause(drop_at("tap0", 4, "NOT_SPECIFIED", "br_handle_frame+0x1"), "bridge-no-port", "no port",
		   "a bridge drop no port check explains");
	host.links[1].port_state = 0;	/* disabled */
	want_cause(drop_at("tap0", 4, "NOT_SPECIFIED", "br_handle_frame+0x1"), "bridge-port-state", "tap0",
		   "a bridge drop at a disabled port");
	host.links[1].port_state = 3;
	host.links[2].carrier = 0;
	want_cause(drop_at("vm0-host", 5, "NOT_SPECIFIED", "veth_xmit+0x1"), "link-down", "vm0-host",
		   "a veth drop with its peer down");
	host.links[2].carrier = 1;
}

/* A request that vanished, with no drop to go by: the host's routes, sysctls, topology. */
static void test_lost(void)
{
	uint8_t src[4], dst[4];
	struct vmtrace_event last;
	struct vt_cause c;

	inet_pton(AF_INET, "192.0.2.1", src);
	inet_pton(AF_INET, "192.0.2.20", dst);
	/* probe's echo never reached the path: the host sends out of br1, the VM's port is on br0 */
	add_link(&host, 7, "br1", "bridge", 0);
	add_addr(&host, 7, "192.0.2.1", 24);
	route.oif = 7;
	vt_cause_lost(NULL, AF_INET, src, dst, 1, 0, &env, &c);
	CHECK(c.id && !strcmp(c.id, "bridge-no-port") && strstr(c.explain, "out of bridge br1") &&
	      strstr(c.explain, "is on bridge br0") && strstr(c.explain, "ip link set tap0 master br1"),
	      "port on another bridge: %s (%s)", c.id ? c.id : "none", c.explain);
	vm.path[0].master[0] = '\0';
	vm.npath = 1;
	vt_cause_lost(NULL, AF_INET, src, dst, 1, 0, &env, &c);
	CHECK(c.id && !strcmp(c.id, "bridge-no-port") && strstr(c.explain, "is on no bridge"),
	      "port on no bridge: %s (%s)", c.id ? c.id : "none", c.explain);
	reset_vm();
	route.oif = 6;		/* eth0: no bridge, and a gateway that answers */
	route.has_gateway = 1;
	inet_pton(AF_INET, "203.0.113.2", route.gateway);
	host.neigh = calloc(1, sizeof(*host.neigh));
	host.nneigh = 1;
	host.neigh[0].family = AF_INET;
	host.neigh[0].ifindex = 6;
	host.neigh[0].state = NUD_REACHABLE;
	memcpy(host.neigh[0].addr, route.gateway, 4);
	vt_cause_lost(NULL, AF_INET, src, dst, 1, 0, &env, &c);
	CHECK(c.id && !strcmp(c.id, "no-route") && strstr(c.explain, "leaves through eth0 via 203.0.113.2"),
	      "routed out of the uplink: %s (%s)", c.id ? c.id : "none", c.explain);
	host.neigh[0].state = NUD_FAILED;
	vt_cause_lost(NULL, AF_INET, src, dst, 1, 0, &env, &c);
	CHECK(c.id && !strcmp(c.id, "no-route") && strstr(c.explain, "does not answer ARP/ND"),
	      "a dead gateway: %s (%s)", c.id ? c.id : "none", c.explain);
	reset_host();
	route_err = 0;
	route.error = -ENETUNREACH;
	vt_cause_lost(NULL, AF_INET, src, dst, 1, 0, &env, &c);
	CHECK(c.id && !strcmp(c.id, "no-route") && strstr(c.explain, "no usable route"),
	      "no route at all: %s (%s)", c.id ? c.id : "none", c.explain);
	/* the VM pinged the host, which ignores echoes */
	reset_host();
	last = drop_at("br0", 2, "", "");
	last.flags = 0;
	last.point = VMTRACE_POINT_IP_INPUT;
	memcpy(last.src, dst, 4);
	memcpy(last.dst, src, 4);
	sysctls[0].path = "net/ipv4/icmp_echo_ignore_all";
	sysctls[0].value = 1;
	vt_cause_lost(&last, AF_INET, dst, src, 1, 0, &env, &c);
	CHECK(c.id && !strcmp(c.id, "icmp-ignored") && strstr(c.explain, "net.ipv4.icmp_echo_ignore_all = 1") &&
	      !strcmp(c.check, "sysctl net.ipv4.icmp_echo_ignore_all"),
	      "the host ignores echoes: %s (%s) check '%s'", c.id ? c.id : "none", c.explain, c.check);
	sysctls[0].value = 0;
	/* ... or rate-limits its echo replies */
	sysctls[1].path = "net/ipv4/icmp_ratemask";
	sysctls[1].value = 6169;
	sysctls[2].path = "net/ipv4/icmp_ratelimit";
	sysctls[2].value = 1000;
	vt_cause_lost(&last, AF_INET, dst, src, 1, 0, &env, &c);
	CHECK(c.id && !strcmp(c.id, "icmp-ratelimit") &&
	      strstr(c.explain, "net.ipv4.icmp_ratemask = 6169 has bit 0 (echo reply) set"),
	      "the host rate-limits its echo replies: %s (%s)", c.id ? c.id : "none", c.explain);
	CHECK(!strcmp(c.check, "sysctl net.ipv4.icmp_ratemask net.ipv4.icmp_ratelimit"), "check: %s", c.check);
	sysctls[1].value = 6168;	/* the default: errors only */
	vt_cause_lost(&last, AF_INET, dst, src, 1, 0, &env, &c);
	CHECK(c.id && !strcmp(c.id, "unknown") && strstr(c.explain, "last seen at ip:input on br0") &&
	      strstr(c.explain, "nothing wrong"), "nothing explains it: %s (%s)", c.id ? c.id : "none",
	      c.explain);
}

/* want_cause() for the functions that are not vt_cause_of(). */
static void want(const struct vt_cause *c, const char *id, const char *says, const char *what)
{
	CHECK(c->id && !strcmp(c->id, id) && strstr(c->explain, says) && c->check[0],
	      "%s: %s (%s) check '%s', want %s saying '%s'", what, c->id ? c->id : "none", c->explain, c->check,
	      id, says);
}

/* A port of the VM's bridge that does not forward, each way check_port() knows. */
static void test_ports(void)
{
	struct vmtrace_event ev = drop_at("tap0", 4, "NOT_SPECIFIED", "br_handle_frame+0x1");
	struct vt_link *tap = &host.links[1], *br = &host.links[0];	/* no link is added below */

	tap->port_isolated = 1;
	want_cause(ev, "bridge-port-state", "isolated", "an isolated port");
	tap->port_isolated = 0;
	tap->port_locked = 1;
	want_cause(ev, "bridge-port-state", "locked and no static FDB entry", "a locked port");
	add_neigh(&host, AF_BRIDGE, 4, NULL, "52:54:00:00:00:14", NUD_NOARP);
	want_cause(ev, "bridge-no-port", "had no port", "a locked port that admits the VM's MAC");
	tap->port_locked = 0;
	tap->mtu = 60;
	want_cause(ev, "mtu", "84-byte frame does not fit the MTU 60 of bridge port tap0", "a small port");
	tap->mtu = 1500;
	br->vlan_filtering = 1;
	want_cause(ev, "bridge-vlan-filter", "port tap0 has no PVID", "untagged into a port with no PVID");
	ev.flags |= VMTRACE_EV_VLAN;
	ev.vlan_tci = 20;
	tap->has_vlans = 1;
	tap->vlan_member[10 / 8] |= 1 << (10 % 8);
	want_cause(ev, "bridge-vlan-filter", "not a member of VLAN 20 (its VLANs: 10)", "a port outside the VLAN");
	tap->vlan_member[20 / 8] |= 1 << (20 % 8);
	want_cause(ev, "bridge-vlan-filter", "ports are up and forwarding", "every port fine, VLAN filtering on");
	br->vlan_filtering = 0;
	/* a veth whose far end, the VM's NIC in its namespace, is the smaller one */
	vm.path[vm.npath].role = VT_ROLE_VM;
	vm.path[vm.npath].ifindex = 3;
	snprintf(vm.path[vm.npath].netns, sizeof(vm.path[0].netns), "vm");
	snprintf(vm.path[vm.npath++].ifname, sizeof(vm.path[0].ifname), "vm0");
	host.links[2].link_netnsid = 0;
	inside.links[0].mtu = 60;
	want_cause(drop_at("vm0-host", 5, "NOT_SPECIFIED", "veth_xmit+0x1"), "mtu",
		   "MTU 60 of vm0, the other end of vm0-host", "a veth whose peer is smaller");
	inside.links[0].mtu = 1500;
	want_cause(drop_at("vm0-host", 5, "NOT_SPECIFIED", "veth_xmit+0x1"), "link-down", "its peer vm0 is down",
		   "a veth drop with nothing else wrong");
	reset_vm();
}

/* OTHERHOST at the VM's NIC: a tag it has no interface for, a static entry, a changed MAC. */
static void test_otherhost(void)
{
	struct vmtrace_event ev = drop_at("vm0", 3, "OTHERHOST", "ip_rcv_core+0x1");
	ev.netns_cookie = 2;
	ev.flags |= VMTRACE_EV_VLAN;
	ev.vlan_tci = 20;
	want_cause(ev, "bridge-vlan-filter", "tagged with VLAN 20 and vm0 has no VLAN 20 interface",
		   "tagged into an untagged NIC");
	add_link(&inside, 8, "vm0.20", "vlan", 0)->link = 3;
	inside.links[1].vlan_id = 20;
	want_cause(ev, "wrong-mac", "another MAC", "tagged, and the NIC has that VLAN");
	ev.flags &= ~VMTRACE_EV_VLAN;
	memcpy(inside.links[0].mac, "\x52\x54\x00\x00\x00\x20", 6);
	add_neigh(&host, AF_INET, 2, "192.0.2.20", "52:54:00:00:00:99", NUD_PERMANENT);
	want_cause(ev, "neighbor", "static neighbour entry 192.0.2.20 -> 52:54:00:00:00:99", "a static entry");
	host.neigh[0].state = NUD_STALE;
	want_cause(ev, "wrong-mac", "the NIC is now 52:54:00:00:00:20", "a stale entry after a MAC change");
	/* 5.10: no reason, only where it was freed */
	ev.reason[0] = '\0';
	snprintf(ev.location, sizeof(ev.location), "ip_rcv_core.constprop.0+0x1c/0x40");
	want_cause(ev, "wrong-mac", "[inferred from where the kernel freed it, ip_rcv_core",
		   "OTHERHOST from the site on 5.10");
}

/* Kernels before 5.17: tun_net_xmit frees for a full ring and for no queue; the carrier tells. */
static void test_sites_5_10(void)
{
	want_cause(drop_at("tap0", 4, "", "tun_net_xmit+0x2c5/0x3a0"), "vm-not-reading",
		   "[inferred from where the kernel freed it, tun_net_xmit", "tun_net_xmit, carrier up");
	host.links[1].carrier = 0;
	want_cause(drop_at("tap0", 4, "", "tun_net_xmit+0x2c5/0x3a0"), "link-down", "no queue attached",
		   "tun_net_xmit, no carrier");
	host.links[1].carrier = 1;
	want_cause(drop_at("tap0", 4, "", "tun_net_xmitter+0x1"), "unknown", "", "a site that is not the listed one");
}

static void test_firewall(void)
{
	struct vmtrace_event ev = drop_at("br0", 2, "NETFILTER_DROP", "nf_hook_slow+0x44");

	ev.flags |= VMTRACE_EV_NF_ATTRIBUTED;
	ev.point = VMTRACE_POINT_BR_FORWARD;
	want_cause(ev, "firewall", "in the bridge hook on br0", "a bridge rule");
	ev.flags |= VMTRACE_EV_ENCAP;	/* the echo inside a tunnel, dropped on the underlay */
	ev.encap = VMTRACE_ENCAP_GENEVE;
	ev.vni = 4242;
	ev.point = VMTRACE_POINT_IP_OUTPUT;
	snprintf(ev.ifname, sizeof(ev.ifname), "ul0");
	want_cause(ev, "firewall", "dropped the Geneve packet carrying it (VNI 4242) in the IP hook on ul0: the tunnel between the hypervisors is blocked. Allow UDP 6081",
		   "the tunnel port blocked");
	ev.flags &= ~VMTRACE_EV_ENCAP;
	snprintf(ev.ifname, sizeof(ev.ifname), "br0");
	sysctls[0].path = "net/netfilter/nf_conntrack_count";
	sysctls[0].value = 65536;
	sysctls[1].path = "net/netfilter/nf_conntrack_max";
	sysctls[1].value = 65536;
	want_cause(ev, "conntrack", "table is full (65536 of 65536 entries)", "a full conntrack table");
	sysctls[0].path = sysctls[1].path = NULL;
}

/* The nftables rule that dropped it, from the ruleset of the namespace it was dropped in. */
static void test_firewall_rule(void)
{
	struct vmtrace_event ev = drop_at("tap0", 4, "NETFILTER_DROP", "nf_hook_slow+0x44");
	struct vt_cause c;

	nft_json = slurp("tests/unit/nft/basic.json", &nft_json_len);
	nft_listing = slurp("tests/unit/nft/basic.txt", NULL);
	ev.flags |= VMTRACE_EV_NF_ATTRIBUTED;
	ev.point = VMTRACE_POINT_BR_FORWARD;
	snprintf(ev.out_ifname, sizeof(ev.out_ifname), "vm0-host");
	memset(&c, 0, sizeof(c));
	vt_cause_of(&ev, &env, &c);
	CHECK(!strcmp(c.id, "firewall") &&
	      strstr(c.explain, "in the bridge hook on tap0: nft rule `iifname \"tap0\" ip saddr 192.0.2.0/24 icmp type echo-request counter packets 0 bytes 0 drop` (table bridge t, chain f, handle 2)") &&
	      !strcmp(c.check, "nft -a list chain bridge t f") && !strcmp(nft_netns, ""),
	      "the bridge rule named: %s / %s", c.explain, c.check);
	/* inside the VM's namespace, the chain's policy */
	ev.netns_cookie = 2;
	ev.point = VMTRACE_POINT_IP_INPUT;
	ev.out_ifname[0] = '\0';
	inet_pton(AF_INET, "198.51.100.5", ev.src);
	inet_pton(AF_INET, "192.0.2.5", ev.dst);
	memset(&c, 0, sizeof(c));
	vt_cause_of(&ev, &env, &c);
	CHECK(!strcmp(c.id, "firewall") && !strcmp(nft_netns, "vm") &&
	      strstr(c.explain, ": the policy of the chain is drop (table inet filter, chain input) and no rule accepted it") &&
	      !strcmp(c.check, "ip netns exec vm nft -a list chain inet filter input"),
	      "the policy named, in the VM's namespace: %s / %s", c.explain, c.check);
	/* OpenStack's hybrid plug: the port's ingress chain fell through to sg-fallback */
	free(nft_json);
	free(nft_listing);
	nft_json = slurp("tests/unit/nft/neutron.json", &nft_json_len);
	nft_listing = slurp("tests/unit/nft/neutron.txt", NULL);
	ev.netns_cookie = 1;
	ev.point = VMTRACE_POINT_IP_FORWARD;
	snprintf(ev.ifname, sizeof(ev.ifname), "qbra1b2c3d4-e5");
	inet_pton(AF_INET, "192.0.2.1", ev.src);
	inet_pton(AF_INET, "192.0.2.40", ev.dst);
	memset(&c, 0, sizeof(c));
	vt_cause_of(&ev, &env, &c);
	CHECK(!strcmp(c.id, "firewall") &&
	      strstr(c.explain, ": probably no security group rule of OpenStack Neutron port a1b2c3d4-e… lets it in (its ingress chain neutron-openvswi-ia1b2c3d4-e falls through to neutron-openvswi-sg-fallback). Add one to a security group of the port: openstack security group rule create --ingress --protocol icmp GROUP (2 other rules on the way vmtrace cannot check)") &&
	      !strcmp(c.check, "openstack port list -c ID -c security_group_ids | grep a1b2c3d4-e; iptables -S neutron-openvswi-ia1b2c3d4-e"),
	      "a Neutron security group: %s / %s", c.explain, c.check);
	/* Proxmox: pve-firewall's chains for VM 100's net0, behind physdev jumps */
	free(nft_json);
	free(nft_listing);
	nft_json = slurp("tests/unit/nft/pve.json", &nft_json_len);
	nft_listing = slurp("tests/unit/nft/pve.txt", NULL);
	snprintf(ev.ifname, sizeof(ev.ifname), "fwbr100i0");
	inet_pton(AF_INET, "192.0.2.100", ev.dst);
	memset(&c, 0, sizeof(c));
	vt_cause_of(&ev, &env, &c);
	CHECK(!strcmp(c.id, "firewall") &&
	      strstr(c.explain, ": probably the Proxmox firewall of guest 100 (net0, IN) drops it, `counter packets 0 bytes 0 drop` in tap100i0-IN: allow it in /etc/pve/firewall/100.fw ([RULES] IN ... -p icmp), or change the guest's policy_in (3 other rules on the way vmtrace cannot check)") &&
	      !strcmp(c.check, "cat /etc/pve/firewall/100.fw; iptables -S tap100i0-IN"),
	      "a Proxmox guest's firewall: %s / %s", c.explain, c.check);
	/* no nft: the cause as before */
	free(nft_json);
	free(nft_listing);
	nft_json = nft_listing = NULL;
	ev.netns_cookie = 1;
	want_cause(ev, "firewall", "a firewall rule dropped it in the IP hook on fwbr100i0", "no nft");
}

/* An ARP/ND request nobody answered while an echo waited. */
static void test_unanswered(void)
{
	struct vmtrace_event req = drop_at("br0", 2, "", "");
	uint8_t far[4];
	struct vt_cause c;

	req.flags = 0;
	req.point = VMTRACE_POINT_DEV_TX;
	req.kind = VMTRACE_PKT_ARP_REQUEST;
	vt_cause_unanswered(&req, req.dst, &env, &c);
	want(&c, "neighbor", "nobody answered ARP for 192.0.2.20", "nobody answers ARP");
	inet_pton(AF_INET, "198.51.100.7", far);
	vt_cause_unanswered(&req, far, &env, &c);
	want(&c, "no-route", "the route to 198.51.100.7 goes via gateway 192.0.2.20", "a dead gateway");
	host.links[1].flags &= ~0x10000u;	/* tap0 lost IFF_LOWER_UP */
	vt_cause_unanswered(&req, req.dst, &env, &c);
	want(&c, "link-down", "tap0, a port of br0, is down", "the VM's port is down");
	CHECK(strstr(c.explain, "; the ARP request for 192.0.2.20 went unanswered [inferred"), "says why: %s",
	      c.explain);
	host.links[1].flags |= 0x10000u;
	/* a tagged ARP request reached the VM's NIC, which has no interface for the tag */
	vm.path[vm.npath].role = VT_ROLE_VM;
	vm.path[vm.npath].ifindex = 3;
	vm.path[vm.npath].netns_cookie = 2;
	snprintf(vm.path[vm.npath].netns, sizeof(vm.path[0].netns), "vm");
	snprintf(vm.path[vm.npath++].ifname, sizeof(vm.path[0].ifname), "vm0");
	req = drop_at("vm0", 3, "", "");
	req.flags = VMTRACE_EV_VLAN;
	req.vlan_tci = 30;
	req.netns_cookie = 2;
	req.point = VMTRACE_POINT_DEV_RX;
	req.kind = VMTRACE_PKT_ARP_REQUEST;
	vt_cause_unanswered(&req, req.dst, &env, &c);
	want(&c, "bridge-vlan-filter", "tagged with VLAN 30", "a tag the VM does not expect");
	reset_vm();
}

/* The echo went to another VM's port. */
static void test_wrong_vm(void)
{
	struct vmtrace_event ev = drop_at("tap9", 9, "", "");
	struct vt_cause c;

	add_link(&host, 9, "tap9", "tun", 2);
	ev.flags = 0;
	ev.point = VMTRACE_POINT_DEV_TX;
	memset(&c, 0, sizeof(c));
	CHECK(!vt_cause_wrong_vm(&ev, 1, &env, &c) && !c.id, "no neighbour entry: no MAC conflict claimed (%s)",
	      c.id ? c.id : "none");
	add_neigh(&host, AF_INET, 2, "192.0.2.20", "52:54:00:00:00:20", NUD_REACHABLE);
	CHECK(!vt_cause_wrong_vm(&ev, 1, &env, &c) && !c.id, "flooded, not learnt: no MAC conflict (%s)",
	      c.id ? c.id : "none");
	add_neigh(&host, AF_BRIDGE, 9, NULL, "52:54:00:00:00:20", NUD_REACHABLE);
	CHECK(vt_cause_wrong_vm(&ev, 1, &env, &c), "the FDB puts the VM's MAC behind tap9");
	want(&c, "mac-conflict", "its FDB has 52:54:00:00:00:20, this VM's MAC, behind that port",
	     "two VMs share a MAC");
	ev.kind = VMTRACE_PKT_ECHO_REPLY;
	memcpy(ev.src, ev.dst, 4);
	CHECK(vt_cause_wrong_vm(&ev, 0, &env, &c), "a reply from another VM's port");
	want(&c, "ip-conflict", "a second VM answers for 192.0.2.20", "two VMs claim an address");
}

/* The causes that need no host state. */
static void test_fixed(void)
{
	uint8_t src[4], dst[4];
	struct vmtrace_event ev = drop_at("eth0", 6, "", "");
	struct vt_cause c;

	inet_pton(AF_INET, "192.0.2.1", src);
	inet_pton(AF_INET, "192.0.2.20", dst);
	(void)ev;
	vt_cause_unseen(AF_INET, src, dst, &c);
	want(&c, "unknown", "a reply from 192.0.2.20 to 192.0.2.1 whose request never crossed", "an unseen request");
	vt_cause_guest("tap0", &c);
	want(&c, "guest", "handed to the VM through tap0", "the guest kept it");
	reset_vm();
}

/*
 * A VM on macvtap0 over eth0: the host on eth0 itself, or on a macvlan of
 * its own beside it (mvhost), in each mode pair.
 */
static void test_macvtap(void)
{
	struct vmtrace_event ev = drop_at("eth0", 6, "", "");
	struct vt_link *mvtap, *mvhost;
	struct vt_cause c;
	uint8_t dst[4];

	inet_pton(AF_INET, "192.0.2.20", dst);
	vm.npath = 2;
	vm.path[0].role = VT_ROLE_PORT;
	vm.path[0].ifindex = 30;
	snprintf(vm.path[0].ifname, sizeof(vm.path[0].ifname), "macvtap0");
	vm.path[1].role = VT_ROLE_LOWER;
	vm.path[1].ifindex = 6;
	vm.path[1].netns_cookie = 1;
	snprintf(vm.path[1].ifname, sizeof(vm.path[1].ifname), "eth0");
	add_link(&host, 30, "macvtap0", "macvtap", 0)->link = 6;
	add_link(&host, 31, "mvhost", "macvlan", 0)->link = 6;
	mvtap = &host.links[host.nlinks - 2];	/* add_link() may move the table: take both now */
	mvhost = &host.links[host.nlinks - 1];
	mvtap->macvlan_mode = MACVLAN_MODE_BRIDGE;
	mvhost->macvlan_mode = MACVLAN_MODE_BRIDGE;

	route.oif = 6;		/* the host's address on the lower device */
	memset(&c, 0, sizeof(c));
	CHECK(vt_cause_macvtap_host(&ev, AF_INET, dst, &env, 0, &c), "the route out of the lower proves it");
	want(&c, "macvtap-host", "out of eth0, the lower device of the VM's macvtap0", "the host on the lower");
	CHECK(strstr(c.explain, "macvlan of its own on eth0") != NULL, "names the fix: %s", c.explain);

	route.oif = 31;		/* from a macvlan of its own: both bridge, so not the macvtap's doing */
	memset(&c, 0, sizeof(c));
	CHECK(!vt_cause_macvtap_host(&ev, AF_INET, dst, &env, 0, &c), "both in bridge mode meet inside");

	mvtap->macvlan_mode = MACVLAN_MODE_VEPA;
	memset(&c, 0, sizeof(c));
	CHECK(vt_cause_macvtap_host(&ev, AF_INET, dst, &env, 0, &c), "vepa beside bridge");
	want(&c, "macvtap-mode", "from mvhost (macvlan, bridge mode), beside the VM's macvtap0 (vepa mode) on eth0",
	     "the VM's macvtap in vepa mode");
	CHECK(strstr(c.explain, "ip link set macvtap0 type macvtap mode bridge") != NULL, "names the fix: %s",
	      c.explain);
	CHECK(!strcmp(c.check, "ip -d link show macvtap0; ip -d link show mvhost"), "check: %s", c.check);

	mvtap->macvlan_mode = MACVLAN_MODE_BRIDGE;
	mvhost->macvlan_mode = MACVLAN_MODE_PRIVATE;
	memset(&c, 0, sizeof(c));
	vt_cause_macvtap_host(&ev, AF_INET, dst, &env, 0, &c);
	want(&c, "macvtap-mode", "from mvhost (macvlan, private mode), beside the VM's macvtap0 (bridge mode)", "the host's macvlan private");
	CHECK(strstr(c.explain, "ip link set mvhost type macvlan mode bridge") != NULL, "names the fix: %s",
	      c.explain);

	mvtap->macvlan_mode = MACVLAN_MODE_VEPA;	/* both: name both */
	memset(&c, 0, sizeof(c));
	vt_cause_macvtap_host(&ev, AF_INET, dst, &env, 0, &c);
	CHECK(strstr(c.explain, "Put macvtap0 in bridge mode (ip link set macvtap0 type macvtap mode bridge) and mvhost in bridge mode (ip link set mvhost type macvlan mode bridge)") != NULL,
	      "both to change: %s", c.explain);
	mvhost->macvlan_mode = 0;	/* unknown (no IFLA_MACVLAN_MODE): no claim on modes */
	memset(&c, 0, sizeof(c));
	CHECK(!vt_cause_macvtap_host(&ev, AF_INET, dst, &env, 0, &c), "a mode not known proves nothing");
	mvhost->macvlan_mode = MACVLAN_MODE_PRIVATE;
	mvtap->macvlan_mode = MACVLAN_MODE_BRIDGE;

	route.oif = 2;		/* elsewhere: other rules decide, unless the caller is sure */
	memset(&c, 0, sizeof(c));
	CHECK(!vt_cause_macvtap_host(&ev, AF_INET, dst, &env, 0, &c), "a route elsewhere proves nothing");
	CHECK(vt_cause_macvtap_host(&ev, AF_INET, dst, &env, 1, &c), "sure: the echo went out of the lower");
	want(&c, "macvtap-host", "out of eth0, the lower device of the VM's macvtap0", "the echo out of the lower");

	mvtap->macvlan_mode = MACVLAN_MODE_PASSTHRU;	/* owns eth0: no macvlan of the host's beside it */
	route.oif = 6;
	memset(&c, 0, sizeof(c));
	vt_cause_macvtap_host(&ev, AF_INET, dst, &env, 1, &c);
	want(&c, "macvtap-host", "in passthru mode and owns eth0", "the host on a passthru macvtap's lower");
	mvtap->macvlan_mode = MACVLAN_MODE_BRIDGE;

	/* an unanswered ARP on the lower, sent from the host's private macvlan */
	route.oif = 31;
	ev.kind = VMTRACE_PKT_ARP_REQUEST;
	ev.flags = 0;
	ev.point = VMTRACE_POINT_DEV_TX;
	memcpy(ev.dst, dst, 4);
	memset(&c, 0, sizeof(c));
	vt_cause_unanswered(&ev, dst, &env, &c);
	want(&c, "macvtap-mode", "from mvhost (macvlan, private mode)", "ARP for a macvtap VM unanswered");
	reset_vm();
}

/* The host could not send, or sent it off the VM's path. */
static void test_lost_more(void)
{
	uint8_t vmaddr[4], far[4];
	struct vmtrace_event last;
	struct vt_cause c;

	inet_pton(AF_INET, "192.0.2.20", vmaddr);
	inet_pton(AF_INET, "198.51.100.7", far);
	vt_cause_lost(NULL, AF_INET, vmaddr, far, 1, -ENETUNREACH, &env, &c);
	want(&c, "no-route", "no route to 198.51.100.7: sending failed", "ENETUNREACH from sendto");
	vt_cause_lost(NULL, AF_INET, vmaddr, far, 1, -EMSGSIZE, &env, &c);
	want(&c, "mtu", "bigger than the MTU", "EMSGSIZE from sendto");
	vt_cause_lost(NULL, AF_INET, vmaddr, far, 1, -EPERM, &env, &c);
	want(&c, "firewall", "output firewall refused", "EPERM from sendto");
	/* the VM's echo to the outside, forwarded out of eth0 untranslated */
	last = drop_at("br0", 2, "", "");
	last.flags = 0;
	last.point = VMTRACE_POINT_IP_FORWARD;
	last.out_ifindex = 6;
	snprintf(last.out_ifname, sizeof(last.out_ifname), "eth0");
	memcpy(last.src, vmaddr, 4);
	memcpy(last.dst, far, 4);
	route.oif = 6;
	vt_cause_lost(&last, AF_INET, vmaddr, far, 1, 0, &env, &c);
	want(&c, "nat", "no conntrack entry: nothing translated it", "no NAT, no conntrack");
	ct_found = 1;
	vt_cause_lost(&last, AF_INET, vmaddr, far, 1, 0, &env, &c);
	want(&c, "nat", "conntrack shows no source NAT", "conntrack, no source NAT");
	ct.status = IPS_SRC_NAT;
	vt_cause_lost(&last, AF_INET, vmaddr, far, 1, 0, &env, &c);
	want(&c, "upstream", "source-NATed, and no reply came back", "masqueraded, lost upstream");
	CHECK(strstr(c.explain, "[inferred from the host's state") != NULL, "marked inferred: %s", c.explain);
}

/* A VXLAN port of the VM's bridge: too small a tunnel, no remote to send to. */
static void test_tunnels(void)
{
	struct vmtrace_event ev = drop_at("vxlan0", 9, "NOT_SPECIFIED", "br_dev_queue_push_xmit+0x9d/0x160");
	struct vt_link *vx = add_link(&host, 9, "vxlan0", "vxlan", 2);

	vx->mtu = 1450;
	vx->vni = 42;
	ev.len = 1500;
	want_cause(ev, "mtu", "does not fit the MTU 1450 of vxlan tunnel vxlan0, a port of br0",
		   "a VM frame bigger than the tunnel");
	ev.len = 84;
	ev.location[0] = '\0';
	snprintf(ev.location, sizeof(ev.location), "vxlan_xmit+0x2f0/0x6a0");
	want_cause(ev, "tunnel-no-remote", "vxlan0 (VNI 42) has no forwarding entry", "vxlan_xmit on 6.1");
	add_neigh(&host, AF_BRIDGE, 9, "198.51.100.2", "52:54:00:00:00:12", NUD_NOARP)->dst_family = AF_INET;
	snprintf(ev.reason, sizeof(ev.reason), "VXLAN_NO_REMOTE");
	snprintf(ev.location, sizeof(ev.location), "vxlan_xmit+0x1/0x2");
	want_cause(ev, "tunnel-no-remote", "(1 remote in its FDB)", "VXLAN_NO_REMOTE on 6.11 and later");
	snprintf(ev.location, sizeof(ev.location), "vxlan_xmit_one+0x1/0x2");
	snprintf(ev.reason, sizeof(ev.reason), "NOT_SPECIFIED");
	want_cause(ev, "unknown", "", "vxlan_xmit_one is not vxlan_xmit");

	/* the receiving side: a VNI no device here has (vxlan0 has 42) */
	ev = drop_at("ul0", 10, "NOT_SPECIFIED", "vxlan_rcv+0x3a1/0x9b0");
	ev.flags |= VMTRACE_EV_ENCAP;
	ev.encap = VMTRACE_ENCAP_VXLAN;
	ev.vni = 43;
	want_cause(ev, "vni-mismatch", "a VXLAN packet for VNI 43 reached this hypervisor on ul0 and no vxlan device here has that VNI (vxlan0 VNI 42)",
		   "vxlan_rcv on 6.1");
	snprintf(ev.reason, sizeof(ev.reason), "VXLAN_VNI_NOT_FOUND");
	want_cause(ev, "vni-mismatch", "VNI 43", "VXLAN_VNI_NOT_FOUND on 6.11 and later");
	snprintf(ev.reason, sizeof(ev.reason), "NOT_SPECIFIED");
	ev.vni = 42;	/* a device has it: vxlan_rcv dropped it for another reason */
	want_cause(ev, "unknown", "", "vxlan_rcv with a VNI that is here");
	ev.flags &= ~VMTRACE_EV_ENCAP;
	want_cause(ev, "unknown", "", "vxlan_rcv of a packet not seen inside the tunnel");
	/* OVS's vxlan_sys_4789 takes every VNI (VNI 0, external): not a mismatch */
	ev.flags |= VMTRACE_EV_ENCAP;
	ev.vni = 43;
	vx = add_link(&host, 11, "vxlan_sys_4789", "vxlan", 0);
	vx->tun_external = 1;
	want_cause(ev, "unknown", "", "vxlan_rcv beside a collect_metadata device");
}

/* Open vSwitch: an OpenFlow drop, a VLAN between the VM's port and the host's, nothing wrong. */
static void test_ovs(void)
{
	struct vmtrace_event ev = drop_at("br-int", 21, "", "");
	struct vt_cause c;

	add_link(&host, 20, "ovs-system", "openvswitch", 0);
	add_link(&host, 21, "br-int", "openvswitch", 0);
	ev.flags = 0;
	ev.point = VMTRACE_POINT_SKB_CONSUME;
	ovs_trace = "Flow: icmp,in_port=LOCAL,nw_src=192.0.2.1,nw_dst=192.0.2.20\n\nbridge(\"br-int\")\n"
		    "----------------\n 0. icmp,nw_dst=192.0.2.20, priority 100, cookie 0x5\n    drop\n\n"
		    "Final flow: unchanged\nMegaflow: recirc_id=0,eth,icmp,in_port=LOCAL,nw_dst=192.0.2.20\n"
		    "Datapath actions: drop\n";
	memset(&c, 0, sizeof(c));
	CHECK(vt_cause_ovs(&ev, &env, &c), "an OpenFlow drop is OVS's");
	want(&c, "ovs-flow", "OVS bridge br-int drops it: OpenFlow table 0, rule \"icmp,nw_dst=192.0.2.20, priority 100, cookie 0x5\"",
	     "an OpenFlow drop rule");
	CHECK(!strcmp(ovs_params, "[\"br-int\",\"in_port=br-int,icmp,nw_src=192.0.2.1,nw_dst=192.0.2.20,icmp_type=8,icmp_code=0\"]"),
	      "traced as it came: %s", ovs_params);
	CHECK(c.inferred && strstr(c.check, "ovs-appctl ofproto/trace br-int 'in_port=br-int,icmp,"), "inferred, check '%s'",
	      c.check);
	ovs_trace = "bridge(\"br-int\")\n----------------\n 0. No match.\n    drop\n\nDatapath actions: drop\n";
	memset(&c, 0, sizeof(c));
	vt_cause_ovs(&ev, &env, &c);
	want(&c, "ovs-flow", "no OpenFlow rule of OVS bridge br-int matches it", "a table miss");
	ovs_trace = "bridge(\"br-int\")\n 0. priority 10\n    resubmit(,0)\n 12x\n"
		    "Translation failed (Recursion too deep), packet is dropped.\nDatapath actions: drop\n";
	memset(&c, 0, sizeof(c));
	vt_cause_ovs(&ev, &env, &c);
	want(&c, "ovs-flow", "could not translate it and drops it: \"Translation failed (Recursion too deep)",
	     "a resubmit loop is no rule's drop");
	/* 6.4 and later say it themselves */
	snprintf(ev.reason, sizeof(ev.reason), "OVS_DROP_EXPLICIT");
	ev.flags = VMTRACE_EV_DROP;
	ev.point = VMTRACE_POINT_SKB_DROP;
	ovs_trace = "bridge(\"br-int\")\n 0. icmp, priority 100\n    drop\nDatapath actions: drop\n";
	memset(&c, 0, sizeof(c));
	vt_cause_of(&ev, &env, &c);
	CHECK(c.id && !strcmp(c.id, "ovs-flow") && !c.inferred, "OVS_DROP_EXPLICIT: %s, inferred %d",
	      c.id ? c.id : "none", c.inferred);
	/* the VM's port in VLAN 10, the host's untagged */
	tag_vm = 10;
	ovs_trace = "bridge(\"br-int\")\n 0. priority 0\n    NORMAL\nDatapath actions: drop\n";
	ev = drop_at("br-int", 21, "", "");
	ev.kind = VMTRACE_PKT_ARP_REQUEST;
	memset(&c, 0, sizeof(c));
	vt_cause_unanswered(&ev, ev.dst, &env, &c);
	want(&c, "ovs-vlan", "OVS port tap0, the VM's, is an access port of VLAN 10, and the packet entered bridge br-int at br-int in VLAN 0",
	     "the host's ARP in another VLAN");
	tag_in = 10;
	ovs_trace = "bridge(\"br-int\")\n 0. priority 0\n    NORMAL\nDatapath actions: 1\n";
	memset(&c, 0, sizeof(c));
	CHECK(!vt_cause_ovs(&ev, &env, &c) && !c.id, "same VLAN, sent on: not OVS's doing (%s)", c.id ? c.id : "none");
	tag_vm = tag_in = 0;
	/* a port OVS does not hold, and an OVS nobody can ask */
	memset(&c, 0, sizeof(c));
	CHECK(!vt_cause_ovs(&ev, &env, &c) || strcmp(c.id, "ovs-vlan"), "no VLANs, no VLAN cause");
	ev = drop_at("tap0", 4, "", "");
	memset(&c, 0, sizeof(c));
	CHECK(!vt_cause_ovs(&ev, &env, &c), "a Linux bridge port is not OVS's");
	/* no flow in the datapath, and nobody took the upcall */
	ev = drop_at("br-int", 21, "NOT_SPECIFIED", "ovs_dp_process_packet+0x1a3");
	ovs_err = -ECONNREFUSED;
	want_cause(ev, "ovs-upcall", "the upcall to ovs-vswitchd failed: ovs-vswitchd is not running",
		   "ovs-vswitchd gone");
	ovs_err = 0;
	want_cause(ev, "ovs-upcall", "no handler thread took it (OVS 3.1.0 started within 10 s of boot",
		   "no upcall handler");
	ovs_err = -ENOENT;	/* no ovs-vswitchd: a consumed packet was its lost upcall (6.1) */
	ev = drop_at("br-int", 21, "", "");
	memset(&c, 0, sizeof(c));
	CHECK(vt_cause_ovs(&ev, &env, &c), "OVS's, with ovs-vswitchd gone");
	want(&c, "ovs-upcall", "ovs-vswitchd is not running", "OVS not running");
	ovs_err = -ETIMEDOUT;
	memset(&c, 0, sizeof(c));
	vt_cause_ovs(&ev, &env, &c);
	want(&c, "ovs-flow", "ovs-vswitchd could not be asked", "OVS not answering");
	ovs_err = 0;
}

int main(void)
{
	reset_host();
	reset_vm();
	test_reasons();
	reset_host();
	test_sites();
	reset_host();
	test_lost();
	reset_host();
	test_ports();
	reset_host();
	test_otherhost();
	reset_host();
	test_sites_5_10();
	reset_host();
	test_firewall();
	test_firewall_rule();
	reset_host();
	test_unanswered();
	reset_host();
	test_wrong_vm();
	reset_host();
	test_fixed();
	reset_host();
	test_macvtap();
	reset_host();
	test_lost_more();
	reset_host();
	test_tunnels();
	reset_host();
	test_ovs();
	vt_rtnl_free(&host);
	vt_rtnl_free(&inside);
	printf("causes: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
