// SPDX-License-Identifier: GPL-2.0
/* RTNLGRP_LINK with libmnl: what tells follow to resolve its VM again. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "linkwatch.h"

int vt_linkwatch_open(struct vt_linkwatch *w)
{
	int err;

	w->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!w->nl)
		return -errno;
	if (mnl_socket_bind(w->nl, 1U << (RTNLGRP_LINK - 1), MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		vt_linkwatch_close(w);
		return err;
	}
	return 0;
}

int vt_linkwatch_fd(const struct vt_linkwatch *w)
{
	return w->nl ? mnl_socket_get_fd(w->nl) : -1;
}

static int on_link(const struct nlmsghdr *nlh, void *arg)
{
	int *changed = arg;

	/*
	 * Any RTM_NEWLINK counts, carrier flaps of other devices too: telling
	 * a new device or a new master from a state change would need the
	 * previous state of every link, and resolving again costs one dump.
	 */
	if (nlh->nlmsg_type == RTM_NEWLINK || nlh->nlmsg_type == RTM_DELLINK)
		*changed = 1;
	return MNL_CB_OK;
}

int vt_linkwatch_read(struct vt_linkwatch *w)
{
	char buf[32768];	/* an RTM_NEWLINK with all its attributes: more than 8 KiB */
	int changed = 0;
	ssize_t n;

	if (!w->nl)
		return 0;
	for (;;) {
		n = mnl_socket_recvfrom(w->nl, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return changed;
			/* overran, or one message too big: something changed, no matter what */
			if (errno == ENOBUFS || errno == ENOSPC)
				changed = 1;
			else
				return -errno;
			continue;
		}
		if (mnl_cb_run(buf, (size_t)n, 0, 0, on_link, &changed) < 0 && errno != ENOENT)
			return -errno;
	}
}

void vt_linkwatch_close(struct vt_linkwatch *w)
{
	if (w->nl)
		mnl_socket_close(w->nl);
	w->nl = NULL;
}
