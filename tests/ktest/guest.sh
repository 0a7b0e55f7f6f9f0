#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the lab guest (chroot on the host root): prepare the kernel,
# load vmtrace.ko, run one case, then print the verdict and the kernel log
# for the host to judge.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export VMTRACE_SRC=${vmrepo:-/run/vmtrace}
export VMTRACE=$VMTRACE_SRC/build/vmtrace
case_name=$1
cd /tmp

echo "VMTRACE-OUTPUT-BEGIN"
modprobe -a bridge veth tun 8021q vhost_net nf_tables >/dev/null 2>&1
rc=0
export VMTRACE_KO=$VMTRACE_SRC/${vmko:-vmtrace.ko}
kmemleak=/sys/kernel/debug/kmemleak
# what leaked before vmtrace came is not vmtrace's
[ -w $kmemleak ] && echo clear > $kmemleak
if ! insmod "$VMTRACE_KO"; then
	echo "cannot load vmtrace.ko"
	rc=1
else
	bash -e "$VMTRACE_SRC/tests/ktest/$case_name"
	rc=$?
	# the debug kernel: what vmtrace leaked shows once it is gone
	if [ -w $kmemleak ]; then
		rmmod vmtrace 2>/dev/null
		echo scan > $kmemleak; sleep 1; echo scan > $kmemleak
		cat $kmemleak
	fi
fi
echo "VMTRACE-OUTPUT-END"
echo "VMTRACE-DMESG-BEGIN"
dmesg --color=never
echo "VMTRACE-DMESG-END"
# 77: the case said why it cannot run here, on its last line of output
if [ $rc -eq 0 ]; then
	echo "VMTRACE-RESULT PASS"
elif [ $rc -eq 77 ]; then
	echo "VMTRACE-RESULT SKIP $(cat /tmp/skip-reason 2>/dev/null)"
else
	echo "VMTRACE-RESULT FAIL exit $rc"
fi
