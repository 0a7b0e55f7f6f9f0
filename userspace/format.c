// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>

#include "format.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const point_names[] = {
	[VMTRACE_POINT_UNSPEC]		= "unknown",
	[VMTRACE_POINT_DEV_RX]		= "dev:rx",
	[VMTRACE_POINT_DEV_BACKLOG]	= "dev:backlog",
	[VMTRACE_POINT_DEV_TX]		= "dev:tx",
	[VMTRACE_POINT_SKB_CONSUME]	= "skb:consume",
	[VMTRACE_POINT_SKB_DROP]	= "skb:drop",
	[VMTRACE_POINT_BR_PREROUTING]	= "bridge:prerouting",
	[VMTRACE_POINT_BR_INPUT]	= "bridge:input",
	[VMTRACE_POINT_BR_FORWARD]	= "bridge:forward",
	[VMTRACE_POINT_BR_OUTPUT]	= "bridge:output",
	[VMTRACE_POINT_BR_POSTROUTING]	= "bridge:postrouting",
	[VMTRACE_POINT_IP_PREROUTING]	= "ip:prerouting",
	[VMTRACE_POINT_IP_INPUT]	= "ip:input",
	[VMTRACE_POINT_IP_FORWARD]	= "ip:forward",
	[VMTRACE_POINT_IP_OUTPUT]	= "ip:output",
	[VMTRACE_POINT_IP_POSTROUTING]	= "ip:postrouting",
};

static const char *const kind_names[] = {
	[VMTRACE_PKT_NONE]		= "other",
	[VMTRACE_PKT_ECHO_REQUEST]	= "request",
	[VMTRACE_PKT_ECHO_REPLY]	= "reply",
	[VMTRACE_PKT_ARP_REQUEST]	= "arp-request",
	[VMTRACE_PKT_ARP_REPLY]		= "arp-reply",
	[VMTRACE_PKT_NEIGH_SOLICIT]	= "neigh-solicit",
	[VMTRACE_PKT_NEIGH_ADVERT]	= "neigh-advert",
};

static const char *const dir_names[] = {
	[VMTRACE_DIR_NONE]	= "-",
	[VMTRACE_DIR_RX]	= "rx",
	[VMTRACE_DIR_TX]	= "tx",
};

static const char *const devkind_names[] = {
	[VMTRACE_DEV_UNKNOWN]	= "unknown",
	[VMTRACE_DEV_OTHER]	= "other",
	[VMTRACE_DEV_TAP]	= "tap",
	[VMTRACE_DEV_TUN]	= "tun",
	[VMTRACE_DEV_VETH]	= "veth",
	[VMTRACE_DEV_BRIDGE]	= "bridge",
	[VMTRACE_DEV_VLAN]	= "vlan",
	[VMTRACE_DEV_LOOPBACK]	= "loopback",
	[VMTRACE_DEV_MACVTAP]	= "macvtap",
	[VMTRACE_DEV_MACVLAN]	= "macvlan",
};

#define NAME_OF(table, i) \
	((i) < ARRAY_SIZE(table) && (table)[i] ? (table)[i] : "unknown")

const char *vt_point_name(unsigned int point) { return NAME_OF(point_names, point); }
const char *vt_kind_name(unsigned int kind) { return NAME_OF(kind_names, kind); }
const char *vt_dir_name(unsigned int dir) { return NAME_OF(dir_names, dir); }
const char *vt_devkind_name(unsigned int kind) { return NAME_OF(devkind_names, kind); }

const char *vt_family_name(unsigned int family)
{
	return family == AF_INET ? "ipv4" : family == AF_INET6 ? "ipv6" : "unknown";
}

void vt_addr_str(unsigned int family, const uint8_t *addr, char *buf, size_t len)
{
	if (!inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

/* Digit by digit, not with snprintf: follow formats one per hop it prints. */
char *vt_decimal(char *buf, size_t len, uint64_t v, unsigned int scale, unsigned int decimals)
{
	char rev[48];	/* the digits, last first */
	uint64_t div = 1;
	size_t n = 0, i;
	unsigned int d;

	if (!len)
		return buf;
	for (d = decimals; d < scale; d++)
		div *= 10;
	v = (v + div / 2) / div;
	for (d = 0; d < decimals && n < sizeof(rev) - 2; d++) {
		rev[n++] = (char)('0' + v % 10);
		v /= 10;
	}
	if (decimals)
		rev[n++] = '.';
	do {
		rev[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n < sizeof(rev));
	for (i = 0; i < n && i < len - 1; i++)
		buf[i] = rev[n - 1 - i];
	buf[i] = '\0';
	return buf;
}

void vt_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

char *vt_text_safe(char *buf, size_t len, const char *s, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, n = 0;

	if (!len)
		return buf;
	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != 0x7f && c != '\\') {
			if (n + 1 >= len)
				break;
			buf[n++] = (char)c;
		} else if (c == '\\') {
			if (n + 2 >= len)
				break;
			buf[n++] = '\\';
			buf[n++] = '\\';
		} else {
			if (n + 4 >= len)
				break;
			buf[n++] = '\\';
			buf[n++] = 'x';
			buf[n++] = hex[c >> 4];
			buf[n++] = hex[c & 15];
		}
	}
	buf[n] = '\0';
	return buf;
}

/* Kernel strings are fixed arrays: never trust them to be terminated. */
static void fixed_str(char *dst, size_t dlen, const char *src, size_t slen)
{
	size_t n = strnlen(src, slen);

	if (n >= dlen)
		n = dlen - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

struct ev_strings {
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	char ifname[VMTRACE_IFNAMSIZ + 1], out_ifname[VMTRACE_IFNAMSIZ + 1];
	char reason[VMTRACE_REASON_LEN + 1], location[VMTRACE_LOCATION_LEN + 1];
	char netns[264];
};

static void ev_strings(const struct vmtrace_event *ev, const struct vt_netns_names *names,
		       struct ev_strings *s)
{
	const char *ns = vt_netns_name(names, ev->netns_inum);

	vt_addr_str(ev->family, ev->src, s->src, sizeof(s->src));
	vt_addr_str(ev->family, ev->dst, s->dst, sizeof(s->dst));
	fixed_str(s->ifname, sizeof(s->ifname), ev->ifname, sizeof(ev->ifname));
	fixed_str(s->out_ifname, sizeof(s->out_ifname), ev->out_ifname, sizeof(ev->out_ifname));
	fixed_str(s->reason, sizeof(s->reason), ev->reason, sizeof(ev->reason));
	fixed_str(s->location, sizeof(s->location), ev->location, sizeof(ev->location));
	if (*ns)
		snprintf(s->netns, sizeof(s->netns), "%s", ns);
	else
		snprintf(s->netns, sizeof(s->netns), "netns:%u", ev->netns_inum);
}

static int is_echo(const struct vmtrace_event *ev)
{
	return ev->kind == VMTRACE_PKT_ECHO_REQUEST || ev->kind == VMTRACE_PKT_ECHO_REPLY;
}

void vt_event_text(FILE *f, const struct vmtrace_event *ev,
		   const struct vt_netns_names *names, uint64_t t0_ns)
{
	char in[VT_SAFE_LEN(VMTRACE_IFNAMSIZ)], out[VT_SAFE_LEN(VMTRACE_IFNAMSIZ)];
	char where[sizeof(in) + sizeof(out) + 2], ns[VT_SAFE_LEN(sizeof(((struct ev_strings *)0)->netns))];
	struct ev_strings s;
	char t[24];

	ev_strings(ev, names, &s);
	vt_text_safe(in, sizeof(in), s.ifname, sizeof(s.ifname));
	vt_text_safe(out, sizeof(out), s.out_ifname, sizeof(s.out_ifname));
	if (s.out_ifname[0])
		snprintf(where, sizeof(where), "%s->%s", in, out);
	else
		snprintf(where, sizeof(where), "%s", in[0] ? in : "-");
	fprintf(f, "%12s %-4s %-18s %-24s %-8s %-2s %s %s > %s %s",
		vt_decimal(t, sizeof(t), ev->ts_ns - t0_ns, 9, 6),
		ev->flags & VMTRACE_EV_DROP ? "DROP" : "",
		vt_point_name(ev->point), where, vt_text_safe(ns, sizeof(ns), s.netns, sizeof(s.netns)),
		vt_dir_name(ev->dir),
		vt_family_name(ev->family), s.src, s.dst, vt_kind_name(ev->kind));
	if (is_echo(ev))
		fprintf(f, " id %u seq %u", ev->icmp_id, ev->icmp_seq);
	if (ev->flags & VMTRACE_EV_VLAN)
		fprintf(f, " vlan %u", ev->vlan_tci & 0xfff);
	fprintf(f, " len %u", ev->len);
	if (ev->flags & VMTRACE_EV_DROP)
		fprintf(f, " reason %s at %s", s.reason[0] ? s.reason : "-", s.location[0] ? s.location : "?");
	fputc('\n', f);
}

void vt_event_json(FILE *f, const struct vmtrace_event *ev,
		   const struct vt_netns_names *names)
{
	struct ev_strings s;

	ev_strings(ev, names, &s);
	fprintf(f, "{\"type\":\"%s\",\"ts_ns\":%" PRIu64 ",\"point\":\"%s\",\"ifname\":",
		ev->flags & VMTRACE_EV_DROP ? "drop" : "hop", (uint64_t)ev->ts_ns,
		vt_point_name(ev->point));
	vt_json_str(f, s.ifname);
	fprintf(f, ",\"ifindex\":%d,\"dev_kind\":\"%s\",\"master_ifindex\":%d",
		ev->ifindex, vt_devkind_name(ev->dev_kind), ev->master_ifindex);
	if (s.out_ifname[0]) {
		fputs(",\"out_ifname\":", f);
		vt_json_str(f, s.out_ifname);
		fprintf(f, ",\"out_ifindex\":%d", ev->out_ifindex);
	}
	fputs(",\"netns\":", f);
	vt_json_str(f, s.netns);
	fprintf(f, ",\"netns_inum\":%u,\"netns_cookie\":%" PRIu64 ",\"dir\":\"%s\",\"cpu\":%u",
		ev->netns_inum, (uint64_t)ev->netns_cookie, vt_dir_name(ev->dir), ev->cpu);
	fprintf(f, ",\"family\":\"%s\",\"src\":\"%s\",\"dst\":\"%s\",\"kind\":\"%s\"",
		vt_family_name(ev->family), s.src, s.dst, vt_kind_name(ev->kind));
	if (is_echo(ev))
		fprintf(f, ",\"id\":%u,\"seq\":%u", ev->icmp_id, ev->icmp_seq);
	if (ev->flags & VMTRACE_EV_VLAN)
		fprintf(f, ",\"vlan\":%u", ev->vlan_tci & 0xfff);
	fprintf(f, ",\"len\":%u,\"mark\":%u,\"skb\":\"%016" PRIx64 "\"",
		ev->len, ev->mark, (uint64_t)ev->skb_tag);
	if (ev->flags & VMTRACE_EV_DROP) {
		fputs(",\"reason\":", f);
		vt_json_str(f, s.reason);
		fputs(",\"location\":", f);
		vt_json_str(f, s.location);
		fprintf(f, ",\"nf_attributed\":%s",
			ev->flags & VMTRACE_EV_NF_ATTRIBUTED ? "true" : "false");
	}
	fputs("}\n", f);
}
