/* SPDX-License-Identifier: GPL-2.0 */
/* session.c: who is tracing what. */
#ifndef VMTRACE_SESSION_H
#define VMTRACE_SESSION_H

#include <linux/bitmap.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/netdevice.h>
#include <net/netlink.h>
#include <linux/vmtrace.h>

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
	bool tunnels;		/* VMTRACE_FILTER_A_TUNNELS */
	u32 owner_portid;	/* the socket that started the session */
	struct vmtrace_iface ifaces[VMTRACE_MAX_IFACES];
	struct vmtrace_addr addrs[VMTRACE_MAX_ADDRS];
};

/*
 * All sessions, published with RCU for the probes and the ring worker.
 *
 * Locking: session_lock (a mutex) serialises starting and stopping
 * sessions, the only publishers of a new set; nothing that holds it takes
 * RTNL. A start publishes a new set; the device pointers (the netdevice
 * notifier, under RTNL) and a stopping session's bits and ifmap (stop)
 * change in place. Every write is under devs_lock (a mutex, taken inside
 * session_lock or inside RTNL, never the other way). Readers (probes,
 * netfilter hooks, the ring worker) hold rcu_read_lock() and take nothing.
 * A set is freed by call_rcu() once replaced. ifmap is a cheap first test: a bit per watched
 * device pointer's hash, taken without touching the device.
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

#endif /* VMTRACE_SESSION_H */
