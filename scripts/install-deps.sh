#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages a vmtrace target needs, only those missing.
#   install-deps.sh build|check|demo|deb|bench|debug|selftests
set -eu
build="make gcc pkg-config libnl-genl-3-dev libnl-3-dev libmnl-dev libvirt-dev linux-headers-amd64 kmod"
lab="linux-image-amd64 qemu-system-x86 busybox-static cpio iproute2 iputils-ping nftables iptables tcpdump procps util-linux jq python3-jsonschema libvirt-daemon-system libvirt-clients openvswitch-switch"
fuzz="clang libclang-rt-14-dev"
analyze="sparse clang-tools-14"
style="linux-source-6.1 xz-utils perl"
packaging="dkms man-db groff-base bash-completion debhelper dh-dkms dpkg-dev lintian binutils"
bench="bpftrace dropwatch gnuplot-nox"
debugkernel="linux-source-6.1 xz-utils flex bison bc libssl-dev libelf-dev"
selftests="linux-source-6.1 xz-utils netsniff-ng iputils-arping iputils-tracepath traceroute jq smcroute"

case ${1:-check} in
build)	want="$build" ;;
demo)	want="$build $lab" ;;
deb)	want="$build $packaging" ;;
check)	want="$build $lab $fuzz $analyze $style $packaging $bench" ;;
bench)	want="$build $lab $bench" ;;
debug)	want="$build $lab $debugkernel" ;;
selftests) want="$build $lab $selftests" ;;
*)	echo "usage: $0 build|check|demo|deb|bench|debug|selftests" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "vmtrace: missing Debian packages:$missing (run as root to install them)" >&2
	exit 1
fi
echo "vmtrace: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
