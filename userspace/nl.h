/* SPDX-License-Identifier: GPL-2.0 */
/* The control and event plane to vmtrace.ko over generic netlink. */
#ifndef VT_NL_H
#define VT_NL_H

#include <stdint.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <linux/vmtrace.h>

typedef int (*vt_reply_fn)(struct nlattr **tb, void *arg);
typedef void (*vt_events_fn)(struct nlmsghdr *nlh, void *arg);

struct vt_nl {
	struct nl_sock *sk;
	struct nl_cb *cb;
	int family;
	int family_version;
	/* the request in flight */
	vt_reply_fn reply;
	void *reply_arg;
	int done;
	int error;		/* -errno from the kernel's NLMSG_ERROR */
	int reply_error;	/* -errno from the reply callback */
	char extack[256];	/* its extack message and attribute, if any */
	/* multicast/unicast events, whenever they arrive */
	vt_events_fn on_events;
	void *events_arg;
};

/* -ENOENT: no vmtrace family (module not loaded); -EPROTO: too old. */
int vt_nl_open(struct vt_nl *nl);
void vt_nl_close(struct vt_nl *nl);
int vt_nl_join_events(struct vt_nl *nl);
struct nl_msg *vt_nl_msg(const struct vt_nl *nl, uint8_t cmd);
/* Send @msg (consumed), wait for the kernel's ack, hand any reply to @reply. */
int vt_nl_request(struct vt_nl *nl, struct nl_msg *msg, vt_reply_fn reply, void *arg);
/* Receive whatever is queued (events included); 0 or -errno. */
int vt_nl_receive(struct vt_nl *nl);
int vt_nl_fd(const struct vt_nl *nl);
/* Print "vmtrace: <what>: <extack or strerror>" for a failed request. */
void vt_nl_perror(const struct vt_nl *nl, const char *what, int err);
int vt_nlerr_to_errno(int nlerr);

#endif /* VT_NL_H */
