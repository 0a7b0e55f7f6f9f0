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
#include "linkwatch.h"
#include "resolve.h"
#include "rtnl.h"
#include "prober.h"
#include "session.h"
#include "verdict.h"


/* A name for the terminal: tenants choose interface, namespace and VM names. */
#define SAFE(buf, str)	vt_text_safe(buf, sizeof(buf), str, (sizeof(buf) - 1) / 4)
#define NAME_LEN	VT_SAFE_LEN(256)
#define IFNAME_LEN	VT_SAFE_LEN(VMTRACE_IFNAMSIZ)

struct summary {
	uint64_t echoes, by_status[VT_UNSEEN + 1];
	unsigned int ndrops;
	struct {
		char key[64];
		uint64_t n;
	} drops[32];
};

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
	struct summary sum;
	int json, color, family, show_path, probe;
	int time;			/* -t: wall-clock time in the text */
	uint64_t count;			/* follow: verdicts; probe: echoes to send */
	double duration, timeout, interval;
	unsigned int size;
	const char *from;
	int extra_naddrs;
	struct vt_addr extra[VMTRACE_MAX_ADDRS];
};

static const char *c_on(const struct follow *f, const char *code)
{
	return f->color ? code : "";
}

static const char *netns_of(const struct follow *f, const struct vmtrace_event *ev)
{
	const char *n = vt_netns_name(&f->names, ev->netns_inum);

	return *n ? n : "?";
}

static void addr_str(int family, const uint8_t *a, char *buf, size_t len)
{
	vt_addr_str((unsigned int)family, a, buf, len);
}

static void json_echo(FILE *o, const struct vt_echo *e, int request)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];

	addr_str(e->family, request ? e->src : e->dst, s, sizeof(s));
	addr_str(e->family, request ? e->dst : e->src, d, sizeof(d));
	fprintf(o, "\"echo\":{\"family\":\"%s\",\"src\":\"%s\",\"dst\":\"%s\",\"id\":%u,\"seq\":%u,\"kind\":\"%s\"}",
		vt_family_name((unsigned int)e->family), s, d, e->id, e->seq,
		request ? "request" : "reply");
}

static void json_hop(const struct follow *f, const struct vt_echo *e, const struct vmtrace_event *ev)
{
	vt_hop_json_open(stdout, ev, &f->names);
	printf(",\"delta_ns\":%" PRIu64 "}\n", (uint64_t)(ev->ts_ns - e->first_ts));
}

static void summary_count(struct summary *s, const struct vt_verdict *v)
{
	char key[64];
	unsigned int i;

	s->echoes++;
	s->by_status[v->status]++;
	if (v->status != VT_DROPPED)
		return;
	snprintf(key, sizeof(key), "%.16s/%s", v->hop->ifname, v->cause.id);
	for (i = 0; i < s->ndrops; i++)
		if (!strcmp(s->drops[i].key, key))
			break;
	if (i == s->ndrops) {
		if (s->ndrops == 32)
			return;
		snprintf(s->drops[s->ndrops++].key, sizeof(s->drops[0].key), "%s", key);
	}
	s->drops[i].n++;
}

static void print_verdict_json(const struct follow *f, const struct vt_echo *e,
			       const struct vt_verdict *v)
{
	char when[32];
	unsigned int i;

	for (i = 0; i < e->nev; i++)
		json_hop(f, e, &e->ev[i]);
	printf("{\"type\":\"verdict\",");
	json_echo(stdout, e, 1);
	printf(",\"time\":\"%s\",\"status\":\"%s\"", vt_wall_time(when, sizeof(when), e->first_ts, 1),
	       vt_status_name(v->status));
	if (v->hop) {
		char ifname[VMTRACE_IFNAMSIZ + 1];

		snprintf(ifname, sizeof(ifname), "%.*s", VMTRACE_IFNAMSIZ, v->hop->ifname);
		printf(",\"hop\":{\"ifname\":");
		vt_json_str(stdout, ifname);
		printf(",\"netns\":");
		vt_json_str(stdout, netns_of(f, v->hop));
		printf(",\"point\":\"%s\",\"kind\":\"%s\"}", vt_point_name(v->hop->point),
		       vt_kind_name(v->hop->kind));
	}
	if (v->status == VT_DROPPED && v->hop)
		printf(",\"reason\":\"%.*s\",\"location\":\"%.*s\"", VMTRACE_REASON_LEN,
		       v->hop->reason, VMTRACE_LOCATION_LEN, v->hop->location);
	if (v->cause.id) {
		printf(",\"cause\":\"%s\",\"explain\":", v->cause.id);
		vt_json_str(stdout, v->cause.explain);
		printf(",\"check\":");
		vt_json_str(stdout, v->cause.check);
		printf(",\"inferred\":%s", v->cause.inferred ? "true" : "false");
	}
	if (v->via_neighbour)
		printf(",\"via_neighbour\":true");
	if (v->status == VT_REPLIED)
		printf(",\"rtt_ns\":%" PRIu64, v->rtt_ns);
	printf("}\n");
}

/*
 * A timeline line, built by hand: follow prints one per hop for hundreds of
 * echoes a second, and vfprintf was most of its CPU time.
 */
struct line {
	char buf[1536];	/* the longest: a 255-byte netns name and two ifnames escaped, a reason, a location */
	size_t len;
};

/* Append at most @max bytes of @str, padded with spaces to @width; right-aligned if @width < 0. */
static void put(struct line *l, const char *str, size_t max, int width)
{
	size_t n = strnlen(str, max), w = (size_t)(width < 0 ? -width : width);
	size_t pad = n < w ? w - n : 0;

	if (l->len + n + pad >= sizeof(l->buf))
		return;
	if (width < 0) {
		memset(l->buf + l->len, ' ', pad);
		l->len += pad;
	}
	memcpy(l->buf + l->len, str, n);
	l->len += n;
	if (width > 0) {
		memset(l->buf + l->len, ' ', pad);
		l->len += pad;
	}
}

static void print_hop_text(const struct follow *f, const struct vt_echo *e,
			   const struct vmtrace_event *ev)
{
	int drop = (ev->flags & VMTRACE_EV_DROP) && !vt_drop_is_benign(ev);
	char in[IFNAME_LEN], out[IFNAME_LEN], ns[NAME_LEN];
	struct line l, where;
	char us[24];

	/* only len: the buffers are written before they are read */
	l.len = 0;
	where.len = 0;

	put(&where, SAFE(in, ev->ifname), sizeof(in), 0);
	if (ev->out_ifname[0]) {
		put(&where, " -> ", 4, 0);
		put(&where, SAFE(out, ev->out_ifname), sizeof(out), 0);
	}
	us[0] = '+';
	vt_decimal(us + 1, sizeof(us) - 1, ev->ts_ns - e->first_ts, 3, 1);
	put(&l, "  ", 2, 0);
	put(&l, drop ? c_on(f, "\033[31m") : "", 8, 0);
	put(&l, us, sizeof(us), -10);
	put(&l, "us  ", 4, 0);
	put(&l, vt_kind_name(ev->kind), 32, 7);
	put(&l, " ", 1, 0);
	put(&l, SAFE(ns, netns_of(f, ev)), sizeof(ns), 8);
	put(&l, " ", 1, 0);
	put(&l, vt_point_name(ev->point), 32, 18);
	put(&l, " ", 1, 0);
	put(&l, where.buf, where.len, 22);
	put(&l, drop ? c_on(f, "\033[0m") : "", 8, 0);
	if (ev->flags & VMTRACE_EV_DROP) {
		put(&l, drop ? " DROPPED " : " freed ", 9, 0);
		/* no reason: kernels before 5.17 */
		put(&l, ev->reason[0] ? ev->reason : "-", VMTRACE_REASON_LEN, 0);
		put(&l, " at ", 4, 0);
		put(&l, ev->location, VMTRACE_LOCATION_LEN, 0);
	}
	put(&l, "\n", 1, 0);
	fwrite(l.buf, 1, l.len, stdout);
}

static void print_verdict_text(const struct follow *f, const struct vt_echo *e,
			       const struct vt_verdict *v)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN], us[24], ifname[IFNAME_LEN], ns[NAME_LEN], when[32];
	char explain[VT_SAFE_LEN(sizeof(v->cause.explain))], check[VT_SAFE_LEN(sizeof(v->cause.check))];
	unsigned int i;

	SAFE(ifname, v->hop ? v->hop->ifname : "");
	SAFE(ns, v->hop ? netns_of(f, v->hop) : "");
	SAFE(explain, v->cause.explain);
	SAFE(check, v->cause.check);
	addr_str(e->family, e->src, s, sizeof(s));
	addr_str(e->family, e->dst, d, sizeof(d));
	if (f->time)
		printf("%s ", vt_wall_time(when, sizeof(when), e->first_ts, 0));
	printf("%sseq %u%s  %s -> %s echo id %u\n", c_on(f, "\033[1m"), e->seq, c_on(f, "\033[0m"),
	       s, d, e->id);
	for (i = 0; i < e->nev; i++)
		print_hop_text(f, e, &e->ev[i]);
	switch (v->status) {
	case VT_REPLIED:
		printf("  %sreplied%s in %sus\n", c_on(f, "\033[32m"), c_on(f, "\033[0m"),
		       vt_decimal(us, sizeof(us), v->rtt_ns, 3, 1));
		break;
	case VT_UNSEEN:
		printf("  %sunseen%s: a reply with no request on the traced path\n",
		       c_on(f, "\033[33m"), c_on(f, "\033[0m"));
		printf("  cause: %s%s%s — %s\n  check: %s\n", c_on(f, "\033[1m"), v->cause.id,
		       c_on(f, "\033[0m"), explain, check);
		break;
	case VT_LOST_ON_HOST:
		if (v->hop)
			printf("  %slost-on-host%s: last seen at %s %s%s, then gone without a drop\n",
			       c_on(f, "\033[33m"), c_on(f, "\033[0m"), vt_point_name(v->hop->point),
			       ifname, v->via_neighbour ? " (its ARP/ND)" : "");
		else
			printf("  %slost-on-host%s: sent, never seen on the VM's path\n",
			       c_on(f, "\033[33m"), c_on(f, "\033[0m"));
		printf("  cause: %s%s%s — %s\n  check: %s\n", c_on(f, "\033[1m"), v->cause.id,
		       c_on(f, "\033[0m"), explain, check);
		break;
	default:
		printf("  %s%s%s %s %s %s %.*s%s\n", c_on(f, "\033[31;1m"),
		       v->status == VT_DROPPED ? "DROPPED" : v->status == VT_WRONG_VM ? "WRONG-VM" : "LOST-IN-VM",
		       c_on(f, "\033[0m"),
		       ns, ifname, vt_point_name(v->hop->point),
		       VMTRACE_REASON_LEN, v->status != VT_DROPPED ? "" : v->hop->reason[0] ? v->hop->reason : "-",
		       v->via_neighbour ? " (its ARP/ND)" : "");
		printf("  cause: %s%s%s — %s\n  check: %s\n", c_on(f, "\033[1m"), v->cause.id,
		       c_on(f, "\033[0m"), explain, check);
	}
	fflush(stdout);
}

static void on_verdict(const struct vt_echo *e, const struct vt_verdict *v, void *arg)
{
	struct follow *f = arg;

	if (f->family && e->family != f->family)
		return;
	if (!f->probe && f->count && f->sum.echoes >= f->count)
		return;
	summary_count(&f->sum, v);
	if (f->json)
		print_verdict_json(f, e, v);
	else
		print_verdict_text(f, e, v);
}

static void on_event(const struct vmtrace_event *ev, void *arg)
{
	struct follow *f = arg;

	vt_tracker_add(&f->tracker, ev);
}

/* @type: "start", or "path" when the VM was found again with other interfaces. */
static void print_path(const struct follow *f, const char *type)
{
	char a[INET6_ADDRSTRLEN], name[NAME_LEN], ifname[IFNAME_LEN], master[IFNAME_LEN], kind[VT_SAFE_LEN(16)];
	unsigned int i;

	if (f->json) {
		printf("{\"type\":\"%s\",\"version\":%d,\"vm\":{\"name\":", type, VT_JSON_VERSION);
		vt_json_str(stdout, f->vm.name);
		printf(",\"source\":\"%s\"},\"path\":[", f->vm.source);
		for (i = 0; i < f->vm.npath; i++) {
			const struct vt_path_elem *e = &f->vm.path[i];

			printf("%s{\"ifname\":", i ? "," : "");
			vt_json_str(stdout, e->ifname);
			printf(",\"ifindex\":%d,\"netns\":", e->ifindex);
			vt_json_str(stdout, e->netns[0] ? e->netns : "host");
			printf(",\"kind\":\"%s\",\"role\":\"%s\",\"master\":", e->kind, vt_role_name(e->role));
			if (e->master[0])
				vt_json_str(stdout, e->master);
			else
				printf("null");
			printf("}");
		}
		printf("],\"addrs\":[");
		for (i = 0; i < f->vm.naddrs; i++) {
			addr_str(f->vm.addrs[i].family, f->vm.addrs[i].addr, a, sizeof(a));
			printf("%s\"%s\"", i ? "," : "", a);
		}
		printf("]");
		if (f->vm.note[0]) {
			printf(",\"note\":");
			vt_json_str(stdout, f->vm.note);
		}
		printf("}\n");
		return;
	}
	printf("%svm %s (%s)\n", strcmp(type, "start") ? "interfaces changed: " : "",
	       SAFE(name, f->vm.name), f->vm.source);
	for (i = 0; i < f->vm.npath; i++) {
		const struct vt_path_elem *e = &f->vm.path[i];

		printf("  %-10s %-16s %-8s netns %-10s%s%s\n", vt_role_name(e->role), SAFE(ifname, e->ifname),
		       SAFE(kind, e->kind), SAFE(name, e->netns[0] ? e->netns : "host"),
		       e->master[0] ? " master " : "", SAFE(master, e->master));
	}
	printf("  addresses:");
	for (i = 0; i < f->vm.naddrs; i++) {
		addr_str(f->vm.addrs[i].family, f->vm.addrs[i].addr, a, sizeof(a));
		printf(" %s", a);
	}
	printf("%s\n", f->vm.naddrs ? "" : " (none known)");
	if (f->vm.note[0])
		printf("  note: %s\n", SAFE(name, f->vm.note));
	fflush(stdout);
}

static uint64_t lost_kernel(const struct follow *f)
{
	return f->lost_kernel + f->session->lost_kernel;
}

static uint64_t lost_socket(const struct follow *f)
{
	return f->lost_socket + f->session->lost_socket;
}

static void print_summary(const struct follow *f)
{
	const struct summary *s = &f->sum;
	char key[VT_SAFE_LEN(sizeof(s->drops[0].key))];
	unsigned int i;

	if (f->json) {
		printf("{\"type\":\"summary\",\"echoes\":%" PRIu64 ",\"replied\":%" PRIu64 ",\"dropped\":{",
		       s->echoes, s->by_status[VT_REPLIED]);
		for (i = 0; i < s->ndrops; i++) {
			printf("%s", i ? "," : "");
			vt_json_str(stdout, s->drops[i].key);
			printf(":%" PRIu64, s->drops[i].n);
		}
		printf("},\"lost_in_vm\":%" PRIu64 ",\"lost_on_host\":%" PRIu64 ",\"wrong_vm\":%" PRIu64
		       ",\"unseen\":%" PRIu64
		       ",\"events_lost\":%" PRIu64 ",\"events_lost_kernel\":%" PRIu64
		       ",\"events_lost_socket\":%" PRIu64 ",\"events_lost_echo_full\":%" PRIu64
		       ",\"echoes_evicted\":%" PRIu64 ",\"events_after_verdict\":%" PRIu64 "}\n",
		       s->by_status[VT_LOST_IN_VM], s->by_status[VT_LOST_ON_HOST], s->by_status[VT_WRONG_VM],
		       s->by_status[VT_UNSEEN], lost_kernel(f) + lost_socket(f) + f->tracker.dropped_events,
		       lost_kernel(f), lost_socket(f), f->tracker.dropped_events,
		       f->tracker.evicted, f->tracker.after_verdict);
		return;
	}
	printf("\n%" PRIu64 " echoes: %" PRIu64 " replied, %" PRIu64 " dropped", s->echoes,
	       s->by_status[VT_REPLIED], s->by_status[VT_DROPPED]);
	for (i = 0; i < s->ndrops; i++)
		printf("%s%s %" PRIu64, i ? ", " : " (", SAFE(key, s->drops[i].key), s->drops[i].n);
	printf("%s, %" PRIu64 " lost-in-vm, %" PRIu64 " lost-on-host, %" PRIu64 " wrong-vm, %" PRIu64
	       " unseen\n", s->ndrops ? ")" : "", s->by_status[VT_LOST_IN_VM], s->by_status[VT_LOST_ON_HOST],
	       s->by_status[VT_WRONG_VM], s->by_status[VT_UNSEEN]);
	printf("trace events lost: %" PRIu64 " in the kernel, %" PRIu64 " in the socket, %" PRIu64
	       " past an echo's %d\n", lost_kernel(f), lost_socket(f),
	       f->tracker.dropped_events, VT_ECHO_EVENTS);
	printf("echoes evicted undecided: %" PRIu64 " (more than %d at once)\n", f->tracker.evicted,
	       VT_ECHO_MAX);
	if (f->tracker.after_verdict)
		printf("events after their echo's verdict, left out: %" PRIu64 "\n", f->tracker.after_verdict);
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
				SAFE(name, f->vm.name), SAFE(safe, why));
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
	print_path(f, "path");
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

	err = resolve_vm(f, &f->vm, why, sizeof(why));
	if (err) {
		char safe[VT_SAFE_LEN(sizeof(why))], spec[NAME_LEN];

		fprintf(stderr, "vmtrace: cannot resolve '%s': %s\n", SAFE(spec, f->spec), SAFE(safe, why));
		return VT_EXIT_USAGE;
	}
	vt_netns_names_load(&f->names);
	if (f->show_path) {
		print_path(f, "start");
		return VT_EXIT_OK;
	}
	if (f->probe) {
		err = vt_prober_open(&pr, &f->vm, f->family, f->from);
		if (err == -EDESTADDRREQ) {
			char name[NAME_LEN];

			fprintf(stderr, "vmtrace: no %saddress known for %s: give one with --addr\n",
				f->family == AF_INET6 ? "IPv6 " : f->family == AF_INET ? "IPv4 " : "",
				SAFE(name, f->vm.name));
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
		print_path(f, "start");
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
	print_summary(f);
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
