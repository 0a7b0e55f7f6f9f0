# Malformed requests are refused with an extack message naming the
# attribute (and the offset of the one to blame), and the module stays
# healthy.
. "$VMTRACE_SRC/tests/ktest/lib.sh"
P="$BIN/nlprobe"

check() {	# check CASE EXPECTED-LINE
	expect "$1" "$("$P" "$1")" "$2"
}
check start-no-filter "error=EINVAL msg='missing VMTRACE_A_FILTER' attr=-"
check start-empty-filter "error=EINVAL msg='missing VMTRACE_FILTER_A_IFACE' attr=VMTRACE_A_FILTER"
check filter-garbage "error=EINVAL msg='malformed VMTRACE_A_FILTER' attr=VMTRACE_A_FILTER"
check iface-no-ifindex "error=EINVAL msg='missing VMTRACE_IFACE_A_IFINDEX' attr=VMTRACE_FILTER_A_IFACE"
check iface-bad-type "error=EINVAL msg='invalid VMTRACE_IFACE_A_IFINDEX: a positive ifindex, u32' attr=VMTRACE_IFACE_A_IFINDEX"
# outside the policy's range, 1 to INT_MAX, below and above
check ifindex-zero "error=ERANGE msg='invalid VMTRACE_IFACE_A_IFINDEX: a positive ifindex, u32' attr=VMTRACE_IFACE_A_IFINDEX"
check ifindex-huge "error=ERANGE msg='invalid VMTRACE_IFACE_A_IFINDEX: a positive ifindex, u32' attr=VMTRACE_IFACE_A_IFINDEX"
check filter-unknown-attr "error=EINVAL msg='unknown attribute in VMTRACE_A_FILTER' attr=99"
check addr-bad-len "error=EINVAL msg='VMTRACE_FILTER_A_ADDR must be 4 (IPv4) or 16 (IPv6) bytes' attr=VMTRACE_FILTER_A_ADDR"
check icmp-id-bad-type "error=EINVAL msg='invalid VMTRACE_FILTER_A_ICMP_ID' attr=VMTRACE_FILTER_A_ICMP_ID"
check tunnels-with-payload "error=ERANGE msg='invalid VMTRACE_FILTER_A_TUNNELS: a flag, no payload' attr=VMTRACE_FILTER_A_TUNNELS"
check too-many-ifaces "error=E2BIG msg='too many VMTRACE_FILTER_A_IFACE (limit VMTRACE_MAX_IFACES)' attr=VMTRACE_FILTER_A_IFACE"
check too-many-addrs "error=E2BIG msg='too many VMTRACE_FILTER_A_ADDR (limit VMTRACE_MAX_ADDRS)' attr=VMTRACE_FILTER_A_ADDR"
check stop "error=EINVAL msg='missing VMTRACE_A_SESSION_ID' attr=-"
check stop-not-running "error=ENOENT msg='VMTRACE_A_SESSION_ID: no such session' attr=-"
# Top-level attributes are checked by the genetlink core against the family
# policy: its message, and the offset of the attribute it blames.
expect "top-unknown-attr" "$("$P" top-unknown-attr | sed 's/msg=.* attr/attr/')" "error=EINVAL attr=200"
expect "filter-not-nested" "$("$P" filter-not-nested)" "error=EINVAL msg='NLA_F_NESTED is missing' attr=VMTRACE_A_FILTER"
expect "stop-wrong-size" "$("$P" stop-wrong-size | sed 's/msg=.* attr/attr/')" "error=EINVAL attr=VMTRACE_A_SESSION_ID"
expect "stop-bad-id" "$("$P" stop-bad-id | sed 's/msg=.* attr/attr/')" "error=ERANGE attr=VMTRACE_A_SESSION_ID"

# A well-formed session from a socket that then closes: gone with it.
check start-lo "ok"
check start-lo-tunnels "ok"
expect "sessions" "$("$VT" status --json | jq .sessions)" 0

# Healthy afterwards.
make_bridge
add_veth_vm vm vm0 10
trace $TMP/ev --if br0
host ping -c 1 -W 2 192.0.2.10
trace_stop $TMP/ev
expect "first hop" "$(jq -M -r 'select(.packet.kind=="request") | .point' $TMP/ev | head -1)" "ip:output"

# The CLI turns bad arguments into one line and exit code 2.
set +e
"$VT" events --if 2> $TMP/err; rc=$?
set -e
expect "cli rc" "$rc" 2
expect "cli stderr lines" "$(wc -l < $TMP/err)" 1
