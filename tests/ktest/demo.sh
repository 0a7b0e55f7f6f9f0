# The demo: a small hypervisor in the lab guest (bridge br0, a VM on a veth,
# a VM on a tap with a userspace reader like QEMU), a healthy ping, then two
# classic failures, each with what vmtrace shows. Run with `make demo`.
. "$VMTRACE_SRC/tests/ktest/lib.sh"
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() {	# show TITLE -- tracer arguments -- command
	"$VT" events "$@" > "$TMP/demo.out" 2> "$TMP/demo.err" &
	trace_pid=$!
	pids+=($trace_pid)
	for _ in $(seq 200); do [ "$("$VT" status --json | jq .sessions)" -ge 1 ] && break; sleep 0.05; done
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

say "A healthy ping from the host to web01 (veth): every hop, both ways"
show --if br0,web01-host,web01@web01
ping -c 1 -W 2 192.0.2.10 | head -2
done_show

say "Someone added a bridge firewall rule dropping ICMP"
nft add table bridge demo
nft add chain bridge demo forward '{ type filter hook forward priority 0; }'
nft add rule bridge demo forward meta l4proto icmp drop
show --if br0,web01-host,tap101 --addr 192.0.2.10
ip netns exec db01 ping -c 1 -W 1 192.0.2.10 | head -2 || true
done_show
nft delete table bridge demo

say "db01's QEMU stopped reading its tap (paused VM): the tap's ring overflows"
ip link set tap101 txqueuelen 2
pause_vm tap101
show --if br0,tap101
ping -c 4 -i 0.2 -W 1 192.0.2.20 | tail -2 || true
done_show
resume_vm tap101
