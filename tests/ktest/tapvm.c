// SPDX-License-Identifier: GPL-2.0
/*
 * A VM on a tap, without the VM: open HOSTTAP in the current namespace and
 * VMTAP inside namespace VMNS, and copy frames between the two fds. The
 * host side is a real tap with a real userspace reader, like QEMU's; the
 * "guest" is a real kernel stack behind VMTAP. While PAUSEFILE exists the
 * host tap is not read, like a paused or hung VM: its ring fills.
 *
 *   tapvm HOSTTAP VMNS VMTAP PAUSEFILE
 *
 * HOSTTAP may be a macvtap's character device, /dev/tapIFINDEX (libvirt's
 * type='direct'): it is read without the virtio-net header QEMU would ask for.
 *
 * Prints "ready" once both taps exist; runs until killed.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int tap_open(const char *name)
{
	struct ifreq ifr;
	int fd, macvtap = !strncmp(name, "/dev/", 5);

	fd = open(macvtap ? name : "/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;	/* a macvtap: no IFF_VNET_HDR */
	if (!macvtap)
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static int tap_open_in(const char *netns, const char *name)
{
	char path[256];
	int self, target, fd;

	snprintf(path, sizeof(path), "/run/netns/%s", netns);
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	target = open(path, O_RDONLY | O_CLOEXEC);
	if (self < 0 || target < 0 || setns(target, CLONE_NEWNET))
		return -errno;
	fd = tap_open(name);
	if (setns(self, CLONE_NEWNET))
		fd = -errno;
	close(self);
	close(target);
	return fd;
}

static void copy_frame(int from, int to)
{
	char buf[65536];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n > 0 && write(to, buf, (size_t)n) < 0 && errno != EIO)
		perror("tapvm: write");
}

int main(int argc, char **argv)
{
	struct pollfd pfd[2];
	int host, vm;

	if (argc != 5) {
		fprintf(stderr, "usage: tapvm HOSTTAP VMNS VMTAP PAUSEFILE\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	host = tap_open(argv[1]);
	vm = tap_open_in(argv[2], argv[3]);
	if (host < 0 || vm < 0) {
		fprintf(stderr, "tapvm: cannot open taps: %s\n", strerror(-(host < 0 ? host : vm)));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		int paused = access(argv[4], F_OK) == 0;

		pfd[0] = (struct pollfd){ .fd = paused ? -1 : host, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = vm, .events = POLLIN };
		if (poll(pfd, 2, 50) < 0 && errno != EINTR)
			return 1;
		if (pfd[0].revents & POLLIN)
			copy_frame(host, vm);
		if (pfd[1].revents & POLLIN)
			copy_frame(vm, host);
	}
}
