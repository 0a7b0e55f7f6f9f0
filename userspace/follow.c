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
#include "record.h"
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
	uint64_t received, lost_kernel, lost_socket;	/* of the sessions before this one */
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
	const char *write;		/* -w: record to this file */
	struct vt_rec_writer rec;
	/* replaying: the recorded verdicts of the tick being replayed */
	int replay, unrecorded;		/* unrecorded: decide by the kernel's word alone */
	unsigned int nrecorded;
	struct vt_rec_verdict *recorded;	/* VT_ECHO_MAX: no tick decides more */
	uint64_t unmatched;		/* recorded verdicts of echoes the replay did not have */
	struct vt_rec_verdict held;	/* the one being handed to the tracker */
	unsigned int ncause_ids;
	char cause_ids[128][32];
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

	if (f->rec.f)
		vt_rec_put(&f->rec, VT_REC_EVENT, 0, vt_now_ns(), 0, ev, sizeof(*ev));
	vt_tracker_add(&f->tracker, ev);
}

/*
 * A recorded cause id, kept while the replay runs: a verdict waits for the
 * older echoes' after its record is gone. NULL for none (or too many ids:
 * there are not that many causes).
 */
static const char *intern_cause(struct follow *f, const char *id)
{
	unsigned int i;

	if (!*id)
		return NULL;
	for (i = 0; i < f->ncause_ids; i++)
		if (!strcmp(f->cause_ids[i], id))
			return f->cause_ids[i];
	if (f->ncause_ids == sizeof(f->cause_ids) / sizeof(f->cause_ids[0]))
		return "unknown";
	snprintf(f->cause_ids[f->ncause_ids], sizeof(f->cause_ids[0]), "%s", id);
	return f->cause_ids[f->ncause_ids++];
}

/* The verdict a recording holds for @e, taken out of the tick's list; 1 if found. */
static int take_recorded(struct follow *f, const struct vt_echo *e, struct vt_verdict *v)
{
	for (unsigned int i = 0; i < f->nrecorded; i++) {
		struct vt_rec_verdict *r = &f->recorded[i];

		if (r->family != e->family || r->id != e->id || r->seq != e->seq ||
		    memcmp(r->src, e->src, 16) || memcmp(r->dst, e->dst, 16))
			continue;
		memset(v, 0, sizeof(*v));
		v->status = (enum vt_status)r->status;
		v->cause.id = intern_cause(f, r->cause_id);
		snprintf(v->cause.explain, sizeof(v->cause.explain), "%s", r->explain);
		snprintf(v->cause.check, sizeof(v->cause.check), "%s", r->check);
		v->cause.inferred = (int)r->inferred;
		v->rtt_ns = r->rtt_ns;
		v->via_neighbour = (int)r->via_neighbour;
		/* the tracker copies the hop before this tick ends: the slot may go now */
		f->held = *r;
		v->hop = r->has_hop ? &f->held.hop : NULL;
		*r = f->recorded[--f->nrecorded];
		return 1;
	}
	return 0;
}

/*
 * Live: vt_decide() reading the host, and the verdict recorded with its
 * cause (the host's state it read is not). Replayed: the recorded verdict.
 */
static int decide(const struct vt_tracker *t, const struct vt_echo *e, uint64_t now, int final,
		  struct vt_verdict *v)
{
	struct follow *f = t->arg;

	if (f->replay && take_recorded(f, e, v))
		return 1;
	if (f->replay && !f->unrecorded)
		return 0;
	if (!vt_decide(t, e, now, final, v))
		return 0;
	vt_rec_put_verdict(&f->rec, e, v, now);
	return 1;
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
		{ "write", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = f->probe ? "probe" : "follow";
	uint64_t v;
	int c;

	opterr = 0;
	f->color = -1;
	while ((c = getopt_long(argc, argv, ":c:d:W:i:s:I:a:tjp46w:", opts, NULL)) != -1) {
		switch (c) {
		case 'w':
			f->write = optarg;
			break;
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
	if (f->write && f->show_path)
		return vt_usage_error("%s: --write records a trace; --show-path traces nothing", cmd);
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

/*
 * Decide what is due: every verdict of this tick reads the host as it is
 * now, once. Recorded after its verdicts, with the wall-clock offset they
 * were printed with.
 */
static void tick(struct follow *f, int final)
{
	uint64_t now = vt_now_ns();

	f->out.wall_offset_ns = vt_wall_offset_ns();
	vt_env_forget(&f->env);
	vt_tracker_tick(&f->tracker, now, final);
	vt_rec_put(&f->rec, VT_REC_TICK, final ? VT_REC_TICK_FINAL : 0, now, f->out.wall_offset_ns, NULL, 0);
	vt_rec_flush(&f->rec);
}

/* Our probe sent an echo: the tracker expects it, the recording keeps it. */
static void expect(struct follow *f, int family, const uint8_t *dst, uint16_t id, uint16_t seq,
		   uint64_t now, int err)
{
	struct vt_rec_expect x = { .family = family, .id = id, .seq = seq, .send_err = err };

	memcpy(x.dst, dst, sizeof(x.dst));
	vt_rec_put(&f->rec, VT_REC_EXPECT, 0, now, 0, &x, sizeof(x));
	vt_tracker_expect(&f->tracker, family, dst, id, seq, now, err);
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
	f->received += old->received;
	f->lost_kernel += old->lost_kernel;
	f->lost_socket += old->lost_socket;
	tick(f, 1);
	f->filter = *flt;
	f->vm = *vm;
	vt_netns_names_load(&f->names);
	vt_rec_put_names(&f->rec, &f->names, vt_now_ns());
	vt_rec_put_vm(&f->rec, &f->vm, 1, vt_now_ns());
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

/* Header, options, names, VM: what a replay needs before the first event. */
static int start_recording(struct follow *f)
{
	struct vt_rec_options o = {
		.count = f->count, .timeout_ns = f->tracker.timeout_ns,
		.settle_ns = f->tracker.settle_ns, .family = f->family,
	};
	uint64_t now = vt_now_ns();
	int err = vt_rec_create(&f->rec, f->write, f->probe ? "probe" : "follow");

	if (err) {
		fprintf(stderr, "vmtrace: cannot write %s: %s\n", f->write,
			err == -EPERM ? "not a file of ours (another user's, a symlink or a device)" :
			strerror(-err));
		return err;
	}
	vt_rec_put(&f->rec, VT_REC_OPTIONS, 0, now, 0, &o, sizeof(o));
	vt_rec_put_names(&f->rec, &f->names, now);
	vt_rec_put_vm(&f->rec, &f->vm, 0, now);
	vt_rec_flush(&f->rec);
	return f->rec.err;
}

/* The summary, live or replayed; the exit code. */
static int finish(struct follow *f)
{
	f->sum.lost_kernel = f->lost_kernel;
	f->sum.lost_socket = f->lost_socket;
	f->sum.lost_echo_full = f->tracker.dropped_events;
	f->sum.evicted = f->tracker.evicted;
	f->sum.after_verdict = f->tracker.after_verdict;
	vt_tracker_free(&f->tracker);
	vt_render_summary(&f->out, &f->sum);
	if (f->probe)
		return f->sum.by_status[VT_REPLIED] == f->count ? VT_EXIT_OK : VT_EXIT_FAIL;
	return VT_EXIT_OK;
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
	f->tracker.decide = decide;
	f->tracker.on_verdict = on_verdict;
	f->tracker.env = &f->env;
	f->tracker.arg = f;

	if (f->probe && !f->count)
		f->count = 5;
	/* before the session: its first events may come with its start */
	if (f->write) {
		if (start_recording(f)) {	/* said on stderr */
			vt_rec_close(&f->rec);
			return VT_EXIT_FAIL;
		}
	}

	vt_catch_stop_signals();
	f->session = &f->sessions[0];
	rc = vt_session_start_or_report(f->session, &f->filter, on_event, f);
	if (rc) {
		/* nothing was traced: no recording that would replay as a quiet run */
		if (f->write) {
			vt_rec_close(&f->rec);
			unlink(f->write);
		}
		return rc;
	}
	/* without it, follow goes on with the interfaces it found first */
	if (vt_linkwatch_open(&f->links))
		f->links.nl = NULL;
	if (f->json)
		vt_render_path(&f->out, &f->vm, "start");
	start = vt_now_ns();
	if (f->duration > 0)
		deadline = start + (uint64_t)(f->duration * 1e9);
	while (!vt_stop_requested()) {
		uint64_t now = vt_now_ns();

		if (f->probe) {
			if (sent < f->count && now >= next_send) {
				err = vt_prober_send(&pr, (uint16_t)(sent + 1), f->size ? f->size : 56);
				expect(f, pr.family, pr.dst, pr.id, (uint16_t)(sent + 1), now, err);
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
	if (pr.fd >= 0)
		close(pr.fd);
	f->lost_kernel += f->session->lost_kernel;
	f->lost_socket += f->session->lost_socket;
	rc = finish(f);
	vt_env_free(&f->env);
	if (f->write) {
		struct vt_rec_lost lost = {
			.received = f->received + f->session->received,
			.lost_kernel = f->lost_kernel, .lost_socket = f->lost_socket,
		};

		vt_rec_put(&f->rec, VT_REC_LOST, 0, vt_now_ns(), 0, &lost, sizeof(lost));
		if (vt_rec_close(&f->rec))	/* said on stderr when it happened */
			rc = VT_EXIT_FAIL;
	}
	return rc;
}

/*
 * A tick as recorded: the verdicts the live run reached (recorded just
 * before it) go to the echoes the replayed tracker holds, and come out as
 * they came out then.
 */
static void replay_tick(struct follow *f, const struct vt_rec_header *h)
{
	f->out.wall_offset_ns = h->wall_offset_ns;
	vt_tracker_tick(&f->tracker, h->mono_ns, h->flags & VT_REC_TICK_FINAL);
	f->unmatched += f->nrecorded;
	f->nrecorded = 0;
}

/* One record of a follow or probe recording; 0 or -EBADMSG with @why. */
static int replay_record(struct follow *f, struct vt_rec_reader *rd, const struct vt_rec_header *h,
			 int *seen_vm, char *why, size_t whylen)
{
	const void *p = rd->buf;

	switch (h->type) {
	case VT_REC_OPTIONS: {
		const struct vt_rec_options *o = p;

		if (*seen_vm)
			return vt_rec_invalid(rd, h, why, whylen);
		f->count = o->count;
		f->family = o->family == AF_INET || o->family == AF_INET6 ? o->family : 0;
		vt_tracker_free(&f->tracker);
		vt_tracker_init(&f->tracker, &f->vm, o->timeout_ns);
		f->tracker.settle_ns = o->settle_ns;
		f->tracker.decide = decide;
		f->tracker.on_verdict = on_verdict;
		f->tracker.arg = f;
		break;
	}
	case VT_REC_NETNS_NAMES:
		if (vt_rec_get_names(p, h->len, &f->names))
			return vt_rec_invalid(rd, h, why, whylen);
		break;
	case VT_REC_VM:
		if (vt_rec_get_vm(p, h->len, &f->vm))
			return vt_rec_invalid(rd, h, why, whylen);
		if (*seen_vm || f->json)
			vt_render_path(&f->out, &f->vm, *seen_vm ? "path" : "start");
		*seen_vm = 1;
		break;
	case VT_REC_EVENT:
		vt_tracker_add(&f->tracker, p);
		break;
	case VT_REC_EXPECT: {
		const struct vt_rec_expect *x = p;

		if ((x->family != AF_INET && x->family != AF_INET6) || x->send_err > 0 || x->send_err < -4095)
			return vt_rec_invalid(rd, h, why, whylen);
		vt_tracker_expect(&f->tracker, x->family, x->dst, x->id, x->seq, h->mono_ns, x->send_err);
		break;
	}
	case VT_REC_VERDICT:
		if (f->nrecorded == VT_ECHO_MAX ||
		    vt_rec_get_verdict(p, h->len, &f->recorded[f->nrecorded]))
			return vt_rec_invalid(rd, h, why, whylen);
		f->nrecorded++;
		break;
	case VT_REC_TICK:
		replay_tick(f, h);
		break;
	case VT_REC_LOST: {
		const struct vt_rec_lost *l = p;

		f->lost_kernel = l->lost_kernel;
		f->lost_socket = l->lost_socket;
		break;
	}
	default:	/* a newer vmtrace's record */
		break;
	}
	return 0;
}

int vt_follow_replay(struct vt_rec_reader *rd, const struct vt_replay_opts *ro, char *why, size_t whylen)
{
	struct follow *f = calloc(1, sizeof(*f));
	struct vt_rec_header h = { 0 };
	uint64_t last_ns = 0;
	int n, seen_vm = 0, err = 0, rc;

	if (!f)
		return -ENOMEM;
	f->recorded = calloc(VT_ECHO_MAX, sizeof(*f->recorded));
	if (!f->recorded) {
		free(f);
		return -ENOMEM;
	}
	f->replay = 1;
	f->probe = !strcmp(rd->fh.command, "probe");
	f->json = ro->json;
	f->color = ro->color;
	f->time = ro->time;
	f->out = (struct vt_render){ .out = stdout, .json = f->json, .color = f->color, .time = f->time,
				     .names = &f->names };
	vt_tracker_init(&f->tracker, &f->vm, 2000000000ULL);	/* until the options say */
	f->tracker.decide = decide;
	f->tracker.on_verdict = on_verdict;
	f->tracker.arg = f;
	while ((n = vt_rec_next(rd, &h, why, whylen)) > 0) {
		err = replay_record(f, rd, &h, &seen_vm, why, whylen);
		if (err)
			break;
		if (h.mono_ns > last_ns)
			last_ns = h.mono_ns;
	}
	if (n < 0)
		err = n;
	/*
	 * Cut short (the writer killed, a disk full) or broken: the echoes left
	 * are decided on the kernel's word alone, as a final tick would have.
	 */
	if (err || h.type != VT_REC_LOST) {
		f->unrecorded = 1;
		vt_tracker_tick(&f->tracker, last_ns, 1);
		if (!err) {	/* the writer was killed between two records */
			err = vt_rec_unfinished(rd, why, whylen);
		}
	}
	rc = finish(f);
	if (f->unmatched)
		fprintf(stderr, "vmtrace: %" PRIu64 " recorded verdicts matched no echo of the recording\n",
			f->unmatched);
	free(f->recorded);
	free(f);
	return err ? err : rc;
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
