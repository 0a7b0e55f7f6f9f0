# The fault catalogue on a libvirt-style bridged host (topo/bridged.sh):
# firewalls, the guest, the tap reader, links, STP, MTU, neighbours, tc,
# qdiscs, MACs and addresses, each broken, named and repaired.
. "$VMTRACE_SRC/tests/ktest/lib.sh"
. "$VMTRACE_SRC/tests/ktest/catalogue.sh"
. "$VMTRACE_SRC/tests/ktest/topo/bridged.sh"
topo_bridged
modprobe -a br_netfilter sch_netem sch_ingress cls_u32 act_gact 2> /dev/null || true
sysctl -qw net.bridge.bridge-nf-call-iptables=0

# healthy first: no verdict but replied, no drop at all
for spec in netns:vm netns:vm2 if:tap0; do
	"$VT" probe $spec --count 3 --interval 0.1 --json > $TMP/healthy
	expect "healthy $spec" "$(verdicts $TMP/healthy | cut -d' ' -f2,3 | sort -u)" "replied -"
	expect "healthy $spec: no drops" "$(jq -M 'select(.type=="drop")' $TMP/healthy | wc -l)" 0
done
"$VT" probe netns:vm -6 --count 2 --interval 0.1 --json > $TMP/healthy6
expect "healthy ipv6" "$(verdicts $TMP/healthy6 | cut -d' ' -f2,3 | sort -u)" "replied -"

# 22. the VM pings the host, which is set not to answer echoes
# (first of all: later entries play with the VMs' MACs and neighbours)
c_22_break() { sysctl -qw net.ipv4.icmp_echo_ignore_all=1; }
c_22_fix() { sysctl -qw net.ipv4.icmp_echo_ignore_all=0; }
cause 22 'lost-on-host icmp-ignored br0/.*' "the host ignores echoes (icmp_echo_ignore_all)" \
	follow_got netns:vm vm 192.0.2.1
# 22b. ... or rate-limits its echo replies to one a peer every 1000 s
c_22b_break() { sysctl -qw net.ipv4.icmp_ratemask=6169 net.ipv4.icmp_ratelimit=1000000; }
c_22b_fix() { sysctl -qw net.ipv4.icmp_ratemask=6168 net.ipv4.icmp_ratelimit=1000; }
cause 22b 'lost-on-host icmp-ratelimit br0/.*' "the host rate-limits its echo replies (icmp_ratemask)" \
	follow_got netns:vm vm 192.0.2.1

# 1. host firewall
c_1a_break() { nft add table inet vt; nft add chain inet vt input_filter '{ type filter hook input priority 0; }'
	nft add rule inet vt input_filter icmp type echo-reply drop; }
c_1a_fix() { nft delete table inet vt; }
cause 1a 'dropped firewall br0/ip:input' "host nft input drops the VM's replies" probe_got netns:vm

c_1b_break() { nft add table inet vt; nft add chain inet vt output_filter '{ type filter hook output priority 0; }'
	nft add rule inet vt output_filter icmp type echo-request drop; }
c_1b_fix() { nft delete table inet vt; }
cause 1b 'dropped firewall br0/ip:output' "host nft output drops echo requests" probe_got netns:vm

c_1c_break() { iptables -A INPUT -p icmp --icmp-type echo-reply -j DROP; }
c_1c_fix() { iptables -D INPUT -p icmp --icmp-type echo-reply -j DROP; }
cause 1c 'dropped firewall br0/ip:input' "iptables-nft INPUT drops the VM's replies" probe_got netns:vm

# 2. bridge-family nft between VM ports (the tap VM pings the veth VM)
c_2a_break() { nft add table bridge vt; nft add chain bridge vt f '{ type filter hook forward priority 0; }'
	nft add rule bridge vt f meta l4proto icmp drop; }
c_2a_fix() { nft delete table bridge vt; }
cause 2a 'dropped firewall tap0/bridge:forward' "bridge nft forward drops ICMP between VMs" \
	follow_got netns:vm tvm 192.0.2.10

c_2b_break() { nft add table bridge vt; nft add chain bridge vt prerouting_filter '{ type filter hook prerouting priority 0; }'
	nft add rule bridge vt prerouting_filter meta l4proto icmp drop; }
c_2b_fix() { nft delete table bridge vt; }
cause 2b 'dropped firewall tap0/bridge:prerouting' "bridge nft prerouting drops ICMP (plain free in 6.1)" \
	follow_got netns:vm tvm 192.0.2.10

# 3. br_netfilter: iptables FORWARD sees bridged frames (Proxmox/OpenStack firewall)
c_3_break() { sysctl -qw net.bridge.bridge-nf-call-iptables=1; iptables -A FORWARD -p icmp -j DROP; }
c_3_fix() { iptables -D FORWARD -p icmp -j DROP; sysctl -qw net.bridge.bridge-nf-call-iptables=0; }
cause 3 'dropped firewall br0/ip:forward' "br_netfilter + iptables FORWARD drop on bridged traffic" \
	follow_got netns:vm tvm 192.0.2.10

# 4. the guest itself
c_4a_break() { ip netns exec tvm nft add table inet g; ip netns exec tvm nft add chain inet g input_filter '{ type filter hook input priority 0; }'
	ip netns exec tvm nft add rule inet g input_filter meta l4proto icmp drop; }
c_4a_fix() { ip netns exec tvm nft delete table inet g; }
cause 4a 'lost-in-vm guest tap0/skb:consume' "guest firewall drops echo (VM behind a tap)" probe_got if:tap0

c_4b_break() { ip netns exec vm sysctl -qw net.ipv4.icmp_echo_ignore_all=1; }
c_4b_fix() { ip netns exec vm sysctl -qw net.ipv4.icmp_echo_ignore_all=0; }
cause 4b 'lost-in-vm guest vm0/.*' "guest has icmp_echo_ignore_all=1" probe_got netns:vm

# 5. the VM stops reading its NIC
c_5_break() { ip link set tap0 txqueuelen 2; pause_vm tap0; }
# the repair re-learns the VM's address: on a slow guest (the debug kernel) the host's neighbour
# entry for it may be gone by then, and probe if:tap0 finds the VM's address there
c_5_fix() { resume_vm tap0; ip link set tap0 txqueuelen 1000; ping -c 1 -W 3 192.0.2.20 > /dev/null || true; }
cause 5 '(dropped|lost-on-host) vm-not-reading tap0/.*' "VM paused: tap ring full" probe_got if:tap0 --count 5 --interval 0.1

# 6. links
c_6a_break() { ip link set tap0 down; }
c_6a_fix() { ip link set tap0 up; sleep 0.2; ping -c 1 -W 2 192.0.2.20 > /dev/null || true; }
cause 6a '(dropped|lost-on-host) link-down .*' "tap down on the host" probe_got if:tap0 --addr 192.0.2.20

c_6b_break() { ip -n vm link set vm0 down; }
c_6b_fix() { ip -n vm link set vm0 up; sleep 0.2; ping -c 1 -W 2 192.0.2.10 > /dev/null || true; }
cause 6b '(dropped|lost-on-host) link-down .*' "VM's NIC down (veth peer down)" probe_got netns:vm

c_6c_break() { ip link set vm0-host down; }
c_6c_fix() { ip link set vm0-host up; sleep 0.2; ping -c 1 -W 2 192.0.2.10 > /dev/null || true; }
cause 6c '(dropped|lost-on-host) link-down .*' "host side of the VM's veth down" probe_got netns:vm

# 7. STP port states, set the way an STP daemon would. "blocking" cannot be
# held with STP off (the bridge moves a blocking port on at once); the
# bridge drops in blocking exactly where it does in disabled and listening.
for st in 0:disabled 2:learning 1:listening; do
	eval "c_7${st#*:}_break() { bridge link set dev vm0-host state ${st%%:*}; }"
	eval "c_7${st#*:}_fix() { bridge link set dev vm0-host state 3; }"
	cause "7${st#*:}" '(dropped|lost-on-host) bridge-port-state .*' "bridge port ${st#*:}" probe_got netns:vm
done

# 9. MTU: a smaller hop on the way
c_9a_break() { ip link set br0 mtu 1500; ip link set tap0 mtu 1400; ip link set br0 mtu 1500; }
c_9a_fix() { ip link set tap0 mtu 1500; }
cause 9a 'dropped mtu tap0/.*' "tap port MTU 1400 under a 1500 bridge, 1500-byte ping" probe_got if:tap0 --size 1472

c_9b_break() { ip -n vm link set vm0 mtu 1400; }
c_9b_fix() { ip -n vm link set vm0 mtu 1500; }
cause 9b 'dropped mtu vm0-host/.*' "VM NIC MTU 1400 behind a 1500 veth, 1500-byte ping" probe_got netns:vm --size 1472

# 11. neighbours
# the VM's own entries go too: re-probing the host's MAC (5 s after it last
# answered) would re-create the host's entry from the VM's ARP request
c_11a_break() { ip netns exec vm sysctl -qw net.ipv4.conf.all.arp_ignore=8
	ip -n vm neigh flush all; ip neigh flush dev br0; }
c_11a_fix() { ip netns exec vm sysctl -qw net.ipv4.conf.all.arp_ignore=0; sleep 1; ping -c 1 -W 3 192.0.2.10 > /dev/null; }
cause 11a 'lost-on-host neighbor .*' "VM does not answer ARP" probe_got netns:vm

c_11b_break() { ip neigh replace 192.0.2.10 lladdr 02:00:00:00:00:99 nud permanent dev br0; }
c_11b_fix() { ip neigh del 192.0.2.10 dev br0; }
cause 11b 'dropped neighbor vm0/skb:drop' "static neighbour entry with a wrong MAC" probe_got netns:vm

# 13. tc on a VM port
c_13a_break() { tc qdisc add dev vm0-host clsact
	tc filter add dev vm0-host ingress protocol ip u32 match ip protocol 1 0xff action drop; }
c_13a_fix() { tc qdisc del dev vm0-host clsact; }
cause 13a 'dropped tc-drop vm0-host/skb:drop' "tc ingress filter drops ICMP from the VM" probe_got netns:vm

c_13b_break() { tc qdisc add dev vm0-host clsact
	tc filter add dev vm0-host egress protocol ip u32 match ip protocol 1 0xff action drop; }
c_13b_fix() { tc qdisc del dev vm0-host clsact; }
cause 13b 'dropped tc-drop vm0-host/skb:drop' "tc egress filter drops ICMP to the VM" probe_got netns:vm

# 14. qdiscs
c_14a_break() { tc qdisc add dev vm0-host root netem loss 100%; }
c_14a_fix() { tc qdisc del dev vm0-host root; }
cause 14a 'dropped qdisc-drop vm0-host/skb:drop' "netem 100% loss on the VM port" probe_got netns:vm

c_14b_break() { tc qdisc add dev vm0-host root pfifo limit 0; }
c_14b_fix() { tc qdisc del dev vm0-host root; }
cause 14b 'dropped qdisc-drop vm0-host/skb:drop' "a VM port queue with no room" probe_got netns:vm

# 15. the VM changed its MAC, the host still remembers the old one
c_15_break() { ping -c 1 -W 1 192.0.2.10 > /dev/null; ip -n vm link set vm0 address 02:00:00:00:10:99; }
c_15_fix() { ip neigh flush dev br0; }
cause 15 'dropped wrong-mac vm0/skb:drop' "stale neighbour entry after the VM's MAC changed" probe_got netns:vm --count 1

# 16. two VMs with one MAC: the FDB follows whoever spoke last
c_16_break() {
	ip -n vm2 link set vm2 address "$(ip -n vm -j link show vm0 | jq -r '.[0].address')"
	ip neigh flush dev br0; ping -c 1 -W 2 192.0.2.10 > /dev/null
	ip netns exec vm2 ping -q -i 0.1 192.0.2.1 > /dev/null 2>&1 &
	echo $! > $TMP/vm2ping; sleep 0.5
}
c_16_fix() {
	kill "$(cat $TMP/vm2ping)"; ip -n vm2 link set vm2 address 02:00:00:00:11:11
	ip neigh flush dev br0; ip netns exec vm ping -c 1 -W 2 192.0.2.1 > /dev/null
}
cause 16 'wrong-vm mac-conflict vm2-host/.*' "two VMs share a MAC" probe_got netns:vm

# 17. two VMs with one address: the host's ARP entry moves to the impostor
c_17_break() {
	ip -n vm2 addr add 192.0.2.10/32 dev vm2; ip -n vm2 neigh flush dev vm2; sleep 1.1
	ip netns exec vm2 ping -c 1 -W 1 -I 192.0.2.10 192.0.2.1 > /dev/null
	ip neigh show 192.0.2.10 | grep -q "$(ip -n vm2 -j link show vm2 | jq -r '.[0].address')"
}
c_17_fix() { ip -n vm2 addr del 192.0.2.10/32 dev vm2; ip neigh flush dev br0; ping -c 1 -W 2 192.0.2.10 > /dev/null; }
cause 17 'wrong-vm ip-conflict vm2-host/dev:rx' "two VMs claim one IP address" probe_got netns:vm

# 21. the VM's port is not where the host's address for it is: on no bridge,
# or on another bridge. Topology, named as such: not "a wrong route".
c_21a_break() { ip link set tap0 nomaster; }
c_21a_fix() { ip link set tap0 master br0; }
cause 21a 'lost-on-host bridge-no-port null/null' "the VM's tap on no bridge" probe_got if:tap0 --addr 192.0.2.20
c_21b_break() { ip link add br1 type bridge stp_state 0 forward_delay 0; ip link set br1 up; ip link set tap0 master br1; }
c_21b_fix() { ip link set tap0 master br0; ip link del br1; }
cause 21b '(lost-on-host bridge-no-port null/null|dropped bridge-no-port tap0/skb:drop)' "the VM's tap on another bridge than the host's address" \
	probe_got if:tap0 --addr 192.0.2.20
# the explanation says where the host sends, where the port is, and the command that fixes it
c_21a_break
! "$VT" probe if:tap0 --addr 192.0.2.20 --count 1 --json > $TMP/c21a || false
c_21a_fix
expect "21a explained" "$(jq -r 'select(.type=="verdict") | .explain' $TMP/c21a |
	grep -c "out of br0 (192.0.2.1/24), but the VM's port tap0 is on no bridge.*ip link set tap0 master br0")" 1
c_21b_break
! "$VT" probe if:tap0 --addr 192.0.2.20 --count 1 --json > $TMP/c21b || false
c_21b_fix
expect "21b explained" "$(jq -r 'select(.type=="verdict") | .explain' $TMP/c21b |
	grep -c "out of bridge br0 (192.0.2.1/24), but the VM's port tap0 is on bridge br1.*ip link set tap0 master br0")" 1

catalogue_done
