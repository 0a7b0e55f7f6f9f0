# Netfilter hooks exist only in the namespaces a session watches and only
# while it runs; a watched namespace that dies takes its hooks with it. A
# point that something else hooks gets a frame: a first hook, and a last
# one at IP points and bridge prerouting. Otherwise an IP point has one
# hook that only records the hop, and a bridge point none. Filters are
# looked for again while the session runs (docs/design.md). Status
# reports the most a namespace can carry (26; 30 before 5.17).
. "$VMTRACE_SRC/tests/ktest/lib.sh"
make_bridge
add_veth_vm vm vm0 10
add_veth_vm other other0 11
# Without drop reasons (before 5.17) a drop inside a hook cannot be told
# from a later one, so every bridge point is framed by a last hook too:
# 30 hooks at most, and a filtered bridge point adds two, not one.
MAX=26 BR=1
kernel_since 5.17 || { MAX=30 BR=2; }
hooked() { "$VT" status --json | jq -r '"\(.hooked_netns) \(.nf_hooks) \(.netns_hooks)"'; }
# the recheck runs ten times a second
wait_hooked() { for _ in $(seq 50); do [ "$(hooked)" = "$1" ] && break; sleep 0.1; done; }

expect "hooks without a session" "$(hooked)" "0 0 $MAX"
trace $TMP/ev --if vm0@vm
# B: 10 plain hooks, one more per IP point the kernel's own LSM hooks in
# every namespace: AppArmor (Debian's) IPv4 and IPv6 postrouting, SELinux
# forward, output and postrouting of both
B=$("$VT" status --json | jq .nf_hooks)
expect "one watched namespace" "$(hooked)" "1 $B $MAX"
[ -r /sys/kernel/security/lsm ] || mount -t securityfs securityfs /sys/kernel/security
lsm=$(cat /sys/kernel/security/lsm)
case ",$lsm," in
*,selinux,*) lsm_points=6 ;;
*,apparmor,*) lsm_points=2 ;;
*) lsm_points=0 ;;
esac
expect "B, with the hooks of the LSMs $lsm" "$B" $((10 + lsm_points))
trace_stop $TMP/ev
trace $TMP/ev --if br0,vm0-host,vm0@vm
expect "host and vm watched, no bridge filter" "$(hooked)" "2 $((2 * B)) $MAX"

# A bridge filter loaded while the session runs: its points get hooked.
host nft -f - <<'NFT'
table bridge vmtrace_test {
	chain forward { type filter hook forward priority 0; policy accept; }
}
NFT
wait_hooked "2 $((2 * B + BR)) $MAX"
expect "bridge forward filtered" "$(hooked)" "2 $((2 * B + BR)) $MAX"
host nft add chain bridge vmtrace_test prerouting_filter '{ type filter hook prerouting priority 0; policy accept; }'
wait_hooked "2 $((2 * B + BR + 2)) $MAX"
expect "bridge prerouting filtered too" "$(hooked)" "2 $((2 * B + BR + 2)) $MAX"
host ping -c 1 -W 2 192.0.2.10
host nft delete table bridge vmtrace_test
wait_hooked "2 $((2 * B)) $MAX"
expect "bridge filter gone" "$(hooked)" "2 $((2 * B)) $MAX"
# An IP filter in the VM: its input point trades the plain hook for a frame.
n vm nft add table ip vmtrace_test
n vm nft add chain ip vmtrace_test input_filter '{ type filter hook input priority 0; policy accept; }'
wait_hooked "2 $((2 * B + 1)) $MAX"
expect "vm input filtered" "$(hooked)" "2 $((2 * B + 1)) $MAX"
host ping -c 1 -W 2 192.0.2.10
n vm nft delete table ip vmtrace_test
wait_hooked "2 $((2 * B)) $MAX"
expect "ip filter gone" "$(hooked)" "2 $((2 * B)) $MAX"
trace_stop $TMP/ev
expect "hooks after the session" "$(hooked)" "0 0 $MAX"
# every echo saw ip:input in the VM once, framed or not
expect "ip:input in the vm" "$(jq -M -r 'select(.packet.kind=="request" and .point=="ip:input") | .ifname' $TMP/ev | sort | uniq -c | tr -s ' ')" \
	" 2 vm0"
# the reply enters the bridge at vm0-host; the request leaves it by
# output and postrouting, which nobody filters
expect "bridge hops while filtered" \
	"$(jq -M -r 'select((.packet.kind=="request" or .packet.kind=="reply") and (.point|startswith("bridge:"))) | "\(.packet.kind) \(.point) \(.ifname)"' $TMP/ev)" \
	"reply bridge:prerouting vm0-host"
# A filter present before the session is hooked at once.
host nft -f - <<'NFT'
table bridge vmtrace_test {
	chain post { type filter hook postrouting priority 0; policy accept; }
}
NFT
trace $TMP/ev --if br0
expect "bridge postrouting filtered at start" "$(hooked)" "1 $((B + BR)) $MAX"
trace_stop $TMP/ev
host nft delete table bridge vmtrace_test

ip netns add doomed
ip link add doomed0 netns doomed type dummy
trace $TMP/ev --if vm0@vm,doomed0@doomed
expect "vm and doomed watched" "$(hooked)" "2 $((2 * B)) $MAX"
ip netns del doomed
# netns teardown is asynchronous (cleanup_net in a worker)
wait_hooked "1 $B $MAX"
expect "the dead namespace's hooks are gone" "$(hooked)" "1 $B $MAX"
host ping -c 1 -W 2 192.0.2.10
trace_stop $TMP/ev
expect "hooks after the last session" "$(hooked)" "0 0 $MAX"
"$VT" status | grep -q "^hooks: *0 netfilter hooks in 0 namespaces (at most $MAX each)\$"
echo "ok: status says it in words"
