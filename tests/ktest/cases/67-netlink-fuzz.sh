# The family under fire: random and mutated START/STOP/STATUS/STATS requests
# on six sockets, some closed with their sessions live, some holding the
# events group, while a ping flood crosses the watched path and a VM's
# namespace is created and deleted over and over (START and STOP racing the
# deletion of what they watch). Every malformed request must be refused
# with an extack message, every request answered, the kernel log clean (the
# host's splat scan), and the module must work afterwards.
# NLFUZZ_SECONDS (default 20) and NLFUZZ_SEED (default 1) come from the
# repo's build/nlfuzz.env when make fuzz-long writes it.
. "$VMTRACE_SRC/tests/ktest/lib.sh"
[ -r "$VMTRACE_SRC/build/nlfuzz.env" ] && . "$VMTRACE_SRC/build/nlfuzz.env"
make_bridge
add_veth_vm vm vm0 10
add_veth_vm churn ch0 40
host ping -c 1 -W 2 192.0.2.10 > /dev/null
ping -f -w $((${NLFUZZ_SECONDS:-20} + 5)) 192.0.2.10 > /dev/null 2>&1 &
pids+=($!)
( set +e
  while :; do
	ip netns del churn 2>/dev/null
	ip netns add churn
	ip link add ch0-host type veth peer name ch0 netns churn
	ip link set ch0-host master br0 up
	sleep 0.3
  done ) > /dev/null 2>&1 &
pids+=($!)
set -o pipefail
host "$BIN/nlfuzz" "${NLFUZZ_SECONDS:-20}" "${NLFUZZ_SEED:-1}" br0 vm0-host ch0-host lo | tee $TMP/fuzz
set +o pipefail
kill "${pids[-1]}"
expect "sessions started by the fuzzer" "$(awk '{ print ($11 > 0) }' $TMP/fuzz)" 1
# all its sockets are closed: every session ended with them
for _ in $(seq 50); do [ "$("$VT" status --json | jq .sessions)" = 0 ] && break; sleep 0.1; done
expect "sessions left" "$("$VT" status --json | jq .sessions)" 0
trace $TMP/ev --if br0,vm0-host
host ping -c 2 -i 0.2 -W 1 192.0.2.10 > /dev/null
trace_stop $TMP/ev || true
expect "still tracing" "$(jq -M -r 'select(.packet.kind=="request") | .point' $TMP/ev | head -1)" "ip:output"
