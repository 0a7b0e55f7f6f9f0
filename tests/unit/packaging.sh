#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The man page renders without warnings and documents every subcommand;
# the bash completion completes subcommands, options, Proxmox VMIDs and
# interfaces; make install honours DESTDIR and PREFIX.
cd "$(dirname "$0")/../.." || exit 1
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }

out=$(MANWIDTH=100 man -l --warnings man/vmtrace.8 2>&1 > /tmp/vmtrace-man.$$)
[ -z "$out" ] && ok || ko "man -l warns: $out"
for c in follow probe events status; do
	grep -Eq "^ *vmtrace +$c" /tmp/vmtrace-man.$$ && ok || ko "man page lacks vmtrace $c"
done
grep -q "EXIT STATUS" /tmp/vmtrace-man.$$ && ok || ko "man page lacks EXIT STATUS"
rm -f /tmp/vmtrace-man.$$

complete_words() {	# complete_words WORD... : what <TAB> after the last word offers
	(
		. completion/vmtrace.bash
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		_vmtrace
		echo "${COMPREPLY[*]}"
	)
}
[ "$(complete_words vmtrace fo)" = follow ] && ok || ko "subcommand: '$(complete_words vmtrace fo)'"
[ "$(complete_words vmtrace probe --int)" = --interval ] && ok || ko "option: '$(complete_words vmtrace probe --int)'"
pve=$(mktemp -d)
mkdir -p "$pve/qemu-server" && touch "$pve/qemu-server/101.conf" "$pve/qemu-server/2042.conf"
[ "$(VMTRACE_PVE_DIR=$pve complete_words vmtrace follow 20)" = 2042 ] && ok || ko "vmid: '$(VMTRACE_PVE_DIR=$pve complete_words vmtrace follow 20)'"
rm -rf "$pve"
[ "$(complete_words vmtrace events --if l)" = lo ] && ok || ko "interface: '$(complete_words vmtrace events --if l)'"
[ "$(complete_words vmtrace follow if:l)" = if:lo ] && ok || ko "if:IFNAME: '$(complete_words vmtrace follow if:l)'"

dest=$(mktemp -d)
make -s cli-install man-install completion-install DESTDIR="$dest" PREFIX=/opt/vt > /dev/null 2>&1
for f in /opt/vt/sbin/vmtrace /opt/vt/share/man/man8/vmtrace.8 /opt/vt/share/bash-completion/completions/vmtrace; do
	[ -f "$dest$f" ] && ok || ko "make install did not place $f"
done
rm -rf "$dest"
dest=$(mktemp -d)
make -s module-install DESTDIR="$dest" > /dev/null 2>&1
ls "$dest"/lib/modules/*/updates/vmtrace.ko* > /dev/null 2>&1 && ok || ko "make module-install DESTDIR did not place updates/vmtrace.ko"
rm -rf "$dest"
# DKMS skips a kernel the module cannot work on (too old, or without
# netfilter or tracepoints), so that the kernel's own upgrade succeeds.
dk=$(mktemp -d)
make -s dkms-install DESTDIR="$dk/root" > /dev/null 2>&1
mkdir -p "$dk/tree"
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
dkms add --dkmstree "$dk/tree" --sourcetree "$dk/root/usr/src" "vmtrace/$version" > /dev/null 2>&1 ||
	ko "dkms add"
fake_kernel() {	# KVER CONFIG_LINE...: a kernel source dir with that .config
	local d="$dk/ksrc-$1"
	mkdir -p "$d"
	shift
	printf '%s\n' "$@" > "$d/.config"
	echo "$d"
}
dkms_excludes() {	# KVER KSRC: dkms build says it is not for this kernel (status 77)
	local rc out
	out=$(dkms build --dkmstree "$dk/tree" --sourcetree "$dk/root/usr/src" "vmtrace/$version" \
		-k "$1" --kernelsourcedir "$2" 2>&1)
	rc=$?
	[ $rc = 77 ] && ok || ko "dkms build for $1: status $rc, not 77 (excluded): $out"
}
full="CONFIG_NET=y CONFIG_NETFILTER=y CONFIG_NETFILTER_FAMILY_BRIDGE=y CONFIG_TRACEPOINTS=y"
# shellcheck disable=SC2086
dkms_excludes 6.1.0-99-amd64 "$(fake_kernel 6.1.0-99-amd64 CONFIG_NET=y CONFIG_NETFILTER_FAMILY_BRIDGE=y CONFIG_TRACEPOINTS=y)"
dkms_excludes 6.1.0-98-amd64 "$(fake_kernel 6.1.0-98-amd64 CONFIG_NET=y CONFIG_NETFILTER=y)"
# shellcheck disable=SC2086
dkms_excludes 4.19.0-27-amd64 "$(fake_kernel 4.19.0-27-amd64 $full)"
for k in 5.10.0-46-amd64 6.12.118+deb13-amd64 7.2.13+deb14-amd64 10.0.1-pve; do
	echo "$k" | grep -Eq "$(sed -n 's/^BUILD_EXCLUSIVE_KERNEL="\(.*\)"/\1/p' dkms.conf)" && ok ||
		ko "BUILD_EXCLUSIVE_KERNEL excludes $k"
done
rm -rf "$dk"
echo "packaging: $pass passed, $fail failed"
[ "$fail" = 0 ]
