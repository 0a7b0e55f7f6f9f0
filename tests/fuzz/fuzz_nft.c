// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: the walk that names the nftables rule, on any ruleset. The
 * input is three bytes choosing the packet (family, hook, direction,
 * interfaces), the JSON, a NUL, the listing; seeds are tests/unit/nft's.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../userspace/nft.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const hooks[] = { "prerouting", "input", "forward", "output", "postrouting" };
	static const char *const ifs[] = { "", "tap0", "eth0", "lo", "qbra1b2c3d4-e5", "fwbr100i0", "tap*" };
	struct vt_nft_pkt p = { 0 };
	struct vt_nft_drop d;
	const uint8_t *nul;
	size_t jlen, llen;
	char *json, *listing;

	if (size < 3)
		return 0;
	p.family = data[0] & 1 ? AF_INET6 : AF_INET;
	p.bridge = data[0] >> 1 & 1;
	p.hook = hooks[(data[0] >> 2) % 5];
	p.iifname = ifs[data[1] % 7];
	p.oifname = ifs[(data[1] >> 3) % 7];
	p.l4proto = p.family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	p.icmp_type = data[2] & 2 ? -1 : data[2] & 1 ? (p.family == AF_INET ? 0 : 129) : (p.family == AF_INET ? 8 : 128);
	inet_pton(p.family, p.family == AF_INET ? "192.0.2.1" : "2001:db8::1", p.src);
	inet_pton(p.family, p.family == AF_INET ? "192.0.2.10" : "2001:db8::10", p.dst);
	data += 3;
	size -= 3;
	/* exactly sized copies: a read past either is ASan's to see */
	nul = memchr(data, 0, size);
	jlen = nul ? (size_t)(nul - data) : size;
	llen = nul ? size - jlen - 1 : 0;
	json = malloc(jlen ? jlen : 1);
	listing = malloc(llen + 1);
	if (!json || !listing)
		abort();
	memcpy(json, data, jlen);
	memcpy(listing, nul ? nul + 1 : data, llen);
	listing[llen] = '\0';
	if (!vt_nft_find_drop(json, jlen, listing, &p, &d) &&
	    (!memchr(d.text, 0, sizeof(d.text)) || !memchr(d.via, 0, sizeof(d.via)) ||
	     !memchr(d.first_uncertain, 0, sizeof(d.first_uncertain))))
		abort();
	free(json);
	free(listing);
	return 0;
}
