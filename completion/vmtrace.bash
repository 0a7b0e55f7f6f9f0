# SPDX-License-Identifier: GPL-2.0
# bash completion for vmtrace

_vmtrace_vms()
{
	local d
	# libvirt domains, Proxmox VMIDs, namespaces, interfaces
	command -v virsh > /dev/null 2>&1 &&
		virsh -r list --all --name 2> /dev/null | sed '/^$/d'
	for d in "${VMTRACE_PVE_DIR:-/etc/pve}"/qemu-server/*.conf; do
		[ -e "$d" ] && { d=${d##*/}; echo "${d%.conf}"; }
	done
	ip netns list 2> /dev/null | awk '{ print "netns:" $1 }'
	ls /sys/class/net 2> /dev/null | sed 's/^/if:/'
}

_vmtrace()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd=${COMP_WORDS[1]}
	COMPREPLY=()
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "follow probe events status --version --help" -- "$cur"))
		return
	fi
	case $prev in
	--if|--from)
		COMPREPLY=($(compgen -W "$(ls /sys/class/net 2> /dev/null)" -- "${cur##*,}"))
		return ;;
	--netns)
		COMPREPLY=($(compgen -W "$(ip netns list 2> /dev/null | awk '{ print $1 }')" -- "$cur"))
		return ;;
	--count|--duration|--timeout|--interval|--size|--addr|--icmp-id)
		return ;;
	esac
	case $cmd in
	follow)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--count --duration --timeout --addr -4 -6 --json --show-path" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_vmtrace_vms)" -- "$cur"))
		fi ;;
	probe)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--count --interval --size --from --timeout --addr -4 -6 --json" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_vmtrace_vms)" -- "$cur"))
		fi ;;
	events)
		COMPREPLY=($(compgen -W "--if --netns --addr --icmp-id --json --count --duration" -- "$cur")) ;;
	status)
		COMPREPLY=($(compgen -W "--json" -- "$cur")) ;;
	esac
}
complete -F _vmtrace vmtrace
