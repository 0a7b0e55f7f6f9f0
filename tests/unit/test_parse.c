// SPDX-License-Identifier: GPL-2.0
/*
 * The packet parser, compiled from the module's own kmod/parse.c, against
 * hand-built frames, every truncation of them, and random garbage; run
 * under AddressSanitizer and UBSan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vmtrace.h>

#include "parse.h"

#include "check.h"

static const u8 mac_hdr_v4[] = {
	0x02, 0, 0, 0, 0, 0x10, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
};

/* 192.0.2.1 -> 192.0.2.10 ICMP echo request id 0x1234 seq 7 */
static const u8 ipv4_echo[] = {
	0x45, 0, 0, 84, 0, 1, 0x40, 0, 64, 1, 0, 0,
	192, 0, 2, 1, 192, 0, 2, 10,
	8, 0, 0, 0, 0x12, 0x34, 0, 7,
};

/* 2001:db8::1 -> 2001:db8::10 ICMPv6 echo reply id 5 seq 9 */
static const u8 ipv6_echo_reply[] = {
	0x60, 0, 0, 0, 0, 8, 58, 64,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
	129, 0, 0, 0, 0, 5, 0, 9,
};

/* neighbour solicitation for 2001:db8::10 behind a hop-by-hop header */
static const u8 ipv6_ns_hbh[] = {
	0x60, 0, 0, 0, 0, 32, 0, 255,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 0x10,
	58, 0, 0, 0, 0, 0, 0, 0,			/* hop-by-hop, 8 bytes */
	135, 0, 0, 0, 0, 0, 0, 0,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
};

/* ARP who-has 192.0.2.10 tell 192.0.2.1 */
static const u8 arp_request[] = {
	0, 1, 0x08, 0x00, 6, 4, 0, 1,
	0x02, 0, 0, 0, 0, 0x01, 192, 0, 2, 1,
	0, 0, 0, 0, 0, 0, 192, 0, 2, 10,
};

static size_t frame(u8 *buf, u16 ethertype, int vlan, const u8 *l3, size_t l3len)
{
	size_t off = 12;

	memcpy(buf, mac_hdr_v4, 12);
	if (vlan >= 0) {
		buf[off++] = 0x81;
		buf[off++] = 0x00;
		buf[off++] = (u8)(vlan >> 8);
		buf[off++] = (u8)vlan;
	}
	buf[off++] = (u8)(ethertype >> 8);
	buf[off++] = (u8)ethertype;
	memcpy(buf + off, l3, l3len);
	return off + l3len;
}

static void test_known(void)
{
	struct vmtrace_pkt pkt;
	u8 buf[256];
	size_t len;
	int rc;

	rc = vmtrace_parse(ipv4_echo, sizeof(ipv4_echo), VMTRACE_PARSE_L3, 0x0800, &pkt);
	CHECK(rc == 0 && pkt.kind == VMTRACE_PKT_ECHO_REQUEST && pkt.family == 2 &&
	      pkt.icmp_id == 0x1234 && pkt.icmp_seq == 7 && pkt.src[3] == 1 && pkt.dst[3] == 10,
	      "ipv4 echo at L3: rc %d kind %u", rc, pkt.kind);

	len = frame(buf, 0x0800, -1, ipv4_echo, sizeof(ipv4_echo));
	rc = vmtrace_parse(buf, (unsigned int)len, VMTRACE_PARSE_ETH, 0, &pkt);
	CHECK(rc == 0 && pkt.kind == VMTRACE_PKT_ECHO_REQUEST && !pkt.has_vlan,
	      "ipv4 echo in ethernet: rc %d", rc);

	len = frame(buf, 0x0800, 100, ipv4_echo, sizeof(ipv4_echo));
	rc = vmtrace_parse(buf, (unsigned int)len, VMTRACE_PARSE_ETH, 0, &pkt);
	CHECK(rc == 0 && pkt.has_vlan && (pkt.vlan_tci & 0xfff) == 100 && pkt.icmp_seq == 7,
	      "ipv4 echo behind 802.1Q: rc %d vlan %u", rc, pkt.vlan_tci);

	rc = vmtrace_parse(ipv6_echo_reply, sizeof(ipv6_echo_reply), VMTRACE_PARSE_L3, 0x86dd, &pkt);
	CHECK(rc == 0 && pkt.kind == VMTRACE_PKT_ECHO_REPLY && pkt.family == 10 &&
	      pkt.icmp_id == 5 && pkt.icmp_seq == 9 && pkt.dst[15] == 0x10,
	      "ipv6 echo reply: rc %d kind %u", rc, pkt.kind);

	rc = vmtrace_parse(ipv6_ns_hbh, sizeof(ipv6_ns_hbh), VMTRACE_PARSE_L3, 0x86dd, &pkt);
	CHECK(rc == 0 && pkt.kind == VMTRACE_PKT_NEIGH_SOLICIT && pkt.dst[0] == 0x20 &&
	      pkt.dst[15] == 0x10, "ipv6 NS behind hop-by-hop: rc %d kind %u", rc, pkt.kind);

	len = frame(buf, 0x0806, -1, arp_request, sizeof(arp_request));
	rc = vmtrace_parse(buf, (unsigned int)len, VMTRACE_PARSE_ETH, 0, &pkt);
	CHECK(rc == 0 && pkt.kind == VMTRACE_PKT_ARP_REQUEST && pkt.src[3] == 1 && pkt.dst[3] == 10,
	      "arp request: rc %d", rc);
}

static void test_ignored(void)
{
	struct vmtrace_pkt pkt;
	u8 p[sizeof(ipv4_echo)];

	memcpy(p, ipv4_echo, sizeof(p));
	p[9] = 6;	/* TCP */
	CHECK(vmtrace_parse(p, sizeof(p), VMTRACE_PARSE_L3, 0x0800, &pkt) == VMTRACE_PARSE_IGNORED,
	      "tcp is not followed");
	memcpy(p, ipv4_echo, sizeof(p));
	p[20] = 3;	/* destination unreachable */
	CHECK(vmtrace_parse(p, sizeof(p), VMTRACE_PARSE_L3, 0x0800, &pkt) == VMTRACE_PARSE_IGNORED,
	      "icmp errors are not echoes");
	memcpy(p, ipv4_echo, sizeof(p));
	p[6] = 0x00;
	p[7] = 0x10;	/* fragment offset 16 */
	CHECK(vmtrace_parse(p, sizeof(p), VMTRACE_PARSE_L3, 0x0800, &pkt) == VMTRACE_PARSE_IGNORED,
	      "non-first fragments carry no icmp header");
	CHECK(vmtrace_parse(p, sizeof(p), VMTRACE_PARSE_L3, 0x88cc, &pkt) == VMTRACE_PARSE_IGNORED,
	      "lldp is ignored");
	memcpy(p, ipv4_echo, sizeof(p));
	p[0] = 0x44;	/* ihl 4 */
	CHECK(vmtrace_parse(p, sizeof(p), VMTRACE_PARSE_L3, 0x0800, &pkt) == VMTRACE_PARSE_BAD,
	      "ihl below 5 is malformed");
	CHECK(vmtrace_parse(NULL, 0, VMTRACE_PARSE_ETH, 0, &pkt) == VMTRACE_PARSE_BAD, "null buffer");
}

/*
 * @inner (an Ethernet frame) in a UDP datagram to @port over IPv4
 * 198.51.100.1 -> 198.51.100.2 (or IPv6 2001:db8:1::1 -> ::2), behind a
 * VXLAN header (VNI 42) or a Geneve header (VNI 4242, @optwords of options);
 * the whole outer frame into @buf. Returns its length.
 */
static size_t tunnel(u8 *buf, int v6, u16 port, unsigned int optwords, const u8 *inner, size_t ilen)
{
	u8 l3[400];
	size_t ipl = v6 ? 40 : 20, off = ipl, udplen;

	memset(l3, 0, sizeof(l3));
	l3[off + 0] = 0xc0;	/* source port 49152 */
	l3[off + 2] = (u8)(port >> 8);
	l3[off + 3] = (u8)port;
	off += 8;
	if (port == 6081) {
		l3[off] = (u8)optwords;
		l3[off + 2] = 0x65;
		l3[off + 3] = 0x58;
		l3[off + 4] = 0;
		l3[off + 5] = 0x10;
		l3[off + 6] = 0x92;	/* 4242 */
		off += 8 + optwords * 4;
	} else {
		l3[off] = 0x08;
		l3[off + 6] = 42;
		off += 8;
	}
	memcpy(l3 + off, inner, ilen);
	off += ilen;
	udplen = off - ipl;
	l3[ipl + 4] = (u8)(udplen >> 8);
	l3[ipl + 5] = (u8)udplen;
	if (v6) {
		static const u8 a[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1 };

		l3[0] = 0x60;
		l3[4] = (u8)(udplen >> 8);
		l3[5] = (u8)udplen;
		l3[6] = 17;
		l3[7] = 64;
		memcpy(l3 + 8, a, 16);
		l3[23] = 1;
		memcpy(l3 + 24, a, 16);
		l3[39] = 2;
	} else {
		static const u8 a[] = { 198, 51, 100, 1, 198, 51, 100, 2 };

		l3[0] = 0x45;
		l3[2] = (u8)(off >> 8);
		l3[3] = (u8)off;
		l3[8] = 64;
		l3[9] = 17;
		memcpy(l3 + 12, a, 8);
	}
	return frame(buf, v6 ? 0x86dd : 0x0800, -1, l3, off);
}

/* Echoes, ARP and NS inside VXLAN and Geneve, over IPv4 and IPv6. */
static void test_tunnels(void)
{
	u8 inner[160], buf[VMTRACE_PARSE_MAX + 64];
	struct vmtrace_pkt pkt;
	size_t ilen, len;
	int rc, v6;

	ilen = frame(inner, 0x0800, -1, ipv4_echo, sizeof(ipv4_echo));
	for (v6 = 0; v6 < 2; v6++) {
		len = tunnel(buf, v6, 4789, 0, inner, ilen);
		rc = vmtrace_parse(buf, (unsigned int)len, VMTRACE_PARSE_ETH, 0, &pkt);
		CHECK(rc == 0 && pkt.kind == VMTRACE_PKT_ECHO_REQUEST && pkt.family == 2 && pkt.src[3] == 1 &&
		      pkt.dst[3] == 10 && pkt.icmp_seq == 7 && pkt.encap == VMTRACE_ENCAP_VXLAN && pkt.vni == 42,
		      "vxlan over ipv%d: rc %d kind %u encap %u vni %u", v6 ? 6 : 4, rc, pkt.kind, pkt.encap, pkt.vni);
		len = tunnel(buf, v6, 8472, 0, inner, ilen);
		rc = vmtrace_parse(buf, (unsigned int)len, VMTRACE_PARSE_ETH, 0, &pkt);
		CHECK(rc == 0 && pkt.encap == VMTRACE_ENCAP_VXLAN, "vxlan on Linux's port 8472 over ipv%d: rc %d",
		      v6 ? 6 : 4, rc);
		len = tunnel(buf, v6, 6081, 4, inner, ilen);
		rc = vmtrace_parse(buf, (unsigned int)len, VMTRACE_PARSE_ETH, 0, &pkt);
		CHECK(rc == 0 && pkt.kind == VMTRACE_PKT_ECHO_REQUEST && pkt.encap == VMTRACE_ENCAP_GENEVE &&
		      pkt.vni == 4242, "geneve with 16 bytes of options over ipv%d: rc %d encap %u vni %u",
		      v6 ? 6 : 4, rc, pkt.encap, pkt.vni);
	}
	/* at L3, as the IP hooks see the outer packet */
	len = tunnel(buf, 0, 4789, 0, inner, ilen);
	rc = vmtrace_parse(buf + 14, (unsigned int)len - 14, VMTRACE_PARSE_L3, 0x0800, &pkt);
	CHECK(rc == 0 && pkt.encap == VMTRACE_ENCAP_VXLAN && pkt.dst[3] == 10, "vxlan at L3: rc %d", rc);
	/* the deepest the window holds: IPv6 in Geneve (64 bytes of options) in IPv6, tagged inside */
	ilen = frame(inner, 0x86dd, 7, ipv6_ns_hbh, sizeof(ipv6_ns_hbh));
	len = tunnel(buf, 1, 6081, 16, inner, ilen);
	rc = vmtrace_parse(buf, (unsigned int)len, VMTRACE_PARSE_ETH, 0, &pkt);
	CHECK(len <= VMTRACE_PARSE_MAX && rc == 0 && pkt.kind == VMTRACE_PKT_NEIGH_SOLICIT &&
	      pkt.encap == VMTRACE_ENCAP_GENEVE && pkt.has_vlan && pkt.vlan_tci == 7,
	      "NS in tagged IPv6 in geneve in IPv6 (%zu bytes): rc %d", len, rc);
	ilen = frame(inner, 0x0806, -1, arp_request, sizeof(arp_request));
	len = tunnel(buf, 0, 4789, 0, inner, ilen);
	rc = vmtrace_parse(buf, (unsigned int)len, VMTRACE_PARSE_ETH, 0, &pkt);
	CHECK(rc == 0 && pkt.kind == VMTRACE_PKT_ARP_REQUEST && pkt.encap == VMTRACE_ENCAP_VXLAN,
	      "ARP in vxlan: rc %d", rc);
}

/* Tunnels vmtrace does not look into, and tunnels in tunnels. */
static void test_tunnels_ignored(void)
{
	u8 inner[200], buf[VMTRACE_PARSE_MAX + 64], deep[VMTRACE_PARSE_MAX + 64];
	struct vmtrace_pkt pkt;
	size_t ilen, len;

	ilen = frame(inner, 0x0800, -1, ipv4_echo, sizeof(ipv4_echo));
	len = tunnel(buf, 0, 53, 0, inner, ilen);
	CHECK(vmtrace_parse(buf, (unsigned int)len, VMTRACE_PARSE_ETH, 0, &pkt) == VMTRACE_PARSE_IGNORED,
	      "UDP to another port");
	len = tunnel(buf, 0, 4789, 0, inner, ilen);
	buf[14 + 28] = 0;	/* VXLAN without its I flag */
	CHECK(vmtrace_parse(buf, (unsigned int)len, VMTRACE_PARSE_ETH, 0, &pkt) == VMTRACE_PARSE_IGNORED,
	      "VXLAN without a valid VNI");
	len = tunnel(buf, 0, 6081, 0, inner, ilen);
	buf[14 + 28 + 3] = 0x00;	/* Geneve carrying IPv4, not Ethernet */
	CHECK(vmtrace_parse(buf, (unsigned int)len, VMTRACE_PARSE_ETH, 0, &pkt) == VMTRACE_PARSE_IGNORED,
	      "Geneve with a non-Ethernet payload");
	len = tunnel(buf, 0, 4789, 0, inner, ilen);
	buf[14 + 6] = 0x20;	/* more fragments, offset 0: the first fragment still parses */
	CHECK(vmtrace_parse(buf, (unsigned int)len, VMTRACE_PARSE_ETH, 0, &pkt) == 0, "first fragment of VXLAN");
	buf[14 + 7] = 0x10;	/* offset 128 */
	CHECK(vmtrace_parse(buf, (unsigned int)len, VMTRACE_PARSE_ETH, 0, &pkt) == VMTRACE_PARSE_IGNORED,
	      "a later fragment of VXLAN");
	/* VXLAN in VXLAN: the inner tunnel is not opened */
	len = tunnel(buf, 0, 4789, 0, inner, ilen);
	len = tunnel(deep, 0, 4789, 0, buf, len);
	CHECK(vmtrace_parse(deep, (unsigned int)len, VMTRACE_PARSE_ETH, 0, &pkt) == VMTRACE_PARSE_IGNORED,
	      "a tunnel in a tunnel");
	/* the UDP of a tenant inside the tunnel is not a tunnel */
	len = tunnel(buf, 0, 4789, 0, inner, ilen);
	buf[14 + 20 + 8 + 8 + 14 + 9] = 17;
	CHECK(vmtrace_parse(buf, (unsigned int)len, VMTRACE_PARSE_ETH, 0, &pkt) == VMTRACE_PARSE_IGNORED,
	      "inner UDP");
	/* Geneve options longer than the datagram */
	len = tunnel(buf, 0, 6081, 0, inner, ilen);
	buf[14 + 28] = 0x3f;
	CHECK(vmtrace_parse(buf, (unsigned int)len, VMTRACE_PARSE_ETH, 0, &pkt) == VMTRACE_PARSE_BAD,
	      "Geneve options past the end");
}

/* Every prefix of every known frame: never read past it, never match a cut header. */
static void test_truncations(void)
{
	static const struct {
		const u8 *p;
		size_t len;
		u16 et;
	} cases[] = {
		{ ipv4_echo, sizeof(ipv4_echo), 0x0800 },
		{ ipv6_echo_reply, sizeof(ipv6_echo_reply), 0x86dd },
		{ ipv6_ns_hbh, sizeof(ipv6_ns_hbh), 0x86dd },
		{ arp_request, sizeof(arp_request), 0x0806 },
	};
	struct vmtrace_pkt pkt;
	u8 inner[128], vx[VMTRACE_PARSE_MAX];
	size_t c, cut, vxlen;

	/* a VXLAN frame and a Geneve one cut everywhere, at L2 */
	vxlen = frame(inner, 0x0800, -1, ipv4_echo, sizeof(ipv4_echo));
	for (c = 0; c < 2; c++) {
		size_t full = tunnel(vx, (int)c, c ? 6081 : 4789, c ? 2 : 0, inner, vxlen);

		for (cut = 0; cut < full; cut++) {
			u8 *p = malloc(cut ? cut : 1);

			memcpy(p, vx, cut);
			CHECK(vmtrace_parse(p, (unsigned int)cut, VMTRACE_PARSE_ETH, 0, &pkt) != 0,
			      "tunnel %zu cut at %zu bytes parsed as kind %u", c, cut, pkt.kind);
			free(p);
		}
	}
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		for (cut = 0; cut < cases[c].len; cut++) {
			/* an exactly sized heap copy, so ASan sees any overread */
			u8 *p = malloc(cut ? cut : 1);
			int rc;

			memcpy(p, cases[c].p, cut);
			rc = vmtrace_parse(p, (unsigned int)cut, VMTRACE_PARSE_L3, cases[c].et, &pkt);
			CHECK(rc != 0, "case %zu cut at %zu bytes parsed as kind %u", c, cut, pkt.kind);
			free(p);
		}
	}
}

static void test_garbage(void)
{
	struct vmtrace_pkt pkt;
	unsigned int seed = 12345, i, j, matched = 0;

	for (i = 0; i < 200000; i++) {
		unsigned int len = (unsigned int)(rand_r(&seed) % (VMTRACE_PARSE_MAX + 1));
		u8 *p = malloc(len ? len : 1);

		for (j = 0; j < len; j++)
			p[j] = (u8)rand_r(&seed);
		/* bias toward interesting ethertypes so deep paths get garbage too */
		if (len >= 14 && (i & 1)) {
			static const u16 et[] = { 0x0800, 0x86dd, 0x0806, 0x8100 };
			u16 t = et[(i >> 1) % 4];

			p[12] = (u8)(t >> 8);
			p[13] = (u8)t;
		}
		if (vmtrace_parse(p, len, (i & 2) ? VMTRACE_PARSE_ETH : VMTRACE_PARSE_L3,
				  0x0800, &pkt) == 0)
			matched++;
		free(p);
	}
	passed++;
	printf("garbage: 200000 random buffers, %u parsed as packets of interest\n", matched);
}

int main(void)
{
	test_known();
	test_ignored();
	test_tunnels();
	test_tunnels_ignored();
	test_truncations();
	test_garbage();
	printf("parser: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
