#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The .debs as Debian would check them: lintian --pedantic with nothing to
# say, the CLI built with dpkg-buildflags' hardening (fortified calls, full
# RELRO with immediate binding, PIE), and the documents vmtrace(8) names
# present at those paths.
set -u
debs=${1:?directory of the .debs}
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cli=$(ls "$debs"/vmtrace_*_*.deb | grep -v dbgsym)
dkms=$(ls "$debs"/vmtrace-dkms_*_all.deb)
# (its own complaint about running as root goes to stderr, kept apart)
out=$(lintian --pedantic --info --display-experimental --fail-on error,warning,info,pedantic \
	"$cli" "$dkms" 2> "$tmp/lintian.err") && [ -z "$out" ] && ok ||
	ko "lintian says: $out $(grep -v 'root privileges' "$tmp/lintian.err")"

dpkg-deb -x "$cli" "$tmp/root"
bin=$tmp/root/usr/sbin/vmtrace
readelf -d "$bin" | grep -q 'FLAGS.*BIND_NOW' && ok || ko "not linked with -z now"
readelf -l "$bin" | grep -q GNU_RELRO && ok || ko "no RELRO"
readelf -h "$bin" | grep -q 'DYN (Position-Independent' && ok || ko "not PIE"
nm -D "$bin" | grep -q '__[a-z]*_chk' && ok || ko "no fortified calls (_FORTIFY_SOURCE not applied)"

for doc in $(man -l "$tmp/root/usr/share/man/man8/vmtrace.8.gz" 2>/dev/null | grep -o '/usr/share/doc/vmtrace/[a-z.]*' |
	     sed 's/\.$//' | sort -u); do
	[ -f "$tmp/root$doc" ] && ok || ko "vmtrace(8) names $doc, which the package lacks"
done
[ -f "$tmp/root/usr/share/bash-completion/completions/vmtrace" ] && ok || ko "no bash completion"
dpkg-deb -c "$dkms" | grep './usr/src/vmtrace-.*/dkms.conf' > /dev/null && ok || ko "vmtrace-dkms lacks dkms.conf"

echo "deb-check: $pass passed, $fail failed"
[ "$fail" = 0 ]
