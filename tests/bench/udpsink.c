// SPDX-License-Identifier: GPL-2.0
/*
 * The far end of the forwarding benchmark: a UDP socket that takes every
 * datagram pktgen sends, so the packets end consumed, not dropped (a drop
 * would bill drop monitors for the sink rather than the path).
 *
 *   udpsink PORT
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	static char bufs[64][2048];
	struct mmsghdr msgs[64];
	struct iovec iov[64];
	int fd, i, rcvbuf = 8 << 20;

	if (argc != 2) {
		fprintf(stderr, "usage: udpsink PORT\n");
		return 2;
	}
	a.sin_port = htons((unsigned short)atoi(argv[1]));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		perror("udpsink");
		return 1;
	}
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < 64; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = sizeof(bufs[i]);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	for (;;)
		if (recvmmsg(fd, msgs, 64, MSG_WAITFORONE, NULL) < 0)
			perror("udpsink: recvmmsg");
}
