# Three ways a tap stops taking packets, and what the kernel reports for each.
. "$VMTRACE_SRC/tests/ktest/lib.sh"
make_bridge
add_tap_vm tvm tap0 20
host ping -c 1 -W 5 192.0.2.20

# 1. The reader stopped reading (paused or hung VM). tun's ring (sized from
# txqueuelen, shrunk here so it fills fast) overflows: tun_net_xmit drops
# with FULL_RING, every request.
host ip link set tap0 txqueuelen 4
pause_vm tap0
trace $TMP/ev --if br0,tap0
! host ping -c 6 -i 0.2 -W 1 192.0.2.20 || false
trace_stop $TMP/ev
# Up to 4 requests may still find room, depending on what the ring already
# held; none is handed to the reader, and every other one is a FULL_RING drop.
expect "paused reader drop reasons" "$(jq -M -r 'select(.type=="drop" and .packet.kind=="request") | "\(.ifname) \(.reason) \(.location|sub("\\+.*";""))"' $TMP/ev | sort -u)" \
	"tap0 $(kernel_reason FULL_RING) tun_net_xmit"
dropped=$(jq -M -r 'select(.type=="drop" and .packet.kind=="request") | .packet.seq' $TMP/ev | sort -u | wc -l)
[ "$dropped" -ge 2 ] || { echo "FAIL: only $dropped requests dropped"; false; }
expect "requests handed to the paused reader" "$(jq -M -r 'select(.point=="skb:consume" and .packet.kind=="request") | .packet.seq' $TMP/ev | wc -l)" 0
expect_seq "paused reader path of seq 6" "$(hops $TMP/ev '.kind=="request" and .seq==6')" \
"ip:output br0
ip:postrouting br0
dev:tx br0
dev:tx tap0
skb:drop tap0"
resume_vm tap0
host ping -c 1 -W 5 192.0.2.20

# 2. No reader at all (QEMU gone), tap routed by the host: no carrier, so
# the noop qdisc drops the ARP request (QDISC_DROP) and the echo waiting for
# it dies in the neighbour queue (NEIGH_FAILED).
host ip tuntap add tapdead mode tap
host ip addr add 198.51.100.1/24 dev tapdead
host ip link set tapdead up
trace $TMP/ev2 --if tapdead
! host ping -c 1 -W 4 198.51.100.2 || false
sleep 1
trace_stop $TMP/ev2
expect "arp drops" "$(jq -M -r 'select(.type=="drop" and .packet.kind=="arp-request") | "\(.ifname) \(.reason) \(.packet.src)>\(.packet.dst)"' $TMP/ev2 | sort | uniq -c | tr -s ' ')" \
	"$(echo " 3 tapdead $(kernel_reason QDISC_DROP) 198.51.100.1>198.51.100.2" | tr -s ' ')"
expect "echo drop" "$(jq -M -r 'select(.type=="drop" and .packet.kind=="request") | "\(.ifname) \(.reason) \(.location|sub("\\+.*";""))"' $TMP/ev2)" \
	"tapdead $(kernel_reason NEIGH_FAILED) neigh_invalidate"

# 3. No reader, tap enslaved to the bridge: the port is disabled, and the
# bridge frees the frame itself (no reason in 6.1) before the tap sees it.
host ip tuntap add tapdead2 mode tap
host ip link set tapdead2 master br0 up
host bridge fdb add 02:00:00:00:00:77 dev tapdead2 master static
host ip neigh add 192.0.2.77 lladdr 02:00:00:00:00:77 dev br0 nud permanent
trace $TMP/ev3 --if br0,tapdead2
! host ping -c 1 -W 1 192.0.2.77 || false
trace_stop $TMP/ev3
expect_seq "bridged dead tap" "$(hops $TMP/ev3 '.kind=="request"')" \
"ip:output br0
ip:postrouting br0
dev:tx br0
skb:drop br0"
expect "bridged dead tap drop" "$(jq -M -r 'select(.type=="drop") | "\(.reason) \(.location|sub("\\+.*";""))"' $TMP/ev3)" \
	"$(kernel_reason NOT_SPECIFIED) br_dev_xmit"
expect "port state" "$(cat /sys/class/net/tapdead2/brport/state)" 0
