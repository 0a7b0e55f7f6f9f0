/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Events as the lab records them, a VM to match them against, and a
 * verdict collector: shared by the tracker's and the verdicts' unit tests.
 */
#ifndef VT_TEST_TIMELINE_H
#define VT_TEST_TIMELINE_H

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "../../userspace/echo.h"
#include "lab_vm.h"

#define MS 1000000ULL

static struct vt_vm vm;
/* the tracker's decide hook in these tests: vt_decide(), or a stand-in */
static vt_decide_fn decide_with;

struct got {
	int n;
	enum vt_status status;
	char cause[32], hop_if[16], reason[32];
	int hop_point, hop_kind, via_neighbour, inferred;
	uint64_t rtt;
	unsigned int nev;
	int sorted;
};

static inline void on_verdict(const struct vt_echo *e, const struct vt_verdict *v, void *arg)
{
	struct got *g = arg;
	unsigned int i;

	g->n++;
	g->status = v->status;
	snprintf(g->cause, sizeof(g->cause), "%s", v->cause.id ? v->cause.id : "-");
	snprintf(g->hop_if, sizeof(g->hop_if), "%.15s", v->hop ? v->hop->ifname : "-");
	snprintf(g->reason, sizeof(g->reason), "%.31s", v->hop ? v->hop->reason : "");
	g->hop_point = v->hop ? v->hop->point : -1;
	g->hop_kind = v->hop ? v->hop->kind : -1;
	g->via_neighbour = v->via_neighbour;
	g->inferred = v->cause.inferred;
	g->rtt = v->rtt_ns;
	g->nev = e->nev;
	g->sorted = 1;
	for (i = 1; i < e->nev; i++)
		if (e->ev[i].ts_ns < e->ev[i - 1].ts_ns)
			g->sorted = 0;
}

static inline struct vmtrace_event ev(uint64_t ts, int kind, int point, const char *ifname, int ifindex)
{
	struct vmtrace_event e;
	int req = kind == VMTRACE_PKT_ECHO_REQUEST || kind == VMTRACE_PKT_ARP_REQUEST;

	memset(&e, 0, sizeof(e));
	e.ts_ns = ts;
	e.kind = (uint8_t)kind;
	e.point = (uint8_t)point;
	e.family = AF_INET;
	e.netns_cookie = 1;
	e.ifindex = ifindex;
	snprintf(e.ifname, sizeof(e.ifname), "%s", ifname);
	inet_pton(AF_INET, req ? "192.0.2.1" : "192.0.2.20", e.src);
	inet_pton(AF_INET, req ? "192.0.2.20" : "192.0.2.1", e.dst);
	e.icmp_id = 77;
	e.icmp_seq = 1;
	return e;
}

static inline struct vmtrace_event drop(struct vmtrace_event e, const char *reason, const char *loc)
{
	e.flags |= VMTRACE_EV_DROP;
	snprintf(e.reason, sizeof(e.reason), "%s", reason);
	snprintf(e.location, sizeof(e.location), "%s", loc);
	return e;
}

/* A tracker for the lab's VM with a 1 s timeout, reporting into @g. */
static inline void tracker_for(struct vt_tracker *t, struct got *g)
{
	memset(g, 0, sizeof(*g));
	vt_tracker_init(t, &vm, 1000 * MS);
	t->decide = decide_with;
	t->on_verdict = on_verdict;
	t->arg = g;
}

/* Feed @n events (in the order given), then tick at @now. */
static inline struct got run(const struct vmtrace_event *evs, int n, uint64_t now, int final)
{
	struct vt_tracker t;
	struct got g;
	int i;

	tracker_for(&t, &g);
	for (i = 0; i < n; i++)
		vt_tracker_add(&t, &evs[i]);
	vt_tracker_tick(&t, now, final);
	vt_tracker_free(&t);
	return g;
}

static inline void setup_vm(void)
{
	lab_vm(&vm);
}

#define REQ VMTRACE_PKT_ECHO_REQUEST
#define REP VMTRACE_PKT_ECHO_REPLY


#endif /* VT_TEST_TIMELINE_H */
