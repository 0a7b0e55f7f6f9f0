# SPDX-License-Identifier: GPL-2.0
# The benchmark's lab, sourced by bench-cost.sh and bench-stream.sh (run in
# the lab guest by `make bench`; tests/bench/report.sh turns their BENCH
# lines into docs/performance.md's tables and plot).
#
#   host netns                                       netns sink
#   gen0 (pktgen, UDP 64 B) ═veth═ gen0-host ─┐
#                                    br0 198.51.100.1 ── sink0-host ═veth═ sink0 198.51.100.2
#   ping 198.51.100.2, 200/s (ICMP) ──────────┘                          (udpsink: UDP consumed)
#   netns other: other0 198.51.100.3 on br0 (the "different VM" of config c)
#
# Configurations (start_config / stop_config); each carries the same UDP
# stream and the same fixed-rate ICMP stream (a flood that adapts to the
# machine would take a different share of the CPU in each):
#   a  vmtrace not loaded            b  loaded, idle
#   c  following another VM          d  following the sink (the ICMP stream is its traffic)
#   e  bpftrace, same tracepoints and ICMP filter (no vmtrace)
#   f  dropwatch (drop_monitor) running (no vmtrace)
# BENCH_SECONDS (5) per measurement after BENCH_WARMUP (2) seconds of traffic,
# BENCH_ROUNDS (5) rounds; BENCH_QUIET_ROUNDS (2) of the per-call and per-event part.
. "$VMTRACE_SRC/tests/ktest/lib.sh"
# make bench leaves its parameters beside the binaries; the smoke test sets its own
if [ -z "${BENCH_SECONDS:-}" ] && [ -f "$BIN/bench.env" ]; then
	. "$BIN/bench.env"
fi
secs=${BENCH_SECONDS:-5}
rounds=${BENCH_ROUNDS:-5}
KO=$VMTRACE_KO	# the module this boot was given (the debug kernel has its own build)
VTB=$BIN/vtbench

{
host ip link add br0 type bridge stp_state 0 forward_delay 0
host ip addr add 198.51.100.1/24 dev br0
host ip link set br0 up
host ip link add gen0 type veth peer name gen0-host
host ip link set gen0-host master br0 up
host ip link set gen0 up
add_veth_vm sink sink0 2 br0 198.51.100 2001:db8:1
add_veth_vm other other0 3 br0 198.51.100 2001:db8:2
} > /dev/null 2>&1
# each part leaves the guest as it found it: the smoke runs both in one boot
lab_down() { ip link del br0; ip link del gen0; ip netns del sink; ip netns del other; }
trap 'cleanup; lab_down 2> /dev/null || true' EXIT
ping -c 1 -W 2 198.51.100.2 > /dev/null
ip netns exec sink "$BIN/udpsink" 9 &
pids+=($!)
modprobe pktgen
sink_mac=$(ip -n sink -j link show sink0 | jq -r '.[0].address')
pg() { echo "$2" > "/proc/net/pktgen/$1"; }
pg kpktgend_0 rem_device_all
pg kpktgend_0 "add_device gen0"
for c in "count 0" "clone_skb 0" "pkt_size 64" "delay 0" "dst 198.51.100.2" "src_min 198.51.100.9" \
	 "src_max 198.51.100.9" "dst_mac $sink_mac" "udp_src_min 9" "udp_src_max 9" "udp_dst_min 9" "udp_dst_max 9"; do
	pg gen0 "$c"
done

# what `vmtrace follow netns:sink` watches (--show-path)
SINK_PATH="sink0@sink sink0-host br0 gen0-host other0-host"

loaded() { grep -q '^vmtrace ' /proc/modules; }
module_stat() { "$VT" status --json | jq -r "$1"; }	# a field of vmtrace status --json
emitted() { if loaded; then module_stat .emitted; else echo 0; fi; }
load() { loaded || insmod "$KO"; }
unload() { ! loaded || rmmod vmtrace; }
rx() { ip -n sink -j -s link show sink0 | jq '.[0].stats64.rx.packets'; }

# bpftrace prints "Attaching N probes..." before it attaches them, and only
# then catches SIGINT (a background job starts with it ignored): until then
# the probes are not all live and the SIGINT that should end it is lost.
catches_sigint() {
	local cgt
	cgt=$(awk '$1 == "SigCgt:" { print $2 }' "/proc/$1/status" 2> /dev/null)
	[ -n "$cgt" ] && (( (16#$cgt >> 1) & 1 ))
}
bpftrace_attached() {	# PID OUTPUT
	for _ in $(seq 1200); do catches_sigint "$1" && return 0; kill -0 "$1" 2> /dev/null || break; sleep 0.1; done
	echo "bpftrace did not attach:"; cat "$2"; kill "$1" 2> /dev/null
	return 1
}

bg=""
start_config() {
	case $1 in
	a|e|f) unload ;;
	*) load ;;
	esac
	case $1 in
	c) "$VT" follow netns:other --duration $((secs + 30)) > /dev/null 2>&1 & bg=$!; wait_session > /dev/null ;;
	d) "$VT" follow netns:sink --duration $((secs + 30)) > /dev/null 2>&1 & bg=$!; wait_session > /dev/null ;;
	# d)'s interfaces, events only counted: the kernel's side of d) without the CLI's
	k) "$VTB" stream $((secs + 30)) $SINK_PATH > /dev/null & bg=$!; wait_session > /dev/null ;;
	e) bpftrace "$VMTRACE_SRC/tests/bench/icmp.bt" > "$TMP/bt.out" 2>&1 & bg=$!
	   bpftrace_attached "$bg" "$TMP/bt.out" || return 1 ;;
	f) rm -f "$TMP/dw.in"; mkfifo "$TMP/dw.in"
	   modprobe drop_monitor
	   stdbuf -oL dropwatch -l kas < "$TMP/dw.in" > "$TMP/dw.out" 2>&1 & bg=$!
	   exec 9> "$TMP/dw.in"
	   echo start >&9
	   # loading the kallsyms database takes a while under TCG
	   for _ in $(seq 1200); do grep -q 'Kernel monitoring activated' "$TMP/dw.out" && break; sleep 0.1; done
	   grep -q 'Kernel monitoring activated' "$TMP/dw.out" || { echo "dropwatch did not start:"; cat "$TMP/dw.out"; kill "$bg"; return 1; } ;;
	esac
	[ -z "$bg" ] || pids+=("$bg")
}
# reap PID WHAT: wait for a process told to end, 20 s at most, then kill
# it and say so: one bench run in the lab sat until its boot timed out on
# a child that never ended, and said nothing of which.
reap() {
	for _ in $(seq 200); do kill -0 "$1" 2> /dev/null || break; sleep 0.1; done
	if kill -0 "$1" 2> /dev/null; then
		echo "bench: $2 (pid $1) did not end within 20 s: killed" >&2
		kill -KILL "$1" 2> /dev/null || true
	fi
	wait "$1" 2> /dev/null || true
}
stop_config() {
	if [ -n "$bg" ]; then
		kill -INT "$bg" 2> /dev/null || true
		# dropwatch goes back to its prompt on SIGINT: end its input too
		exec 9>&- || true
		reap "$bg" "the tracer of this configuration"
		bg=""
	fi
}
# Traffic flows only between configuration changes: under multi-threaded
# TCG, a vCPU once spun forever on a tracepoint's static branch that was
# being re-patched while packets crossed it (see docs/performance.md).
measure() {	# "pps events/s": delivered to the sink, emitted by vmtrace, over $secs seconds of pktgen
	local r0 r1 t0 t1 e0 e1 pingp
	"$VTB" ping 198.51.100.2 "${BENCH_PING_RATE:-200}" $((secs + 10)) &
	pingp=$!
	(echo start > /proc/net/pktgen/pgctrl) 2> /dev/null &
	local pgp=$!
	# warm up: ARP, the tracer's first reads, TCG retranslating patched code
	sleep "${BENCH_WARMUP:-2}"
	e0=$(emitted); r0=$(rx); t0=$(date +%s%N)
	sleep "$secs"
	r1=$(rx); t1=$(date +%s%N); e1=$(emitted)
	# a "start" that began after this "stop" would run on: stop until it returns
	for _ in $(seq 100); do
		echo stop > /proc/net/pktgen/pgctrl
		kill -0 $pgp 2> /dev/null || break
		sleep 0.2
	done
	reap $pgp "pktgen"
	# a slow boot may outlast the sender's own end
	kill $pingp 2> /dev/null || true
	reap $pingp "the echo sender"
	sleep 0.5
	echo $(( (r1 - r0) * 1000000000 / (t1 - t0) )) $(( (e1 - e0) * 1000000000 / (t1 - t0) ))
}

machine() {
	echo "BENCH machine $(nproc) vCPU, $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
	echo "BENCH params seconds=$secs rounds=$rounds"
}
