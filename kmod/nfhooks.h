/* SPDX-License-Identifier: GPL-2.0 */
/* nfhooks.c: netfilter hooks in the namespaces sessions watch. */
#ifndef VMTRACE_NFHOOKS_H
#define VMTRACE_NFHOOKS_H

#include <linux/percpu.h>
#include <linux/skbuff.h>

#include "parse.h"
#include "record.h"
#include "session.h"

struct vmtrace_nf_frame {
	const struct sk_buff *skb;
	struct vmtrace_devinfo devs;
	u64 ts;
	u32 mask;
	u8 point;
	u8 dir;
	u8 bridge;		/* a bridge hook point's frame */
	u8 closed;		/* a last-priority hook closes it: open means inside */
	struct vmtrace_pkt pkt;
};

/*
 * Per CPU: the frames of the hook points a wanted packet is inside, newest
 * last. A stack because br_netfilter runs IP hooks inside bridge hooks.
 * Locking: only its CPU changes it, with interrupts off around each push
 * and pop (callers run in any context, and a probe may interrupt a hook);
 * vmtrace_nf_frames_open() reads its depth without them, as a hint. The
 * reset of every CPU's stack runs only once no hook or probe can run.
 */
#define VMTRACE_NF_STACK_DEPTH	8
struct vmtrace_nf_stack {
	unsigned int depth;
	struct vmtrace_nf_frame frames[VMTRACE_NF_STACK_DEPTH];
};

DECLARE_PER_CPU(struct vmtrace_nf_stack, vmtrace_nf_stack);

/* One per-CPU read: what every kfree_skb pays while nothing is inside a hook. */
static __always_inline bool vmtrace_nf_frames_open(void)
{
	return this_cpu_read(vmtrace_nf_stack.depth);
}

int vmtrace_nf_init(void);
void vmtrace_nf_exit(void);
int vmtrace_nf_update(const struct vmtrace_filter_set *fs);
bool vmtrace_nf_take_frame(const struct sk_buff *skb, unsigned int reason,
			   struct vmtrace_nf_frame *out);
void vmtrace_nf_forget(const struct sk_buff *skb);
void vmtrace_nf_frames_reset(void);
unsigned int vmtrace_nf_hooked_netns(void);
unsigned int vmtrace_nf_hooks(void);
unsigned int vmtrace_nf_hooks_per_netns(void);

#endif /* VMTRACE_NFHOOKS_H */
