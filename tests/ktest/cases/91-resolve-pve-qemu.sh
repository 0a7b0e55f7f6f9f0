# Resolution against the real shapes: a Proxmox VM behind its firewall
# bridge, described by its VMID.conf, and a real QEMU process holding a tap.
#
#   vmbr0 (host, 192.0.2.1) ── fwpr101p0 ═veth═ fwln101i0 ── fwbr101i0 ── tap101i0 ── VM 101 "web01" (192.0.2.10)
#     └── tap102i0 ── qemu-system-x86_64 -name web02 (CPU stopped: never reads its NIC)
. "$VMTRACE_SRC/tests/ktest/lib.sh"
make_bridge vmbr0
add_pve_vm 101 10
mac=$(ip -n pve101 -j link show tap101i0vm | jq -r '.[0].address')
mkdir -p $TMP/pve/qemu-server
cat > $TMP/pve/qemu-server/101.conf <<CONF
boot: order=scsi0
cores: 2
name: web01
net0: virtio=$mac,bridge=vmbr0,firewall=1
scsi0: local-lvm:vm-101-disk-0,size=8G

[before-upgrade]
net0: virtio=02:00:00:00:00:99,bridge=vmbr9
CONF
host ping -c 1 -W 5 192.0.2.10
export VMTRACE_PVE_DIR=$TMP/pve

"$VT" follow 101 --show-path --json > $TMP/path
json_valid $TMP/path
expect "pve vm" "$(jq -M -c '[.vm.name, .vm.source, .addrs]' $TMP/path)" '["web01","pve",["192.0.2.10"]]'
expect "pve chain" "$(jq -M -r '.path[] | "\(.role) \(.ifname) \(.kind) \(.master)"' $TMP/path | tr '\n' ';')" \
	"port tap101i0 tap fwbr101i0;bridge fwbr101i0 bridge null;chain fwln101i0 veth fwbr101i0;chain fwpr101p0 veth vmbr0;bridge vmbr0 bridge null;"
"$VT" probe pve:101 --count 2 --interval 0.1 --json > $TMP/p1
json_valid $TMP/p1
expect "pve probe" "$(jq -M -r 'select(.type=="verdict") | .status' $TMP/p1 | sort | uniq -c | tr -s ' ')" " 2 replied"
expect "request crosses the chain" "$(jq -M -r 'select(.type=="hop" and .echo.kind=="request" and .echo.seq==1) | .ifname' $TMP/p1 | uniq | tr '\n' ' ')" \
	"vmbr0 fwpr101p0 fwln101i0 tap101i0 "
expect "no config: tap names" "$(VMTRACE_PVE_DIR=/nonexistent "$VT" follow pve:101 --show-path --json | jq -M -r '.path[0].ifname')" tap101i0
set +e
"$VT" follow pve:999 --show-path 2> $TMP/err; rc=$?
set -e
expect "unknown vmid" "$rc" 2
grep -q "cannot resolve 'pve:999': pve (no $TMP/pve/qemu-server/999.conf, no $TMP/pve/lxc/999.conf, no tap999i\* or veth999i\* interface)" $TMP/err

# A Proxmox container: lxc/200.conf, its host side veth200i0 on vmbr0, its
# inside a namespace vmtrace does not name (as lxc's is).
host ip netns add ct200
host ip link add veth200i0 type veth peer name eth0 netns ct200
host ip link set veth200i0 master vmbr0 up
n ct200 ip addr add 192.0.2.50/24 dev eth0
n ct200 ip link set eth0 up
n ct200 ip link set lo up
mkdir -p $TMP/pve/lxc
cat > $TMP/pve/lxc/200.conf <<CONF
arch: amd64
hostname: ct200
net0: name=eth0,bridge=vmbr0,hwaddr=$(ip -n ct200 -j link show eth0 | jq -r '.[0].address'),ip=192.0.2.50/24,type=veth
rootfs: local-lvm:vm-200-disk-0,size=8G
CONF
"$VT" follow 200 --show-path --json > $TMP/ct
json_valid $TMP/ct
expect "pve container" "$(jq -M -c '[.vm.name, .vm.source, .addrs, (.path[] | select(.role=="port") | .ifname, .kind)]' $TMP/ct)" \
	'["ct200","pve",["192.0.2.50"],"veth200i0","veth"]'
"$VT" probe pve:200 --count 2 --interval 0.1 --json > $TMP/ct1
json_valid $TMP/ct1
expect "container probe" "$(verdicts $TMP/ct1 | cut -d' ' -f2 | sort -u)" replied
# its own firewall drops the echoes: handed to it, never answered
n ct200 nft add table inet g
n ct200 nft add chain inet g i '{ type filter hook input priority 0; }'
n ct200 nft add rule inet g i meta l4proto icmp drop
! "$VT" probe pve:200 --count 1 --json > $TMP/ct2 || false
json_valid $TMP/ct2
expect "container firewall" "$(verdicts $TMP/ct2)" "1 lost-in-vm guest veth200i0/dev:tx"
n ct200 nft delete table inet g

qemu-system-x86_64 -S -display none -nodefaults -m 64 -monitor none \
	-name guest=web02,debug-threads=on \
	-netdev tap,id=n0,ifname=tap102i0,script=no,downscript=no \
	-device virtio-net-pci,netdev=n0,mac=52:54:00:00:01:02 &
qpid=$!
pids+=($qpid)
for _ in $(seq 100); do ip link show tap102i0 > /dev/null 2>&1 && break; sleep 0.1; done
host ip link set tap102i0 master vmbr0 up
"$VT" follow qemu:web02 --show-path --json > $TMP/q
expect "qemu vm" "$(jq -M -c '[.vm.name, .vm.source, (.path[] | select(.role=="port") | .ifname, .kind)]' $TMP/q)" \
	'["web02","qemu","tap102i0","tap"]'
expect "qemu by pid" "$("$VT" follow pid:$qpid --show-path --json | jq -M -r '.vm.name')" web02
expect "bare name finds qemu" "$("$VT" follow web02 --show-path --json | jq -M -r '.vm.source')" qemu

# Its CPU never runs, so QEMU never reads the tap: with a one-slot ring the
# ARP for the VM fills it and the next is refused; the echoes die with it.
host ip link set tap102i0 txqueuelen 1
! "$VT" probe qemu:web02 --addr 192.0.2.30 --count 2 --interval 0.2 --timeout 2.5 --json > $TMP/p2 || false
json_valid $TMP/p2
expect "paused qemu" "$(jq -M -r 'select(.type=="verdict") | "\(.status) \(.cause) \(.via_neighbour) \(.hop.ifname) \(.hop.kind)"' $TMP/p2 | sort -u)" \
	"dropped vm-not-reading true tap102i0 arp-request"
