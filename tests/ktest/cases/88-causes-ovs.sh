# Open vSwitch with the kernel datapath, its daemons started here (state in
# tmpfs): the host's address on bridge br-int's internal port, a VM on an
# OVS port. Healthy both ways; an OpenFlow drop rule and a VLAN tag
# mismatch, named from OVS itself.
#
#   br-int (internal) 192.0.2.1 ── [ovs-system datapath] ── ovm0-host ═veth═ ovm0 [netns ovm] .30
. "$VMTRACE_SRC/tests/ktest/lib.sh"
. "$VMTRACE_SRC/tests/ktest/catalogue.sh"
modprobe openvswitch
host ip link set lo up
ovs=/tmp/ovs
mkdir -p $ovs /run/openvswitch
ovsdb-tool create $ovs/conf.db /usr/share/openvswitch/vswitch.ovsschema
ovsdb-server $ovs/conf.db --remote=punix:/run/openvswitch/db.sock --pidfile=/run/openvswitch/ovsdb-server.pid \
	--detach --log-file=$ovs/ovsdb-server.log
ovs-vsctl --no-wait init
# OVS 3.1.0 (bookworm) counts the CPUs at most every 10 s of uptime and reads
# 0 before that, so a vswitchd started in a freshly booted guest gets no upcall
# handler and loses every miss (fixed upstream in 3.1.1: at least one handler).
while [ "$(cut -d. -f1 /proc/uptime)" -lt 11 ]; do sleep 1; done
ovs-vswitchd unix:/run/openvswitch/db.sock --pidfile=/run/openvswitch/ovs-vswitchd.pid --detach \
	--log-file=$ovs/ovs-vswitchd.log
stop_ovs() {
	ovs-appctl -t ovs-vswitchd exit > /dev/null 2>&1 || true
	ovs-appctl -t ovsdb-server exit > /dev/null 2>&1 || true
}
trap 'stop_ovs; cleanup' EXIT
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
	{ cat $ovs/ovs-vswitchd.log; ovs-vsctl show; ovs-dpctl show; ovs-ofctl dump-flows br-int; ip -d link; false; }

"$VT" follow netns:ovm --show-path --json > $TMP/path
json_valid $TMP/path
expect "OVS VM's path" "$(jq -M -r '.path[] | "\(.role) \(.ifname) \(.kind)"' $TMP/path | tr '\n' ';')" \
	"vm ovm0 veth;port ovm0-host veth;bridge ovs-system openvswitch;neighbour br-int openvswitch;"

# healthy: the host to the VM, and the VM to the host
expect "host to the OVS VM" "$(probe_got netns:ovm | cut -d' ' -f1,2)" "replied -"
expect "OVS VM to the host" "$(follow_got netns:ovm ovm 192.0.2.1 | cut -d' ' -f1,2)" "replied -"

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

catalogue_done
