// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink plumbing with libnl-genl-3: family and group resolved by
 * name, NETLINK_EXT_ACK on so that the kernel's reasons reach the user,
 * requests acknowledged, events dispatched whenever they arrive.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/family.h>

#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
/* NLMSGERR_ATTR_MISS_TYPE (uapi, 5.19) is an enum older libc headers lack. */
#define VT_NLMSGERR_ATTR_MISS_TYPE 5

/* How long a request waits for its answer: a stop drains the rings first, under TCG too. */
#define VT_NL_ANSWER_MS	15000

/* Events come in bursts of up to 16 KiB messages: leave room. */
#define VT_RCVBUF	(8 << 20)
#define VT_MSGBUF	(64 << 10)

int vt_nlerr_to_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case 0:			return 0;
	case NLE_INTR:		return -EINTR;
	case NLE_AGAIN:		return -EAGAIN;
	case NLE_NOMEM:		return -ENOMEM;
	case NLE_PERM:		return -EPERM;
	case NLE_NOACCESS:	return -EACCES;
	case NLE_BUSY:		return -EBUSY;
	case NLE_INVAL:		return -EINVAL;
	case NLE_RANGE:		return -ERANGE;
	case NLE_EXIST:		return -EEXIST;
	case NLE_OBJ_NOTFOUND:	return -ENOENT;
	case NLE_NOATTR:	return -ENOENT;
	case NLE_OPNOTSUPP:	return -EOPNOTSUPP;
	case NLE_PROTO_MISMATCH: return -EPROTONOSUPPORT;
	case NLE_MSGSIZE:	return -EMSGSIZE;
	case NLE_NODEV:		return -ENODEV;
	default:		return -EIO;
	}
}

/* The TLVs after an NLMSG_ERROR's payload: message, offending attribute. */
static void parse_extack(struct vt_nl *nl, struct nlmsgerr *e)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	const char *msg = NULL;
	long offs = -1, miss = -1;
	struct nlattr *attr;
	size_t start;
	int len, rem;

	nl->extack[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	start = NLMSG_HDRLEN + sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		start += e->msg.nlmsg_len - NLMSG_HDRLEN;
	len = (int)nlh->nlmsg_len - (int)start;
	if (len <= 0)
		return;
	nla_for_each_attr(attr, (struct nlattr *)((char *)nlh + start), len, rem) {
		switch (nla_type(attr)) {
		case NLMSGERR_ATTR_MSG:
			if (nla_len(attr) > 0 && ((char *)nla_data(attr))[nla_len(attr) - 1] == '\0')
				msg = nla_data(attr);
			break;
		case NLMSGERR_ATTR_OFFS:
			if (nla_len(attr) == 4)
				offs = nla_get_u32(attr);
			break;
		case VT_NLMSGERR_ATTR_MISS_TYPE:
			if (nla_len(attr) == 4)
				miss = nla_get_u32(attr);
			break;
		}
	}
	if (msg && offs >= 0)
		snprintf(nl->extack, sizeof(nl->extack), "%s (attribute at offset %ld)", msg, offs);
	else if (msg)
		snprintf(nl->extack, sizeof(nl->extack), "%s", msg);
	else if (miss >= 0)
		snprintf(nl->extack, sizeof(nl->extack), "missing attribute type %ld", miss);
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct vt_nl *nl = arg;

	(void)who;
	nl->error = e->error;
	parse_extack(nl, e);
	nl->done = 1;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct vt_nl *nl = arg;

	(void)msg;
	nl->done = 1;
	return NL_STOP;
}

/* Events carry sequence number 0: accept every message, match by type. */
static int on_seq_check(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct vt_nl *nl = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[VMTRACE_A_MAX + 1];
	struct genlmsghdr *gh;
	int err;

	if (nlh->nlmsg_type != nl->family || !genlmsg_valid_hdr(nlh, 0))
		return NL_OK;
	gh = nlmsg_data(nlh);
	if (gh->cmd == VMTRACE_CMD_EVENTS) {
		if (nl->on_events)
			nl->on_events(nlh, nl->events_arg);
		return NL_OK;
	}
	if (!nl->reply)
		return NL_OK;
	/* No policy: unknown attributes from a newer module are ignored. */
	err = genlmsg_parse(nlh, 0, tb, VMTRACE_A_MAX, NULL);
	if (err < 0) {
		nl->reply_error = vt_nlerr_to_errno(err);
		return NL_OK;
	}
	err = nl->reply(tb, nl->reply_arg);
	if (err)
		nl->reply_error = err;
	return NL_OK;
}

int vt_nl_open(struct vt_nl *nl)
{
	struct nl_cache *cache = NULL;
	struct genl_family *fam;
	int one = 1, rcvbuf = VT_RCVBUF, err;

	memset(nl, 0, sizeof(*nl));
	nl->sk = nl_socket_alloc();
	nl->cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!nl->sk || !nl->cb) {
		err = -ENOMEM;
		goto err;
	}
	err = genl_connect(nl->sk);
	if (err < 0) {
		err = vt_nlerr_to_errno(err);
		goto err;
	}
	nl_socket_set_msg_buf_size(nl->sk, VT_MSGBUF);
	nl_socket_enable_msg_peek(nl->sk);
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	/* Count losses by sequence gaps rather than failing reads. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof(one));
	if (setsockopt(nl_socket_get_fd(nl->sk), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(nl_socket_get_fd(nl->sk), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));

	nl_cb_err(nl->cb, NL_CB_CUSTOM, on_error, nl);
	nl_cb_set(nl->cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, nl);
	nl_cb_set(nl->cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, nl);
	nl_cb_set(nl->cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, on_seq_check, nl);

	/* Resolving the family asks the kernel to autoload vmtrace.ko. */
	nl->family = genl_ctrl_resolve(nl->sk, VMTRACE_GENL_NAME);
	if (nl->family < 0) {
		err = nl->family == -NLE_OBJ_NOTFOUND ? -ENOENT : vt_nlerr_to_errno(nl->family);
		goto err;
	}
	err = genl_ctrl_alloc_cache(nl->sk, &cache);
	if (err < 0) {
		err = vt_nlerr_to_errno(err);
		goto err;
	}
	fam = genl_ctrl_search_by_name(cache, VMTRACE_GENL_NAME);
	if (fam) {
		nl->family_version = genl_family_get_version(fam);
		genl_family_put(fam);
	}
	nl_cache_free(cache);
	if (nl->family_version < VMTRACE_GENL_VERSION) {
		err = -EPROTO;
		goto err;
	}
	return 0;
err:
	vt_nl_close(nl);
	return err;
}

void vt_nl_close(struct vt_nl *nl)
{
	if (nl->cb)
		nl_cb_put(nl->cb);
	if (nl->sk)
		nl_socket_free(nl->sk);
	nl->cb = NULL;
	nl->sk = NULL;
}

int vt_nl_join_events(struct vt_nl *nl)
{
	int grp, err;

	grp = genl_ctrl_resolve_grp(nl->sk, VMTRACE_GENL_NAME, VMTRACE_MCGRP_EVENTS);
	if (grp < 0)
		return vt_nlerr_to_errno(grp);
	err = nl_socket_add_memberships(nl->sk, grp, 0);
	if (err < 0)
		return vt_nlerr_to_errno(err);
	return 0;
}

struct nl_msg *vt_nl_msg(const struct vt_nl *nl, uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, 0,
				cmd, VMTRACE_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int vt_nl_request(struct vt_nl *nl, struct nl_msg *msg, vt_reply_fn reply, void *arg)
{
	struct pollfd pfd;
	long long deadline, left;
	int err, n;

	nl->reply = reply;
	nl->reply_arg = arg;
	nl->done = 0;
	nl->error = 0;
	nl->reply_error = 0;
	nl->extack[0] = '\0';
	err = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (err < 0)
		return vt_nlerr_to_errno(err);
	deadline = now_ms() + VT_NL_ANSWER_MS;
	while (!nl->done) {
		/*
		 * The kernel drops an answer it cannot queue on a socket full
		 * of events (NETLINK_NO_ENOBUFS: silently): wait for it, not
		 * for ever.
		 */
		pfd.fd = nl_socket_get_fd(nl->sk);
		pfd.events = POLLIN;
		do {
			left = deadline - now_ms();
			n = left > 0 ? poll(&pfd, 1, (int)left) : 0;
		} while (n < 0 && errno == EINTR);
		if (n <= 0) {
			nl->reply = NULL;
			snprintf(nl->extack, sizeof(nl->extack), "no answer from the module within %d s",
				 VT_NL_ANSWER_MS / 1000);
			return n < 0 ? -errno : -ETIMEDOUT;
		}
		err = nl_recvmsgs(nl->sk, nl->cb);
		if (err < 0 && !nl->done) {
			nl->reply = NULL;
			return vt_nlerr_to_errno(err);
		}
	}
	nl->reply = NULL;
	return nl->error ? nl->error : nl->reply_error;
}

int vt_nl_receive(struct vt_nl *nl)
{
	int err = nl_recvmsgs(nl->sk, nl->cb);

	if (err < 0 && vt_nlerr_to_errno(err) == -EIO)
		snprintf(nl->extack, sizeof(nl->extack), "libnl: %s", nl_geterror(err));
	return err < 0 ? vt_nlerr_to_errno(err) : 0;
}

int vt_nl_fd(const struct vt_nl *nl)
{
	return nl_socket_get_fd(nl->sk);
}

void vt_nl_perror(const struct vt_nl *nl, const char *what, int err)
{
	if (nl->extack[0])
		fprintf(stderr, "vmtrace: %s: %s (%s)\n", what, nl->extack, strerror(-err));
	else
		fprintf(stderr, "vmtrace: %s: %s\n", what, strerror(-err));
}
