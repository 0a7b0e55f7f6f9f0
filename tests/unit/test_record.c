// SPDX-License-Identifier: GPL-2.0
/*
 * Recordings (docs/recording.md): what is written reads back the same, and
 * a file that is cut short, from another version, or made up is refused
 * with a reason, never trusted. With a directory argument it also leaves
 * there the recordings cli-args.sh replays through the real CLI.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../userspace/record.h"
#include "check.h"

static char dir[256] = "/tmp";

static struct vmtrace_event event(uint64_t ts, int point, const char *ifname, int kind, uint16_t seq)
{
	struct vmtrace_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.ts_ns = ts;
	ev.point = (uint8_t)point;
	ev.kind = (uint8_t)kind;
	ev.family = AF_INET;
	ev.icmp_id = 7;
	ev.icmp_seq = seq;
	ev.len = 84;
	ev.netns_inum = 4026531840u;
	snprintf(ev.ifname, sizeof(ev.ifname), "%s", ifname);
	inet_pton(AF_INET, kind == VMTRACE_PKT_ECHO_REQUEST ? "192.0.2.1" : "192.0.2.10", ev.src);
	inet_pton(AF_INET, kind == VMTRACE_PKT_ECHO_REQUEST ? "192.0.2.10" : "192.0.2.1", ev.dst);
	return ev;
}

static void lab_vm(struct vt_vm *vm)
{
	memset(vm, 0, sizeof(*vm));
	snprintf(vm->name, sizeof(vm->name), "web01");
	snprintf(vm->source, sizeof(vm->source), "pve");
	vm->npath = 2;
	snprintf(vm->path[0].ifname, sizeof(vm->path[0].ifname), "tap101i0");
	snprintf(vm->path[0].kind, sizeof(vm->path[0].kind), "tap");
	snprintf(vm->path[0].master, sizeof(vm->path[0].master), "vmbr0");
	vm->path[0].ifindex = 7;
	vm->path[0].master_ifindex = 3;
	vm->path[0].netns_inum = 4026531840u;
	vm->path[0].netns_cookie = 1;
	vm->path[0].role = VT_ROLE_PORT;
	snprintf(vm->path[1].ifname, sizeof(vm->path[1].ifname), "vmbr0");
	snprintf(vm->path[1].kind, sizeof(vm->path[1].kind), "bridge");
	vm->path[1].ifindex = 3;
	vm->path[1].netns_inum = 4026531840u;
	vm->path[1].netns_cookie = 1;
	vm->path[1].role = VT_ROLE_BRIDGE;
	vm->naddrs = 1;
	vm->addrs[0].family = AF_INET;
	inet_pton(AF_INET, "192.0.2.10", vm->addrs[0].addr);
}

/*
 * What `vmtrace probe web01 --count 2 --write` would have written: echo 1
 * replied, echo 2 dropped at the tap with its ring full, the cause as the
 * host showed it then.
 */
static const char *write_probe(const char *name)
{
	static char path[512];
	static struct vt_echo e;
	struct vt_rec_options o = { .count = 2, .timeout_ns = 1000000000ULL, .settle_ns = 150000000ULL };
	struct vt_netns_names names = { .n = 1 };
	struct vt_rec_writer w;
	struct vt_rec_lost lost = { .received = 6, .lost_kernel = 1 };
	struct vt_verdict v;
	struct vmtrace_event ev;
	struct vt_vm vm;
	const int64_t off = 1796228396000000000LL;	/* 2026-12-02T16:20:01Z at 5 s */
	uint8_t dst[16] = { 0 };
	int err;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	names.e[0].inum = 4026531840u;
	snprintf(names.e[0].name, sizeof(names.e[0].name), "host");
	lab_vm(&vm);
	err = vt_rec_create(&w, path, "probe");
	CHECK(!err, "create %s: %d", path, err);
	vt_rec_put(&w, VT_REC_OPTIONS, 0, 4000000000ULL, 0, &o, sizeof(o));
	vt_rec_put_names(&w, &names, 4000000000ULL);
	vt_rec_put_vm(&w, &vm, 0, 4000000000ULL);
	inet_pton(AF_INET, "192.0.2.10", dst);
	for (uint16_t seq = 1; seq <= 2; seq++) {
		struct vt_rec_expect x = { .family = AF_INET, .id = 7, .seq = seq };

		memcpy(x.dst, dst, 16);
		vt_rec_put(&w, VT_REC_EXPECT, 0, 5000000000ULL + seq * 200000000ULL, 0, &x, sizeof(x));
	}
	ev = event(5200010000ULL, VMTRACE_POINT_IP_OUTPUT, "vmbr0", VMTRACE_PKT_ECHO_REQUEST, 1);
	vt_rec_put(&w, VT_REC_EVENT, 0, 5200100000ULL, off, &ev, sizeof(ev));
	ev = event(5200310000ULL, VMTRACE_POINT_DEV_RX, "vmbr0", VMTRACE_PKT_ECHO_REPLY, 1);
	vt_rec_put(&w, VT_REC_EVENT, 0, 5200400000ULL, off, &ev, sizeof(ev));
	ev = event(5400010000ULL, VMTRACE_POINT_IP_OUTPUT, "vmbr0", VMTRACE_PKT_ECHO_REQUEST, 2);
	vt_rec_put(&w, VT_REC_EVENT, 0, 5400100000ULL, off, &ev, sizeof(ev));
	ev = event(5400016100ULL, VMTRACE_POINT_SKB_DROP, "tap101i0", VMTRACE_PKT_ECHO_REQUEST, 2);
	ev.flags = VMTRACE_EV_DROP;
	snprintf(ev.reason, sizeof(ev.reason), "FULL_RING");
	snprintf(ev.location, sizeof(ev.location), "tun_net_xmit+0x1f5");
	vt_rec_put(&w, VT_REC_EVENT, 0, 5400100000ULL, off, &ev, sizeof(ev));

	/* the verdicts of the tick at 5.6 s, then the tick */
	memset(&e, 0, sizeof(e));
	e.family = AF_INET;
	inet_pton(AF_INET, "192.0.2.1", e.src);
	memcpy(e.dst, dst, 16);
	e.id = 7;
	e.seq = 1;
	memset(&v, 0, sizeof(v));
	v.status = VT_REPLIED;
	v.rtt_ns = 300000;
	vt_rec_put_verdict(&w, &e, &v, 5600000000ULL);
	e.seq = 2;
	memset(&v, 0, sizeof(v));
	v.status = VT_DROPPED;
	v.hop = &ev;
	v.cause.id = "vm-not-reading";
	snprintf(v.cause.explain, sizeof(v.cause.explain),
		 "the guest is not draining its virtio-net RX queue (VM paused, hung or out of buffers)");
	snprintf(v.cause.check, sizeof(v.cause.check), "qm status 101");
	vt_rec_put_verdict(&w, &e, &v, 5600000000ULL);
	vt_rec_put(&w, VT_REC_TICK, 0, 5600000000ULL, off, NULL, 0);
	vt_rec_put(&w, VT_REC_TICK, VT_REC_TICK_FINAL, 5700000000ULL, off, NULL, 0);
	vt_rec_put(&w, VT_REC_LOST, 0, 5700000000ULL, 0, &lost, sizeof(lost));
	err = vt_rec_close(&w);
	CHECK(!err, "close %s: %d", path, err);
	return path;
}

static FILE *open_or_die(const char *path)
{
	FILE *f = fopen(path, "rb");

	if (!f) {
		perror(path);
		exit(1);
	}
	return f;
}

static void test_round_trip(void)
{
	const char *path = write_probe("probe.vmtr");
	struct vt_rec_reader rd;
	struct vt_rec_header h;
	struct vt_rec_verdict rv;
	struct vt_netns_names names;
	struct vt_vm vm, want;
	unsigned int n = 0, types = 0;
	char why[256] = "";
	FILE *f = open_or_die(path);
	int err;

	err = vt_rec_open(&rd, f, why, sizeof(why));
	CHECK(!err && !strcmp(rd.fh.command, "probe") && rd.fh.major == VT_REC_MAJOR &&
	      rd.fh.event_size == sizeof(struct vmtrace_event), "open: %d %s", err, why);
	while ((err = vt_rec_next(&rd, &h, why, sizeof(why))) > 0) {
		n++;
		types |= 1u << h.type;
		switch (h.type) {
		case VT_REC_VM:
			lab_vm(&want);
			CHECK(!vt_rec_get_vm(rd.buf, h.len, &vm) && !memcmp(&vm, &want, sizeof(vm)),
			      "the VM reads back whole");
			break;
		case VT_REC_NETNS_NAMES:
			CHECK(!vt_rec_get_names(rd.buf, h.len, &names) && names.n == 1 &&
			      !strcmp(names.e[0].name, "host"), "the namespace names read back");
			break;
		case VT_REC_VERDICT:
			CHECK(!vt_rec_get_verdict(rd.buf, h.len, &rv), "a verdict reads back");
			if (rv.seq == 2)
				CHECK(rv.status == VT_DROPPED && rv.has_hop && !strcmp(rv.cause_id, "vm-not-reading") &&
				      !strcmp(rv.hop.reason, "FULL_RING") && !strcmp(rv.check, "qm status 101"),
				      "the drop's verdict: %u %s %s", rv.status, rv.cause_id, rv.hop.reason);
			break;
		case VT_REC_TICK:
			CHECK(h.len == 0 && h.wall_offset_ns == 1796228396000000000LL, "a tick keeps its clock");
			break;
		}
	}
	CHECK(err == 0 && n == 14, "every record, then the end: %d after %u (%s)", err, n, why);
	CHECK(types == 0x1fe, "every type: %#x", types);
	vt_rec_close_reader(&rd);
	fclose(f);
}

/* A copy of @path with @len bytes, or with @patch at @at. */
static const char *variant(const char *path, const char *name, long len, long at, const void *patch,
			   size_t plen)
{
	static char out[512];
	static char data[65536];
	FILE *f = open_or_die(path);
	size_t n = fread(data, 1, sizeof(data), f);

	fclose(f);
	if (len >= 0 && (size_t)len < n)
		n = (size_t)len;
	if (patch)
		memcpy(data + at, patch, plen);
	snprintf(out, sizeof(out), "%s/%s", dir, name);
	f = fopen(out, "wb");
	if (!f || fwrite(data, 1, n, f) != n)
		exit(1);
	fclose(f);
	return out;
}

static const char *variant_path(const char *name)
{
	static char p[512];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

/* Read @path to its end: the first error (0 if none), its reason in @why. */
static int read_all(const char *path, char *why, size_t whylen)
{
	struct vt_rec_reader rd;
	struct vt_rec_header h;
	FILE *f = open_or_die(path);
	int err = vt_rec_open(&rd, f, why, whylen);

	while (!err && (err = vt_rec_next(&rd, &h, why, whylen)) > 0) {
		union {
			struct vt_vm vm;
			struct vt_netns_names names;
			struct vt_rec_verdict v;
		} *u = malloc(sizeof(*u));

		if (h.type == VT_REC_VM)
			err = vt_rec_get_vm(rd.buf, h.len, &u->vm) ? vt_rec_invalid(&rd, &h, why, whylen) : 1;
		else if (h.type == VT_REC_NETNS_NAMES)
			err = vt_rec_get_names(rd.buf, h.len, &u->names) ? vt_rec_invalid(&rd, &h, why, whylen) : 1;
		else if (h.type == VT_REC_VERDICT)
			err = vt_rec_get_verdict(rd.buf, h.len, &u->v) ? vt_rec_invalid(&rd, &h, why, whylen) : 1;
		free(u);
		if (err < 0)
			break;
		err = 0;
	}
	vt_rec_close_reader(&rd);
	fclose(f);
	return err;
}

static long offset_of(const char *path, uint16_t type, unsigned int nth)
{
	struct vt_rec_reader rd;
	struct vt_rec_header h;
	char why[256];
	FILE *f = open_or_die(path);
	long at = -1;

	if (vt_rec_open(&rd, f, why, sizeof(why)))
		exit(1);
	while (vt_rec_next(&rd, &h, why, sizeof(why)) > 0)
		if (h.type == type && nth-- == 0) {
			at = (long)rd.record_offset;
			break;
		}
	vt_rec_close_reader(&rd);
	fclose(f);
	return at;
}

static void test_refused(void)
{
	const char *good = write_probe("good.vmtr");
	char why[256];
	long vm_at = offset_of(good, VT_REC_VM, 0), verdict_at = offset_of(good, VT_REC_VERDICT, 1);
	long size;
	uint32_t u32;
	uint16_t u16;
	int err;
	FILE *f = open_or_die(good);

	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fclose(f);
	CHECK(vm_at > 0 && verdict_at > vm_at, "records found: %ld %ld", vm_at, verdict_at);

	err = read_all(variant(good, "cut.vmtr", size - 100, 0, NULL, 0), why, sizeof(why));
	CHECK(err == -EBADMSG && strstr(why, "cut short at byte"), "a record cut short: %d %s", err, why);
	err = read_all(variant(good, "cut-header.vmtr", 20, 0, NULL, 0), why, sizeof(why));
	CHECK(err == -EBADMSG && !strcmp(why, "the recording's header is cut short"), "header cut: %s", why);
	err = read_all(variant(good, "text.vmtr", -1, 0, "#!/bin/sh", 9), why, sizeof(why));
	CHECK(err == -EBADMSG && !strcmp(why, "not a vmtrace recording"), "not one: %s", why);
	u16 = VT_REC_MAJOR + 1;
	err = read_all(variant(good, "major.vmtr", -1, offsetof(struct vt_rec_file_header, major), &u16, 2),
		       why, sizeof(why));
	CHECK(err == -EBADMSG && strstr(why, "recording format 2.0, this vmtrace reads 1.x"), "major: %s", why);
	u32 = 0x04030201;
	err = read_all(variant(good, "order.vmtr", -1, offsetof(struct vt_rec_file_header, byte_order), &u32, 4),
		       why, sizeof(why));
	CHECK(err == -EBADMSG && strstr(why, "other byte order"), "byte order: %s", why);
	u32 = sizeof(struct vmtrace_event) + 8;
	err = read_all(variant(good, "evsize.vmtr", -1, offsetof(struct vt_rec_file_header, event_size), &u32, 4),
		       why, sizeof(why));
	CHECK(err == -EBADMSG && strstr(why, "events of"), "event size: %s", why);
	/* a record claiming more than a reader takes */
	u32 = VT_REC_MAX_LEN + 1;
	err = read_all(variant(good, "huge.vmtr", -1, vm_at + 4, &u32, 4), why, sizeof(why));
	CHECK(err == -EBADMSG && strstr(why, "a record of 131073 bytes"), "huge: %s", why);
	/* a VM whose path says 65 interfaces, or an unknown role */
	u32 = VMTRACE_MAX_IFACES + 1;
	err = read_all(variant(good, "npath.vmtr", -1, vm_at + 24 + offsetof(struct vt_rec_vm, npath), &u32, 4),
		       why, sizeof(why));
	CHECK(err == -EBADMSG && strstr(why, "a malformed record (type 2"), "65 interfaces: %s", why);
	u32 = 99;
	err = read_all(variant(good, "role.vmtr", -1, vm_at + 24 + sizeof(struct vt_rec_vm) +
			       offsetof(struct vt_rec_path_elem, role), &u32, 4), why, sizeof(why));
	CHECK(err == -EBADMSG && strstr(why, "type 2"), "role 99: %s", why);
	/* a cause id that would reach the terminal unescaped */
	err = read_all(variant(good, "cause.vmtr", -1, verdict_at + 24 + offsetof(struct vt_rec_verdict, cause_id),
			       "vm\033[2J", 7), why, sizeof(why));
	CHECK(err == -EBADMSG && strstr(why, "type 6"), "an escape in a cause id: %s", why);
	/* a lost-in-vm verdict without the hop the renderer reads, a drop without a cause */
	u32 = 0;
	err = read_all(variant(good, "nohop.vmtr", -1, verdict_at + 24 + offsetof(struct vt_rec_verdict, has_hop),
			       &u32, 4), why, sizeof(why));
	CHECK(err == -EBADMSG && strstr(why, "type 6"), "a drop without its hop: %s", why);
	u32 = VT_LOST_IN_VM;
	variant(good, "lostinvm.vmtr", -1, verdict_at + 24 + offsetof(struct vt_rec_verdict, status), &u32, 4);
	u32 = 0;
	err = read_all(variant(variant_path("lostinvm.vmtr"), "lostinvm-nohop.vmtr", -1,
			       verdict_at + 24 + offsetof(struct vt_rec_verdict, has_hop), &u32, 4), why, sizeof(why));
	CHECK(err == -EBADMSG && strstr(why, "type 6"), "lost-in-vm without its hop: %s", why);
	err = read_all(variant(good, "nocause.vmtr", -1, verdict_at + 24 + offsetof(struct vt_rec_verdict, cause_id),
			       "", 1), why, sizeof(why));
	CHECK(err == -EBADMSG && strstr(why, "type 6"), "a drop without a cause: %s", why);
	/* cut between two records: the reader sees a clean end; replay says what is missing (cli-args) */
	variant(good, "nolost.vmtr", offset_of(good, VT_REC_LOST, 0), 0, NULL, 0);
	/* an EXPECT whose error is no errno */
	u32 = 0x80000000u;
	variant(good, "senderr.vmtr", -1, offset_of(good, VT_REC_EXPECT, 0) + 24 + offsetof(struct vt_rec_expect, send_err),
		&u32, 4);
	/* a verdict of a size this version does not know */
	u32 = sizeof(struct vt_rec_verdict) - 8;
	err = read_all(variant(good, "vsize.vmtr", -1, verdict_at + 4, &u32, 4), why, sizeof(why));
	CHECK(err == -EBADMSG, "a verdict of another size: %s", why);
}

/* The kernel's words in a made-up recording reach no terminal as control characters. */
static void test_plain_kernel_words(void)
{
	const char *good = write_probe("words.vmtr");
	long drop_at = offset_of(good, VT_REC_EVENT, 3);
	struct vt_rec_reader rd;
	struct vt_rec_header h;
	char why[256];
	FILE *f;
	unsigned int n = 0;

	f = open_or_die(variant(good, "escape.vmtr", -1, drop_at + 24 + offsetof(struct vmtrace_event, reason),
				"FULL\033]0;x\a", 11));
	CHECK(!vt_rec_open(&rd, f, why, sizeof(why)), "open");
	while (vt_rec_next(&rd, &h, why, sizeof(why)) > 0)
		if (h.type == VT_REC_EVENT && n++ == 3)
			CHECK(!strcmp(((struct vmtrace_event *)rd.buf)->reason, "FULL?]0;x?"),
			      "escapes become '?': %s", ((struct vmtrace_event *)rd.buf)->reason);
	vt_rec_close_reader(&rd);
	fclose(f);
}

/* Where the recording goes: ours, 0600, never through a symlink or into another user's file. */
static void test_create(void)
{
	struct vt_rec_writer w;
	struct stat st;
	char path[512], link[512];
	int err, fd;

	snprintf(path, sizeof(path), "%s/mode.vmtr", dir);
	snprintf(link, sizeof(link), "%s/link.vmtr", dir);
	unlink(path);
	unlink(link);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	if (fd < 0 || write(fd, "old", 3) != 3)
		exit(1);
	fchmod(fd, 0644);
	close(fd);
	err = vt_rec_create(&w, path, "follow");
	vt_rec_close(&w);
	CHECK(!err && !stat(path, &st) && (st.st_mode & 0777) == 0600 && st.st_size == sizeof(struct vt_rec_file_header),
	      "an old file of ours: emptied, 0600: %d %o %lld", err, st.st_mode & 0777, (long long)st.st_size);
	if (symlink(path, link))
		exit(1);
	err = vt_rec_create(&w, link, "follow");
	CHECK(err == -EPERM, "not through a symlink: %d", err);
	unlink(link);
	if (geteuid() == 0) {
		if (chown(path, 65534, 65534))
			exit(1);
		err = vt_rec_create(&w, path, "follow");
		CHECK(err == -EPERM, "not into another user's file: %d", err);
	}
	unlink(path);
	if (mkfifo(link, 0600))
		exit(1);
	err = vt_rec_create(&w, link, "follow");
	CHECK(err == -EPERM, "not into a FIFO, without blocking: %d", err);
	unlink(link);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		snprintf(dir, sizeof(dir), "%s", argv[1]);
	test_round_trip();
	test_refused();
	test_plain_kernel_words();
	test_create();
	printf("record: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
