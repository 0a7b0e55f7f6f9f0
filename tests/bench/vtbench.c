// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's client: the CLI's own session code (userspace/session.c),
 * timed, with nothing printed per event.
 *
 *   vtbench attach N IFNAME [IFNAME...]   start and stop a session N times;
 *                                         "start_us stop_us" per round
 *   vtbench stream SECONDS IFNAME...      one session; counts what arrives:
 *                                         "received lost_kernel lost_socket seconds"
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../userspace/cli.h"
#include "../../userspace/netns.h"
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
		err = vt_iface_resolve(NULL, argv[i], &f->ifaces[f->nifaces++]);
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
	t0 = vt_now_ns();
	end = t0 + (uint64_t)(seconds * 1e9);
	while (vt_now_ns() < end) {
		err = vt_session_poll(&s, 50);
		if (err && err != -EINTR && err != -EAGAIN)
			break;
	}
	vt_session_stop(&s);
	printf("%" PRIu64 " %" PRIu64 " %" PRIu64 " %.3f\n", n, s.lost_kernel, s.lost_socket,
	       (double)(vt_now_ns() - t0) / 1e9);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "attach"))
		return attach(atoi(argv[2]), argc - 3, argv + 3);
	if (argc >= 4 && !strcmp(argv[1], "stream"))
		return stream(atof(argv[2]), argc - 3, argv + 3);
	fprintf(stderr, "usage: vtbench attach N IFNAME... | vtbench stream SECONDS IFNAME...\n");
	return 2;
}
