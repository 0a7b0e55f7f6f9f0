// SPDX-License-Identifier: GPL-2.0
/*
 * The verdicts without a kernel: synthetic event sequences, shaped like the
 * ones the lab records, in order and shuffled, against the verdicts and
 * causes an operator must get (verdict.c, cause.c over the tracker).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../userspace/echo.h"
#include "../../userspace/verdict.h"
#include "../../userspace/format.h"
#include "../../userspace/rtnl.h"

#include "check.h"
#include "timeline.h"

static void test_replied(void)
{
	struct vmtrace_event e[] = {
		ev(1000, REQ, VMTRACE_POINT_IP_OUTPUT, "br0", 2),
		ev(1100, REQ, VMTRACE_POINT_DEV_TX, "tap0", 4),
		ev(1300, REQ, VMTRACE_POINT_SKB_CONSUME, "tap0", 4),
		ev(2000, REP, VMTRACE_POINT_DEV_RX, "tap0", 4),
		ev(2100, REP, VMTRACE_POINT_IP_INPUT, "br0", 2),
		drop(ev(2200, REP, VMTRACE_POINT_SKB_DROP, "br0", 2), "NO_SOCKET", "icmp_rcv+0x1b1"),
	};
	struct vmtrace_event shuffled[] = { e[3], e[0], e[5], e[2], e[1], e[4] };
	struct got g = run(e, 6, 2200 + 200 * MS, 0);

	CHECK(g.n == 1 && g.status == VT_REPLIED && g.rtt == 1200,
	      "replied: n %d status %d rtt %llu", g.n, g.status, (unsigned long long)g.rtt);
	g = run(shuffled, 6, 2200 + 200 * MS, 0);
	CHECK(g.n == 1 && g.status == VT_REPLIED && g.rtt == 1200 && g.sorted && g.nev == 6,
	      "replied out of order: status %d rtt %llu sorted %d", g.status,
	      (unsigned long long)g.rtt, g.sorted);
	g = run(e, 6, 2200 + 10 * MS, 0);
	CHECK(g.n == 0, "no verdict before the echo is quiet (late events from other CPUs)");
}

static void test_drops(void)
{
	static const struct {
		const char *reason, *loc, *cause;
		int flags;
	} cases[] = {
		{ "FULL_RING", "tun_net_xmit+0x2c5", "vm-not-reading", 0 },
		{ "NETFILTER_DROP", "nft_do_chain+0x47f", "firewall", VMTRACE_EV_NF_ATTRIBUTED },
		{ "NOT_SPECIFIED", "br_handle_frame+0x1", "firewall", VMTRACE_EV_NF_ATTRIBUTED },
		{ "TC_EGRESS", "__dev_queue_xmit+0x1", "tc-drop", 0 },
		{ "OTHERHOST", "ip_rcv_core+0x1", "wrong-mac", 0 },
		{ "IP_RPFILTER", "ip_rcv_finish_core+0x1", "rp-filter", 0 },
		{ "NEIGH_FAILED", "neigh_invalidate+0x82", "neighbor", 0 },
		{ "IP_OUTNOROUTES", "ip_route_output+0x1", "no-route", 0 },
		{ "TAP_TXFILTER", "tun_net_xmit+0x1", "mac-filter", 0 },
		{ "DEV_READY", "tun_net_xmit+0x1", "link-down", 0 },
		{ "CPU_BACKLOG", "enqueue_to_backlog+0x1", "backlog", 0 },
		{ "PKT_TOO_BIG", "ip_forward+0x1", "mtu", 0 },
		{ "QDISC_DROP", "kfree_skb_list_reason+0x1e", "qdisc-drop", 0 },
		{ "SKB_UCOPY_FAULT", "tun_net_xmit+0x1", "unknown", 0 },
		/* before 5.17 no reason: the freeing function stands for it, inferred */
		{ "", "tun_net_xmit+0x2c5", "vm-not-reading", 0 },
		{ "", "tun_get_user+0x4a1", "link-down", 0 },
		{ "", "__netif_receive_skb_core+0x7b2", "tc-drop", 0 },
		{ "", "__dev_queue_xmit+0x6d1", "tc-drop", 0 },
		{ "", "kfree_skb_list+0x1c", "qdisc-drop", 0 },
		{ "", "neigh_invalidate+0x82", "neighbor", 0 },
		{ "", "ip_rcv_core+0x1", "wrong-mac", 0 },
		{ "", "ip_rcv_finish_core.constprop.0+0x1f4", "rp-filter", 0 },
		{ "", "nf_hook_slow+0x44", "firewall", VMTRACE_EV_NF_ATTRIBUTED },
		{ "", "tun_net_xmit_foo+0x1", "unknown", 0 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vmtrace_event e[] = {
			ev(1000, REQ, VMTRACE_POINT_IP_OUTPUT, "br0", 2),
			drop(ev(1200, REQ, VMTRACE_POINT_SKB_DROP, "tap0", 4), cases[i].reason, cases[i].loc),
		};
		struct got g;

		e[1].flags |= (uint8_t)cases[i].flags;
		g = run(e, 2, 1200 + 200 * MS, 0);
		CHECK(g.n == 1 && g.status == VT_DROPPED && !strcmp(g.cause, cases[i].cause) &&
		      !strcmp(g.hop_if, "tap0"),
		      "%s at %s: status %d cause %s (want dropped %s)", cases[i].reason, cases[i].loc,
		      g.status, g.cause, cases[i].cause);
		if (!cases[i].reason[0] && !(cases[i].flags & VMTRACE_EV_NF_ATTRIBUTED) &&
		    strcmp(cases[i].cause, "unknown"))
			CHECK(g.inferred, "no reason at %s: the cause is marked inferred", cases[i].loc);
	}
}

static void test_lost(void)
{
	struct vmtrace_event handed[] = {
		ev(1000, REQ, VMTRACE_POINT_DEV_TX, "tap0", 4),
		ev(1300, REQ, VMTRACE_POINT_SKB_CONSUME, "tap0", 4),
	};
	struct vmtrace_event queued[] = {
		ev(1000, REQ, VMTRACE_POINT_IP_OUTPUT, "br0", 2),
		ev(1100, REQ, VMTRACE_POINT_DEV_TX, "tap0", 4),
	};
	struct vmtrace_event vanished[] = {
		ev(1000, REQ, VMTRACE_POINT_IP_OUTPUT, "br0", 2),
		ev(1100, REQ, VMTRACE_POINT_IP_POSTROUTING, "br0", 2),
	};
	struct vmtrace_event reply_only[] = {
		ev(1000, REP, VMTRACE_POINT_DEV_RX, "tap0", 4),
	};
	struct vmtrace_event benign6[] = {
		ev(1000, REQ, VMTRACE_POINT_DEV_TX, "tap0", 4),
		drop(ev(1100, REQ, VMTRACE_POINT_SKB_DROP, "tap0", 4), "NOT_SPECIFIED", "icmpv6_rcv+0x2a"),
	};
	struct got g;

	g = run(handed, 2, 500 * MS, 0);
	CHECK(g.n == 0, "no verdict before the timeout");
	g = run(handed, 2, 2000 * MS, 0);
	CHECK(g.status == VT_LOST_IN_VM && !strcmp(g.cause, "guest") && g.hop_point == VMTRACE_POINT_SKB_CONSUME,
	      "handed to the VM, no reply: status %d cause %s", g.status, g.cause);
	g = run(queued, 2, 2000 * MS, 0);
	CHECK(g.status == VT_LOST_ON_HOST && !strcmp(g.cause, "vm-not-reading"),
	      "queued on a tap never read: status %d cause %s", g.status, g.cause);
	g = run(vanished, 2, 2000 * MS, 0);
	CHECK(g.status == VT_LOST_ON_HOST && !strcmp(g.cause, "unknown") && g.hop_point == VMTRACE_POINT_IP_POSTROUTING,
	      "vanished: status %d cause %s point %d", g.status, g.cause, g.hop_point);
	g = run(reply_only, 1, 2000 * MS, 0);
	CHECK(g.status == VT_UNSEEN, "reply without request: status %d", g.status);
	g = run(benign6, 2, 2000 * MS, 0);
	CHECK(g.status == VT_LOST_IN_VM || g.status == VT_LOST_ON_HOST,
	      "icmpv6_rcv's free is not a drop: status %d", g.status);
	g = run(vanished, 2, 500 * MS, 1);
	CHECK(g.n == 1, "a final tick decides everything");
}

static void test_neighbour(void)
{
	struct vmtrace_event unanswered[] = {
		ev(1000, REQ, VMTRACE_POINT_IP_OUTPUT, "br0", 2),
		ev(1050, VMTRACE_PKT_ARP_REQUEST, VMTRACE_POINT_DEV_TX, "br0", 2),
	};
	struct vmtrace_event answered[] = {
		ev(1000, REQ, VMTRACE_POINT_IP_OUTPUT, "br0", 2),
		ev(1050, VMTRACE_PKT_ARP_REQUEST, VMTRACE_POINT_DEV_TX, "br0", 2),
		ev(1090, VMTRACE_PKT_ARP_REPLY, VMTRACE_POINT_DEV_RX, "tap0", 4),
	};
	struct vmtrace_event arp_dropped[] = {
		ev(1000, REQ, VMTRACE_POINT_IP_OUTPUT, "br0", 2),
		drop(ev(1050, VMTRACE_PKT_ARP_REQUEST, VMTRACE_POINT_SKB_DROP, "br0", 2),
		     "NOT_SPECIFIED", "br_dev_xmit+0x2a0"),
		drop(ev(3001000, REQ, VMTRACE_POINT_SKB_DROP, "br0", 2), "NEIGH_FAILED",
		     "neigh_invalidate+0x82"),
	};
	struct got g;

	g = run(unanswered, 2, 2000 * MS, 0);
	CHECK(g.status == VT_LOST_ON_HOST && g.via_neighbour && !strcmp(g.cause, "neighbor") &&
	      g.hop_kind == VMTRACE_PKT_ARP_REQUEST,
	      "unanswered ARP: status %d via %d cause %s", g.status, g.via_neighbour, g.cause);
	g = run(answered, 3, 2000 * MS, 0);
	CHECK(g.status == VT_LOST_ON_HOST && !g.via_neighbour,
	      "answered ARP is not the story: via %d", g.via_neighbour);
	g = run(arp_dropped, 3, 3500 * MS, 0);
	CHECK(g.status == VT_DROPPED && g.via_neighbour && g.hop_kind == VMTRACE_PKT_ARP_REQUEST &&
	      !strcmp(g.cause, "bridge-no-port"),
	      "echo dies with its ARP: status %d via %d kind %d cause %s", g.status,
	      g.via_neighbour, g.hop_kind, g.cause);
}

/* The VM "tap0" (192.0.2.20) and another VM's port "tap9" on the same bridge. */
static void test_wrong_vm(void)
{
	struct vmtrace_event to_other[] = {
		ev(1000, REQ, VMTRACE_POINT_IP_OUTPUT, "br0", 2),
		ev(1100, REQ, VMTRACE_POINT_DEV_TX, "tap9", 9),
		ev(1300, REQ, VMTRACE_POINT_SKB_CONSUME, "tap9", 9),
	};
	struct vmtrace_event flooded[] = {
		ev(1000, REQ, VMTRACE_POINT_IP_OUTPUT, "br0", 2),
		ev(1100, REQ, VMTRACE_POINT_DEV_TX, "tap9", 9),
		ev(1150, REQ, VMTRACE_POINT_DEV_TX, "tap0", 4),
	};
	struct vmtrace_event from_other[] = {
		ev(1000, REQ, VMTRACE_POINT_IP_OUTPUT, "br0", 2),
		ev(1100, REQ, VMTRACE_POINT_DEV_TX, "tap9", 9),
		ev(2000, REP, VMTRACE_POINT_DEV_RX, "tap9", 9),
		ev(2100, REP, VMTRACE_POINT_IP_INPUT, "br0", 2),
	};
	struct got g;

	vm.npath = 3;
	snprintf(vm.path[2].ifname, sizeof(vm.path[2].ifname), "tap9");
	vm.path[2].ifindex = 9;
	vm.path[2].netns_cookie = 1;
	vm.path[2].role = VT_ROLE_NEIGHBOUR;

	g = run(to_other, 3, 2000 * MS, 0);
	CHECK(g.status == VT_LOST_ON_HOST,
	      "request only out of another VM's port, no FDB to confirm a MAC conflict: status %d cause %s",
	      g.status, g.cause);
	g = run(flooded, 3, 2000 * MS, 0);
	CHECK(g.status == VT_LOST_ON_HOST, "flooded to every port incl. the VM's: status %d cause %s",
	      g.status, g.cause);
	g = run(from_other, 4, 2000 * MS, 0);
	CHECK(g.status == VT_WRONG_VM && !strcmp(g.cause, "ip-conflict") && !strcmp(g.hop_if, "tap9"),
	      "reply from another VM's port: status %d cause %s hop %s", g.status, g.cause, g.hop_if);
	vm.npath = 2;
}

/* Our own probe: decided even if nothing on the path ever saw it. */
static void test_expected(void)
{
	struct vt_tracker t;
	struct got g;
	uint8_t dst[16] = { 0 };
	struct vmtrace_event e[] = {
		ev(1000, REQ, VMTRACE_POINT_IP_OUTPUT, "br0", 2),
		ev(2000, REP, VMTRACE_POINT_IP_INPUT, "br0", 2),
	};

	inet_pton(AF_INET, "192.0.2.20", dst);
	tracker_for(&t, &g);
	vt_tracker_expect(&t, AF_INET, dst, 77, 1, 500, -ENETUNREACH);
	vt_tracker_tick(&t, 500 + 500 * MS, 0);
	CHECK(g.n == 0, "a sent echo waits for its timeout");
	vt_tracker_tick(&t, 500 + 1200 * MS, 0);
	CHECK(g.n == 1 && g.status == VT_LOST_ON_HOST && !strcmp(g.cause, "no-route") && g.nev == 0,
	      "unsendable echo: status %d cause %s", g.status, g.cause);
	vt_tracker_free(&t);

	tracker_for(&t, &g);
	vt_tracker_expect(&t, AF_INET, dst, 77, 1, 500, 0);
	vt_tracker_add(&t, &e[0]);
	vt_tracker_add(&t, &e[1]);
	vt_tracker_tick(&t, 2000 + 200 * MS, 0);
	CHECK(g.n == 1 && g.status == VT_REPLIED && g.rtt == 1000 && g.nev == 2,
	      "sent echo picks up its events (source chosen by the kernel): n %d status %d rtt %llu",
	      g.n, g.status, (unsigned long long)g.rtt);
	vt_tracker_free(&t);
}




/* A macvtap VM: the host's echo leaves through the lower device, never reaching the port. */
static void test_macvtap_host(void)
{
	struct vt_vm saved = vm;
	struct vmtrace_event e[] = {
		ev(1000, REQ, VMTRACE_POINT_IP_OUTPUT, "up0", 2),
		ev(2000, REQ, VMTRACE_POINT_IP_POSTROUTING, "up0", 2),
	};
	struct vmtrace_event lan[] = {
		ev(1000, REQ, VMTRACE_POINT_DEV_RX, "up0", 2),
		ev(3000, REQ, VMTRACE_POINT_DEV_TX, "macvtap0", 4),
	};
	struct got g;

	snprintf(vm.path[0].ifname, sizeof(vm.path[0].ifname), "macvtap0");
	snprintf(vm.path[0].kind, sizeof(vm.path[0].kind), "macvtap");
	snprintf(vm.path[1].ifname, sizeof(vm.path[1].ifname), "up0");
	snprintf(vm.path[1].kind, sizeof(vm.path[1].kind), "veth");
	vm.path[1].role = VT_ROLE_LOWER;
	g = run(e, 2, 2000 * MS, 0);
	CHECK(g.status == VT_LOST_ON_HOST && !strcmp(g.cause, "macvtap-host") && !strcmp(g.hop_if, "up0"),
	      "the host's echo out of the macvtap's lower device: status %d cause %s at %s", g.status, g.cause,
	      g.hop_if);
	g = run(lan, 2, 2000 * MS, 0);
	CHECK(g.status == VT_LOST_ON_HOST && strcmp(g.cause, "macvtap-host"),
	      "from the LAN through the lower device to the port: not the host's isolation: %d %s", g.status,
	      g.cause);
	vm = saved;
}



/* A host with thousands of links, addresses and neighbours: none of them left out. */
static void test_rtnl_grows(void)
{
	struct vt_rtnl_view v = { 0 };
	char buf[256];
	unsigned int i, n = 5000;
	const struct vt_link *l;
	int ok = 1;

	for (i = 0; i < n && ok; i++) {
		struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
		struct ifinfomsg *ifm;
		struct ifaddrmsg *ifa;
		struct ndmsg *nd;
		char name[IF_NAMESIZE];
		uint32_t a = htonl(0x0a000000 + i);

		nlh->nlmsg_type = RTM_NEWLINK;
		ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
		ifm->ifi_index = (int)i + 1;
		snprintf(name, sizeof(name), "tap%u", i);
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
		ok = vt_rtnl_add_msg(nlh, &v) == MNL_CB_OK;

		nlh = mnl_nlmsg_put_header(buf);
		nlh->nlmsg_type = RTM_NEWADDR;
		ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
		ifa->ifa_family = AF_INET;
		ifa->ifa_index = i + 1;
		mnl_attr_put(nlh, IFA_ADDRESS, 4, &a);
		ok = ok && vt_rtnl_add_msg(nlh, &v) == MNL_CB_OK;

		nlh = mnl_nlmsg_put_header(buf);
		nlh->nlmsg_type = RTM_NEWNEIGH;
		nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));
		nd->ndm_family = AF_INET;
		nd->ndm_ifindex = (int)i + 1;
		nd->ndm_state = NUD_REACHABLE;
		mnl_attr_put(nlh, NDA_DST, 4, &a);
		ok = ok && vt_rtnl_add_msg(nlh, &v) == MNL_CB_OK;
	}
	CHECK(ok && v.nlinks == n && v.naddrs == n && v.nneigh == n,
	      "%u links, %u addresses, %u neighbours of %u each", v.nlinks, v.naddrs, v.nneigh, n);
	l = vt_link_by_name(&v, "tap4999");
	CHECK(l && l->ifindex == 5000 && vt_link_by_index(&v, 5000) == l, "the last link is there");
	CHECK(v.naddrs == n && v.addrs[n - 1].ifindex == 5000 && v.nneigh == n &&
	      vt_neigh_find(&v, AF_INET, v.addrs[n - 1].addr, 5000) == &v.neigh[n - 1],
	      "the last address and neighbour are there");
	vt_rtnl_free(&v);
	CHECK(!v.links && !v.nlinks, "freed");
}

/* Names tenants choose reach the terminal escaped, and JSON escapes them as \u00XX. */
int main(void)
{
	setup_vm();
	decide_with = vt_decide;
	test_replied();
	test_drops();
	test_lost();
	test_neighbour();
	test_wrong_vm();
	test_expected();
	test_macvtap_host();
	test_rtnl_grows();
	printf("verdicts: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
