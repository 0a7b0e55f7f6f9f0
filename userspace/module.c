// SPDX-License-Identifier: GPL-2.0
/*
 * Reaching the module: when it cannot be reached, say why and how to fix
 * it (not loaded, not installed for this kernel, lockdown, enforced
 * signatures, module loading disabled, too old); and the clock its events
 * carry.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/utsname.h>

#include "cli.h"
#include "version.h"

static int file_mentions(const char *path, const char *needle)
{
	char line[1024];
	FILE *f = fopen(path, "r");
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, needle) != NULL;
	fclose(f);
	return found;
}

/* The first line of a small /proc or /sys file, or "" */
static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (!f)
		return;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* Why the kernel may refuse vmtrace.ko even when it is installed. */
static void explain_missing_module(void)
{
	char buf[256], path[300];
	struct utsname u;
	const char *mode;

	read_line("/proc/sys/kernel/modules_disabled", buf, sizeof(buf));
	if (!strcmp(buf, "1")) {
		fprintf(stderr, "vmtrace: note: this kernel loads no more modules (kernel.modules_disabled=1): load vmtrace at boot (/etc/modules-load.d)\n");
		return;
	}
	read_line("/sys/kernel/security/lockdown", buf, sizeof(buf));
	mode = strstr(buf, "[integrity]") ? "integrity" : strstr(buf, "[confidentiality]") ? "confidentiality" : NULL;
	if (mode) {
		fprintf(stderr, "vmtrace: note: the kernel is locked down (%s, Secure Boot): it loads only modules signed by an enrolled key; enroll DKMS's with 'mokutil --import /var/lib/dkms/mok.pub' and reboot\n",
			mode);
		return;
	}
	read_line("/sys/module/module/parameters/sig_enforce", buf, sizeof(buf));
	if (!strcmp(buf, "Y")) {
		fprintf(stderr, "vmtrace: note: the kernel enforces module signatures: sign vmtrace.ko with an enrolled key (DKMS signs with /var/lib/dkms/mok.key)\n");
		return;
	}
	if (uname(&u) == 0) {
		snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", u.release);
		if (!file_mentions(path, "vmtrace.ko"))
			fprintf(stderr, "vmtrace: note: vmtrace.ko is not installed for kernel %s: install vmtrace-dkms, or run 'make install'\n",
				u.release);
	}
}

int vt_open_error(int err)
{
	if (err == -ENOENT) {
		fprintf(stderr, "vmtrace: module not loaded: run 'sudo modprobe vmtrace' (or 'make install')\n");
		explain_missing_module();
		return VT_EXIT_NOMODULE;
	}
	if (err == -EPROTO) {
		fprintf(stderr, "vmtrace: the loaded vmtrace module is too old for this CLI (" VMTRACE_VERSION
			"): install the matching vmtrace-dkms or run 'make install'\n");
		return VT_EXIT_NOMODULE;
	}
	fprintf(stderr, "vmtrace: cannot reach the vmtrace module: %s\n", strerror(-err));
	return VT_EXIT_FAIL;
}

uint64_t vt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void vt_module_version(char *buf, size_t len)
{
	read_line("/sys/module/vmtrace/version", buf, len);
}
