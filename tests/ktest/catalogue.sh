# SPDX-License-Identifier: GPL-2.0
# Sourced by the fault-catalogue cases (cases/8*-causes-*.sh) after lib.sh.
# Each entry breaks one thing on purpose, asks vmtrace, checks the answer,
# repairs it and asks again (it must then say "replied"). Every entry
# prints one VMTRACE-SCORE line; run.sh gathers them into the scoreboard.
#
#   cause ID WANT TITLE CHECK...
#	runs c_ID_break, then CHECK (a command printing one "status cause
#	ifname/point" line per echo), then c_ID_fix, then CHECK again.
#	WANT is an extended regex every line of the first answer must match.

failures=0

# What the kernel itself said about the drops of the last answer: reason and
# function, as "REASON@function", "none@function" where the kernel gives no
# reason (docs/kernels.md sets them side by side per kernel: a reason
# appears, a drop moves).
kernel_said() {	# JSON-FILE
	jq -M -r 'select(.type=="verdict" and .status=="dropped") | "\(if .reason == "" then "none" else .reason end)@\(.location|sub("\\+.*";""))"' "$1" |
		sort -u >> "$TMP/kernel-said"
}

# probe_got SPEC [PROBE-ARGS]: vmtrace probe, one line per verdict
probe_got() {
	local spec=$1 out
	shift
	out=$TMP/probe.$RANDOM
	"$VT" probe "$spec" --count 2 --interval 0.2 --json "$@" > "$out" || true
	json_valid "$out" > /dev/null
	kernel_said "$out"
	verdicts "$out" | cut -d' ' -f2- | sort -u
}

# follow_got SPEC NETNS PING-ARGS...: vmtrace follow while NETNS pings
follow_got() {
	local spec=$1 ns=$2 out fpid
	shift 2
	out=$TMP/follow.$RANDOM
	"$VT" follow "$spec" --count 2 --duration 10 --timeout 2 --json > "$out" &
	fpid=$!
	wait_session > /dev/null
	ip netns exec "$ns" ping -c 2 -i 0.3 -W 1 "$@" > /dev/null 2>&1 || true
	wait $fpid || true
	json_valid "$out" > /dev/null
	kernel_said "$out"
	verdicts "$out" | cut -d' ' -f2- | sort -u
}

cause() {
	local id=$1 want=$2 title=$3 got healed result=pass log said=-
	shift 3
	log=$TMP/cause-$id.log
	echo "--- cause $id: $title"
	if ! (set -e; "c_${id}_break") > "$log" 2>&1; then
		got="(could not break it: $(tail -n 1 "$log"))"
		result=fail
	else
		: > "$TMP/kernel-said"
		got=$("$@" 2>> "$log" | tr '\n' ';' | sed 's/;$//')
		said=$(sort -u "$TMP/kernel-said" | tr '\n' ';' | sed 's/;$//')
		[ -n "$said" ] || said=-
		echo "$got" | tr ';' '\n' | grep -Evx "$want" > /dev/null && result=fail
		[ -n "$got" ] || result=fail
	fi
	if ! (set -e; "c_${id}_fix") >> "$log" 2>&1; then
		got="$got (could not repair it: $(tail -n 1 "$log"))"
		result=fail
	fi
	healed=$("$@" 2>> "$log" | tr '\n' ';' | sed 's/;$//')
	if ! echo "$healed" | tr ';' '\n' | grep -Eqx 'replied - .*' ||
	   echo "$healed" | tr ';' '\n' | grep -Evx 'replied - .*' > /dev/null; then
		got="$got (after the fix: $healed)"
		result=fail
	fi
	if [ $result = fail ]; then
		failures=$((failures + 1))
		echo "FAIL: cause $id: want /$want/, got: $got"
		sed 's/^/    /' "$log"
	else
		echo "ok: cause $id: $got (the kernel: $said)"
	fi
	printf 'VMTRACE-SCORE %s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$title" "$want" "$got" "$result" "$said"
}

catalogue_done() {
	[ $failures -eq 0 ] || { echo "$failures catalogue entries failed"; exit 1; }
}
