# The module DKMS built (make dkms-check: dkms add/build from the
# /usr/src/vmtrace-VERSION tree that make dkms-install lays out) loads and
# traces, and reports the one version.
. "$VMTRACE_SRC/tests/ktest/lib.sh"
version=$(sed -n 's/^#define VMTRACE_VERSION "\(.*\)"/\1/p' "$VMTRACE_SRC/kmod/version.h")
ko=$(ls "$VMTRACE_SRC"/build/dkms/vmtrace/"$version"/"$(uname -r)"/*/module/vmtrace.ko* 2>/dev/null | head -1)
[ -n "$ko" ] || { echo "FAIL: no DKMS-built module (make dkms-check)"; false; }
rmmod vmtrace
insmod "$ko"
expect "srcversion is the DKMS build" "$(cat /sys/module/vmtrace/srcversion)" "$(modinfo -F srcversion "$ko")"
expect "version" "$("$VT" status --json | jq -r .module_version)" "$version"
# DKMS signs what it builds from 3.0 on (bullseye's 2.8 does not)
if grep -q sign_file "$(command -v dkms)"; then
	expect "signed by DKMS" "$(modinfo -F signer "$ko" | grep -c .)" 1
else
	expect "not signed by DKMS $(dkms --version)" "$(modinfo -F signer "$ko" | grep -c .)" 0
fi
make_bridge
add_veth_vm vm vm0 10
"$VT" probe netns:vm --count 1 --json > $TMP/p
expect "traces" "$(jq -M -r 'select(.type=="verdict") | .status' $TMP/p)" replied
