/* SPDX-License-Identifier: GPL-2.0 */
/* ring.c: per-CPU event rings, drained into netlink by a worker. */
#ifndef VMTRACE_RING_H
#define VMTRACE_RING_H

#include <linux/skbuff.h>
#include <linux/vmtrace.h>

/* Slots per CPU: a power of two within these, from the ring_mem_mb cap. */
#define VMTRACE_RING_MIN_SLOTS	64
#define VMTRACE_RING_MAX_SLOTS	2048

struct vmtrace_slot {
	struct vmtrace_event ev;
	void *location;		/* resolved to a symbol by the worker */
};

/*
 * Locking: a CPU's ring is written by that CPU alone, with interrupts off
 * (vmtrace_record(), from a probe or hook in any context), and drained
 * under drain_lock (a mutex: one drain at a time) by the worker, a
 * stopping session or the last free. Each side publishes its position
 * with release and reads the other's with acquire (ring.c). Statistics
 * are per-CPU or atomic.
 */
struct vmtrace_slot *vmtrace_ring_reserve(unsigned int point, u32 mask);
void vmtrace_ring_reset_session(unsigned int slot);
void vmtrace_ring_commit(void);
void vmtrace_ring_flush(void);
int vmtrace_rings_alloc(void);
void vmtrace_rings_free(void);
/* What the rings did since the module loaded, per hook point and in all. */
struct vmtrace_ring_stats {
	u64 emitted[__VMTRACE_POINT_MAX];
	u64 lost[__VMTRACE_POINT_MAX];	/* the ring was full */
	u64 delivered, lost_send, messages;
};

void vmtrace_ring_stats(struct vmtrace_ring_stats *st);
unsigned int vmtrace_ring_slots(void);
int vmtrace_ring_init(void);
void vmtrace_ring_exit(void);

#endif /* VMTRACE_RING_H */
