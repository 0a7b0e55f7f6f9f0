#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The bash completion as bash runs it: COMP_WORDS split where bash splits
# (':' and '=' break words), bash-completion's helpers loaded as Debian
# loads them, a fake Proxmox tree for VMIDs.
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
pass=0 fail=0
pve=$(mktemp -d)
trap 'rm -rf "$pve"' EXIT
mkdir -p "$pve/qemu-server"
touch "$pve/qemu-server/101.conf" "$pve/qemu-server/102.conf"
export VMTRACE_PVE_DIR=$pve
# shellcheck disable=SC1091
. /usr/share/bash-completion/bash_completion
# shellcheck disable=SC1091
. "$src/completion/vmtrace.bash"

# c 'LINE' WANT...: complete at the end of LINE; COMPREPLY must hold each WANT
c() {
	local line=$1 want w
	shift
	COMP_LINE=$line COMP_POINT=${#line}
	# bash's own split: words, with ':' and '=' as words of their own
	read -r -a COMP_WORDS <<< "$(sed -e 's/\([:=]\)/ \1 /g' <<< "$line")"
	[[ $line == *' ' ]] && COMP_WORDS+=("")
	[[ $line =~ [:=]$ ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_vmtrace vmtrace "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
	for want; do
		for w in "${COMPREPLY[@]}"; do
			[ "$w" = "$want" ] && continue 2
		done
		fail=$((fail + 1))
		echo "FAIL: '$line<TAB>' should offer '$want', offers: ${COMPREPLY[*]}"
		return
	done
	pass=$((pass + 1))
}

c 'vmtrace f' follow
c 'vmtrace help ' follow probe events status
c 'vmtrace follow 10' 101 102
c 'vmtrace follow if:l' lo
c 'vmtrace probe if:' lo
c 'vmtrace events --if l' lo
c 'vmtrace events --if lo,l' lo,lo
c 'vmtrace events -I lo,' lo,lo
c 'vmtrace events --co' --color=
c 'vmtrace follow --js' --json
c 'vmtrace follow --color=al' always
c 'vmtrace status --' --json --help
c 'vmtrace help ' replay
c 'vmtrace r' replay
c 'vmtrace replay --' --json --time --color= --help
c 'vmtrace probe --wr' --write
c 'vmtrace events -I lo --wr' --write
c "vmtrace replay $src/tests/unit/completion.s" "$src/tests/unit/completion.sh"
c "vmtrace follow vm --write $src/tests/unit/completion.s" "$src/tests/unit/completion.sh"
echo "completion: $pass passed, $fail failed"
[ "$fail" = 0 ]
