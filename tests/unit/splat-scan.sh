#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The lab's splat scanner against canned kernel logs: every report is
# flagged, a clean debug-kernel boot (banners naming lockdep, KASAN,
# kmemleak) is not.
set -u
here=$(cd "$(dirname "$0")" && pwd)
scan=$here/../ktest/splat-scan.sh
pass=0 fail=0
check() {	# check WANT_RC LOG
	"$scan" "$here/splats/$2" > /dev/null; rc=$?
	if [ "$rc" = "$1" ]; then pass=$((pass + 1)); else
		echo "FAIL: splat-scan $2: exit $rc, want $1"; fail=$((fail + 1)); fi
}
check 0 clean-debug-boot.log
for log in kasan.log lockdep.log kmemleak.log kmemleak-report.log netdev-wait.log gpf.log; do
	check 1 "$log"
done
echo "splat-scan: $pass passed, $fail failed"
[ "$fail" = 0 ]
