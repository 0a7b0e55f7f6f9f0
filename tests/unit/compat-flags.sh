#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The VMTRACE_HAVE_* flags kmod/compat/probe.sh gives each kernel vmtrace is
# built for, against tests/unit/compat-flags.expected (also in
# docs/kernels.md). Kernels checked: this machine's newest headers, as its
# Debian release (skipped if the table does not know it), and the kernel of
# every root scripts/kernel-root.sh made.
cd "$(dirname "$0")/../.." || exit 1
roots=${VMTRACE_ROOTS:-/var/cache/vmtrace/roots}
table=tests/unit/compat-flags.expected
pass=0
fail=0

# check RELEASE ROOT: ROOT's newest /lib/modules/*/build against the table
check() {
	# shellcheck disable=SC2012
	b=$(ls -d "$2"/lib/modules/*/build 2>/dev/null | sort -V | tail -n 1)
	if [ -z "$b" ]; then
		echo "compat-flags: $1: no kernel headers in ${2:-/}"
		fail=$((fail + 1))
		return
	fi
	kver=${b%/build}
	kver=${kver##*/}
	# Debian's links are absolute: follow them inside the root
	obj=$(readlink "$b")
	case $obj in /*) obj=$2$obj ;; *) obj=$b ;; esac
	src=$(readlink "$2/lib/modules/$kver/source")
	case $src in /*) src=$2$src ;; "") src=$obj ;; *) src=$2/lib/modules/$kver/source ;; esac
	got=$(sh kmod/compat/probe.sh "$src" "$obj" | tr ' ' '\n' |
	      sed -n 's/^-DVMTRACE_HAVE_//p' | sort | tr '\n' ' ' | sed 's/ $//')
	row=$(awk -v r="$1" '$1 == r' "$table")
	if [ -z "$row" ] && [ -z "$2" ]; then
		echo "compat-flags: this machine's $1 ($kver) is not in $table, skipped; it gets: $got"
		return
	fi
	if [ -z "$row" ]; then
		echo "compat-flags: $1 ($kver): not in $table; it gets: $got"
		fail=$((fail + 1))
		return
	fi
	series=$(echo "$row" | awk '{ print $2 }')
	want=$(echo "$row" | awk '{ for (i = 3; i <= NF; i++) print $i }' | grep -v '^-$' |
	       sort | tr '\n' ' ' | sed 's/ $//')
	case $kver in
	"$series".* | "$series"-*) ;;
	*)	echo "compat-flags: $1: kernel $kver is not the table's $series series; it gets: $got"
		fail=$((fail + 1))
		return ;;
	esac
	if [ "$got" = "$want" ]; then
		pass=$((pass + 1))
	else
		echo "compat-flags: $1 ($kver): got '$got', expected '$want'"
		fail=$((fail + 1))
	fi
}

# shellcheck disable=SC1091
host=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
[ -n "$host" ] && check "$host" ""
for r in "$roots"/*/.vmtrace-timing; do
	[ -f "$r" ] || continue
	r=${r%/.vmtrace-timing}
	check "${r##*/}" "$r"
done
echo "compat-flags: $pass passed, $fail failed"
[ "$fail" = 0 ]
