# The fault catalogue on a VLAN-aware bridge (topo/vlan.sh): membership,
# PVID and tagged/untagged mismatches, named from the bridge's VLAN table.
. "$VMTRACE_SRC/tests/ktest/lib.sh"
. "$VMTRACE_SRC/tests/ktest/catalogue.sh"
. "$VMTRACE_SRC/tests/ktest/topo/vlan.sh"
topo_vlan

expect "healthy access" "$(probe_got netns:acc | cut -d' ' -f1,2)" "replied -"
expect "healthy trunk" "$(probe_got netns:trk | cut -d' ' -f1,2)" "replied -"

# 8. VLAN filtering
c_8a_break() { bridge vlan del dev acc0-host vid 10; ip neigh flush dev vbr0.10; }
c_8a_fix() { bridge vlan add dev acc0-host vid 10 pvid untagged; ping -c 1 -W 2 192.0.2.10 > /dev/null || true; }
# the echo waits for an ARP the port never gets; or the VM's own untagged
# frames, refused at ingress (no PVID), are the drop the kernel shows first
cause 8a '(dropped|lost-on-host) bridge-vlan-filter .*' "access port not a member of VLAN 10" probe_got netns:acc

c_8b_break() { bridge vlan del dev acc0-host vid 10; bridge vlan add dev acc0-host vid 20 pvid untagged
	ip neigh flush dev vbr0.10; }
c_8b_fix() { bridge vlan del dev acc0-host vid 20; bridge vlan add dev acc0-host vid 10 pvid untagged
	ping -c 1 -W 2 192.0.2.10 > /dev/null || true; }
cause 8b '(dropped|lost-on-host) bridge-vlan-filter .*' "access port on the wrong PVID (20)" probe_got netns:acc

# the tagged request dies in the VM (acc0), or the VM's untagged answer (its ARP) at the
# port's ingress, which has no PVID now (acc0-host): either way the port's VLANs
c_8c_break() { bridge vlan add dev acc0-host vid 10; ip neigh flush dev vbr0.10; }
c_8c_fix() { bridge vlan add dev acc0-host vid 10 pvid untagged; ping -c 1 -W 2 192.0.2.10 > /dev/null || true; }
cause 8c '(dropped|lost-on-host) bridge-vlan-filter acc0(-host)?/.*' "access port sends VLAN 10 tagged to an untagged VM" \
	probe_got netns:acc

catalogue_done
