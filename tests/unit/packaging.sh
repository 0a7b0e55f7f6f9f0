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
echo "packaging: $pass passed, $fail failed"
[ "$fail" = 0 ]
