# The kernel's own forwarding selftests (tools/testing/selftests/net/
# forwarding, from Debian's linux-source-6.1, extracted by make selftests
# into build/selftests), a workload nobody here wrote: each test runs twice
# on the same veth pairs, without vmtrace and with a session watching every
# one of them and a follow on the first host's port. Both runs must report
# the same TEST lines; the kernel log must stay clean (the host's splat
# scan); a test that cannot run here says why (SKIP) and is reported, not
# hidden.
#   VMTRACE-SELFTEST NAME RC_WITHOUT RC_WITH SAME|DIFF OK_COUNT FAIL_COUNT
. "$VMTRACE_SRC/tests/ktest/lib.sh"
st=$VMTRACE_SRC/build/selftests/forwarding
[ -r "$VMTRACE_SRC/build/selftests/env" ] && . "$VMTRACE_SRC/build/selftests/env"
[ -r "$st/lib.sh" ] || { echo "no selftests in $st (run make selftests)"; exit 1; }
host ip link set lo up
modprobe -a vrf 8021q bridge veth sch_ingress cls_flower act_gact act_mirred > /dev/null 2>&1 || true
# lib.sh creates the pairs p1-p2, p3-p4... only if they are missing: make
# them first so that the session can name them
for i in 0 2 4 6; do host ip link add veth$i type veth peer name veth$((i + 1)); done
ifs=veth0,veth1,veth2,veth3,veth4,veth5,veth6,veth7
diffs=0
run_one() {	# run_one TEST OUTFILE
	(cd "$st" && timeout 600 bash "./$1.sh") > "$2" 2>&1
}
for t in ${SELFTESTS:-bridge_vlan_aware bridge_vlan_unaware bridge_port_isolation bridge_sticky_fdb bridge_locked_port no_forwarding router router_vid_1 router_broadcast router_bridge router_bridge_vlan}; do
	set +e
	run_one "$t" $TMP/$t.without; rc0=$?
	trace $TMP/$t.ev --if $ifs
	"$VT" follow if:veth0 --json > $TMP/$t.follow 2>&1 &
	follow=$!
	run_one "$t" $TMP/$t.with; rc1=$?
	kill -INT $follow; wait $follow
	kill -INT "$trace_pid"; wait "$trace_pid"
	set -e
	grep -a '^TEST:' $TMP/$t.without | sed 's/ *\[/ [/' > $TMP/$t.a || true
	grep -a '^TEST:' $TMP/$t.with | sed 's/ *\[/ [/' > $TMP/$t.b || true
	same=SAME
	if ! cmp -s $TMP/$t.a $TMP/$t.b || [ $rc0 != $rc1 ]; then
		same=DIFF
		diffs=$((diffs + 1))
		diff $TMP/$t.a $TMP/$t.b || true
	fi
	echo "VMTRACE-SELFTEST $t $rc0 $rc1 $same $(grep -c '\[ OK \]' $TMP/$t.b || true) $(grep -c '\[FAIL\]' $TMP/$t.b || true) events=$(wc -l < $TMP/$t.ev) dropped_verdicts=$(grep -c '"status":"dropped"' $TMP/$t.follow || true)"
	[ $rc0 = 0 ] || { echo "---- $t without vmtrace ----"; tail -20 $TMP/$t.without; }
done
expect "selftests with the same results with and without a session" $diffs 0
