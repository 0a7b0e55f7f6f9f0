// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU event rings and the worker that drains them into generic netlink
 * messages (built by netlink.c).
 *
 * Each ring has one producer, its own CPU with interrupts off, and one
 * consumer at a time, whoever holds drain_lock (the flush worker, a
 * stopping session): head is written only by the producer, tail
 * only by the consumer, each published with release and read with acquire.
 * A full ring refuses the event and counts it; nothing is overwritten and
 * nothing is lost without a counter saying so.
 */
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/timer.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "compat/compat.h"
#include "netlink.h"
#include "ring.h"
#include "session.h"

struct vmtrace_ring {
	unsigned int head;
	unsigned int tail;
	u64 lost;
	struct vmtrace_slot *slots;
};

struct vmtrace_point_stats {
	u64 emitted[__VMTRACE_POINT_MAX];
	u64 lost[__VMTRACE_POINT_MAX];
	u64 session_lost[VMTRACE_MAX_SESSIONS];
};

/* Where a batch of events goes: the multicast group, or one session's socket. */
struct vmtrace_dest {
	u32 mask;
	u32 live;		/* sessions whose losses this destination reports */
	u32 portid;		/* 0: the events group */
	bool orphaned;		/* the owner's socket is gone: count the events, send none */
	unsigned int slot;	/* session slot, for the unicast fallback */
	struct vmtrace_events_msg msg;	/* being filled, or .skb NULL */
	unsigned int nevents;
};

/* Sequence numbers per destination, owned by the worker. */
struct vmtrace_seq {
	u64 msg;
	u64 event;
	u32 generation;
};

/*
 * All rings together take at most this much, however many CPUs the host
 * may have: a ring per possible CPU, each of the largest power-of-two
 * number of slots that fits (VMTRACE_RING_MIN_SLOTS at least, which only
 * a cap below 64 slots per possible CPU exceeds).
 */
static unsigned int ring_mem_mb = 32;
module_param(ring_mem_mb, uint, 0444);
MODULE_PARM_DESC(ring_mem_mb, "Memory for the event rings of all CPUs together, in MiB (default 32)");

static unsigned int ring_slots __read_mostly;	/* per CPU, a power of two */
static struct vmtrace_ring __percpu *rings;
static DEFINE_PER_CPU(struct vmtrace_point_stats, point_stats);
static atomic64_t stat_delivered, stat_lost_send, stat_messages;
static struct vmtrace_seq mcast_seq, session_seq[VMTRACE_MAX_SESSIONS];
static struct timer_list flush_timer;
static struct work_struct drain_work;
/* One consumer at a time: the worker, a stopping session, the last free. */
static DEFINE_MUTEX(drain_lock);

struct vmtrace_slot *vmtrace_ring_reserve(unsigned int point, u32 mask)
{
	struct vmtrace_ring *r = this_cpu_ptr(rings);
	/* pairs with the worker's release of tail: its slots are free again */
	unsigned int tail = smp_load_acquire(&r->tail);
	unsigned long sessions = mask;
	unsigned int s;

	if (r->head - tail >= ring_slots) {
		r->lost++;
		__this_cpu_inc(point_stats.lost[point]);
		for_each_set_bit(s, &sessions, VMTRACE_MAX_SESSIONS)
			__this_cpu_inc(point_stats.session_lost[s]);
		return NULL;
	}
	__this_cpu_inc(point_stats.emitted[point]);
	return &r->slots[r->head & (ring_slots - 1)];
}

void vmtrace_ring_commit(void)
{
	struct vmtrace_ring *r = this_cpu_ptr(rings);

	/* publish the slot's contents before the worker can see the new head */
	smp_store_release(&r->head, r->head + 1);
	/* A timer, not the workqueue directly: cheap and safe from any probe. */
	if (!timer_pending(&flush_timer))
		mod_timer(&flush_timer, jiffies + 1);
}

static u64 ring_lost_total(void)
{
	u64 lost = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		lost += READ_ONCE(per_cpu_ptr(rings, cpu)->lost);
	return lost;
}

/* A new session starts counting its losses from zero. */
void vmtrace_ring_reset_session(unsigned int slot)
{
	int cpu;

	for_each_possible_cpu(cpu)
		WRITE_ONCE(per_cpu(point_stats, cpu).session_lost[slot], 0);
}

/* netlink.c's view of the losses it reports in each message */
static u64 cpu_lost(int cpu)
{
	return READ_ONCE(per_cpu_ptr(rings, cpu)->lost);
}

static u64 session_lost(unsigned int s)
{
	u64 lost = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		lost += READ_ONCE(per_cpu(point_stats, cpu).session_lost[s]);
	return lost;
}

static int msg_begin(struct vmtrace_dest *d, struct vmtrace_seq *seq)
{
	d->nevents = 0;
	return vmtrace_genl_events_begin(&d->msg, seq->msg, seq->event, ring_lost_total(), cpu_lost,
					 d->live, session_lost);
}

static void msg_send(struct vmtrace_dest *d, struct vmtrace_seq *seq)
{
	if (!d->msg.skb)
		return;
	if (vmtrace_genl_events_send(&d->msg, d->portid))
		atomic64_add(d->nevents, &stat_lost_send);
	else
		atomic64_add(d->nevents, &stat_delivered);
	atomic64_inc(&stat_messages);
	seq->msg++;
	seq->event += d->nevents;
}

static void dest_put_event(struct vmtrace_dest *d, struct vmtrace_seq *seq,
			   const struct vmtrace_event *ev)
{
	int tries;

	for (tries = 0; tries < 2; tries++) {
		if (!d->msg.skb && msg_begin(d, seq))
			break;
		if (!vmtrace_genl_events_put(&d->msg, ev)) {
			d->nevents++;
			return;
		}
		msg_send(d, seq);
	}
	atomic64_inc(&stat_lost_send);
	seq->event++;
}

/* Symbols and reason names are looked up here, not in the probe. */
static void resolve(struct vmtrace_slot *s)
{
	struct vmtrace_event *ev = &s->ev;
	const char *name;
	char *cut;

	if (!(ev->flags & VMTRACE_EV_DROP))
		return;
	/* a subsystem's reason list goes away with its module */
	rcu_read_lock();
	name = vmtrace_drop_reason_name(ev->drop_reason);
	if (name)
		strscpy(ev->reason, name, sizeof(ev->reason));
	else if (ev->drop_reason)
		snprintf(ev->reason, sizeof(ev->reason), "%u", ev->drop_reason);
	/* else no reason at all (kernels before 5.17): the name stays empty */
	rcu_read_unlock();
	if (s->location) {
		snprintf(ev->location, sizeof(ev->location), "%pS", s->location);
		cut = strchr(ev->location, '/');
		if (cut)
			*cut = '\0';
	}
}

/* Live and draining sessions are destinations; see struct vmtrace_filter_set. */
static unsigned int snapshot_dests(struct vmtrace_dest *dests)
{
	const struct vmtrace_filter_set *fs;
	unsigned long sessions;
	unsigned int n = 0, s;

	rcu_read_lock();
	fs = rcu_dereference(vmtrace_filters);
	sessions = fs ? READ_ONCE(fs->active) | READ_ONCE(fs->draining) : 0;
	if (VMTRACE_EVENTS_MULTICAST) {
		rcu_read_unlock();
		dests[0] = (struct vmtrace_dest){ .mask = ~0U, .live = sessions };
		return 1;
	}
	for_each_set_bit(s, &sessions, VMTRACE_MAX_SESSIONS) {
		dests[n] = (struct vmtrace_dest){
			.mask = BIT(s),
			.live = BIT(s),
			.portid = fs->sess[s].owner_portid,
			.orphaned = READ_ONCE(fs->orphaned) & BIT(s),
			.slot = s,
		};
		if (session_seq[s].generation != fs->generation[s])
			session_seq[s] = (struct vmtrace_seq){ .generation = fs->generation[s] };
		n++;
	}
	rcu_read_unlock();
	return n;
}

static struct vmtrace_seq *dest_seq(const struct vmtrace_dest *d)
{
	return d->portid ? &session_seq[d->slot] : &mcast_seq;
}

static void drain(void)
{
	struct vmtrace_dest dests[VMTRACE_MAX_SESSIONS];
	unsigned int ndests, i, pos;
	bool listening;
	int cpu;

	ndests = snapshot_dests(dests);
	listening = vmtrace_genl_events_heard();
	for_each_possible_cpu(cpu) {
		struct vmtrace_ring *r = per_cpu_ptr(rings, cpu);
		/* pairs with vmtrace_ring_commit(): slots up to head are written */
		unsigned int head = smp_load_acquire(&r->head);
		unsigned int tail = r->tail;

		for (pos = tail; pos != head; pos++) {
			struct vmtrace_slot *s = &r->slots[pos & (ring_slots - 1)];

			bool sent = false;

			resolve(s);
			for (i = 0; i < ndests; i++) {
				if (!(s->ev.session_mask & dests[i].mask))
					continue;
				sent = true;
				if (listening && !dests[i].orphaned) {
					dest_put_event(&dests[i], dest_seq(&dests[i]), &s->ev);
				} else {
					atomic64_inc(&stat_lost_send);
					dest_seq(&dests[i])->event++;
				}
			}
			/* nobody to send it to: still counted */
			if (!sent)
				atomic64_inc(&stat_lost_send);
		}
		/* the slots are read: hand them back to the producer */
		smp_store_release(&r->tail, head);
	}
	for (i = 0; i < ndests; i++)
		msg_send(&dests[i], dest_seq(&dests[i]));
}

/*
 * Send what the rings hold now, before returning: a stopping session's
 * last events go out before its stop is acked, on the socket that waits
 * for that ack. The worker drains the same way.
 */
void vmtrace_ring_flush(void)
{
	mutex_lock(&drain_lock);
	drain();
	mutex_unlock(&drain_lock);
}

static void drain_work_fn(struct work_struct *work)
{
	vmtrace_ring_flush();
}

static void flush_timer_fn(struct timer_list *t)
{
	schedule_work(&drain_work);
}

int vmtrace_rings_alloc(void)
{
	int cpu;

	rings = alloc_percpu(struct vmtrace_ring);
	if (!rings)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct vmtrace_ring *r = per_cpu_ptr(rings, cpu);

		r->slots = vzalloc_node(array_size(ring_slots, sizeof(*r->slots)),
					cpu_to_node(cpu));
		if (!r->slots)
			goto err;
	}
	return 0;
err:
	vmtrace_rings_free();
	return -ENOMEM;
}

/* Called once no probe can run any more: deliver what is left, then free. */
void vmtrace_rings_free(void)
{
	int cpu;

	if (!rings)
		return;
	vmtrace_timer_delete_sync(&flush_timer);
	flush_work(&drain_work);
	vmtrace_ring_flush();
	for_each_possible_cpu(cpu)
		vfree(per_cpu_ptr(rings, cpu)->slots);
	free_percpu(rings);
	rings = NULL;
}

void vmtrace_ring_stats(struct vmtrace_ring_stats *st)
{
	unsigned int p;
	int cpu;

	memset(st, 0, sizeof(*st));
	for (p = 1; p < __VMTRACE_POINT_MAX; p++) {
		for_each_possible_cpu(cpu) {
			st->emitted[p] += READ_ONCE(per_cpu(point_stats, cpu).emitted[p]);
			st->lost[p] += READ_ONCE(per_cpu(point_stats, cpu).lost[p]);
		}
	}
	st->delivered = atomic64_read(&stat_delivered);
	st->lost_send = atomic64_read(&stat_lost_send);
	st->messages = atomic64_read(&stat_messages);
}

unsigned int vmtrace_ring_slots(void)
{
	return ring_slots;
}

int vmtrace_ring_init(void)
{
	u64 fit = ((u64)ring_mem_mb << 20) / num_possible_cpus() / sizeof(struct vmtrace_slot);

	ring_slots = clamp_t(u64, fit, VMTRACE_RING_MIN_SLOTS, VMTRACE_RING_MAX_SLOTS);
	ring_slots = rounddown_pow_of_two(ring_slots);
	timer_setup(&flush_timer, flush_timer_fn, 0);
	INIT_WORK(&drain_work, drain_work_fn);
	return 0;
}

void vmtrace_ring_exit(void)
{
	vmtrace_timer_delete_sync(&flush_timer);
	cancel_work_sync(&drain_work);
}
