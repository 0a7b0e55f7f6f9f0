// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "echo.h"
#include "env.h"

void vt_env_init(struct vt_env *e, const struct vt_vm *vm, const struct vt_netns_names *names)
{
	memset(e, 0, sizeof(*e));
	e->vm = vm;
	e->names = names;
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
}

void vt_env_forget(struct vt_env *e)
{
	e->nviews = 0;
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
