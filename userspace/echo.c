// SPDX-License-Identifier: GPL-2.0
/*
 * An echo is (family, id, seq, requester, target): its request and reply
 * share it with the addresses swapped. Events arrive per CPU, not in time
 * order, so an echo is decided only once it has been quiet for a while.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"
#include "echo.h"

const char *vt_status_name(enum vt_status s)
{
	static const char *const names[] = {
		[VT_REPLIED] = "replied", [VT_DROPPED] = "dropped", [VT_LOST_IN_VM] = "lost-in-vm",
		[VT_LOST_ON_HOST] = "lost-on-host", [VT_WRONG_VM] = "wrong-vm", [VT_UNSEEN] = "unseen",
	};

	return names[s];
}

void vt_tracker_init(struct vt_tracker *t, const struct vt_vm *vm, uint64_t timeout_ns)
{
	memset(t, 0, sizeof(*t));
	t->vm = vm;
	t->timeout_ns = timeout_ns;
	t->settle_ns = 150000000ULL;
}

void vt_tracker_free(struct vt_tracker *t)
{
	struct vt_echo *e, *next;

	for (e = t->oldest; e; e = next) {
		next = e->newer;
		free(e);
	}
	free(t->buckets);
	free(t->done);
	free(t->done_buckets);
	t->buckets = NULL;
	t->done = NULL;
	t->done_buckets = NULL;
	t->done_next = 0;
	t->oldest = t->newest = NULL;
	t->n = 0;
}

int vt_drop_is_benign(const struct vmtrace_event *ev)
{
	/*
	 * A raw ping socket gets its copy of a reply, then icmp_rcv frees the
	 * original with NO_SOCKET; icmpv6_rcv frees every echo it handled with
	 * kfree_skb. Both are deliveries.
	 */
	return !strncmp(ev->location, "icmp_rcv+", 9) || !strncmp(ev->location, "icmpv6_rcv+", 11) ||
	       !strncmp(ev->location, "ping_rcv+", 9);
}

static int is_echo(const struct vmtrace_event *ev)
{
	return ev->kind == VMTRACE_PKT_ECHO_REQUEST || ev->kind == VMTRACE_PKT_ECHO_REPLY;
}

static unsigned int bucket_of(int family, uint16_t id, uint16_t seq)
{
	uint32_t h = ((uint32_t)id << 16 | seq) ^ (uint32_t)family;

	h *= 0x9e3779b1u;	/* Fibonacci hashing: the high bits mix id and seq */
	return h >> (32 - 12);
}

_Static_assert(VT_ECHO_BUCKETS == 1 << 12, "bucket_of() takes 12 bits");

/* The request's addresses of the echo @ev belongs to. */
static void echo_key(const struct vmtrace_event *ev, const uint8_t **src, const uint8_t **dst)
{
	int req = ev->kind == VMTRACE_PKT_ECHO_REQUEST;

	*src = req ? ev->src : ev->dst;
	*dst = req ? ev->dst : ev->src;
}

static struct vt_echo *lookup(const struct vt_tracker *t, const struct vmtrace_event *ev)
{
	const uint8_t *src, *dst;
	struct vt_echo *e;

	if (!t->buckets)
		return NULL;
	echo_key(ev, &src, &dst);
	/* newest first: an event almost always belongs to one of the last echoes */
	for (e = t->buckets[bucket_of(ev->family, ev->icmp_id, ev->icmp_seq)]; e; e = e->hnext) {
		if (e->family != ev->family || e->id != ev->icmp_id || e->seq != ev->icmp_seq ||
		    memcmp(e->dst, dst, vt_addr_len(e->family)))
			continue;
		/* our own probe: the kernel chooses its source */
		if ((e->sent && !e->nev) || !memcmp(e->src, src, vt_addr_len(e->family)))
			return e;
	}
	return NULL;
}

const struct vt_echo *vt_tracker_find(const struct vt_tracker *t, const struct vmtrace_event *ev)
{
	return is_echo(ev) ? lookup(t, ev) : NULL;
}

/* Take @e out of the tracker; the caller frees it. */
static void unlink_echo(struct vt_tracker *t, struct vt_echo *e)
{
	struct vt_echo **pp = &t->buckets[bucket_of(e->family, e->id, e->seq)];

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	if (e->older)
		e->older->newer = e->newer;
	else
		t->oldest = e->newer;
	if (e->newer)
		e->newer->older = e->older;
	else
		t->newest = e->older;
	t->n--;
}

/* Remember @e, handed out or evicted at @now_ns, in the oldest slot of the ring. */
static void remember_gone(struct vt_tracker *t, const struct vt_echo *e, uint64_t now_ns)
{
	uint32_t i = t->done_next++ % VT_ECHO_DONE, *pp;
	struct vt_echo_done *d = &t->done[i];

	if (t->done_next > VT_ECHO_DONE) {	/* the slot holds an older one: unhook it */
		for (pp = &t->done_buckets[bucket_of(d->family, d->id, d->seq)]; *pp && *pp != i + 1;
		     pp = &t->done[*pp - 1].hnext)
			;
		if (*pp)
			*pp = d->hnext;
	}
	d->family = e->family;
	d->id = e->id;
	d->seq = e->seq;
	memcpy(d->src, e->src, sizeof(d->src));
	memcpy(d->dst, e->dst, sizeof(d->dst));
	d->any_src = e->sent && !e->nev;
	d->gone_ns = now_ns;
	pp = &t->done_buckets[bucket_of(e->family, e->id, e->seq)];
	d->hnext = *pp;
	*pp = i + 1;
}

/* Hand out the verdicts at the head: decided, with no undecided echo before them. */
static void emit_decided(struct vt_tracker *t, uint64_t now_ns)
{
	struct vt_echo *e, *next;

	for (e = t->oldest; e && e->decided; e = next) {
		next = e->newer;
		t->on_verdict(e, &e->verdict, t->arg);
		remember_gone(t, e, now_ns);
		unlink_echo(t, e);
		free(e);
	}
}

/*
 * @ev belongs to an echo already handed out: a copy freed late (a queued
 * clone, a neighbour queue flushed), a second session's delivery. It must
 * not open a second echo with a second verdict.
 */
static int handed_out(const struct vt_tracker *t, const struct vmtrace_event *ev)
{
	size_t n = vt_addr_len(ev->family);
	const uint8_t *src, *dst;
	uint32_t i;

	if (!t->done_buckets)
		return 0;
	echo_key(ev, &src, &dst);
	for (i = t->done_buckets[bucket_of(ev->family, ev->icmp_id, ev->icmp_seq)]; i; i = t->done[i - 1].hnext) {
		const struct vt_echo_done *d = &t->done[i - 1];

		if (d->family == ev->family && d->id == ev->icmp_id && d->seq == ev->icmp_seq &&
		    !memcmp(d->dst, dst, n) && (d->any_src || !memcmp(d->src, src, n)) &&
		    (ev->ts_ns > d->gone_ns ? ev->ts_ns - d->gone_ns : d->gone_ns - ev->ts_ns) < VT_ECHO_LATE_NS)
			return 1;
	}
	return 0;
}

static struct vt_echo *find_or_add(struct vt_tracker *t, const struct vmtrace_event *ev)
{
	struct vt_echo *e = lookup(t, ev), **head;
	const uint8_t *src, *dst;

	echo_key(ev, &src, &dst);
	if (e) {
		if (e->sent && !e->nev)
			memcpy(e->src, src, vt_addr_len(e->family));
		return e;
	}
	if (!t->buckets) {
		t->buckets = calloc(VT_ECHO_BUCKETS, sizeof(*t->buckets));
		t->done = calloc(VT_ECHO_DONE, sizeof(*t->done));
		t->done_buckets = calloc(VT_ECHO_BUCKETS, sizeof(*t->done_buckets));
		if (!t->buckets || !t->done || !t->done_buckets) {
			vt_tracker_free(t);
			return NULL;
		}
	}
	if (t->n >= VT_ECHO_MAX) {
		/* a flood: the oldest undecided echo makes room, and is counted */
		e = t->oldest;
		remember_gone(t, e, ev->ts_ns);
		unlink_echo(t, e);
		free(e);
		t->evicted++;
		/* the verdicts held behind it are out of order no more */
		emit_decided(t, ev->ts_ns);
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->family = ev->family;
	e->id = ev->icmp_id;
	e->seq = ev->icmp_seq;
	memcpy(e->src, src, vt_addr_len(e->family));
	memcpy(e->dst, dst, vt_addr_len(e->family));
	e->first_ts = ev->ts_ns;
	head = &t->buckets[bucket_of(e->family, e->id, e->seq)];
	e->hnext = *head;
	*head = e;
	e->older = t->newest;
	if (t->newest)
		t->newest->newer = e;
	else
		t->oldest = e;
	t->newest = e;
	t->n++;
	return e;
}

void vt_tracker_expect(struct vt_tracker *t, int family, const uint8_t *dst, uint16_t id,
		       uint16_t seq, uint64_t now_ns, int send_err)
{
	struct vmtrace_event ev;
	struct vt_echo *e;

	memset(&ev, 0, sizeof(ev));
	ev.family = (uint8_t)family;
	ev.kind = VMTRACE_PKT_ECHO_REQUEST;
	ev.icmp_id = id;
	ev.icmp_seq = seq;
	ev.ts_ns = now_ns;
	memcpy(ev.dst, dst, vt_addr_len(family));
	e = find_or_add(t, &ev);
	if (!e)
		return;
	e->sent = 1;
	e->send_err = send_err;
	e->last_ts = now_ns;
}

static void remember_neigh_drop(struct vt_tracker *t, const struct vmtrace_event *ev)
{
	if (!(ev->flags & VMTRACE_EV_DROP) || vt_drop_is_benign(ev))
		return;
	/* multicast solicitations are dropped by every host they are not for */
	if (ev->kind == VMTRACE_PKT_NEIGH_SOLICIT && !strncmp(ev->location, "ip6_mc_input", 12))
		return;
	if (t->nneigh == sizeof(t->neigh_drops) / sizeof(t->neigh_drops[0])) {
		memmove(&t->neigh_drops[0], &t->neigh_drops[1],
			sizeof(t->neigh_drops) - sizeof(t->neigh_drops[0]));
		t->nneigh--;
	}
	t->neigh_drops[t->nneigh++] = *ev;
}

/* Keep the last request per target; an answer from the target clears it. */
static void remember_solicit(struct vt_tracker *t, const struct vmtrace_event *ev)
{
	size_t n = vt_addr_len(ev->family);
	unsigned int i;

	if (ev->flags & VMTRACE_EV_DROP)
		return;
	if (ev->kind == VMTRACE_PKT_ARP_REPLY || ev->kind == VMTRACE_PKT_NEIGH_ADVERT) {
		/* ARP reply: sender is the target asked for; NA: dst carries the target */
		const uint8_t *who = ev->kind == VMTRACE_PKT_ARP_REPLY ? ev->src : ev->dst;

		for (i = 0; i < t->nsolicit; )
			if (t->solicits[i].family == ev->family && !memcmp(t->solicits[i].dst, who, n))
				t->solicits[i] = t->solicits[--t->nsolicit];
			else
				i++;
		return;
	}
	if (ev->kind != VMTRACE_PKT_ARP_REQUEST && ev->kind != VMTRACE_PKT_NEIGH_SOLICIT)
		return;
	for (i = 0; i < t->nsolicit; i++) {
		struct vmtrace_event *old = &t->solicits[i];
		uint16_t tci = old->vlan_tci;
		int tagged = old->flags & VMTRACE_EV_VLAN;

		if (old->family != ev->family || memcmp(old->dst, ev->dst, n))
			continue;
		/* the receiving device clears the tag it could not use: keep it */
		tagged = tagged && old->ifindex == ev->ifindex && old->netns_cookie == ev->netns_cookie &&
			 !(ev->flags & VMTRACE_EV_VLAN);
		*old = *ev;
		if (tagged) {
			old->flags |= VMTRACE_EV_VLAN;
			old->vlan_tci = tci;
		}
		return;
	}
	if (t->nsolicit < sizeof(t->solicits) / sizeof(t->solicits[0]))
		t->solicits[t->nsolicit++] = *ev;
}

static int same_hop(const struct vmtrace_event *a, const struct vmtrace_event *b)
{
	return a->ts_ns == b->ts_ns && a->ifindex == b->ifindex && a->netns_cookie == b->netns_cookie &&
	       a->point == b->point && a->kind == b->kind && a->skb_tag == b->skb_tag;
}

void vt_tracker_add(struct vt_tracker *t, const struct vmtrace_event *ev)
{
	struct vt_echo *e;
	unsigned int i, j;

	if (!is_echo(ev)) {
		remember_neigh_drop(t, ev);
		remember_solicit(t, ev);
		return;
	}
	if (!lookup(t, ev) && handed_out(t, ev)) {
		t->after_verdict++;
		return;
	}
	e = find_or_add(t, ev);
	if (!e || e->nev == VT_ECHO_EVENTS) {
		t->dropped_events++;
		return;
	}
	if (e->decided) {	/* its verdict waits for older echoes, as it was decided */
		t->after_verdict++;
		return;
	}
	/* insertion sort: events come nearly in order */
	for (i = e->nev; i > 0 && e->ev[i - 1].ts_ns > ev->ts_ns; i--)
		e->ev[i] = e->ev[i - 1];
	/*
	 * The same hop twice: two sessions overlapping while follow moves to a
	 * VM's new interfaces both deliver it. Same time, place and packet.
	 */
	for (j = i; j > 0 && e->ev[j - 1].ts_ns == ev->ts_ns; j--)
		if (same_hop(&e->ev[j - 1], ev)) {
			for (; i < e->nev; i++)	/* undo the shift */
				e->ev[i] = e->ev[i + 1];
			return;
		}
	e->ev[i] = *ev;
	e->nev++;
	if (ev->ts_ns < e->first_ts || (e->sent && e->nev == 1))
		e->first_ts = ev->ts_ns;
	if (ev->ts_ns > e->last_ts)
		e->last_ts = ev->ts_ns;
}

uint64_t vt_tracker_next_ns(const struct vt_tracker *t, uint64_t now_ns)
{
	uint64_t next = UINT64_MAX, due;
	const struct vt_echo *e;

	for (e = t->oldest; e; e = e->newer) {
		if (e->decided)		/* waits for an older one, which is due first */
			continue;
		/* decide() waits for an echo to settle; a settled one still here waits for its timeout */
		due = e->last_ts + t->settle_ns;
		if (due <= now_ns)
			due = e->first_ts + t->timeout_ns;
		if (due < next)
			next = due;
	}
	return next;
}

void vt_tracker_tick(struct vt_tracker *t, uint64_t now_ns, int final)
{
	struct vt_echo *e;

	for (e = t->oldest; e; e = e->newer) {
		if (e->decided || !t->decide || !t->decide(t, e, now_ns, final, &e->verdict))
			continue;
		e->decided = 1;
		/* the hop may be a neighbour drop in the tracker's ring, reused meanwhile */
		if (e->verdict.hop) {
			e->hop = *e->verdict.hop;
			e->verdict.hop = &e->hop;
		}
	}
	emit_decided(t, now_ns);
}
