# host -> br0 -> veth -> netns "vm" and back: every hop, in order, both ways.
. "$VMTRACE_SRC/tests/ktest/lib.sh"
make_bridge
add_veth_vm vm vm0 10
host ping -c 1 -W 2 192.0.2.10		# resolve neighbours before tracing
n vm ping -c 1 -W 2 192.0.2.1

trace $TMP/ev --if br0,vm0-host,vm0@vm
host ping -c 1 -W 2 192.0.2.10
n vm ping -c 1 -W 2 192.0.2.1
trace_stop $TMP/ev

expect_seq "host->vm request" "$(hops $TMP/ev '.kind=="request" and .src=="192.0.2.1"')" \
"ip:output br0
ip:postrouting br0
dev:tx br0
dev:tx vm0-host
dev:rx vm0
ip:prerouting vm0
ip:input vm0
skb:consume vm0"

expect_seq "host->vm reply" "$(hops $TMP/ev '.kind=="reply" and .src=="192.0.2.10"')" \
"ip:output vm0
ip:postrouting vm0
dev:tx vm0
dev:rx vm0-host
dev:rx br0
ip:prerouting br0
ip:input br0
skb:drop br0"

expect_seq "vm->host request" "$(hops $TMP/ev '.kind=="request" and .src=="192.0.2.10"')" \
"ip:output vm0
ip:postrouting vm0
dev:tx vm0
dev:rx vm0-host
dev:rx br0
ip:prerouting br0
ip:input br0
skb:consume br0"

expect_seq "vm->host reply" "$(hops $TMP/ev '.kind=="reply" and .src=="192.0.2.1"')" \
"ip:output br0
ip:postrouting br0
dev:tx br0
dev:tx vm0-host
dev:rx vm0
ip:prerouting vm0
ip:input vm0
skb:drop vm0"

# The only drops are ping's raw socket taking its copy of each reply: freed
# by icmp_rcv with NO_SOCKET (no reason before 5.17); by ping_rcv itself
# after 6.12 (seen on 7.2).
reply_freed="NO_SOCKET icmp_rcv"
kernel_since 5.17 || reply_freed="icmp_rcv"
kernel_since 6.13 && reply_freed="NO_SOCKET ping_rcv"
expect "drops" "$(jq -M -r 'select(has("reason") and (.packet.kind=="request" or .packet.kind=="reply")) | "\(.packet.kind) \(.reason) \(.location|sub("\\+.*";""))"' $TMP/ev | sort | uniq -c | tr -s ' ')" \
	" 2 reply $reply_freed"
# Namespaces, ids and sequence numbers as the kernel saw them.
expect "netns of vm0 events" "$(jq -M -r 'select(.ifname=="vm0") | .netns' $TMP/ev | sort -u)" "vm"
expect "netns of br0 events" "$(jq -M -r 'select(.ifname=="br0") | .netns' $TMP/ev | sort -u)" "host"
expect "echo seq" "$(jq -M -r 'select(.packet.kind=="request") | .packet.seq' $TMP/ev | sort -u)" "1"
expect "bridge master of vm0-host" "$(jq -M -r 'select(.ifname=="vm0-host") | .master_ifindex' $TMP/ev | sort -u)" \
	"$(cat /sys/class/net/br0/ifindex)"
expect "device kinds" "$(jq -M -r '"\(.ifname) \(.dev_kind)"' $TMP/ev | sort -u | tr '\n' ' ')" \
	"br0 bridge vm0 veth vm0-host veth "

# Text output for people: one line per event, ending on its own.
"$VT" events --if br0 --addr 192.0.2.10 --duration 4 > $TMP/text &
text_pid=$!
wait_session
host ping -c 1 -W 2 192.0.2.10
wait $text_pid
cat $TMP/text
reply_reason=${reply_freed% *}
[ "$reply_reason" != "$reply_freed" ] || reply_reason=-
grep -q "DROP skb:drop *br0 *host *- *ipv4 192.0.2.10 > 192.0.2.1 reply id [0-9]* seq 1 len [0-9]* reason $reply_reason at ${reply_freed#* }+0x" $TMP/text
grep -q 'ip:output *br0 *host *tx *ipv4 192.0.2.1 > 192.0.2.10 request id [0-9]* seq 1 len 84' $TMP/text
