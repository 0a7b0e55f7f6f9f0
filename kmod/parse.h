/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The packet parser: plain C over a byte buffer, shared by the module, the
 * userspace unit tests and the fuzzer. It must not trust a single byte.
 */
#ifndef VMTRACE_PARSE_H
#define VMTRACE_PARSE_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
#endif

/*
 * Enough for Ethernet + 802.1Q + IPv6 + UDP + Geneve with 64 bytes of
 * options, then the inner Ethernet + 802.1Q + IPv6 + an extension header +
 * NS/NA. A frame whose headers go further is "truncated".
 */
#define VMTRACE_PARSE_MAX	256

enum vmtrace_parse_layer {
	VMTRACE_PARSE_ETH,	/* buffer starts at the Ethernet header */
	VMTRACE_PARSE_L3,	/* buffer starts at the network header; ethertype given */
};

struct vmtrace_pkt {
	u8 kind;		/* enum vmtrace_pkt_kind */
	u8 family;		/* AF_INET / AF_INET6 values */
	u8 has_vlan;		/* a VLAN tag was found in the payload */
	u16 vlan_tci;
	u16 icmp_id;
	u16 icmp_seq;
	u8 encap;		/* enum vmtrace_encap: the frame was found in a tunnel */
	u32 vni;
	u8 src[16];
	u8 dst[16];		/* for ARP: target IP; for NS/NA: target address */
};

/*
 * Parse @len bytes at @buf. Returns 0 and fills @pkt when the buffer holds an
 * ICMP/ICMPv6 echo request or reply, an ARP request or reply for IPv4 over
 * Ethernet, or an ICMPv6 neighbour solicitation or advertisement; a negative
 * value otherwise (-1 not of interest, -2 truncated or malformed). One of
 * those inside VXLAN or Geneve (over UDP, IPv4 or IPv6) is described by its
 * inner packet, with @pkt->encap and @pkt->vni set; tunnels are not looked
 * into twice.
 */
int vmtrace_parse(const u8 *buf, unsigned int len, enum vmtrace_parse_layer layer,
		  u16 ethertype, struct vmtrace_pkt *pkt);

/* The UDP ports vmtrace looks into: the fast filters ask the same. */
static inline bool vmtrace_tunnel_port(u16 port)
{
	return port == 4789 || port == 8472 || port == 6081;
}

#define VMTRACE_PARSE_IGNORED	(-1)
#define VMTRACE_PARSE_BAD	(-2)

#endif /* VMTRACE_PARSE_H */
