// SPDX-License-Identifier: GPL-2.0
/* vmtrace events: start a session on some interfaces and print every event. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "format.h"
#include "record.h"
#include "session.h"

struct events_opts {
	const char *ifs;
	const char *netns;
	int json;
	int time;		/* -t: wall-clock time in the text */
	int color;		/* --color: drops in red */
	uint64_t count;		/* 0: unlimited */
	double duration;	/* 0: until interrupted */
	const char *write;	/* -w: record to this file */
	struct vt_filter filter;
};

struct events_run {
	const struct events_opts *o;
	struct vt_netns_names names;
	uint64_t printed;
	uint64_t t0;
	struct vt_rec_writer rec;	/* with --write */
};

/* "a,b,c" or "a@ns,b" -> interfaces; --netns applies where no @ns is given. */
static int parse_ifs(struct events_opts *o)
{
	char *list = strdup(o->ifs), *save = NULL, *tok;
	int err = 0;

	if (!list)
		return -ENOMEM;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *at = strchr(tok, '@');
		const char *ns = o->netns;
		struct vt_iface *ifc;

		if (at) {
			*at = '\0';
			ns = at + 1;
		}
		if (o->filter.nifaces == VMTRACE_MAX_IFACES) {
			err = vt_usage_error("events: more than %d interfaces", VMTRACE_MAX_IFACES);
			goto out;
		}
		ifc = &o->filter.ifaces[o->filter.nifaces];
		err = vt_iface_resolve(ns, tok, ifc);
		if (err == -ENOENT && ns && *ns) {
			err = vt_usage_error("events: no network namespace '%s'", ns);
			goto out;
		}
		if (err) {
			err = vt_usage_error("events: no interface '%s'%s%s", tok,
					     ns && *ns ? " in netns " : "", ns && *ns ? ns : "");
			goto out;
		}
		o->filter.nifaces++;
	}
	if (!o->filter.nifaces)
		err = vt_usage_error("events: --if needs at least one interface");
out:
	free(list);
	return err;
}

static int parse_addr(struct vt_filter *f, const char *s)
{
	if (f->naddrs == VMTRACE_MAX_ADDRS)
		return vt_usage_error("events: more than %d addresses", VMTRACE_MAX_ADDRS);
	if (vt_parse_addr(s, &f->addrs[f->naddrs].family, f->addrs[f->naddrs].addr))
		return vt_usage_error("events: '%s' is not an IPv4 or IPv6 address", s);
	f->naddrs++;
	return 0;
}

/* One event, as it came or as a recording has it (@wall_offset_ns: then's). */
static void print_event_at(struct events_run *r, const struct vmtrace_event *ev, int64_t wall_offset_ns)
{
	if (r->o->count && r->printed >= r->o->count)
		return;
	if (!r->t0)
		r->t0 = ev->ts_ns;
	if (r->o->json) {
		vt_event_json(stdout, ev, &r->names, wall_offset_ns);
	} else {
		if (r->o->time) {
			char when[32];

			printf("%s ", vt_wall_time(when, sizeof(when), ev->ts_ns, wall_offset_ns, 0));
		}
		vt_event_text(stdout, ev, &r->names, r->t0, r->o->color);
	}
	r->printed++;
	fflush(stdout);
}

static void print_event(const struct vmtrace_event *ev, void *arg)
{
	struct events_run *r = arg;
	/* the clock only where a time is printed or kept */
	int64_t off = r->o->json || r->o->time || r->rec.f ? vt_wall_offset_ns() : 0;

	if (r->rec.f)
		vt_rec_put(&r->rec, VT_REC_EVENT, 0, vt_now_ns(), off, ev, sizeof(*ev));
	print_event_at(r, ev, off);
}

static void print_counts(uint64_t received, uint64_t lost_kernel, uint64_t lost_socket)
{
	fprintf(stderr, "vmtrace: %" PRIu64 " events received, %" PRIu64
		" lost in the kernel (ring full), %" PRIu64 " lost in the socket\n",
		received, lost_kernel, lost_socket);
}

static int parse_opts(int argc, char **argv, struct events_opts *o)
{
	static const struct option opts[] = {
		{ "if", required_argument, NULL, 'I' },
		{ "netns", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "count", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "addr", required_argument, NULL, 'a' },
		{ "icmp-id", required_argument, NULL, 'e' },
		{ "time", no_argument, NULL, 't' },
		{ "color", optional_argument, NULL, 'C' },
		{ "write", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c, err;

	memset(o, 0, sizeof(*o));
	o->filter.icmp_id = -1;
	o->filter.tunnels = 1;	/* raw events: everything vmtrace can recognise */
	o->color = -1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":I:n:jc:d:a:e:tw:", opts, NULL)) != -1) {
		switch (c) {
		case 'w':
			o->write = optarg;
			break;
		case 'I':
			o->ifs = optarg;
			break;
		case 't':
			o->time = 1;
			break;
		case 'C':
			if (vt_parse_color(optarg ? optarg : "always", &o->color))
				return vt_usage_error("events: --color wants auto, always or never, not '%s'", optarg);
			break;
		case 'n':
			o->netns = optarg;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'c':
			if (vt_parse_uint(optarg, 1, UINT64_MAX, &o->count))
				return vt_usage_error("events: --count wants a positive number, not '%s'", optarg);
			break;
		case 'd':
			if (vt_parse_seconds(optarg, &o->duration))
				return vt_usage_error("events: --duration wants seconds, not '%s'", optarg);
			break;
		case 'a':
			err = parse_addr(&o->filter, optarg);
			if (err)
				return err;
			break;
		case 'e':
			if (vt_parse_uint(optarg, 0, 65535, &v))
				return vt_usage_error("events: --icmp-id wants 0..65535, not '%s'", optarg);
			o->filter.icmp_id = (int)v;
			break;
		case ':':
			return vt_usage_error("events: option '%s' needs a value", argv[optind - 1]);
		default:
			return vt_usage_error("events: unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return vt_usage_error("events: unexpected argument '%s'", argv[optind]);
	if (!o->ifs)
		return vt_usage_error("events: -I/--if IFNAME[,IFNAME...] is required");
	if (o->color < 0)
		vt_parse_color("auto", &o->color);
	return parse_ifs(o);
}

int events_main(int argc, char **argv)
{
	struct events_opts o;
	struct events_run run;
	struct vt_session s;
	uint64_t deadline = 0;
	int err, rc = VT_EXIT_OK;

	err = parse_opts(argc, argv, &o);
	if (err)
		return VT_EXIT_USAGE;
	memset(&run, 0, sizeof(run));
	run.o = &o;
	vt_netns_names_load(&run.names);
	if (o.write) {
		struct vt_rec_options ro = { .count = o.count };

		err = vt_rec_create(&run.rec, o.write, "events");
		if (err) {
			fprintf(stderr, "vmtrace: cannot write %s: %s\n", o.write,
				err == -EPERM ? "not a file of ours (another user's, a symlink or a device)" :
				strerror(-err));
			return VT_EXIT_FAIL;
		}
		vt_rec_put(&run.rec, VT_REC_OPTIONS, 0, vt_now_ns(), 0, &ro, sizeof(ro));
		vt_rec_put_names(&run.rec, &run.names, vt_now_ns());
		vt_rec_flush(&run.rec);
		if (run.rec.err) {
			vt_rec_close(&run.rec);
			return VT_EXIT_FAIL;
		}
	}

	vt_catch_stop_signals();
	rc = vt_session_start_or_report(&s, &o.filter, print_event, &run);
	if (rc) {
		/* nothing was traced: no recording that would replay as a quiet run */
		if (o.write) {
			vt_rec_close(&run.rec);
			unlink(o.write);
		}
		return rc;
	}
	if (o.duration > 0)
		deadline = vt_now_ns() + (uint64_t)(o.duration * 1e9);
	while (!vt_stop_requested()) {
		if (o.count && run.printed >= o.count)
			break;
		if (deadline && vt_now_ns() >= deadline)
			break;
		err = vt_session_poll(&s, 100);
		vt_rec_flush(&run.rec);
		if (err && err != -EINTR && err != -EAGAIN) {
			vt_nl_perror(&s.nl, "receiving events", err);
			rc = VT_EXIT_FAIL;
			break;
		}
	}
	err = vt_session_stop(&s);
	if (err) {
		vt_nl_perror(&s.nl, "stopping the session", err);
		rc = VT_EXIT_FAIL;
	}
	print_counts(s.received, s.lost_kernel, s.lost_socket);
	if (o.write) {
		struct vt_rec_lost lost = { s.received, s.lost_kernel, s.lost_socket };

		vt_rec_put(&run.rec, VT_REC_LOST, 0, vt_now_ns(), 0, &lost, sizeof(lost));
		if (vt_rec_close(&run.rec))	/* said on stderr when it happened */
			rc = VT_EXIT_FAIL;
	}
	return rc;
}

/* vmtrace replay of what events recorded: the same lines. */
int vt_events_replay(struct vt_rec_reader *rd, const struct vt_replay_opts *ro, char *why, size_t whylen)
{
	struct events_opts o = { .json = ro->json, .time = ro->time, .color = ro->color };
	struct events_run run = { .o = &o };
	struct vt_rec_header h = { 0 };
	int n;

	while ((n = vt_rec_next(rd, &h, why, whylen)) > 0) {
		switch (h.type) {
		case VT_REC_OPTIONS:
			o.count = ((const struct vt_rec_options *)rd->buf)->count;
			break;
		case VT_REC_NETNS_NAMES:
			if (vt_rec_get_names(rd->buf, h.len, &run.names))
				return vt_rec_invalid(rd, &h, why, whylen);
			break;
		case VT_REC_EVENT:
			print_event_at(&run, (const struct vmtrace_event *)rd->buf, h.wall_offset_ns);
			break;
		case VT_REC_LOST: {
			const struct vt_rec_lost *l = (const void *)rd->buf;

			print_counts(l->received, l->lost_kernel, l->lost_socket);
			break;
		}
		default:	/* a newer vmtrace's record */
			break;
		}
	}
	if (!n && h.type != VT_REC_LOST) {	/* the writer was killed between two records */
		n = vt_rec_unfinished(rd, why, whylen);
	}
	return n;
}
