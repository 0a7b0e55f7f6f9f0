# The Debian packages, installed for real: a writable overlay of the guest's
# root, dpkg -i of vmtrace-dkms (whose postinst has DKMS build and install
# the module for the running kernel) and vmtrace; then modprobe loads the
# installed module and the installed command talks to it.
. "$VMTRACE_SRC/tests/ktest/lib.sh"
version=$(sed -n 's/^#define VMTRACE_VERSION "\(.*\)"/\1/p' "$VMTRACE_SRC/kmod/version.h")
debs=$(ls "$VMTRACE_SRC"/build/deb/vmtrace_"$version"_*.deb "$VMTRACE_SRC"/build/deb/vmtrace-dkms_"$version"_all.deb 2> /dev/null)
[ "$(echo "$debs" | wc -w)" = 2 ] || { echo "FAIL: no .debs (make deb)"; false; }

root=$TMP/root
mkdir -p $TMP/upper $TMP/work $root
modprobe overlay
mount -t overlay overlay -o lowerdir=/,upperdir=$TMP/upper,workdir=$TMP/work $root
for m in proc sys dev; do mount --bind /$m $root/$m; done
mount -t tmpfs tmpfs $root/tmp
cp $debs $root/tmp/
in_root() { chroot $root "$@"; }

rmmod vmtrace
in_root sh -c 'dpkg -i /tmp/vmtrace-dkms_*.deb /tmp/vmtrace_*.deb' 2>&1 | tail -15
# for the running kernel (DKMS builds for every kernel with headers in the root):
# "vmtrace/0.1.0, KVER, ARCH: installed"; before DKMS 3: "vmtrace, 0.1.0, KVER, ..."
expect "dkms status" "$(in_root dkms status vmtrace -k "$(uname -r)" | sed -e 's|^\([^,/]*\), \([^,]*\),.*|\1/\2|' -e 's/,.*//')" \
	"vmtrace/$version"
in_root modprobe vmtrace
# compressed as the kernel's own modules are, where they are (sid's DKMS: .ko.xz)
expect "loaded from the DKMS install" "$(in_root modinfo -n vmtrace | sed 's|.*/lib/modules/[^/]*/||; s/\.\(xz\|zst\|gz\)$//')" \
	"updates/dkms/vmtrace.ko"
expect "installed CLI and module agree" "$(in_root vmtrace status --json | jq -r '"\(.module_version) \(.cli_version)"')" "$version $version"
in_root test -f /usr/share/man/man8/vmtrace.8.gz
in_root test -f /usr/share/bash-completion/completions/vmtrace
in_root sh -c 'dpkg -r vmtrace vmtrace-dkms' > /dev/null 2>&1
expect "removed" "$(in_root dkms status vmtrace | wc -l)" 0
