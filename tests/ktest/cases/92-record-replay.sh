# Record and replay (docs/recording.md): follow, probe and events write what
# they saw with --write, and `vmtrace replay` prints, byte for byte, what the
# live run printed: JSON and text (-t, wall-clock times), replied echoes and
# a firewall drop whose cause was read from the host's ruleset then, which
# replay keeps after the rule is gone. Replay needs no module: it runs after
# the module is unloaded. Case 65 replays a follow across a VM restart
# under a ping flood the same way.
. "$VMTRACE_SRC/tests/ktest/lib.sh"
make_bridge
add_veth_vm vm vm0 10
add_tap_vm tvm tap0 20
host ping -c 1 -W 2 192.0.2.10 > /dev/null; host ping -c 1 -W 5 192.0.2.20 > /dev/null

same() {	# same NAME LIVE REPLAYED
	if cmp -s "$2" "$3"; then
		expect "$1" same same
	else
		diff "$2" "$3" | head -20
		expect "$1" differs same
	fi
}

# probe, JSON: healthy, both families
"$VT" probe netns:vm --count 3 --interval 0.1 --json --write $TMP/p1.vmtr > $TMP/p1.live
expect "probe verdicts" "$(verdicts $TMP/p1.live | tr '\n' ';')" \
	"1 replied - br0/skb:drop;2 replied - br0/skb:drop;3 replied - br0/skb:drop;"
"$VT" replay --json $TMP/p1.vmtr > $TMP/p1.replay
same "probe --json replayed" $TMP/p1.live $TMP/p1.replay
expect "recording mode 0600 (tenants' addresses)" "$(stat -c %a $TMP/p1.vmtr)" 600
"$VT" probe netns:vm -6 --count 2 --interval 0.1 -t --write $TMP/p6.vmtr > $TMP/p6.live
"$VT" replay -t $TMP/p6.vmtr > $TMP/p6.replay
same "probe -6 -t text replayed" $TMP/p6.live $TMP/p6.replay
expect "-t text has times" "$(grep -c -E '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} seq ' $TMP/p6.replay)" 2

# follow, text and JSON from one recording: a bridge firewall drops the
# tap VM's echoes to the veth VM; the cause names the rule's hook
host nft add table bridge t
host nft add chain bridge t f '{ type filter hook forward priority 0; }'
host nft add rule bridge t f meta l4proto icmp drop
"$VT" follow netns:vm --count 2 --duration 10 --json --write $TMP/f1.vmtr > $TMP/f1.live &
fpid=$!
wait_session
! n tvm ping -c 2 -i 0.3 -W 1 192.0.2.10 > /dev/null || false
wait $fpid
expect "live firewall verdicts" "$(verdicts $TMP/f1.live | tr '\n' ';')" \
	"1 dropped firewall tap0/bridge:forward;2 dropped firewall tap0/bridge:forward;"
host nft delete table bridge t
"$VT" replay --json $TMP/f1.vmtr > $TMP/f1.replay
same "follow --json replayed after the rule is gone" $TMP/f1.live $TMP/f1.replay
"$VT" follow netns:vm --count 1 --duration 10 --write $TMP/f2.vmtr > $TMP/f2.live &
fpid=$!
wait_session
n tvm ping -c 1 -W 2 192.0.2.10 > /dev/null
wait $fpid
"$VT" replay $TMP/f2.vmtr > $TMP/f2.replay
same "follow text replayed" $TMP/f2.live $TMP/f2.replay

# probe's exit code is the live one's: a paused tap VM loses its echoes
pause_vm tap0
host ip link set tap0 txqueuelen 2
set +e
"$VT" probe if:tap0 --count 3 --interval 0.1 --json --write $TMP/p3.vmtr > $TMP/p3.live; live_rc=$?
"$VT" replay --json $TMP/p3.vmtr > $TMP/p3.replay; replay_rc=$?
set -e
resume_vm tap0
host ip link set tap0 txqueuelen 1000
expect "paused probe rc, live and replayed" "$live_rc $replay_rc" "1 1"
same "paused probe replayed" $TMP/p3.live $TMP/p3.replay
expect "vm-not-reading recorded" "$(jq -M -r 'select(.type=="verdict") | .cause' $TMP/p3.replay | sort -u | tr '\n' ' ')" \
	"vm-not-reading "

# events: the raw stream, JSON; the counts line on stderr too
"$VT" events --json --if br0,vm0-host --write $TMP/e1.vmtr > $TMP/e1.live 2> $TMP/e1.live.err &
epid=$!
wait_session
host ping -c 2 -i 0.2 192.0.2.10 > /dev/null
interrupt $epid events
"$VT" replay --json $TMP/e1.vmtr > $TMP/e1.replay 2> $TMP/e1.replay.err
same "events --json replayed" $TMP/e1.live $TMP/e1.replay
same "events counts replayed" $TMP/e1.live.err $TMP/e1.replay.err
expect "events recorded" "$(( $(wc -l < $TMP/e1.replay) >= 8 ))" 1

# a recording is read anywhere: without the module
rmmod vmtrace
"$VT" replay --json $TMP/f1.vmtr > $TMP/f1.again
same "replayed without the module" $TMP/f1.live $TMP/f1.again
insmod "$VMTRACE_KO"
