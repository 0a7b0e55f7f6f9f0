# follow and probe on the lab hypervisor: a veth VM in netns "vm", a tap VM
# (userspace reader, like QEMU) in netns "tvm". Verdicts, hops and causes.
. "$VMTRACE_SRC/tests/ktest/lib.sh"
make_bridge
add_veth_vm vm vm0 10
add_tap_vm tvm tap0 20
host ping -c 1 -W 2 192.0.2.10; host ping -c 1 -W 5 192.0.2.20

# Resolution: the path, the VM's addresses.
"$VT" follow netns:vm --show-path --json > $TMP/path
json_valid $TMP/path
expect "netns path" "$(jq -M -r '.path[] | "\(.role) \(.ifname) \(.kind) \(.netns)"' $TMP/path | tr '\n' ';')" \
	"vm vm0 veth vm;port vm0-host veth host;bridge br0 bridge host;neighbour tap0 tap host;"
expect "netns addrs" "$(jq -M -r '.addrs | join(" ")' $TMP/path)" "192.0.2.10 2001:db8::10"
expect "bare name is the netns" "$("$VT" follow vm --show-path --json | jq -M -r .vm.source)" netns
expect "tap by ip" "$("$VT" follow ip:192.0.2.20 --show-path --json | jq -M -c '[.vm.source, (.path[] | select(.role=="port") | .ifname), .addrs]')" \
	'["ip","tap0",["192.0.2.20"]]'
expect "tap by if" "$("$VT" follow if:tap0 --show-path --json | jq -M -c '[(.path[] | select(.role=="port") | .kind), .addrs]')" \
	'["tap",["192.0.2.20"]]'
set +e
"$VT" follow nosuchvm 2> $TMP/err; rc=$?
set -e
expect "unknown vm rc" "$rc" 2
grep -q "cannot resolve 'nosuchvm': tried libvirt (cannot connect to qemu:///system: .*), qemu (no QEMU process named 'nosuchvm'), netns (no network namespace 'nosuchvm'), if (no interface 'nosuchvm'), ip ('nosuchvm' is not an address)" $TMP/err

# Healthy, both VMs, both families: every echo replied, no drop at all,
# also with tcpdump cloning every frame on the bridge.
tcpdump -i br0 -w /dev/null -U 2> /dev/null &
pids+=($!)
sleep 0.5
"$VT" probe netns:vm --count 3 --interval 0.1 --json > $TMP/p1
json_valid $TMP/p1
expect "veth vm verdicts" "$(verdicts $TMP/p1 | tr '\n' ';')" \
	"1 replied - br0/skb:drop;2 replied - br0/skb:drop;3 replied - br0/skb:drop;"
expect "no false drops" "$(jq -M 'select(.type=="drop")' $TMP/p1 | wc -l)" 0
"$VT" probe netns:vm -6 --count 2 --interval 0.1 --json > $TMP/p6
expect "ipv6 verdicts" "$(jq -M -r 'select(.type=="verdict") | "\(.echo.family) \(.status)"' $TMP/p6 | sort -u)" "ipv6 replied"
expect "ipv6 false drops" "$(jq -M 'select(.type=="drop")' $TMP/p6 | wc -l)" 0
"$VT" probe if:tap0 --count 2 --interval 0.1 --json > $TMP/p2
expect "tap vm verdicts" "$(jq -M -r 'select(.type=="verdict") | .status' $TMP/p2 | sort -u)" "replied"
expect "handed to the tap reader" "$(jq -M -r 'select(.type=="hop" and .point=="skb:consume" and .ifname=="tap0") | .echo.seq' $TMP/p2 | sort -u | tr '\n' ' ')" "1 2 "

# The VM pings the host: followed in the reverse direction.
"$VT" follow netns:vm --count 2 --duration 8 --json > $TMP/f1 &
fpid=$!
wait_session
n vm ping -c 2 -i 0.3 192.0.2.1
wait $fpid
json_valid $TMP/f1
expect "reverse verdicts" "$(jq -M -r 'select(.type=="verdict") | "\(.echo.src)>\(.echo.dst) \(.status)"' $TMP/f1 | sort -u)" \
	"192.0.2.10>192.0.2.1 replied"

# Into a pipe: each JSON line is out as soon as its verdict is, not when
# follow ends; every JSON line carries the wall-clock time.
"$VT" follow netns:vm --count 2 --duration 12 --json | cat > $TMP/piped &
fpid=$!
wait_session
n vm ping -c 1 192.0.2.1 > /dev/null
for _ in $(seq 60); do grep -q '"type":"verdict"' $TMP/piped && break; sleep 0.1; done
expect "a verdict through a pipe while follow runs" "$(grep -c '"type":"verdict"' $TMP/piped)" 1
expect "JSON time is RFC 3339 UTC" "$(jq -r 'select(.type=="verdict") | .time' $TMP/piped |
	grep -c -E "^$(date -u +%Y-%m-%d)T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$")" 1
n vm ping -c 1 192.0.2.1 > /dev/null
wait $fpid
json_valid $TMP/piped
# Text: -t puts tcpdump's time before each echo; colour only on a terminal,
# or when asked for, whatever NO_COLOR says then.
"$VT" probe netns:vm --count 1 -t > $TMP/t1
expect "-t: the time first" "$(grep -c -E '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} seq 1 ' $TMP/t1)" 1
expect "no colour into a file" "$(grep -c "$(printf '\033')" $TMP/t1)" 0
NO_COLOR=1 "$VT" probe netns:vm --count 1 --color=always > $TMP/t2
expect "--color=always" "$(grep -c "$(printf '\033')\[32m" $TMP/t2)" 1
script -qec "TERM=dumb $VT probe netns:vm --count 1" /dev/null > $TMP/t3
expect "TERM=dumb: no colour on a terminal" "$(grep -c "$(printf '\033')\[" $TMP/t3)" 0
script -qec "TERM=xterm $VT probe netns:vm --count 1" /dev/null > $TMP/t4
expect "colour on a terminal" "$(grep -c "$(printf '\033')\[32m" $TMP/t4)" 1

# Bridge firewall between the tap VM and the veth VM.
host nft add table bridge t
host nft add chain bridge t f '{ type filter hook forward priority 0; }'
host nft add rule bridge t f meta l4proto icmp drop
"$VT" follow netns:vm --count 1 --duration 6 --json > $TMP/f2 &
fpid=$!
wait_session
! n tvm ping -c 1 -W 1 192.0.2.10 || false
wait $fpid
json_valid $TMP/f2
expect "bridge firewall" "$(verdicts $TMP/f2)" "1 dropped firewall tap0/bridge:forward"
# the rule that dropped it, read from the ruleset and walked as nf_tables does
handle=$(nft -a list chain bridge t f | sed -n 's/.*meta l4proto icmp drop # handle \([0-9]*\)$/\1/p')
expect "the rule named" "$(jq -M -r 'select(.type=="verdict") | "\(.explain) / \(.check)"' $TMP/f2)" \
	"a firewall rule dropped it in the bridge hook on tap0: nft rule \`meta l4proto icmp drop\` (table bridge t, chain f, handle $handle) / nft -a list chain bridge t f"
host nft delete table bridge t

# The guest (behind the tap, its own "kernel" as far as the host path goes)
# drops echoes: handed over, never answered.
n tvm nft add table inet g
n tvm nft add chain inet g i '{ type filter hook input priority 0; }'
n tvm nft add rule inet g i meta l4proto icmp drop
set +e
"$VT" probe if:tap0 --count 2 --interval 0.1 --json > $TMP/p3; rc=$?
set -e
expect "guest firewall rc" "$rc" 1
expect "guest firewall" "$(verdicts $TMP/p3 | tr '\n' ';')" "1 lost-in-vm guest tap0/skb:consume;2 lost-in-vm guest tap0/skb:consume;"
n tvm nft delete table inet g

# A namespace VM shares our kernel: its firewall's drop is seen, inside it.
n vm nft add table inet g
n vm nft add chain inet g i '{ type filter hook input priority 0; }'
n vm nft add rule inet g i meta l4proto icmp drop
! "$VT" probe netns:vm --count 1 --json > $TMP/p4 || false
expect "netns guest firewall" "$(verdicts $TMP/p4)" "1 dropped firewall vm0/ip:input"
jq -M -r 'select(.type=="verdict") | .explain' $TMP/p4 | grep -q '^inside the VM (netns vm)'
expect "the VM's rule named, in its namespace" "$(jq -M -r 'select(.type=="verdict") | .check' $TMP/p4)" \
	"ip netns exec vm nft -a list chain inet g i"
jq -M -r 'select(.type=="verdict") | .explain' $TMP/p4 | grep -q ': nft rule `meta l4proto icmp drop` (table inet g, chain i, handle [0-9]*)$'
n vm nft delete table inet g

# The tap VM stops reading (paused): its ring overflows.
host ip link set tap0 txqueuelen 2
pause_vm tap0
! "$VT" probe if:tap0 --count 5 --interval 0.1 --json > $TMP/p5 || false
json_valid $TMP/p5
# the first echoes may wait in the ring (lost-on-host) or find it full already (probably frames the
# paused VM did not take before, IPv6's own): every one is the paused VM's, some dropped
expect "paused causes" "$(jq -M -r 'select(.type=="verdict") | "\(.status) \(.cause)"' $TMP/p5 | sort -u |
	grep -vx 'lost-on-host vm-not-reading' | tr '\n' ';')" "dropped vm-not-reading;"
expect "paused drops at" "$(jq -M -r 'select(.type=="verdict" and .status=="dropped") | "\(.hop.ifname) \(.reason)"' $TMP/p5 | sort -u)" \
	"tap0 $(kernel_reason FULL_RING)"
resume_vm tap0
host ip link set tap0 txqueuelen 1000

# The VM's NIC goes down: the bridge stops flooding to its port, the ARP is
# never answered and the echo waits in the neighbour queue; the kernel drops
# nothing we could see, the port's state says why.
n vm ip link set vm0 down
host ip neigh flush dev br0
! "$VT" probe netns:vm --count 1 --timeout 2 --json > $TMP/p7 || false
json_valid $TMP/p7
expect "nic down" "$(jq -M -r 'select(.type=="verdict") | "\(.status) \(.cause) \(.via_neighbour) \(.hop.kind)"' $TMP/p7)" \
	"lost-on-host link-down true arp-request"
n vm ip link set vm0 up
for _ in $(seq 10); do ping -c 1 -W 1 192.0.2.10 > /dev/null && break; done

# Summary line and exit code on success.
"$VT" probe netns:vm --count 1 > $TMP/text
grep -q '^1 echoes: 1 replied, 0 dropped, 0 lost-in-vm, 0 lost-on-host, 0 wrong-vm, 0 unseen$' $TMP/text
