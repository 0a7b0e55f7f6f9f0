# The demo: a small hypervisor in the lab guest (bridge br0, a VM on a veth,
# a VM on a tap with a userspace reader like QEMU), a healthy ping, then two
# classic failures, each with what vmtrace shows. Run with `make demo`.
. "$VMTRACE_SRC/tests/ktest/lib.sh"
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() {	# show TITLE -- tracer arguments -- command
	"$VT" events "$@" > "$TMP/demo.out" 2> "$TMP/demo.err" &
	trace_pid=$!
	pids+=($trace_pid)
	wait_session
}
done_show() {
	kill -INT "$trace_pid"; wait "$trace_pid" || true
	cat "$TMP/demo.out"; cat "$TMP/demo.err"
}
{
make_bridge
add_veth_vm web01 web01 10
add_tap_vm db01 tap101 20
ping -c 1 -W 5 192.0.2.10 > /dev/null; ping -c 1 -W 5 192.0.2.20 > /dev/null
} 2> /dev/null

say "vmtrace status"
"$VT" status

say "Where is web01? vmtrace follow web01 --show-path"
"$VT" follow web01 --show-path

say "Can the host reach it? vmtrace probe web01 --count 1"
"$VT" probe web01 --count 1 || true

say "Someone added a bridge firewall rule dropping ICMP; db01 pings web01 (vmtrace follow web01)"
nft add table bridge demo
nft add chain bridge demo forward '{ type filter hook forward priority 0; }'
nft add rule bridge demo forward meta l4proto icmp drop
"$VT" follow web01 --count 1 --duration 6 &
fpid=$!
wait_session
ip netns exec db01 ping -c 1 -W 1 192.0.2.10 > /dev/null || true
wait $fpid || true
nft delete table bridge demo

say "db01's QEMU stopped reading its tap (VM paused): vmtrace probe if:tap101"
ip link set tap101 txqueuelen 2
pause_vm tap101
"$VT" probe if:tap101 --count 3 || true
resume_vm tap101

say "The guest behind tap101 firewalls ICMP: vmtrace probe if:tap101"
ip netns exec db01 nft add table inet g
ip netns exec db01 nft add chain inet g i '{ type filter hook input priority 0; }'
ip netns exec db01 nft add rule inet g i meta l4proto icmp drop
"$VT" probe if:tap101 --count 1 || true

say "The raw events, for the curious: vmtrace events --if tap101"
show --if tap101
ping -c 1 -W 1 192.0.2.20 > /dev/null || true
done_show
