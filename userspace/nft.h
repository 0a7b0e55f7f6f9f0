/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which nftables rule dropped a packet: the ruleset as `nft` lists it, the
 * packet walked through the base chains of the hook that dropped it.
 */
#ifndef VT_NFT_H
#define VT_NFT_H

#include <stddef.h>
#include <stdint.h>

/* What vmtrace knows of the dropped packet. */
struct vt_nft_pkt {
	int family;		/* AF_INET or AF_INET6 */
	int bridge;		/* dropped in a bridge hook: the bridge family's chains */
	const char *hook;	/* prerouting, input, forward, output, postrouting */
	uint8_t src[16], dst[16];
	int l4proto;		/* IPPROTO_ICMP, IPPROTO_ICMPV6 */
	int icmp_type;		/* -1: not an echo (ARP, ND: left unmatched) */
	const char *iifname;	/* "" where the hook has none */
	const char *oifname;
};

enum vt_nft_found {
	VT_NFT_NONE,		/* no chain at that hook drops it: another firewall (iptables-legacy, ebtables) */
	VT_NFT_RULE,		/* this rule drops it, every rule before it checked */
	VT_NFT_POLICY,		/* the base chain's policy, no rule having taken it */
	VT_NFT_MAYBE,		/* a rule that may drop it: a match vmtrace cannot check */
};

struct vt_nft_drop {
	enum vt_nft_found found;
	char family[8], table[64], chain[64];
	long handle;		/* of the rule; -1 for a policy */
	char text[256];		/* the rule as `nft -a list ruleset` prints it ("" if not found) */
	unsigned int uncertain;	/* rules before it that may have dropped it: matches vmtrace cannot check */
	char first_uncertain[192];	/* "table chain handle N: text" of the first of them */
	char via[256];		/* the chains from the base chain to it: "FORWARD > sg-chain > ..." */
	unsigned int unsure_before;	/* accepts, returns, jumps before it vmtrace could not check */
	int truncated;		/* the walk stopped short (its bounds, a jump to nowhere) */
};

/*
 * Walk @pkt through the ruleset (@json: `nft -j -a list ruleset`; @listing:
 * `nft -a list ruleset`, for the rules' text). 0 with @out filled (found
 * may be VT_NFT_NONE), or -EINVAL if @json is not a ruleset.
 */
int vt_nft_find_drop(const char *json, size_t json_len, const char *listing,
		     const struct vt_nft_pkt *pkt, struct vt_nft_drop *out);

/*
 * Run `nft ARGS` (in the caller's network namespace), its output in
 * @out (malloc'd, terminated); 0 or -errno. Bounded in time and size.
 */
int vt_nft_run(const char *const *args, char **out, size_t *len);

#endif /* VT_NFT_H */
