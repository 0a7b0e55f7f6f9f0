# SPDX-License-Identifier: GPL-2.0
# make bench, part 1: forwarding cost, every configuration in alternating
# rounds (a b c d e f, a b c d e f, ...), then the cost of one vmtrace call.
# make bench boots this with one vCPU under QEMU's -icount, where guest time
# is the guest's instruction count: the results do not depend on what else
# the host is doing, and a round repeats the one before it.
. "$VMTRACE_SRC/tests/ktest/bench-lib.sh"
configs=${BENCH_CONFIGS:-a b c d k e f}
# e) reads struct sk_buff through the kernel's BTF; a kernel built without
# it (the lab's debug kernel) cannot run it
if [ ! -e /sys/kernel/btf/vmlinux ] && [[ " $configs " == *" e "* ]]; then
	configs=$(echo " $configs " | sed 's/ e / /')
	echo "BENCH skip e: bpftrace needs the kernel's BTF (/sys/kernel/btf/vmlinux), which this kernel lacks"
fi
machine
for r in $(seq "$rounds"); do
	for c in $configs; do
		start_config "$c"
		echo "BENCH pps $c $r $(measure)"
		stop_config
	done
done

# Per call and per event: c) and k) with the ICMP stream down to one echo a
# second (nothing matches; every call is a rejection), and k) with it. The
# calls a UDP packet makes into vmtrace in c) are counted separately, since
# counting them costs.
for r in $(seq "${BENCH_QUIET_ROUNDS:-2}"); do
	for c in a c k; do
		start_config "$c"
		echo "BENCH quiet $c $r $(BENCH_PING_RATE=1 measure)"
		stop_config
	done
done
if [ ! -e /sys/kernel/btf/vmlinux ]; then
	# seen on the debug kernel: bpftrace attached, then exited before the count
	echo "BENCH skip calls: on a kernel without BTF (the debug kernel) bpftrace exits before its count of calls"
	echo "BENCH done"
	exit 0
fi
start_config c
calls=kprobe:hook_first_bridge,kprobe:hook_first_ipv4,kprobe:hook_first_ipv6,kprobe:hook_last
calls=$calls,kprobe:probe_netif_receive_skb,kprobe:probe_net_dev_queue,kprobe:probe_consume_skb
calls=$calls,kprobe:probe_kfree_skb
bpftrace -e "$calls { @[func] = count(); }" > "$TMP/calls.out" 2>&1 & bt=$!
bpftrace_attached $bt "$TMP/calls.out"
# pktgen runs only inside measure: every packet it sent is counted
p0=$(rx)
BENCH_PING_RATE=1 measure > /dev/null
p1=$(rx)
kill -INT $bt; reap $bt "bpftrace counting calls"
stop_config
# bpftrace prints "@[hook_last]: 12345" per function
echo "BENCH calls $((p1 - p0)) $(sed -n 's/^@\[\([a-z_0-9]*\)\]: *\([0-9]*\)$/\1 \2/p' "$TMP/calls.out" |
	awk '{ n += $2; printf "%s=%d ", $1, $2 } END { printf "total=%d\n", n }')"
echo "BENCH done"
