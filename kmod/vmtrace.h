/* SPDX-License-Identifier: GPL-2.0 */
/* What the pieces of vmtrace.ko say to each other. */
#ifndef VMTRACE_H
#define VMTRACE_H

#include <linux/bitmap.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/genetlink.h>
#include <linux/vmtrace.h>

#include "parse.h"

/* session.c: who is tracing what. */
struct vmtrace_iface {
	u64 netns_cookie;
	int ifindex;
};

struct vmtrace_addr {
	u8 family;
	u8 addr[16];
};

struct vmtrace_sess_filter {
	unsigned int nifaces;
	unsigned int naddrs;
	int icmp_id;		/* -1: any */
	u32 owner_portid;	/* the socket that started the session */
	struct vmtrace_iface ifaces[VMTRACE_MAX_IFACES];
	struct vmtrace_addr addrs[VMTRACE_MAX_ADDRS];
};

/*
 * All live sessions, published with RCU for the probes. ifmap is a cheap
 * first test: a bit per ifindex (modulo its size) that any session watches.
 */
#define VMTRACE_IFMAP_BITS	1024
struct vmtrace_filter_set {
	DECLARE_BITMAP(ifmap, VMTRACE_IFMAP_BITS);
	u32 active;		/* bit N: session N is live */
	u32 generation[VMTRACE_MAX_SESSIONS];
	struct vmtrace_sess_filter sess[VMTRACE_MAX_SESSIONS];
};

extern struct vmtrace_filter_set __rcu *vmtrace_filters;

int vmtrace_session_start(struct vmtrace_sess_filter *f, u32 *id,
			  struct netlink_ext_ack *extack);
int vmtrace_session_stop(u32 id, struct netlink_ext_ack *extack);
unsigned int vmtrace_session_count(void);
int vmtrace_session_init(void);
void vmtrace_session_exit(void);

/* record.c: recognise a packet of interest and queue its event. */
struct vmtrace_where {
	u8 point;		/* enum vmtrace_point */
	u8 dir;			/* enum vmtrace_dir */
	u8 flags;		/* VMTRACE_EV_* */
	const struct net_device *dev;
	const struct net_device *dev_out;
};

void vmtrace_record_init(void);
bool vmtrace_freed_skb_wanted(const struct sk_buff *skb);
u32 vmtrace_match(const struct vmtrace_filter_set *fs, const struct sk_buff *skb,
		  const struct net_device *dev, const struct net_device *dev_out,
		  u16 l3_ethertype, struct vmtrace_pkt *pkt);
void vmtrace_record(const struct sk_buff *skb, const struct vmtrace_where *w,
		    u32 mask, const struct vmtrace_pkt *pkt,
		    unsigned int reason, void *location);

/* ring.c: per-CPU event rings, drained into netlink by a worker. */
#define VMTRACE_RING_SLOTS	2048	/* power of two */

struct vmtrace_slot {
	struct vmtrace_event ev;
	void *location;		/* resolved to a symbol by the worker */
};

struct vmtrace_slot *vmtrace_ring_reserve(unsigned int point, u32 mask);
void vmtrace_ring_reset_session(unsigned int slot);
void vmtrace_ring_commit(void);
int vmtrace_rings_alloc(void);
void vmtrace_rings_free(void);
int vmtrace_stats_put(struct sk_buff *msg);
int vmtrace_ring_init(void);
void vmtrace_ring_exit(void);

/* probes.c: tracepoints. */
int vmtrace_probes_init(void);
int vmtrace_probes_attach(void);
void vmtrace_probes_detach(void);

/* nfhooks.c: netfilter hooks in every namespace. */
struct vmtrace_nf_frame {
	const struct sk_buff *skb;
	const struct net_device *dev;
	const struct net_device *dev_out;
	u64 ts;
	u32 mask;
	u8 point;
	u8 dir;
	struct vmtrace_pkt pkt;
};

int vmtrace_nf_attach(void);
void vmtrace_nf_detach(void);
bool vmtrace_nf_take_frame(const struct sk_buff *skb, struct vmtrace_nf_frame *out);

/* netlink.c */
extern struct genl_family vmtrace_genl_family;
int vmtrace_genl_init(void);
void vmtrace_genl_exit(void);

#endif /* VMTRACE_H */
