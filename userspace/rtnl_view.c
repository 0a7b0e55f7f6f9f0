// SPDX-License-Identifier: GPL-2.0
/* Looking things up in a loaded rtnetlink view; no netlink here. */
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "rtnl.h"

void vt_rtnl_free(struct vt_rtnl_view *v)
{
	free(v->links);
	free(v->addrs);
	free(v->neigh);
	memset(v, 0, sizeof(*v));
}

const struct vt_link *vt_link_by_index(const struct vt_rtnl_view *v, int ifindex)
{
	unsigned int i;

	for (i = 0; i < v->nlinks; i++)
		if (v->links[i].ifindex == ifindex)
			return &v->links[i];
	return NULL;
}

const struct vt_link *vt_link_by_name(const struct vt_rtnl_view *v, const char *name)
{
	unsigned int i;

	for (i = 0; i < v->nlinks; i++)
		if (!strcmp(v->links[i].name, name))
			return &v->links[i];
	return NULL;
}

const struct vt_neigh *vt_neigh_find(const struct vt_rtnl_view *v, int family, const uint8_t *addr,
				     int ifindex)
{
	size_t alen = vt_addr_len(family);
	unsigned int i;

	for (i = 0; i < v->nneigh; i++)
		if (v->neigh[i].family == family && !memcmp(v->neigh[i].addr, addr, alen) &&
		    (!ifindex || v->neigh[i].ifindex == ifindex))
			return &v->neigh[i];
	return NULL;
}

int vt_link_has_vlan(const struct vt_link *l, unsigned int vid)
{
	return vid < 4096 && (l->vlan_member[vid / 8] & (1 << (vid % 8)));
}

int vt_link_is_macvlan(const struct vt_link *l)
{
	return l && (!strcmp(l->kind, "macvlan") || !strcmp(l->kind, "macvtap"));
}
