// SPDX-License-Identifier: GPL-2.0
/* vmtrace: where did the VM's ping die? */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "nl.h"
#include "version.h"

#define VM_FORMS \
	"VM is one of libvirt:NAME|UUID, pve:VMID, qemu:NAME, pid:PID, netns:NAME,\n" \
	"if:IFNAME[@NETNS], ip:ADDR, neutron:PORT-ID, or a bare name or number, tried\n" \
	"in that order\n" \
	"(libvirt first; a number as a Proxmox VMID).\n"
#define COLOR_HELP \
	"      --color[=WHEN]    colour: auto (the default: on a terminal, unless NO_COLOR\n" \
	"                        is set or TERM=dumb), always, never\n"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
	const char *help;	/* after the usage line: what it does, its options */
} subcommands[] = {
	{ "follow", follow_main, "follow VM [OPTIONS]",
	  "Watch the echoes (ping) to and from VM, whoever sends them. Per echo: a timeline\n"
	  "of the host's hops it crossed, and a verdict: replied, dropped (where, the\n"
	  "kernel's reason, the cause), lost-in-vm, lost-on-host, wrong-vm or unseen.\n"
	  "Ctrl-C ends it with a summary. If the VM restarts, follow finds it again.\n\n"
	  VM_FORMS "\n"
	  "Options:\n"
	  "  -c, --count N         stop after N verdicts (1 to 1000000)\n"
	  "  -d, --duration S      stop after S seconds\n"
	  "  -W, --timeout S       wait S seconds for a reply before the verdict (2)\n"
	  "  -a, --addr ADDR       also the echoes of ADDR, an address of the VM (repeatable)\n"
	  "  -4, -6                IPv4 or IPv6 echoes only\n"
	  "  -t, --time            the wall-clock time of each echo\n"
	  "  -j, --json            one JSON object per line (docs/json.md)\n"
	  "  -p, --show-path       print the VM's interfaces and addresses, and exit\n"
	  "  -w, --write FILE      also record what was seen to FILE, for vmtrace replay\n"
	  COLOR_HELP
	  "  -h, --help            this help\n" },
	{ "probe", probe_main, "probe VM [OPTIONS]",
	  "Send echoes to VM's address from a raw socket with an ICMP id of its own, follow\n"
	  "them as follow does, and exit 0 only if every one was answered.\n\n"
	  VM_FORMS "\n"
	  "Options:\n"
	  "  -c, --count N         send N echoes (5; 1 to 1000000)\n"
	  "  -i, --interval S      S seconds between echoes (0.2; at least 0.01)\n"
	  "  -s, --size BYTES      payload size (56; 0 to 65000)\n"
	  "  -I, --from IF|ADDR    send from this interface or address\n"
	  "  -W, --timeout S       wait S seconds for a reply before the verdict (1)\n"
	  "  -a, --addr ADDR       the address to probe, if the VM's are not known\n"
	  "  -4, -6                probe the VM's IPv4 or IPv6 address\n"
	  "  -t, --time            the wall-clock time of each echo\n"
	  "  -j, --json            one JSON object per line (docs/json.md)\n"
	  "  -w, --write FILE      also record what was seen to FILE, for vmtrace replay\n"
	  COLOR_HELP
	  "  -h, --help            this help\n" },
	{ "status", status_main, "status [OPTIONS]",
	  "The module's version, sessions, hooks, ring memory, and per hook point the\n"
	  "events emitted and lost.\n\n"
	  "Options:\n"
	  "  -j, --json            one JSON object (docs/json.md)\n"
	  "  -h, --help            this help\n" },
	{ "events", events_main, "events -I IFNAME[@NETNS][,...] [OPTIONS]",
	  "Every event vmtrace sees on the given interfaces, raw: echoes and their ARP/ND,\n"
	  "hops and drops, one per line.\n\n"
	  "Options:\n"
	  "  -I, --if LIST         the interfaces: IFNAME[@NETNS], comma-separated (required)\n"
	  "  -n, --netns NAME      the namespace of the interfaces that name none\n"
	  "  -a, --addr ADDR       only packets to or from ADDR (repeatable)\n"
	  "  -e, --icmp-id ID      only echoes with this ICMP id\n"
	  "  -c, --count N         stop after N events\n"
	  "  -d, --duration S      stop after S seconds\n"
	  "  -t, --time            the wall-clock time of each event\n"
	  "  -j, --json            one JSON object per line (docs/json.md)\n"
	  "  -w, --write FILE      also record the events to FILE, for vmtrace replay\n"
	  COLOR_HELP
	  "  -h, --help            this help\n" },
	{ "replay", replay_main, "replay FILE [OPTIONS]",
	  "Print a recording made with --write (follow, probe or events) as the live run\n"
	  "printed it: the same timelines, verdicts and causes (the causes as the host\n"
	  "showed them then), on any host, without the module. FILE - reads stdin.\n"
	  "The format: docs/recording.md.\n\n"
	  "Options:\n"
	  "  -t, --time            the wall-clock time of each echo or event\n"
	  "  -j, --json            one JSON object per line (docs/json.md)\n"
	  COLOR_HELP
	  "  -h, --help            this help\n" },
};

#define N_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: vmtrace COMMAND [OPTIONS]\n\nCommands:\n");
	for (i = 0; i < N_SUBCOMMANDS; i++)
		fprintf(f, "  vmtrace %s\n", subcommands[i].usage);
	fprintf(f, "  vmtrace help [COMMAND] | COMMAND --help\n"
		"  vmtrace --version\n\n"
		VM_FORMS
		"Exit codes: 0 success (probe: every echo replied), 1 failure (probe: an echo was lost),\n"
		"            2 bad usage or VM not found, 3 module missing or too old.\n");
}

/* vmtrace help COMMAND, vmtrace COMMAND --help: on stdout, exit 0. */
static int command_help(const char *name)
{
	size_t i;

	for (i = 0; i < N_SUBCOMMANDS; i++)
		if (!strcmp(name, subcommands[i].name)) {
			printf("Usage: vmtrace %s\n\n%s", subcommands[i].usage, subcommands[i].help);
			return VT_EXIT_OK;
		}
	vt_usage_error("help: unknown command '%s' (try 'vmtrace help')", name);
	return VT_EXIT_USAGE;
}

/* -h or --help among a command's arguments, before a "--" */
static int wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	return 0;
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

int vt_parse_color(const char *when, int *color)
{
	const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM");

	if (!strcmp(when, "auto"))	/* https://no-color.org: set and not empty */
		*color = isatty(STDOUT_FILENO) && !(no_color && *no_color) &&
			 !(term && !strcmp(term, "dumb"));
	else if (!strcmp(when, "always"))
		*color = 1;
	else if (!strcmp(when, "never"))
		*color = 0;
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
	if (!strcmp(argv[1], "help") && argc > 2)
		return argc > 3 ? (vt_usage_error("help: one command at a time"), VT_EXIT_USAGE) :
				  command_help(argv[2]);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return VT_EXIT_OK;
	}
	for (i = 0; i < N_SUBCOMMANDS; i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return wants_help(argc - 1, argv + 1) ? command_help(argv[1]) :
								subcommands[i].fn(argc - 1, argv + 1);
	vt_usage_error("unknown command '%s' (try 'vmtrace --help')", argv[1]);
	return VT_EXIT_USAGE;
}
