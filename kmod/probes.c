// SPDX-License-Identifier: GPL-2.0
/*
 * Tracepoint probes. Only kfree_skb is exported to modules; the others are
 * found by name with for_each_kernel_tracepoint() and attached with
 * tracepoint_probe_register(). Each probe's prototype is checked against
 * the kernel's TP_PROTO by check_trace_callback_type_*() so that a changed
 * tracepoint breaks the build instead of the kernel.
 */
#include <linux/tracepoint.h>
#include <trace/events/net.h>
#include <trace/events/skb.h>

#include "compat/compat.h"
#include "nfhooks.h"
#include "probes.h"
#include "record.h"
#include "session.h"

/*
 * Record @skb at @point for the sessions that watch skb->dev; it passed
 * vmtrace_skb_wanted() or vmtrace_skb_wanted_nh(). skb->dev is read once:
 * in the free-time probes it may be anything (UDP's dev_scratch, an
 * rb-tree link, a freed device), and vmtrace_match() only compares it
 * until it proves to be a watched device. A watched device that took the
 * memory of a freed one a stale skb still points to would be named for
 * that skb: a wrong hop at worst, never a bad read.
 */
static noinline void record_dev(struct sk_buff *skb, u8 point, u8 dir, u8 flags, int nh_off,
				unsigned int reason, void *location)
{
	const struct net_device *dev = READ_ONCE(skb->dev);
	const struct vmtrace_filter_set *fs;
	struct vmtrace_pkt pkt;
	u32 mask;

	rcu_read_lock();
	fs = rcu_dereference(vmtrace_filters);
	if (fs) {
		mask = vmtrace_match(fs, skb, dev, NULL, 0, nh_off, &pkt);
		if (mask) {
			struct vmtrace_devinfo devs;
			struct vmtrace_where w = {
				.point = point, .dir = dir, .flags = flags, .devs = &devs,
			};

			vmtrace_devinfo_fill(&devs, dev, NULL);
			vmtrace_record(skb, &w, mask, &pkt, reason, location);
		}
	}
	rcu_read_unlock();
}

/*
 * netif_receive_skb fires before __netif_receive_skb_core() resets the
 * network header: a packet that skipped GRO still carries its sender's
 * there. The network header is at skb->data.
 */
static void probe_netif_receive_skb(void *data, struct sk_buff *skb)
{
	if (vmtrace_skb_wanted_nh(skb, 0, skb->data))
		record_dev(skb, VMTRACE_POINT_DEV_RX, VMTRACE_DIR_RX, 0, 0, 0, NULL);
}

static void probe_net_dev_queue(void *data, struct sk_buff *skb)
{
	if (vmtrace_skb_wanted(skb, 0))
		record_dev(skb, VMTRACE_POINT_DEV_TX, VMTRACE_DIR_TX, 0, skb_network_offset(skb),
			   0, NULL);
}

static void probe_consume_skb(VMTRACE_CONSUME_SKB_ARGS)
{
	if (!vmtrace_skb_wanted(skb, 0))
		return;
	vmtrace_nf_forget(skb);
	record_dev(skb, VMTRACE_POINT_SKB_CONSUME, VMTRACE_DIR_NONE, 0, skb_network_offset(skb),
		   0, NULL);
}

/*
 * Freed inside a netfilter hook: record it at that hook point, not at
 * nf_hook_slow. Out of line, because the frame is large and this kernel
 * zeroes every local at entry: kfree_skb must not pay for it.
 */
static noinline bool record_nf_drop(struct sk_buff *skb, unsigned int why, void *location)
{
	struct vmtrace_nf_frame f;
	struct vmtrace_where w = {
		.flags = VMTRACE_EV_DROP | VMTRACE_EV_NF_ATTRIBUTED, .devs = &f.devs,
	};

	if (!vmtrace_nf_take_frame(skb, why, &f))
		return false;
	w.point = f.point;
	w.dir = f.dir;
	vmtrace_record(skb, &w, f.mask, &f.pkt, why, location);
	return true;
}

static void probe_kfree_skb(VMTRACE_KFREE_SKB_ARGS)
{
	unsigned int why = VMTRACE_KFREE_SKB_REASON(reason);

	if (vmtrace_nf_frames_open() && record_nf_drop(skb, why, location))
		return;
	if (vmtrace_skb_wanted(skb, 0))
		record_dev(skb, VMTRACE_POINT_SKB_DROP, VMTRACE_DIR_NONE, VMTRACE_EV_DROP,
			   skb_network_offset(skb), why, location);
}

struct vmtrace_tp {
	const char *name;
	void *probe;
	struct tracepoint *tp;
};

static struct vmtrace_tp tps[] = {
	{ "netif_receive_skb",	probe_netif_receive_skb },
	{ "net_dev_queue",	probe_net_dev_queue },
	{ "consume_skb",	probe_consume_skb },
	{ "kfree_skb",		probe_kfree_skb },
};

static void find_tracepoint(struct tracepoint *tp, void *priv)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tps); i++)
		if (!strcmp(tp->name, tps[i].name))
			tps[i].tp = tp;
}

int vmtrace_probes_init(void)
{
	unsigned int i;

	check_trace_callback_type_netif_receive_skb(probe_netif_receive_skb);
	check_trace_callback_type_net_dev_queue(probe_net_dev_queue);
	check_trace_callback_type_consume_skb(probe_consume_skb);
	check_trace_callback_type_kfree_skb(probe_kfree_skb);

	for_each_kernel_tracepoint(find_tracepoint, NULL);
	for (i = 0; i < ARRAY_SIZE(tps); i++) {
		if (!tps[i].tp) {
			pr_err("tracepoint %s not found in this kernel\n", tps[i].name);
			return -ENOENT;
		}
	}
	return 0;
}

int vmtrace_probes_attach(void)
{
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(tps); i++) {
		err = tracepoint_probe_register(tps[i].tp, tps[i].probe, NULL);
		if (err) {
			pr_err("cannot attach to tracepoint %s: %d\n", tps[i].name, err);
			goto err_unwind;
		}
	}
	return 0;

err_unwind:
	while (i--)
		WARN_ON_ONCE(tracepoint_probe_unregister(tps[i].tp, tps[i].probe, NULL));
	tracepoint_synchronize_unregister();
	return err;
}

/* Returns at once: probes may still be running until vmtrace_probes_wait(). */
void vmtrace_probes_detach(void)
{
	unsigned int i = ARRAY_SIZE(tps);

	while (i--)
		WARN_ON_ONCE(tracepoint_probe_unregister(tps[i].tp, tps[i].probe, NULL));
}

/*
 * Wait until no probe, netfilter hook or reader of the filter set can still
 * be running: the tracepoint API's own wait (its SRCU, then RCU) also covers
 * netfilter hooks, which run under rcu_read_lock().
 */
void vmtrace_probes_wait(void)
{
	tracepoint_synchronize_unregister();
}
