// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target for the parser vmtrace.ko runs on every watched packet. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmtrace_pkt pkt;
	uint16_t ethertype;

	if (size < 3)
		return 0;
	/* first byte picks the layer, the next two the ethertype for L3 */
	ethertype = (uint16_t)(data[1] << 8 | data[2]);
	vmtrace_parse(data + 3, (unsigned int)(size - 3),
		      data[0] & 1 ? VMTRACE_PARSE_ETH : VMTRACE_PARSE_L3, ethertype, &pkt);
	return 0;
}
