// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Recognise the packets vmtrace follows. Compiled into vmtrace.ko, the unit
 * tests and the fuzzer; it reads only from @buf within @len and allocates
 * nothing. Fields are read byte by byte so that alignment and host byte
 * order never matter.
 */
#ifdef __KERNEL__
#include <linux/string.h>
#else
#include <string.h>
#endif
#include "parse.h"
#include <linux/vmtrace.h>

#define ETH_HDR		14
#define VLAN_HDR	4
#define ETHERTYPE_IPV4	0x0800
#define ETHERTYPE_ARP	0x0806
#define ETHERTYPE_VLAN	0x8100
#define ETHERTYPE_IPV6	0x86dd
#define FAMILY_INET	2	/* AF_INET */
#define FAMILY_INET6	10	/* AF_INET6 */
#define IPPROTO_ICMP_	1
#define IPPROTO_ICMPV6_	58
#define IPPROTO_UDP_	17
#define UDP_HDR		8
#define VXLAN_HDR	8
#define GENEVE_HDR	8
#define ETHERTYPE_TEB	0x6558	/* Geneve's payload: an Ethernet frame */
#define IPV6_HDR	40
#define IPV6_MAX_EXT	4

static u16 get_be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static int parse_frame(const u8 *buf, unsigned int len, enum vmtrace_parse_layer layer,
		       u16 ethertype, struct vmtrace_pkt *pkt, bool outer);

/*
 * A UDP datagram to a tunnel port: the inner Ethernet frame, described as
 * if seen alone, with the tunnel and its VNI. Only from an outer packet.
 */
static int parse_udp_tunnel(const u8 *p, unsigned int len, struct vmtrace_pkt *pkt)
{
	unsigned int off = UDP_HDR;
	u16 port;
	u32 vni;
	u8 encap;
	int ret;

	if (len < UDP_HDR)
		return VMTRACE_PARSE_BAD;
	port = get_be16(p + 2);
	if (!vmtrace_tunnel_port(port))
		return VMTRACE_PARSE_IGNORED;
	if (port == 6081) {
		/* version 0, options length in 4-byte words, an Ethernet payload */
		if (len < off + GENEVE_HDR)
			return VMTRACE_PARSE_BAD;
		if (p[off] >> 6 != 0 || get_be16(p + off + 2) != ETHERTYPE_TEB)
			return VMTRACE_PARSE_IGNORED;
		encap = VMTRACE_ENCAP_GENEVE;
		vni = (u32)p[off + 4] << 16 | (u32)p[off + 5] << 8 | p[off + 6];
		off += GENEVE_HDR + (p[off] & 0x3fu) * 4u;
	} else {
		/* the I flag says the VNI is valid */
		if (len < off + VXLAN_HDR)
			return VMTRACE_PARSE_BAD;
		if (!(p[off] & 0x08))
			return VMTRACE_PARSE_IGNORED;
		encap = VMTRACE_ENCAP_VXLAN;
		vni = (u32)p[off + 4] << 16 | (u32)p[off + 5] << 8 | p[off + 6];
		off += VXLAN_HDR;
	}
	if (off > len)
		return VMTRACE_PARSE_BAD;
	ret = parse_frame(p + off, len - off, VMTRACE_PARSE_ETH, 0, pkt, false);
	if (ret)
		return ret;
	pkt->encap = encap;
	pkt->vni = vni;
	return 0;
}

static int parse_icmp4(const u8 *p, unsigned int len, struct vmtrace_pkt *pkt)
{
	if (len < 8)
		return VMTRACE_PARSE_BAD;
	if (p[1] != 0)
		return VMTRACE_PARSE_IGNORED;
	if (p[0] == 8)
		pkt->kind = VMTRACE_PKT_ECHO_REQUEST;
	else if (p[0] == 0)
		pkt->kind = VMTRACE_PKT_ECHO_REPLY;
	else
		return VMTRACE_PARSE_IGNORED;
	pkt->icmp_id = get_be16(p + 4);
	pkt->icmp_seq = get_be16(p + 6);
	return 0;
}

static int parse_ipv4(const u8 *p, unsigned int len, struct vmtrace_pkt *pkt, bool outer)
{
	unsigned int ihl, tot;

	if (len < 20)
		return VMTRACE_PARSE_BAD;
	if (p[0] >> 4 != 4)
		return VMTRACE_PARSE_BAD;
	ihl = (p[0] & 0x0f) * 4u;
	tot = get_be16(p + 2);
	if (ihl < 20 || tot < ihl)
		return VMTRACE_PARSE_BAD;
	if (p[9] != IPPROTO_ICMP_ && (p[9] != IPPROTO_UDP_ || !outer))
		return VMTRACE_PARSE_IGNORED;
	/* Only a first fragment carries the ICMP or UDP header. */
	if (get_be16(p + 6) & 0x1fff)
		return VMTRACE_PARSE_IGNORED;
	if (len < ihl)
		return VMTRACE_PARSE_BAD;
	if (p[9] == IPPROTO_UDP_)
		return parse_udp_tunnel(p + ihl, len - ihl, pkt);
	pkt->family = FAMILY_INET;
	memcpy(pkt->src, p + 12, 4);
	memcpy(pkt->dst, p + 16, 4);
	return parse_icmp4(p + ihl, len - ihl, pkt);
}

static int parse_icmp6(const u8 *p, unsigned int len, struct vmtrace_pkt *pkt)
{
	if (len < 8)
		return VMTRACE_PARSE_BAD;
	if (p[1] != 0)
		return VMTRACE_PARSE_IGNORED;
	switch (p[0]) {
	case 128:
		pkt->kind = VMTRACE_PKT_ECHO_REQUEST;
		break;
	case 129:
		pkt->kind = VMTRACE_PKT_ECHO_REPLY;
		break;
	case 135:
	case 136:
		/* type, code, checksum, flags/reserved, then the target address */
		if (len < 24)
			return VMTRACE_PARSE_BAD;
		pkt->kind = p[0] == 135 ? VMTRACE_PKT_NEIGH_SOLICIT :
					  VMTRACE_PKT_NEIGH_ADVERT;
		memcpy(pkt->dst, p + 8, 16);
		return 0;
	default:
		return VMTRACE_PARSE_IGNORED;
	}
	pkt->icmp_id = get_be16(p + 4);
	pkt->icmp_seq = get_be16(p + 6);
	return 0;
}

static int parse_ipv6(const u8 *p, unsigned int len, struct vmtrace_pkt *pkt, bool outer)
{
	unsigned int off = IPV6_HDR, i;
	u8 next;

	if (len < IPV6_HDR)
		return VMTRACE_PARSE_BAD;
	if (p[0] >> 4 != 6)
		return VMTRACE_PARSE_BAD;
	next = p[6];

	for (i = 0; i < IPV6_MAX_EXT && next != IPPROTO_ICMPV6_ && next != IPPROTO_UDP_; i++) {
		switch (next) {
		case 0:		/* hop-by-hop */
		case 43:	/* routing */
		case 60:	/* destination options */
			if (len < off + 8)
				return VMTRACE_PARSE_BAD;
			next = p[off];
			off += (p[off + 1] + 1u) * 8u;
			break;
		case 44:	/* fragment: only the first carries ICMPv6 */
			if (len < off + 8)
				return VMTRACE_PARSE_BAD;
			if (get_be16(p + off + 2) & 0xfff8)
				return VMTRACE_PARSE_IGNORED;
			next = p[off];
			off += 8;
			break;
		default:
			return VMTRACE_PARSE_IGNORED;
		}
	}
	if (next != IPPROTO_ICMPV6_ && (next != IPPROTO_UDP_ || !outer))
		return VMTRACE_PARSE_IGNORED;
	if (off > len)
		return VMTRACE_PARSE_BAD;
	if (next == IPPROTO_UDP_)
		return parse_udp_tunnel(p + off, len - off, pkt);
	pkt->family = FAMILY_INET6;
	memcpy(pkt->src, p + 8, 16);
	memcpy(pkt->dst, p + 24, 16);
	return parse_icmp6(p + off, len - off, pkt);
}

static int parse_arp(const u8 *p, unsigned int len, struct vmtrace_pkt *pkt)
{
	u16 op;

	if (len < 28)
		return VMTRACE_PARSE_BAD;
	/* Ethernet hardware, IPv4 protocol, 6- and 4-byte addresses */
	if (get_be16(p) != 1 || get_be16(p + 2) != ETHERTYPE_IPV4 ||
	    p[4] != 6 || p[5] != 4)
		return VMTRACE_PARSE_IGNORED;
	op = get_be16(p + 6);
	if (op == 1)
		pkt->kind = VMTRACE_PKT_ARP_REQUEST;
	else if (op == 2)
		pkt->kind = VMTRACE_PKT_ARP_REPLY;
	else
		return VMTRACE_PARSE_IGNORED;
	pkt->family = FAMILY_INET;
	memcpy(pkt->src, p + 14, 4);
	memcpy(pkt->dst, p + 24, 4);
	return 0;
}

static int parse_l3(const u8 *p, unsigned int len, u16 ethertype,
		    struct vmtrace_pkt *pkt, bool outer)
{
	switch (ethertype) {
	case ETHERTYPE_IPV4:
		return parse_ipv4(p, len, pkt, outer);
	case ETHERTYPE_IPV6:
		return parse_ipv6(p, len, pkt, outer);
	case ETHERTYPE_ARP:
		return parse_arp(p, len, pkt);
	default:
		return VMTRACE_PARSE_IGNORED;
	}
}

/*
 * One frame; @outer: it may carry a tunnel. An inner frame's 802.1Q tag
 * does not replace the outer one (the underlay's), which the event shows.
 */
static int parse_frame(const u8 *buf, unsigned int len, enum vmtrace_parse_layer layer,
		       u16 ethertype, struct vmtrace_pkt *pkt, bool outer)
{
	unsigned int off = 0;

	if (layer == VMTRACE_PARSE_ETH) {
		if (len < ETH_HDR)
			return VMTRACE_PARSE_BAD;
		ethertype = get_be16(buf + 12);
		off = ETH_HDR;
	}
	if (ethertype == ETHERTYPE_VLAN) {
		if (len < off + VLAN_HDR)
			return VMTRACE_PARSE_BAD;
		if (!pkt->has_vlan) {
			pkt->has_vlan = 1;
			pkt->vlan_tci = get_be16(buf + off);
		}
		ethertype = get_be16(buf + off + 2);
		off += VLAN_HDR;
	}
	return parse_l3(buf + off, len - off, ethertype, pkt, outer);
}

int vmtrace_parse(const u8 *buf, unsigned int len, enum vmtrace_parse_layer layer,
		  u16 ethertype, struct vmtrace_pkt *pkt)
{
	memset(pkt, 0, sizeof(*pkt));
	if (!buf)
		return VMTRACE_PARSE_BAD;
	return parse_frame(buf, len, layer, ethertype, pkt, true);
}
