# The fault catalogue on a libvirt-style NAT network (topo/nat.sh): routes,
# gateways, forwarding, NAT, conntrack and the reverse-path filter.
. "$VMTRACE_SRC/tests/ktest/lib.sh"
. "$VMTRACE_SRC/tests/ktest/catalogue.sh"
. "$VMTRACE_SRC/tests/ktest/topo/nat.sh"
topo_nat

# the VM reaches the world through the NAT, and the host reaches the VM
expect "healthy nat" "$(follow_got netns:natvm natvm 203.0.113.200 | cut -d" " -f1,2)" "replied -"
expect "healthy host->vm" "$(probe_got netns:natvm | cut -d' ' -f1,2)" "replied -"

# 10. routes
c_10a_break() { ip route del default; }
c_10a_fix() { ip route add default via 203.0.113.2; }
cause 10a 'dropped no-route virbr1/skb:drop' "host has no route to the VM's destination" \
	follow_got netns:natvm natvm 203.0.113.200

c_10b_break() { ip route replace default via 203.0.113.99; }
c_10b_fix() { ip route replace default via 203.0.113.2; }
cause 10b 'lost-on-host no-route virbr1/ip:postrouting' "host default route via a wrong gateway" \
	follow_got netns:natvm natvm 203.0.113.200

c_10c_break() { ip route add 198.51.100.10/32 via 203.0.113.2; }
c_10c_fix() { ip route del 198.51.100.10/32; }
cause 10c 'lost-on-host no-route null/null' "host route to the VM points out of the uplink" probe_got netns:natvm

# 12. reverse-path filter: the VM's second address is routed to its second
# NIC, a routed veth; echoes from it that come in over the bridge are
# asymmetric, which only a strict rp_filter refuses.
c_12_break() {
	if ! ip link show natr-host > /dev/null 2>&1; then
		ip link add natr-host type veth peer name nat1 netns natvm
		ip link set natr-host up
		ip -n natvm addr add 198.51.100.77/32 dev nat1
		ip -n natvm link set nat1 up
		ip route add 198.51.100.77/32 dev natr-host
	fi
	sysctl -qw net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.virbr1.rp_filter=1
}
c_12_fix() { sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.virbr1.rp_filter=0; }
cause 12 'dropped rp-filter virbr1/skb:drop' "strict rp_filter, VM's source routed via its other NIC" \
	follow_got netns:natvm natvm -I 198.51.100.77 198.51.100.1

# 18. NAT
# (with the last NAT rule gone, conntrack stops tracking new flows here)
c_18a_break() { nft flush chain ip vmnat post; }
c_18a_fix() { nft add rule ip vmnat post ip saddr 198.51.100.0/24 oifname uplink0 masquerade; }
cause 18a 'lost-on-host nat virbr1/ip:postrouting' "MASQUERADE rule missing" follow_got netns:natvm natvm 203.0.113.200

c_18b_break() {
	ping -q -i 0.2 203.0.113.2 > /dev/null 2>&1 &
	echo $! > $TMP/keepct; sleep 0.5
	sysctl -qw net.netfilter.nf_conntrack_max=1
}
c_18b_fix() { sysctl -qw net.netfilter.nf_conntrack_max=65536; kill "$(cat $TMP/keepct)"; }
cause 18b 'dropped conntrack virbr1/ip:prerouting' "conntrack table full" follow_got netns:natvm natvm 203.0.113.200

# 20. forwarding off
c_20_break() { sysctl -qw net.ipv4.ip_forward=0; }
c_20_fix() { sysctl -qw net.ipv4.ip_forward=1; }
cause 20 'dropped forwarding-disabled virbr1/skb:drop' "host ip_forward=0" follow_got netns:natvm natvm 203.0.113.200

catalogue_done
