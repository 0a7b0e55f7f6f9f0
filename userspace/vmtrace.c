// SPDX-License-Identifier: GPL-2.0
/* vmtrace: where did the VM's ping die? */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "nl.h"
#include "version.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
} subcommands[] = {
	{ "follow", follow_main,
	  "follow VM [--count N] [--duration S] [--timeout S] [--addr ADDR]... [-4|-6] [--json] [--show-path]" },
	{ "probe", probe_main,
	  "probe VM [--count N] [--interval S] [--size BYTES] [--from IFNAME|ADDR] [--timeout S] [-4|-6] [--json]" },
	{ "status", status_main, "status [--json]" },
	{ "events", events_main,
	  "events --if IFNAME[@NETNS][,...] [--netns NAME] [--addr ADDR]... [--icmp-id ID]\n"
	  "                 [--json] [--count N] [--duration S]" },
};

#define N_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: vmtrace COMMAND [OPTIONS]\n\nCommands:\n");
	for (i = 0; i < N_SUBCOMMANDS; i++)
		fprintf(f, "  vmtrace %s\n", subcommands[i].usage);
	fprintf(f, "  vmtrace --version | --help\n\n"
		"VM: pve:VMID, qemu:NAME, pid:PID, netns:NAME, if:IFNAME[@NETNS], ip:ADDR, or a bare\n"
		"    name or number (tried as pve, qemu, netns, if, ip).\n"
		"Exit codes: 0 success (probe: every echo replied), 1 failure (probe: an echo was lost),\n"
		"            2 bad usage or VM not found, 3 module missing or too old.\n");
}

int vt_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("vmtrace: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -EINVAL;
}

int vt_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int vt_parse_addr(const char *s, int *family, uint8_t *addr)
{
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, s, addr) == 1)
		*family = AF_INET;
	else if (inet_pton(AF_INET6, s, addr) == 1)
		*family = AF_INET6;
	else
		return -EINVAL;
	return 0;
}

int vt_parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !(v > 0) || v > 1e7)
		return -EINVAL;
	*out = v;
	return 0;
}

/* CLI, module and netlink versions; no privilege needed, nothing autoloaded. */
static int print_version(void)
{
	char modver[64];
	struct vt_nl nl;

	printf("vmtrace %s\n", VMTRACE_VERSION);
	vt_module_version(modver, sizeof(modver));
	if (!modver[0]) {
		printf("module: not loaded\n");
		return VT_EXIT_OK;
	}
	if (vt_nl_open(&nl) == 0) {
		printf("module: %s (generic netlink \"%s\" v%d)\n", modver, VMTRACE_GENL_NAME,
		       nl.family_version);
		vt_nl_close(&nl);
	} else {
		printf("module: %s\n", modver);
	}
	return VT_EXIT_OK;
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return VT_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version"))
		return print_version();
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return VT_EXIT_OK;
	}
	for (i = 0; i < N_SUBCOMMANDS; i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].fn(argc - 1, argv + 1);
	vt_usage_error("unknown command '%s' (try 'vmtrace --help')", argv[1]);
	return VT_EXIT_USAGE;
}
