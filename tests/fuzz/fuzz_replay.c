// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: `vmtrace replay` of a made-up recording, through the CLI as
 * built (main renamed), as JSON and as text. A recording comes from
 * anywhere: nothing in it may crash, hang or leak the replay.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../userspace/cli.h"

extern int optind;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	char *json[] = { "replay", "--json", path, NULL };
	char *text[] = { "replay", "--time", "--color=always", path, NULL };
	int fd = memfd_create("recording", MFD_CLOEXEC);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	optind = 0;	/* glibc: start getopt afresh */
	replay_main(3, json);
	optind = 0;
	replay_main(4, text);
	fflush(stdout);
	close(fd);
	return 0;
}
