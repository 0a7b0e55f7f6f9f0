// SPDX-License-Identifier: GPL-2.0
/*
 * The tracker alone (echo.c, nothing else linked): grouping events into
 * echoes, the settle and timeout clock, verdicts in the order echoes were
 * first seen, the cap on tracked echoes, duplicate hops. Its decide hook
 * here is a stand-in whose answers the tests can predict.
 */
#include <stdlib.h>

#include "check.h"
#include "timeline.h"

/* replied once a reply is in, dropped at a drop, lost at the timeout */
static int fake_decide(const struct vt_tracker *t, const struct vt_echo *e, uint64_t now, int final,
		       struct vt_verdict *v)
{
	unsigned int i;

	if (now < e->last_ts + t->settle_ns && !final)
		return 0;
	memset(v, 0, sizeof(*v));
	for (i = 0; i < e->nev; i++) {
		v->hop = &e->ev[i];
		if (e->ev[i].kind == VMTRACE_PKT_ECHO_REPLY) {
			v->status = VT_REPLIED;
			return 1;
		}
		if (e->ev[i].flags & VMTRACE_EV_DROP) {
			v->status = VT_DROPPED;
			return 1;
		}
	}
	if (now < e->first_ts + t->timeout_ns && !final)
		return 0;
	v->status = VT_LOST_ON_HOST;
	return 1;
}

/* follow sleeps until vt_tracker_next_ns(): it must be the moment a verdict becomes due. */
static void test_next_due(void)
{
	struct vmtrace_event e[] = {
		ev(1000, REQ, VMTRACE_POINT_IP_OUTPUT, "br0", 2),
		ev(5000, REQ, VMTRACE_POINT_DEV_TX, "tap0", 4),
		ev(9000, REP, VMTRACE_POINT_DEV_RX, "tap0", 4),
	};
	struct vt_tracker t;
	struct got g;
	uint64_t due;

	tracker_for(&t, &g);
	CHECK(vt_tracker_next_ns(&t, 0) == UINT64_MAX, "nothing pending: nothing due");
	vt_tracker_add(&t, &e[0]);
	vt_tracker_add(&t, &e[1]);
	due = vt_tracker_next_ns(&t, 5000);
	CHECK(due == 5000 + t.settle_ns, "first due when the last event has settled: %llu",
	      (unsigned long long)due);
	vt_tracker_tick(&t, due, 0);
	CHECK(g.n == 0, "settled without a reply: not decided yet");
	due = vt_tracker_next_ns(&t, due);
	CHECK(due == 1000 + t.timeout_ns, "then due at the timeout: %llu", (unsigned long long)due);
	vt_tracker_tick(&t, due - 1, 0);
	CHECK(g.n == 0, "no verdict just before the timeout");
	vt_tracker_tick(&t, due, 0);
	CHECK(g.n == 1 && g.status == VT_LOST_ON_HOST && vt_tracker_next_ns(&t, due) == UINT64_MAX,
	      "decided at the timeout, nothing left: status %d", g.status);
	vt_tracker_free(&t);

	tracker_for(&t, &g);
	vt_tracker_add(&t, &e[0]);
	vt_tracker_add(&t, &e[2]);
	due = vt_tracker_next_ns(&t, 9000);
	vt_tracker_tick(&t, due, 0);
	CHECK(due == 9000 + t.settle_ns && g.n == 1 && g.status == VT_REPLIED,
	      "a replied echo is decided as soon as it settles: status %d", g.status);
	vt_tracker_free(&t);
}
/* An echo flood: never more than VT_ECHO_MAX echoes, the oldest evicted and counted. */
static void test_flood(void)
{
	const struct vt_echo *found;
	struct vmtrace_event e;
	struct vt_tracker t;
	struct got g;
	unsigned int i, total = VT_ECHO_MAX + 300;

	tracker_for(&t, &g);
	for (i = 0; i < total; i++) {
		e = ev(1000 + i, REQ, VMTRACE_POINT_DEV_TX, "tap0", 4);
		e.icmp_id = (uint16_t)(i >> 16);
		e.icmp_seq = (uint16_t)i;
		vt_tracker_add(&t, &e);
		if (t.n > VT_ECHO_MAX)
			break;
	}
	CHECK(t.n == VT_ECHO_MAX && t.evicted == total - VT_ECHO_MAX,
	      "flood of %u echoes: %u live, %llu evicted (cap %d)", total, t.n,
	      (unsigned long long)t.evicted, VT_ECHO_MAX);
	CHECK(t.oldest && t.oldest->seq == (uint16_t)(total - VT_ECHO_MAX) &&
	      t.newest && t.newest->seq == (uint16_t)(total - 1),
	      "the oldest were evicted: oldest seq %u", t.oldest ? t.oldest->seq : 0);

	/* lookup: a reply finds its request by (family, id, seq) and the addresses swapped */
	e = ev(5000, REP, VMTRACE_POINT_DEV_RX, "tap0", 4);
	e.icmp_id = 0;
	e.icmp_seq = (uint16_t)(total - 10);
	found = vt_tracker_find(&t, &e);
	CHECK(found && found->seq == e.icmp_seq && found->nev == 1,
	      "reply finds its request among %u echoes", t.n);
	vt_tracker_add(&t, &e);
	CHECK(found && found->nev == 2 && t.n == VT_ECHO_MAX && t.evicted == total - VT_ECHO_MAX,
	      "the reply joins its echo, nothing new tracked: nev %u n %u",
	      found ? found->nev : 0, t.n);
	e.icmp_seq = 0;
	CHECK(!vt_tracker_find(&t, &e), "an evicted echo is gone");
	e.icmp_seq = (uint16_t)(total - 10);
	e.icmp_id = 78;
	CHECK(!vt_tracker_find(&t, &e), "another id is another echo");
	e.icmp_id = 0;
	e.family = AF_INET6;
	CHECK(!vt_tracker_find(&t, &e), "another family is another echo");
	e = ev(5000, REP, VMTRACE_POINT_DEV_RX, "tap0", 4);
	e.icmp_id = 0;
	e.icmp_seq = (uint16_t)(total - 10);
	inet_pton(AF_INET, "192.0.2.99", e.src);
	CHECK(!vt_tracker_find(&t, &e), "a reply from another address is another echo");

	/* all of them decided in arrival order, nothing left */
	vt_tracker_tick(&t, 5000 + 2000 * MS, 0);
	CHECK(g.n == VT_ECHO_MAX && t.n == 0 && !t.oldest && !t.newest &&
	      vt_tracker_next_ns(&t, 0) == UINT64_MAX,
	      "flood decided: %d verdicts, %u left", g.n, t.n);
	vt_tracker_free(&t);
}
/* seq order: an echo dropped early waits for the older one's timeout, not printed before it */
struct order {
	int n;
	uint16_t seq[4];
	enum vt_status status[4];
	char reason[4][32];
};

static void on_order(const struct vt_echo *e, const struct vt_verdict *v, void *arg)
{
	struct order *o = arg;

	if (o->n < 4) {
		o->seq[o->n] = e->seq;
		o->status[o->n] = v->status;
		snprintf(o->reason[o->n], sizeof(o->reason[0]), "%.31s", v->hop ? v->hop->reason : "");
	}
	o->n++;
}

static void test_seq_order(void)
{
	struct vmtrace_event e1 = ev(1000, REQ, VMTRACE_POINT_DEV_TX, "tap0", 4);
	struct vmtrace_event e2 = drop(ev(200 * MS, REQ, VMTRACE_POINT_SKB_DROP, "tap0", 4),
				       "FULL_RING", "tun_net_xmit+0x2c5");
	struct vmtrace_event late = drop(ev(300 * MS, REQ, VMTRACE_POINT_SKB_DROP, "br0", 2),
					 "NETFILTER_DROP", "nf_hook_slow+0x44");
	struct vt_tracker t;
	struct order o;

	memset(&o, 0, sizeof(o));
	vt_tracker_init(&t, &vm, 1000 * MS);
	t.decide = decide_with;
	t.on_verdict = on_order;
	t.arg = &o;
	e2.icmp_seq = 2;
	vt_tracker_add(&t, &e1);
	vt_tracker_add(&t, &e2);
	vt_tracker_tick(&t, 500 * MS, 0);
	CHECK(o.n == 0, "seq 2's drop is decided, and waits for seq 1: %d verdicts", o.n);
	CHECK(vt_tracker_next_ns(&t, 500 * MS) == 1000 + t.timeout_ns,
	      "next due: seq 1's timeout, not the held verdict");
	/* an event for the held echo after its verdict leaves the verdict as it was */
	late.icmp_seq = 2;
	vt_tracker_add(&t, &late);
	vt_tracker_tick(&t, 1000 + t.timeout_ns, 0);
	CHECK(o.n == 2 && o.seq[0] == 1 && o.seq[1] == 2, "in seq order: %d verdicts, seq %u then %u",
	      o.n, o.seq[0], o.seq[1]);
	CHECK(o.status[0] == VT_LOST_ON_HOST && o.status[1] == VT_DROPPED && !strcmp(o.reason[1], "FULL_RING"),
	      "seq 1 lost, seq 2 dropped at the ring as decided: %d %d %s", o.status[0], o.status[1],
	      o.reason[1]);
	CHECK(t.n == 0 && vt_tracker_next_ns(&t, 0) == UINT64_MAX, "nothing left");
	vt_tracker_free(&t);
}
/* Verdicts held behind an undecided echo come out when a flood evicts it, none lost. */
static void test_evict_held(void)
{
	struct vmtrace_event e;
	struct vt_tracker t;
	struct got g;
	unsigned int i;

	tracker_for(&t, &g);
	e = ev(1000, REQ, VMTRACE_POINT_DEV_TX, "tap0", 4);
	e.icmp_seq = 0;
	vt_tracker_add(&t, &e);			/* never answered */
	for (i = 1; i < VT_ECHO_MAX; i++) {	/* answered, held behind it */
		e = ev(1000 + i, REQ, VMTRACE_POINT_DEV_TX, "tap0", 4);
		e.icmp_seq = (uint16_t)i;
		vt_tracker_add(&t, &e);
		e = ev(2000 + i, REP, VMTRACE_POINT_DEV_RX, "tap0", 4);
		e.icmp_seq = (uint16_t)i;
		vt_tracker_add(&t, &e);
	}
	vt_tracker_tick(&t, 200 * MS, 0);
	CHECK(g.n == 0 && t.n == VT_ECHO_MAX, "all held behind seq 0: %d verdicts, %u tracked", g.n, t.n);
	for (i = 0; i < 2; i++) {
		e = ev(300 * MS + i, REQ, VMTRACE_POINT_DEV_TX, "tap0", 4);
		e.icmp_seq = (uint16_t)(VT_ECHO_MAX + i);
		vt_tracker_add(&t, &e);
	}
	CHECK(g.n == VT_ECHO_MAX - 1 && t.evicted == 1 && t.n == 2,
	      "seq 0 evicted, the %d held verdicts out, none evicted: %d verdicts, %llu evicted, %u left",
	      VT_ECHO_MAX - 1, g.n, (unsigned long long)t.evicted, t.n);
	vt_tracker_free(&t);
}
/*
 * An echo's copy freed after its verdict is out (a clone queued on the lower
 * device, freed a second later): no second echo, no second verdict; the same
 * id and seq much later is a new echo.
 */
static void test_late_event(void)
{
	struct vmtrace_event e = ev(1000, REQ, VMTRACE_POINT_DEV_TX, "tap0", 4);
	struct vt_tracker t;
	struct got g;

	tracker_for(&t, &g);
	vt_tracker_add(&t, &e);
	vt_tracker_tick(&t, 1000 + t.timeout_ns, 0);
	CHECK(g.n == 1 && t.n == 0, "decided and handed out: %d verdicts, %u left", g.n, t.n);
	e = ev(1000 + t.timeout_ns + 4 * MS, REQ, VMTRACE_POINT_SKB_CONSUME, "tap0", 4);
	vt_tracker_add(&t, &e);
	vt_tracker_tick(&t, 1000 + 3 * t.timeout_ns, 1);
	CHECK(g.n == 1 && t.n == 0 && t.after_verdict == 1, "late copy left out: %d verdicts, %llu after verdict",
	      g.n, (unsigned long long)t.after_verdict);
	/* handed out at 1000 + timeout: seconds after that, the same id and seq are another echo */
	e = ev(1000 + t.timeout_ns + VT_ECHO_LATE_NS + MS, REQ, VMTRACE_POINT_DEV_TX, "tap0", 4);
	vt_tracker_add(&t, &e);
	vt_tracker_tick(&t, 1000 + VT_ECHO_LATE_NS + 3 * t.timeout_ns, 1);
	CHECK(g.n == 2, "the same id and seq seconds later is a new echo: %d verdicts", g.n);
	vt_tracker_free(&t);

	/* our own probe, decided unseen (its source unknown): its late hop is still its own */
	tracker_for(&t, &g);
	vt_tracker_expect(&t, AF_INET, vm.addrs[0].addr, 7, 1, 1000, 0);
	vt_tracker_tick(&t, 1000 + t.timeout_ns + t.settle_ns, 0);
	e = ev(1000 + t.timeout_ns + t.settle_ns + MS, REQ, VMTRACE_POINT_DEV_TX, "tap0", 4);
	e.icmp_id = 7;
	e.icmp_seq = 1;
	memcpy(e.dst, vm.addrs[0].addr, 4);
	vt_tracker_add(&t, &e);
	vt_tracker_tick(&t, 1000 + 3 * t.timeout_ns, 1);
	CHECK(g.n == 1 && t.after_verdict == 1, "a probe's late hop: %d verdicts, %llu after verdict", g.n,
	      (unsigned long long)t.after_verdict);
	vt_tracker_free(&t);
}

/*
 * A flood evicts the oldest undecided echo: its late hops do not come back
 * as a new echo either, and a flood's worth of echoes stays recognisable.
 */
static void test_late_after_evict(void)
{
	struct vmtrace_event e;
	struct vt_tracker t;
	struct got g;
	unsigned int i;

	tracker_for(&t, &g);
	for (i = 0; i <= VT_ECHO_MAX; i++) {
		e = ev(1000 + i, REQ, VMTRACE_POINT_DEV_TX, "tap0", 4);
		e.icmp_seq = (uint16_t)i;
		vt_tracker_add(&t, &e);
	}
	CHECK(t.evicted == 1 && t.n == VT_ECHO_MAX, "seq 0 evicted: %llu, %u tracked",
	      (unsigned long long)t.evicted, t.n);
	e = ev(2 * MS, REQ, VMTRACE_POINT_SKB_DROP, "tap0", 4);
	e.icmp_seq = 0;
	vt_tracker_add(&t, &e);
	CHECK(t.n == VT_ECHO_MAX && t.after_verdict == 1, "seq 0's late hop left out: %u tracked, %llu after",
	      t.n, (unsigned long long)t.after_verdict);
	vt_tracker_free(&t);
}

/* Two sessions deliver one hop twice (follow moving to a VM's new tap): it counts once. */
static void test_same_hop_twice(void)
{
	struct vmtrace_event e[] = {
		ev(1000, REQ, VMTRACE_POINT_DEV_TX, "tap0", 4),
		ev(1000, REQ, VMTRACE_POINT_DEV_TX, "tap0", 4),
		ev(1000, REQ, VMTRACE_POINT_IP_OUTPUT, "br0", 2),
		ev(3000, REP, VMTRACE_POINT_DEV_RX, "tap0", 4),
		ev(3000, REP, VMTRACE_POINT_DEV_RX, "tap0", 4),
	};
	struct got g = run(e, 5, 2000 * MS, 0);

	CHECK(g.n == 1 && g.status == VT_REPLIED && g.nev == 3, "duplicates left out: %d verdicts, %u events",
	      g.n, g.nev);
}

int main(void)
{
	setup_vm();
	decide_with = fake_decide;
	test_next_due();
	test_flood();
	test_seq_order();
	test_evict_held();
	test_same_hop_twice();
	test_late_event();
	test_late_after_evict();
	printf("tracker: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
