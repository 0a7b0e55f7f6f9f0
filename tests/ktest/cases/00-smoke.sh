# The module loads, reports itself, unloads; the CLI says when it is missing.
. "$VMTRACE_SRC/tests/ktest/lib.sh"
grep -q '^vmtrace ' /proc/modules
"$VT" status
"$VT" status --json > $TMP/status.json
json_valid $TMP/status.json
expect "version" "$("$VT" status --json | jq -r .module_version)" "$("$VT" --version | head -1 | cut -d' ' -f2)"
expect "sessions" "$("$VT" status --json | jq .sessions)" 0
genl=$(sed -n 's/^#define VMTRACE_GENL_VERSION[[:space:]]*\([0-9]*\).*/\1/p' "$VMTRACE_SRC/include/uapi/linux/vmtrace.h")
expect "--version" "$("$VT" --version | tr '\n' ';')" "vmtrace $("$VT" status --json | jq -r .cli_version);module: $(cat /sys/module/vmtrace/version) (generic netlink \"vmtrace\" v$genl);"
# kfree_skb passes a drop reason from 5.17 on; before, the module says so
if kernel_since 5.17; then
	"$VT" status | grep -q '^capabilities: admin-only-events drop-reasons bridge-hooks ipv6 netfilter-attribution$'
	! "$VT" status | grep -q 'not supported by this module' || false
else
	"$VT" status | grep -q '^capabilities: admin-only-events bridge-hooks ipv6 netfilter-attribution$'
	"$VT" status | grep -q '^not supported by this module: drop-reasons$'
fi
expect "idle hooks" "$(grep -c vmtrace_rings_alloc /proc/vmallocinfo || true)" 0
rmmod vmtrace
set +e
"$VT" status 2> $TMP/err; rc=$?
set -e
expect "rc without module" "$rc" 3
expect "message" "$(head -1 $TMP/err)" "vmtrace: module not loaded: run 'sudo modprobe vmtrace' (or 'make install')"
# the lab insmods from the source tree: nothing is installed for this kernel
expect "why" "$(sed -n 2p $TMP/err)" "vmtrace: note: vmtrace.ko is not installed for kernel $(uname -r): install vmtrace-dkms, or run 'make install'"
insmod "$VMTRACE_KO"
"$VT" status > /dev/null
# Ring memory has one cap for all CPUs together (ring_mem_mb), not a size per CPU.
expect "ring slots by default" "$("$VT" status --json | jq .ring_slots)" 2048
rmmod vmtrace
insmod "$VMTRACE_KO" ring_mem_mb=0
expect "ring slots at the smallest cap" "$("$VT" status --json | jq .ring_slots)" 64
trace $TMP/ev --if lo
expect "ring memory at the smallest cap" "$(awk '/vmtrace_rings_alloc/ { s += $2 } END { print (s <= 2 * 64 * 512 + 65536) }' /proc/vmallocinfo)" 1
kill -INT "$trace_pid"; wait "$trace_pid" || true
rmmod vmtrace
insmod "$VMTRACE_KO"
