# SPDX-License-Identifier: GPL-2.0
# Host-only (isolated) network: a bridge with no uplink, the host and two
# VMs; port isolation and locked ports are set per case.
#
#   isobr0 192.0.2.1/24 (host only, nothing routed or NATed)
#     ├── iso0-host ═veth═ iso0 [netns iso]  192.0.2.10
#     └── tap1 ── tapvm reader ── tap1vm [netns itap] 192.0.2.20
topo_isolated() {
	make_bridge isobr0
	add_veth_vm iso iso0 10 isobr0
	add_tap_vm itap tap1 20 isobr0
	host ping -c 1 -W 2 192.0.2.10 > /dev/null
	host ping -c 1 -W 5 192.0.2.20 > /dev/null
}
