// SPDX-License-Identifier: GPL-2.0
/*
 * Talk to the vmtrace family the way a buggy or hostile client would, and
 * print exactly what the kernel answered. Used by the lab to check that
 * every malformed request is refused with an extack naming the attribute,
 * and that an unprivileged process can neither trace nor listen.
 *
 *   nlprobe [--drop-privs] CASE
 *
 * Output, one line: "error=<errno name> msg='<extack>' attr=<attribute at
 * the reported offset>" or "ok".
 */
#include <errno.h>
#include <grp.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/vmtrace.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct probe {
	struct mnl_socket *nl;
	unsigned int portid;
	uint16_t family;
	uint32_t events_group;
	char buf[32768];
	/* where each attribute we sent sits, to name the one the kernel blames */
	unsigned int nmarks;
	struct {
		unsigned int offset;
		const char *name;
	} marks[256];
};

static void mark(struct probe *p, struct nlmsghdr *nlh, const char *name)
{
	if (p->nmarks < 256) {
		p->marks[p->nmarks].offset = nlh->nlmsg_len;
		p->marks[p->nmarks++].name = name;
	}
}

static int parse_grp(const struct nlattr *grp, struct probe *p)
{
	const struct nlattr *a;
	uint32_t id = 0;
	const char *name = NULL;

	mnl_attr_for_each_nested(a, grp) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID)
			id = mnl_attr_get_u32(a);
		else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME)
			name = mnl_attr_get_str(a);
	}
	if (name && !strcmp(name, VMTRACE_MCGRP_EVENTS))
		p->events_group = id;
	return 0;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct probe *p = data;
	const struct nlattr *a, *g;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			p->family = mnl_attr_get_u16(a);
		else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GROUPS)
			mnl_attr_for_each_nested(g, a)
				parse_grp(g, p);
	}
	return MNL_CB_OK;
}

static struct nlmsghdr *start_msg(struct probe *p, uint16_t type, uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(p->buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = (uint32_t)time(NULL);
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = type == GENL_ID_CTRL ? 1 : VMTRACE_GENL_VERSION;
	p->nmarks = 0;
	return nlh;
}

static const char *errno_name(int e)
{
	switch (e) {
	case EINVAL: return "EINVAL";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ERANGE: return "ERANGE";
	case E2BIG: return "E2BIG";
	case EBUSY: return "EBUSY";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	default: return "other";
	}
}

/* Send, read the ack, print the verdict line. Returns the kernel's -errno. */
static int transact(struct probe *p, struct nlmsghdr *nlh, int quiet)
{
	char rbuf[32768];
	unsigned int sent_len = nlh->nlmsg_len;
	ssize_t n;

	if (mnl_socket_sendto(p->nl, nlh, nlh->nlmsg_len) < 0) {
		perror("nlprobe: send");
		exit(1);
	}
	for (;;) {
		struct nlmsghdr *r = (struct nlmsghdr *)rbuf;
		int len;

		n = mnl_socket_recvfrom(p->nl, rbuf, sizeof(rbuf));
		if (n < 0) {
			perror("nlprobe: recv");
			exit(1);
		}
		len = (int)n;
		for (; mnl_nlmsg_ok(r, len); r = mnl_nlmsg_next(r, &len)) {
			struct nlmsgerr *e;
			const struct nlattr *a;
			const char *msg = "";
			const char *attr = "-";
			unsigned int off, i;
			long offs = -1;

			if (r->nlmsg_type != NLMSG_ERROR) {
				if (r->nlmsg_type == GENL_ID_CTRL)
					family_cb(r, p);
				continue;
			}
			e = mnl_nlmsg_get_payload(r);
			if (!e->error) {
				if (!quiet)
					printf("ok\n");
				return 0;
			}
			off = sizeof(*e) + ((r->nlmsg_flags & NLM_F_CAPPED) ? 0 :
					    e->msg.nlmsg_len - sizeof(struct nlmsghdr));
			mnl_attr_for_each(a, r, off) {
				if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG)
					msg = mnl_attr_get_str(a);
				else if (mnl_attr_get_type(a) == NLMSGERR_ATTR_OFFS)
					offs = mnl_attr_get_u32(a);
			}
			for (i = 0; offs >= 0 && i < p->nmarks; i++)
				if (p->marks[i].offset == (unsigned int)offs && offs < (long)sent_len)
					attr = p->marks[i].name;
			if (!quiet)
				printf("error=%s msg='%s' attr=%s\n", errno_name(-e->error), msg, attr);
			return e->error;
		}
	}
}

static void resolve(struct probe *p)
{
	struct nlmsghdr *nlh = start_msg(p, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);

	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, VMTRACE_GENL_NAME);
	/* the reply precedes the ack; transact() feeds it to family_cb() */
	transact(p, nlh, 1);
	if (!p->family) {
		fprintf(stderr, "nlprobe: vmtrace family not found\n");
		exit(1);
	}
}

#define PUT(nlh, type, fn, ...) do { mark(p, nlh, #type); fn(nlh, type, ##__VA_ARGS__); } while (0)

static struct nlattr *nest(struct probe *p, struct nlmsghdr *nlh, uint16_t type, const char *name)
{
	mark(p, nlh, name);
	return mnl_attr_nest_start(nlh, type);
}

static void put_iface(struct probe *p, struct nlmsghdr *nlh, uint32_t ifindex)
{
	struct nlattr *i = nest(p, nlh, VMTRACE_FILTER_A_IFACE, "VMTRACE_FILTER_A_IFACE");

	PUT(nlh, VMTRACE_IFACE_A_NETNS_COOKIE, mnl_attr_put_u64, 1);
	PUT(nlh, VMTRACE_IFACE_A_IFINDEX, mnl_attr_put_u32, ifindex);
	mnl_attr_nest_end(nlh, i);
}

static int run_case(struct probe *p, const char *c)
{
	struct nlmsghdr *nlh;
	struct nlattr *f, *i;
	int k;

	if (!strcmp(c, "join")) {
		if (mnl_socket_setsockopt(p->nl, NETLINK_ADD_MEMBERSHIP, &p->events_group,
					  sizeof(p->events_group))) {
			printf("error=%s msg='join refused' attr=-\n", errno_name(errno));
			return 0;
		}
		printf("ok\n");
		return 0;
	}
	if (!strcmp(c, "status")) {
		nlh = start_msg(p, p->family, VMTRACE_CMD_GET_STATUS);
		return transact(p, nlh, 0), 0;
	}
	if (!strcmp(c, "stats")) {
		nlh = start_msg(p, p->family, VMTRACE_CMD_GET_STATS);
		return transact(p, nlh, 0), 0;
	}
	if (!strncmp(c, "stop-", 5) || !strcmp(c, "stop")) {
		nlh = start_msg(p, p->family, VMTRACE_CMD_STOP_SESSION);
		if (!strcmp(c, "stop-bad-id"))
			PUT(nlh, VMTRACE_A_SESSION_ID, mnl_attr_put_u32, 99);
		else if (!strcmp(c, "stop-not-running"))
			PUT(nlh, VMTRACE_A_SESSION_ID, mnl_attr_put_u32, 5);
		else if (!strcmp(c, "stop-wrong-size"))
			PUT(nlh, VMTRACE_A_SESSION_ID, mnl_attr_put_u64, 1);
		return transact(p, nlh, 0), 0;
	}
	nlh = start_msg(p, p->family, VMTRACE_CMD_START_SESSION);
	if (!strcmp(c, "start-no-filter")) {
		/* nothing */
	} else if (!strcmp(c, "top-unknown-attr")) {
		PUT(nlh, 200, mnl_attr_put_u32, 1);
	} else if (!strcmp(c, "filter-not-nested")) {
		mark(p, nlh, "VMTRACE_A_FILTER");
		mnl_attr_put(nlh, VMTRACE_A_FILTER, 3, "abc");
	} else if (!strcmp(c, "filter-garbage")) {
		/* flagged as a nest, but its payload is not a list of attributes */
		mark(p, nlh, "VMTRACE_A_FILTER");
		mnl_attr_put(nlh, VMTRACE_A_FILTER | NLA_F_NESTED, 4, "\xff\x7f\x01\x00");
	} else {
		f = nest(p, nlh, VMTRACE_A_FILTER, "VMTRACE_A_FILTER");
		if (!strcmp(c, "start-empty-filter")) {
			/* no interface */
		} else if (!strcmp(c, "iface-no-ifindex")) {
			i = nest(p, nlh, VMTRACE_FILTER_A_IFACE, "VMTRACE_FILTER_A_IFACE");
			PUT(nlh, VMTRACE_IFACE_A_NETNS_COOKIE, mnl_attr_put_u64, 1);
			mnl_attr_nest_end(nlh, i);
		} else if (!strcmp(c, "iface-bad-type")) {
			i = nest(p, nlh, VMTRACE_FILTER_A_IFACE, "VMTRACE_FILTER_A_IFACE");
			PUT(nlh, VMTRACE_IFACE_A_NETNS_COOKIE, mnl_attr_put_u64, 1);
			PUT(nlh, VMTRACE_IFACE_A_IFINDEX, mnl_attr_put_u8, 1);
			mnl_attr_nest_end(nlh, i);
		} else if (!strcmp(c, "ifindex-zero")) {
			put_iface(p, nlh, 0);
		} else if (!strcmp(c, "ifindex-huge")) {
			put_iface(p, nlh, 0x80000000u);
		} else if (!strcmp(c, "filter-unknown-attr")) {
			put_iface(p, nlh, 1);
			PUT(nlh, 99, mnl_attr_put_u32, 7);
		} else if (!strcmp(c, "addr-bad-len")) {
			put_iface(p, nlh, 1);
			mark(p, nlh, "VMTRACE_FILTER_A_ADDR");
			mnl_attr_put(nlh, VMTRACE_FILTER_A_ADDR, 6, "abcdef");
		} else if (!strcmp(c, "icmp-id-bad-type")) {
			put_iface(p, nlh, 1);
			PUT(nlh, VMTRACE_FILTER_A_ICMP_ID, mnl_attr_put_u32, 7);
		} else if (!strcmp(c, "tunnels-with-payload")) {
			put_iface(p, nlh, 1);
			PUT(nlh, VMTRACE_FILTER_A_TUNNELS, mnl_attr_put_u32, 1);
		} else if (!strcmp(c, "start-lo-tunnels")) {
			put_iface(p, nlh, 1);
			mark(p, nlh, "VMTRACE_FILTER_A_TUNNELS");
			mnl_attr_put(nlh, VMTRACE_FILTER_A_TUNNELS, 0, NULL);
		} else if (!strcmp(c, "too-many-ifaces")) {
			for (k = 0; k <= VMTRACE_MAX_IFACES; k++)
				put_iface(p, nlh, (uint32_t)k + 1);
		} else if (!strcmp(c, "too-many-addrs")) {
			put_iface(p, nlh, 1);
			for (k = 0; k <= VMTRACE_MAX_ADDRS; k++) {
				mark(p, nlh, "VMTRACE_FILTER_A_ADDR");
				mnl_attr_put_u32(nlh, VMTRACE_FILTER_A_ADDR, 0x010200c0);
			}
		} else if (!strcmp(c, "start-lo")) {
			put_iface(p, nlh, 1);
		} else {
			fprintf(stderr, "nlprobe: unknown case %s\n", c);
			return 2;
		}
		mnl_attr_nest_end(nlh, f);
	}
	return transact(p, nlh, 0), 0;
}

int main(int argc, char **argv)
{
	static struct probe p;
	int one = 1, arg = 1;

	if (argc > 1 && !strcmp(argv[1], "--drop-privs")) {
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534)) {
			perror("nlprobe: drop privileges");
			return 1;
		}
		arg++;
	}
	if (arg >= argc) {
		fprintf(stderr, "usage: nlprobe [--drop-privs] CASE\n");
		return 2;
	}
	p.nl = mnl_socket_open(NETLINK_GENERIC);
	if (!p.nl || mnl_socket_bind(p.nl, 0, MNL_SOCKET_AUTOPID)) {
		perror("nlprobe: socket");
		return 1;
	}
	mnl_socket_setsockopt(p.nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(p.nl, NETLINK_CAP_ACK, &one, sizeof(one));
	p.portid = mnl_socket_get_portid(p.nl);
	resolve(&p);
	return run_case(&p, argv[arg]);
}
