# probe against a real VM: a nested QEMU guest whose NIC is virtio-net on a
# tap with vhost-net, the real host<->VM path. Healthy, then the guest
# ignores echoes, then the VM is paused from QEMU's monitor.
. "$VMTRACE_SRC/tests/ktest/lib.sh"
. "$VMTRACE_SRC/tests/ktest/nested.sh"
make_bridge
nested_start nested01 tap200i0 192.0.2.50 52:54:00:00:02:00

"$VT" follow nested01 --show-path --json > $TMP/path
expect "nested vm" "$(jq -M -c '[.vm.source, (.path[] | select(.role=="port") | .ifname, .kind)]' $TMP/path)" \
	'["qemu","tap200i0","tap"]'

# TCG inside TCG: allow seconds, not milliseconds, for a reply.
"$VT" probe nested01 --addr 192.0.2.50 --count 3 --interval 0.5 --timeout 5 --json > $TMP/p1
json_valid $TMP/p1
expect "healthy" "$(jq -M -r 'select(.type=="verdict") | .status' $TMP/p1 | sort | uniq -c | tr -s ' ')" " 3 replied"
expect "handed to QEMU/vhost" "$(jq -M -r 'select(.type=="hop" and .point=="skb:consume" and .ifname=="tap200i0" and .echo.kind=="request") | .echo.seq' $TMP/p1 | sort -u | tr '\n' ' ')" "1 2 3 "
expect "reply from the tap" "$(jq -M -r 'select(.type=="hop" and .point=="dev:rx" and .ifname=="tap200i0" and .echo.kind=="reply") | .echo.seq' $TMP/p1 | sort -u | tr '\n' ' ')" "1 2 3 "
expect "no false drops" "$(jq -M 'select(.type=="drop")' $TMP/p1 | wc -l)" 0

# The guest ignores echoes: delivered through vhost-net, never answered.
nested_cmd "echo 1 > /proc/sys/net/ipv4/icmp_echo_ignore_all"
! "$VT" probe nested01 --addr 192.0.2.50 --count 2 --interval 0.5 --timeout 5 --json > $TMP/p2 || false
json_valid $TMP/p2
expect "guest ignores" "$(jq -M -r 'select(.type=="verdict") | "\(.status) \(.cause) \(.hop.ifname)"' $TMP/p2 | sort -u)" \
	"lost-in-vm guest tap200i0"
nested_cmd "echo 0 > /proc/sys/net/ipv4/icmp_echo_ignore_all"

# The VM is paused: nobody reads the tap any more; its ring overflows.
# QEMU itself reads one more frame into its own queue before it stops
# reading, so the first echo is handed over (lost-in-vm); the rest are not.
host ip link set tap200i0 txqueuelen 2
nested_monitor stop
! "$VT" probe nested01 --addr 192.0.2.50 --count 5 --interval 0.2 --timeout 3 --json > $TMP/p3 || false
json_valid $TMP/p3
jq -M -c 'select(.type=="verdict") | [.echo.seq, .status, .cause, .hop.ifname, .reason]' $TMP/p3
expect "paused causes after the first" "$(jq -M -r 'select(.type=="verdict" and .echo.seq > 1) | "\(.cause) \(.hop.ifname)"' $TMP/p3 | sort -u)" \
	"vm-not-reading tap200i0"
expect "paused: some refused by the full ring" "$(jq -M -r 'select(.type=="verdict" and .status=="dropped") | .reason' $TMP/p3 | sort -u)" \
	"$(kernel_reason FULL_RING)"
nested_monitor cont
host ip link set tap200i0 txqueuelen 1000
"$VT" probe nested01 --addr 192.0.2.50 --count 1 --timeout 5 > /dev/null
