// SPDX-License-Identifier: GPL-2.0
/*
 * The echoes probe sends: ICMP or ICMPv6 echo requests from a raw socket.
 * The socket also receives copies of ICMP traffic; they are drained and
 * discarded, since the verdicts come from the kernel's own view.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/icmp6.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "prober.h"

#define ICMP_ECHO_REQUEST 8	/* <netinet/ip_icmp.h> would macro-clobber icmp_id */

int vt_prober_open(struct vt_prober *p, const struct vt_vm *vm, int family, const char *from)
{
	unsigned int i;

	memset(p, 0, sizeof(*p));
	p->fd = -1;
	for (i = 0; i < vm->naddrs && !p->family; i++)
		if (!family || vm->addrs[i].family == family) {
			p->family = vm->addrs[i].family;
			memcpy(p->dst, vm->addrs[i].addr, 16);
		}
	if (!p->family)
		return -EDESTADDRREQ;
	p->fd = socket(p->family, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
		       p->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6);
	if (p->fd < 0)
		return -errno;
	p->id = (uint16_t)(getpid() ^ 0x5654);	/* "VT" */
	if (p->family == AF_INET6) {
		struct icmp6_filter flt;

		ICMP6_FILTER_SETBLOCKALL(&flt);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &flt);
		setsockopt(p->fd, IPPROTO_ICMPV6, ICMP6_FILTER, &flt, sizeof(flt));
	}
	if (from) {
		uint8_t a[16] = { 0 };

		if (inet_pton(p->family, from, a) == 1) {
			struct sockaddr_storage ss = { 0 };

			if (p->family == AF_INET) {
				struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

				sin->sin_family = AF_INET;
				memcpy(&sin->sin_addr, a, 4);
			} else {
				struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

				sin6->sin6_family = AF_INET6;
				memcpy(&sin6->sin6_addr, a, 16);
			}
			if (bind(p->fd, (struct sockaddr *)&ss, sizeof(ss)))
				return -errno;
		} else if (setsockopt(p->fd, SOL_SOCKET, SO_BINDTODEVICE, from,
				      (socklen_t)strlen(from) + 1)) {
			return -errno;
		}
	}
	return 0;
}

int vt_prober_send(struct vt_prober *p, uint16_t seq, unsigned int size)
{
	static uint8_t pkt[65536];
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	size_t len = 8 + size, i;
	uint32_t sum = 0;

	memset(pkt, 0, len);
	pkt[0] = p->family == AF_INET ? ICMP_ECHO_REQUEST : ICMP6_ECHO_REQUEST;
	pkt[4] = (uint8_t)(p->id >> 8);
	pkt[5] = (uint8_t)p->id;
	pkt[6] = (uint8_t)(seq >> 8);
	pkt[7] = (uint8_t)seq;
	for (i = 8; i < len; i++)
		pkt[i] = (uint8_t)i;
	if (p->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		for (i = 0; i + 1 < len; i += 2)
			sum += (uint32_t)(pkt[i] << 8 | pkt[i + 1]);
		if (len & 1)
			sum += (uint32_t)(pkt[len - 1] << 8);
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		pkt[2] = (uint8_t)(~sum >> 8);
		pkt[3] = (uint8_t)~sum;
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, p->dst, 4);
		sl = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		/* the kernel fills in the ICMPv6 checksum on raw ICMPv6 sockets */
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, p->dst, 16);
		sl = sizeof(*sin6);
	}
	return sendto(p->fd, pkt, len, 0, (struct sockaddr *)&ss, sl) < 0 ? -errno : 0;
}

void vt_prober_drain(struct vt_prober *p)
{
	char buf[65536];

	while (p->fd >= 0 && recv(p->fd, buf, sizeof(buf), 0) > 0)
		;
}
