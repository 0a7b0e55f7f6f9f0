# Unload under fire: a session is live and a ping flood crosses the traced
# path when the module goes away; 20 times (UNLOAD_CYCLES from the repo's
# build/cycles.env, which make cycles writes, for the long run). No splat (the host scans the
# log), no session or ring memory left behind, the module works after each
# reload.
. "$VMTRACE_SRC/tests/ktest/lib.sh"
[ -r "$VMTRACE_SRC/build/cycles.env" ] && . "$VMTRACE_SRC/build/cycles.env"
make_bridge
add_veth_vm vm vm0 10
host ping -c 1 -W 2 192.0.2.10

ring_allocs() { grep -c vmtrace_rings_alloc /proc/vmallocinfo || true; }

for i in $(seq "${UNLOAD_CYCLES:-20}"); do
	trace $TMP/ev.$i --if br0,vm0-host,vm0@vm
	[ "$(ring_allocs)" -gt 0 ]
	ping -f -w 3 192.0.2.10 > /dev/null 2>&1 &
	flood=$!
	sleep 0.$((RANDOM % 5 + 1))
	rmmod vmtrace
	expect "ring memory after unload ($i)" "$(ring_allocs)" 0
	kill "$trace_pid" "$flood" 2>/dev/null || true
	wait "$trace_pid" 2>/dev/null || true
	wait "$flood" 2>/dev/null || true
	insmod "$VMTRACE_KO"
	expect "sessions after reload ($i)" "$("$VT" status --json | jq .sessions)" 0
done

# Still tracing correctly afterwards.
trace $TMP/ev --if br0
host ping -c 1 -W 2 192.0.2.10
trace_stop $TMP/ev
expect "events after ${UNLOAD_CYCLES:-20} cycles" "$(jq -M -r 'select(.packet.kind=="request") | .point' $TMP/ev | head -1)" "ip:output"
# A session ends with its socket: killing the tracer frees everything.
trace $TMP/ev2 --if br0
kill -KILL "$trace_pid"
wait "$trace_pid" 2>/dev/null || true
for _ in $(seq 50); do [ "$(ring_allocs)" = 0 ] && break; sleep 0.1; done
expect "sessions after the tracer died" "$("$VT" status --json | jq .sessions)" 0
expect "ring memory after the tracer died" "$(ring_allocs)" 0
