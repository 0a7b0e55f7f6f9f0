# The fault catalogue on a host-only network (topo/isolated.sh): isolated
# and locked bridge ports.
. "$VMTRACE_SRC/tests/ktest/lib.sh"
. "$VMTRACE_SRC/tests/ktest/catalogue.sh"
. "$VMTRACE_SRC/tests/ktest/topo/isolated.sh"
topo_isolated

expect "healthy" "$(probe_got netns:iso | cut -d' ' -f1,2)" "replied -"
expect "healthy vm to vm" "$(follow_got netns:iso itap 192.0.2.10 | cut -d' ' -f1,2)" "replied -"

# 19. isolated ports never talk to each other (the host still reaches both)
c_19a_break() { bridge link set dev iso0-host isolated on; bridge link set dev tap1 isolated on; }
c_19a_fix() { bridge link set dev iso0-host isolated off; bridge link set dev tap1 isolated off; }
cause 19a '(dropped|lost-on-host) bridge-port-state .*' "both VM ports isolated: VM to VM" \
	follow_got netns:iso itap 192.0.2.10

# 19. a locked port admits only MACs with a static FDB entry
c_19b_break() {
	bridge link set dev iso0-host locked on
	bridge fdb del "$(ip -n iso -j link show iso0 | jq -r '.[0].address')" dev iso0-host master
}
c_19b_fix() { bridge link set dev iso0-host locked off; }
# locked bridge ports arrived in 5.18: no entry on older kernels
if kernel_since 5.18; then
	cause 19b 'dropped bridge-port-state iso0-host/skb:drop' "locked port, VM's MAC not in the FDB" probe_got netns:iso
else
	echo "n/a: cause 19b: this kernel has no locked bridge ports (5.18)"
fi

catalogue_done
