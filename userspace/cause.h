/* SPDX-License-Identifier: GPL-2.0 */
/* Why a packet died, in words an operator uses, with the command that confirms it. */
#ifndef VT_CAUSE_H
#define VT_CAUSE_H

#include <linux/vmtrace.h>

#include "resolve.h"
#include "rtnl.h"

struct vt_cause {
	const char *id;		/* the stable vocabulary: firewall, vm-not-reading, ... */
	char explain[400];
	char check[256];
	int inferred;		/* derived from device state, not from the kernel's reason */
};

/*
 * Name the cause of @drop. @state is the rtnetlink view of the namespace the
 * drop happened in, read right after it (NULL if unavailable).
 */
void vt_cause_of(const struct vmtrace_event *drop, const struct vt_vm *vm,
		 const struct vt_rtnl_view *state, struct vt_cause *c);
/* An ARP/ND request for the echo's target that nobody answered, and no drop. */
void vt_cause_unanswered(const struct vmtrace_event *req, const struct vt_vm *vm,
			 const struct vt_rtnl_view *state, struct vt_cause *c);
/* The cause for an echo handed to the VM that never came back. */
void vt_cause_guest(const char *ifname, struct vt_cause *c);
/* A drop that is not a loss: the ICMP layer took the packet. */
int vt_drop_is_benign(const struct vmtrace_event *ev);

#endif /* VT_CAUSE_H */
