// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's client: the CLI's own session code (userspace/session.c),
 * timed, with nothing printed per event.
 *
 *   vtbench attach N IFNAME[@NETNS]...    start and stop a session N times;
 *                                         "start_us stop_us" per round
 *   vtbench stream SECONDS IFNAME...      one session, for SECONDS or until SIGINT
 *                                         or SIGTERM; counts what arrives:
 *                                         "received lost_kernel lost_socket seconds"
 *   vtbench flood IFNAME DSTMAC SRC DST SECONDS
 *                                         ICMP echo requests as fast as the kernel
 *                                         takes them: prebuilt Ethernet frames, 64
 *                                         per sendmmsg() on a packet socket, so the
 *                                         events cost the generator next to nothing;
 *                                         prints "frames_sent"
 *   vtbench ping ADDR RATE SECONDS        echo requests at a fixed RATE per second,
 *                                         sleeping in between (ping -i spins on
 *                                         sched_yield below 10 ms and would take a
 *                                         share of the CPU that varies with load)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "../../userspace/cli.h"
#include "../../userspace/netns.h"
#include "../../userspace/prober.h"
#include "../../userspace/session.h"

static void count(const struct vmtrace_event *ev, void *arg)
{
	(void)ev;
	(*(uint64_t *)arg)++;
}

static int filter_of(int argc, char **argv, struct vt_filter *f)
{
	int i, err;

	memset(f, 0, sizeof(*f));
	f->icmp_id = -1;
	for (i = 0; i < argc && f->nifaces < VMTRACE_MAX_IFACES; i++) {
		char name[64], *at;

		/* IFNAME or IFNAME@NETNS, as vmtrace events --if takes them */
		snprintf(name, sizeof(name), "%s", argv[i]);
		at = strchr(name, '@');
		if (at)
			*at++ = '\0';
		err = vt_iface_resolve(at, name, &f->ifaces[f->nifaces++]);
		if (err) {
			fprintf(stderr, "vtbench: %s: %s\n", argv[i], strerror(-err));
			return err;
		}
	}
	return 0;
}

static int attach(int rounds, int argc, char **argv)
{
	struct vt_filter f;
	uint64_t n = 0, t0, t1, t2;
	int i, err;

	if (filter_of(argc, argv, &f))
		return 1;
	for (i = 0; i < rounds; i++) {
		struct vt_session s;

		memset(&s, 0, sizeof(s));
		t0 = vt_now_ns();
		err = vt_session_start(&s, &f, count, &n);
		t1 = vt_now_ns();
		if (err) {
			fprintf(stderr, "vtbench: start: %s\n", strerror(-err));
			return 1;
		}
		vt_session_stop(&s);
		t2 = vt_now_ns();
		printf("%.1f %.1f\n", (double)(t1 - t0) / 1e3, (double)(t2 - t1) / 1e3);
	}
	return 0;
}

static int stream(double seconds, int argc, char **argv)
{
	struct vt_filter f;
	struct vt_session s;
	uint64_t n = 0, t0, end;
	int err;

	if (filter_of(argc, argv, &f))
		return 1;
	memset(&s, 0, sizeof(s));
	err = vt_session_start(&s, &f, count, &n);
	if (err) {
		fprintf(stderr, "vtbench: start: %s\n", strerror(-err));
		return 1;
	}
	vt_catch_stop_signals();
	t0 = vt_now_ns();
	end = t0 + (uint64_t)(seconds * 1e9);
	while (vt_now_ns() < end && !vt_stop_requested()) {
		err = vt_session_poll(&s, 50);
		if (err && err != -EINTR && err != -EAGAIN)
			break;
	}
	vt_session_stop(&s);
	printf("%" PRIu64 " %" PRIu64 " %" PRIu64 " %.3f\n", n, s.lost_kernel, s.lost_socket,
	       (double)(vt_now_ns() - t0) / 1e9);
	return 0;
}

#define FLOOD_BATCH	64
#define FLOOD_LEN	(14 + 20 + 8 + 56)

static uint16_t csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* One echo request from @src to @dst, id @id, seq @seq, in @f (FLOOD_LEN bytes). */
static void flood_frame(uint8_t *f, const uint8_t *dmac, const uint8_t *smac,
			const uint8_t *src, const uint8_t *dst, uint16_t id, uint16_t seq)
{
	uint8_t *ip = f + 14, *icmp = ip + 20;
	int i;

	memset(f, 0, FLOOD_LEN);
	memcpy(f, dmac, 6);
	memcpy(f + 6, smac, 6);
	put16(f + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, 20 + 8 + 56);
	ip[8] = 64;
	ip[9] = 1;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	put16(ip + 10, csum(ip, 20));
	icmp[0] = 8;
	put16(icmp + 4, id);
	put16(icmp + 6, seq);
	for (i = 8; i < 8 + 56; i++)
		icmp[i] = (uint8_t)i;
	put16(icmp + 2, csum(icmp, 8 + 56));
}

static int parse_mac(const char *s, uint8_t *mac)
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2],
		      &mac[3], &mac[4], &mac[5]) == 6 ? 0 : -EINVAL;
}

static int flood(const char *ifname, const char *dmac_s, const char *src_s, const char *dst_s,
		 double seconds)
{
	static uint8_t frames[FLOOD_BATCH][FLOOD_LEN];
	struct mmsghdr msgs[FLOOD_BATCH];
	struct iovec iov[FLOOD_BATCH];
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	uint8_t dmac[6], smac[6], src[4], dst[4];
	uint64_t end, sent = 0;
	uint16_t id = (uint16_t)getpid(), seq = 0;
	struct ifreq ifr;
	int fd, one = 1, i, n;

	if (parse_mac(dmac_s, dmac) || inet_pton(AF_INET, src_s, src) != 1 ||
	    inet_pton(AF_INET, dst_s, dst) != 1) {
		fprintf(stderr, "vtbench: flood: bad MAC or address\n");
		return 2;
	}
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("vtbench: flood: socket");
		return 1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (!sll.sll_ifindex || ioctl(fd, SIOCGIFHWADDR, &ifr) ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		perror("vtbench: flood: interface");
		close(fd);
		return 1;
	}
	memcpy(smac, ifr.ifr_hwaddr.sa_data, 6);
	/* straight to the driver: the qdisc is not what is measured */
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < FLOOD_BATCH; i++) {
		iov[i].iov_base = frames[i];
		iov[i].iov_len = FLOOD_LEN;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	end = vt_now_ns() + (uint64_t)(seconds * 1e9);
	while (vt_now_ns() < end) {
		for (i = 0; i < FLOOD_BATCH; i++)
			flood_frame(frames[i], dmac, smac, src, dst, id, ++seq);
		n = sendmmsg(fd, msgs, FLOOD_BATCH, 0);
		if (n > 0)
			sent += (uint64_t)n;
	}
	close(fd);
	printf("%" PRIu64 "\n", sent);
	return 0;
}

static int ping(const char *addr, double rate, double seconds)
{
	struct vt_vm vm;
	struct vt_prober p;
	struct timespec next;
	uint64_t step = (uint64_t)(1e9 / rate), end;
	uint16_t seq = 0;
	int err;

	memset(&vm, 0, sizeof(vm));
	vm.naddrs = 1;
	vm.addrs[0].family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(vm.addrs[0].family, addr, vm.addrs[0].addr) != 1) {
		fprintf(stderr, "vtbench: ping: bad address %s\n", addr);
		return 2;
	}
	err = vt_prober_open(&p, &vm, 0, NULL);
	if (err) {
		fprintf(stderr, "vtbench: ping: %s\n", strerror(-err));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &next);
	end = vt_now_ns() + (uint64_t)(seconds * 1e9);
	while (vt_now_ns() < end) {
		vt_prober_send(&p, ++seq, 56);
		vt_prober_drain(&p);
		next.tv_nsec += (long)step;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "attach"))
		return attach(atoi(argv[2]), argc - 3, argv + 3);
	if (argc >= 4 && !strcmp(argv[1], "stream"))
		return stream(atof(argv[2]), argc - 3, argv + 3);
	if (argc == 7 && !strcmp(argv[1], "flood"))
		return flood(argv[2], argv[3], argv[4], argv[5], atof(argv[6]));
	if (argc == 5 && !strcmp(argv[1], "ping"))
		return ping(argv[2], atof(argv[3]), atof(argv[4]));
	fprintf(stderr, "usage: vtbench attach N IFNAME... | vtbench stream SECONDS IFNAME... |"
		" vtbench flood IFNAME DSTMAC SRC DST SECONDS | vtbench ping ADDR RATE SECONDS\n");
	return 2;
}
