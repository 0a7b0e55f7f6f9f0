#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The vmtrace lab: boot the installed Debian kernel in QEMU (TCG), share the
# host root read-only over 9p, load vmtrace.ko and run one test case per
# boot. Pass or fail is decided here on the host, from what the guest wrote
# to its second serial port, and every run's kernel log is scanned for
# splats.
#
#   run.sh [-j JOBS] [-k KERNELRELEASE] [-o OUTDIR] [-v] CASE...    (default: all cases)
#   run.sh -K IMAGE -M MODBASE -m MODULE.ko [...] CASE...
#   run.sh -r ROOT [...] CASE...
#
# -K/-M boot a kernel that is not installed on the host (the debug kernel):
# its image, and the directory holding its lib/modules/KVER, which the guest
# sees as /lib/modules; -m names the vmtrace.ko built for it (a path under
# the repo).
#
# -r boots another Debian release (scripts/kernel-root.sh): the newest kernel
# installed in ROOT, with ROOT as the guest's root instead of the host's,
# and as the vmtrace tree the copy scripts/kernel-build.sh built there
# (ROOT/usr/src/vmtrace: module, CLI and helpers from that release's
# compiler and libraries).
#
# JOBS boots run at once (default VMTRACE_KTEST_JOBS, else one per host CPU:
# each guest is one host thread); each case's report is printed when it ends.
#
# Exit status: 0 all passed (skips allowed only with a reason), 1 otherwise.
#
# The environment may change the machine (make bench does): VMTRACE_KTEST_SMP
# (vCPUs, 2), VMTRACE_KTEST_CPU (QEMU -cpu, max), VMTRACE_KTEST_ICOUNT (QEMU
# -icount options: guest time from the instruction count), VMTRACE_KTEST_TCG_THREADS
# (single or multi) and VMTRACE_KTEST_TIMEOUT (seconds per boot, 600).
# VMTRACE_KTEST_BOOT_TIMEOUT (seconds, 0: none) bounds the time to reach init;
# a boot that exceeds it is retried, VMTRACE_KTEST_BOOT_TRIES (1) boots in all.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
kver=""
image=""
modbase=""
module=vmtrace.ko
rootfs=/
tree=$repo
out="$repo/build/ktest"
verbose=0
jobs=${VMTRACE_KTEST_JOBS:-$(nproc)}
timeout_s=${VMTRACE_KTEST_TIMEOUT:-600}
# The benchmark wants one host thread per vCPU (see run_case); tests run single.
tcg_threads=${VMTRACE_KTEST_TCG_THREADS:-single}
# more kernel command line (the debug kernel's)
boot_args=${VMTRACE_KTEST_APPEND:-}
boot_timeout_s=${VMTRACE_KTEST_BOOT_TIMEOUT:-0}
boot_tries=${VMTRACE_KTEST_BOOT_TRIES:-1}

while getopts "j:k:K:M:m:o:r:v" o; do
	case $o in
	j) jobs=$OPTARG ;;
	k) kver=$OPTARG ;;
	K) image=$OPTARG ;;
	M) modbase=$OPTARG ;;
	m) module=$OPTARG ;;
	o) out=$OPTARG ;;
	r) rootfs=${OPTARG%/} tree=${OPTARG%/}/usr/src/vmtrace ;;
	v) verbose=1 ;;
	*) echo "usage: $0 [-j JOBS] [-k KVER | -K IMAGE -M MODBASE -m MODULE.ko | -r ROOT] [-o OUTDIR] [-v] [CASE...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))

if [ -n "$image" ]; then
	kver=$(ls -1 "$modbase/lib/modules" 2>/dev/null | head -n 1)
	kernel=$image
	moddir=$modbase/lib/modules/$kver
else
	boot=${rootfs%/}/boot
	if [ -z "$kver" ]; then
		kver=$(ls -1 "$boot"/vmlinuz-* 2>/dev/null | sed "s|^$boot/vmlinuz-||" | sort -V | tail -n 1)
	fi
	kernel=$boot/vmlinuz-$kver
	moddir=${rootfs%/}/lib/modules/$kver
fi
if [ ! -r "$kernel" ] || [ -z "$kver" ] || [ ! -d "$moddir" ]; then
	echo "ktest: no bootable kernel ${kver:-in $modbase} (install linux-image-amd64)" >&2
	exit 1
fi
if [ ! -f "$tree/$module" ]; then
	echo "ktest: $tree/$module is not built (run make, or scripts/kernel-build.sh for a root)" >&2
	exit 1
fi

mkdir -p "$out"
initrd="$out/initramfs-$kver.cpio.gz"


build_initramfs() {
	local root="$out/initramfs-root" m
	rm -rf "$root"
	mkdir -p "$root"/{bin,sbin,dev,proc,sys,mnt,lib/modules}
	cp /bin/busybox "$root/bin/busybox"
	local from=${modbase:-$rootfs} ko
	# built in (the debug kernel), they print no insmod line
	for m in $(modprobe -d "$from" -S "$kver" --show-depends -a virtio_pci 9pnet_virtio 9p 2>/dev/null |
		   awk '$1 == "insmod" { print $2 }' | awk '!seen[$0]++'); do
		ko=$(basename "$m")
		# 6.12 on ships modules compressed; busybox insmod wants them plain
		case $ko in
		*.ko.xz) ko=${ko%.xz}; xz -dc "$m" > "$root/lib/modules/$ko" ;;
		*.ko.zst) ko=${ko%.zst}; zstd -qdc "$m" > "$root/lib/modules/$ko" ;;
		*) cp "$m" "$root/lib/modules/" ;;
		esac
		echo "$ko" >> "$root/lib/modules/order"
	done
	cp "$here/init" "$root/init"
	chmod +x "$root/init"
	# The kernel's module autoloader runs /sbin/modprobe in this root, not
	# in the chroot where the tests live: send it there.
	printf '#!/bin/busybox sh\nexec /bin/busybox chroot /mnt /sbin/modprobe "$@"\n' > "$root/sbin/modprobe"
	chmod +x "$root/sbin/modprobe"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$initrd.tmp"
	mv "$initrd.tmp" "$initrd"
}

if [ ! -f "$initrd" ] || [ "$here/init" -nt "$initrd" ] || [ "$0" -nt "$initrd" ]; then
	build_initramfs
fi

if [ $# -eq 0 ]; then
	set -- $(cd "$here/cases" && ls -1 *.sh | sed 's/\.sh$//')
fi

case $jobs in
''|*[!0-9]*|0) echo "ktest: -j wants a positive number, not '$jobs'" >&2; exit 2 ;;
esac
passed=0 failed=0 skipped=0
failed_names=""
scores=$out/scoreboard.in

# The fault catalogue's entries from this run, one table, and the count of
# causes vmtrace named (a cause is named when every entry for it passed).
print_scoreboard() {
	[ -s "$scores" ] || return 0
	echo
	echo "fault catalogue scoreboard"
	printf '%-4s %-10s %-56s %-44s %s\n' "" cause "what was broken" "expected (status cause hop)" got
	awk -F'\t' '
		{ printf "%-4s %-10s %-56.56s %-44.44s %s\n", $6 == "pass" ? "PASS" : "FAIL", $2, $3, $4, $5
		  n++; if ($6 == "pass") p++
		  c = $2; sub(/[a-z].*$/, "", c); seen[c] = 1; if ($6 != "pass") bad[c] = 1 }
		END { for (c in seen) { nc++; if (!(c in bad)) pc++ }
		      printf "%d/%d entries pass; %d/%d causes named\n", p, n, pc, nc }' "$scores"
}

# One boot of the lab guest for case $1, its serial ports to $2 and $3.
boot() {
	# Single-threaded TCG: with one host thread per vCPU (MTTCG), a run once
	# hung with both vCPUs spinning on a tracepoint's static branch that an
	# unload had just re-patched (the NOP already back in memory). The two
	# vCPUs still interleave, so per-CPU code still meets concurrency.
	# make bench runs multi-threaded: with one host thread, a busy CLI on
	# one vCPU would take its time from the forwarding on the other.
	timeout --foreground -k 10 "$timeout_s" qemu-system-x86_64 \
		-accel "tcg,thread=$tcg_threads" ${VMTRACE_KTEST_ICOUNT:+-icount "$VMTRACE_KTEST_ICOUNT"} -cpu "${VMTRACE_KTEST_CPU:-max}" -m 2G -smp "${VMTRACE_KTEST_SMP:-2}" -nodefaults -no-reboot -display none \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 loglevel=5 panic=-1 oops=panic panic_on_warn=1 softlockup_panic=1 $boot_args vmtest=$(case_file "$1") vmrepo=/run/vmtrace vmko=$module${modbase:+ vmmods=1}" \
		-fsdev local,id=root,path="$rootfs",security_model=none,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=root,mount_tag=hostroot \
		-fsdev local,id=repo,path="$tree",security_model=none,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=repo,mount_tag=vmrepo \
		${modbase:+-fsdev local,id=mods,path="$moddir",security_model=none,readonly=on,multidevs=remap} \
		${modbase:+-device virtio-9p-pci,fsdev=mods,mount_tag=vmmods} \
		-serial file:"$2" -serial file:"$3" </dev/null &
	local qemu=$! waited=0
	# The guest writes its first line once init runs the case. A boot that
	# has not got there within boot_timeout_s is stuck (the debug kernel's
	# early boot under TCG sometimes is): stop it, for the caller to retry.
	if [ "$boot_timeout_s" -gt 0 ]; then
		while kill -0 "$qemu" 2>/dev/null && [ ! -s "$3" ]; do
			if [ "$waited" -ge "$boot_timeout_s" ]; then
				kill "$qemu" 2>/dev/null
				wait "$qemu"
				return 125
			fi
			sleep 2
			waited=$((waited + 2))
		done
		# dead before init (the debug kernel's early boot under TCG once
		# took an interrupt before its descriptors were set up, a KASAN
		# report and panic in handle_edge_irq): vmtrace was not loaded
		# yet, a boot to retry as well
		if [ ! -s "$3" ]; then
			wait "$qemu"
			return 125
		fi
	fi
	wait "$qemu"
}

run_case() {
	local name=$1 console="$out/$1.console" result="$out/$1.result" status t0=$SECONDS took try=1
	rm -f "$console" "$result" "$console".stuck-*
	while boot "$name" "$console" "$result"; [ $? = 125 ]; do
		echo "ktest: $name: boot $try of $boot_tries reached no init (stuck $boot_timeout_s s, or died before)" >&2
		[ "$try" -lt "$boot_tries" ] || break
		mv "$console" "$console.stuck-$try"
		rm -f "$result"
		try=$((try + 1))
	done
	took="$((SECONDS - t0)) s"
	status=$(sed -n 's/^VMTRACE-RESULT \([A-Z]*\).*/\1/p' "$result" 2>/dev/null | tail -n 1)
	# the serial port ends lines with \r\n
	tr -d '\r' < "$result" 2>/dev/null | grep -a '^VMTRACE-SCORE ' | sed "s/^VMTRACE-SCORE /$name\t/" > "$result.scores"
	# name id title want got result kernel-said
	if awk -F'\t' '$6 == "fail" { bad = 1 } END { exit !bad }' "$result.scores"; then
		status=FAIL
	fi
	if ! "$here/splat-scan.sh" "$console" "$result" >&2; then
		echo "ktest: $name: kernel log shows a splat" >&2
		status=FAIL
	fi
	case $status in
	PASS|SKIP) echo "$status" > "$out/$name.status" ;;
	*) echo FAIL > "$out/$name.status" ;;
	esac
	case $status in
	PASS)
		echo "PASS $name ($took)" ;;
	SKIP)
		echo "SKIP $name ($took): $(sed -n 's/^VMTRACE-RESULT SKIP //p' "$result" | tail -n 1)" ;;
	*)
		echo "FAIL $name ($took)${status:+ ($status)}${status:- (no result: guest crashed or timed out)}"
		[ $verbose = 1 ] || { echo "---- $name: last output ----"; tail -n 60 "$result" "$console" 2>/dev/null; echo "----"; } ;;
	esac
	if [ $verbose = 1 ]; then
		sed -n '/^VMTRACE-OUTPUT-BEGIN/,/^VMTRACE-OUTPUT-END/p' "$result" | sed '1d;$d'
	fi
}

case_file() {	# lab cases live in cases/; scenarios like the demo beside this script
	if [ -f "$here/cases/$1.sh" ]; then echo "cases/$1.sh"; elif [ -f "$here/$1.sh" ]; then echo "$1.sh"; fi
}

for c in "$@"; do
	rm -f "$out/$c.status"
	if [ -z "$(case_file "$c")" ]; then
		echo "ktest: no such case: $c" >&2
		continue
	fi
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
	# a report goes out whole, never interleaved with another's
	{ run_case "$c" > "$out/$c.report" 2>&1; flock "$out/.print" cat "$out/$c.report"; } &
done
wait

: > "$scores"
for c in "$@"; do
	case $(cat "$out/$c.status" 2>/dev/null) in
	PASS) passed=$((passed + 1)) ;;
	SKIP) skipped=$((skipped + 1)) ;;
	*) failed=$((failed + 1)); failed_names="$failed_names $c" ;;
	esac
	cat "$out/$c.result.scores" >> "$scores" 2>/dev/null
done
print_scoreboard
echo "ktest:${failed_names:+ failed:$failed_names}"
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
