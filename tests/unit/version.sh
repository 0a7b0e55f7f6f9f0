#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# One version: kmod/version.h is the source; dkms.conf, the CLI, debian/changelog
# and the man page must agree.
cd "$(dirname "$0")/../.." || exit 1
v=$(sed -n 's/^#define VMTRACE_VERSION "\(.*\)"/\1/p' kmod/version.h)
d=$(sed -n 's/^PACKAGE_VERSION="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' dkms.conf)
c=$(build/vmtrace --version | head -1 | cut -d' ' -f2)
p=$(sed -n '1s/^vmtrace (\([^)-]*\).*/\1/p' debian/changelog)
m=$(sed -n 's/^\.TH VMTRACE 8 "[^"]*" "vmtrace \([^"]*\)".*/\1/p' man/vmtrace.8)
if [ -n "$v" ] && [ "$v" = "$d" ] && [ "$v" = "$c" ] && [ "$v" = "$p" ] && [ "$v" = "$m" ]; then
	echo "version: 1 passed, 0 failed ($v)"
else
	echo "version: 0 passed, 1 failed (version.h '$v', dkms.conf '$d', cli '$c', debian/changelog '$p', man '$m')"
	exit 1
fi
