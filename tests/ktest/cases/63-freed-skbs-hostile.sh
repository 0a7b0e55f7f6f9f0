# What a stranger can make the kernel free while a session is live, where
# skb->dev is no device: UDPv6 datagrams with extension headers (UDP's
# dev_scratch), ICMP and ICMPv6 fragment trains that expire in a defrag
# rb-tree (tree links), and ICMP errors left on an IP_RECVERR socket whose
# device is deleted before they are purged (a freed device). Each once
# crashed or read freed memory in the free-time probes; the debug kernel's
# KASAN sees the reads the stock kernel survives. vmtrace must survive all
# of it, stay silent about it, and keep tracing the echoes it watches.
. "$VMTRACE_SRC/tests/ktest/lib.sh"
host ip link set lo up
make_bridge
add_veth_vm vm vm0 10
add_veth_vm cli cli0 20
n vm sysctl -qw net.ipv4.ipfrag_time=1 net.ipv6.ip6frag_time=1
host ping -c 1 -W 2 192.0.2.10 > /dev/null
trace $TMP/ev --if br0,vm0-host,vm0@vm,cli0@cli

# 1. UDPv6 with hop-by-hop and destination options, to ::1, read and purged.
host "$BIN/skbstress" udp6-exthdr 600
host "$BIN/skbstress" udp6-exthdr 600

# 2. Fragment trains without their first fragment, from the host to the VM:
#    they wait in vm's defrag queues and expire after a second.
host "$BIN/skbstress" frag4 192.0.2.1 192.0.2.10 64
host "$BIN/skbstress" frag6 2001:db8::1 2001:db8::10 64
frag_fails() { ip netns exec vm nstat -az "$1" | awk -v c="$1" '$1 == c { print $2 }'; }
for _ in $(seq 40); do
	[ "$(frag_fails IpReasmFails)" -gt 0 ] && [ "$(frag_fails Ip6ReasmFails)" -gt 0 ] && break
	sleep 0.1
done
sleep 1.5
expect "IPv4 trains expired in vm" "$(( $(frag_fails IpReasmTimeout) > 0 ))" 1
expect "IPv6 trains expired in vm" "$(( $(frag_fails Ip6ReasmTimeout) > 0 ))" 1

# 3. Port-unreachable errors queued on cli's IP_RECVERR socket, then cli0 is
#    deleted (a watched device), then the socket closes and frees them.
ip netns exec cli "$BIN/skbstress" recverr4 192.0.2.10 9 40 3 &
errsock=$!
sleep 1.5
host ip link del cli0-host
wait $errsock

# The watched path still works and nothing above became an event.
host ping -c 3 -i 0.2 -W 1 192.0.2.10 > /dev/null
trace_stop $TMP/ev
expect "echoes still handed to the VM" "$(jq -M -r 'select(.packet.kind=="request" and .point=="skb:consume") | .ifname' $TMP/ev | grep -c -m1 '^vm0$')" 1
expect "no event for fragments or UDP" "$(jq -M -r '.packet.kind' $TMP/ev | sort -u | grep -Ev '^(request|reply|arp-request|arp-reply|neigh-solicit|neigh-advert)$' || true)" ""
