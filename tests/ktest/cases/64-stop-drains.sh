# A session stopped while another lives gets every event recorded before
# its stop: the kernel drains the rings to it before it acks. Each round
# starts a tracer, pings once (ping returns after the reply, so the reply's
# hops are recorded by then) and stops the tracer at once; the tracer must
# have printed the reply's arrival on the bridge. A second session stays
# live throughout, so every stop is a stop among others.
. "$VMTRACE_SRC/tests/ktest/lib.sh"
make_bridge
add_veth_vm vm vm0 10
host ping -c 1 -W 2 192.0.2.10 > /dev/null
"$VT" events --json --if br0,vm0-host > $TMP/other 2> $TMP/other.err &
other=$!
pids+=($other)
wait_session
for i in $(seq 10); do
	trace $TMP/ev.$i --if br0,vm0-host
	for _ in $(seq 200); do [ "$("$VT" status --json | jq .sessions)" = 2 ] && break; sleep 0.05; done
	ping -c 1 -W 2 192.0.2.10 > /dev/null
	trace_stop $TMP/ev.$i
	expect "round $i: the reply's arrival on br0" \
		"$(jq -M -r 'select(.packet.kind=="reply" and .point=="dev:rx" and .ifname=="br0") | .packet.kind' $TMP/ev.$i | head -1)" reply
done
expect "the other session lived on" "$("$VT" status --json | jq .sessions)" 1
kill -INT $other
wait $other
