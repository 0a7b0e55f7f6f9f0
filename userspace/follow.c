// SPDX-License-Identifier: GPL-2.0
/*
 * vmtrace follow <vm>: watch the echoes to and from a VM, one timeline and
 * one verdict per echo. vmtrace probe <vm>: send our own echoes while
 * following them, and exit 0 only if every one was answered.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addr.h"
#include "cli.h"
#include "echo.h"
#include "format.h"
#include "render.h"
#include "linkwatch.h"
#include "resolve.h"
#include "rtnl.h"
#include "prober.h"
#include "session.h"
#include "verdict.h"


/* Names tenants choose (interfaces, namespaces, VMs), made safe for the terminal. */
#define NAME_LEN	VT_SAFE_LEN(256)

struct follow {
	const char *spec;
	struct vt_vm vm;
	struct vt_netns_names names;
	struct vt_tracker tracker;
	struct vt_session sessions[2];	/* two while one VM's interfaces change */
	struct vt_session *session;	/* the live one, in sessions[] */
	struct vt_filter filter;	/* what the session watches */
	struct vt_linkwatch links;	/* links coming and going: find the VM again */
	uint64_t refind_at;		/* resolve the VM again then (0: no need) */
	uint64_t refind_by;		/* at the latest then, however busy the links */
	unsigned int vm_missing;	/* the VM was not found: seconds to the next try (said once) */
	uint64_t lost_kernel, lost_socket;	/* of the sessions before this one */
	struct vt_env env;		/* the host's state, for causes */
	struct vt_summary sum;
	struct vt_render out;		/* text or JSON, on stdout */
	int json, color, family, show_path, probe;
	int time;			/* -t: wall-clock time in the text */
	uint64_t count;			/* follow: verdicts; probe: echoes to send */
	double duration, timeout, interval;
	unsigned int size;
	const char *from;
	int extra_naddrs;
	struct vt_addr extra[VMTRACE_MAX_ADDRS];
};

static void on_verdict(const struct vt_echo *e, const struct vt_verdict *v, void *arg)
{
	struct follow *f = arg;

	if (f->family && e->family != f->family)
		return;
	if (!f->probe && f->count && f->sum.echoes >= f->count)
		return;
	vt_summary_count(&f->sum, v);
	vt_render_verdict(&f->out, e, v);
}

static void on_event(const struct vmtrace_event *ev, void *arg)
{
	struct follow *f = arg;

	vt_tracker_add(&f->tracker, ev);
}

static int parse_opts(int argc, char **argv, struct follow *f)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "timeout", required_argument, NULL, 'W' },
		{ "interval", required_argument, NULL, 'i' },
		{ "size", required_argument, NULL, 's' },
		{ "from", required_argument, NULL, 'I' },
		{ "addr", required_argument, NULL, 'a' },
		{ "time", no_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "show-path", no_argument, NULL, 'p' },
		{ "color", optional_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = f->probe ? "probe" : "follow";
	uint64_t v;
	int c;

	opterr = 0;
	f->color = -1;
	while ((c = getopt_long(argc, argv, ":c:d:W:i:s:I:a:tjp46", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (vt_parse_uint(optarg, 1, 1000000, &f->count))
				return vt_usage_error("%s: --count wants 1..1000000, not '%s'", cmd, optarg);
			break;
		case 'd':
			if (f->probe || vt_parse_seconds(optarg, &f->duration))
				return vt_usage_error("%s: --duration %s", cmd, f->probe ?
						      "is for follow (probe stops after --count)" :
						      "wants seconds");
			break;
		case 'W':
			if (vt_parse_seconds(optarg, &f->timeout))
				return vt_usage_error("%s: --timeout wants seconds, not '%s'", cmd, optarg);
			break;
		case 'i':
			if (!f->probe || vt_parse_seconds(optarg, &f->interval) || f->interval < 0.01)
				return vt_usage_error("%s: --interval wants seconds >= 0.01 (probe only)", cmd);
			break;
		case 's':
			if (!f->probe || vt_parse_uint(optarg, 0, 65000, &v))
				return vt_usage_error("%s: --size wants 0..65000 bytes (probe only)", cmd);
			f->size = (unsigned int)v;
			break;
		case 'I':
			if (!f->probe)
				return vt_usage_error("follow: --from is for probe");
			f->from = optarg;
			break;
		case 'a':
			if (f->extra_naddrs == VMTRACE_MAX_ADDRS)
				return vt_usage_error("%s: too many --addr", cmd);
			if (vt_parse_addr(optarg, &f->extra[f->extra_naddrs].family,
					  f->extra[f->extra_naddrs].addr))
				return vt_usage_error("%s: '%s' is not an IPv4 or IPv6 address", cmd, optarg);
			f->extra_naddrs++;
			break;
		case 'j':
			f->json = 1;
			break;
		case 't':
			f->time = 1;
			break;
		case 'C':
			if (vt_parse_color(optarg ? optarg : "always", &f->color))
				return vt_usage_error("%s: --color wants auto, always or never, not '%s'", cmd, optarg);
			break;
		case 'p':
			f->show_path = 1;
			break;
		case '4':
			f->family = AF_INET;
			break;
		case '6':
			f->family = AF_INET6;
			break;
		case ':':
			return vt_usage_error("%s: option '%s' needs a value", cmd, argv[optind - 1]);
		default:
			return vt_usage_error("%s: unknown option '%s'", cmd, argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return vt_usage_error("%s: which VM? (pve:VMID, qemu:NAME, pid:PID, netns:NAME, if:IFNAME, ip:ADDR)", cmd);
	if (optind + 1 < argc)
		return vt_usage_error("%s: unexpected argument '%s'", cmd, argv[optind + 1]);
	f->spec = argv[optind];
	if (f->color < 0)
		vt_parse_color("auto", &f->color);
	return 0;
}

/* Zeroed first: two filters of the same VM compare equal with memcmp(). */
static void build_filter(const struct vt_vm *vm, struct vt_filter *flt, int icmp_id)
{
	unsigned int i;

	memset(flt, 0, sizeof(*flt));
	flt->icmp_id = icmp_id;
	for (i = 0; i < vm->npath; i++) {
		struct vt_iface *x = &flt->ifaces[flt->nifaces++];

		/* an overlay: its echoes cross the underlay inside UDP */
		if (vm->path[i].role == VT_ROLE_TUNNEL || vm->path[i].role == VT_ROLE_UNDERLAY)
			flt->tunnels = 1;
		x->netns_cookie = vm->path[i].netns_cookie;
		x->ifindex = vm->path[i].ifindex;
	}
	/* The VM's addresses narrow the trace to its echoes (and their ARP/ND). */
	for (i = 0; i < vm->naddrs && flt->naddrs < VMTRACE_MAX_ADDRS; i++) {
		flt->addrs[flt->naddrs].family = vm->addrs[i].family;
		memcpy(flt->addrs[flt->naddrs++].addr, vm->addrs[i].addr, 16);
	}
}

/*
 * Sleep until something is due: the next verdict, the next echo to send or
 * the end of --duration, so that an idle follow costs nothing. Capped so
 * that a stop signal landing just before poll() is seen soon.
 */
static int poll_ms(const struct follow *f, uint64_t now, uint64_t deadline, uint64_t next_send)
{
	uint64_t due = vt_tracker_next_ns(&f->tracker, now), cap = now + 250000000ULL;

	if (deadline && deadline < due)
		due = deadline;
	if (next_send && next_send < due)
		due = next_send;
	if (f->refind_at && f->refind_at < due)
		due = f->refind_at;
	if (due > cap)
		due = cap;
	return due <= now ? 0 : (int)((due - now + 999999) / 1000000);
}

/* Decide what is due: every verdict of this tick reads the host as it is now, once. */
static void tick(struct follow *f, int final)
{
	vt_env_forget(&f->env);
	vt_tracker_tick(&f->tracker, vt_now_ns(), final);
}

/* Resolve f->spec into @vm, with the --addr addresses; 0 or -errno with @why. */
static int resolve_vm(const struct follow *f, struct vt_vm *vm, char *why, size_t whylen)
{
	int err = vt_vm_resolve(f->spec, vm, why, whylen);

	if (err)
		return err;
	for (int i = 0; i < f->extra_naddrs && vm->naddrs < VMTRACE_MAX_ADDRS; i++) {
		vm->addrs[vm->naddrs].family = f->extra[i].family;
		memcpy(vm->addrs[vm->naddrs++].addr, f->extra[i].addr, 16);
	}
	return 0;
}

/*
 * A link came or went: resolve again once the links have been quiet for a
 * moment (a VM's start creates its tap, then bridges it), but at the latest
 * a second after the first change, however busy the host's links are.
 */
static void links_changed(struct follow *f, uint64_t now)
{
	if (!f->refind_at || f->vm_missing)	/* a retry's backoff gives way to a change */
		f->refind_by = now + 1000000000ULL;
	f->refind_at = now + 300000000ULL;
	if (f->refind_at > f->refind_by)
		f->refind_at = f->refind_by;
}

/*
 * Find the VM again. If its interfaces changed (its tap deleted and made
 * anew under the same name when the VM restarted, or moved to another
 * bridge), trace the new ones: a new session, then the old one stopped,
 * and the echoes in flight decided on the old path. If the VM cannot be
 * found (stopped), say so once and try again, less and less often, until
 * it comes back. If the new session cannot start, the old one goes on
 * (the reason is on stderr).
 */
static void refind_vm(struct follow *f)
{
	struct vt_session *old;
	struct vt_vm *vm;
	struct vt_filter *flt;
	char why[1024], safe[VT_SAFE_LEN(sizeof(why))], name[NAME_LEN];

	f->refind_at = 0;
	vm = calloc(1, sizeof(*vm));
	flt = calloc(1, sizeof(*flt));
	if (!vm || !flt)
		goto out;	/* try at the next change */
	if (resolve_vm(f, vm, why, sizeof(why))) {
		if (!f->vm_missing)
			fprintf(stderr, "vmtrace: %s is gone for now (%s): still watching for it\n",
				VT_SAFE(name, f->vm.name), VT_SAFE(safe, why));
		/* its last link event may come before it can be resolved: try again, 1 s to 16 s apart */
		f->vm_missing = f->vm_missing ? (f->vm_missing < 16 ? 2 * f->vm_missing : 16) : 1;
		f->refind_at = vt_now_ns() + (uint64_t)f->vm_missing * 1000000000ULL;
		goto out;
	}
	f->vm_missing = 0;
	if (f->probe) {		/* only our echoes, to the one address we probe */
		vm->naddrs = f->vm.naddrs;
		memcpy(vm->addrs, f->vm.addrs, sizeof(vm->addrs));
	}
	build_filter(vm, flt, f->filter.icmp_id);
	if (!memcmp(flt, &f->filter, sizeof(*flt)))
		goto out;
	old = f->session;
	f->session = &f->sessions[old == f->sessions];
	if (vt_session_start_or_report(f->session, flt, on_event, f)) {
		f->session = old;
		goto out;
	}
	/*
	 * The old session's last events go to the tracker (those the new one
	 * also delivered are left out there as the same hop); then the echoes
	 * in flight are decided on the path they crossed, before it changes.
	 */
	vt_session_stop(old);
	f->lost_kernel += old->lost_kernel;
	f->lost_socket += old->lost_socket;
	tick(f, 1);
	f->filter = *flt;
	f->vm = *vm;
	vt_netns_names_load(&f->names);
	vt_env_forget(&f->env);
	vt_render_path(&f->out, &f->vm, "path");
out:
	free(flt);
	free(vm);
}

/* Wait for events, links and time; 0 or -errno. */
static int wait_events(struct follow *f, int timeout_ms)
{
	struct pollfd pfd[2] = {
		{ .fd = vt_nl_fd(&f->session->nl), .events = POLLIN },
		{ .fd = vt_linkwatch_fd(&f->links), .events = POLLIN },
	};
	int n, err;

	n = poll(pfd, pfd[1].fd >= 0 ? 2 : 1, timeout_ms);
	if (n < 0)
		return -errno;
	if (pfd[1].fd >= 0 && (pfd[1].revents & POLLIN)) {
		err = vt_linkwatch_read(&f->links);
		if (err > 0)
			links_changed(f, vt_now_ns());
		else if (err < 0)	/* no more watching; what is traced stays traced */
			vt_linkwatch_close(&f->links);
	}
	return pfd[0].revents ? vt_session_poll(f->session, 0) : 0;
}

static int run(struct follow *f)
{
	struct vt_prober pr = { .fd = -1 };
	uint64_t start, next_send = 0, deadline = 0;
	uint64_t sent = 0;	/* up to --count's 1000000; the ICMP seq wraps at 65536 */
	char why[1024];
	int err, rc;

	f->out = (struct vt_render){ .out = stdout, .json = f->json, .color = f->color, .time = f->time,
				     .names = &f->names };
	err = resolve_vm(f, &f->vm, why, sizeof(why));
	if (err) {
		char safe[VT_SAFE_LEN(sizeof(why))], spec[NAME_LEN];

		fprintf(stderr, "vmtrace: cannot resolve '%s': %s\n", VT_SAFE(spec, f->spec), VT_SAFE(safe, why));
		return VT_EXIT_USAGE;
	}
	vt_netns_names_load(&f->names);
	if (f->show_path) {
		vt_render_path(&f->out, &f->vm, "start");
		return VT_EXIT_OK;
	}
	if (f->probe) {
		err = vt_prober_open(&pr, &f->vm, f->family, f->from);
		if (err == -EDESTADDRREQ) {
			char name[NAME_LEN];

			fprintf(stderr, "vmtrace: no %saddress known for %s: give one with --addr\n",
				f->family == AF_INET6 ? "IPv6 " : f->family == AF_INET ? "IPv4 " : "",
				VT_SAFE(name, f->vm.name));
			return VT_EXIT_USAGE;
		}
		if (err) {
			fprintf(stderr, "vmtrace: cannot open a raw ICMP socket%s%s: %s\n",
				f->from ? " from " : "", f->from ? f->from : "", strerror(-err));
			return VT_EXIT_FAIL;
		}
		/* only our echoes, to the one address we probe */
		f->vm.naddrs = 1;
		f->vm.addrs[0].family = pr.family;
		memcpy(f->vm.addrs[0].addr, pr.dst, 16);
	}
	vt_env_init(&f->env, &f->vm, &f->names);
	build_filter(&f->vm, &f->filter, f->probe ? pr.id : -1);
	vt_tracker_init(&f->tracker, &f->vm,
			(uint64_t)((f->timeout > 0 ? f->timeout : f->probe ? 1.0 : 2.0) * 1e9));
	f->tracker.decide = vt_decide;
	f->tracker.on_verdict = on_verdict;
	f->tracker.env = &f->env;
	f->tracker.arg = f;

	vt_catch_stop_signals();
	f->session = &f->sessions[0];
	rc = vt_session_start_or_report(f->session, &f->filter, on_event, f);
	if (rc)
		return rc;
	/* without it, follow goes on with the interfaces it found first */
	if (vt_linkwatch_open(&f->links))
		f->links.nl = NULL;
	if (f->json)
		vt_render_path(&f->out, &f->vm, "start");
	start = vt_now_ns();
	if (f->duration > 0)
		deadline = start + (uint64_t)(f->duration * 1e9);
	if (f->probe && !f->count)
		f->count = 5;
	while (!vt_stop_requested()) {
		uint64_t now = vt_now_ns();

		if (f->probe) {
			if (sent < f->count && now >= next_send) {
				err = vt_prober_send(&pr, (uint16_t)(sent + 1), f->size ? f->size : 56);
				vt_tracker_expect(&f->tracker, pr.family, pr.dst, pr.id, (uint16_t)(sent + 1),
						  now, err);
				sent++;
				next_send = now + (uint64_t)((f->interval > 0 ? f->interval : 0.2) * 1e9);
				if (sent == f->count)
					deadline = now + f->tracker.timeout_ns + f->tracker.settle_ns;
			}
			vt_prober_drain(&pr);
		}
		if (deadline && now >= deadline)
			break;
		if (!f->probe && f->count && f->sum.echoes >= f->count)
			break;
		err = wait_events(f, poll_ms(f, now, deadline,
					     f->probe && sent < f->count ? next_send : 0));
		if (err && err != -EINTR && err != -EAGAIN) {
			vt_nl_perror(&f->session->nl, "receiving events", err);
			break;
		}
		tick(f, 0);
		if (f->refind_at && vt_now_ns() >= f->refind_at)
			refind_vm(f);
		if (f->probe && sent == f->count && f->sum.echoes >= f->count)
			break;
	}
	vt_linkwatch_close(&f->links);
	vt_session_stop(f->session);
	tick(f, 1);
	vt_tracker_free(&f->tracker);
	if (pr.fd >= 0)
		close(pr.fd);
	f->sum.lost_kernel = f->lost_kernel + f->session->lost_kernel;
	f->sum.lost_socket = f->lost_socket + f->session->lost_socket;
	f->sum.lost_echo_full = f->tracker.dropped_events;
	f->sum.evicted = f->tracker.evicted;
	f->sum.after_verdict = f->tracker.after_verdict;
	vt_render_summary(&f->out, &f->sum);
	vt_env_free(&f->env);
	if (f->probe)
		return f->sum.by_status[VT_REPLIED] == f->count ? VT_EXIT_OK : VT_EXIT_FAIL;
	return VT_EXIT_OK;
}

static int follow_or_probe(int argc, char **argv, int probe)
{
	struct follow *f = calloc(1, sizeof(*f));
	int rc;

	if (!f)
		return VT_EXIT_FAIL;
	f->probe = probe;
	rc = parse_opts(argc, argv, f) ? VT_EXIT_USAGE : run(f);
	free(f);
	return rc;
}

int follow_main(int argc, char **argv)
{
	return follow_or_probe(argc, argv, 0);
}

int probe_main(int argc, char **argv)
{
	return follow_or_probe(argc, argv, 1);
}
