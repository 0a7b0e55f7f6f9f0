# Freed skbs whose dev field is not a device: UDP reuses skb->dev as
# dev_scratch once a datagram is queued to a socket, so consume_skb in
# udp_recvmsg sees garbage there. With a session live, vmtrace's free-time
# probes must not touch it (this once oopsed in match_dev).
. "$VMTRACE_SRC/tests/ktest/lib.sh"
make_bridge
add_veth_vm vm vm0 10
ip netns exec vm "$BIN/udpsink" 9 &
pids+=($!)
host ping -c 1 -W 2 192.0.2.10 > /dev/null
trace $TMP/ev --if br0,vm0-host,vm0@vm
for i in $(seq 2000); do echo "datagram $i" > /dev/udp/192.0.2.10/9; done
ping -c 3 -i 0.2 -W 1 192.0.2.10 > /dev/null
trace_stop $TMP/ev
expect "udp datagrams received" "$(ip -n vm -j -s link show vm0 | jq '.[0].stats64.rx.packets >= 2000')" true
expect "echoes still traced" "$(jq -M -r 'select(.packet.kind=="request" and .point=="skb:consume") | .ifname' $TMP/ev | sort -u | tr '\n' ' ')" "vm0 "
expect "no UDP event" "$(jq -M -r '.packet.kind' $TMP/ev | sort -u | grep -Ev '^(request|reply|arp-request|arp-reply|neigh-solicit|neigh-advert)$' || true)" ""
