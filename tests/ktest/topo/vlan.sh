# SPDX-License-Identifier: GPL-2.0
# A VLAN-aware bridge: the host talks on VLAN 10 through a VLAN
# sub-interface of the bridge; one VM on an access port (VLAN 10 untagged,
# PVID), one on a trunk port (VLAN 10 tagged, a VLAN interface inside).
#
#   vbr0 (vlan_filtering=1, self: VLAN 10 tagged)
#     ├── vbr0.10 192.0.2.1/24 (host)
#     ├── acc0-host [10 pvid untagged] ═veth═ acc0 [netns acc] 192.0.2.10
#     └── trk0-host [10 tagged]        ═veth═ trk0 [netns trk] └── trk0.10 192.0.2.11
topo_vlan() {
	host ip link add vbr0 type bridge vlan_filtering 1 stp_state 0 forward_delay 0
	host ip link set vbr0 up
	host bridge vlan add dev vbr0 vid 10 self
	host ip link add link vbr0 name vbr0.10 type vlan id 10
	host ip addr add 192.0.2.1/24 dev vbr0.10
	host ip link set vbr0.10 up
	host ip netns add acc
	host ip link add acc0-host type veth peer name acc0 netns acc
	host ip link set acc0-host master vbr0 up
	host bridge vlan del dev acc0-host vid 1
	host bridge vlan add dev acc0-host vid 10 pvid untagged
	n acc ip link set lo up
	n acc ip addr add 192.0.2.10/24 dev acc0
	n acc ip link set acc0 up
	host ip netns add trk
	host ip link add trk0-host type veth peer name trk0 netns trk
	host ip link set trk0-host master vbr0 up
	host bridge vlan del dev trk0-host vid 1
	host bridge vlan add dev trk0-host vid 10
	n trk ip link set lo up
	n trk ip link set trk0 up
	n trk ip link add link trk0 name trk0.10 type vlan id 10
	n trk ip addr add 192.0.2.11/24 dev trk0.10
	n trk ip link set trk0.10 up
	host ping -c 1 -W 2 192.0.2.10 > /dev/null
	host ping -c 1 -W 2 192.0.2.11 > /dev/null
}
