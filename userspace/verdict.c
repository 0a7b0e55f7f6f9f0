// SPDX-License-Identifier: GPL-2.0
/*
 * The verdict on one echo, from its timeline: replied, dropped (where),
 * lost in the VM, lost on the host, wrong VM, unseen; then the cause, from
 * the kernel's reason or, where it gives none, the host's state (cause.c).
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"
#include "echo.h"
#include "verdict.h"

static int handed_to_vm(const struct vt_vm *vm, const struct vmtrace_event *ev)
{
	const struct vt_path_elem *el = vt_vm_elem(vm, ev);

	if (!el || ev->kind != VMTRACE_PKT_ECHO_REQUEST || (ev->flags & VMTRACE_EV_DROP) ||
	    !vt_vm_has_addr(vm, ev->family, ev->dst))
		return 0;
	if (el->role == VT_ROLE_VM)
		return 1;
	if (el->role != VT_ROLE_PORT)
		return 0;
	/* taken off the tap (or macvtap) by QEMU's reader */
	if (ev->point == VMTRACE_POINT_SKB_CONSUME && (!strcmp(el->kind, "tap") || !strcmp(el->kind, "macvtap")))
		return 1;
	/* sent into a container's veth whose inside vmtrace does not trace (pve:CTID) */
	return ev->point == VMTRACE_POINT_DEV_TX && !strcmp(el->kind, "veth") && !vt_vm_traces_inside(vm);
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

	if (!vt_vm_has_addr(t->vm, e->family, e->dst))
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

/*
 * The request's last event is its free at a port of an Open vSwitch
 * datapath (the VM's path holds the datapath as its bridge): it entered
 * OVS and no output took it. On 6.1 an OpenFlow drop, and a flood that
 * reaches no port, free it with consume_skb.
 */
static const struct vmtrace_event *consumed_by_ovs(const struct vt_vm *vm, const struct vmtrace_event *last)
{
	const struct vt_path_elem *el = last ? vt_vm_elem(vm, last) : NULL;
	unsigned int i;

	if (!el || last->point != VMTRACE_POINT_SKB_CONSUME)
		return NULL;
	if (!strcmp(el->kind, "openvswitch"))
		return last;
	for (i = 0; i < vm->npath; i++)
		if (vm->path[i].ifindex == el->master_ifindex && !strcmp(vm->path[i].netns, el->netns) &&
		    !strcmp(vm->path[i].kind, "openvswitch"))
			return last;
	return NULL;
}

int vt_decide(const struct vt_tracker *t, const struct vt_echo *e, uint64_t now, int final,
	      struct vt_verdict *v)
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
			vt_cause_macvtap_host(drop, e->family, e->dst, t->env, 1, &v->cause);
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
	if ((nd = consumed_by_ovs(t->vm, last_req)) && vt_cause_ovs(nd, t->env, &v->cause)) {
		v->status = VT_DROPPED;
		v->hop = nd;
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
		vt_cause_macvtap_host(nd, e->family, e->dst, t->env, 1, &v->cause);
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
