# host -> br0 -> tap0 -> userspace reader (a VM's QEMU) -> tap in netns "tvm",
# and back: the request is seen handed to the tap's reader, the reply seen
# arriving from it.
. "$VMTRACE_SRC/tests/ktest/lib.sh"
make_bridge
add_tap_vm tvm tap0 20
host ping -c 1 -W 5 192.0.2.20

trace $TMP/ev --if br0,tap0,tap0vm@tvm
host ping -c 1 -W 5 192.0.2.20
trace_stop $TMP/ev

expect_seq "request" "$(hops $TMP/ev '.kind=="request"')" \
"ip:output br0
ip:postrouting br0
dev:tx br0
dev:tx tap0
skb:consume tap0
dev:rx tap0vm
ip:prerouting tap0vm
ip:input tap0vm
skb:consume tap0vm"

expect_seq "reply" "$(hops $TMP/ev '.kind=="reply"')" \
"ip:output tap0vm
ip:postrouting tap0vm
dev:tx tap0vm
skb:consume tap0vm
dev:rx tap0
dev:rx br0
ip:prerouting br0
ip:input br0
skb:drop br0"
expect "tap kind" "$(jq -M -r 'select(.ifname=="tap0") | .dev_kind' $TMP/ev | sort -u)" "tap"
