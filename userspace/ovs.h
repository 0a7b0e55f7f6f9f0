/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Open vSwitch, asked as its own tools ask it: ovs-vswitchd's control socket
 * (what ovs-appctl speaks) and ovsdb-server's (what ovs-vsctl speaks), both
 * JSON-RPC over a Unix socket in OVS's run directory. Read-only.
 */
#ifndef VT_OVS_H
#define VT_OVS_H

#include <stddef.h>

/* What ofproto/trace said of one packet. */
struct vt_ovs_trace {
	char bridge[64];	/* the bridge of the last rule, bridge("br-int") */
	int table;		/* the last rule's table, -1 if none matched, -2 translation failed */
	char rule[256];		/* its match and priority: "icmp,nw_dst=192.0.2.10, priority 100" */
	char actions[128];	/* "Datapath actions:": "drop", "2,3", ... */
	int dropped;		/* the datapath executes no output */
};

/*
 * One request on the control socket of ovs-vswitchd (@method, @params
 * already JSON: "[]" or "[\"br-int\"]"); its "result" string unescaped into
 * @out. 0, or -errno (-ENOENT: OVS does not run here).
 */
int vt_ovs_appctl(const char *method, const char *params, char *out, size_t len);
/* The tag of OVS port @port (an access port's VLAN), 0 if it has none; -errno. */
int vt_ovs_port_tag(const char *port);

/* From dpif/show's text: the bridge holding port @port; 0 or -ENOENT. */
int vt_ovs_parse_bridge(const char *dpif_show, const char *port, char *bridge, size_t len);
/* From ofproto/trace's text; 0, or -EINVAL if it has no "Datapath actions". */
int vt_ovs_parse_trace(const char *text, struct vt_ovs_trace *t);

#endif /* VT_OVS_H */
