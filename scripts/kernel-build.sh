#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build the module and the CLI inside a release's root (scripts/kernel-root.sh)
# against that root's newest kernel headers with that root's compiler. The
# kernel's own flags plus -Werror: any compiler warning fails the build, and
# so does any other warning in the log (modpost's included).
#
#   kernel-build.sh [-p] RELEASE
#
# The tree is copied to ROOT/usr/src/vmtrace and built there: the module, the
# CLI and the lab's helpers, which is what tests/ktest/run.sh -r ROOT boots
# with. -p also builds the Debian packages and the DKMS module there (lab
# cases 97 and 98 install them in the booted root).
#
# Writes build/kernels/RELEASE.txt (summary) and build/kernels/RELEASE.log
# (everything; the packages' build in RELEASE-packages.log). Exit status 0
# only if every build is clean.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
packages=0
if [ "${1:-}" = -p ]; then
	packages=1
	shift
fi
release=${1:?usage: kernel-build.sh [-p] RELEASE}
out=$repo/build/kernels
jobs=${VMTRACE_JOBS:-2}
mkdir -p "$out"
txt=$out/$release.txt
log=$out/$release.log

t0=$(date +%s)
root=$("$here/kernel-root.sh" "$release") || exit 1
t1=$(date +%s)
inroot() { "$here/kernel-root.sh" "$release" run "$@"; }

# a fresh copy of the tree, without anything built on this machine
src=/usr/src/vmtrace
rm -rf "$root$src"
mkdir -p "$root$src"
(cd "$repo" && tar -cf - --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' --exclude='*.mod*' \
	--exclude='*.order' --exclude='*.symvers' Makefile Kbuild dkms.conf README.md kmod include userspace \
	tests man completion docs debian) |
	tar -xf - -C "$root$src"

kdir=$(inroot sh -c 'ls -d /lib/modules/*/build | sort -V | tail -n 1')
kver=${kdir#/lib/modules/}
kver=${kver%/build}
ksrc=/lib/modules/$kver/source
cc_text=$(inroot sed -n 's/^CONFIG_CC_VERSION_TEXT="\(.*\)"/\1/p' "$kdir/.config")
gcc_ver=$(inroot gcc --version | head -n 1)
flags=$(inroot sh "$src/kmod/compat/probe.sh" "$ksrc" "$kdir" | tr ' ' '\n' |
	sed -n 's/^-DVMTRACE_HAVE_//p' | sort | tr '\n' ' ')

: > "$log"
inroot nice -n 10 make -C "$src" -j"$jobs" KDIR="$kdir" KCFLAGS=-Werror module >> "$log" 2>&1
mod_rc=$?
t2=$(date +%s)
inroot nice -n 10 make -C "$src" -j"$jobs" cli lab-helpers >> "$log" 2>&1
cli_rc=$?
t3=$(date +%s)
pkg_rc=0
if [ $packages = 1 ]; then
	inroot nice -n 10 make -C "$src" KERNELRELEASE="$kver" dkms-check deb > "$out/$release-packages.log" 2>&1
	pkg_rc=$?
fi
t4=$(date +%s)
warnings=$(grep -ci 'warning' "$log")
errors=$(grep -c "error:" "$log")

status=clean
[ "$mod_rc" = 0 ] && [ "$cli_rc" = 0 ] && [ "$pkg_rc" = 0 ] && [ "$warnings" = 0 ] || status=FAILED
{
	echo "release:  $release"
	echo "kernel:   $kver"
	echo "kcc:      $cc_text"
	echo "gcc:      $gcc_ver"
	echo "flags:    $flags"
	echo "module:   $([ "$mod_rc" = 0 ] && echo built || echo "failed ($mod_rc)") in $((t2 - t1))s"
	echo "cli:      $([ "$cli_rc" = 0 ] && echo built || echo "failed ($cli_rc)") in $((t3 - t2))s (with the lab's helpers)"
	[ $packages = 1 ] &&
		echo "packages: $([ "$pkg_rc" = 0 ] && echo "built: .debs and DKMS for $kver" || echo "failed ($pkg_rc), see $release-packages.log") in $((t4 - t3))s"
	echo "warnings: $warnings, errors: $errors"
	echo "root:     $root ($(cat "$root/.vmtrace-timing" 2>/dev/null); ready in $((t1 - t0))s this run)"
	echo "result:   $status"
	if [ "$status" != clean ]; then
		echo
		grep -i -e 'warning' -e 'error:' "$log" | head -n 60
		[ "$pkg_rc" = 0 ] || tail -n 20 "$out/$release-packages.log"
	fi
} > "$txt"
cat "$txt"
[ "$status" = clean ]
