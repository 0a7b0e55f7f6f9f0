# SPDX-License-Identifier: GPL-2.0
# libvirt-style NAT network: the VMs sit on a host-only bridge with private
# addresses; the host routes and masquerades them out of its uplink. The
# "uplink" namespace stands in for the upstream router and the world
# behind it (203.0.113.200); it has no route back to the VM network, so
# only translated traffic gets answered, as on a real upstream.
#
#   [netns natvm] nat0 198.51.100.10 ═veth═ nat0-host ─┐
#                                       virbr1 198.51.100.1/24 (host, ip_forward=1)
#                                             │ nft ip nat postrouting: masquerade 198.51.100.0/24 -> uplink0
#   host uplink0 203.0.113.1/25 ═══veth═══ wan0 203.0.113.2/25 [netns uplink]
#   default via 203.0.113.2                      lo 203.0.113.200 ("the internet")
topo_nat() {
	make_bridge virbr1 198.51.100 2001:db8:1
	add_veth_vm natvm nat0 10 virbr1 198.51.100 2001:db8:1
	n natvm ip route add default via 198.51.100.1
	host ip netns add uplink
	host ip link add uplink0 type veth peer name wan0 netns uplink
	host ip addr add 203.0.113.1/25 dev uplink0
	host ip link set uplink0 up
	n uplink ip addr add 203.0.113.2/25 dev wan0
	n uplink ip addr add 203.0.113.200/32 dev lo
	n uplink ip link set lo up
	n uplink ip link set wan0 up
	host ip route add default via 203.0.113.2
	host sysctl -qw net.ipv4.ip_forward=1
	host nft -f - <<'NFT'
table ip vmnat {
	chain post {
		type nat hook postrouting priority srcnat;
		ip saddr 198.51.100.0/24 oifname "uplink0" masquerade
	}
}
NFT
	n natvm ping -c 1 -W 2 203.0.113.200 > /dev/null
}
