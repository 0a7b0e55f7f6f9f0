#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Scan guest kernel logs for splats: exit 1 and print each report with its
# context if any file holds one, 0 if none does.
#
#   splat-scan.sh LOG...
#
# Report lines, not words: the debug kernel names lockdep, KASAN and
# kmemleak in its boot banners ("Lock dependency validator", "kmemleak:
# Kernel memory leak detector initialized"), which are no splat.
# tests/unit/splat-scan.sh checks this against canned logs.
re='WARNING:|BUG:|Oops|general protection|possible recursive locking|refcount_t:|UBSAN:|KASAN:|KFENCE:|Kernel panic|kmemleak: [0-9]+ new suspected|unreferenced object 0x|list_add corruption|list_del corruption|stack-protector|unregister_netdevice: waiting for'
found=0
for f in "$@"; do
	[ -r "$f" ] || continue
	if grep -Eaq "$re" "$f"; then
		found=1
		echo "splat in $f:"
		grep -Eah -A20 "$re" "$f" | head -60
	fi
done
exit $found
