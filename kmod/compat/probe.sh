#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Print one -DVMTRACE_HAVE_* flag per kernel feature found in the headers of
# the kernel being built against ($1 = srctree, $2 = objtree). Features are
# detected, never inferred from a version number: distributions backport.
# Each test looks for the very declaration the module uses.
src=${1:?srctree}
obj=${2:-$1}

# the first copy of a header, objtree first
header() {
	for t in "$obj" "$src"; do
		[ -f "$t/$1" ] && { cat "$t/$1"; return 0; }
	done
	return 1
}

has() {	# has FILE PATTERN: extended regex over one header
	header "$1" 2>/dev/null | grep -Eq "$2"
}

# event EVENT PATTERN: regex within TRACE_EVENT(EVENT, ...) of trace/events/skb.h only
event() {
	header include/trace/events/skb.h 2>/dev/null |
		awk -v ev="$1" '
			$0 ~ "^(TRACE_EVENT|DEFINE_EVENT)\\(" ev "," { on = 1 }
			on { print }
			on && /^\);/ { exit }' |
		grep -Eq "$2"
}

# exported SYMBOL: the kernel exports it to modules (Module.symvers)
exported() {
	grep -Eq "^0x[0-9a-f]+[[:space:]]$1[[:space:]]" "$obj/Module.symvers" 2>/dev/null
}

flag() { printf ' -DVMTRACE_HAVE_%s' "$1"; }

# 6.7 and stable: multicast groups restricted to CAP_NET_ADMIN; 5.10
# stable's form of the same fix restricts them to CAP_SYS_ADMIN
has include/net/genetlink.h 'define[[:space:]]+GENL_MCAST_CAP_NET_ADMIN' && flag GENL_MCAST_CAP
has include/net/genetlink.h 'u8[[:space:]]+cap_sys_admin:1;' && flag GENL_MCAST_CAP_SYS_ADMIN
# 5.17 (and 5.15.58+): kfree_skb carries a drop reason; 6.11 adds rx_sk, later const
event kfree_skb 'enum skb_drop_reason reason' && flag KFREE_SKB_REASON
event kfree_skb 'struct sock \*rx_sk' && flag KFREE_SKB_RX_SK
event kfree_skb 'const struct sock \*rx_sk' && flag KFREE_SKB_RX_SK_CONST
# 6.3: consume_skb carries the caller's location
event consume_skb 'TP_PROTO\(struct sk_buff \*skb, void \*location\)' && flag CONSUME_SKB_LOCATION
# Drop reason names, where the kernel both declares and exports the table:
# 6.4+ by subsystem in <net/dropreason.h>, 5.18-6.3 one flat array.
has include/net/dropreason.h 'drop_reasons_by_subsys\[[A-Z_]+\];' &&
	exported drop_reasons_by_subsys && flag DROP_REASONS_BY_SUBSYS
{ has include/net/dropreason.h '(^|[^_[:alnum:]])drop_reasons\[\];' ||
  has include/linux/skbuff.h '(^|[^_[:alnum:]])drop_reasons\[\];'; } &&
	exported drop_reasons && flag DROP_REASONS
# 5.12: struct net carries a never-reused cookie, set when the netns is made;
# 5.14: user space can read it (SO_NETNS_COOKIE). vmtrace needs both, since
# the CLI names namespaces by what it can read.
has include/net/net_namespace.h 'u64[[:space:]]+net_cookie;' &&
	has include/uapi/asm-generic/socket.h 'define[[:space:]]+SO_NETNS_COOKIE' && flag NET_COOKIE
# 6.2 (and stable): del_timer_sync renamed timer_delete_sync
has include/linux/timer.h 'int timer_delete_sync\(' && flag TIMER_DELETE_SYNC
# 5.19 (and stable): extack names a missing attribute
has include/linux/netlink.h 'define[[:space:]]+NL_SET_ERR_ATTR_MISS' && flag NL_SET_ERR_ATTR_MISS
exit 0
