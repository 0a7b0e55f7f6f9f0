# VMs come and go while a session watches them: a tap VM stopped (its QEMU
# gone, the tap deleted) and started again under the same tap name, a veth
# VM's namespace deleted, a veth deleted, all under a ping flood. vmtrace
# holds no reference that keeps a device alive: every deletion completes
# (in under 30 s: a bound against a hang, loose enough for the debug
# kernel under TCG, where deleting a namespace took over 5 s), the kernel
# never says "unregister_netdevice: waiting for" (the splat scan
# fails the run on it; it speaks after 10 s, so the case waits that long),
# and the session still works for the devices that remain. A follow of the
# tap VM finds it again after its restart (a new tap0, a new ifindex) and
# traces its echoes on the new tap; its recording (--write) replays to
# exactly what it printed.
. "$VMTRACE_SRC/tests/ktest/lib.sh"
host ip link set lo up
make_bridge
add_tap_vm tvm tap0 20
add_veth_vm vm vm0 10
add_veth_vm vm2 vm2 30
host ping -c 1 -W 5 192.0.2.20 > /dev/null
host ping -c 1 -W 2 192.0.2.10 > /dev/null
trace $TMP/ev --if br0,tap0,vm0-host,vm0@vm,vm2-host,vm2@vm2
"$VT" follow if:tap0 --addr 192.0.2.20 --json --write $TMP/follow.vmtr > $TMP/follow 2> $TMP/follow.err &
follow_pid=$!
pids+=($follow_pid)
old_ifindex=$(cat /sys/class/net/tap0/ifindex)
# a VM keeps its MAC across a restart (its configuration says it)
vm_mac=$(ip -n tvm -j link show tap0vm | jq -r '.[0].address')
for a in 192.0.2.20 192.0.2.10 192.0.2.30; do
	ping -f -w 8 "$a" > /dev/null 2>&1 &
	pids+=($!)
done
sleep 1

# VM stop: the tap's reader exits, the tap goes with it (tun_chr_close)
tapvm_pid=${pids[0]}
t0=$SECONDS
kill "$tapvm_pid"
wait "$tapvm_pid" 2>/dev/null || true
expect "tap deleted in under 30 s" "$(( SECONDS - t0 < 30 ))" 1
expect "tap0 gone with its reader" "$(ip link show tap0 > /dev/null 2>&1 && echo present || echo gone)" gone
# VM start: a new tap of the same name, bridged again, while the flood goes on
ip netns del tvm
add_tap_vm tvm tap0 20
n tvm ip link set tap0vm address "$vm_mac"
expect "tap0 back" "$(ip -j link show tap0 | jq -r '.[0].master')" br0
new_ifindex=$(cat /sys/class/net/tap0/ifindex)
expect "the new tap0 is another device" "$(( new_ifindex != old_ifindex ))" 1
# follow resolves again 0.3 s after the links settle (1 s at most)
for _ in $(seq 50); do
	jq -e --argjson i "$new_ifindex" 'select(.type=="path") | .path[] | select(.ifname=="tap0" and .ifindex==$i)' \
		$TMP/follow > /dev/null 2>&1 && break
	sleep 0.1
done
host ping -c 3 -i 0.3 -W 2 192.0.2.20 > /dev/null

# a namespace VM deleted under the flood: its veth pair goes with it
t0=$SECONDS
host ip netns del vm
for _ in $(seq 300); do ip link show vm0-host > /dev/null 2>&1 || break; sleep 0.1; done
expect "vm0-host gone with its namespace" "$(ip link show vm0-host > /dev/null 2>&1 && echo present || echo gone)" gone
expect "namespace deleted in under 30 s" "$(( SECONDS - t0 < 30 ))" 1
# a veth deleted under the flood
t0=$SECONDS
host ip link del vm2-host
expect "veth deleted in under 30 s" "$(( SECONDS - t0 < 30 ))" 1

# the session lives on, and still sees what remains
host ping -c 2 -i 0.2 -W 1 192.0.2.1 > /dev/null
expect "sessions still live (the trace, the follow)" "$("$VT" status --json | jq .sessions)" 2
trace_stop $TMP/ev || true
interrupt "$follow_pid" "follow"
expect "follow said the VM was gone" "$(grep -c 'tap0 is gone for now' $TMP/follow.err)" 1
expect "follow found the new tap0" "$(jq -r --argjson i "$new_ifindex" 'select(.type=="path") | .path[] |
	select(.ifname=="tap0" and .ifindex==$i) | .role' $TMP/follow | sort -u)" port
# once follow has the new tap0, echoes to the tap VM are seen on it and answered
found=$(grep -n -m1 "\"ifname\":\"tap0\",\"ifindex\":$new_ifindex," $TMP/follow | cut -d: -f1)
expect "echoes to the restarted VM replied" "$(tail -n +"${found:-1000000}" $TMP/follow |
	jq -r 'select(.type=="verdict" and .echo.dst=="192.0.2.20") | .status' | grep -c -m1 replied)" 1
json_valid $TMP/follow
# its recording replays to the same lines, the restart's new path included
"$VT" replay --json $TMP/follow.vmtr > $TMP/follow.replay
if ! cmp -s $TMP/follow $TMP/follow.replay; then
	diff $TMP/follow $TMP/follow.replay | head -20
	expect "the follow across the restart replayed" differs same
fi
expect "echoes traced before the teardown" "$(jq -M -r 'select(.packet.kind=="request") | .ifname' $TMP/ev | grep -c -m1 -E '^(tap0|vm0-host|vm2-host)$')" 1
# the kernel's watchdog for leaked device references speaks after 10 s
sleep 11
