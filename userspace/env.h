/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host as it is right after a drop: rtnetlink views, routes, sysctls
 * and conntrack, per namespace, read on demand and kept for one tracker
 * tick (every verdict of a tick is decided at the same instant).
 */
#ifndef VT_ENV_H
#define VT_ENV_H

#include <stdint.h>
#include <linux/vmtrace.h>

#include "conntrack.h"
#include "netns.h"
#include "resolve.h"
#include "rtnl.h"

#define VT_ENV_VIEWS 4
#define VT_ENV_RULESETS 4

struct vt_env {
	const struct vt_vm *vm;
	const struct vt_netns_names *names;	/* NULL: only the VM's path is named */
	unsigned int nviews;
	struct {
		char netns[256];
		struct vt_rtnl_view *view;
		int err;
	} views[VT_ENV_VIEWS];
	unsigned int nrulesets;
	struct {
		char netns[256];
		char *json, *listing;	/* nft -j -a list ruleset; nft -a list ruleset */
		size_t json_len;
		int err;
	} rulesets[VT_ENV_RULESETS];
};

void vt_env_init(struct vt_env *e, const struct vt_vm *vm, const struct vt_netns_names *names);
void vt_env_free(struct vt_env *e);
/* Forget what was read: the next tracker tick reads again. */
void vt_env_forget(struct vt_env *e);
/* The namespace an event happened in: "" is vmtrace's own; NULL if unknown. */
const char *vt_env_netns(const struct vt_env *e, const struct vmtrace_event *ev);
/* rtnetlink's view of @netns, or NULL. */
const struct vt_rtnl_view *vt_env_view(struct vt_env *e, const char *netns);
/* ip route get in @netns; 0, or -errno if the namespace cannot be entered. */
int vt_env_route(struct vt_env *e, const char *netns, int family, const uint8_t *dst, struct vt_route *r);
/* A number from /proc/sys/@path as @netns sees it, or -1. */
long vt_env_sysctl(struct vt_env *e, const char *netns, const char *path);
/* vt_ct_find_echo() in @netns. */
/*
 * The nftables ruleset of @netns, as JSON (for vt_nft_find_drop()) and as
 * nft lists it (the rules' text), read once per tick; 0 or -errno (no nft).
 */
int vt_env_nft(struct vt_env *e, const char *netns, const char **json, size_t *json_len,
	       const char **listing);
int vt_env_conntrack(struct vt_env *e, const char *netns, int family, const uint8_t *src,
		     const uint8_t *dst, uint16_t id, struct vt_ct *ct);

#endif /* VT_ENV_H */
