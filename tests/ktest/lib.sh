# SPDX-License-Identifier: GPL-2.0
# Sourced by every lab case (bash -e). Topology builders in the style of
# WireGuard's netns.sh, a tracer wrapper, and assertions over vmtrace's JSON.
#
#                 host netns                         netns "vm"
#   ┌─────────────────────────────────┐        ┌────────────────────┐
#   │ br0 192.0.2.1/24, 2001:db8::1   │        │ vm0 192.0.2.10/24  │
#   │   ├── vm0-host (veth) ──────────┼────────┼── 2001:db8::10     │
#   │   └── tap0 ── tapvm pump ───────┼────────┼── tapvm0 (in "tvm")│
#   └─────────────────────────────────┘        └────────────────────┘
#
# Addresses are documentation ranges only; nothing leaves the guest.

VT=${VMTRACE:?}
BIN=$(dirname "$VT")
TMP=$(mktemp -d)
pids=()

pretty() { echo "[$1] ${*:2}" >&2; }
host() { pretty host "$*"; "$@"; }
n() { local ns=$1; shift; pretty "$ns" "$*"; ip netns exec "$ns" "$@"; }

cleanup() {
	local p
	[ -z "${ovs_up:-}" ] || ovs_stop
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
}

# ovs_start: Open vSwitch's ovsdb-server and ovs-vswitchd with the kernel
# datapath, their state in tmpfs (/tmp/ovs), their sockets where ovs-appctl
# and vmtrace look (/run/openvswitch); stopped by cleanup.
ovs_start() {
	local ovs=/tmp/ovs
	modprobe openvswitch
	mkdir -p $ovs /run/openvswitch
	ovsdb-tool create $ovs/conf.db /usr/share/openvswitch/vswitch.ovsschema
	ovsdb-server $ovs/conf.db --remote=punix:/run/openvswitch/db.sock \
		--pidfile=/run/openvswitch/ovsdb-server.pid --detach --log-file=$ovs/ovsdb-server.log
	ovs_up=1
	ovs-vsctl --no-wait init
	# OVS 3.1.0 (bookworm) counts the CPUs at most every 10 s of uptime and
	# reads 0 before that, so a vswitchd started in a freshly booted guest
	# gets no upcall handler and loses every miss (3.1.1 keeps at least one).
	while [ "$(cut -d. -f1 /proc/uptime)" -lt 11 ]; do sleep 1; done
	ovs_vswitchd_start
}

# ovs_vswitchd_start: (again) the switch daemon, back on the datapath and
# bridges ovsdb holds, ready once it answers for br-int
ovs_vswitchd_start() {
	ovs-vswitchd unix:/run/openvswitch/db.sock --pidfile=/run/openvswitch/ovs-vswitchd.pid --detach \
		--log-file=/tmp/ovs/ovs-vswitchd.log
	for _ in $(seq 50); do ovs-ofctl show br-int > /dev/null 2>&1 && return; sleep 0.1; done
}

ovs_stop() {
	ovs-appctl -t ovs-vswitchd exit > /dev/null 2>&1 || true
	ovs-appctl -t ovsdb-server exit > /dev/null 2>&1 || true
	ovs_up=
}
trap cleanup EXIT

# kernel_since MAJOR.MINOR: the guest runs that kernel release or a newer
# one. Only for expectations about what the kernel itself does where it
# changed between releases (docs/kernels.md lists them), never about what
# vmtrace does.
kernel_since() {
	local k
	k=$(uname -r | sed 's/^\([0-9]*\.[0-9]*\).*/\1/')
	[ "$(printf '%s\n%s\n' "$1" "$k" | sort -V | head -n 1)" = "$1" ]
}

# kernel_reason NAME: the drop reason a kernel gives where newer ones give
# NAME; none before 5.17 (the CLI then infers one, marked inferred)
kernel_reason() {
	if kernel_since 5.17; then echo "$1"; fi
}

skip() {
	echo "$*" > /tmp/skip-reason
	echo "SKIP: $*"
	exit 77
}

# host br0 with a veth "VM" in netns $1 named $2 with address suffix $3
make_bridge() {	# [NAME [NET4 [NET6]]]: NET4.1/24 and NET6::1/64 on it (192.0.2, 2001:db8)
	local br=${1:-br0} net4=${2:-192.0.2} net6=${3:-2001:db8}
	host ip link add "$br" type bridge stp_state 0 forward_delay 0
	host ip addr add "$net4.1/24" dev "$br"
	host ip addr add "$net6::1/64" dev "$br" nodad
	host ip link set "$br" up
}

# add_veth_vm NETNS DEV SUFFIX [BRIDGE [NET4 [NET6]]]: a VM at NET4.SUFFIX
add_veth_vm() {
	local ns=$1 dev=$2 suffix=$3 br=${4:-br0} net4=${5:-192.0.2} net6=${6:-2001:db8}
	ip netns list | grep -qw "$ns" || host ip netns add "$ns"
	host ip link add "$dev-host" type veth peer name "$dev" netns "$ns"
	host ip link set "$dev-host" master "$br" up
	n "$ns" ip link set lo up
	n "$ns" ip addr add "$net4.$suffix/24" dev "$dev"
	n "$ns" ip addr add "$net6::$suffix/64" dev "$dev" nodad
	n "$ns" ip link set "$dev" up
}

# add_tap_vm NS TAP SUFFIX [BRIDGE [GUEST-IF]]: a tap on BRIDGE (br0) whose
# reader pumps frames into a tap GUEST-IF (TAPvm) inside netns NS, at
# 192.0.2.SUFFIX and 2001:db8::SUFFIX
add_tap_vm() {
	local ns=$1 tap=$2 suffix=$3 br=${4:-br0} gif=${5:-${2}vm}
	ip netns list | grep -qw "$ns" || host ip netns add "$ns"
	"$BIN/tapvm" "$tap" "$ns" "$gif" "$TMP/$tap.paused" > "$TMP/$tap.ready" &
	pids+=($!)
	for _ in $(seq 100); do grep -q ready "$TMP/$tap.ready" 2>/dev/null && break; sleep 0.05; done
	grep -q ready "$TMP/$tap.ready"
	host ip link set "$tap" master "$br" up
	n "$ns" ip link set lo up
	n "$ns" ip addr add "192.0.2.$suffix/24" dev "$gif"
	n "$ns" ip addr add "2001:db8::$suffix/64" dev "$gif" nodad
	n "$ns" ip link set "$gif" up
}

# add_macvtap_vm NS MACVTAP SUFFIX LOWER [MODE]: libvirt's type='direct': a
# macvtap on LOWER (bridge mode by default) read through /dev/tapIFINDEX by
# the tapvm reader, the guest's side MACVTAPvm in netns NS at 192.0.2.SUFFIX
# with the macvtap's MAC
add_macvtap_vm() {
	local ns=$1 mv=$2 suffix=$3 lower=$4 mode=${5:-bridge} idx _
	ip netns list | grep -qw "$ns" || host ip netns add "$ns"
	host ip link add link "$lower" name "$mv" type macvtap mode "$mode"
	host ip link set "$mv" up
	idx=$(cat "/sys/class/net/$mv/ifindex")
	for _ in $(seq 50); do [ -c "/dev/tap$idx" ] && break; sleep 0.1; done
	"$BIN/tapvm" "/dev/tap$idx" "$ns" "${mv}vm" "$TMP/$mv.paused" > "$TMP/$mv.ready" &
	pids+=($!)
	for _ in $(seq 100); do grep -q ready "$TMP/$mv.ready" 2>/dev/null && break; sleep 0.05; done
	grep -q ready "$TMP/$mv.ready"
	n "$ns" ip link set "${mv}vm" address "$(cat "/sys/class/net/$mv/address")"
	n "$ns" ip link set lo up
	n "$ns" ip addr add "192.0.2.$suffix/24" dev "${mv}vm"
	n "$ns" ip link set "${mv}vm" up
}

# add_pve_vm VMID SUFFIX [BRIDGE]: a Proxmox VM with its firewall on, NIC 0:
# tapVMIDi0 on fwbrVMIDi0, joined to BRIDGE (vmbr0) by fwprVMIDp0 = fwlnVMIDi0,
# its reader's side in netns pveVMID at 192.0.2.SUFFIX
add_pve_vm() {
	local id=$1 suffix=$2 br=${3:-vmbr0}
	host ip link add "fwbr${id}i0" type bridge stp_state 0 forward_delay 0
	host ip link set "fwbr${id}i0" up
	host ip link add "fwpr${id}p0" type veth peer name "fwln${id}i0"
	host ip link set "fwpr${id}p0" master "$br" up
	host ip link set "fwln${id}i0" master "fwbr${id}i0" up
	add_tap_vm "pve$id" "tap${id}i0" "$suffix" "fwbr${id}i0"
}

pause_vm() { touch "$TMP/$1.paused"; }
resume_vm() { rm -f "$TMP/$1.paused"; }

# wait_session: until a vmtrace session is live (a tracer started in the background)
wait_session() {
	local _
	for _ in $(seq 200); do
		[ "$("$VT" status --json | jq .sessions)" -ge 1 ] && return 0
		sleep 0.05
	done
	echo "no vmtrace session started"; return 1
}

# trace OUT ARGS...: run "vmtrace events --json ARGS" into OUT until trace_stop
trace_pid=""
trace() {
	local out=$1 _
	shift
	pretty host "vmtrace events --json $*"
	"$VT" events --json "$@" > "$out" 2> "$out.err" &
	trace_pid=$!
	pids+=($trace_pid)
	for _ in $(seq 200); do
		[ "$("$VT" status --json | jq .sessions)" -ge 1 ] && return 0
		kill -0 $trace_pid 2>/dev/null || break
		sleep 0.05
	done
	echo "tracer did not start:"; cat "$out.err"; return 1
}

trace_stop() {
	kill -INT "$trace_pid"
	wait "$trace_pid"
	cat "$1.err" >&2
	grep -q ' 0 lost in the kernel (ring full), 0 lost in the socket' "$1.err"
	[ ! -s "$1" ] || json_valid "$1" > /dev/null
}

# interrupt PID WHAT: Ctrl-C to a vmtrace command, which must end within 30 s;
# if it does not, say where it is stuck, kill it and fail
interrupt() {
	local pid=$1 _
	kill -INT "$pid" 2>/dev/null || true
	for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$pid" 2>/dev/null; then
		echo "FAIL: $2 did not end within 30 s of SIGINT"
		grep -E '^(State|SigPnd|ShdPnd|SigCgt)' /proc/$pid/status
		echo "wchan: $(cat /proc/$pid/wchan 2>/dev/null)"
		echo "syscall: $(cat /proc/$pid/syscall 2>/dev/null)"
		cat /proc/$pid/stack 2>/dev/null
		kill -9 "$pid"
		return 1
	fi
	wait "$pid"
}

# hops FILE JQ-SELECT: "point ifname" per event whose packet matches, in time order
hops() {
	jq -M -r "select(.packet | $2) | \"\(.ts_ns) \(.point) \(.ifname)\(if .out_ifname then \"->\" + .out_ifname else \"\" end)\"" "$1" |
		sort -n | cut -d' ' -f2-
}

# expect_seq "what" ACTUAL EXPECTED: compare multi-line strings exactly
expect_seq() {
	if [ "$2" != "$3" ]; then
		echo "FAIL: $1"
		echo "--- expected"; echo "$3"
		echo "--- got"; echo "$2"
		return 1
	fi
	echo "ok: $1"
}

expect() {
	if [ "$2" != "$3" ]; then
		echo "FAIL: $1: expected '$3', got '$2'"
		return 1
	fi
	echo "ok: $1 = $3"
}

# json_valid FILE: every line follows docs/vmtrace.schema.json (follow, probe,
# events and status alike)
json_valid() {
	/usr/bin/python3 "$VMTRACE_SRC/tests/json/check.py" "$1" || { cat "$1"; return 1; }
}

# verdicts FILE: "seq status cause hop" per verdict line, by seq
verdicts() {
	jq -M -r 'select(.type=="verdict") | "\(.echo.seq) \(.status) \(.cause // "-") \(.hop.ifname)/\(.hop.point)"' "$1" | sort -n
}
