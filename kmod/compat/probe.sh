#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Print one -DVMTRACE_HAVE_* flag per kernel feature found in the headers of
# the kernel being built against ($1 = srctree, $2 = objtree). Features are
# detected, never inferred from a version number: distributions backport.
src=${1:?srctree}
obj=${2:-$1}

has() {	# has FILE PATTERN: extended regex over one header, searched in both trees
	for t in "$obj" "$src"; do
		[ -f "$t/$1" ] && grep -Eq "$2" "$t/$1" && return 0
	done
	return 1
}

flag() { printf ' -DVMTRACE_HAVE_%s' "$1"; }

# 6.7 and stable: multicast groups restricted to CAP_NET_ADMIN
has include/net/genetlink.h 'GENL_MCAST_CAP_NET_ADMIN' && flag GENL_MCAST_CAP
# 5.17 (and 5.15.58+): kfree_skb carries a drop reason; 6.11 adds rx_sk
has include/trace/events/skb.h 'enum skb_drop_reason reason' && flag KFREE_SKB_REASON
has include/trace/events/skb.h 'struct sock \*rx_sk' && flag KFREE_SKB_RX_SK
# 6.3: consume_skb carries the caller's location
has include/trace/events/skb.h 'TP_PROTO\(struct sk_buff \*skb, void \*location\)' && flag CONSUME_SKB_LOCATION
# 6.4: reasons grouped by subsystem, names in drop_reasons_by_subsys
has include/net/dropreason.h 'drop_reasons_by_subsys' && flag DROP_REASONS_BY_SUBSYS
# 5.14: struct net carries a never-reused cookie
has include/net/net_namespace.h 'u64[[:space:]]+net_cookie' && flag NET_COOKIE
# 6.2 (and stable): del_timer_sync renamed timer_delete_sync
has include/linux/timer.h 'int timer_delete_sync\(' && flag TIMER_DELETE_SYNC
exit 0
