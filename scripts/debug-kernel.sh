#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build the lab's debug kernel (KASAN, KFENCE, kmemleak, lockdep, UBSAN...)
# from Debian's linux-source-6.1, once: the result is cached and reused while
# the source package and tests/ktest/debug-kernel/fragment.config are the same.
#
#   debug-kernel.sh [CACHE_DIR]        (default /var/cache/vmtrace/debug-kernel)
#
# Leaves CACHE_DIR/vmlinuz, CACHE_DIR/modules/lib/modules/KVER (modules and
# the build tree's headers as .../KVER/build) and CACHE_DIR/kver; prints KVER.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${1:-/var/cache/vmtrace/debug-kernel}
fragment=$repo/tests/ktest/debug-kernel/fragment.config
tarball=/usr/src/linux-source-6.1.tar.xz

[ -r "$tarball" ] || { echo "debug-kernel: $tarball missing (apt-get install linux-source-6.1)" >&2; exit 1; }
# what the result depends on: the source package's version and the fragment
stamp=$(dpkg-query -W -f='${Version}' linux-source-6.1)-$(sha256sum "$fragment" | cut -c1-16)
if [ -f "$cache/stamp" ] && [ "$(cat "$cache/stamp")" = "$stamp" ] && [ -f "$cache/vmlinuz" ]; then
	cat "$cache/kver"
	exit 0
fi

src=$cache/src
rm -rf "$cache"
mkdir -p "$src"
echo "debug-kernel: building from $tarball (about 30 min on two cores)" >&2
tar -xJf "$tarball" -C "$src" --strip-components=1
cd "$src"
make -s x86_64_defconfig
scripts/kconfig/merge_config.sh -m .config "$fragment" > /dev/null
make -s olddefconfig
# every line of the fragment must have survived olddefconfig
missing=$(grep -E '^CONFIG_[A-Z0-9_]+=[ym]$' "$fragment" | while read -r line; do
	grep -qx "$line" .config || echo "$line"
done)
if [ -n "$missing" ]; then
	echo "debug-kernel: olddefconfig dropped: $missing" >&2
	exit 1
fi
make -s -j"$(nproc)" bzImage modules
kver=$(make -s kernelrelease)
make -s INSTALL_MOD_PATH="$cache/modules" modules_install
# a build tree for out-of-tree modules, as /lib/modules/KVER/build is
rm -f "$cache/modules/lib/modules/$kver/build" "$cache/modules/lib/modules/$kver/source"
ln -s "$src" "$cache/modules/lib/modules/$kver/build"
cp arch/x86/boot/bzImage "$cache/vmlinuz"
echo "$kver" > "$cache/kver"
echo "$stamp" > "$cache/stamp"
echo "$kver"
