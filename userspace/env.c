// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "echo.h"
#include "env.h"
#include "nft.h"

void vt_env_init(struct vt_env *e, const struct vt_vm *vm, const struct vt_netns_names *names)
{
	memset(e, 0, sizeof(*e));
	e->vm = vm;
	e->names = names;
}

static void forget_rulesets(struct vt_env *e)
{
	for (unsigned int i = 0; i < e->nrulesets; i++) {
		free(e->rulesets[i].json);
		free(e->rulesets[i].listing);
	}
	memset(e->rulesets, 0, sizeof(e->rulesets));
	e->nrulesets = 0;
}

void vt_env_free(struct vt_env *e)
{
	unsigned int i;

	for (i = 0; i < VT_ENV_VIEWS; i++) {
		if (e->views[i].view)
			vt_rtnl_free(e->views[i].view);
		free(e->views[i].view);
	}
	memset(e->views, 0, sizeof(e->views));
	e->nviews = 0;
	forget_rulesets(e);
}

void vt_env_forget(struct vt_env *e)
{
	e->nviews = 0;
	forget_rulesets(e);
}

const char *vt_env_netns(const struct vt_env *e, const struct vmtrace_event *ev)
{
	const struct vt_path_elem *el = vt_vm_elem(e->vm, ev);
	const char *n;

	if (el)
		return el->netns;
	if (!e->names)
		return NULL;
	n = vt_netns_name(e->names, ev->netns_inum);
	if (!strcmp(n, "host"))
		return "";
	return *n ? n : NULL;
}

const struct vt_rtnl_view *vt_env_view(struct vt_env *e, const char *netns)
{
	unsigned int i;
	int tok;

	if (!netns)
		return NULL;
	for (i = 0; i < e->nviews; i++)
		if (!strcmp(e->views[i].netns, netns))
			return e->views[i].err ? NULL : e->views[i].view;
	if (e->nviews == VT_ENV_VIEWS)
		return NULL;
	i = e->nviews;
	if (!e->views[i].view)
		e->views[i].view = calloc(1, sizeof(*e->views[i].view));
	if (!e->views[i].view)
		return NULL;
	snprintf(e->views[i].netns, sizeof(e->views[i].netns), "%s", netns);
	e->nviews++;
	tok = vt_netns_enter(netns);
	if (tok < 0) {
		e->views[i].err = tok;
		return NULL;
	}
	e->views[i].err = vt_rtnl_load(e->views[i].view);
	vt_netns_leave(tok);
	return e->views[i].err ? NULL : e->views[i].view;
}

/* vt_netns_enter(), for a namespace that may be unknown (NULL) */
static int enter(const char *netns)
{
	return netns ? vt_netns_enter(netns) : -ENOENT;
}

int vt_env_route(struct vt_env *e, const char *netns, int family, const uint8_t *dst, struct vt_route *r)
{
	int tok = enter(netns);

	(void)e;
	if (tok < 0)
		return tok;
	vt_route_get(family, dst, r);
	vt_netns_leave(tok);
	return 0;
}

long vt_env_sysctl(struct vt_env *e, const char *netns, const char *path)
{
	int tok = enter(netns);
	char file[512];
	long val = -1;
	FILE *f;

	(void)e;
	if (tok < 0)
		return -1;
	/* /proc/sys/net follows the namespace of whoever opens it */
	snprintf(file, sizeof(file), "/proc/sys/%s", path);
	f = fopen(file, "re");
	if (f) {
		if (fscanf(f, "%ld", &val) != 1)
			val = -1;
		fclose(f);
	}
	vt_netns_leave(tok);
	return val;
}

int vt_env_nft(struct vt_env *e, const char *netns, const char **json, size_t *json_len,
	       const char **listing)
{
	static const char *const as_json[] = { "nft", "-j", "-a", "list", "ruleset", NULL };
	static const char *const as_text[] = { "nft", "-a", "list", "ruleset", NULL };
	unsigned int i;
	size_t len;
	int tok;

	if (!netns)
		return -ENOENT;
	for (i = 0; i < e->nrulesets; i++)
		if (!strcmp(e->rulesets[i].netns, netns))
			break;
	if (i == e->nrulesets) {
		if (i == VT_ENV_RULESETS)
			return -ENOSPC;
		e->nrulesets++;
		snprintf(e->rulesets[i].netns, sizeof(e->rulesets[i].netns), "%s", netns);
		tok = enter(netns);
		if (tok < 0) {
			e->rulesets[i].err = tok;
		} else {
			/* nft runs in the namespace it is forked in */
			e->rulesets[i].err = vt_nft_run(as_json, &e->rulesets[i].json, &e->rulesets[i].json_len);
			if (!e->rulesets[i].err)
				e->rulesets[i].err = vt_nft_run(as_text, &e->rulesets[i].listing, &len);
			vt_netns_leave(tok);
		}
	}
	if (e->rulesets[i].err)
		return e->rulesets[i].err;
	*json = e->rulesets[i].json;
	*json_len = e->rulesets[i].json_len;
	*listing = e->rulesets[i].listing;
	return 0;
}

int vt_env_conntrack(struct vt_env *e, const char *netns, int family, const uint8_t *src,
		     const uint8_t *dst, uint16_t id, struct vt_ct *ct)
{
	int tok = enter(netns), ret;

	(void)e;
	if (tok < 0)
		return tok;
	ret = vt_ct_find_echo(family, src, dst, id, ct);
	vt_netns_leave(tok);
	return ret;
}
