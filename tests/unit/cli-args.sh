#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The CLI's argument handling without a kernel, ethtool's test-cmdline way:
# a table of exit codes and arguments. A bad argument is one line on stderr
# and exit code 2; anything reaching the kernel here finds no module (3).
vt=${1:?path to vmtrace}
pass=0 fail=0
t() {	# t RC LINES ARGS...
	rc=$1 lines=$2
	shift 2
	"$vt" "$@" > /dev/null 2> /tmp/vmtrace-cli-args.$$
	got=$?
	n=$(wc -l < /tmp/vmtrace-cli-args.$$)
	if [ "$got" = "$rc" ] && { [ "$lines" = - ] || [ "$n" = "$lines" ]; }; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: vmtrace $*: exit $got (want $rc), $n stderr lines (want $lines)"
		cat /tmp/vmtrace-cli-args.$$
	fi
}
t 2 - 
t 0 0 --version
t 0 0 --help
t 2 1 frobnicate
# help: for every command, on stdout, exit 0; as "vmtrace help CMD" and "CMD --help"/"-h"
for cmd in follow probe status events replay; do
	t 0 0 help $cmd
	t 0 0 $cmd --help
	t 0 0 $cmd vm -h
	if ! "$vt" $cmd --help | head -n 1 | grep -q "^Usage: vmtrace $cmd "; then
		fail=$((fail + 1))
		echo "FAIL: vmtrace $cmd --help does not begin with its usage"
	fi
done
t 2 1 help frobnicate
t 2 1 help follow probe
t 0 0 help
if ! "$vt" help | grep -q 'libvirt:NAME|UUID.*pve:VMID'; then
	fail=$((fail + 1))
	echo "FAIL: vmtrace help does not name libvirt first among the VM forms"
fi
# the short options, one meaning each: -I an interface, -i an interval, -W a timeout, -t the time
# (taken, they get as far as resolving the VM)
for o in "-W 3" "-t" "--time" "--color" "--color=never" "--color=always" "--color=auto" "-c 2 -d 3 -4 -j"; do
	t 2 1 follow nosuchvm-zz9 $o
	grep -q "cannot resolve" /tmp/vmtrace-cli-args.$$ ||
		{ fail=$((fail + 1)); echo "FAIL: follow $o: $(cat /tmp/vmtrace-cli-args.$$)"; }
done
for o in "-i 0.5 -s 100 -I lo -W 1 -a 192.0.2.1 -t"; do
	t 2 1 probe nosuchvm-zz9 $o
	grep -q "cannot resolve" /tmp/vmtrace-cli-args.$$ ||
		{ fail=$((fail + 1)); echo "FAIL: probe $o: $(cat /tmp/vmtrace-cli-args.$$)"; }
done
t 2 1 follow vm --color=sometimes
t 2 1 events -I lo --color=sometimes
t 2 1 follow vm -I eth0
t 2 1 events -i lo
t 2 1 events -I lo --icmp-id x
t 2 1 events -I lo -e 70000
t 2 1 status --bogus
t 2 1 status extra
t 2 1 events
t 2 1 events --if
t 2 1 events --if nosuchif0
t 2 1 events --if lo --count 0
t 2 1 events --if lo --count -3
t 2 1 events --if lo --count 12abc
t 2 1 events --if lo --duration 0
t 2 1 events --if lo --duration x
t 2 1 events --if lo --addr 300.1.1.1
t 2 1 events --if lo --icmp-id 65536
t 2 1 events --if lo@no-such-netns
t 2 1 events --if lo --netns ../../etc
t 2 1 events --if lo stray
t 2 1 events --if ,,,
t 2 1 follow
t 2 1 follow a b
t 2 1 follow vm --count 0
t 2 1 follow vm --duration abc
t 2 1 follow vm --timeout -1
t 2 1 follow vm --interval 1
t 2 1 follow vm --from eth0
t 2 1 follow vm --addr nope
t 2 1 follow vm --bogus
t 2 1 follow nosuchvm-zz9
t 2 1 follow pve:abc
t 2 1 follow pid:12x
t 2 1 follow frob:thing
t 2 1 follow if:nosuchif0
t 2 1 follow netns:../x
t 2 1 probe
t 2 1 probe vm --duration 3
t 2 1 probe vm --interval 0.001
t 2 1 probe vm --size 70000
t 2 1 probe if:lo --count 1000001
t 2 1 probe if:lo --count 18446744073709551617
t 2 1 probe if:lo
# a name with control characters reaches the terminal escaped, on one line
esc=$(printf 'x\033[2Jy\nz')
t 2 1 follow "netns:$esc"
if grep -q "$(printf '\033')" /tmp/vmtrace-cli-args.$$ || ! grep -q 'x\\x1b\[2Jy\\x0az' /tmp/vmtrace-cli-args.$$; then
	fail=$((fail + 1))
	echo "FAIL: a control character in a name reached stderr unescaped:"
	cat -v /tmp/vmtrace-cli-args.$$
fi
# replay: the recordings test_record left beside the binary
rec=$(dirname "$vt")/rec
t 2 1 replay
t 2 1 replay "$rec/probe.vmtr" "$rec/good.vmtr"
t 2 1 replay --frob "$rec/probe.vmtr"
t 2 1 replay --color=sometimes "$rec/probe.vmtr"
t 2 1 replay /nonexistent/recording
t 2 1 replay "$rec/text.vmtr"
t 2 1 replay "$rec/major.vmtr"
t 2 1 replay "$rec/order.vmtr"
t 2 1 replay "$rec/cut-header.vmtr"
t 1 0 replay "$rec/probe.vmtr"	# a probe that lost an echo: 1, as it was
t 1 1 replay "$rec/cut.vmtr"	# what came before, then where it broke
t 1 1 replay "$rec/cause.vmtr"
t 1 1 replay "$rec/huge.vmtr"
t 1 1 replay "$rec/nolost.vmtr"	# cut between two records: said, not a clean run
t 1 1 replay "$rec/senderr.vmtr"
t 1 1 replay "$rec/nohop.vmtr"
t 2 1 follow vm --write /tmp/x.vmtr --show-path
t 2 1 follow vm --write
t 2 1 events -I lo -w
"$vt" replay "$rec/probe.vmtr" > /tmp/vmtrace-cli-args.$$.out
"$vt" replay - < "$rec/probe.vmtr" > /tmp/vmtrace-cli-args.$$.stdin
if ! grep -q '^  cause: vm-not-reading — the guest is not draining' /tmp/vmtrace-cli-args.$$.out ||
   ! grep -q '^  check: qm status 101$' /tmp/vmtrace-cli-args.$$.out ||
   ! grep -q '^2 echoes: 1 replied, 1 dropped (tap101i0/vm-not-reading 1)' /tmp/vmtrace-cli-args.$$.out ||
   ! cmp -s /tmp/vmtrace-cli-args.$$.out /tmp/vmtrace-cli-args.$$.stdin; then
	fail=$((fail + 1))
	echo "FAIL: replay does not print the recorded verdicts and causes (or not from stdin):"
	cat /tmp/vmtrace-cli-args.$$.out
fi
if ! "$vt" replay "$rec/nolost.vmtr" 2>&1 > /dev/null | grep -q 'without its last record: cut short$'; then
	fail=$((fail + 1))
	echo "FAIL: replay of a recording without its end does not say so"
fi
# a file that is not ours is not written to
ln -sf /dev/null /tmp/vmtrace-cli-args.$$.link
t 1 1 follow if:lo --write /tmp/vmtrace-cli-args.$$.link
rm -f /tmp/vmtrace-cli-args.$$.link
# the cut recording: the verdict it lost is decided on the kernel's word alone
if ! "$vt" replay "$rec/cut.vmtr" 2> /dev/null | grep -q "^  check: ip -s link show tap101i0"; then
	fail=$((fail + 1))
	echo "FAIL: replay of a cut recording does not decide what was left"
fi
"$vt" replay --json "$rec/probe.vmtr" > /tmp/vmtrace-cli-args.$$.json
if ! /usr/bin/python3 "$(dirname "$0")/../json/check.py" /tmp/vmtrace-cli-args.$$.json > /dev/null ||
   [ "$(grep -c '"type":"verdict"' /tmp/vmtrace-cli-args.$$.json)" != 2 ] ||
   ! grep -q '"time":"2026-12-02T16:20:01.400016Z"' /tmp/vmtrace-cli-args.$$.json; then
	fail=$((fail + 1))
	echo "FAIL: replay --json is not the recorded run's JSON:"
	cat /tmp/vmtrace-cli-args.$$.json
fi
# the kernel's words in a made-up recording reach no terminal as escapes
if "$vt" replay "$rec/escape.vmtr" | grep -q "$(printf '\033')"; then
	fail=$((fail + 1))
	echo "FAIL: an escape in a recording reached the terminal"
fi
rm -f /tmp/vmtrace-cli-args.$$.out /tmp/vmtrace-cli-args.$$.stdin /tmp/vmtrace-cli-args.$$.json
if [ ! -d /sys/module/vmtrace ]; then
	t 3 - status
	t 3 - events --if lo
	# the largest --count is taken (the probe's count is 64-bit, its seq wraps)
	[ "$(id -u)" = 0 ] && t 3 - probe if:lo --addr 127.0.0.1 --count 1000000
fi
rm -f /tmp/vmtrace-cli-args.$$
echo "cli-args: $pass passed, $fail failed"
[ "$fail" = 0 ]
