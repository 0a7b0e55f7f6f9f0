// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "echo.h"
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
	[VMTRACE_DEV_VXLAN]	= "vxlan",
	[VMTRACE_DEV_GENEVE]	= "geneve",
	[VMTRACE_DEV_OPENVSWITCH] = "openvswitch",
};

static const char *const encap_names[] = {
	[VMTRACE_ENCAP_NONE]	= "none",
	[VMTRACE_ENCAP_VXLAN]	= "vxlan",
	[VMTRACE_ENCAP_GENEVE]	= "geneve",
};

#define NAME_OF(table, i) \
	((i) < ARRAY_SIZE(table) && (table)[i] ? (table)[i] : "unknown")

const char *vt_point_name(unsigned int point) { return NAME_OF(point_names, point); }
const char *vt_kind_name(unsigned int kind) { return NAME_OF(kind_names, kind); }
const char *vt_dir_name(unsigned int dir) { return NAME_OF(dir_names, dir); }
const char *vt_devkind_name(unsigned int kind) { return NAME_OF(devkind_names, kind); }
const char *vt_encap_name(unsigned int encap) { return NAME_OF(encap_names, encap); }

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

size_t vt_utf8_char(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c, min;
	size_t len, i;

	if (!n)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2, c = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3, c = s[0] & 0x0f, min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4, c = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	/* a NUL is no continuation byte: nothing past a terminator is read */
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* C0, DEL and C1: what a terminal may take as a command */
static int is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/* Bidirectional overrides and isolates: they reorder what a terminal shows around them. */
static int is_bidi_control(uint32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

void vt_json_str(FILE *f, const char *s)
{
	size_t n = strlen(s), len;
	uint32_t cp;

	fputc('"', f);
	while (n) {
		len = vt_utf8_char(s, n, &cp);
		if (!len) {
			fputs("\\ufffd", f);	/* one per byte that is no UTF-8 */
			len = 1;
		} else if (cp == '"' || cp == '\\') {
			fputc('\\', f);
			fputc((int)cp, f);
		} else if (is_control(cp)) {
			fprintf(f, "\\u%04x", (unsigned int)cp);
		} else {
			fwrite(s, 1, len, f);
		}
		s += len;
		n -= len;
	}
	fputc('"', f);
}

char *vt_text_safe(char *buf, size_t len, const char *s, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0, clen;
	char esc[8];
	uint32_t cp;

	if (!len)
		return buf;
	max = strnlen(s, max);
	while (max) {
		const char *put = s;
		size_t plen;

		clen = vt_utf8_char(s, max, &cp);
		if (!clen || cp < 0x20 || cp == 0x7f) {	/* a byte: \xNN */
			unsigned char c = (unsigned char)*s;

			esc[0] = '\\', esc[1] = 'x', esc[2] = hex[c >> 4], esc[3] = hex[c & 15];
			put = esc, plen = 4, clen = 1;
		} else if (is_control(cp) || is_bidi_control(cp)) {	/* a character: \uNNNN */
			snprintf(esc, sizeof(esc), "\\u%04x", (unsigned int)(cp & 0xffff));
			put = esc, plen = 6;
		} else if (cp == '\\') {
			put = "\\\\", plen = 2;
		} else {
			plen = clen;
		}
		if (n + plen >= len)
			break;
		memcpy(buf + n, put, plen);
		n += plen;
		s += clen;
		max -= clen;
	}
	buf[n] = '\0';
	return buf;
}

int64_t vt_wall_offset_ns(void)
{
	struct timespec mono, real;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	return ((int64_t)real.tv_sec - mono.tv_sec) * 1000000000LL + ((int64_t)real.tv_nsec - mono.tv_nsec);
}

char *vt_wall_time(char *buf, size_t len, uint64_t mono_ns, int64_t offset_ns, int iso)
{
	int64_t ns;
	time_t sec;
	struct tm tm;
	char us[8];

	/* a recording's clock may say anything */
	if (mono_ns > INT64_MAX || __builtin_add_overflow((int64_t)mono_ns, offset_ns, &ns) || ns < 0)
		ns = 0;
	sec = (time_t)(ns / 1000000000LL);
	snprintf(us, sizeof(us), "%06u", (unsigned int)(ns % 1000000000LL / 1000));
	if (iso) {
		gmtime_r(&sec, &tm);
		strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	} else {
		localtime_r(&sec, &tm);
		strftime(buf, len, "%H:%M:%S", &tm);
	}
	snprintf(buf + strlen(buf), len - strlen(buf), ".%s%s", us, iso ? "Z" : "");
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
		   const struct vt_netns_names *names, uint64_t t0_ns, int color)
{
	int red = color && (ev->flags & VMTRACE_EV_DROP) && !vt_drop_is_benign(ev);
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
	fprintf(f, "%s%12s %-4s %-18s %-24s %-8s %-2s %s %s > %s %s", red ? "\033[31m" : "",
		vt_decimal(t, sizeof(t), ev->ts_ns - t0_ns, 9, 6),
		ev->flags & VMTRACE_EV_DROP ? "DROP" : "",
		vt_point_name(ev->point), where, vt_text_safe(ns, sizeof(ns), s.netns, sizeof(s.netns)),
		vt_dir_name(ev->dir),
		vt_family_name(ev->family), s.src, s.dst, vt_kind_name(ev->kind));
	if (is_echo(ev))
		fprintf(f, " id %u seq %u", ev->icmp_id, ev->icmp_seq);
	if (ev->flags & VMTRACE_EV_VLAN)
		fprintf(f, " vlan %u", ev->vlan_tci & 0xfff);
	if (ev->flags & VMTRACE_EV_ENCAP)
		fprintf(f, " in %s vni %u", vt_encap_name(ev->encap), ev->vni);
	fprintf(f, " len %u", ev->len);
	if (ev->flags & VMTRACE_EV_DROP)
		fprintf(f, " reason %s at %s", s.reason[0] ? s.reason : "-", s.location[0] ? s.location : "?");
	fputs(red ? "\033[0m\n" : "\n", f);
}

void vt_hop_json_open(FILE *f, const struct vmtrace_event *ev, const struct vt_netns_names *names,
		      int64_t wall_offset_ns)
{
	int benign = (ev->flags & VMTRACE_EV_DROP) && vt_drop_is_benign(ev);
	struct ev_strings s;
	char when[32];

	ev_strings(ev, names, &s);
	fprintf(f, "{\"type\":\"%s\",\"ts_ns\":%" PRIu64 ",\"time\":\"%s\",\"point\":\"%s\",\"ifname\":",
		(ev->flags & VMTRACE_EV_DROP) && !benign ? "drop" : "hop", (uint64_t)ev->ts_ns,
		vt_wall_time(when, sizeof(when), ev->ts_ns, wall_offset_ns, 1), vt_point_name(ev->point));
	vt_json_str(f, s.ifname);
	fputs(",\"netns\":", f);
	vt_json_str(f, s.netns);
	if (s.out_ifname[0]) {
		fputs(",\"out_ifname\":", f);
		vt_json_str(f, s.out_ifname);
	}
	fprintf(f, ",\"packet\":{\"family\":\"%s\",\"src\":\"%s\",\"dst\":\"%s\",\"kind\":\"%s\"",
		vt_family_name(ev->family), s.src, s.dst, vt_kind_name(ev->kind));
	if (is_echo(ev))
		fprintf(f, ",\"id\":%u,\"seq\":%u", ev->icmp_id, ev->icmp_seq);
	if (ev->flags & VMTRACE_EV_VLAN)
		fprintf(f, ",\"vlan\":%u", ev->vlan_tci & 0xfff);
	if (ev->flags & VMTRACE_EV_ENCAP)
		fprintf(f, ",\"encap\":\"%s\",\"vni\":%u", vt_encap_name(ev->encap), ev->vni & 0xffffff);
	fprintf(f, ",\"len\":%u}", ev->len);
	if (is_echo(ev))
		fprintf(f, ",\"echo\":{\"family\":\"%s\",\"src\":\"%s\",\"dst\":\"%s\",\"id\":%u,\"seq\":%u,\"kind\":\"%s\"}",
			vt_family_name(ev->family), s.src, s.dst, ev->icmp_id, ev->icmp_seq,
			vt_kind_name(ev->kind));
	if (ev->flags & VMTRACE_EV_DROP) {
		fputs(",\"reason\":", f);
		vt_json_str(f, s.reason);
		fputs(",\"location\":", f);
		vt_json_str(f, s.location);
		fprintf(f, ",\"benign\":%s", benign ? "true" : "false");
	}
}

void vt_event_json(FILE *f, const struct vmtrace_event *ev,
		   const struct vt_netns_names *names, int64_t wall_offset_ns)
{
	vt_hop_json_open(f, ev, names, wall_offset_ns);
	fprintf(f, ",\"ifindex\":%d,\"dev_kind\":\"%s\",\"master_ifindex\":%d",
		ev->ifindex, vt_devkind_name(ev->dev_kind), ev->master_ifindex);
	if (ev->out_ifname[0])
		fprintf(f, ",\"out_ifindex\":%d", ev->out_ifindex);
	fprintf(f, ",\"netns_inum\":%u,\"netns_cookie\":%" PRIu64 ",\"dir\":\"%s\",\"cpu\":%u",
		ev->netns_inum, (uint64_t)ev->netns_cookie, vt_dir_name(ev->dir), ev->cpu);
	fprintf(f, ",\"mark\":%u,\"skb\":\"%016" PRIx64 "\"", ev->mark, (uint64_t)ev->skb_tag);
	if (ev->flags & VMTRACE_EV_DROP)
		fprintf(f, ",\"nf_attributed\":%s",
			ev->flags & VMTRACE_EV_NF_ATTRIBUTED ? "true" : "false");
	fputs("}\n", f);
}
