/* SPDX-License-Identifier: GPL-2.0 */
/* Group hop events into echoes, pair requests with replies, decide verdicts. */
#ifndef VT_ECHO_H
#define VT_ECHO_H

#include <stdint.h>
#include <linux/vmtrace.h>

#include "cause.h"
#include "resolve.h"

#define VT_ECHO_EVENTS	96
/*
 * Undecided echoes tracked at once: 2048 x ~23 KB (96 events of 240 bytes)
 * = at most ~45 MiB, whatever floods the VM. An echo waits at most its
 * timeout (follow: 2 s) plus the settle time, so this holds ~950 unanswered
 * echoes a second; answered ones behind an unanswered one wait for it (their
 * verdicts come out in order), so they count alike. Beyond it the oldest is
 * evicted and counted, and the verdicts held behind it come out.
 */
#define VT_ECHO_MAX	2048
#define VT_ECHO_BUCKETS	4096	/* hash buckets by (family, id, seq), a power of two */
#define VT_ECHO_DONE	VT_ECHO_MAX	/* echoes handed out or evicted, remembered for their late events */
#define VT_ECHO_LATE_NS	3000000000ULL	/* how long after that an event of theirs is still theirs */

/*
 * An echo whose verdict is out (or that was evicted): an event of its that
 * comes later (a clone freed late, a neighbour queue flushed) is not a new
 * echo. In a ring, indexed by the echo buckets.
 */
struct vt_echo_done {
	int family;
	uint16_t id, seq;
	uint8_t src[16], dst[16];
	int any_src;		/* our own probe, never seen: the kernel chose its source */
	uint64_t gone_ns;	/* when it was handed out or evicted, kernel clock */
	uint32_t hnext;		/* next in its bucket: index + 1, 0 ends */
};

enum vt_status {
	VT_REPLIED,
	VT_DROPPED,
	VT_LOST_IN_VM,
	VT_LOST_ON_HOST,
	VT_WRONG_VM,	/* delivered to, or answered by, another VM */
	VT_UNSEEN,
};

struct vt_verdict {
	enum vt_status status;
	const struct vmtrace_event *hop;	/* the drop, or the last hop seen; NULL: none */
	struct vt_cause cause;
	uint64_t rtt_ns;
	int via_neighbour;			/* the echo died with its ARP/ND */
};

struct vt_echo {
	int family;
	uint8_t src[16], dst[16];	/* of the request */
	uint16_t id, seq;
	uint64_t first_ts, last_ts;	/* kernel CLOCK_MONOTONIC, ns */
	int sent;			/* our own probe: expected before any event */
	int send_err;			/* -errno of sending it */
	unsigned int nev;
	struct vmtrace_event ev[VT_ECHO_EVENTS];	/* sorted by ts_ns */
	/* the tracker's: */
	struct vt_echo *hnext;		/* next in its hash bucket, newer first */
	struct vt_echo *older, *newer;	/* in arrival order */
	/*
	 * Decided, its verdict held until every older echo has one (verdicts
	 * come out in arrival order, hence seq order); events that come for
	 * it since are left out, so that the verdict's hop stays what it was.
	 */
	int decided;
	struct vt_verdict verdict;
	struct vmtrace_event hop;	/* verdict.hop points here */
};

struct vt_tracker;
typedef void (*vt_verdict_fn)(const struct vt_echo *e, const struct vt_verdict *v, void *arg);
/* 0 while @e may still change, else 1 with @v (verdict.c's vt_decide()) */
typedef int (*vt_decide_fn)(const struct vt_tracker *t, const struct vt_echo *e, uint64_t now,
			    int final, struct vt_verdict *v);

struct vt_tracker {
	const struct vt_vm *vm;
	uint64_t timeout_ns;	/* no reply after this long: decide */
	uint64_t settle_ns;	/* quiet this long before deciding: late events from other CPUs */
	vt_decide_fn decide;
	vt_verdict_fn on_verdict;
	struct vt_env *env;	/* the host's state for causes; NULL: the kernel's word alone */
	void *arg;
	unsigned int n;			/* echoes tracked, at most VT_ECHO_MAX */
	struct vt_echo *oldest, *newest;
	struct vt_echo **buckets;	/* VT_ECHO_BUCKETS, allocated with the first echo */
	unsigned int nneigh, nsolicit;
	struct vmtrace_event neigh_drops[32];	/* recent ARP/ND drops */
	struct vmtrace_event solicits[32];	/* ARP/ND requests not answered yet */
	uint64_t dropped_events;
	struct vt_echo_done *done;	/* VT_ECHO_DONE, a ring, allocated with the buckets */
	uint32_t *done_buckets;		/* VT_ECHO_BUCKETS heads: index + 1, 0 empty */
	unsigned int done_next;
	uint64_t after_verdict;	/* events for an echo already decided, left out */
	uint64_t evicted;	/* undecided echoes dropped to make room: no verdict */
};

void vt_tracker_init(struct vt_tracker *t, const struct vt_vm *vm, uint64_t timeout_ns);
void vt_tracker_free(struct vt_tracker *t);
void vt_tracker_add(struct vt_tracker *t, const struct vmtrace_event *ev);
/* The tracked echo an echo request or reply belongs to, or NULL. */
const struct vt_echo *vt_tracker_find(const struct vt_tracker *t, const struct vmtrace_event *ev);
/* An echo we sent (@now_ns, kernel clock): decided even if no event ever shows it. */
void vt_tracker_expect(struct vt_tracker *t, int family, const uint8_t *dst, uint16_t id,
		       uint16_t seq, uint64_t now_ns, int send_err);
/*
 * Decide every echo that is settled (all of them if @final); @now_ns on the
 * kernel's clock. Verdicts are handed out in the order the echoes were
 * first seen: one decided early (a drop) waits for the older ones, at most
 * until they time out (timeout_ns + settle_ns after they were first seen).
 */
void vt_tracker_tick(struct vt_tracker *t, uint64_t now_ns, int final);
/*
 * After a tick at @now_ns: when vt_tracker_tick() may next decide an echo
 * (UINT64_MAX: none is pending).
 */
uint64_t vt_tracker_next_ns(const struct vt_tracker *t, uint64_t now_ns);
/* A drop that is not a loss: the ICMP layer took the packet. */
int vt_drop_is_benign(const struct vmtrace_event *ev);
const char *vt_status_name(enum vt_status s);

#endif /* VT_ECHO_H */
