// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter hooks at every bridge, IPv4 and IPv6 hook point of every
 * network namespace, each registered twice: at the first priority, to see
 * the packet arrive, and at the last, to see it leave. nf_hook_slow() frees
 * a dropped packet with NETFILTER_DROP and its own address as location,
 * which says nothing of where; a per-CPU stack of "inside hook point X with
 * skb P" frames, pushed by the first hook and popped by the last, lets the
 * kfree_skb probe name the hook point, namespace and devices. It is a
 * stack because br_netfilter runs IP hooks from inside bridge hooks.
 *
 * A frame is left behind when a hook steals or queues the packet, or when a
 * process-context traversal migrates CPUs; frames are therefore matched by
 * skb and trusted only while young.
 */
#include <linux/netfilter.h>
#include <linux/netfilter_bridge.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/if_ether.h>
#include <net/net_namespace.h>

#include "compat/compat.h"
#include "vmtrace.h"

#define NF_STACK_DEPTH		8
#define NF_FRAME_MAX_AGE_NS	(100 * NSEC_PER_MSEC)

struct nf_stack {
	unsigned int depth;
	struct vmtrace_nf_frame frames[NF_STACK_DEPTH];
};

static DEFINE_PER_CPU(struct nf_stack, nf_stack);

static const u8 br_points[NF_BR_NUMHOOKS] = {
	[NF_BR_PRE_ROUTING]	= VMTRACE_POINT_BR_PREROUTING,
	[NF_BR_LOCAL_IN]	= VMTRACE_POINT_BR_INPUT,
	[NF_BR_FORWARD]		= VMTRACE_POINT_BR_FORWARD,
	[NF_BR_LOCAL_OUT]	= VMTRACE_POINT_BR_OUTPUT,
	[NF_BR_POST_ROUTING]	= VMTRACE_POINT_BR_POSTROUTING,
};

static const u8 ip_points[NF_INET_NUMHOOKS] = {
	[NF_INET_PRE_ROUTING]	= VMTRACE_POINT_IP_PREROUTING,
	[NF_INET_LOCAL_IN]	= VMTRACE_POINT_IP_INPUT,
	[NF_INET_FORWARD]	= VMTRACE_POINT_IP_FORWARD,
	[NF_INET_LOCAL_OUT]	= VMTRACE_POINT_IP_OUTPUT,
	[NF_INET_POST_ROUTING]	= VMTRACE_POINT_IP_POSTROUTING,
};

static u8 hook_dir(unsigned int hook)
{
	/* NF_BR_* and NF_INET_* share their numbering. */
	switch (hook) {
	case NF_INET_PRE_ROUTING:
	case NF_INET_LOCAL_IN:
		return VMTRACE_DIR_RX;
	case NF_INET_LOCAL_OUT:
	case NF_INET_POST_ROUTING:
		return VMTRACE_DIR_TX;
	default:
		return VMTRACE_DIR_NONE;
	}
}

static void push_frame(const struct vmtrace_nf_frame *f)
{
	struct nf_stack *st;
	unsigned long flags;

	local_irq_save(flags);
	st = this_cpu_ptr(&nf_stack);
	/* Frames left behind by stolen packets age out here. */
	while (st->depth &&
	       f->ts - st->frames[st->depth - 1].ts > NF_FRAME_MAX_AGE_NS)
		st->depth--;
	if (st->depth == NF_STACK_DEPTH) {
		memmove(&st->frames[0], &st->frames[1],
			sizeof(st->frames[0]) * (NF_STACK_DEPTH - 1));
		st->depth--;
	}
	st->frames[st->depth++] = *f;
	local_irq_restore(flags);
}

/* Remove the frame for @skb (and anything stale above it); copy it out. */
static bool pop_frame(const struct sk_buff *skb, struct vmtrace_nf_frame *out)
{
	struct nf_stack *st;
	unsigned long flags;
	bool found = false;
	unsigned int i;

	local_irq_save(flags);
	st = this_cpu_ptr(&nf_stack);
	for (i = st->depth; i--; ) {
		if (st->frames[i].skb != skb)
			continue;
		found = ktime_get_ns() - st->frames[i].ts <= NF_FRAME_MAX_AGE_NS;
		if (found && out)
			*out = st->frames[i];
		st->depth = i;
		break;
	}
	local_irq_restore(flags);
	return found;
}

bool vmtrace_nf_take_frame(const struct sk_buff *skb, struct vmtrace_nf_frame *out)
{
	if (!this_cpu_read(nf_stack.depth))
		return false;
	return pop_frame(skb, out);
}

static unsigned int hook_first(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	const struct vmtrace_filter_set *fs;
	struct vmtrace_nf_frame f = { .skb = skb };
	u16 l3 = 0;

	if (state->pf == NFPROTO_IPV4)
		l3 = ETH_P_IP;
	else if (state->pf == NFPROTO_IPV6)
		l3 = ETH_P_IPV6;
	f.dev = state->in ?: state->out;
	f.dev_out = state->in != state->out ? state->out : NULL;
	if (f.dev == f.dev_out)
		f.dev_out = NULL;

	rcu_read_lock();
	fs = rcu_dereference(vmtrace_filters);
	if (fs)
		f.mask = vmtrace_match(fs, skb, f.dev, f.dev_out, l3, &f.pkt);
	rcu_read_unlock();
	if (!f.mask)
		return NF_ACCEPT;

	f.point = state->pf == NFPROTO_BRIDGE ? br_points[state->hook] :
						ip_points[state->hook];
	f.dir = hook_dir(state->hook);
	{
		struct vmtrace_where w = {
			.point = f.point, .dir = f.dir, .dev = f.dev, .dev_out = f.dev_out,
		};

		vmtrace_record(skb, &w, f.mask, &f.pkt, 0, NULL);
	}
	f.ts = ktime_get_ns();
	push_frame(&f);
	return NF_ACCEPT;
}

static unsigned int hook_last(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	if (this_cpu_read(nf_stack.depth))
		pop_frame(skb, NULL);
	return NF_ACCEPT;
}

#define HOOKS_PER_FAMILY	5
static struct nf_hook_ops nf_ops[3 * HOOKS_PER_FAMILY * 2];

static void fill_ops(void)
{
	static const u8 pfs[] = { NFPROTO_BRIDGE, NFPROTO_IPV4, NFPROTO_IPV6 };
	unsigned int i = 0, p, h;

	for (p = 0; p < ARRAY_SIZE(pfs); p++) {
		for (h = 0; h < HOOKS_PER_FAMILY; h++) {
			nf_ops[i++] = (struct nf_hook_ops){
				.hook = hook_first, .pf = pfs[p], .hooknum = h,
				.priority = INT_MIN,
			};
			nf_ops[i++] = (struct nf_hook_ops){
				.hook = hook_last, .pf = pfs[p], .hooknum = h,
				.priority = INT_MAX,
			};
		}
	}
}

static int __net_init nf_net_init(struct net *net)
{
	return nf_register_net_hooks(net, nf_ops, ARRAY_SIZE(nf_ops));
}

static void __net_exit nf_net_exit(struct net *net)
{
	nf_unregister_net_hooks(net, nf_ops, ARRAY_SIZE(nf_ops));
}

static struct pernet_operations nf_pernet_ops = {
	.init = nf_net_init,
	.exit = nf_net_exit,
};

int vmtrace_nf_attach(void)
{
	fill_ops();
	return register_pernet_subsys(&nf_pernet_ops);
}

void vmtrace_nf_detach(void)
{
	unregister_pernet_subsys(&nf_pernet_ops);
	synchronize_net();
}
