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
#include "format.h"

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
	t->buckets = NULL;
	t->oldest = t->newest = NULL;
	t->n = 0;
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

/* Hand out the verdicts at the head: decided, with no undecided echo before them. */
static void emit_decided(struct vt_tracker *t)
{
	struct vt_echo *e, *next;

	for (e = t->oldest; e && e->decided; e = next) {
		next = e->newer;
		t->on_verdict(e, &e->verdict, t->arg);
		unlink_echo(t, e);
		free(e);
	}
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
		if (!t->buckets)
			return NULL;
	}
	if (t->n >= VT_ECHO_MAX) {
		/* a flood: the oldest undecided echo makes room, and is counted */
		e = t->oldest;
		unlink_echo(t, e);
		free(e);
		t->evicted++;
		/* the verdicts held behind it are out of order no more */
		emit_decided(t);
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

const struct vt_path_elem *vt_vm_elem(const struct vt_vm *vm, const struct vmtrace_event *ev)
{
	unsigned int i;

	for (i = 0; vm && i < vm->npath; i++)
		if (vm->path[i].ifindex == ev->ifindex && vm->path[i].netns_cookie == ev->netns_cookie)
			return &vm->path[i];
	return NULL;
}

static int vm_has_addr(const struct vt_vm *vm, int family, const uint8_t *a)
{
	unsigned int i;

	for (i = 0; vm && i < vm->naddrs; i++)
		if (vm->addrs[i].family == family && !memcmp(vm->addrs[i].addr, a, vt_addr_len(family)))
			return 1;
	return 0;
}

/* Did the VM get a request meant for it? Inside its namespace, or taken by its tap's reader. */
/* The VM's own NIC is on the path (a namespace VM), not only the host's side. */
static int traces_inside(const struct vt_vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->npath; i++)
		if (vm->path[i].role == VT_ROLE_VM)
			return 1;
	return 0;
}

static int handed_to_vm(const struct vt_vm *vm, const struct vmtrace_event *ev)
{
	const struct vt_path_elem *el = vt_vm_elem(vm, ev);

	if (!el || ev->kind != VMTRACE_PKT_ECHO_REQUEST || (ev->flags & VMTRACE_EV_DROP) ||
	    !vm_has_addr(vm, ev->family, ev->dst))
		return 0;
	if (el->role == VT_ROLE_VM)
		return 1;
	if (el->role != VT_ROLE_PORT)
		return 0;
	/* taken off the tap (or macvtap) by QEMU's reader */
	if (ev->point == VMTRACE_POINT_SKB_CONSUME && (!strcmp(el->kind, "tap") || !strcmp(el->kind, "macvtap")))
		return 1;
	/* sent into a container's veth whose inside vmtrace does not trace (pve:CTID) */
	return ev->point == VMTRACE_POINT_DEV_TX && !strcmp(el->kind, "veth") && !traces_inside(vm);
}

static const struct vmtrace_event *neigh_drop_for(const struct vt_tracker *t,
						  const struct vt_echo *e)
{
	unsigned int i;

	/* the ARP/ND for the echo's target, or any on the path while it waited */
	for (i = t->nneigh; i--; )
		if (t->neigh_drops[i].family == e->family &&
		    !memcmp(t->neigh_drops[i].dst, e->dst, vt_addr_len(e->family)))
			return &t->neigh_drops[i];
	for (i = t->nneigh; i--; )
		if (t->neigh_drops[i].ts_ns + 5000000000ULL >= e->first_ts)
			return &t->neigh_drops[i];
	return NULL;
}

/*
 * Handed to the VM's tap and never taken by its reader: it sits in the
 * tap's ring (or was dropped with it): the VM is not reading.
 */
static void queued_on_tap(const struct vt_vm *vm, const struct vmtrace_event *last,
			  struct vt_cause *c)
{
	const struct vt_path_elem *el = last ? vt_vm_elem(vm, last) : NULL;

	if (!el || el->role != VT_ROLE_PORT || strcmp(el->kind, "tap") ||
	    last->point != VMTRACE_POINT_DEV_TX)
		return;
	c->id = "vm-not-reading";
	c->inferred = 1;
	snprintf(c->explain, sizeof(c->explain),
		 "queued to tap %s and never taken by its reader: the guest is not draining its virtio-net RX queue (VM paused, hung or out of buffers)",
		 el->ifname);
	snprintf(c->check, sizeof(c->check), "ip -s link show %s; virsh domstate / qm status", el->ifname);
}

static int starts_neigh(const struct vmtrace_event *ev)
{
	return !strncmp(ev->reason, "NEIGH_", 6);
}

static const struct vmtrace_event *unanswered_for(const struct vt_tracker *t,
						  const struct vt_echo *e)
{
	unsigned int i;

	for (i = 0; i < t->nsolicit; i++)
		if (t->solicits[i].family == e->family &&
		    !memcmp(t->solicits[i].dst, e->dst, vt_addr_len(e->family)) &&
		    t->solicits[i].ts_ns + 1000000000ULL >= e->first_ts)
			return &t->solicits[i];
	return NULL;
}

static void cause_for(const struct vt_tracker *t, const struct vmtrace_event *ev,
		      struct vt_verdict *v)
{
	const struct vt_path_elem *el = vt_vm_elem(t->vm, ev);

	vt_cause_of(ev, t->env, &v->cause);
	if (el && el->role == VT_ROLE_VM) {
		/* a VM in a namespace shares our kernel: the drop is the guest's own */
		char inside[sizeof(v->cause.explain)];

		snprintf(inside, sizeof(inside), "inside the VM (netns %.40s): %.330s", el->netns,
			 v->cause.explain);
		memcpy(v->cause.explain, inside, sizeof(inside));
	}
}

static void unanswered_cause(const struct vt_tracker *t, const struct vt_echo *e,
			     const struct vmtrace_event *req, struct vt_verdict *v)
{
	vt_cause_unanswered(req, e->dst, t->env, &v->cause);
}

static enum vt_role role_of(const struct vt_vm *vm, const struct vmtrace_event *ev)
{
	const struct vt_path_elem *el = vt_vm_elem(vm, ev);

	return el ? el->role : VT_ROLE_BRIDGE;
}

/*
 * An echo to the VM that went out of another VM's port and never out of
 * its own (the bridge's FDB put its MAC elsewhere), or a reply that came in
 * through another VM's port (someone else has its address).
 */
static const struct vmtrace_event *wrong_vm(const struct vt_tracker *t, const struct vt_echo *e,
					    int *request)
{
	const struct vmtrace_event *other = NULL;
	unsigned int i;

	if (!vm_has_addr(t->vm, e->family, e->dst))
		return NULL;
	for (i = 0; i < e->nev; i++) {
		const struct vmtrace_event *ev = &e->ev[i];
		enum vt_role role = role_of(t->vm, ev);

		if (ev->kind == VMTRACE_PKT_ECHO_REPLY) {
			if (ev->point != VMTRACE_POINT_DEV_RX)
				continue;
			if (role == VT_ROLE_NEIGHBOUR) {
				*request = 0;
				return ev;
			}
			if (role == VT_ROLE_PORT || role == VT_ROLE_VM)
				return NULL;	/* its first way in was the VM's own */
			continue;
		}
		if (ev->point != VMTRACE_POINT_DEV_TX && ev->point != VMTRACE_POINT_SKB_CONSUME)
			continue;
		if (role == VT_ROLE_PORT || role == VT_ROLE_VM)
			return NULL;
		if (role == VT_ROLE_NEIGHBOUR && !other)
			other = ev;
	}
	*request = 1;
	return other;
}

/*
 * The echo left the host through the lower device of the VM's macvtap or
 * macvlan, and never came to the port itself: the host's own stack on the
 * lower device cannot reach the macvtaps on it.
 */
static const struct vmtrace_event *into_lower(const struct vt_vm *vm, const struct vt_echo *e)
{
	const struct vmtrace_event *out = NULL;
	unsigned int i;

	for (i = 0; i < e->nev; i++) {
		const struct vmtrace_event *ev = &e->ev[i];
		const struct vt_path_elem *el = vt_vm_elem(vm, ev);

		if (ev->kind != VMTRACE_PKT_ECHO_REQUEST || !el)
			continue;
		if (el->role == VT_ROLE_PORT || el->role == VT_ROLE_VM)
			return NULL;
		if (el->role == VT_ROLE_LOWER && (ev->point == VMTRACE_POINT_IP_OUTPUT ||
						  ev->point == VMTRACE_POINT_IP_POSTROUTING ||
						  ev->point == VMTRACE_POINT_DEV_TX))
			out = ev;
	}
	return out;
}

static int decide(const struct vt_tracker *t, const struct vt_echo *e, uint64_t now,
		  int final, struct vt_verdict *v)
{
	const struct vmtrace_event *first_req = NULL, *last_req = NULL, *last_rep = NULL;
	const struct vmtrace_event *drop = NULL, *handed = NULL, *nd;
	int settled = now >= e->last_ts + t->settle_ns;
	int timed_out = now >= e->first_ts + t->timeout_ns;
	unsigned int i;
	int request;

	if (!settled && !final)
		return 0;
	memset(v, 0, sizeof(*v));
	for (i = 0; i < e->nev; i++) {
		const struct vmtrace_event *ev = &e->ev[i];

		if (ev->kind == VMTRACE_PKT_ECHO_REQUEST) {
			if (!first_req)
				first_req = ev;
			last_req = ev;
			if (!handed && handed_to_vm(t->vm, ev))
				handed = ev;
		} else {
			last_rep = ev;
		}
		if (!drop && (ev->flags & VMTRACE_EV_DROP) && !vt_drop_is_benign(ev))
			drop = ev;
	}
	if (drop) {
		v->status = VT_DROPPED;
		v->hop = drop;
		if (starts_neigh(drop) && into_lower(t->vm, e)) {
			/* its ARP/ND on the lower device was never answered: the macvtap cannot hear it */
			vt_cause_macvtap_host(t->vm, drop, e->family, e->dst, &v->cause);
			return 1;
		}
		if (starts_neigh(drop)) {
			/* died in the neighbour queue: say why its ARP/ND failed */
			nd = neigh_drop_for(t, e);
			if (nd) {
				v->hop = nd;
				v->via_neighbour = 1;
			} else if ((nd = unanswered_for(t, e))) {
				v->hop = nd;
				v->via_neighbour = 1;
				unanswered_cause(t, e, nd, v);
				return 1;
			}
		}
		cause_for(t, v->hop, v);
		return 1;
	}
	if (last_rep && (nd = wrong_vm(t, e, &request)) && !request) {
		v->status = VT_WRONG_VM;
		v->hop = nd;
		vt_cause_wrong_vm(nd, 0, t->env, &v->cause);
		return 1;
	}
	if (last_rep) {
		v->status = first_req ? VT_REPLIED : VT_UNSEEN;
		v->hop = last_rep;
		if (first_req)
			v->rtt_ns = last_rep->ts_ns - first_req->ts_ns;
		else
			vt_cause_unseen(e->family, e->src, e->dst, &v->cause);
		return 1;
	}
	if (!timed_out && !final)
		return 0;
	if ((nd = wrong_vm(t, e, &request)) && request && vt_cause_wrong_vm(nd, 1, t->env, &v->cause)) {
		v->status = VT_WRONG_VM;
		v->hop = nd;
		return 1;
	}
	if (handed) {
		v->status = VT_LOST_IN_VM;
		v->hop = handed;
		vt_cause_guest(handed->ifname, &v->cause);
		return 1;
	}
	nd = neigh_drop_for(t, e);
	if (nd) {
		v->status = VT_DROPPED;
		v->hop = nd;
		v->via_neighbour = 1;
		cause_for(t, nd, v);
		return 1;
	}
	v->status = VT_LOST_ON_HOST;
	v->hop = last_req;
	if ((nd = into_lower(t->vm, e))) {
		v->hop = nd;
		vt_cause_macvtap_host(t->vm, nd, e->family, e->dst, &v->cause);
		return 1;
	}
	nd = unanswered_for(t, e);
	if (nd) {
		/* waiting in the neighbour queue for an answer that never came */
		v->hop = nd;
		v->via_neighbour = 1;
		unanswered_cause(t, e, nd, v);
		return 1;
	}
	queued_on_tap(t->vm, last_req, &v->cause);
	if (!v->cause.id)
		vt_cause_lost(last_req, e->family, e->src, e->dst, e->id, e->send_err, t->env, &v->cause);
	return 1;
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

	/* every verdict of this tick reads the host as it is now, once */
	if (t->env)
		vt_env_forget(t->env);
	for (e = t->oldest; e; e = e->newer) {
		if (e->decided || !decide(t, e, now_ns, final, &e->verdict))
			continue;
		e->decided = 1;
		/* the hop may be a neighbour drop in the tracker's ring, reused meanwhile */
		if (e->verdict.hop) {
			e->hop = *e->verdict.hop;
			e->verdict.hop = &e->hop;
		}
	}
	emit_decided(t);
}
