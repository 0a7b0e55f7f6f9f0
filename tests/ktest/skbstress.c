// SPDX-License-Identifier: GPL-2.0
/*
 * Packets whose skb->dev is not a device by the time they are freed: the
 * traffic a stranger can send to a hypervisor, made on purpose for the lab.
 *
 *   skbstress udp6-exthdr COUNT
 *	UDPv6 datagrams to ::1 carrying a hop-by-hop or destination-options
 *	header (one PadN option); half are read, the rest purged at close.
 *	Queued datagrams hold UDP's dev_scratch where skb->dev was.
 *   skbstress frag4 SRC DST TRAINS
 *   skbstress frag6 SRC DST TRAINS
 *	ICMP (ICMPv6) echo fragment trains without their first fragment, sent
 *	last-first so that the receiver's defrag rb-tree has left links; they
 *	expire there (skb->dev shares its storage with the tree node).
 *   skbstress recverr4 DST PORT COUNT HOLD_SECONDS
 *	UDP with IP_RECVERR to a closed port: the ICMP errors wait on the
 *	socket's error queue (skb->dev: the device they came in on), unread,
 *	for HOLD_SECONDS (long enough to delete that device), then are purged.
 *
 * Exit 0 when everything was sent; 1 on a system call failure; 2 on bad
 * arguments.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define FRAG_DATA	128	/* bytes per fragment: a multiple of 8 */
#define FRAGS_PER_TRAIN	4	/* offsets 4..1 x FRAG_DATA: the first never comes */

static int fail(const char *what)
{
	fprintf(stderr, "skbstress: %s: %s\n", what, strerror(errno));
	return 1;
}

static long number(const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 0 || v > max) {
		fprintf(stderr, "skbstress: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

static uint16_t ip_csum(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t sum = 0;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		sum += (uint32_t)(p[0] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static int udp6_exthdr(long count)
{
	/* next header (filled by the kernel), length 0 (8 bytes), PadN of 4 */
	static const uint8_t opts[8] = { 0, 0, 1, 4, 0, 0, 0, 0 };
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	socklen_t alen = sizeof(a);
	int rx, tx, n, got = 0;
	char buf[64];
	long i;

	rx = socket(AF_INET6, SOCK_DGRAM, 0);
	tx = socket(AF_INET6, SOCK_DGRAM, 0);
	if (rx < 0 || tx < 0)
		return fail("socket");
	n = 1 << 22;
	setsockopt(rx, SOL_SOCKET, SO_RCVBUF, &n, sizeof(n));
	if (bind(rx, (struct sockaddr *)&a, sizeof(a)) || getsockname(rx, (struct sockaddr *)&a, &alen))
		return fail("bind ::1");
	for (i = 0; i < count; i++) {
		int opt = i & 1 ? IPV6_DSTOPTS : IPV6_HOPOPTS;

		if (setsockopt(tx, IPPROTO_IPV6, opt, opts, sizeof(opts)))
			return fail(i & 1 ? "IPV6_DSTOPTS" : "IPV6_HOPOPTS");
		n = snprintf(buf, sizeof(buf), "datagram %ld", i);
		if (sendto(tx, buf, (size_t)n, 0, (struct sockaddr *)&a, sizeof(a)) < 0)
			return fail("sendto ::1");
		/* the other option is cleared so that each datagram carries one */
		setsockopt(tx, IPPROTO_IPV6, opt, NULL, 0);
	}
	/* read half: consumed in recvmsg; the rest is freed when rx closes */
	for (i = 0; i < count / 2; i++)
		if (recv(rx, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			got++;
	printf("udp6-exthdr: sent %ld, read %d\n", count, got);
	close(tx);
	close(rx);
	return 0;
}

static int frag4(const char *src, const char *dst, long trains)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	uint8_t pkt[sizeof(struct iphdr) + FRAG_DATA];
	struct iphdr *ip = (struct iphdr *)pkt;
	int fd, on = 1;
	long t, f;

	if (inet_pton(AF_INET, dst, &to.sin_addr) != 1) {
		fprintf(stderr, "skbstress: bad IPv4 address '%s'\n", dst);
		return 2;
	}
	memset(pkt, 0xa5, sizeof(pkt));
	memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_ICMP;
	ip->tot_len = htons(sizeof(pkt));
	ip->daddr = to.sin_addr.s_addr;
	if (inet_pton(AF_INET, src, &ip->saddr) != 1) {
		fprintf(stderr, "skbstress: bad IPv4 address '%s'\n", src);
		return 2;
	}
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &on, sizeof(on)))
		return fail("raw IPv4 socket");
	for (t = 0; t < trains; t++) {
		ip->id = htons((uint16_t)(0x5100 + t));
		for (f = FRAGS_PER_TRAIN; f >= 1; f--) {
			/* more fragments follow every one of them */
			ip->frag_off = htons((uint16_t)(IP_MF | (f * FRAG_DATA / 8)));
			ip->check = 0;
			ip->check = ip_csum(ip, sizeof(*ip));
			if (sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
				return fail("sendto fragment");
		}
	}
	printf("frag4: %ld trains of %d fragments, no first fragment\n", trains, FRAGS_PER_TRAIN);
	close(fd);
	return 0;
}

static int frag6(const char *src, const char *dst, long trains)
{
	struct sockaddr_in6 to = { .sin6_family = AF_INET6 };
	uint8_t pkt[sizeof(struct ip6_hdr) + sizeof(struct ip6_frag) + FRAG_DATA];
	struct ip6_hdr *ip6 = (struct ip6_hdr *)pkt;
	struct ip6_frag *fh = (struct ip6_frag *)(ip6 + 1);
	long t, f;
	int fd;

	memset(pkt, 0xa5, sizeof(pkt));
	memset(ip6, 0, sizeof(*ip6) + sizeof(*fh));
	ip6->ip6_flow = htonl(6u << 28);
	ip6->ip6_plen = htons(sizeof(*fh) + FRAG_DATA);
	ip6->ip6_nxt = IPPROTO_FRAGMENT;
	ip6->ip6_hlim = 64;
	if (inet_pton(AF_INET6, src, &ip6->ip6_src) != 1 ||
	    inet_pton(AF_INET6, dst, &ip6->ip6_dst) != 1) {
		fprintf(stderr, "skbstress: bad IPv6 address '%s' or '%s'\n", src, dst);
		return 2;
	}
	to.sin6_addr = ip6->ip6_dst;
	fh->ip6f_nxt = IPPROTO_ICMPV6;
	/* IPPROTO_RAW on an IPv6 socket: the header is ours */
	fd = socket(AF_INET6, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0)
		return fail("raw IPv6 socket");
	for (t = 0; t < trains; t++) {
		fh->ip6f_ident = htonl((uint32_t)(0x6100 + t));
		for (f = FRAGS_PER_TRAIN; f >= 1; f--) {
			fh->ip6f_offlg = htons((uint16_t)(f * FRAG_DATA)) | IP6F_MORE_FRAG;
			if (sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
				return fail("sendto IPv6 fragment");
		}
	}
	printf("frag6: %ld trains of %d fragments, no first fragment\n", trains, FRAGS_PER_TRAIN);
	close(fd);
	return 0;
}

static int recverr4(const char *dst, long port, long count, long hold)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd, on = 1;
	long i, sent = 0;

	if (inet_pton(AF_INET, dst, &to.sin_addr) != 1) {
		fprintf(stderr, "skbstress: bad IPv4 address '%s'\n", dst);
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof(on)))
		return fail("UDP socket with IP_RECVERR");
	for (i = 0; i < count; i++) {
		/* each error is reported on the next send: keep going */
		if (sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)) == 1)
			sent++;
		usleep(2000);
	}
	printf("recverr4: sent %ld, holding the error queue %ld s\n", sent, hold);
	fflush(stdout);
	sleep((unsigned int)hold);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "udp6-exthdr"))
		return udp6_exthdr(number(argv[2], 1000000));
	if (argc == 5 && !strcmp(argv[1], "frag4"))
		return frag4(argv[2], argv[3], number(argv[4], 65535));
	if (argc == 5 && !strcmp(argv[1], "frag6"))
		return frag6(argv[2], argv[3], number(argv[4], 65535));
	if (argc == 6 && !strcmp(argv[1], "recverr4"))
		return recverr4(argv[2], number(argv[3], 65535), number(argv[4], 100000),
				number(argv[5], 3600));
	fprintf(stderr, "usage: skbstress udp6-exthdr COUNT | frag4|frag6 SRC DST TRAINS |\n"
			"       recverr4 DST PORT COUNT HOLD_SECONDS\n");
	return 2;
}
