# libvirt: a real libvirtd in the lab guest runs a domain whose NIC is a
# tap on br0 (libvirt names it vnetN); vmtrace finds it through libvirt's
# API, by name and UUID, and sees that the paused domain never reads it.
. "$VMTRACE_SRC/tests/ktest/lib.sh"
. "$VMTRACE_SRC/tests/ktest/libvirt.sh"
make_bridge

libvirt_start

cat > $TMP/web03.xml <<'XML'
<domain type='qemu'>
  <name>web03</name>
  <uuid>5f0c3f4e-2b1d-4c55-9d0e-0a1b2c3d4e5f</uuid>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <interface type='bridge'>
      <source bridge='br0'/>
      <mac address='52:54:00:00:03:03'/>
      <model type='virtio'/>
    </interface>
  </devices>
</domain>
XML
virsh -c qemu:///system create $TMP/web03.xml --paused
virsh -c qemu:///system domiflist web03
vnet=$(virsh -c qemu:///system domiflist web03 | awk '$5 == "52:54:00:00:03:03" { print $1 }')
[ -n "$vnet" ]

"$VT" follow libvirt:web03 --show-path --json > $TMP/path
json_valid $TMP/path
expect "libvirt vm" "$(jq -M -c '[.vm.name, .vm.source, (.path[] | select(.role=="port") | .ifname, .kind, .master)]' $TMP/path)" \
	"[\"web03\",\"libvirt\",\"$vnet\",\"tap\",\"br0\"]"
expect "by uuid" "$("$VT" follow libvirt:5f0c3f4e-2b1d-4c55-9d0e-0a1b2c3d4e5f --show-path --json | jq -M -r .vm.name)" web03
expect "bare name tries libvirt first" "$("$VT" follow web03 --show-path --json | jq -M -r .vm.source)" libvirt
set +e
"$VT" follow libvirt:nosuch --show-path 2> $TMP/err; rc=$?
set -e
expect "unknown domain" "$rc" 2
grep -q "libvirt (no domain 'nosuch' on qemu:///system)" $TMP/err

# Paused: QEMU does not read the tap. One slot, and the ARP for the VM
# overflows it; the echoes die with their ARP.
host ip link set "$vnet" txqueuelen 1
! "$VT" probe web03 --addr 192.0.2.33 --count 2 --interval 0.2 --timeout 2.5 --json > $TMP/p || false
json_valid $TMP/p
expect "paused domain" "$(jq -M -r 'select(.type=="verdict") | "\(.status) \(.cause) \(.via_neighbour) \(.hop.ifname)"' $TMP/p | sort -u)" \
	"dropped vm-not-reading true $vnet"
virsh -c qemu:///system destroy web03
