# SPDX-License-Identifier: GPL-2.0
# A real VM inside the lab guest: QEMU (TCG) boots the same Debian kernel
# with a busybox initramfs, its NIC is virtio-net on a tap with vhost-net.
# Sourced by cases after lib.sh.
#
#   nested_start NAME TAP ADDR MAC   boot it (tap on br0), wait for its shell
#   nested_cmd CMD...                run a shell command inside it
#   nested_monitor CMD...            a QEMU monitor command (stop, cont)

nested_initramfs() {
	local root=$TMP/inner m kver
	kver=$(uname -r)
	mkdir -p $root/bin $root/proc $root/sys $root/dev $root/lib/modules
	cp /bin/busybox $root/bin/
	for m in $(modprobe --show-depends -a virtio_pci virtio_net |
		   awk '$1 == "insmod" { print $2 }' | awk '!seen[$0]++'); do
		cp "$m" $root/lib/modules/
		basename "$m" >> $root/lib/modules/order
	done
	cat > $root/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in $(cat /lib/modules/order); do insmod /lib/modules/$m; done
ip link set lo up
ip addr add $vmaddr/24 dev eth0
ip link set eth0 up
echo VMREADY
# commands arrive on the second serial port; each answers DONE
while read -r line < /dev/ttyS1; do eval "$line" > /dev/ttyS1 2>&1; echo DONE > /dev/ttyS1; done
INIT
	chmod +x $root/init
	(cd $root && find . | cpio -o -H newc --quiet | gzip -1) > $TMP/inner.cpio.gz
}

nested_start() {
	local name=$1 tap=$2 addr=$3 mac=$4 _
	nested_initramfs
	mkfifo $TMP/cmd.in $TMP/cmd.out $TMP/mon.in $TMP/mon.out
	qemu-system-x86_64 -accel tcg -cpu max -m 256 -smp 1 -nodefaults -display none \
		-name guest=$name -kernel /boot/vmlinuz-$(uname -r) -initrd $TMP/inner.cpio.gz \
		-append "console=ttyS0 quiet panic=-1 vmaddr=$addr" -no-reboot \
		-netdev tap,id=n0,ifname=$tap,script=no,downscript=no,vhost=on \
		-device virtio-net-pci,netdev=n0,mac=$mac \
		-serial file:$TMP/nested.console -serial pipe:$TMP/cmd -monitor pipe:$TMP/mon &
	pids+=($!)
	exec 7> $TMP/cmd.in 8< $TMP/cmd.out 5> $TMP/mon.in 6< $TMP/mon.out
	for _ in $(seq 100); do ip link show $tap > /dev/null 2>&1 && break; sleep 0.1; done
	host ip link set $tap master br0 up
	for _ in $(seq 300); do grep -q VMREADY $TMP/nested.console 2> /dev/null && break; sleep 1; done
	grep -q VMREADY $TMP/nested.console || { echo "nested VM did not boot:"; tail -20 $TMP/nested.console; return 1; }
	echo "nested VM $name up after ${SECONDS}s of this case"
}

nested_cmd() {
	local line
	echo "$*" >&7
	while read -r -t 60 line <&8; do
		line=${line%$'\r'}
		[ "$line" = DONE ] && return 0
		echo "[$1] $line"
	done
	echo "nested command timed out: $*"; return 1
}

nested_monitor() {
	echo "$*" >&5
	sleep 1
	timeout 1 cat <&6 > /dev/null || true
}
