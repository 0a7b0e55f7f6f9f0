# SPDX-License-Identifier: GPL-2.0
# make bench, part 2, in wall-clock time with one host thread per vCPU: the
# event stream, attach/detach, module load/unload and memory.
. "$VMTRACE_SRC/tests/ktest/bench-lib.sh"
machine
# Event stream: N parallel floods through the followed path, the CLI's own
# session code counting. Generated (the module's count: queued + refused at
# a full ring) = delivered + lost (the client's count: received + the ring
# and socket losses the messages report), or an event vanished: a bug.
# ping -f is what an operator would run; vtbench flood (prebuilt frames, 64
# per syscall) spends far less of the guest on making echoes, so the event
# rate is vmtrace's and not ping's.
load
gen0_mac=$(ip -j link show gen0 | jq -r '.[0].address')
# the sink answers the flood's made-up source straight back to gen0
ip -n sink neigh replace 198.51.100.9 lladdr "$gen0_mac" dev sink0 nud permanent
stream() {	# stream KIND FLOWS: one session, FLOWS generators of KIND
	local kind=$1 flows=$2 e0 e1 vtb got lk ls took gens=()
	e0=$(module_stat '.emitted + .lost_ring')
	"$VTB" stream $((secs + 2)) $SINK_PATH > "$TMP/stream" &
	vtb=$!
	wait_session > /dev/null
	for _ in $(seq "$flows"); do
		case $kind in
		ping) ping -f -w "$secs" 198.51.100.2 > /dev/null 2>&1 & ;;
		flood) "$VTB" flood gen0 "$sink_mac" 198.51.100.9 198.51.100.2 "$secs" > /dev/null & ;;
		esac
		gens+=($!)
	done
	wait $vtb "${gens[@]}"
	read -r got lk ls took < "$TMP/stream"
	e1=$(module_stat '.emitted + .lost_ring')
	echo "BENCH stream $kind $flows $((e1 - e0)) $got $((lk + ls)) $secs $lk $ls"
}
for kind in ping flood; do
	for flows in 1 2 4; do
		stream $kind $flows
	done
done

# Attach and detach, as the CLI does them (20 rounds), module load/unload.
"$VTB" attach 20 $SINK_PATH | sed 's/^/BENCH attach /'
for _ in 1 2 3 4 5; do
	unload
	t0=$(date +%s%N); insmod "$KO"; t1=$(date +%s%N); rmmod vmtrace; t2=$(date +%s%N)
	echo "BENCH load $(( (t1 - t0) / 1000 )) $(( (t2 - t1) / 1000 ))"
done

# Memory: the module at rest, with one and with two sessions.
load
vmalloc() { awk '/vmtrace/ { s += $2 } END { print s + 0 }' /proc/vmallocinfo; }
echo "BENCH mem module $(awk '$1 == "vmtrace" { print $2 }' /proc/modules) rest $(vmalloc)"
"$VT" follow netns:sink --duration 30 > /dev/null 2>&1 &
s1=$!
wait_session > /dev/null
one=$(vmalloc)
"$VT" follow netns:other --duration 30 > /dev/null 2>&1 &
s2=$!
for _ in $(seq 100); do [ "$(module_stat .sessions)" -ge 2 ] && break; sleep 0.05; done
echo "BENCH mem sessions1 $one sessions2 $(vmalloc) cpus $(nproc) slots $("$VT" status | awk '/^rings:/ { print $2 }')"
kill -INT $s1 $s2; reap $s1 "a follow"; reap $s2 "a follow"
echo "BENCH done"
