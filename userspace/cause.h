/* SPDX-License-Identifier: GPL-2.0 */
/* Why a packet died, in words an operator uses, with the command that confirms it. */
#ifndef VT_CAUSE_H
#define VT_CAUSE_H

#include <linux/vmtrace.h>

#include "env.h"

struct vt_cause {
	const char *id;		/* the stable vocabulary: firewall, vm-not-reading, ... (docs/causes.md) */
	char explain[480];
	char check[256];
	int inferred;		/* derived from device state, not from the kernel's reason */
};

/*
 * Every function below reads the host through @env (NULL: the kernel's
 * word alone) right after the fact, and names one cause.
 */

/* The kernel dropped @drop. */
void vt_cause_of(const struct vmtrace_event *drop, struct vt_env *env, struct vt_cause *c);
/* The ARP/ND request @req nobody answered while an echo to @echo_dst waited. */
void vt_cause_unanswered(const struct vmtrace_event *req, const uint8_t *echo_dst,
			 struct vt_env *env, struct vt_cause *c);
/*
 * The host's echo to @dst (or its ARP/ND, @ev) left through the lower device
 * of the VM's macvtap: sent from the lower device itself, or from a macvlan
 * beside the VM's where the two are not both in bridge mode. With @sure the
 * macvtap is the cause whatever the host's route says; else 1 only if the
 * route proves it, 0 to let other rules look.
 */
int vt_cause_macvtap_host(const struct vmtrace_event *ev, int family, const uint8_t *dst,
			  struct vt_env *env, int sure, struct vt_cause *c);
/* A reply whose request was never seen (@src, @dst: the request's). */
void vt_cause_unseen(int family, const uint8_t *src, const uint8_t *dst, struct vt_cause *c);
/* An echo handed to the VM that never came back. */
void vt_cause_guest(const char *ifname, struct vt_cause *c);
/*
 * A request that vanished without a drop after @last (NULL: never seen on
 * the VM's path at all; @send_err is the sender's -errno, if any).
 */
void vt_cause_lost(const struct vmtrace_event *last, int family, const uint8_t *src,
		   const uint8_t *dst, uint16_t id, int send_err, struct vt_env *env,
		   struct vt_cause *c);
/*
 * The echo reached another VM's port instead (@request: the request went
 * there; else the reply came from it). 0, @c untouched, if the host's
 * state does not bear that out.
 */
int vt_cause_wrong_vm(const struct vmtrace_event *ev, int request, struct vt_env *env,
		       struct vt_cause *c);

/*
 * @ev is the last the kernel showed of a packet, at a port of an Open
 * vSwitch datapath: why OVS did not pass it on (cause_ovs.c). 0, @c
 * untouched, if it is no OVS port or OVS now sends such a packet on.
 */
/*
 * Freed where the OVS datapath misses a flow and asks ovs-vswitchd: the
 * upcall failed (no ovs-vswitchd, or none of its handlers listening).
 */
void vt_cause_ovs_upcall(const struct vmtrace_event *ev, const char *ifname, struct vt_cause *c);
int vt_cause_ovs(const struct vmtrace_event *ev, struct vt_env *env, struct vt_cause *c);

#endif /* VT_CAUSE_H */
