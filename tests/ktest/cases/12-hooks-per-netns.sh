# Netfilter hooks exist only in the namespaces a session watches and only
# while it runs; a watched namespace that dies takes its hooks with it. Each
# hooked namespace has a first hook at all 15 bridge, IPv4 and IPv6 points and
# a last hook only where attribution needs one: the 10 IP points and bridge
# prerouting (docs/design.md).
. "$VMTRACE_SRC/tests/ktest/lib.sh"
make_bridge
add_veth_vm vm vm0 10
add_veth_vm other other0 11
hooked() { "$VT" status --json | jq -r '"\(.hooked_netns) \(.netns_hooks)"'; }

expect "hooks without a session" "$(hooked)" "0 26"
trace $TMP/ev --if vm0@vm
expect "one watched namespace" "$(hooked)" "1 26"
trace_stop $TMP/ev
trace $TMP/ev --if br0,vm0@vm
expect "host and vm watched" "$(hooked)" "2 26"
trace_stop $TMP/ev
expect "hooks after the session" "$(hooked)" "0 26"

ip netns add doomed
ip link add doomed0 netns doomed type dummy
trace $TMP/ev --if vm0@vm,doomed0@doomed
expect "vm and doomed watched" "$(hooked)" "2 26"
ip netns del doomed
# netns teardown is asynchronous (cleanup_net in a worker)
for _ in $(seq 100); do [ "$(hooked)" = "1 26" ] && break; sleep 0.1; done
expect "the dead namespace's hooks are gone" "$(hooked)" "1 26"
host ping -c 1 -W 2 192.0.2.10
trace_stop $TMP/ev
expect "hooks after the last session" "$(hooked)" "0 26"
"$VT" status | grep -q '^hooks: *netfilter hooks in 0 namespaces (26 each)$'
echo "ok: status says it in words"
