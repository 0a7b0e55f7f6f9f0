/* SPDX-License-Identifier: GPL-2.0 */
/* How events are named and printed, as text and as NDJSON. */
#ifndef VT_FORMAT_H
#define VT_FORMAT_H

#include <stdint.h>
#include <stdio.h>
#include <linux/vmtrace.h>

#include "netns.h"

const char *vt_point_name(unsigned int point);
const char *vt_kind_name(unsigned int kind);
const char *vt_dir_name(unsigned int dir);
const char *vt_devkind_name(unsigned int kind);
const char *vt_family_name(unsigned int family);
/* Address of the event's family as text; ARP carries IPv4. */
void vt_addr_str(unsigned int family, const uint8_t *addr, char *buf, size_t len);
/*
 * @v / 10^@scale, rounded to @decimals digits (@decimals <= @scale): "%.Nf"
 * without floating point, whose formatting is most of the CLI's time at
 * flood rates.
 */
char *vt_decimal(char *buf, size_t len, uint64_t v, unsigned int scale, unsigned int decimals);
void vt_json_str(FILE *f, const char *s);
/*
 * At most @max bytes of @s, fit for a terminal: a control character (ESC,
 * newline, DEL, ...) as \xNN and a backslash as \\, so that names tenants
 * choose (interfaces, namespaces, VMs) cannot drive the operator's
 * terminal. Cut at a whole character to @len; returns @buf.
 */
char *vt_text_safe(char *buf, size_t len, const char *s, size_t max);
/* A buffer vt_text_safe() fills with @n bytes of any content. */
#define VT_SAFE_LEN(n)	(4 * (n) + 1)

void vt_event_text(FILE *f, const struct vmtrace_event *ev,
		   const struct vt_netns_names *names, uint64_t t0_ns);
void vt_event_json(FILE *f, const struct vmtrace_event *ev,
		   const struct vt_netns_names *names);

#endif /* VT_FORMAT_H */
