// SPDX-License-Identifier: GPL-2.0
/*
 * Why Open vSwitch did not pass a packet on, in OVS's own words: the
 * bridge that holds the port it entered by (dpif/show), what OVS does with
 * such a packet now (ofproto/trace: the OpenFlow rule, the datapath
 * actions), and the ports' VLAN tags (the database). On 6.1 the kernel
 * says nothing of it: an OpenFlow drop frees the packet with consume_skb,
 * a flood that reaches no port likewise; 6.4 and later give OVS_DROP_*.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cause.h"
#include "format.h"
#include "ovs.h"

#define OVS_TEXT_MAX	(1u << 20)

/* The event's device is a port of an OVS datapath, or one of its internal ports. */
static int on_ovs(const struct vmtrace_event *ev, struct vt_env *env, const char *ifname)
{
	const char *ns = vt_env_netns(env, ev);
	const struct vt_rtnl_view *st = ns ? vt_env_view(env, ns) : NULL;
	const struct vt_link *dev = st ? vt_link_by_name(st, ifname) : NULL, *m;

	if (!dev)
		return 0;
	if (!strcmp(dev->kind, "openvswitch"))
		return 1;
	m = dev->master ? vt_link_by_index(st, dev->master) : NULL;
	return m && !strcmp(m->kind, "openvswitch");
}

/* A name that may go into a JSON request and a flow as it is. */
static int plain_name(const char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-@", *s))
			return 0;
	return 1;
}

/* ofproto/trace's flow for @ev as it entered OVS at @ifname. */
static void trace_flow(const struct vmtrace_event *ev, const char *ifname, char *buf, size_t len)
{
	char s[64], d[64];
	size_t n;

	vt_addr_str(ev->family, ev->src, s, sizeof(s));
	vt_addr_str(ev->family, ev->dst, d, sizeof(d));
	n = (size_t)snprintf(buf, len, "in_port=%s", ifname);
	if ((ev->flags & VMTRACE_EV_VLAN) && n < len)
		n += (size_t)snprintf(buf + n, len - n, ",dl_vlan=%u", ev->vlan_tci & 0xfff);
	if (n >= len)
		return;
	switch (ev->kind) {
	case VMTRACE_PKT_ARP_REQUEST:
	case VMTRACE_PKT_ARP_REPLY:
		snprintf(buf + n, len - n, ",arp,arp_op=%d,arp_spa=%s,arp_tpa=%s",
			 ev->kind == VMTRACE_PKT_ARP_REQUEST ? 1 : 2, s, d);
		break;
	case VMTRACE_PKT_NEIGH_SOLICIT:
	case VMTRACE_PKT_NEIGH_ADVERT:
		snprintf(buf + n, len - n, ",icmp6,ipv6_src=%s,icmp_type=%d,icmp_code=0,nd_target=%s", s,
			 ev->kind == VMTRACE_PKT_NEIGH_SOLICIT ? 135 : 136, d);
		break;
	default:
		if (ev->family == AF_INET)
			snprintf(buf + n, len - n, ",icmp,nw_src=%s,nw_dst=%s,icmp_type=%d,icmp_code=0", s, d,
				 ev->kind == VMTRACE_PKT_ECHO_REQUEST ? 8 : 0);
		else
			snprintf(buf + n, len - n, ",icmp6,ipv6_src=%s,ipv6_dst=%s,icmp_type=%d,icmp_code=0", s, d,
				 ev->kind == VMTRACE_PKT_ECHO_REQUEST ? 128 : 129);
	}
}

/* The VM's own OVS port: the host side of its NIC. */
static const char *vm_port(const struct vt_env *env)
{
	const struct vt_vm *vm = env ? env->vm : NULL;
	unsigned int i;

	for (i = 0; vm && i < vm->npath; i++)
		if (vm->path[i].role == VT_ROLE_PORT && !vm->path[i].netns[0])
			return vm->path[i].ifname;
	return NULL;
}

int vt_cause_ovs(const struct vmtrace_event *ev, struct vt_env *env, struct vt_cause *c)
{
	char ifname[VMTRACE_IFNAMSIZ + 1], bridge[64] = "BRIDGE", flow[200], params[300], *text;
	const char *port = vm_port(env);
	struct vt_ovs_trace t;
	int err, vm_tag, in_tag, in_vlan;

	snprintf(ifname, sizeof(ifname), "%.*s", VMTRACE_IFNAMSIZ, ev->ifname);
	if (!env || !on_ovs(ev, env, ifname))
		return 0;
	text = malloc(OVS_TEXT_MAX);
	if (!text)
		return 0;
	trace_flow(ev, ifname, flow, sizeof(flow));
	err = plain_name(ifname) ? vt_ovs_appctl("dpif/show", "[]", text, OVS_TEXT_MAX) : -EINVAL;
	if (err == -ENOENT || err == -ECONNREFUSED) {
		/*
		 * No ovs-vswitchd: a packet without a datapath flow has nobody
		 * to ask. 6.1 frees it with consume_skb when the upcall could
		 * not be queued (-EAGAIN), kfree_skb when it was refused.
		 */
		free(text);
		vt_cause_ovs_upcall(ev, ifname, c);
		return 1;
	}
	if (!err)
		err = vt_ovs_parse_bridge(text, ifname, bridge, sizeof(bridge));
	/*
	 * The VLANs first: a flood that reaches no port is "drop" in the trace
	 * too. The VM's port is an access port of one VLAN, the packet came
	 * in another: OVS forwards nothing between them.
	 */
	vm_tag = !err && port && plain_name(port) && strcmp(port, ifname) ? vt_ovs_port_tag(port) : 0;
	in_tag = vm_tag > 0 ? vt_ovs_port_tag(ifname) : 0;
	in_vlan = in_tag > 0 ? in_tag : ev->flags & VMTRACE_EV_VLAN ? ev->vlan_tci & 0xfff : 0;
	if (vm_tag > 0 && in_tag >= 0 && in_vlan != vm_tag) {
		c->id = "ovs-vlan";
		c->inferred = 1;
		snprintf(c->explain, sizeof(c->explain),
			 "OVS port %s, the VM's, is an access port of VLAN %d, and the packet entered bridge %s at %s %s%d: OVS forwards nothing between two VLANs. Give both the same VLAN (ovs-vsctl set port %s tag=%d, or make %s a trunk)",
			 port, vm_tag, bridge, ifname, in_tag > 0 ? "an access port of VLAN " : "in VLAN ", in_vlan,
			 port, in_vlan, ifname);
		snprintf(c->check, sizeof(c->check), "ovs-vsctl get port %s tag; ovs-vsctl get port %s tag", port,
			 ifname);
		free(text);
		return 1;
	}
	if (!err && !plain_name(bridge))	/* it goes into a JSON request */
		err = -EINVAL;
	if (!err) {
		snprintf(params, sizeof(params), "[\"%s\",\"%s\"]", bridge, flow);
		err = vt_ovs_appctl("ofproto/trace", params, text, OVS_TEXT_MAX);
	}
	if (!err)
		err = vt_ovs_parse_trace(text, &t);
	free(text);
	/* the kernel's own word from 6.4 on; before, OVS's trace after the fact */
	c->inferred = strncmp(ev->reason, "OVS_DROP_", 9) != 0;
	snprintf(c->check, sizeof(c->check), "ovs-appctl ofproto/trace %.15s '%.170s'; ovs-ofctl dump-flows %.15s",
		 bridge, flow, bridge);
	if (err) {
		c->id = "ovs-flow";
		snprintf(c->explain, sizeof(c->explain),
			 "it entered Open vSwitch at %s and went no further: an OpenFlow rule dropped it, or no rule sent it on (ovs-vswitchd could not be asked: %s)",
			 ifname, strerror(-err));
		return 1;
	}
	if (!t.dropped)
		return 0;	/* OVS sends such a packet on now */
	c->id = "ovs-flow";
	if (t.table == -2)
		snprintf(c->explain, sizeof(c->explain),
			 "OVS bridge %.63s could not translate it and drops it: \"%.200s\" (a flow loop, too deep a resubmit chain, or too many actions): see ovs-vswitchd's log",
			 t.bridge[0] ? t.bridge : bridge, t.rule);
	else if (t.table < 0 || !strncmp(t.rule, "No match", 8))
		snprintf(c->explain, sizeof(c->explain),
			 "no OpenFlow rule of OVS bridge %s matches it%s (a table miss drops it): add a flow for it",
			 t.bridge[0] ? t.bridge : bridge, t.table >= 0 ? " in the table it reached" : "");
	else
		snprintf(c->explain, sizeof(c->explain),
			 "OVS bridge %.63s drops it: OpenFlow table %d, rule \"%.200s\" (datapath actions: drop). Change or remove that flow (on OpenStack: the security group rule or port security behind it)",
			 t.bridge[0] ? t.bridge : bridge, t.table, t.rule);
	return 1;
}

void vt_cause_ovs_upcall(const struct vmtrace_event *ev, const char *ifname, struct vt_cause *c)
{
	char text[4096];
	int err = vt_ovs_appctl("version", "[]", text, sizeof(text));

	(void)ev;
	c->id = "ovs-upcall";
	c->inferred = 0;
	if (err == -ENOENT || err == -ECONNREFUSED)
		snprintf(c->explain, sizeof(c->explain),
			 "it entered Open vSwitch at %s, whose datapath has no flow for it, and the upcall to ovs-vswitchd failed: ovs-vswitchd is not running. Start it (systemctl start ovs-vswitchd); until then only flows already in the datapath forward",
			 ifname);
	else
		snprintf(c->explain, sizeof(c->explain),
			 "it entered Open vSwitch at %s, whose datapath has no flow for it, and the upcall to ovs-vswitchd failed: no handler thread took it (OVS 3.1.0 started within 10 s of boot runs with none; else its handlers are overloaded). Restart ovs-vswitchd",
			 ifname);
	snprintf(c->check, sizeof(c->check),
		 "ovs-appctl dpif/show (lookups: ... lost:); grep -i 'n-handler-threads' /var/log/openvswitch/ovs-vswitchd.log");
}
