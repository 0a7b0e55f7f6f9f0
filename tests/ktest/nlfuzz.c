// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz the vmtrace generic netlink family from user space: random and
 * mutated START/STOP/STATUS/STATS requests (attribute trees built from the
 * UAPI's own attributes, then bent: wrong types and lengths, truncation,
 * junk nests, unknown attributes and commands), on several sockets, some
 * of them closed with their sessions live, some holding the events group.
 *
 *   nlfuzz SECONDS SEED [IFNAME]...
 *
 * The interfaces (of the caller's namespace) are real ones, so that some
 * requests start real sessions. Every reply is read and judged: a request refused
 * with EINVAL, ERANGE or E2BIG must carry an extack message (the kernel's
 * word on which attribute), anything else must be an answer, an ack or a
 * known refusal (EBUSY: sessions full; ENOENT: no such session;
 * EOPNOTSUPP: no such command; EMSGSIZE, ENOMEM). The run prints
 * "nlfuzz: N requests, M refused, K without extack, S sessions started"
 * and exits 1 if K > 0 or a reply broke the rules, 2 on bad arguments. An
 * answer lost because the events group overran the socket (ENOBUFS) is
 * counted apart: netlink drops what a full socket cannot take, acks too.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/vmtrace.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

#define NSOCKS		6
#define MAX_TARGETS	16

struct target {
	uint32_t ifindex;
	uint64_t cookie;
};

struct fuzz {
	uint64_t rng;
	uint16_t family;
	uint32_t group;
	struct mnl_socket *socks[NSOCKS];
	unsigned int ntargets;
	struct target targets[MAX_TARGETS];
	unsigned long requests, refused, no_extack, started, bad, reopened, overrun;
	char buf[8192];
	char rbuf[65536];
};

static uint32_t rnd(struct fuzz *f)
{
	/* xorshift64*: the same seed gives the same run */
	f->rng ^= f->rng >> 12;
	f->rng ^= f->rng << 25;
	f->rng ^= f->rng >> 27;
	return (uint32_t)((f->rng * 2685821657736338717ULL) >> 32);
}

static uint32_t below(struct fuzz *f, uint32_t n)
{
	return n ? rnd(f) % n : 0;
}

static struct mnl_socket *sock_open(void)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_GENERIC);
	/* every request is answered: silence is a failure, not a wait */
	struct timeval tv = { .tv_sec = 10 };
	int one = 1;

	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		perror("nlfuzz: netlink socket");
		exit(1);
	}
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	return nl;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct fuzz *f = data;
	const struct nlattr *a, *g, *x;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			f->family = mnl_attr_get_u16(a);
		if (mnl_attr_get_type(a) != CTRL_ATTR_MCAST_GROUPS)
			continue;
		mnl_attr_for_each_nested(g, a) {
			uint32_t id = 0;
			int events = 0;

			mnl_attr_for_each_nested(x, g) {
				if (mnl_attr_get_type(x) == CTRL_ATTR_MCAST_GRP_ID)
					id = mnl_attr_get_u32(x);
				if (mnl_attr_get_type(x) == CTRL_ATTR_MCAST_GRP_NAME &&
				    !strcmp(mnl_attr_get_str(x), VMTRACE_MCGRP_EVENTS))
					events = 1;
			}
			if (events)
				f->group = id;
		}
	}
	return MNL_CB_OK;
}

static void resolve(struct fuzz *f)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(f->buf);
	struct genlmsghdr *g;
	ssize_t n;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, VMTRACE_GENL_NAME);
	if (mnl_socket_sendto(f->socks[0], nlh, nlh->nlmsg_len) < 0)
		exit(1);
	n = mnl_socket_recvfrom(f->socks[0], f->rbuf, sizeof(f->rbuf));
	if (n <= 0 || mnl_cb_run(f->rbuf, (size_t)n, 0, 0, family_cb, f) < 0 || !f->family) {
		fprintf(stderr, "nlfuzz: vmtrace family not found\n");
		exit(1);
	}
}

/* A random attribute of a random kind: the ones the family knows, and others. */
static void put_junk(struct fuzz *f, struct nlmsghdr *nlh, unsigned int depth)
{
	uint16_t type = (uint16_t)below(f, 24);
	uint8_t junk[40];
	unsigned int i, len = below(f, sizeof(junk) + 1);
	struct nlattr *n;

	for (i = 0; i < len; i++)
		junk[i] = (uint8_t)rnd(f);
	switch (below(f, 4)) {
	case 0:
		mnl_attr_put(nlh, type, len, junk);
		break;
	case 1:
		mnl_attr_put_u32(nlh, type, rnd(f));
		break;
	case 2:
		mnl_attr_put_u64(nlh, type, (uint64_t)rnd(f) << 32 | rnd(f));
		break;
	default:
		if (depth > 3) {
			mnl_attr_put(nlh, type, len, junk);
			break;
		}
		n = mnl_attr_nest_start(nlh, type | (below(f, 2) ? NLA_F_NESTED : 0));
		for (i = below(f, 4); i--; )
			put_junk(f, nlh, depth + 1);
		mnl_attr_nest_end(nlh, n);
	}
}

/* A filter close to valid: right shapes, with some of them bent. */
static void put_filter(struct fuzz *f, struct nlmsghdr *nlh)
{
	struct nlattr *filter = mnl_attr_nest_start(nlh, VMTRACE_A_FILTER);
	unsigned int i, n = below(f, 4);

	for (i = 0; i < n; i++) {
		struct nlattr *iface = mnl_attr_nest_start(nlh, VMTRACE_FILTER_A_IFACE);
		const struct target *t = f->ntargets ? &f->targets[below(f, f->ntargets)] : NULL;

		if (below(f, 8))
			mnl_attr_put_u64(nlh, VMTRACE_IFACE_A_NETNS_COOKIE,
					 t && below(f, 4) ? t->cookie : rnd(f));
		if (below(f, 8)) {
			if (below(f, 10))
				mnl_attr_put_u32(nlh, VMTRACE_IFACE_A_IFINDEX,
						 t && below(f, 4) ? t->ifindex : rnd(f) % 70000);
			else
				mnl_attr_put_u16(nlh, VMTRACE_IFACE_A_IFINDEX, (uint16_t)rnd(f));
		}
		if (!below(f, 8))
			put_junk(f, nlh, 2);
		mnl_attr_nest_end(nlh, iface);
	}
	if (below(f, 2)) {
		uint8_t addr[17];

		for (i = 0; i < sizeof(addr); i++)
			addr[i] = (uint8_t)rnd(f);
		mnl_attr_put(nlh, VMTRACE_FILTER_A_ADDR, below(f, 3) ? (below(f, 2) ? 4 : 16) :
			     below(f, 18), addr);
	}
	if (below(f, 3))
		mnl_attr_put_u16(nlh, VMTRACE_FILTER_A_ICMP_ID, (uint16_t)rnd(f));
	if (!below(f, 6))
		put_junk(f, nlh, 1);
	mnl_attr_nest_end(nlh, filter);
}

static struct nlmsghdr *build(struct fuzz *f)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(f->buf);
	struct genlmsghdr *g;
	unsigned int i;
	uint8_t cmd;

	nlh->nlmsg_type = f->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = (uint32_t)f->requests;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	cmd = (uint8_t)(below(f, 10) ? 1 + below(f, VMTRACE_CMD_MAX + 1) : below(f, 256));
	g->cmd = cmd;
	g->version = (uint8_t)(below(f, 10) ? VMTRACE_GENL_VERSION : rnd(f));
	switch (cmd) {
	case VMTRACE_CMD_START_SESSION:
		if (below(f, 10))
			put_filter(f, nlh);
		break;
	case VMTRACE_CMD_STOP_SESSION:
		if (below(f, 8))
			mnl_attr_put_u32(nlh, VMTRACE_A_SESSION_ID,
					 below(f, 4) ? below(f, VMTRACE_MAX_SESSIONS) : rnd(f));
		break;
	default:
		break;
	}
	for (i = below(f, 3) ? 0 : below(f, 4) + 1; i; i--)
		put_junk(f, nlh, 0);
	/* sometimes cut the message, attributes and all */
	if (!below(f, 12) && nlh->nlmsg_len > NLMSG_HDRLEN + 4)
		nlh->nlmsg_len -= 1 + below(f, nlh->nlmsg_len - NLMSG_HDRLEN - 4);
	return nlh;
}

/* Read until the request's ack or error; judge it. */
static void judge(struct fuzz *f, struct mnl_socket *nl, uint32_t seq, uint8_t cmd)
{
	int overrun = 0;

	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl, f->rbuf, sizeof(f->rbuf));
		struct nlmsghdr *r = (struct nlmsghdr *)f->rbuf;
		int len = (int)n;

		if (n < 0) {
			/* the events group overran this socket: the ack may be lost with them */
			if (errno == ENOBUFS) {
				overrun = 1;
				continue;
			}
			if (errno == EAGAIN && overrun) {
				f->overrun++;
				return;
			}
			if (errno == EAGAIN) {
				fprintf(stderr, "nlfuzz: cmd %u: no answer in 10 s\n", cmd);
				f->bad++;
				return;
			}
			perror("nlfuzz: recv");
			exit(1);
		}
		for (; mnl_nlmsg_ok(r, len); r = mnl_nlmsg_next(r, &len)) {
			const struct nlattr *a;
			struct nlmsgerr *e;
			int has_msg = 0;

			if (r->nlmsg_seq != seq || r->nlmsg_type != NLMSG_ERROR)
				continue;	/* events, replies before the ack */
			e = mnl_nlmsg_get_payload(r);
			if (!e->error) {
				if (cmd == VMTRACE_CMD_START_SESSION)
					f->started++;
				return;
			}
			f->refused++;
			mnl_attr_for_each(a, r, sizeof(*e)) {
				if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG)
					has_msg = 1;
			}
			switch (-e->error) {
			case EINVAL:
			case ERANGE:
			case E2BIG:
				if (!has_msg) {
					f->no_extack++;
					fprintf(stderr, "nlfuzz: cmd %u refused %s without an extack message\n",
						cmd, strerror(-e->error));
				}
				break;
			case EBUSY:
			case ENOENT:
			case EOPNOTSUPP:
			case EMSGSIZE:
			case ENOMEM:
				break;
			default:
				f->bad++;
				fprintf(stderr, "nlfuzz: cmd %u: unexpected error %s\n", cmd,
					strerror(-e->error));
			}
			return;
		}
	}
}

int main(int argc, char **argv)
{
	struct fuzz *f = calloc(1, sizeof(*f));
	time_t end;
	int i;

	if (!f || argc < 3 || argc - 3 > MAX_TARGETS) {
		fprintf(stderr, "usage: nlfuzz SECONDS SEED [IFNAME]...\n");
		return 2;
	}
	end = time(NULL) + strtol(argv[1], NULL, 10);
	f->rng = strtoull(argv[2], NULL, 10) * 0x9e3779b97f4a7c15ULL | 1;
	for (i = 3; i < argc; i++, f->ntargets++) {
		struct target *t = &f->targets[f->ntargets];
		socklen_t len = sizeof(t->cookie);
		int fd = socket(AF_INET, SOCK_DGRAM, 0);

		struct stat ns;

		t->ifindex = if_nametoindex(argv[i]);
		if (!t->ifindex || fd < 0) {
			fprintf(stderr, "nlfuzz: no interface %s here\n", argv[i]);
			return 2;
		}
		/* before SO_NETNS_COOKIE (5.14) vmtrace keys a netns by its inode, as the CLI does */
		if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &t->cookie, &len)) {
			if (errno != ENOPROTOOPT || stat("/proc/self/ns/net", &ns)) {
				fprintf(stderr, "nlfuzz: no netns cookie for %s\n", argv[i]);
				return 2;
			}
			t->cookie = ns.st_ino;
		}
		close(fd);
	}
	for (i = 0; i < NSOCKS; i++)
		f->socks[i] = sock_open();
	resolve(f);
	while (time(NULL) < end) {
		unsigned int s = below(f, NSOCKS);
		struct nlmsghdr *nlh;
		uint8_t cmd;

		if (!below(f, 40)) {
			/* a client dies with its sessions live, or joins the events */
			mnl_socket_close(f->socks[s]);
			f->socks[s] = sock_open();
			f->reopened++;
			if (below(f, 2) && f->group)
				mnl_socket_setsockopt(f->socks[s], NETLINK_ADD_MEMBERSHIP, &f->group,
						      sizeof(f->group));
		}
		nlh = build(f);
		cmd = ((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd;
		if (mnl_socket_sendto(f->socks[s], nlh, nlh->nlmsg_len) < 0) {
			/* a cut message the socket layer itself refuses */
			f->requests++;
			f->refused++;
			continue;
		}
		judge(f, f->socks[s], nlh->nlmsg_seq, cmd);
		f->requests++;
	}
	for (i = 0; i < NSOCKS; i++)
		mnl_socket_close(f->socks[i]);
	printf("nlfuzz: %lu requests, %lu refused, %lu without extack, %lu unexpected, %lu sessions started, %lu sockets closed mid-run, %lu answers lost to an overrun socket\n",
	       f->requests, f->refused, f->no_extack, f->bad, f->started, f->reopened, f->overrun);
	return f->no_extack || f->bad ? 1 : 0;
}
