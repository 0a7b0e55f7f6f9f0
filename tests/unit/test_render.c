// SPDX-License-Identifier: GPL-2.0
/*
 * What follow prints for a verdict, as the operator reads it: the text
 * block of README's example, colour only when asked, tcpdump's time with
 * -t, names made safe; the same verdict as JSON lines with one shape.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "../../userspace/render.h"
#include "check.h"

static char buf[16384];

static const char *render(const struct vt_render *tmpl, const struct vt_echo *e, const struct vt_verdict *v)
{
	struct vt_render r = *tmpl;

	r.out = fmemopen(buf, sizeof(buf), "w");
	if (!r.out)
		exit(1);
	vt_render_verdict(&r, e, v);
	fclose(r.out);
	return buf;
}

static struct vmtrace_event hop(uint64_t ts, int point, const char *ifname, const char *out)
{
	struct vmtrace_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.ts_ns = ts;
	ev.point = (uint8_t)point;
	ev.kind = VMTRACE_PKT_ECHO_REQUEST;
	ev.family = AF_INET;
	ev.icmp_id = 7;
	ev.icmp_seq = 3;
	ev.len = 84;
	snprintf(ev.ifname, sizeof(ev.ifname), "%s", ifname);
	snprintf(ev.out_ifname, sizeof(ev.out_ifname), "%s", out);
	inet_pton(AF_INET, "192.0.2.1", ev.src);
	inet_pton(AF_INET, "192.0.2.10", ev.dst);
	return ev;
}

int main(void)
{
	static struct vt_echo e;
	struct vt_netns_names names = { 0 };
	struct vt_render text = { .names = &names }, json = { .json = 1, .names = &names };
	struct vt_verdict v;
	const char *out;

	names.n = 1;		/* the events' namespace, inode 0 here, is vmtrace's own */
	snprintf(names.e[0].name, sizeof(names.e[0].name), "host");
	e.family = AF_INET;
	e.id = 7;
	e.seq = 3;
	inet_pton(AF_INET, "192.0.2.1", e.src);
	inet_pton(AF_INET, "192.0.2.10", e.dst);
	e.first_ts = 1000000;
	e.ev[e.nev++] = hop(1000000, VMTRACE_POINT_IP_OUTPUT, "br0", "");
	e.ev[e.nev++] = hop(1006100, VMTRACE_POINT_BR_FORWARD, "br0", "tap101i0");
	e.ev[e.nev] = hop(1011200, VMTRACE_POINT_SKB_DROP, "tap101i0", "");
	e.ev[e.nev].flags = VMTRACE_EV_DROP;
	snprintf(e.ev[e.nev].reason, sizeof(e.ev[0].reason), "FULL_RING");
	snprintf(e.ev[e.nev].location, sizeof(e.ev[0].location), "tun_net_xmit+0x2c5");
	e.nev++;
	memset(&v, 0, sizeof(v));
	v.status = VT_DROPPED;
	v.hop = &e.ev[2];
	v.cause.id = "vm-not-reading";
	snprintf(v.cause.explain, sizeof(v.cause.explain), "the guest is not draining its RX queue");
	snprintf(v.cause.check, sizeof(v.cause.check), "ip -s link show tap101i0");

	out = render(&text, &e, &v);
	CHECK(!strncmp(out, "seq 3  192.0.2.1 -> 192.0.2.10 echo id 7\n", 41), "the echo first: %s", out);
	CHECK(strstr(out, "+6.1us") && strstr(out, "bridge:forward") && strstr(out, "br0 -> tap101i0"),
	      "a hop with its time from the first sighting and both devices: %s", out);
	CHECK(strstr(out, "DROPPED FULL_RING at tun_net_xmit+0x2c5") &&
	      strstr(out, "\n  DROPPED host tap101i0 skb:drop FULL_RING\n") &&
	      strstr(out, "\n  cause: vm-not-reading — the guest is not draining its RX queue\n") &&
	      strstr(out, "\n  check: ip -s link show tap101i0\n"), "the verdict, cause and check: %s", out);
	CHECK(!strchr(out, '\033'), "no colour unless asked: %s", out);
	text.color = 1;
	out = render(&text, &e, &v);
	CHECK(strstr(out, "\033[31;1mDROPPED\033[0m"), "colour when asked");
	text.color = 0;
	text.time = 1;
	out = render(&text, &e, &v);
	CHECK(strlen(out) > 16 && out[2] == ':' && out[8] == '.' && !strncmp(out + 16, "seq 3", 5),
	      "-t: tcpdump's time first: %.40s", out);
	text.time = 0;

	/* a tenant's interface name with a terminal escape in it */
	snprintf(e.ev[1].out_ifname, sizeof(e.ev[1].out_ifname), "ev\033[2Jil");
	out = render(&text, &e, &v);
	CHECK(!strchr(out, '\033') && strstr(out, "ev\\x1b[2Jil"), "escaped: %s", out);

	out = render(&json, &e, &v);
	CHECK(!strncmp(out, "{\"type\":\"hop\",", 14) && strstr(out, "\n{\"type\":\"drop\",") &&
	      strstr(out, "\"out_ifname\":\"ev\\u001b[2Jil\"") &&
	      strstr(out, "\n{\"type\":\"verdict\",\"echo\":{\"family\":\"ipv4\",\"src\":\"192.0.2.1\",") &&
	      strstr(out, "\"cause\":\"vm-not-reading\"") && strstr(out, "\"delta_ns\":11200}"),
	      "JSON: hops, the drop, the verdict: %s", out);
	printf("render: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
