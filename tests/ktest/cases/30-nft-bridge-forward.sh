# A bridge-family nft rule drops ICMP between two VM ports: the drop is
# reported at bridge:forward with the kernel's NETFILTER_DROP, between the
# two ports, and the echo never reaches the second VM.
. "$VMTRACE_SRC/tests/ktest/lib.sh"
make_bridge
add_veth_vm vm1 vm1 11
add_veth_vm vm2 vm2 12
n vm1 ping -c 1 -W 2 192.0.2.12

host nft -f - <<'NFT'
table bridge vmtrace_test {
	chain forward {
		type filter hook forward priority 0; policy accept;
		meta l4proto icmp drop
	}
}
NFT
trace $TMP/ev --if br0,vm1-host,vm2-host,vm1@vm1,vm2@vm2
! n vm1 ping -c 1 -W 1 192.0.2.12 || false
trace_stop $TMP/ev

expect_seq "request" "$(hops $TMP/ev '.kind=="request"')" \
"ip:output vm1
ip:postrouting vm1
dev:tx vm1
dev:rx vm1-host
bridge:forward vm1-host->vm2-host
bridge:forward vm1-host->vm2-host"
# nf_hook_slow() frees the packet; the location is wherever the compiler put
# that call, so only its presence is checked.
expect "drop" "$(jq -M -r 'select(.type=="drop" and .packet.kind=="request") | "\(.point) \(.ifname)->\(.out_ifname) \(.reason) \(.nf_attributed) \(.location != "")"' $TMP/ev)" \
	"bridge:forward vm1-host->vm2-host $(kernel_reason NETFILTER_DROP) true true"
expect "echo events on vm2" "$(jq -M -r 'select((.ifname=="vm2-host" or .ifname=="vm2") and (.packet.kind=="request" or .packet.kind=="reply")) | .point' $TMP/ev | wc -l)" 0

# Fixed: the same echo goes through.
host nft delete table bridge vmtrace_test
n vm1 ping -c 1 -W 2 192.0.2.12
