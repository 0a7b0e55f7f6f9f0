# SPDX-License-Identifier: GPL-2.0
# A real libvirtd inside the lab guest, whose root is read-only: writable
# copies of its configuration and state, and a configuration for a guest
# without systemd, D-Bus, cgroups, AppArmor or virtlogd. Sourced after lib.sh.
libvirt_start() {
	local d _
	cp -a /etc/libvirt $TMP/etc-libvirt
	rm -f $TMP/etc-libvirt/qemu/networks/autostart/*
	cat > $TMP/etc-libvirt/qemu.conf <<'CONF'
user = "root"
group = "root"
security_driver = "none"
stdio_handler = "file"
cgroup_controllers = [ ]
CONF
	cat > $TMP/etc-libvirt/libvirtd.conf <<'CONF'
auth_unix_ro = "none"
auth_unix_rw = "none"
CONF
	mount --bind $TMP/etc-libvirt /etc/libvirt
	for d in /var/lib/libvirt /var/log/libvirt /var/cache/libvirt; do
		mount -t tmpfs tmpfs "$d"
	done
	libvirtd -d
	for _ in $(seq 100); do [ -S /run/libvirt/libvirt-sock-ro ] && break; sleep 0.1; done
	[ -S /run/libvirt/libvirt-sock-ro ] || { echo "libvirtd did not start"; return 1; }
}
