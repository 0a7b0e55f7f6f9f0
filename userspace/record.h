/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Recordings: what follow, probe and events saw, written with --write and
 * read back by vmtrace replay. The format is docs/recording.md; this header
 * is its definition in code.
 */
#ifndef VT_RECORD_H
#define VT_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/vmtrace.h>

#include "echo.h"
#include "netns.h"
#include "resolve.h"

#define VT_REC_MAGIC		"vmtrace\n"
#define VT_REC_MAJOR		1	/* a reader refuses another major */
#define VT_REC_MINOR		0	/* new record types only: a reader skips those it does not know */
#define VT_REC_BYTE_ORDER	0x01020304u
#define VT_REC_MAX_LEN		(128u * 1024)	/* the longest record a reader accepts */

struct vt_rec_file_header {
	char magic[8];			/* VT_REC_MAGIC */
	uint32_t byte_order;		/* VT_REC_BYTE_ORDER as the writer's host stores it */
	uint16_t major, minor;
	uint32_t header_len;		/* this header's size: records start there */
	uint32_t event_size;		/* sizeof(struct vmtrace_event) in EVENT and VERDICT records */
	uint32_t genl_version;		/* the UAPI the writer was built with */
	uint32_t reserved;
	char tool_version[32];		/* the vmtrace that wrote it */
	char command[16];		/* follow, probe or events */
};

/* Every record: this header, @len bytes, zeros up to a multiple of 8. */
struct vt_rec_header {
	uint16_t type;			/* enum vt_rec_type */
	uint16_t flags;
	uint32_t len;
	uint64_t mono_ns;		/* CLOCK_MONOTONIC when it happened, as the events' ts_ns */
	int64_t wall_offset_ns;		/* CLOCK_REALTIME - CLOCK_MONOTONIC then: wall-clock times */
};

enum vt_rec_type {
	VT_REC_OPTIONS = 1,	/* struct vt_rec_options: what the command was asked for */
	VT_REC_VM,		/* struct vt_rec_vm + elems + addrs; flags: VT_REC_VM_CHANGED */
	VT_REC_NETNS_NAMES,	/* struct vt_rec_netns_name, repeated: the names events print */
	VT_REC_EVENT,		/* struct vmtrace_event, as the kernel sent it */
	VT_REC_EXPECT,		/* struct vt_rec_expect: probe sent an echo */
	VT_REC_VERDICT,		/* struct vt_rec_verdict: an echo decided, with its cause */
	VT_REC_TICK,		/* the tracker decided what was due at mono_ns; flags: VT_REC_TICK_FINAL */
	VT_REC_LOST,		/* struct vt_rec_lost: the sessions' counts, at the end */
};

#define VT_REC_VM_CHANGED	1	/* the VM's interfaces changed: traced anew from here */
#define VT_REC_TICK_FINAL	1	/* the end (or a path change): everything decided */

struct vt_rec_options {
	uint64_t count;		/* follow: verdicts; probe: echoes sent; events: events (0: no limit) */
	uint64_t timeout_ns;
	uint64_t settle_ns;
	int32_t family;		/* -4/-6: AF_INET or AF_INET6, else 0 */
	uint32_t reserved;
};

struct vt_rec_vm {
	char name[256];
	char source[16];
	char note[256];
	uint32_t npath;		/* struct vt_rec_path_elem follow, then naddrs struct vt_rec_addr */
	uint32_t naddrs;
};

struct vt_rec_path_elem {
	char ifname[16];
	char netns[256];
	char kind[16];
	char master[16];
	uint64_t netns_cookie;
	int32_t ifindex;
	uint32_t netns_inum;
	int32_t master_ifindex;
	uint32_t role;		/* enum vt_role */
};

struct vt_rec_addr {
	int32_t family;
	uint8_t addr[16];
};

struct vt_rec_netns_name {
	uint32_t inum;
	char name[256];
};

struct vt_rec_expect {
	int32_t family;
	uint8_t dst[16];
	uint16_t id, seq;
	int32_t send_err;
};

struct vt_rec_verdict {
	int32_t family;
	uint8_t src[16], dst[16];
	uint16_t id, seq;
	uint32_t status;	/* enum vt_status */
	uint32_t has_hop;
	uint32_t inferred;
	uint32_t via_neighbour;
	uint32_t reserved[2];
	uint64_t rtt_ns;
	char cause_id[32];	/* "" for none */
	char explain[480];
	char check[256];
	struct vmtrace_event hop;
};

struct vt_rec_lost {
	uint64_t received;	/* events the sessions delivered */
	uint64_t lost_kernel;
	uint64_t lost_socket;
};

/* What is on disk has no padding the compiler chose: docs/recording.md lists every byte. */
_Static_assert(sizeof(struct vt_rec_file_header) == 80, "file header layout");
_Static_assert(sizeof(struct vt_rec_header) == 24, "record header layout");
_Static_assert(sizeof(struct vt_rec_options) == 32, "options layout");
_Static_assert(sizeof(struct vt_rec_vm) == 536, "vm layout");
_Static_assert(sizeof(struct vt_rec_path_elem) == 328, "path element layout");
_Static_assert(sizeof(struct vt_rec_addr) == 20, "address layout");
_Static_assert(sizeof(struct vt_rec_netns_name) == 260, "netns name layout");
_Static_assert(sizeof(struct vt_rec_expect) == 28, "expect layout");
_Static_assert(offsetof(struct vt_rec_verdict, rtt_ns) == 64 &&
	       offsetof(struct vt_rec_verdict, hop) == 840 &&
	       sizeof(struct vt_rec_verdict) == 840 + sizeof(struct vmtrace_event), "verdict layout");
_Static_assert(sizeof(struct vt_rec_lost) == 24, "lost layout");

/*
 * Writing: every call after the first failure does nothing; the failure is
 * said once on stderr when it happens, and vt_rec_close() returns it.
 */
struct vt_rec_writer {
	FILE *f;
	const char *path;
	int err;		/* the first -errno */
};

/*
 * Create @path, or empty it if it is ours (mode 0600 either way: it holds
 * tenants' addresses; never through a symlink, never another user's file),
 * and write the file header.
 */
int vt_rec_create(struct vt_rec_writer *w, const char *path, const char *command);
void vt_rec_put(struct vt_rec_writer *w, uint16_t type, uint16_t flags, uint64_t mono_ns,
		int64_t wall_offset_ns, const void *payload, uint32_t len);
/* Push what is buffered to the file, so that a killed run leaves what it saw. */
void vt_rec_flush(struct vt_rec_writer *w);
/* 0, or the first -errno of any write. */
int vt_rec_close(struct vt_rec_writer *w);

void vt_rec_put_vm(struct vt_rec_writer *w, const struct vt_vm *vm, int changed, uint64_t mono_ns);
void vt_rec_put_names(struct vt_rec_writer *w, const struct vt_netns_names *names, uint64_t mono_ns);
void vt_rec_put_verdict(struct vt_rec_writer *w, const struct vt_echo *e, const struct vt_verdict *v,
			uint64_t mono_ns);

/* Reading: from a stream, checking every length, trusting no string to end. */
struct vt_rec_reader {
	FILE *f;
	struct vt_rec_file_header fh;
	uint64_t offset;	/* of the next record */
	uint64_t record_offset;	/* of the last one read */
	uint8_t *buf;		/* VT_REC_MAX_LEN */
};

/* Read and check the file header; 0, or -errno with a one-line reason in @why. */
int vt_rec_open(struct vt_rec_reader *r, FILE *f, char *why, size_t whylen);
/*
 * The next record: 1 with @h and its payload in r->buf (aligned for any
 * record; a known type's length checked), 0 at the end, or -EBADMSG with
 * the reason in @why (a record cut short: the writer was killed, or the
 * file is not a recording).
 */
int vt_rec_next(struct vt_rec_reader *r, struct vt_rec_header *h, char *why, size_t whylen);
/* The file ended cleanly but without its LOST record (the writer was killed): -EBADMSG, @why says where. */
int vt_rec_unfinished(const struct vt_rec_reader *r, char *why, size_t whylen);
/* The record just read is not what its type says: -EBADMSG, @why says where. */
int vt_rec_invalid(const struct vt_rec_reader *r, const struct vt_rec_header *h, char *why, size_t whylen);
void vt_rec_close_reader(struct vt_rec_reader *r);

/* Payload checks and conversions; 0 or -EBADMSG. */
int vt_rec_get_vm(const void *p, uint32_t len, struct vt_vm *vm);
int vt_rec_get_names(const void *p, uint32_t len, struct vt_netns_names *names);
int vt_rec_get_verdict(const void *p, uint32_t len, struct vt_rec_verdict *v);

#endif /* VT_RECORD_H */
