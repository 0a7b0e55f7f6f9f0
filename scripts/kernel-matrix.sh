#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The kernel matrix: for each release, its root (scripts/kernel-root.sh),
# vmtrace built there with its compiler (scripts/kernel-build.sh), then lab
# cases booted on its kernel with its root as the guest's
# (tests/ktest/run.sh -r).
#
#   kernel-matrix.sh [-p] [-l CASES] [-L CASES] RELEASE...
#
# -l CASES  lab cases on every release but the last one named
# -L CASES  lab cases on the last release named (the newest kernel)
# -p        build the Debian packages and DKMS in each root too (cases 97
#           and 98 install them there)
#
# CASES is a list of case names, "all", "older" (all but the cases that need
# QEMU or libvirt inside the guest, 91, 95 and 96, and the benchmark's smoke
# test, 66: make bench runs on the newest kernel), or "none" (the default).
# The newest release's root gets QEMU and libvirt when it runs them.
#
# sid and experimental move on in the mirror: their roots are made from
# whatever it holds that day. A failure in their rows blocks only when the
# root's kernel is the one tests/ktest/kernels.tested records for them;
# otherwise it is reported as not blocking (a new kernel to look at, not a
# broken build). bullseye, bookworm and trixie always block.
#
# Summary in build/kernels/matrix.txt; exit status 0 unless a blocking row
# failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
out=$repo/build/kernels
roots=${VMTRACE_ROOTS:-/var/cache/vmtrace/roots}
packages=""
cases_older=none
cases_newest=none
while getopts "l:L:p" o; do
	case $o in
	l) cases_older=$OPTARG ;;
	L) cases_newest=$OPTARG ;;
	p) packages=-p ;;
	*) echo "usage: $0 [-p] [-l CASES] [-L CASES] RELEASE..." >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "usage: $0 [-p] [-l CASES] [-L CASES] RELEASE..." >&2; exit 2; }
mkdir -p "$out"
newest=$(eval echo "\${$#}")

expand() {	# CASES -> case names
	all=$(cd "$repo/tests/ktest/cases" && ls -1 -- *.sh | sed 's/\.sh$//')
	case $1 in
	none) ;;
	all) echo "$all" ;;
	older) echo "$all" | grep -v -e '^66-' -e '^91-' -e '^95-' -e '^96-' ;;
	*) echo "$1" ;;
	esac
}

# the kernel the root boots and builds against
root_kernel() {
	ls -1 "$roots/$1/boot" 2>/dev/null | sed -n 's/^vmlinuz-//p' | sort -V | tail -n 1
}

blocking() {	# RELEASE: does a failure in this row fail the run?
	case $1 in
	sid | experimental)
		tested=$(awk -v r="$1" '$1 == r { print $2 }' "$repo/tests/ktest/kernels.tested")
		[ -n "$tested" ] && [ "$tested" = "$(root_kernel "$1")" ] ;;
	*) return 0 ;;
	esac
}

root_full() {	# RELEASE: 1 if it runs cases that need QEMU, libvirt or bpftrace in its root
	if [ "$1" = "$newest" ] && expand "$cases_newest" | grep -q -e '^66-' -e '^9[156]-'; then
		echo 1
	else
		echo 0
	fi
}

make_root() {
	VMTRACE_ROOT_FULL=$(root_full "$1") "$here/kernel-root.sh" "$1" > "$out/$1.root" 2>&1 ||
		{ echo "kernel-matrix: $1: no root ($(tail -n 1 "$out/$1.root"))" >&2; return 1; }
}

# Make the roots first, all at once: debootstrap and apt wait on the mirror
# more than on the CPU. experimental starts from a copy of sid.
for r in "$@"; do
	case $r in
	experimental) echo " $* " | grep -q ' sid ' || make_root experimental & ;;
	sid) { make_root sid; echo " $* " | grep -q ' experimental ' && make_root experimental; } & ;;
	*) make_root "$r" & ;;
	esac
done
wait

rc=0
for r in "$@"; do
	build=FAILED lab="-" scores="-"
	if VMTRACE_ROOT_FULL=$(root_full "$r") "$here/kernel-build.sh" $packages "$r" > /dev/null 2>&1; then
		build=clean
	fi
	kver=$(root_kernel "$r")
	if [ "$r" = "$newest" ]; then cases=$(expand "$cases_newest"); else cases=$(expand "$cases_older"); fi
	if [ -n "$cases" ] && [ $build = clean ]; then
		# DKMS inside a TCG guest (case 98) takes 5 to 10 minutes on these kernels
		# shellcheck disable=SC2086
		VMTRACE_KTEST_TIMEOUT=${VMTRACE_KTEST_TIMEOUT:-1200} \
			"$repo/tests/ktest/run.sh" -r "$roots/$r" -o "$repo/build/ktest-$r" $cases > "$out/$r.lab" 2>&1
		lab=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 passed, \2 failed, \3 skipped/p' "$out/$r.lab")
		scores=$(sed -n 's/^\([0-9]*\/[0-9]* entries pass; [0-9]*\/[0-9]* causes named\)$/\1/p' "$out/$r.lab")
		[ -n "$scores" ] || scores="-"
		echo "---- $r ($kver): lab ----"
		grep -e '^PASS' -e '^FAIL' -e '^SKIP' -e '^ktest:' "$out/$r.lab"
	fi
	ok=1
	[ $build = clean ] || ok=0
	case $lab in *" 0 failed"* | -) ;; *) ok=0 ;; esac
	[ -n "$cases" ] && [ $build = clean ] && [ -z "$lab" ] && { lab="no result"; ok=0; }
	verdict=ok
	if [ $ok = 0 ]; then
		if blocking "$r"; then
			verdict=FAILED
			rc=1
		else
			verdict="failed, not blocking (kernel $kver is not the one tested)"
		fi
	fi
	[ -f "$out/$r.txt" ] && echo "---- $r: build ----" && cat "$out/$r.txt"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "${kver:-none}" "$build" "${lab:--}" "$scores" "$verdict" \
		"$(date -u '+%Y-%m-%d %H:%M')" > "$out/$r.row"
done

# every release's last row, this run's or an earlier one's
{
	echo
	echo "kernel matrix"
	printf '%-13s %-22s %-7s %-32s %-40s %-16s %s\n' release kernel build "lab cases" "catalogue" when verdict
	for r in bullseye bookworm trixie sid experimental; do
		[ -f "$out/$r.row" ] || continue
		awk -F'\t' '{ printf "%-13s %-22s %-7s %-32s %-40s %-16s %s\n", $1, $2, $3, $4, $5, $7, $6 }' "$out/$r.row"
	done
} > "$out/matrix.txt"
cat "$out/matrix.txt"
exit $rc
