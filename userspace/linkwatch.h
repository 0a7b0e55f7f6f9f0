/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Links coming and going in vmtrace's own namespace (RTNLGRP_LINK), so that
 * follow can find a VM again after its tap or veth was deleted and made
 * anew (a VM stopped and started, a migration back) rather than watch
 * ifindexes that no longer exist.
 */
#ifndef VT_LINKWATCH_H
#define VT_LINKWATCH_H

struct mnl_socket;

struct vt_linkwatch {
	struct mnl_socket *nl;
};

/* Subscribe; 0 or -errno. */
int vt_linkwatch_open(struct vt_linkwatch *w);
/* The socket to poll for POLLIN; -1 when not open. */
int vt_linkwatch_fd(const struct vt_linkwatch *w);
/*
 * Read what is queued without blocking: 1 if a link was added, deleted,
 * renamed or moved to another master since the last call (or the socket
 * overran, so that may have happened), 0 if not, -errno.
 */
int vt_linkwatch_read(struct vt_linkwatch *w);
void vt_linkwatch_close(struct vt_linkwatch *w);

#endif /* VT_LINKWATCH_H */
