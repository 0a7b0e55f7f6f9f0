// SPDX-License-Identifier: GPL-2.0
/*
 * The session lives on one socket: it joins the events group first (so no
 * event of the session can be sent before anyone listens), starts the
 * session (which the kernel ties to this socket) and reads events and
 * replies from it alike.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "cli.h"
#include "session.h"

static int put_filter(struct nl_msg *msg, const struct vt_filter *f)
{
	struct nlattr *filter, *iface;
	unsigned int i;

	/*
	 * The module validates strictly: a nest must say it is one. libnl
	 * sets NLA_F_NESTED itself only from 3.5 on (bullseye has 3.4).
	 */
	filter = nla_nest_start(msg, VMTRACE_A_FILTER | NLA_F_NESTED);
	if (!filter)
		return -EMSGSIZE;
	for (i = 0; i < f->nifaces; i++) {
		iface = nla_nest_start(msg, VMTRACE_FILTER_A_IFACE | NLA_F_NESTED);
		if (!iface ||
		    nla_put_u64(msg, VMTRACE_IFACE_A_NETNS_COOKIE, f->ifaces[i].netns_cookie) ||
		    nla_put_u32(msg, VMTRACE_IFACE_A_IFINDEX, (uint32_t)f->ifaces[i].ifindex))
			return -EMSGSIZE;
		nla_nest_end(msg, iface);
	}
	for (i = 0; i < f->naddrs; i++)
		if (nla_put(msg, VMTRACE_FILTER_A_ADDR, vt_addr_len(f->addrs[i].family),
			    f->addrs[i].addr))
			return -EMSGSIZE;
	if (f->tunnels && nla_put_flag(msg, VMTRACE_FILTER_A_TUNNELS))
		return -EMSGSIZE;
	if (f->icmp_id >= 0 && nla_put_u16(msg, VMTRACE_FILTER_A_ICMP_ID, (uint16_t)f->icmp_id))
		return -EMSGSIZE;
	nla_nest_end(msg, filter);
	return 0;
}

static void deliver(struct vt_session *s, const struct vmtrace_event *ev)
{
	if (!(ev->session_mask & (1U << s->id)))
		return;
	s->received++;
	s->on_event(ev, s->arg);
}

static void keep_early(struct vt_session *s, const struct vmtrace_event *ev)
{
	if (s->nearly == s->early_cap) {
		size_t cap = s->early_cap ? 2 * s->early_cap : 64;
		struct vmtrace_event *n = realloc(s->early, cap * sizeof(*n));

		if (!n) {
			s->lost_socket++;
			return;
		}
		s->early = n;
		s->early_cap = cap;
	}
	s->early[s->nearly++] = *ev;
}

static void on_events(struct nlmsghdr *nlh, void *arg)
{
	struct vt_session *s = arg;
	struct nlattr *attr, *lost;
	uint64_t first = 0, count = 0;
	int rem, lrem, have_first = 0;

	nla_for_each_attr(attr, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		switch (nla_type(attr)) {
		case VMTRACE_A_EVENT_SEQ:
			if (nla_len(attr) == 8) {
				first = nla_get_u64(attr);
				have_first = 1;
			}
			break;
		case VMTRACE_A_LOST_SESSION:
			if (s->id < 0)
				break;
			nla_for_each_nested(lost, attr, lrem)
				if (nla_type(lost) == s->id + 1 && nla_len(lost) == 8)
					s->lost_kernel = nla_get_u64(lost);
			break;
		case VMTRACE_A_EVENT: {
			struct vmtrace_event ev;
			size_t len = (size_t)nla_len(attr);

			/* A newer module may send a longer record; an older one a shorter. */
			memset(&ev, 0, sizeof(ev));
			memcpy(&ev, nla_data(attr), len < sizeof(ev) ? len : sizeof(ev));
			count++;
			if (s->id < 0)
				keep_early(s, &ev);
			else
				deliver(s, &ev);
			break;
		}
		}
	}
	if (!have_first)
		return;
	if (s->seq_known && first > s->next_event_seq)
		s->lost_socket += first - s->next_event_seq;
	s->next_event_seq = first + count;
	s->seq_known = 1;
}

static int on_start_reply(struct nlattr **tb, void *arg)
{
	struct vt_session *s = arg;

	if (!tb[VMTRACE_A_SESSION_ID] || nla_len(tb[VMTRACE_A_SESSION_ID]) != 4)
		return -EPROTO;
	s->id = (int)nla_get_u32(tb[VMTRACE_A_SESSION_ID]);
	return s->id < VMTRACE_MAX_SESSIONS ? 0 : -EPROTO;
}

int vt_session_start(struct vt_session *s, const struct vt_filter *f,
		     vt_event_fn fn, void *arg)
{
	struct nl_msg *msg;
	size_t i;
	int err;

	memset(s, 0, sizeof(*s));
	s->id = -1;
	s->on_event = fn;
	s->arg = arg;
	err = vt_nl_open(&s->nl);
	if (err)
		return err;
	s->nl.on_events = on_events;
	s->nl.events_arg = s;
	err = vt_nl_join_events(&s->nl);
	if (err)
		return err;
	msg = vt_nl_msg(&s->nl, VMTRACE_CMD_START_SESSION);
	if (!msg)
		return -ENOMEM;
	err = put_filter(msg, f);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	err = vt_nl_request(&s->nl, msg, on_start_reply, s);
	if (err)
		return err;
	for (i = 0; i < s->nearly; i++)
		deliver(s, &s->early[i]);
	free(s->early);
	s->early = NULL;
	s->nearly = s->early_cap = 0;
	return 0;
}

int vt_session_poll(struct vt_session *s, int timeout_ms)
{
	struct pollfd pfd = { .fd = vt_nl_fd(&s->nl), .events = POLLIN };
	int n;

	n = poll(&pfd, 1, timeout_ms);
	if (n < 0)
		return -errno;
	if (n == 0)
		return 0;
	return vt_nl_receive(&s->nl);
}

int vt_session_stop(struct vt_session *s)
{
	struct nl_msg *msg;
	int err = 0;

	if (s->id >= 0 && s->nl.sk) {
		msg = vt_nl_msg(&s->nl, VMTRACE_CMD_STOP_SESSION);
		if (!msg || nla_put_u32(msg, VMTRACE_A_SESSION_ID, (uint32_t)s->id)) {
			nlmsg_free(msg);
			err = -ENOMEM;
		} else {
			/* The kernel drains its rings before it acks: read up to the ack. */
			err = vt_nl_request(&s->nl, msg, NULL, NULL);
			/* lost on a socket full of events: closing it ends the session */
			if (err == -ETIMEDOUT)
				fprintf(stderr, "vmtrace: no answer to stopping session %d (its socket overran?): "
					"it ends as its socket closes\n", s->id);
		}
	}
	vt_nl_close(&s->nl);
	free(s->early);
	s->early = NULL;
	return err;
}

int vt_session_start_or_report(struct vt_session *s, const struct vt_filter *f,
			       vt_event_fn fn, void *arg)
{
	int err = vt_session_start(s, f, fn, arg), rc;

	if (!err)
		return VT_EXIT_OK;
	if (err == -ENOENT || err == -EPROTO) {
		rc = vt_open_error(err);
	} else {
		vt_nl_perror(&s->nl, err == -EPERM ? "cannot start a session (CAP_NET_ADMIN needed)" :
			     "cannot start a session", err);
		rc = VT_EXIT_FAIL;
	}
	vt_session_stop(s);
	return rc;
}
