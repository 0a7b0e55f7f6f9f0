# The fault catalogue on a Proxmox VE host with the VM firewall on
# (topo/proxmox.sh): the pve-firewall style rule, the chain veth, the VM.
. "$VMTRACE_SRC/tests/ktest/lib.sh"
. "$VMTRACE_SRC/tests/ktest/catalogue.sh"
. "$VMTRACE_SRC/tests/ktest/topo/proxmox.sh"
topo_proxmox

expect "healthy" "$(probe_got 100 | cut -d' ' -f1,2)" "replied -"

# 3. the firewall bridge's iptables rule (physdev, as PVEFW-FORWARD writes it)
c_3p_break() { iptables -A FORWARD -m physdev --physdev-out tap100i0 -p icmp -j DROP; }
c_3p_fix() { iptables -D FORWARD -m physdev --physdev-out tap100i0 -p icmp -j DROP; }
cause 3p 'dropped firewall fwbr100i0/ip:forward' "pve-firewall rule drops ICMP to the VM (br_netfilter)" probe_got 100

# 6. the firewall chain's veth down
c_6p_break() { ip link set fwln100i0 down; }
c_6p_fix() { ip link set fwln100i0 up; sleep 0.2; ping -c 1 -W 3 192.0.2.10 > /dev/null; }
cause 6p '(dropped|lost-on-host) link-down .*' "fwln100i0 (firewall chain) down" probe_got 100

# 5. the VM behind the firewall bridge stops reading
c_5p_break() { ip link set tap100i0 txqueuelen 2; pause_vm tap100i0; }
c_5p_fix() { resume_vm tap100i0; ip link set tap100i0 txqueuelen 1000; }
cause 5p '(dropped|lost-on-host) vm-not-reading tap100i0/.*' "VM 100 paused (qm suspend)" \
	probe_got 100 --count 5 --interval 0.1

catalogue_done
