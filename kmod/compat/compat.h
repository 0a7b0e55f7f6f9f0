/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels vmtrace builds for lives here, behind
 * a VMTRACE_HAVE_* macro that kmod/compat/probe.sh derives from the headers
 * at build time. Main code never looks at LINUX_VERSION_CODE.
 */
#ifndef VMTRACE_COMPAT_H
#define VMTRACE_COMPAT_H

#include <linux/skbuff.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <trace/events/skb.h>

/*
 * kfree_skb tracepoint. Before 5.17 it was (skb, location); 5.17 (and
 * 5.15.58) added the drop reason; 6.11 added the receiving socket, which
 * later became const. The probe is written once against
 * VMTRACE_KFREE_SKB_ARGS and the compiler checks it against the running
 * kernel's TP_PROTO.
 */
#if defined(VMTRACE_HAVE_KFREE_SKB_RX_SK_CONST)
#define VMTRACE_KFREE_SKB_ARGS \
	void *data, struct sk_buff *skb, void *location, \
	enum skb_drop_reason reason, const struct sock *rx_sk
#define VMTRACE_KFREE_SKB_REASON(r)	((unsigned int)(r))
#elif defined(VMTRACE_HAVE_KFREE_SKB_RX_SK)
#define VMTRACE_KFREE_SKB_ARGS \
	void *data, struct sk_buff *skb, void *location, \
	enum skb_drop_reason reason, struct sock *rx_sk
#define VMTRACE_KFREE_SKB_REASON(r)	((unsigned int)(r))
#elif defined(VMTRACE_HAVE_KFREE_SKB_REASON)
#define VMTRACE_KFREE_SKB_ARGS \
	void *data, struct sk_buff *skb, void *location, \
	enum skb_drop_reason reason
#define VMTRACE_KFREE_SKB_REASON(r)	((unsigned int)(r))
#else
#define VMTRACE_KFREE_SKB_ARGS \
	void *data, struct sk_buff *skb, void *location
#define VMTRACE_KFREE_SKB_REASON(r)	0U
#endif

/*
 * NETFILTER_DROP is what nf_hook_slow() frees a dropped packet with (5.17+,
 * with drop reasons). Without reasons a free inside a hook cannot be told
 * from a later one, and every hook point keeps a last hook (nfhooks.c).
 */
#if defined(VMTRACE_HAVE_KFREE_SKB_REASON)
#define VMTRACE_HAVE_NF_DROP_REASON	1
#define vmtrace_reason_is_nf_drop(r)	((r) == SKB_DROP_REASON_NETFILTER_DROP)
#else
#define VMTRACE_HAVE_NF_DROP_REASON	0
#define vmtrace_reason_is_nf_drop(r)	false
#endif

/* consume_skb gained the caller's location in 6.3. */
#if defined(VMTRACE_HAVE_CONSUME_SKB_LOCATION)
#define VMTRACE_CONSUME_SKB_ARGS void *data, struct sk_buff *skb, void *location
#else
#define VMTRACE_CONSUME_SKB_ARGS void *data, struct sk_buff *skb
#endif

/*
 * Drop reason names. 5.18-6.3 export one flat drop_reasons[] table; 6.4
 * split reasons into subsystems (high bits) with drop_reasons_by_subsys[],
 * declared in <net/dropreason.h> (which <linux/skbuff.h> stopped including
 * in 6.8). Either way the name comes from the running kernel, never from a
 * copy; a kernel that does not export its table gives no names.
 */
#if defined(VMTRACE_HAVE_DROP_REASONS_BY_SUBSYS)
#include <net/dropreason.h>
#endif

static inline const char *vmtrace_drop_reason_name(unsigned int reason)
{
#if defined(VMTRACE_HAVE_DROP_REASONS_BY_SUBSYS)
	unsigned int subsys = reason >> SKB_DROP_REASON_SUBSYS_SHIFT;
	const struct drop_reason_list *list;

	if (subsys >= SKB_DROP_REASON_SUBSYS_NUM)
		return NULL;
	list = rcu_dereference(drop_reasons_by_subsys[subsys]);
	reason &= ~SKB_DROP_REASON_SUBSYS_MASK;
	if (!list || reason >= list->n_reasons)
		return NULL;
	return list->reasons[reason];
#elif defined(VMTRACE_HAVE_DROP_REASONS)
	if (reason >= SKB_DROP_REASON_MAX)
		return NULL;
	return drop_reasons[reason];
#else
	return NULL;
#endif
}

/*
 * A netns identity that is never reused, set when the netns is made
 * (5.12+) and readable by user space (SO_NETNS_COOKIE, 5.14+). 5.10
 * assigns it on first use, with a function modules cannot call; there the
 * identity is the namespace's inode number, which the CLI reads too
 * (stat of /proc/self/ns/net) when SO_NETNS_COOKIE fails. An inode number
 * is reused only once its namespace is gone, and devices are matched by
 * pointer, which the netdevice notifier keeps true.
 */
static inline u64 vmtrace_net_cookie(const struct net *net)
{
#if defined(VMTRACE_HAVE_NET_COOKIE)
	return net->net_cookie;
#else
	return net->ns.inum;
#endif
}

/*
 * Multicast groups that only CAP_NET_ADMIN may join arrived in 6.7 and
 * stable kernels (5.10 stable: CAP_SYS_ADMIN). Without either anyone could
 * join, so events are unicast to the socket that owns each session
 * instead (see ring.c).
 */
#if defined(VMTRACE_HAVE_GENL_MCAST_CAP)
#define VMTRACE_MCGRP_RESTRICT	.flags = GENL_MCAST_CAP_NET_ADMIN
#define VMTRACE_EVENTS_MULTICAST	1
#elif defined(VMTRACE_HAVE_GENL_MCAST_CAP_SYS_ADMIN)
/* 5.10 stable: the same fix, stricter (joining needs CAP_SYS_ADMIN) */
#define VMTRACE_MCGRP_RESTRICT	.cap_sys_admin = 1
#define VMTRACE_EVENTS_MULTICAST	1
#else
#define VMTRACE_MCGRP_RESTRICT	.flags = 0
#define VMTRACE_EVENTS_MULTICAST	0
#endif

/*
 * 6.1 keeps only a pointer to a static message in the extack (formatted
 * messages arrived in 6.2). vmtrace's messages are static tables of
 * attribute names, which NL_SET_ERR_MSG (literals only) cannot take.
 */
static inline void vmtrace_extack_msg(struct netlink_ext_ack *extack,
				      const char *static_msg)
{
	if (extack)
		extack->_msg = static_msg;
}

/*
 * NL_SET_ERR_ATTR_MISS arrived in 5.19. Before it the extack has no field
 * for a missing attribute's type: point at the nest that lacks it, and
 * leave the message, which every caller sets first and which names the
 * attribute, as it is.
 */
#if !defined(VMTRACE_HAVE_NL_SET_ERR_ATTR_MISS)
#define NL_SET_ERR_ATTR_MISS(extack, nest, type) do {		\
	(void)(type);						\
	NL_SET_BAD_ATTR((extack), (nest));			\
} while (0)
#endif

/* del_timer_sync() became timer_delete_sync() in 6.2 (and stable 6.1). */
#if defined(VMTRACE_HAVE_TIMER_DELETE_SYNC)
#define vmtrace_timer_delete_sync(t)	timer_delete_sync(t)
#else
#define vmtrace_timer_delete_sync(t)	del_timer_sync(t)
#endif

#endif /* VMTRACE_COMPAT_H */
