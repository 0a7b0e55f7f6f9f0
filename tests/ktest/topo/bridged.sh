# SPDX-License-Identifier: GPL-2.0
# libvirt-style bridged network: a host bridge with the host's address,
# two VMs on veth (network namespaces sharing the lab kernel) and one VM
# behind a tap whose reader is a userspace process, the way QEMU holds it.
#
#                     host
#   ┌───────────────────────────────────────────────┐
#   │ br0 192.0.2.1/24 2001:db8::1                   │
#   │  ├── vm0-host ═veth═ vm0  [netns vm]  .10      │
#   │  ├── vm2-host ═veth═ vm2  [netns vm2] .11      │
#   │  └── tap0 ── tapvm reader ── tap0vm [netns tvm] .20
#   └───────────────────────────────────────────────┘
topo_bridged() {
	make_bridge br0
	add_veth_vm vm vm0 10
	add_veth_vm vm2 vm2 11
	add_tap_vm tvm tap0 20
	# a default route back to the host, as a VM's DHCP would give
	n vm ip route add default via 192.0.2.1
	n vm2 ip route add default via 192.0.2.1
	n tvm ip route add default via 192.0.2.1
	host ping -c 1 -W 2 192.0.2.10 > /dev/null
	host ping -c 1 -W 2 192.0.2.11 > /dev/null
	host ping -c 1 -W 5 192.0.2.20 > /dev/null
}
