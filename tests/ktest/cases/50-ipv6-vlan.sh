# ICMPv6 echo over the bridge/veth path, and an 802.1Q-tagged echo.
. "$VMTRACE_SRC/tests/ktest/lib.sh"
make_bridge
add_veth_vm vm vm0 10
host ping -6 -c 1 -W 2 2001:db8::10

trace $TMP/ev --if br0,vm0-host,vm0@vm
host ping -6 -c 1 -W 2 2001:db8::10
trace_stop $TMP/ev
# 6.1's icmpv6_rcv() (and 5.10's) frees an echo request it answered with
# kfree_skb(), not consume_skb(): a "drop" that is a delivery, which
# followers must know. 6.12 and later consume it.
answered=drop
kernel_since 6.12 && answered=consume
expect_seq "ipv6 request" "$(hops $TMP/ev '.kind=="request" and .family=="ipv6"')" \
"ip:output br0
ip:postrouting br0
dev:tx br0
dev:tx vm0-host
dev:rx vm0
ip:prerouting vm0
ip:input vm0
skb:$answered vm0"
if [ $answered = drop ]; then
	want="NOT_SPECIFIED icmpv6_rcv"
	kernel_since 5.17 || want=" icmpv6_rcv"
	expect "answered request freed as a drop" "$(jq -M -r 'select(.benign and .packet.kind=="request") | "\(.reason) \(.location|sub("\\+.*";""))"' $TMP/ev)" \
		"$want"
fi
expect_seq "ipv6 reply" "$(hops $TMP/ev '.kind=="reply" and .family=="ipv6"')" \
"ip:output vm0
ip:postrouting vm0
dev:tx vm0
dev:rx vm0-host
dev:rx br0
ip:prerouting br0
ip:input br0
skb:drop br0"
expect "ipv6 addresses" "$(jq -M -r 'select(.packet.kind=="request") | "\(.packet.src)>\(.packet.dst)"' $TMP/ev | sort -u)" \
	"2001:db8::1>2001:db8::10"

# VLAN 100 over the same bridge: sub-interfaces on both ends, the tag
# carried across br0 and the veth.
host ip link add link br0 name br0.100 type vlan id 100
host ip addr add 198.51.100.1/24 dev br0.100
host ip link set br0.100 up
n vm ip link add link vm0 name vm0.100 type vlan id 100
n vm ip addr add 198.51.100.10/24 dev vm0.100
n vm ip link set vm0.100 up
host ping -c 1 -W 2 198.51.100.10
trace $TMP/ev2 --if br0,vm0-host,vm0@vm,br0.100,vm0.100@vm
host ping -c 1 -W 2 198.51.100.10
trace_stop $TMP/ev2
# The VLAN device is entered by another round inside the same receive call
# (__netif_receive_skb_core), so it has no dev:rx of its own.
expect_seq "tagged request" "$(hops $TMP/ev2 '.kind=="request"')" \
"ip:output br0.100
ip:postrouting br0.100
dev:tx br0.100
dev:tx br0
dev:tx vm0-host
dev:rx vm0
ip:prerouting vm0.100
ip:input vm0.100
skb:consume vm0.100"
expect "vlan on the trunk" "$(jq -M -r 'select(.packet.kind=="request" and (.ifname=="vm0-host" or .ifname=="br0" or .ifname=="vm0")) | "\(.ifname) \(.packet.vlan)"' $TMP/ev2 | sort -u | tr '\n' ';')" \
	"br0 100;vm0 100;vm0-host 100;"
expect "vlan device kind" "$(jq -M -r 'select(.ifname=="br0.100") | .dev_kind' $TMP/ev2 | sort -u)" "vlan"
