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
	p[9] = 17;	/* UDP */
	CHECK(vmtrace_parse(p, sizeof(p), VMTRACE_PARSE_L3, 0x0800, &pkt) == VMTRACE_PARSE_IGNORED,
	      "udp is not followed");
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
	size_t c, cut;

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
	test_truncations();
	test_garbage();
	printf("parser: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
