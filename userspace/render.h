/* SPDX-License-Identifier: GPL-2.0 */
/* What follow and probe print: the path, timelines and verdicts, the summary; text or JSON. */
#ifndef VT_RENDER_H
#define VT_RENDER_H

#include <stdint.h>
#include <stdio.h>

#include "echo.h"
#include "netns.h"
#include "resolve.h"

struct vt_render {
	FILE *out;
	int json;				/* JSON lines instead of text */
	int color;				/* ANSI colours in the text */
	int time;				/* wall-clock time before each echo in the text */
	const struct vt_netns_names *names;	/* namespace names */
	int64_t wall_offset_ns;			/* vt_wall_offset_ns() when the output is made */
};

/* The verdicts counted, and every loss that may have cost a verdict its hops. */
struct vt_summary {
	uint64_t echoes, by_status[VT_UNSEEN + 1];
	unsigned int ndrops;
	struct {
		char key[64];
		uint64_t n;
	} drops[32];
	uint64_t lost_kernel, lost_socket;	/* the sessions' */
	uint64_t lost_echo_full;		/* past an echo's VT_ECHO_EVENTS */
	uint64_t evicted, after_verdict;	/* the tracker's */
};

void vt_summary_count(struct vt_summary *s, const struct vt_verdict *v);
/* @type: "start", or "path" when the VM was found again with other interfaces. */
void vt_render_path(const struct vt_render *r, const struct vt_vm *vm, const char *type);
/* One echo: its timeline, then its verdict. */
void vt_render_verdict(const struct vt_render *r, const struct vt_echo *e, const struct vt_verdict *v);
void vt_render_summary(const struct vt_render *r, const struct vt_summary *s);

#endif /* VT_RENDER_H */
