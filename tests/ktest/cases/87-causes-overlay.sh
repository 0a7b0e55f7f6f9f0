# Two hypervisors joined by an overlay: this host (hv1) and netns hv2 on an
# underlay veth, each with a VXLAN bridge (VNI 42, static FDB, no learning,
# as EVPN-less setups and OpenStack's linuxbridge agent run it) and a Geneve
# bridge (VNI 4242), each with a VM. vmtrace follows the VM on hv1: its
# echoes inside the tunnel on the underlay, and the overlay's classic faults.
#
#   vm1 .11 ── ovbr ── vxlan0 ─┐                        ┌─ vxlan0 ── ovbr ── vm2 .12
#   vm3 .21 ── gnbr ── geneve0 ┴─ ul0 198.51.100.1 ═══ .2 ul0 ┴─ geneve0 ── gnbr ── vm4 .22
#                      (this host)                              (netns hv2)
. "$VMTRACE_SRC/tests/ktest/lib.sh"
. "$VMTRACE_SRC/tests/ktest/catalogue.sh"
modprobe -a vxlan geneve
host ip link set lo up
host ip netns add hv2
n hv2 ip link set lo up
host ip link add ul0 type veth peer name ul0 netns hv2
host ip addr add 198.51.100.1/24 dev ul0
n hv2 ip addr add 198.51.100.2/24 dev ul0
# room for the encapsulation: the VMs keep their 1500 bytes
host ip link set ul0 mtu 1550 up
n hv2 ip link set ul0 mtu 1550 up

# overlay HV SELF PEER: both bridges and their tunnels on one hypervisor
overlay() {
	local hv=$1 self=$2 peer=$3
	$hv ip link add ovbr type bridge stp_state 0 forward_delay 0
	$hv ip link add vxlan0 type vxlan id 42 local "$self" dstport 4789 dev ul0 nolearning
	$hv bridge fdb append 00:00:00:00:00:00 dev vxlan0 dst "$peer"
	$hv ip link add gnbr type bridge stp_state 0 forward_delay 0
	$hv ip link add geneve0 type geneve id 4242 remote "$peer"
	$hv ip link set vxlan0 mtu 1500 master ovbr up
	$hv ip link set geneve0 mtu 1500 master gnbr up
	$hv ip link set ovbr up
	$hv ip link set gnbr up
}
# overlay_vm HV BRIDGE NAME ADDR: a VM in netns NAME on BRIDGE of HV
overlay_vm() {
	local hv=$1 br=$2 vm=$3 addr=$4
	host ip netns add "$vm"
	$hv ip link add "$vm-host" type veth peer name "$vm" netns "$vm"
	$hv ip link set "$vm-host" master "$br" up
	n "$vm" ip link set lo up
	n "$vm" ip addr add "$addr/24" dev "$vm"
	n "$vm" ip link set "$vm" up
}
on_hv1() { host "$@"; }
on_hv2() { n hv2 "$@"; }
overlay on_hv1 198.51.100.1 198.51.100.2
overlay on_hv2 198.51.100.2 198.51.100.1
overlay_vm on_hv1 ovbr vm1 203.0.113.11
overlay_vm on_hv2 ovbr vm2 203.0.113.12
overlay_vm on_hv1 gnbr vm3 203.0.113.21
overlay_vm on_hv2 gnbr vm4 203.0.113.22
# static neighbours: the echo itself, not an ARP before it, meets the fault
mac() { ip netns exec "$1" cat "/sys/class/net/$1/address"; }
n vm1 ip neigh replace 203.0.113.12 lladdr "$(mac vm2)" dev vm1 nud permanent
n vm2 ip neigh replace 203.0.113.11 lladdr "$(mac vm1)" dev vm2 nud permanent
n vm1 ping -c 1 -W 5 203.0.113.12 > /dev/null
n vm3 ping -c 1 -W 5 203.0.113.22 > /dev/null

"$VT" follow netns:vm1 --show-path --json > $TMP/path1
json_valid $TMP/path1
expect "VXLAN VM's path" "$(jq -M -r '.path[] | "\(.role) \(.ifname) \(.kind)"' $TMP/path1 | tr '\n' ';')" \
	"vm vm1 veth;port vm1-host veth;bridge ovbr bridge;tunnel vxlan0 vxlan;underlay ul0 veth;"
"$VT" follow netns:vm3 --show-path --json > $TMP/path3
expect "Geneve VM's path" "$(jq -M -r '.path[] | "\(.role) \(.ifname)"' $TMP/path3 | tr '\n' ';')" \
	"vm vm3;port vm3-host;bridge gnbr;tunnel geneve0;underlay ul0;"

# healthy, both ways through each tunnel, seen inside it on the underlay
tunnel_hops() {	# FILE: "point kind encap vni" of the hops on ul0
	jq -M -r 'select(.type=="hop" and .ifname=="ul0") | "\(.point) \(.packet.kind) \(.packet.encap) \(.packet.vni)"' "$1" |
		sort -u | tr '\n' ';'
}
"$VT" follow netns:vm1 --count 2 --duration 10 --json > $TMP/f1 &
fpid=$!
wait_session
n vm1 ping -c 2 -i 0.3 -W 2 203.0.113.12 > /dev/null
wait $fpid
json_valid $TMP/f1
expect "VXLAN healthy" "$(verdicts $TMP/f1 | cut -d' ' -f2 | sort -u)" replied
expect "VXLAN on the underlay" "$(tunnel_hops $TMP/f1)" \
	"dev:rx reply vxlan 42;dev:tx request vxlan 42;ip:input reply vxlan 42;ip:output request vxlan 42;ip:prerouting reply vxlan 42;"
"$VT" follow netns:vm1 --count 1 --duration 10 > $TMP/f1.txt &
fpid=$!
wait_session
n vm1 ping -c 1 -W 2 203.0.113.12 > /dev/null
wait $fpid
grep -q 'dev:tx  *ul0  *in vxlan 42' $TMP/f1.txt || { cat $TMP/f1.txt; false; }
"$VT" follow netns:vm3 --count 2 --duration 10 --json > $TMP/f3 &
fpid=$!
wait_session
n vm3 ping -c 2 -i 0.3 -W 2 203.0.113.22 > /dev/null
wait $fpid
json_valid $TMP/f3
expect "Geneve healthy" "$(verdicts $TMP/f3 | cut -d' ' -f2 | sort -u)" replied
expect "Geneve on the underlay" "$(tunnel_hops $TMP/f3 | tr ';' '\n' | grep -c 'geneve 4242$')" 5

# 24. the VM's 1500-byte frames into a 1450-byte tunnel (the underlay is fine)
c_24a_break() { ip link set vxlan0 mtu 1450; }
c_24a_fix() { ip link set vxlan0 mtu 1500; }
cause 24a 'dropped mtu vxlan0/skb:drop' "VXLAN device's MTU below the VMs'" \
	follow_got netns:vm1 vm1 -s 1472 -M dont 203.0.113.12
c_24b_break() { ip link set geneve0 mtu 1450; }
c_24b_fix() { ip link set geneve0 mtu 1500; }
cause 24b 'dropped mtu geneve0/skb:drop' "Geneve device's MTU below the VMs'" \
	follow_got netns:vm3 vm3 -s 1472 -M dont 203.0.113.22

# 25. no FDB entry: the VXLAN device has no hypervisor to send to
c_25_break() { bridge fdb del 00:00:00:00:00:00 dev vxlan0 dst 198.51.100.2; }
c_25_fix() { bridge fdb append 00:00:00:00:00:00 dev vxlan0 dst 198.51.100.2; }
cause 25 'dropped tunnel-no-remote vxlan0/skb:drop' "no VXLAN FDB entry for the remote VM" \
	follow_got netns:vm1 vm1 203.0.113.12

# 31. the hypervisors disagree on the VNI: hv2 sends VNI 42, this host's
# vxlan0 has 43, and vxlan_rcv() here drops vm2's echoes to vm1. Only the
# receiving side sees it: follow vm1 here, vm2 pings it.
vxlan_vni() {	# VNI: vxlan0 made anew with it (the VNI of a vxlan device cannot change)
	ip link del vxlan0
	ip link add vxlan0 type vxlan id "$1" local 198.51.100.1 dstport 4789 dev ul0 nolearning
	bridge fdb append 00:00:00:00:00:00 dev vxlan0 dst 198.51.100.2
	ip link set vxlan0 mtu 1500 master ovbr up
}
c_31_break() { vxlan_vni 43; }
c_31_fix() { vxlan_vni 42; }
cause 31 'dropped vni-mismatch ul0/skb:drop' "the two hypervisors' VXLAN devices have different VNIs" \
	follow_got netns:vm1 vm2 203.0.113.11

# 29. the hypervisor's output firewall blocks the VXLAN port
c_29_break() { nft add table inet vt; nft add chain inet vt o '{ type filter hook output priority 0; }'
	nft add rule inet vt o udp dport 4789 drop; }
c_29_fix() { nft delete table inet vt; }
cause 29 'dropped firewall ul0/ip:output' "the firewall drops the VXLAN tunnel's UDP 4789" \
	follow_got netns:vm1 vm1 203.0.113.12
c_29_break
"$VT" follow netns:vm1 --count 1 --duration 8 --timeout 2 --json > $TMP/c29 &
fpid=$!
wait_session
n vm1 ping -c 1 -W 1 203.0.113.12 > /dev/null || true
wait $fpid || true
c_29_fix
expect "29 names the tunnel" "$(jq -r 'select(.type=="verdict") | .explain' $TMP/c29 |
	grep -c 'dropped the VXLAN packet carrying it (VNI 42) in the IP hook on ul0: the tunnel between the hypervisors is blocked')" 1

catalogue_done
