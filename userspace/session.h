/* SPDX-License-Identifier: GPL-2.0 */
/* A trace session: filter in, events out, every loss counted. */
#ifndef VT_SESSION_H
#define VT_SESSION_H

#include <stddef.h>
#include <stdint.h>
#include <linux/vmtrace.h>

#include "addr.h"
#include "netns.h"
#include "nl.h"

struct vt_filter {
	unsigned int nifaces;
	struct vt_iface ifaces[VMTRACE_MAX_IFACES];
	unsigned int naddrs;
	struct vt_addr addrs[VMTRACE_MAX_ADDRS];
	int icmp_id;		/* -1: any */
	int tunnels;		/* look inside VXLAN and Geneve: costs the host's UDP a call */
};

typedef void (*vt_event_fn)(const struct vmtrace_event *ev, void *arg);

struct vt_session {
	struct vt_nl nl;
	int id;			/* -1 until the kernel said */
	vt_event_fn on_event;
	void *arg;
	uint64_t received;
	uint64_t lost_kernel;	/* this session's events the kernel could not queue */
	uint64_t lost_socket;	/* events sent that never reached this socket */
	uint64_t next_event_seq;
	int seq_known;
	/* events that arrived before the START reply named our session */
	struct vmtrace_event *early;
	size_t nearly, early_cap;
};

int vt_session_start(struct vt_session *s, const struct vt_filter *f,
		     vt_event_fn fn, void *arg);
/* vt_session_start(), and on failure say why on stderr; returns the exit code (0 ok). */
int vt_session_start_or_report(struct vt_session *s, const struct vt_filter *f,
			       vt_event_fn fn, void *arg);
/* Wait up to @timeout_ms for events and deliver them; 0 or -errno. */
int vt_session_poll(struct vt_session *s, int timeout_ms);
/* Stop the session, deliver the kernel's last events, close. */
int vt_session_stop(struct vt_session *s);

#endif /* VT_SESSION_H */
