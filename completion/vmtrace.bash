# SPDX-License-Identifier: GPL-2.0
# bash completion for vmtrace (uses bash-completion's helpers where loaded)

# What a VM argument can be: libvirt domains, Proxmox VMIDs, namespaces, interfaces.
_vmtrace_vms()
{
	local d
	command -v virsh > /dev/null 2>&1 &&
		virsh -r list --all --name 2> /dev/null | sed '/^$/d'
	for d in "${VMTRACE_PVE_DIR:-/etc/pve}"/qemu-server/*.conf; do
		[ -e "$d" ] && { d=${d##*/}; echo "${d%.conf}"; }
	done
	ip netns list 2> /dev/null | awk '{ print "netns:" $1 }'
	ls /sys/class/net 2> /dev/null | sed 's/^/if:/'
	# OpenStack: the port ids behind Nova's taps are in OVS's external_ids
	command -v ovs-vsctl > /dev/null 2>&1 &&
		ovs-vsctl --timeout=2 --bare --columns=external_ids list Interface 2> /dev/null |
		grep -o 'iface-id=[0-9a-f-]*' | sed 's/^iface-id=/neutron:/'
}

# _vmtrace_list WORDS: complete the last element of a comma-separated list.
_vmtrace_list()
{
	local head= w
	[[ $cur == *,* ]] && head=${cur%,*},
	for w in $(compgen -W "$1" -- "${cur##*,}"); do
		COMPREPLY+=("$head$w")
	done
	compopt -o nospace 2> /dev/null
}

_vmtrace()
{
	local cur prev words cword cmd
	# "if:eth0" is one word to us, three to bash (':' breaks words)
	if declare -F _get_comp_words_by_ref > /dev/null; then
		_get_comp_words_by_ref -n : cur prev words cword
	else
		cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
		words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
	fi
	cmd=${words[1]}
	COMPREPLY=()
	if [ "$cword" -eq 1 ]; then
		COMPREPLY=($(compgen -W "follow probe events status replay help --version --help" -- "$cur"))
		return
	fi
	if [ "$prev" = = ] && [ "${words[cword-2]}" = --color ]; then
		COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
		return
	fi
	case $prev in
	--if|-I)
		_vmtrace_list "$(ls /sys/class/net 2> /dev/null)"
		return ;;
	--from)
		COMPREPLY=($(compgen -W "$(ls /sys/class/net 2> /dev/null)" -- "$cur"))
		return ;;
	--netns|-n)
		COMPREPLY=($(compgen -W "$(ip netns list 2> /dev/null | awk '{ print $1 }')" -- "$cur"))
		return ;;
	--write|-w)
		compopt -o filenames 2> /dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--count|-c|--duration|-d|--timeout|-W|--interval|-i|--size|-s|--addr|-a|--icmp-id|-e)
		return ;;
	esac
	case $cmd in
	help)
		[ "$cword" -eq 2 ] && COMPREPLY=($(compgen -W "follow probe events status replay" -- "$cur")) ;;
	follow|probe)
		if [[ $cur == -* ]]; then
			if [ "$cmd" = follow ]; then
				COMPREPLY=($(compgen -W "--count --duration --timeout --addr -4 -6 --time --json
					--show-path --write --color= --help" -- "$cur"))
			else
				COMPREPLY=($(compgen -W "--count --interval --size --from --timeout --addr -4 -6
					--time --json --write --color= --help" -- "$cur"))
			fi
			[[ ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2> /dev/null
		else
			COMPREPLY=($(compgen -W "$(_vmtrace_vms)" -- "$cur"))
			declare -F __ltrim_colon_completions > /dev/null && __ltrim_colon_completions "$cur"
		fi ;;
	events)
		COMPREPLY=($(compgen -W "--if --netns --addr --icmp-id --time --json --count --duration --write
			--color= --help" -- "$cur"))
		[[ ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2> /dev/null ;;
	replay)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--time --json --color= --help" -- "$cur"))
			[[ ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2> /dev/null
		else
			compopt -o filenames 2> /dev/null
			COMPREPLY=($(compgen -f -- "$cur"))
		fi ;;
	status)
		COMPREPLY=($(compgen -W "--json --help" -- "$cur")) ;;
	esac
}
complete -F _vmtrace vmtrace
