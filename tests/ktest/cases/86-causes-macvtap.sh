# libvirt's type='direct': a VM on a macvtap in bridge mode over the host's
# uplink up0, a LAN host behind up0, and the host with an address of its
# own on a macvlan beside the macvtap. The classic fault: the host's address
# on the lower device itself, from where it can never reach its macvtaps; and
# the two macvlans not both in bridge mode. A second VM has up1 to itself
# (passthru).
#
#   lan0 [netns lan] .99 ═veth═ up0 ─┬─ macvtap0 ── tapvm reader ── macvtap0vm [netns mvm] .60
#                                    └─ mvhost (macvlan, bridge) .1 (the host)
#   lan1 [netns lan2] .98 ═veth═ up1 ─── macvtap1 (passthru) ── tapvm reader ── macvtap1vm [netns mvp] .61
. "$VMTRACE_SRC/tests/ktest/lib.sh"
. "$VMTRACE_SRC/tests/ktest/catalogue.sh"
modprobe -a macvlan macvtap
host ip link set lo up
host ip netns add lan
host ip link add up0 type veth peer name lan0 netns lan
host ip link set up0 up
n lan ip addr add 192.0.2.99/24 dev lan0
n lan ip link set lan0 up
host ip link add mvhost link up0 type macvlan mode bridge
host ip addr add 192.0.2.1/24 dev mvhost
host ip link set mvhost up
add_macvtap_vm mvm macvtap0 60 up0

"$VT" follow if:macvtap0 --show-path --json > $TMP/path
json_valid $TMP/path
expect "macvtap path" "$(jq -M -r '.path[] | "\(.role) \(.ifname) \(.kind)"' $TMP/path | tr '\n' ';')" \
	"port macvtap0 macvtap;lower up0 veth;"

# healthy: the host through its own macvlan, and a LAN host through up0
"$VT" probe if:macvtap0 --addr 192.0.2.60 --count 2 --interval 0.1 --json > $TMP/p1
json_valid $TMP/p1
expect "host to the macvtap VM" "$(verdicts $TMP/p1 | cut -d' ' -f2 | sort -u)" replied
expect "handed to the macvtap's reader" \
	"$(jq -M -r 'select(.type=="hop" and .point=="skb:consume" and .ifname=="macvtap0") | .echo.seq' $TMP/p1 | sort -u | tr '\n' ' ')" "1 2 "
"$VT" follow if:macvtap0 --addr 192.0.2.60 --count 2 --duration 10 --json > $TMP/f1 &
fpid=$!
wait_session
n lan ping -c 2 -i 0.3 -W 2 192.0.2.60 > /dev/null
wait $fpid
json_valid $TMP/f1
expect "LAN to the macvtap VM" "$(verdicts $TMP/f1 | cut -d' ' -f2 | sort -u)" replied
expect "in through the lower device" \
	"$(jq -M -r 'select(.type=="hop" and .echo.kind=="request" and .point=="dev:rx") | .ifname' $TMP/f1 | sort -u | tr '\n' ' ')" "up0 "

# 23. the host's address on the macvtap's lower device
c_23_break() { ip addr del 192.0.2.1/24 dev mvhost; ip addr add 192.0.2.1/24 dev up0; ip neigh flush all; }
c_23_fix() { ip addr del 192.0.2.1/24 dev up0; ip addr add 192.0.2.1/24 dev mvhost; ip neigh flush all; }
cause 23 'lost-on-host macvtap-host up0/ip:(output|postrouting)' "the host pings its macvtap VM from the lower device" \
	probe_got if:macvtap0 --addr 192.0.2.60
c_23_break
! "$VT" probe if:macvtap0 --addr 192.0.2.60 --count 1 --json > $TMP/c23 || false
c_23_fix
expect "23 explained" "$(jq -r 'select(.type=="verdict") | .explain' $TMP/c23 |
	grep -c "out of up0, the lower device of the VM's macvtap0.*macvlan of its own on up0")" 1

# 28. the host's macvlan and the VM's macvtap share up0 but not bridge mode:
# vepa sends the frame to the switch on up0 (no reflective relay here), and
# private never lets them meet
c_28a_break() { ip link set macvtap0 type macvtap mode vepa; ip neigh flush all; }
c_28a_fix() { ip link set macvtap0 type macvtap mode bridge; ip neigh flush all; }
cause 28a 'lost-on-host macvtap-mode up0/.*' "the VM's macvtap in vepa mode beside the host's macvlan" \
	probe_got if:macvtap0 --addr 192.0.2.60
c_28a_break
! "$VT" probe if:macvtap0 --addr 192.0.2.60 --count 1 --json > $TMP/c28 || false
c_28a_fix
expect "28a names the fix" "$(jq -r 'select(.type=="verdict") | .explain' $TMP/c28 |
	grep -c "beside the VM's macvtap0 (vepa mode) on up0.*ip link set macvtap0 type macvtap mode bridge")" 1
c_28b_break() { ip link set mvhost type macvlan mode private; ip neigh flush all; }
c_28b_fix() { ip link set mvhost type macvlan mode bridge; ip neigh flush all; }
cause 28b 'lost-on-host macvtap-mode up0/.*' "the host's own macvlan in private mode" \
	probe_got if:macvtap0 --addr 192.0.2.60

# passthru: the VM's macvtap takes the whole of up1, a LAN host behind it answers
host ip netns add lan2
host ip link add up1 type veth peer name lan1 netns lan2
host ip link set up1 up
n lan2 ip link set lo up
n lan2 ip addr add 192.0.2.98/24 dev lan1
n lan2 ip link set lan1 up
add_macvtap_vm mvp macvtap1 61 up1 passthru
"$VT" follow if:macvtap1 --show-path --json > $TMP/path1
expect "passthru path" "$(jq -M -r '.path[] | "\(.role) \(.ifname) \(.kind)"' $TMP/path1 | tr '\n' ';')" \
	"port macvtap1 macvtap;lower up1 veth;"
"$VT" follow if:macvtap1 --addr 192.0.2.61 --count 2 --duration 10 --json > $TMP/f2 &
fpid=$!
wait_session
n lan2 ping -c 2 -i 0.3 -W 2 192.0.2.61 > /dev/null
wait $fpid
json_valid $TMP/f2
expect "LAN to the passthru VM" "$(verdicts $TMP/f2 | cut -d' ' -f2 | sort -u)" replied

# a guest that ignores echoes behind a macvtap: handed over, never answered
n mvm sysctl -qw net.ipv4.icmp_echo_ignore_all=1
! "$VT" probe if:macvtap0 --addr 192.0.2.60 --count 1 --json > $TMP/p2 || false
expect "guest behind a macvtap" "$(verdicts $TMP/p2)" "1 lost-in-vm guest macvtap0/skb:consume"
n mvm sysctl -qw net.ipv4.icmp_echo_ignore_all=0

catalogue_done
