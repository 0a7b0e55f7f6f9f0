# The demo, on the fault catalogue's bridged hypervisor (topo/bridged.sh):
# a bridge, two VMs on veths and one behind a tap whose reader stands in for
# QEMU. A healthy probe, then classic "the VM can't ping" causes broken one
# at a time, each with what vmtrace says, each repaired; last, a VM on Open
# vSwitch. `make demo` runs it;
# `make check` runs the whole catalogue (tests/ktest/cases/8*-causes-*.sh).
. "$VMTRACE_SRC/tests/ktest/lib.sh"
. "$VMTRACE_SRC/tests/ktest/topo/bridged.sh"
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
topo_bridged 2> /dev/null

say "vmtrace status"
"$VT" status

say "Where is the VM in netns vm? vmtrace follow vm --show-path"
"$VT" follow vm --show-path

say "Healthy: vmtrace probe vm --count 1"
"$VT" probe vm --count 1 || true

say "A bridge firewall rule drops ICMP between VMs; the tap VM pings vm (vmtrace follow vm)"
nft add table bridge demo
nft add chain bridge demo f '{ type filter hook forward priority 0; }'
nft add rule bridge demo f meta l4proto icmp drop
"$VT" follow vm --count 1 --duration 6 &
fpid=$!
wait_session
ip netns exec tvm ping -c 1 -W 1 192.0.2.10 > /dev/null || true
wait $fpid || true
nft delete table bridge demo

say "The tap VM is paused: its QEMU stops reading the tap (vmtrace probe if:tap0)"
ip link set tap0 txqueuelen 2
pause_vm tap0
"$VT" probe if:tap0 --count 3 || true
resume_vm tap0
ip link set tap0 txqueuelen 1000

say "The VM's NIC was set to MTU 1400, the host sends full-size frames (vmtrace probe vm --size 1472)"
ip -n vm link set vm0 mtu 1400
"$VT" probe vm --count 1 --size 1472 || true
ip -n vm link set vm0 mtu 1500

say "vm2 was cloned from vm and kept its address: who answers? (vmtrace probe vm)"
ip -n vm2 addr add 192.0.2.10/32 dev vm2
ip -n vm2 neigh flush dev vm2
sleep 1.1
ip netns exec vm2 ping -c 1 -W 1 -I 192.0.2.10 192.0.2.1 > /dev/null || true
"$VT" probe vm --count 1 || true
ip -n vm2 addr del 192.0.2.10/32 dev vm2
ip neigh flush dev br0
ping -c 1 -W 2 192.0.2.10 > /dev/null || true; ping -c 1 -W 2 192.0.2.20 > /dev/null || true

say "The guest behind tap0 firewalls ICMP (vmtrace probe if:tap0)"
ip netns exec tvm nft add table inet g
ip netns exec tvm nft add chain inet g i '{ type filter hook input priority 0; }'
ip netns exec tvm nft add rule inet g i meta l4proto icmp drop
"$VT" probe if:tap0 --count 1 || true
ip netns exec tvm nft delete table inet g

say "Open vSwitch: VM ovm on br-int, where an OpenFlow rule drops ICMP to it (vmtrace probe ovm)"
ovs_start 2> /dev/null
ovs-vsctl add-br br-int
ip addr add 198.51.100.1/24 dev br-int
ip link set br-int up
ip netns add ovm
ip link add ovm0-host type veth peer name ovm0 netns ovm
ovs-vsctl add-port br-int ovm0-host
ip link set ovm0-host up
ip -n ovm addr add 198.51.100.30/24 dev ovm0
ip -n ovm link set ovm0 up
ping -c 1 -W 5 198.51.100.30 > /dev/null || true
ovs-ofctl add-flow br-int priority=100,icmp,nw_dst=198.51.100.30,actions=drop
"$VT" probe ovm --count 1 || true
ovs-ofctl --strict del-flows br-int priority=100,icmp,nw_dst=198.51.100.30

say "Every cause vmtrace names, with the kernel's view and the fix: docs/causes.md"
