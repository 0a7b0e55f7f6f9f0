# SPDX-License-Identifier: GPL-2.0
# Proxmox VE with the VM firewall on: the tap sits on a per-NIC firewall
# bridge, joined to vmbr0 by a veth pair, and iptables sees bridged frames
# through br_netfilter (physdev matches), as pve-firewall sets it up.
#
#   vmbr0 192.0.2.1/24 ── fwpr100p0 ═veth═ fwln100i0 ── fwbr100i0 ── tap100i0 ── VM 100 "db01" (192.0.2.10)
#   /etc/pve/qemu-server/100.conf (VMTRACE_PVE_DIR): net0: virtio=MAC,bridge=vmbr0,firewall=1 and
#   its cloud-init address, ipconfig0: ip=192.0.2.10/24 (the catalogue needs no neighbour entry)
topo_proxmox() {
	local mac
	make_bridge vmbr0
	add_pve_vm 100 10
	mac=$(ip -n pve100 -j link show tap100i0vm | jq -r '.[0].address')
	mkdir -p "$TMP/pve/qemu-server"
	printf 'name: db01\nnet0: virtio=%s,bridge=vmbr0,firewall=1\nipconfig0: ip=192.0.2.10/24,gw=192.0.2.1\n' "$mac" > "$TMP/pve/qemu-server/100.conf"
	export VMTRACE_PVE_DIR=$TMP/pve
	host modprobe -a br_netfilter xt_physdev
	host sysctl -qw net.bridge.bridge-nf-call-iptables=1
	host ping -c 1 -W 5 192.0.2.10 > /dev/null
}
