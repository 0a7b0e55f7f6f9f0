# Open vSwitch with the kernel datapath, its daemons started here (state in
# tmpfs): the host's address on bridge br-int's internal port, a VM on an
# OVS port. Healthy both ways; an OpenFlow drop rule and a VLAN tag
# mismatch, named from OVS itself.
#
#   br-int (internal) 192.0.2.1 ── [ovs-system datapath] ── ovm0-host ═veth═ ovm0 [netns ovm] .30
. "$VMTRACE_SRC/tests/ktest/lib.sh"
. "$VMTRACE_SRC/tests/ktest/catalogue.sh"
host ip link set lo up
ovs_start
host ovs-vsctl add-br br-int
host ip addr add 192.0.2.1/24 dev br-int
host ip link set br-int up
host ip netns add ovm
host ip link add ovm0-host type veth peer name ovm0 netns ovm
host ovs-vsctl add-port br-int ovm0-host
host ip link set ovm0-host up
n ovm ip link set lo up
n ovm ip addr add 192.0.2.30/24 dev ovm0
n ovm ip link set ovm0 up
ping -c 1 -W 5 192.0.2.30 > /dev/null ||
	{ cat /tmp/ovs/ovs-vswitchd.log; ovs-vsctl show; ovs-dpctl show; ovs-ofctl dump-flows br-int; false; }

"$VT" follow netns:ovm --show-path --json > $TMP/path
json_valid $TMP/path
expect "OVS VM's path" "$(jq -M -r '.path[] | "\(.role) \(.ifname) \(.kind)"' $TMP/path | tr '\n' ';')" \
	"vm ovm0 veth;port ovm0-host veth;bridge ovs-system openvswitch;neighbour br-int openvswitch;"

# healthy: the host to the VM, and the VM to the host
expect "host to the OVS VM" "$(probe_got netns:ovm | cut -d' ' -f1,2)" "replied -"
expect "OVS VM to the host" "$(follow_got netns:ovm ovm 192.0.2.1 | cut -d' ' -f1,2)" "replied -"

# OpenStack's iptables hybrid plug, named by its Neutron port id: QEMU's tap
# on qbr, the qvb/qvo veth pair, qvo on br-int with the port id in its
# external_ids, as Nova's os-vif plugs it
port=a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d
host ip link add qbra1b2c3d4-e5 type bridge
host ip link set qbra1b2c3d4-e5 up
host ip link add qvba1b2c3d4-e5 type veth peer name qvoa1b2c3d4-e5
host ip link set qvba1b2c3d4-e5 master qbra1b2c3d4-e5 up
host ovs-vsctl add-port br-int qvoa1b2c3d4-e5 -- set interface qvoa1b2c3d4-e5 external_ids:iface-id=$port
host ip link set qvoa1b2c3d4-e5 up
add_tap_vm nova tapa1b2c3d4-e5 40 qbra1b2c3d4-e5 eth0
ping -c 1 -W 5 192.0.2.40 > /dev/null	# the host learns the VM's address, as from its traffic
"$VT" follow neutron:$port --show-path --json > $TMP/npath
json_valid $TMP/npath
expect "Neutron port's path" "$(jq -M -r '.path[] | "\(.role) \(.ifname) \(.kind)"' $TMP/npath | tr '\n' ';')" \
	"port tapa1b2c3d4-e5 tap;bridge qbra1b2c3d4-e5 bridge;chain qvba1b2c3d4-e5 veth;chain qvoa1b2c3d4-e5 veth;bridge ovs-system openvswitch;neighbour br-int openvswitch;neighbour ovm0-host veth;"
expect "host to the Neutron port's VM" "$(probe_got neutron:$port | cut -d' ' -f1,2)" "replied -"

# 3n. the port's security groups allow no ICMP in: the iptables firewall
# driver's chains as Neutron's OVS agent writes them (iptables-nft), on qbr
# through br_netfilter; the operator changes a security group rule
c_3n_break() {
	modprobe -a br_netfilter xt_physdev
	sysctl -qw net.bridge.bridge-nf-call-iptables=1
	iptables-nft -N neutron-openvswi-sg-chain
	iptables-nft -N neutron-openvswi-ia1b2c3d4-e
	iptables-nft -N neutron-openvswi-sg-fallback
	iptables-nft -A FORWARD -m physdev --physdev-out tapa1b2c3d4-e5 --physdev-is-bridged \
		-m comment --comment "Direct traffic from the VM interface to the security group chain." \
		-j neutron-openvswi-sg-chain
	iptables-nft -A neutron-openvswi-sg-chain -m physdev --physdev-out tapa1b2c3d4-e5 --physdev-is-bridged \
		-j neutron-openvswi-ia1b2c3d4-e
	iptables-nft -A neutron-openvswi-sg-chain -j ACCEPT
	iptables-nft -A neutron-openvswi-ia1b2c3d4-e -m state --state RELATED,ESTABLISHED -j RETURN
	iptables-nft -A neutron-openvswi-ia1b2c3d4-e -p tcp -m tcp --dport 22 -j RETURN
	iptables-nft -A neutron-openvswi-ia1b2c3d4-e -m state --state INVALID -j DROP
	iptables-nft -A neutron-openvswi-ia1b2c3d4-e -j neutron-openvswi-sg-fallback
	iptables-nft -A neutron-openvswi-sg-fallback -m comment --comment "Default drop rule for unmatched traffic." -j DROP
}
c_3n_fix() {
	iptables-nft -F
	iptables-nft -X
	sysctl -qw net.bridge.bridge-nf-call-iptables=0
}
cause 3n 'dropped firewall .*/ip:forward' "a Neutron port's security groups allow no ICMP (iptables hybrid plug)" \
	probe_got neutron:$port
c_3n_break
! "$VT" probe neutron:$port --count 1 --json > $TMP/c3n || false
c_3n_fix
expect "3n names the port's security groups" "$(jq -r 'select(.type=="verdict") | "\(.explain) / \(.check)"' $TMP/c3n |
	grep -c 'no security group rule of OpenStack Neutron port a1b2c3d4-e… lets it in (its ingress chain neutron-openvswi-ia1b2c3d4-e falls through to neutron-openvswi-sg-fallback).* / openstack port list -c ID -c security_group_ids | grep a1b2c3d4-e; iptables -S neutron-openvswi-ia1b2c3d4-e$')" 1

# 26. an OpenFlow rule drops the VM's echoes
c_26_break() { ovs-ofctl add-flow br-int priority=100,icmp,nw_dst=192.0.2.30,actions=drop; }
c_26_fix() { ovs-ofctl --strict del-flows br-int priority=100,icmp,nw_dst=192.0.2.30; }
cause 26 'dropped ovs-flow br-int/skb:(consume|drop)' "an OpenFlow drop rule on br-int" probe_got netns:ovm
c_26_break
! "$VT" probe netns:ovm --count 1 --json > $TMP/c26 || false
c_26_fix
expect "26 names the rule" "$(jq -r 'select(.type=="verdict") | .explain' $TMP/c26 |
	grep -c 'OVS bridge br-int drops it: OpenFlow table 0, rule "icmp,nw_dst=192.0.2.30, priority 100"')" 1

# 27. the VM's port is an access port of VLAN 10, the host's untagged
c_27_break() { ovs-vsctl set port ovm0-host tag=10; ip neigh flush dev br-int; }
c_27_fix() { ovs-vsctl remove port ovm0-host tag 10; ip neigh flush dev br-int; }
cause 27 '(dropped|lost-on-host) ovs-vlan br-int/.*' "the VM's OVS port in VLAN 10, the host's untagged" \
	probe_got netns:ovm

# 30. ovs-vswitchd is gone (its datapath stays): a packet without a datapath
# flow has nobody to ask
c_30_break() { local pid; pid=$(cat /run/openvswitch/ovs-vswitchd.pid); ovs-appctl -t ovs-vswitchd exit
	while kill -0 "$pid" 2> /dev/null; do sleep 0.1; done	# its upcall sockets closed
	ovs-dpctl del-flows system@ovs-system; ip neigh flush dev br-int; }
c_30_fix() { ovs_vswitchd_start; }
cause 30 'dropped ovs-upcall br-int/skb:(consume|drop)' "ovs-vswitchd stopped, the datapath's flows flushed" \
	probe_got netns:ovm

catalogue_done
