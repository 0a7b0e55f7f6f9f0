// SPDX-License-Identifier: GPL-2.0
/*
 * Render what follow and probe decided, as text for a terminal or as JSON
 * lines (docs/json.md): the VM's path, each echo's timeline and verdict,
 * the summary. Names tenants choose pass through vt_text_safe() or
 * vt_json_str(); hop and drop lines in JSON are format.c's, as events
 * prints them.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "format.h"
#include "render.h"

/* Names tenants choose (interfaces, namespaces, VMs), made safe for the terminal. */
#define NAME_LEN	VT_SAFE_LEN(256)
#define IFNAME_LEN	VT_SAFE_LEN(VMTRACE_IFNAMSIZ)

static const char *c_on(const struct vt_render *r, const char *code)
{
	return r->color ? code : "";
}

static const char *netns_of(const struct vt_render *r, const struct vmtrace_event *ev)
{
	const char *n = vt_netns_name(r->names, ev->netns_inum);

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

static void json_hop(const struct vt_render *r, const struct vt_echo *e, const struct vmtrace_event *ev)
{
	vt_hop_json_open(r->out, ev, r->names, r->wall_offset_ns);
	fprintf(r->out, ",\"delta_ns\":%" PRIu64 "}\n", (uint64_t)(ev->ts_ns - e->first_ts));
}

void vt_summary_count(struct vt_summary *s, const struct vt_verdict *v)
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

static void verdict_json(const struct vt_render *r, const struct vt_echo *e,
			       const struct vt_verdict *v)
{
	char when[32];
	unsigned int i;

	for (i = 0; i < e->nev; i++)
		json_hop(r, e, &e->ev[i]);
	fprintf(r->out, "{\"type\":\"verdict\",");
	json_echo(r->out, e, 1);
	fprintf(r->out, ",\"time\":\"%s\",\"status\":\"%s\"",
		vt_wall_time(when, sizeof(when), e->first_ts, r->wall_offset_ns, 1),
	       vt_status_name(v->status));
	if (v->hop) {
		char ifname[VMTRACE_IFNAMSIZ + 1];

		snprintf(ifname, sizeof(ifname), "%.*s", VMTRACE_IFNAMSIZ, v->hop->ifname);
		fprintf(r->out, ",\"hop\":{\"ifname\":");
		vt_json_str(r->out, ifname);
		fprintf(r->out, ",\"netns\":");
		vt_json_str(r->out, netns_of(r, v->hop));
		fprintf(r->out, ",\"point\":\"%s\",\"kind\":\"%s\"}", vt_point_name(v->hop->point),
		       vt_kind_name(v->hop->kind));
	}
	if (v->status == VT_DROPPED && v->hop) {
		char reason[VMTRACE_REASON_LEN + 1], location[VMTRACE_LOCATION_LEN + 1];

		snprintf(reason, sizeof(reason), "%.*s", VMTRACE_REASON_LEN, v->hop->reason);
		snprintf(location, sizeof(location), "%.*s", VMTRACE_LOCATION_LEN, v->hop->location);
		fprintf(r->out, ",\"reason\":");
		vt_json_str(r->out, reason);
		fprintf(r->out, ",\"location\":");
		vt_json_str(r->out, location);
	}
	if (v->cause.id) {
		fprintf(r->out, ",\"cause\":\"%s\",\"explain\":", v->cause.id);
		vt_json_str(r->out, v->cause.explain);
		fprintf(r->out, ",\"check\":");
		vt_json_str(r->out, v->cause.check);
		fprintf(r->out, ",\"inferred\":%s", v->cause.inferred ? "true" : "false");
	}
	if (v->via_neighbour)
		fprintf(r->out, ",\"via_neighbour\":true");
	if (v->status == VT_REPLIED)
		fprintf(r->out, ",\"rtt_ns\":%" PRIu64, v->rtt_ns);
	fprintf(r->out, "}\n");
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

static void print_hop_text(const struct vt_render *r, const struct vt_echo *e,
			   const struct vmtrace_event *ev)
{
	int drop = (ev->flags & VMTRACE_EV_DROP) && !vt_drop_is_benign(ev);
	char in[IFNAME_LEN], out[IFNAME_LEN], ns[NAME_LEN];
	struct line l, where;
	char us[24];

	/* only len: the buffers are written before they are read */
	l.len = 0;
	where.len = 0;

	put(&where, VT_SAFE(in, ev->ifname), sizeof(in), 0);
	if (ev->out_ifname[0]) {
		put(&where, " -> ", 4, 0);
		put(&where, VT_SAFE(out, ev->out_ifname), sizeof(out), 0);
	}
	us[0] = '+';
	vt_decimal(us + 1, sizeof(us) - 1, ev->ts_ns - e->first_ts, 3, 1);
	put(&l, "  ", 2, 0);
	put(&l, drop ? c_on(r, "\033[31m") : "", 8, 0);
	put(&l, us, sizeof(us), -10);
	put(&l, "us  ", 4, 0);
	put(&l, vt_kind_name(ev->kind), 32, 7);
	put(&l, " ", 1, 0);
	put(&l, VT_SAFE(ns, netns_of(r, ev)), sizeof(ns), 8);
	put(&l, " ", 1, 0);
	put(&l, vt_point_name(ev->point), 32, 18);
	put(&l, " ", 1, 0);
	put(&l, where.buf, where.len, 22);
	if (ev->flags & VMTRACE_EV_ENCAP) {
		char vni[48];

		snprintf(vni, sizeof(vni), " in %s %u", vt_encap_name(ev->encap), ev->vni & 0xffffff);
		put(&l, vni, sizeof(vni), 0);
	}
	put(&l, drop ? c_on(r, "\033[0m") : "", 8, 0);
	if (ev->flags & VMTRACE_EV_DROP) {
		put(&l, drop ? " DROPPED " : " freed ", 9, 0);
		/* no reason: kernels before 5.17 */
		put(&l, ev->reason[0] ? ev->reason : "-", VMTRACE_REASON_LEN, 0);
		put(&l, " at ", 4, 0);
		put(&l, ev->location, VMTRACE_LOCATION_LEN, 0);
	}
	put(&l, "\n", 1, 0);
	fwrite(l.buf, 1, l.len, r->out);
}

static void verdict_text(const struct vt_render *r, const struct vt_echo *e,
			       const struct vt_verdict *v)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN], us[24], ifname[IFNAME_LEN], ns[NAME_LEN], when[32];
	char explain[VT_SAFE_LEN(sizeof(v->cause.explain))], check[VT_SAFE_LEN(sizeof(v->cause.check))];
	unsigned int i;

	VT_SAFE(ifname, v->hop ? v->hop->ifname : "");
	VT_SAFE(ns, v->hop ? netns_of(r, v->hop) : "");
	VT_SAFE(explain, v->cause.explain);
	VT_SAFE(check, v->cause.check);
	addr_str(e->family, e->src, s, sizeof(s));
	addr_str(e->family, e->dst, d, sizeof(d));
	if (r->time)
		fprintf(r->out, "%s ", vt_wall_time(when, sizeof(when), e->first_ts, r->wall_offset_ns, 0));
	fprintf(r->out, "%sseq %u%s  %s -> %s echo id %u\n", c_on(r, "\033[1m"), e->seq, c_on(r, "\033[0m"),
	       s, d, e->id);
	for (i = 0; i < e->nev; i++)
		print_hop_text(r, e, &e->ev[i]);
	switch (v->status) {
	case VT_REPLIED:
		fprintf(r->out, "  %sreplied%s in %sus\n", c_on(r, "\033[32m"), c_on(r, "\033[0m"),
		       vt_decimal(us, sizeof(us), v->rtt_ns, 3, 1));
		break;
	case VT_UNSEEN:
		fprintf(r->out, "  %sunseen%s: a reply with no request on the traced path\n",
		       c_on(r, "\033[33m"), c_on(r, "\033[0m"));
		fprintf(r->out, "  cause: %s%s%s — %s\n  check: %s\n", c_on(r, "\033[1m"), v->cause.id,
		       c_on(r, "\033[0m"), explain, check);
		break;
	case VT_LOST_ON_HOST:
		if (v->hop)
			fprintf(r->out, "  %slost-on-host%s: last seen at %s %s%s, then gone without a drop\n",
			       c_on(r, "\033[33m"), c_on(r, "\033[0m"), vt_point_name(v->hop->point),
			       ifname, v->via_neighbour ? " (its ARP/ND)" : "");
		else
			fprintf(r->out, "  %slost-on-host%s: sent, never seen on the VM's path\n",
			       c_on(r, "\033[33m"), c_on(r, "\033[0m"));
		fprintf(r->out, "  cause: %s%s%s — %s\n  check: %s\n", c_on(r, "\033[1m"), v->cause.id,
		       c_on(r, "\033[0m"), explain, check);
		break;
	default:
		fprintf(r->out, "  %s%s%s %s %s %s %.*s%s\n", c_on(r, "\033[31;1m"),
		       v->status == VT_DROPPED ? "DROPPED" : v->status == VT_WRONG_VM ? "WRONG-VM" : "LOST-IN-VM",
		       c_on(r, "\033[0m"),
		       ns, ifname, vt_point_name(v->hop->point),
		       VMTRACE_REASON_LEN, v->status != VT_DROPPED ? "" : v->hop->reason[0] ? v->hop->reason : "-",
		       v->via_neighbour ? " (its ARP/ND)" : "");
		fprintf(r->out, "  cause: %s%s%s — %s\n  check: %s\n", c_on(r, "\033[1m"), v->cause.id,
		       c_on(r, "\033[0m"), explain, check);
	}
	fflush(r->out);
}

/* @type: "start", or "path" when the VM was found again with other interfaces. */
/*
 * An echo's lines leave together, as soon as its verdict is decided: a
 * pipe (| jq) sees them at once, and a flood costs one write per echo, not
 * one per line.
 */
void vt_render_verdict(const struct vt_render *r, const struct vt_echo *e, const struct vt_verdict *v)
{
	if (r->json)
		verdict_json(r, e, v);
	else
		verdict_text(r, e, v);
	fflush(r->out);
}

void vt_render_path(const struct vt_render *r, const struct vt_vm *vm, const char *type)
{
	char a[INET6_ADDRSTRLEN], name[NAME_LEN], ifname[IFNAME_LEN], master[IFNAME_LEN], kind[VT_SAFE_LEN(16)];
	unsigned int i;

	if (r->json) {
		fprintf(r->out, "{\"type\":\"%s\",\"version\":%d,\"vm\":{\"name\":", type, VT_JSON_VERSION);
		vt_json_str(r->out, vm->name);
		/* source and kind are vmtrace's words, but a recording replayed may say anything */
		fprintf(r->out, ",\"source\":");
		vt_json_str(r->out, vm->source);
		fprintf(r->out, "},\"path\":[");
		for (i = 0; i < vm->npath; i++) {
			const struct vt_path_elem *e = &vm->path[i];

			fprintf(r->out, "%s{\"ifname\":", i ? "," : "");
			vt_json_str(r->out, e->ifname);
			fprintf(r->out, ",\"ifindex\":%d,\"netns\":", e->ifindex);
			vt_json_str(r->out, e->netns[0] ? e->netns : "host");
			fprintf(r->out, ",\"kind\":");
			vt_json_str(r->out, e->kind);
			fprintf(r->out, ",\"role\":\"%s\",\"master\":", vt_role_name(e->role));
			if (e->master[0])
				vt_json_str(r->out, e->master);
			else
				fprintf(r->out, "null");
			fprintf(r->out, "}");
		}
		fprintf(r->out, "],\"addrs\":[");
		for (i = 0; i < vm->naddrs; i++) {
			addr_str(vm->addrs[i].family, vm->addrs[i].addr, a, sizeof(a));
			fprintf(r->out, "%s\"%s\"", i ? "," : "", a);
		}
		fprintf(r->out, "]");
		if (vm->note[0]) {
			fprintf(r->out, ",\"note\":");
			vt_json_str(r->out, vm->note);
		}
		fprintf(r->out, "}\n");
		fflush(r->out);
		return;
	}
	fprintf(r->out, "%svm %s (%s)\n", strcmp(type, "start") ? "interfaces changed: " : "",
	       VT_SAFE(name, vm->name), VT_SAFE(kind, vm->source));
	for (i = 0; i < vm->npath; i++) {
		const struct vt_path_elem *e = &vm->path[i];

		fprintf(r->out, "  %-10s %-16s %-8s netns %-10s%s%s\n", vt_role_name(e->role), VT_SAFE(ifname, e->ifname),
		       VT_SAFE(kind, e->kind), VT_SAFE(name, e->netns[0] ? e->netns : "host"),
		       e->master[0] ? " master " : "", VT_SAFE(master, e->master));
	}
	fprintf(r->out, "  addresses:");
	for (i = 0; i < vm->naddrs; i++) {
		addr_str(vm->addrs[i].family, vm->addrs[i].addr, a, sizeof(a));
		fprintf(r->out, " %s", a);
	}
	fprintf(r->out, "%s\n", vm->naddrs ? "" : " (none known)");
	if (vm->note[0])
		fprintf(r->out, "  note: %s\n", VT_SAFE(name, vm->note));
	fflush(r->out);
}

void vt_render_summary(const struct vt_render *r, const struct vt_summary *s)
{
	char key[VT_SAFE_LEN(sizeof(s->drops[0].key))];
	unsigned int i;

	if (r->json) {
		fprintf(r->out, "{\"type\":\"summary\",\"echoes\":%" PRIu64 ",\"replied\":%" PRIu64 ",\"dropped\":{",
		       s->echoes, s->by_status[VT_REPLIED]);
		for (i = 0; i < s->ndrops; i++) {
			fprintf(r->out, "%s", i ? "," : "");
			vt_json_str(r->out, s->drops[i].key);
			fprintf(r->out, ":%" PRIu64, s->drops[i].n);
		}
		fprintf(r->out, "},\"lost_in_vm\":%" PRIu64 ",\"lost_on_host\":%" PRIu64 ",\"wrong_vm\":%" PRIu64
		       ",\"unseen\":%" PRIu64
		       ",\"events_lost\":%" PRIu64 ",\"events_lost_kernel\":%" PRIu64
		       ",\"events_lost_socket\":%" PRIu64 ",\"events_lost_echo_full\":%" PRIu64
		       ",\"echoes_evicted\":%" PRIu64 ",\"events_after_verdict\":%" PRIu64 "}\n",
		       s->by_status[VT_LOST_IN_VM], s->by_status[VT_LOST_ON_HOST], s->by_status[VT_WRONG_VM],
		       s->by_status[VT_UNSEEN], s->lost_kernel + s->lost_socket + s->lost_echo_full,
		       s->lost_kernel, s->lost_socket, s->lost_echo_full,
		       s->evicted, s->after_verdict);
		fflush(r->out);
		return;
	}
	fprintf(r->out, "\n%" PRIu64 " echoes: %" PRIu64 " replied, %" PRIu64 " dropped", s->echoes,
	       s->by_status[VT_REPLIED], s->by_status[VT_DROPPED]);
	for (i = 0; i < s->ndrops; i++)
		fprintf(r->out, "%s%s %" PRIu64, i ? ", " : " (", VT_SAFE(key, s->drops[i].key), s->drops[i].n);
	fprintf(r->out, "%s, %" PRIu64 " lost-in-vm, %" PRIu64 " lost-on-host, %" PRIu64 " wrong-vm, %" PRIu64
	       " unseen\n", s->ndrops ? ")" : "", s->by_status[VT_LOST_IN_VM], s->by_status[VT_LOST_ON_HOST],
	       s->by_status[VT_WRONG_VM], s->by_status[VT_UNSEEN]);
	fprintf(r->out, "trace events lost: %" PRIu64 " in the kernel, %" PRIu64 " in the socket, %" PRIu64
	       " past an echo's %d\n", s->lost_kernel, s->lost_socket,
	       s->lost_echo_full, VT_ECHO_EVENTS);
	fprintf(r->out, "echoes evicted undecided: %" PRIu64 " (more than %d at once)\n", s->evicted,
	       VT_ECHO_MAX);
	if (s->after_verdict)
		fprintf(r->out, "events after their echo's verdict, left out: %" PRIu64 "\n", s->after_verdict);
	fflush(r->out);
}

