#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A Debian root per release, to build vmtrace against that release's kernel
# headers with that release's own compiler (the kernel's config records the
# compiler it was built with).
#
#   kernel-root.sh RELEASE                 create the root (or reuse it), print its path
#   kernel-root.sh RELEASE run CMD [ARG]... run CMD inside the root
#   kernel-root.sh RELEASE update          upgrade the root (a newer kernel, if any)
#
# RELEASE is a Debian suite (bullseye, bookworm, trixie, sid) or experimental
# (a sid root whose kernel comes from experimental). Roots live in
# $VMTRACE_ROOTS (/var/cache/vmtrace/roots) and are kept: delete one to
# rebuild it. The mirror is the one this machine's apt sources name, unless
# $VMTRACE_MIRROR says otherwise. /proc, /sys and /dev are bound into the
# root only while a command runs there. Needs root.
set -eu

release=${1:?usage: kernel-root.sh RELEASE [run CMD...|update]}
shift
roots=${VMTRACE_ROOTS:-/var/cache/vmtrace/roots}
root=$roots/$release
log=$roots/$release.log

# build tools, then what the lab would need to boot the root as a guest
base_pkgs="gcc,make,libc6-dev,bc,bison,flex,libelf-dev,kmod,xz-utils,pkg-config,libnl-genl-3-dev,libmnl-dev"
kernel_pkgs="linux-headers-amd64 linux-image-amd64"
lab_pkgs="iproute2 nftables iptables iputils-ping tcpdump jq python3-jsonschema procps busybox-static"
# the CLI's build (libvirt: headers only)
cli_pkgs="libvirt-dev"
# the packages' build and DKMS (dh-dkms is part of dkms before bookworm)
pkg_pkgs="dkms debhelper dpkg-dev build-essential openssl"
# VMTRACE_ROOT_FULL=1: the whole lab suite (nested QEMU, libvirt) and the
# benchmark (bpftrace, dropwatch) in this root
full_pkgs="qemu-system-x86 libvirt-daemon-system libvirt-clients cpio bpftrace dropwatch gnuplot-nox"

if [ "$(id -u)" != 0 ]; then
	echo "kernel-root: needs root (debootstrap, chroot, bind mounts)" >&2
	exit 1
fi

case $release in
experimental) suite=sid ;;
bullseye | bookworm | trixie | sid) suite=$release ;;
*) echo "kernel-root: unknown release $release" >&2; exit 2 ;;
esac

mirror() {
	[ -n "${VMTRACE_MIRROR:-}" ] && { echo "$VMTRACE_MIRROR"; return; }
	# the first Debian archive (not -security) in the machine's sources
	m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		/etc/apt/sources.list.d/*.sources 2>/dev/null |
	    sed -n -e 's|^deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]\{1,\}\)\{0,1\}\(https\{0,1\}://[^[:space:]]*\).*|\2|p' \
		-e 's|^URIs:[[:space:]]*\(https\{0,1\}://[^[:space:]]*\).*|\1|p' |
	    grep -v -e security -e '://[^/]*/[^d]' | grep '/debian/\{0,1\}$' | head -n 1)
	m=${m%/}
	echo "${m:-http://deb.debian.org/debian}"
}

# debootstrap from the machine, else the Debian package unpacked in the cache
debootstrap_cmd() {
	if command -v debootstrap >/dev/null 2>&1; then
		echo debootstrap
		return
	fi
	tools=${roots%/*}/tools
	if [ ! -x "$tools/debootstrap/usr/sbin/debootstrap" ]; then
		mkdir -p "$tools"
		(cd "$tools" && apt-get download debootstrap >&2 &&
		 dpkg-deb -x debootstrap_*.deb debootstrap && rm -f debootstrap_*.deb)
	fi
	echo "env DEBOOTSTRAP_DIR=$tools/debootstrap/usr/share/debootstrap $tools/debootstrap/usr/sbin/debootstrap"
}

mounted=""
umount_all() {
	for m in $mounted; do
		umount -l "$m" 2>/dev/null || true
	done
	mounted=""
}
trap umount_all EXIT
trap 'umount_all; exit 130' INT TERM HUP

bind() {
	for d in proc sys dev; do
		mountpoint -q "$root/$d" && continue
		mount --bind "/$d" "$root/$d"
		mounted="$root/$d $mounted"
	done
}

# bind first, in this shell: a pipeline's subshell would not record the mounts
in_root() {
	chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive "$@"
}

now() { date +%s; }

# remove a root that no command runs in any more (never through a bind mount)
remove() {
	for d in proc sys dev; do
		mountpoint -q "$1/$d" 2>/dev/null && umount -l "$1/$d"
		if mountpoint -q "$1/$d" 2>/dev/null; then
			echo "kernel-root: $1/$d still mounted; not removing $1" >&2
			exit 1
		fi
	done
	rm -rf "$1"
}

# install whatever the lists name and the root lacks (the lists may grow)
ensure() {
	bind
	missing=""
	want="$kernel_pkgs $lab_pkgs $cli_pkgs $pkg_pkgs"
	[ "$release" = bullseye ] || want="$want dh-dkms"
	[ "${VMTRACE_ROOT_FULL:-0}" = 1 ] && want="$want $full_pkgs"
	for p in $want; do
		# shellcheck disable=SC2016
		in_root dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "kernel-root: $release: installing$missing" >>"$log"
	# no service starts in the root (libvirt's, for one)
	[ -e "$root/usr/sbin/policy-rc.d" ] || printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
	chmod +x "$root/usr/sbin/policy-rc.d"
	# shellcheck disable=SC2086
	in_root apt-get install -y $missing >>"$log" 2>&1 || {
		in_root apt-get update >>"$log" 2>&1
		in_root apt-get install -y $missing >>"$log" 2>&1; } || {
		tail -n 20 "$log" >&2; exit 1; }
	in_root apt-get clean >>"$log" 2>&1
}

# a stable release's kernel moves on in -updates and -security
sources() {
	echo "deb $1 $suite main"
	case $release in
	experimental) echo "deb $1 experimental main" ;;
	sid) ;;
	*)	echo "deb $1 $suite-updates main"
		echo "deb $1-security $suite-security main" ;;
	esac
}

create() {
	url=$(mirror)
	tmp=$root.tmp
	remove "$tmp"
	mkdir -p "$roots"
	: > "$log"
	t0=$(now)
	# sid's Release may be signed by a key newer than this machine's
	# keyring: fall back to no signature check there, and say so.
	gpg=""
	if [ "$release" = experimental ] && [ -f "$roots/sid/.vmtrace-timing" ] &&
	   ! mountpoint -q "$roots/sid/proc"; then
		# sid plus experimental's kernel: start from the sid root
		echo "kernel-root: experimental: copying $roots/sid" >>"$log"
		cp -a "$roots/sid" "$tmp"
		rm -f "$tmp/.vmtrace-timing"
	elif ! $(debootstrap_cmd) --variant=minbase --include="$base_pkgs" \
		"$suite" "$tmp" "$url" >>"$log" 2>&1; then
		grep -q -e 'NO_PUBKEY' -e 'Release signed by unknown key' "$log" || {
			tail -n 20 "$log" >&2; exit 1; }
		echo "kernel-root: $suite: Release key not in this machine's keyring; no signature check" | tee -a "$log" >&2
		gpg=--no-check-gpg
		remove "$tmp"
		$(debootstrap_cmd) --variant=minbase $gpg --include="$base_pkgs" \
			"$suite" "$tmp" "$url" >>"$log" 2>&1 || { tail -n 20 "$log" >&2; exit 1; }
	fi
	t1=$(now)
	# sid's Release in the mirror may be past its Valid-Until.
	printf 'Acquire::Check-Valid-Until "false";\nAPT::Install-Recommends "false";\n' \
		> "$tmp/etc/apt/apt.conf.d/99vmtrace"
	[ -n "$gpg" ] && echo 'Acquire::AllowInsecureRepositories "true"; APT::Get::AllowUnauthenticated "true";' \
		>> "$tmp/etc/apt/apt.conf.d/99vmtrace"
	sources "$url" > "$tmp/etc/apt/sources.list"
	target=""
	[ "$release" = experimental ] && target="-t experimental"
	root=$tmp
	bind
	in_root apt-get update >>"$log" 2>&1
	# shellcheck disable=SC2086
	in_root apt-get install -y $target $kernel_pkgs >>"$log" 2>&1 || {
		tail -n 20 "$log" >&2; exit 1; }
	ensure
	t2=$(now)
	umount_all
	root=$roots/$release
	mv "$tmp" "$root"
	printf 'debootstrap %ss, kernel and packages %ss\n' $((t1 - t0)) $((t2 - t1)) > "$root/.vmtrace-timing"
	echo "kernel-root: $release: $(cat "$root/.vmtrace-timing")" >&2
}

if [ -x "$root/usr/bin/gcc" ] && [ -f "$root/.vmtrace-timing" ]; then
	ensure
else
	create
fi

case ${1:-} in
run)
	shift
	bind
	in_root "$@"
	;;
update)	# the release's newest packages, its kernel included
	sources "$(mirror)" > "$root/etc/apt/sources.list"
	bind
	target=""
	[ "$release" = experimental ] && target="-t experimental"
	# shellcheck disable=SC2086
	if ! { in_root apt-get update && in_root apt-get -y dist-upgrade &&
	       in_root apt-get install -y $target $kernel_pkgs &&
	       in_root apt-get -y autoremove --purge; } >>"$log" 2>&1; then
		tail -n 20 "$log" >&2
		exit 1
	fi
	in_root apt-get clean >>"$log" 2>&1
	echo "$root"
	;;
*)
	echo "$root"
	;;
esac
