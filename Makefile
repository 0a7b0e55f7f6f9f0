# SPDX-License-Identifier: GPL-2.0
#
# make            module (vmtrace.ko) and CLI (build/vmtrace)
# make check      install what is missing, unit tests, fuzz smoke, the QEMU lab
# make demo       install what is missing, run the lab's demo scenario
# make bench      install what is missing, overhead and throughput in the lab (docs/performance.md)
# make install    module (+ depmod) and CLI; DESTDIR, PREFIX honoured
# make style      checkpatch over the kernel code
# make deb        Debian packages vmtrace and vmtrace-dkms in build/deb/
# make dkms-install  the module's sources as $(DESTDIR)/usr/src/vmtrace-VERSION
# make kernels    module and CLI built in a Debian root per release, -Werror (docs/kernels.md)
# make check-kernels  that, and the lab booted on each release's kernel with its own root

VERSION := $(shell sed -n 's/^\#define VMTRACE_VERSION "\(.*\)"/\1/p' kmod/version.h)

KERNELRELEASE ?= $(shell uname -r)
ifneq ($(KDIR),)
KERNELDIR ?= $(KDIR)
endif
KERNELDIR ?= /lib/modules/$(KERNELRELEASE)/build
# CI machines run a kernel without headers: build for the newest installed ones.
ifeq ($(wildcard $(KERNELDIR)/Makefile),)
ifeq ($(origin KERNELDIR)$(KDIR),file)
NEWEST := $(lastword $(sort $(wildcard /lib/modules/*/build/Makefile)))
ifneq ($(NEWEST),)
KERNELDIR := $(patsubst %/Makefile,%,$(NEWEST))
KERNELRELEASE := $(notdir $(patsubst %/build,%,$(KERNELDIR)))
$(info vmtrace: no headers for the running kernel; building for $(KERNELRELEASE) ($(KERNELDIR)))
endif
endif
endif

PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=
DEPMOD ?= depmod
INSTALL_MOD_DIR ?= updates

CC ?= cc
CFLAGS ?= -O2 -g
PKG_CONFIG ?= pkg-config
NL_CFLAGS := $(shell $(PKG_CONFIG) --cflags libnl-genl-3.0 2>/dev/null)
NL_LIBS := $(shell $(PKG_CONFIG) --libs libnl-genl-3.0 2>/dev/null) -lmnl
# libvirt's headers only: the CLI loads libvirt.so.0 at run time if it is there.
# dlopen: in libc since glibc 2.34, in libdl before (bullseye)
DL_LIBS := -ldl
LIBVIRT_CFLAGS := $(shell $(PKG_CONFIG) --cflags libvirt 2>/dev/null)
US_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Iinclude/uapi -Ikmod $(NL_CFLAGS) $(LIBVIRT_CFLAGS)

B := build
CLI_SRCS := $(wildcard userspace/*.c)
CLI_OBJS := $(CLI_SRCS:userspace/%.c=$(B)/cli/%.o)
KMOD_SRCS := Kbuild $(wildcard kmod/*.c kmod/*.h kmod/compat/*) include/uapi/linux/vmtrace.h

.PHONY: all module cli lab-helpers unit fuzz-smoke nft-seeds check check-debug ktest demo bench deps deps-check deps-demo deps-deb deb-check \
	deps-bench deps-debug deps-selftests analyze selftests fuzz-long cycles \
	install uninstall module-install cli-install man-install completion-install style clean \
	dkms-install dkms-check deb kernels kernels-ci check-kernels

all: module cli

module: vmtrace.ko
vmtrace.ko: $(KMOD_SRCS)
	@test -f $(KERNELDIR)/Makefile || { echo "vmtrace: no kernel headers at $(KERNELDIR) (apt-get install linux-headers-amd64)" >&2; exit 1; }
	$(MAKE) -C $(KERNELDIR) M=$(CURDIR) modules

cli: $(B)/vmtrace
$(B)/vmtrace: $(CLI_OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(NL_LIBS) $(DL_LIBS)
$(B)/cli/%.o: userspace/%.c userspace/*.h include/uapi/linux/vmtrace.h kmod/version.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(US_CFLAGS) -c -o $@ $<

# The parser, exactly as the module compiles it, under sanitizers.
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
$(B)/test_parse: tests/unit/test_parse.c tests/unit/check.h kmod/parse.c kmod/parse.h
	@mkdir -p $(B)
	$(CC) -O1 -g $(SAN) $(US_CFLAGS) -o $@ tests/unit/test_parse.c kmod/parse.c
ECHO_SRCS := userspace/echo.c userspace/verdict.c userspace/vm.c userspace/cause.c userspace/env.c \
	userspace/conntrack.c userspace/format.c userspace/rtnl.c userspace/rtnl_view.c userspace/netns.c \
	userspace/cause_ovs.c userspace/ovs.c userspace/ovs_parse.c userspace/nft.c userspace/jsonv.c
# The tracker alone; then the verdicts and causes over it.
$(B)/test_echo: tests/unit/test_echo.c tests/unit/timeline.h tests/unit/lab_vm.h tests/unit/check.h userspace/echo.c userspace/*.h
	@mkdir -p $(B)
	$(CC) -O1 -g $(SAN) $(US_CFLAGS) -o $@ tests/unit/test_echo.c userspace/echo.c
$(B)/test_verdict: tests/unit/test_verdict.c tests/unit/timeline.h tests/unit/lab_vm.h tests/unit/check.h $(ECHO_SRCS) userspace/*.h
	@mkdir -p $(B)
	$(CC) -O1 -g $(SAN) $(US_CFLAGS) -o $@ tests/unit/test_verdict.c $(ECHO_SRCS) -lmnl
$(B)/test_format: tests/unit/test_format.c tests/unit/check.h userspace/format.c userspace/echo.c userspace/netns.c userspace/*.h
	@mkdir -p $(B)
	$(CC) -O1 -g $(SAN) $(US_CFLAGS) -o $@ tests/unit/test_format.c userspace/format.c userspace/echo.c \
		userspace/netns.c
# The cause rules against a fake host (the test's own env.c and OVS daemons).
$(B)/test_cause: tests/unit/test_cause.c tests/unit/check.h tests/unit/fixture.h tests/unit/lab_vm.h userspace/cause.c userspace/vm.c \
		userspace/rtnl_view.c userspace/format.c userspace/echo.c userspace/netns.c userspace/cause_ovs.c \
		userspace/ovs_parse.c userspace/nft.c userspace/jsonv.c userspace/*.h tests/unit/nft/*
	@mkdir -p $(B)
	$(CC) -O1 -g $(SAN) $(US_CFLAGS) -o $@ tests/unit/test_cause.c userspace/cause.c userspace/vm.c \
		userspace/rtnl_view.c userspace/format.c userspace/echo.c userspace/netns.c userspace/cause_ovs.c \
		userspace/ovs_parse.c userspace/nft.c userspace/jsonv.c
# Which nftables rule: the JSON reader and the walk through the chains, on nft's own output.
$(B)/test_nft: tests/unit/test_nft.c tests/unit/check.h tests/unit/fixture.h userspace/nft.c userspace/jsonv.c userspace/*.h \
		tests/unit/nft/*
	@mkdir -p $(B)
	$(CC) -O1 -g $(SAN) $(US_CFLAGS) -o $@ tests/unit/test_nft.c userspace/nft.c userspace/jsonv.c
$(B)/test_render: tests/unit/test_render.c tests/unit/check.h userspace/render.c userspace/format.c \
		userspace/echo.c userspace/vm.c userspace/netns.c userspace/*.h
	@mkdir -p $(B)
	$(CC) -O1 -g $(SAN) $(US_CFLAGS) -o $@ tests/unit/test_render.c userspace/render.c userspace/format.c \
		userspace/echo.c userspace/vm.c userspace/netns.c
# The resolver against a fake host (the test's own rtnetlink, namespaces and libvirt).
$(B)/test_resolve: tests/unit/test_resolve.c tests/unit/check.h userspace/resolve.c userspace/rtnl_view.c \
		userspace/vm.c userspace/*.h
	@mkdir -p $(B)
	$(CC) -O1 -g $(SAN) $(US_CFLAGS) -o $@ tests/unit/test_resolve.c userspace/resolve.c userspace/rtnl_view.c \
		userspace/vm.c
# Recordings written and read back; it leaves sample recordings in $(B)/rec.
$(B)/test_record: tests/unit/test_record.c tests/unit/check.h userspace/record.c userspace/*.h kmod/version.h
	@mkdir -p $(B)
	$(CC) -O1 -g $(SAN) $(US_CFLAGS) -o $@ tests/unit/test_record.c userspace/record.c
# vmtrace replay, the whole CLI as built, fed made-up recordings.
$(B)/fuzz_replay: tests/fuzz/fuzz_replay.c $(CLI_SRCS) userspace/*.h include/uapi/linux/vmtrace.h kmod/version.h
	@mkdir -p $(B)
	clang -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Dmain=vmtrace_main \
		$(US_CFLAGS) -Wno-unused-command-line-argument -o $@ tests/fuzz/fuzz_replay.c $(CLI_SRCS) \
		$(NL_LIBS) $(DL_LIBS)
# The nftables walk on made-up rulesets; seeds: the unit tests' rulesets, each for a forwarded request.
$(B)/fuzz_nft: tests/fuzz/fuzz_nft.c userspace/nft.c userspace/jsonv.c userspace/nft.h userspace/jsonv.h
	@mkdir -p $(B)
	clang -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $(US_CFLAGS) \
		-Wno-unused-command-line-argument -o $@ tests/fuzz/fuzz_nft.c userspace/nft.c userspace/jsonv.c
nft-seeds:
	@rm -rf $(B)/nft-seeds && mkdir -p $(B)/nft-seeds $(B)/fuzz-nft-corpus
	@for j in tests/unit/nft/*.json; do \
		{ printf '\010\000\000'; cat "$$j"; printf '\000'; cat "$${j%.json}.txt"; } > $(B)/nft-seeds/$$(basename "$$j"); \
	done
$(B)/fuzz_parse: tests/fuzz/fuzz_parse.c kmod/parse.c kmod/parse.h
	@mkdir -p $(B)
	clang -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-std=c11 -D_GNU_SOURCE -Iinclude/uapi -Ikmod -o $@ tests/fuzz/fuzz_parse.c kmod/parse.c

# Lab helpers, run inside the guest.
$(B)/tapvm: tests/ktest/tapvm.c
	@mkdir -p $(B)
	$(CC) $(CFLAGS) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -o $@ $<
$(B)/skbstress: tests/ktest/skbstress.c
	@mkdir -p $(B)
	$(CC) $(CFLAGS) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -o $@ $<
$(B)/nlfuzz: tests/ktest/nlfuzz.c include/uapi/linux/vmtrace.h
	@mkdir -p $(B)
	$(CC) $(CFLAGS) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Iinclude/uapi -o $@ $< -lmnl
$(B)/nlprobe: tests/ktest/nlprobe.c include/uapi/linux/vmtrace.h
	@mkdir -p $(B)
	$(CC) $(CFLAGS) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Iinclude/uapi -o $@ $< -lmnl

unit: $(B)/test_parse $(B)/test_echo $(B)/test_verdict $(B)/test_cause $(B)/test_resolve $(B)/test_format \
		$(B)/test_render $(B)/test_record $(B)/test_nft $(B)/vmtrace
	$(B)/test_parse
	$(B)/test_echo
	$(B)/test_verdict
	$(B)/test_cause
	$(B)/test_resolve
	$(B)/test_format
	$(B)/test_render
	$(B)/test_nft
	@rm -rf $(B)/rec && mkdir -p $(B)/rec
	$(B)/test_record $(B)/rec
	tests/unit/cli-args.sh $(B)/vmtrace
	tests/unit/completion.sh
	/usr/bin/python3 tests/json/check.py tests/json/good/*.ndjson
	/usr/bin/python3 tests/json/check.py --bad tests/json/bad/*.ndjson
	tests/unit/version.sh
	tests/unit/packaging.sh
	tests/unit/splat-scan.sh
	tests/unit/compat-flags.sh

fuzz-smoke: $(B)/fuzz_parse $(B)/fuzz_replay $(B)/test_record $(B)/fuzz_nft nft-seeds
	@mkdir -p $(B)/fuzz-corpus $(B)/fuzz-replay-corpus $(B)/rec-seeds
	$(B)/fuzz_parse -max_total_time=20 -print_final_stats=1 $(B)/fuzz-corpus tests/fuzz/seeds
	$(B)/test_record $(B)/rec-seeds > /dev/null
	$(B)/fuzz_replay -max_total_time=20 -max_len=65536 -close_fd_mask=3 -print_final_stats=1 \
		$(B)/fuzz-replay-corpus $(B)/rec-seeds
	$(B)/fuzz_nft -max_total_time=20 -max_len=65536 -print_final_stats=1 $(B)/fuzz-nft-corpus $(B)/nft-seeds

# The benchmark's client (the CLI's session code, timed) and its UDP sink.
VTBENCH_SRCS := userspace/session.c userspace/nl.c userspace/netns.c userspace/module.c userspace/prober.c \
	userspace/stopsig.c
$(B)/vtbench: tests/bench/vtbench.c $(VTBENCH_SRCS) userspace/*.h
	@mkdir -p $(B)
	$(CC) $(CFLAGS) $(US_CFLAGS) -o $@ tests/bench/vtbench.c $(VTBENCH_SRCS) $(NL_LIBS)
$(B)/udpsink: tests/bench/udpsink.c
	@mkdir -p $(B)
	$(CC) $(CFLAGS) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -o $@ $<

LAB_HELPERS := $(B)/tapvm $(B)/nlprobe $(B)/vtbench $(B)/udpsink $(B)/skbstress $(B)/nlfuzz
LAB_BINS := vmtrace.ko $(B)/vmtrace $(LAB_HELPERS)
lab-helpers: $(LAB_HELPERS)

ktest: $(LAB_BINS) dkms-check deb
	tests/ktest/run.sh $(KTEST_ARGS) $(CASES)

deps:
	scripts/install-deps.sh build
deps-check:
	scripts/install-deps.sh check
deps-demo:
	scripts/install-deps.sh demo
deps-deb:
	scripts/install-deps.sh deb
deps-bench:
	scripts/install-deps.sh bench
deps-debug:
	scripts/install-deps.sh debug

# Recursive so that the dependencies exist before anything is built.
check: deps-check
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) fuzz-smoke
	$(MAKE) style
	$(MAKE) analyze
	$(MAKE) deb-check
	$(MAKE) ktest
	$(MAKE) kernels-ci

demo: deps-demo
	$(MAKE) all $(B)/tapvm $(B)/nlprobe
	tests/ktest/run.sh -v demo

# Overhead and throughput (docs/performance.md), each part side by side in
# one boot. The forwarding cost runs on one vCPU under -icount: guest time is
# the guest's instruction count (shift=0: one per nanosecond), so its ratios
# do not move with the host's load; no ERMS, so memset and memcpy count as
# the loops they are on CPUs without it rather than as one instruction per
# byte. The event stream, attach/detach and memory run in wall-clock time on
# two vCPUs. BENCH_SECONDS and BENCH_ROUNDS reach the guest through the repo share.
BENCH_COST_QEMU := VMTRACE_KTEST_SMP=1 VMTRACE_KTEST_ICOUNT=shift=0,sleep=off VMTRACE_KTEST_CPU=max,-erms,-fsrm
# The cost part runs again on the newest kernel of the matrix (BENCH_KERNEL),
# booted with its own root, and the report sets the two side by side.
BENCH_KERNEL ?= sid
BENCH_ROOT = $(or $(VMTRACE_ROOTS),/var/cache/vmtrace/roots)/$(BENCH_KERNEL)
bench: deps-bench
	$(MAKE) $(LAB_BINS)
	printf 'BENCH_SECONDS=%s\nBENCH_ROUNDS=%s\n' "$(or $(BENCH_SECONDS),3)" "$(or $(BENCH_ROUNDS),3)" > $(B)/bench.env
	$(BENCH_COST_QEMU) VMTRACE_KTEST_TIMEOUT=10800 tests/ktest/run.sh -v bench-cost
	VMTRACE_KTEST_TIMEOUT=3600 VMTRACE_KTEST_TCG_THREADS=multi tests/ktest/run.sh -v bench-stream
	VMTRACE_ROOT_FULL=1 scripts/kernel-build.sh $(BENCH_KERNEL)
	cp $(B)/bench.env $(BENCH_ROOT)/usr/src/vmtrace/build/
	$(BENCH_COST_QEMU) VMTRACE_KTEST_TIMEOUT=10800 tests/ktest/run.sh -v -r $(BENCH_ROOT) \
		-o $(B)/ktest-$(BENCH_KERNEL) bench-cost
	tests/bench/report.sh $(B)/ktest/bench-cost.result $(B)/ktest/bench-stream.result $(B)/bench \
		$(B)/ktest-$(BENCH_KERNEL)/bench-cost.result

# The lab on the debug kernel (KASAN, KFENCE, kmemleak, lockdep, UBSAN), built
# once from linux-source-6.1 and cached; vmtrace.ko is built for it from a copy
# of the sources. Under TCG its early boot hung, idle, right after the
# RCU-tasks self tests whenever the TSC was its clocksource (7 boots of 7 on
# 2026-12-02, with or without tsc=unstable, -cpu max or qemu64, one CPU or
# two): with the HPET as clocksource it reaches init in some 50 s (100 s
# with two guests side by side), but about one boot in five still hangs
# early (at the lockdep banner, or calibrating the TSC against the PIT), or
# dies there (a KASAN report in handle_edge_irq; "IO-APIC + timer doesn't
# work" on a loaded host, which no_timer_check skips testing for). A
# boot that has not reached init after DEBUG_BOOT_TIMEOUT seconds is stopped
# and booted again, DEBUG_BOOT_TRIES in all: a hang costs minutes, not the run.
DEBUG_KCACHE ?= /var/cache/vmtrace/debug-kernel
DEBUG_KMOD := $(B)/debug-kmod
check-debug: deps-debug
	$(MAKE) all $(LAB_BINS)
	scripts/debug-kernel.sh $(DEBUG_KCACHE)
	rm -rf $(DEBUG_KMOD) && mkdir -p $(DEBUG_KMOD) && cp -r Kbuild kmod include $(DEBUG_KMOD)/
	$(MAKE) -C $(DEBUG_KCACHE)/modules/lib/modules/$$(cat $(DEBUG_KCACHE)/kver)/build \
		M=$(CURDIR)/$(DEBUG_KMOD) modules
	VMTRACE_KTEST_APPEND="$(DEBUG_APPEND)" VMTRACE_KTEST_TIMEOUT=$${VMTRACE_KTEST_TIMEOUT:-1500} \
		VMTRACE_KTEST_BOOT_TIMEOUT=$(DEBUG_BOOT_TIMEOUT) VMTRACE_KTEST_BOOT_TRIES=$(DEBUG_BOOT_TRIES) \
		tests/ktest/run.sh -o $(B)/ktest-debug -K $(DEBUG_KCACHE)/vmlinuz -M $(DEBUG_KCACHE)/modules \
		-m $(DEBUG_KMOD)/vmtrace.ko $(KTEST_ARGS) $(CASES)
DEBUG_APPEND := tsc=unstable clocksource=hpet no_timer_check kmemleak=on
DEBUG_BOOT_TIMEOUT ?= 240
DEBUG_BOOT_TRIES ?= 6

module-install: vmtrace.ko
	$(MAKE) -C $(KERNELDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) modules_install
	$(if $(DESTDIR),,$(DEPMOD) -a $(KERNELRELEASE))

cli-install: $(B)/vmtrace
	install -D -m 0755 $(B)/vmtrace $(DESTDIR)$(SBINDIR)/vmtrace

man-install:
	install -D -m 0644 man/vmtrace.8 $(DESTDIR)$(MANDIR)/man8/vmtrace.8

BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
completion-install:
	install -D -m 0644 completion/vmtrace.bash $(DESTDIR)$(BASHCOMPDIR)/vmtrace

install: module-install cli-install man-install completion-install

uninstall:
	rm -f $(DESTDIR)/lib/modules/$(KERNELRELEASE)/$(INSTALL_MOD_DIR)/vmtrace.ko
	rm -f $(DESTDIR)$(SBINDIR)/vmtrace $(DESTDIR)$(MANDIR)/man8/vmtrace.8
	rm -f $(DESTDIR)$(BASHCOMPDIR)/vmtrace
	$(if $(DESTDIR),,$(DEPMOD) -a $(KERNELRELEASE))

# DKMS: the module's sources as /usr/src/vmtrace-VERSION.
DKMS_SRC := Kbuild dkms.conf kmod include
dkms-install:
	install -d $(DESTDIR)/usr/src/vmtrace-$(VERSION)
	cp -r $(DKMS_SRC) $(DESTDIR)/usr/src/vmtrace-$(VERSION)/
	rm -f $(DESTDIR)/usr/src/vmtrace-$(VERSION)/kmod/*.o $(DESTDIR)/usr/src/vmtrace-$(VERSION)/kmod/.*.cmd

# dkms add/build against the installed headers, in a private DKMS tree
# (nothing of the machine's own DKMS state is touched); the lab loads the result.
DKMS_TREE := $(CURDIR)/$(B)/dkms
dkms-check:
	rm -rf $(DKMS_TREE) $(B)/dkms-root
	$(MAKE) dkms-install DESTDIR=$(CURDIR)/$(B)/dkms-root
	mkdir -p $(DKMS_TREE)
	dkms add --dkmstree $(DKMS_TREE) --sourcetree $(CURDIR)/$(B)/dkms-root/usr/src vmtrace/$(VERSION)
	dkms build --dkmstree $(DKMS_TREE) --sourcetree $(CURDIR)/$(B)/dkms-root/usr/src \
		vmtrace/$(VERSION) -k $(KERNELRELEASE)
	test -f $(DKMS_TREE)/vmtrace/$(VERSION)/$(KERNELRELEASE)/$$(uname -m)/module/vmtrace.ko*

# Debian packages vmtrace and vmtrace-dkms, built from a clean copy of the tree.
DEB_TREE := $(B)/deb/vmtrace-$(VERSION)
deb: deps-deb
	rm -rf $(B)/deb
	mkdir -p $(DEB_TREE)
	cp -r Makefile Kbuild dkms.conf README.md kmod include userspace man completion docs debian $(DEB_TREE)/
	cd $(DEB_TREE) && dpkg-buildpackage -b -us -uc
	ls $(B)/deb/*.deb

# The packages as Debian checks them: lintian --pedantic clean, hardened,
# and every document the man page names where it says.
deb-check: deb
	tests/unit/deb-check.sh $(B)/deb

# Long fuzzing, before an issue is resolved (docs/reliability.md): the parser
# fuzzer for FUZZ_SECONDS, then the netlink fuzzer (lab case 67) for as long
# on the debug kernel.
FUZZ_SECONDS ?= 600
fuzz-long: $(B)/fuzz_parse $(B)/fuzz_replay $(B)/test_record $(B)/fuzz_nft nft-seeds
	@mkdir -p $(B)/fuzz-corpus $(B)/fuzz-replay-corpus $(B)/rec-seeds
	$(B)/fuzz_parse -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 $(B)/fuzz-corpus tests/fuzz/seeds
	$(B)/test_record $(B)/rec-seeds > /dev/null
	$(B)/fuzz_replay -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -close_fd_mask=3 -print_final_stats=1 \
		$(B)/fuzz-replay-corpus $(B)/rec-seeds
	$(B)/fuzz_nft -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -print_final_stats=1 $(B)/fuzz-nft-corpus \
		$(B)/nft-seeds
	printf 'NLFUZZ_SECONDS=%s\nNLFUZZ_SEED=%s\n' $(FUZZ_SECONDS) "$${NLFUZZ_SEED:-$$(date +%s)}" > $(B)/nlfuzz.env
	VMTRACE_KTEST_TIMEOUT=$$(($(FUZZ_SECONDS) + 1500)) $(MAKE) check-debug CASES=67-netlink-fuzz; \
		rc=$$?; rm -f $(B)/nlfuzz.env; exit $$rc

# Load and unload under a ping flood with a session live, UNLOAD_CYCLES times
# (lab case 60, which make check runs 20 times), on the debug kernel.
UNLOAD_CYCLES ?= 1000
cycles:
	printf 'UNLOAD_CYCLES=%s\n' $(UNLOAD_CYCLES) > $(B)/cycles.env
	VMTRACE_KTEST_TIMEOUT=14400 $(MAKE) check-debug CASES=60-unload-cycles; rc=$$?; rm -f $(B)/cycles.env; exit $$rc

# The kernel's forwarding selftests in the lab, without and with a vmtrace
# session (docs/reliability.md); SELFTESTS="..." picks some.
selftests: deps-selftests
	$(MAKE) all $(LAB_BINS)
	rm -rf $(B)/selftests && mkdir -p $(B)/selftests
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C $(B)/selftests --strip-components=5 \
		linux-source-6.1/tools/testing/selftests/net/forwarding/
	printf '%s\n' 'declare -A NETIFS' 'for i in $$(seq 10); do NETIFS[p$$i]=veth$$((i - 1)); done' \
		'NETIF_TYPE=veth' 'NETIF_CREATE=yes' 'PING=ping' 'PING6="ping -6"' 'MZ=mausezahn' \
		'WAIT_TIME=5' 'PING_TIMEOUT=5' 'PAUSE_ON_FAIL=no' 'PAUSE_ON_CLEANUP=no' \
		'LOW_AGEING_TIME=1000' 'TC_FLAG=skip_hw' 'TROUTE6=traceroute6' \
		> $(B)/selftests/forwarding/forwarding.config
	$(if $(SELFTESTS),printf 'SELFTESTS="%s"\n' "$(SELFTESTS)" > $(B)/selftests/env,rm -f $(B)/selftests/env)
	VMTRACE_KTEST_TIMEOUT=3600 tests/ktest/run.sh -v selftests
deps-selftests:
	scripts/install-deps.sh selftests

# Static analysis, as WireGuard's check does: sparse over the module (from a
# copy of the sources, so that the lab's vmtrace.ko is left alone) and the
# clang analyzer over the CLI, each failing on any finding.
analyze: deps-check
	rm -rf $(B)/sparse && mkdir -p $(B)/sparse && cp -r Kbuild kmod include $(B)/sparse/
	$(MAKE) -C $(KERNELDIR) M=$(CURDIR)/$(B)/sparse C=2 modules 2> $(B)/sparse.log
	@cat $(B)/sparse.log
	@! grep -E 'warning:|error:' $(B)/sparse.log
	rm -rf $(B)/scan-build
	scan-build-14 --status-bugs -o $(B)/scan-build/report $(MAKE) B=$(B)/scan-build CC=clang cli

# Each release's own headers and compiler, in a root cached under
# /var/cache/vmtrace/roots (scripts/kernel-root.sh); results in build/kernels/
# (docs/kernels.md). The host is bookworm: its 6.1 row is the main build and lab.
# make check: every release builds, the newest (last named) boots a lab subset.
MATRIX ?= bullseye trixie experimental sid
CI_KERNEL_CASES ?= 00-smoke 10-bridge-veth 40-tap-drops 63-freed-skbs-hostile 81-causes-bridged 90-follow-probe
kernels:
	scripts/kernel-matrix.sh $(MATRIX)
kernels-ci:
	scripts/kernel-matrix.sh -L "$(CI_KERNEL_CASES)" $(MATRIX)
# Before an issue is resolved: the whole suite on the newest kernel (last
# named), all but the nested-QEMU and libvirt cases on the others, the
# packages installed in each.
KERNELS ?= bullseye trixie sid
check-kernels: deps-check
	scripts/kernel-matrix.sh -p -l older -L all $(KERNELS)

CHECKPATCH ?= $(B)/checkpatch/checkpatch.pl
$(CHECKPATCH):
	@mkdir -p $(B)/checkpatch
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C $(B)/checkpatch --strip-components=2 \
		linux-source-6.1/scripts/checkpatch.pl linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
	touch $@

CHECKPATCH_FLAGS := --no-tree --strict --terse --show-types --max-line-length=100 -f
style: $(CHECKPATCH)
	$(CHECKPATCH) $(CHECKPATCH_FLAGS) $(filter-out kmod/parse.h,$(wildcard kmod/*.c kmod/*.h)) kmod/compat/compat.h
	@# parse.h gives the userspace build the kernel's u8/u16/u32 names
	$(CHECKPATCH) $(CHECKPATCH_FLAGS) --ignore PREFER_KERNEL_TYPES kmod/parse.h

clean:
	$(MAKE) -C $(KERNELDIR) M=$(CURDIR) clean 2>/dev/null || true
	rm -rf $(B)
