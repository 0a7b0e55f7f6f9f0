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
for cmd in follow probe status events; do
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
if [ ! -d /sys/module/vmtrace ]; then
	t 3 - status
	t 3 - events --if lo
	# the largest --count is taken (the probe's count is 64-bit, its seq wraps)
	[ "$(id -u)" = 0 ] && t 3 - probe if:lo --addr 127.0.0.1 --count 1000000
fi
rm -f /tmp/vmtrace-cli-args.$$
echo "cli-args: $pass passed, $fail failed"
[ "$fail" = 0 ]
