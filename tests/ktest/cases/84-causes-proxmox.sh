# The fault catalogue on a Proxmox VE host with the VM firewall on
# (topo/proxmox.sh): the pve-firewall style rule, the chain veth, the VM.
. "$VMTRACE_SRC/tests/ktest/lib.sh"
. "$VMTRACE_SRC/tests/ktest/catalogue.sh"
. "$VMTRACE_SRC/tests/ktest/topo/proxmox.sh"
topo_proxmox

expect "healthy" "$(probe_got 100 | cut -d' ' -f1,2)" "replied -"

# 3. VM 100's firewall, with no rule for ICMP and policy_in DROP: the chains
# pve-firewall compiles (iptables, physdev jumps into the guest's tap100i0-IN)
c_3p_break() {
	iptables -N PVEFW-FORWARD
	iptables -N PVEFW-FWBR-OUT
	iptables -N tap100i0-IN
	iptables -A FORWARD -j PVEFW-FORWARD
	iptables -A PVEFW-FORWARD -m conntrack --ctstate INVALID -j DROP
	iptables -A PVEFW-FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
	iptables -A PVEFW-FORWARD -m physdev --physdev-is-bridged --physdev-in fwln100i0 -j PVEFW-FWBR-OUT
	iptables -A PVEFW-FWBR-OUT -m physdev --physdev-is-bridged --physdev-out tap100i0 -j tap100i0-IN
	iptables -A tap100i0-IN -p tcp -m tcp --dport 22 -j ACCEPT
	iptables -A tap100i0-IN -j DROP
}
c_3p_fix() { iptables -F; iptables -X; }
cause 3p 'dropped firewall fwbr100i0/ip:forward' "VM 100's firewall: no ICMP rule, policy_in DROP (br_netfilter)" probe_got 100
c_3p_break
! "$VT" probe 100 --count 1 --json > $TMP/c3p || false
c_3p_fix
expect "3p names the guest's firewall" "$(jq -r 'select(.type=="verdict") | "\(.explain) / \(.check)"' $TMP/c3p |
	grep -c 'the Proxmox firewall of guest 100 (net0, IN) drops it, `counter packets [0-9]* bytes [0-9]* drop` in tap100i0-IN: allow it in /etc/pve/firewall/100.fw (\[RULES\] IN ... -p icmp), or change the guest.s policy_in.* / cat /etc/pve/firewall/100.fw; iptables -S tap100i0-IN$')" 1

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
