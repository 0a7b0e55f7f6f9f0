/* SPDX-License-Identifier: GPL-2.0 */
/* How events are named and printed, as text and as NDJSON. */
#ifndef VT_FORMAT_H
#define VT_FORMAT_H

#include <stdint.h>
#include <stdio.h>
#include <linux/vmtrace.h>

#include "netns.h"

/* docs/json.md and docs/vmtrace.schema.json: fields are added, never renamed or removed */
#define VT_JSON_VERSION 1

const char *vt_point_name(unsigned int point);
const char *vt_kind_name(unsigned int kind);
const char *vt_dir_name(unsigned int dir);
const char *vt_devkind_name(unsigned int kind);
const char *vt_encap_name(unsigned int encap);
const char *vt_family_name(unsigned int family);
/* Address of the event's family as text; ARP carries IPv4. */
void vt_addr_str(unsigned int family, const uint8_t *addr, char *buf, size_t len);
/*
 * @v / 10^@scale, rounded to @decimals digits (@decimals <= @scale): "%.Nf"
 * without floating point, whose formatting is most of the CLI's time at
 * flood rates.
 */
char *vt_decimal(char *buf, size_t len, uint64_t v, unsigned int scale, unsigned int decimals);
/*
 * The UTF-8 character at @s, of at most @n bytes: its length, its code point
 * in @cp; 0 if the bytes there are no UTF-8 (a stray continuation byte, a
 * cut sequence, an overlong form, a surrogate, past U+10FFFF).
 */
size_t vt_utf8_char(const char *s, size_t n, uint32_t *cp);
/*
 * @s as a JSON string: UTF-8 passes as it is; '"', '\\' and the control
 * characters (C0, DEL, C1) are escaped; a byte that is no UTF-8 becomes
 * U+FFFD, one per byte (docs/json.md).
 */
void vt_json_str(FILE *f, const char *s);
/*
 * At most @max bytes of @s, fit for a terminal, so that names tenants choose
 * (interfaces, namespaces, VMs) cannot drive the operator's terminal: UTF-8
 * passes; a C0 control character (ESC, newline, ...), DEL or a byte that is
 * no UTF-8 becomes \xNN; a C1 control or a bidirectional override \uNNNN;
 * a backslash \\. Cut at a whole character to @len; returns @buf.
 */
char *vt_text_safe(char *buf, size_t len, const char *s, size_t max);
/* A buffer vt_text_safe() fills with @n bytes of any content. */
#define VT_SAFE_LEN(n)	(4 * (n) + 1)
/* @str into the array @buf (VT_SAFE_LEN of something), fit for a terminal */
#define VT_SAFE(buf, str)	vt_text_safe(buf, sizeof(buf), str, (sizeof(buf) - 1) / 4)
/*
 * CLOCK_REALTIME - CLOCK_MONOTONIC now: what turns an event's time into
 * wall-clock time. Taken when output is made (a clock stepped since the
 * event moves it) and stored in recordings, so that a replay prints the
 * times the live run printed.
 */
int64_t vt_wall_offset_ns(void);
/*
 * A CLOCK_MONOTONIC time (an event's) plus @offset_ns as wall-clock time:
 * "16:20:01.123456" in local time as tcpdump prints it, or with @iso
 * RFC 3339 in UTC, "2026-12-02T16:20:01.123456Z". Returns @buf (32 bytes
 * are enough).
 */
char *vt_wall_time(char *buf, size_t len, uint64_t mono_ns, int64_t offset_ns, int iso);


/*
 * A hop or drop line's fields that follow, probe and events print alike
 * (docs/json.md), from "{" to the last of them: the caller adds its own
 * and "}\n". A drop the ICMP layer took is a hop with "benign":true.
 */
void vt_hop_json_open(FILE *f, const struct vmtrace_event *ev, const struct vt_netns_names *names,
		      int64_t wall_offset_ns);
/* One event as a line of text; with @color a drop that lost the packet is red. */
void vt_event_text(FILE *f, const struct vmtrace_event *ev,
		   const struct vt_netns_names *names, uint64_t t0_ns, int color);
void vt_event_json(FILE *f, const struct vmtrace_event *ev,
		   const struct vt_netns_names *names, int64_t wall_offset_ns);

#endif /* VT_FORMAT_H */
