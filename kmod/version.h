/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* The one version of vmtrace: module, CLI and dkms.conf all read it here. */
#ifndef VMTRACE_VERSION
#define VMTRACE_VERSION "0.1.0"
#endif
