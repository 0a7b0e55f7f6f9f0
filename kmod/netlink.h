/* SPDX-License-Identifier: GPL-2.0 */
/* netlink.c: the generic netlink family. */
#ifndef VMTRACE_NETLINK_H
#define VMTRACE_NETLINK_H

#include <net/genetlink.h>
#include <linux/vmtrace.h>

extern struct genl_family vmtrace_genl_family;

/* A VMTRACE_CMD_EVENTS message being filled (skb NULL: none). */
struct vmtrace_events_msg {
	struct sk_buff *skb;
	void *hdr;
};

/*
 * Start an events message: its number, its first event's number, the ring
 * losses in all and per CPU (@cpu_lost), and the losses of the sessions in
 * @live (@session_lost). 0, or -ENOMEM/-EMSGSIZE with nothing left over.
 */
int vmtrace_genl_events_begin(struct vmtrace_events_msg *m, u64 msg_seq, u64 event_seq,
			      u64 lost_ring, u64 (*cpu_lost)(int cpu), u32 live,
			      u64 (*session_lost)(unsigned int s));
/* Someone will hear an events message: unicast, or the group has listeners. */
bool vmtrace_genl_events_heard(void);
/* Add one event; -EMSGSIZE when the message is full (send it, begin another). */
int vmtrace_genl_events_put(struct vmtrace_events_msg *m, const struct vmtrace_event *ev);
/* Send it to the events group (@portid 0) or one socket, and let it go; 0 or -errno. */
int vmtrace_genl_events_send(struct vmtrace_events_msg *m, u32 portid);
int vmtrace_genl_init(void);
void vmtrace_genl_exit(void);

#endif /* VMTRACE_NETLINK_H */
