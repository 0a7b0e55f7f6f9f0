/* SPDX-License-Identifier: GPL-2.0 */
/* From an echo's timeline to its verdict and cause. */
#ifndef VT_VERDICT_H
#define VT_VERDICT_H

#include "echo.h"

/*
 * The tracker's decide hook: 0 while the echo may still change (not settled,
 * or no reply before its timeout), else 1 with @v filled. @final decides
 * whatever is pending.
 */
int vt_decide(const struct vt_tracker *t, const struct vt_echo *e, uint64_t now, int final,
	      struct vt_verdict *v);

#endif /* VT_VERDICT_H */
