// SPDX-License-Identifier: GPL-2.0
/* rtnetlink dumps with libmnl: small, synchronous, one namespace at a time. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "addr.h"
#include "rtnl.h"

/* IFLA_BRPORT_LOCKED (uapi, 6.0) is an enum older libc headers lack. */
#define VT_IFLA_BRPORT_LOCKED 39

int vt_mnl_talk(int bus, struct nlmsghdr *req, vt_msg_cb cb, void *arg)
{
	char buf[65536];
	struct mnl_socket *nl;
	unsigned int portid, seq;
	ssize_t n;
	int ret;

	nl = mnl_socket_open2(bus, SOCK_CLOEXEC);	/* not into the nft vmtrace runs */
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	seq = req->nlmsg_seq = (unsigned int)time(NULL);
	if (mnl_socket_sendto(nl, req, req->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	for (;;) {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0) {
			ret = -errno;
			break;
		}
		ret = mnl_cb_run(buf, (size_t)n, seq, portid, cb, arg);
		if (ret < 0) {
			ret = -errno;
			break;
		}
		if (ret == MNL_CB_STOP) {
			ret = 0;
			break;
		}
	}
out:
	mnl_socket_close(nl);
	return ret;
}

static int rtnl_talk(struct nlmsghdr *req, vt_msg_cb cb, void *arg)
{
	return vt_mnl_talk(NETLINK_ROUTE, req, cb, arg);
}

/* @arr with room for more than @n elements, grown if needed; NULL with errno ENOMEM. */
static void *room_for(void *arr, unsigned int *cap, unsigned int n, size_t size)
{
	unsigned int ncap;

	if (n < *cap)
		return arr;
	ncap = *cap ? 2 * *cap : 64;
	arr = ncap > *cap ? realloc(arr, (size_t)ncap * size) : NULL;
	if (!arr) {
		errno = ENOMEM;
		return NULL;
	}
	*cap = ncap;
	return arr;
}

static void tun_remote(const struct nlattr *d, struct vt_link *l, int family)
{
	size_t alen = vt_addr_len(family);
	static const uint8_t any[16];

	if (mnl_attr_get_payload_len(d) != alen || !memcmp(mnl_attr_get_payload(d), any, alen))
		return;
	l->tun_family = family;
	memcpy(l->tun_remote, mnl_attr_get_payload(d), alen);
}

static void parse_vxlan(const struct nlattr *d, struct vt_link *l)
{
	switch (mnl_attr_get_type(d)) {
	case IFLA_VXLAN_ID:
		if (mnl_attr_validate(d, MNL_TYPE_U32) == 0)
			l->vni = mnl_attr_get_u32(d);
		break;
	case IFLA_VXLAN_LINK:
		if (mnl_attr_validate(d, MNL_TYPE_U32) == 0)
			l->tun_link = (int)mnl_attr_get_u32(d);
		break;
	case IFLA_VXLAN_COLLECT_METADATA:
		if (mnl_attr_validate(d, MNL_TYPE_U8) == 0)
			l->tun_external = mnl_attr_get_u8(d) != 0;
		break;
	case IFLA_VXLAN_GROUP:	/* the default remote, or a multicast group */
		tun_remote(d, l, AF_INET);
		break;
	case IFLA_VXLAN_GROUP6:
		tun_remote(d, l, AF_INET6);
		break;
	}
}

static void parse_geneve(const struct nlattr *d, struct vt_link *l)
{
	switch (mnl_attr_get_type(d)) {
	case IFLA_GENEVE_ID:
		if (mnl_attr_validate(d, MNL_TYPE_U32) == 0)
			l->vni = mnl_attr_get_u32(d);
		break;
	case IFLA_GENEVE_COLLECT_METADATA:	/* a flag: present means on */
		l->tun_external = 1;
		break;
	case IFLA_GENEVE_REMOTE:
		tun_remote(d, l, AF_INET);
		break;
	case IFLA_GENEVE_REMOTE6:
		tun_remote(d, l, AF_INET6);
		break;
	}
}

static void parse_linkinfo(const struct nlattr *li, struct vt_link *l)
{
	const struct nlattr *d;

	switch (mnl_attr_get_type(li)) {
	case IFLA_INFO_KIND:
		if (mnl_attr_validate(li, MNL_TYPE_NUL_STRING) == 0)
			strncpy(l->kind, mnl_attr_get_str(li), sizeof(l->kind) - 1);
		break;
	case IFLA_INFO_DATA:	/* the bridge's or VLAN device's own settings (KIND came first) */
		mnl_attr_for_each_nested(d, li) {
			if (!strcmp(l->kind, "bridge") && mnl_attr_get_type(d) == IFLA_BR_VLAN_FILTERING &&
			    mnl_attr_validate(d, MNL_TYPE_U8) == 0)
				l->vlan_filtering = mnl_attr_get_u8(d);
			else if (!strcmp(l->kind, "vlan") && mnl_attr_get_type(d) == IFLA_VLAN_ID &&
				 mnl_attr_validate(d, MNL_TYPE_U16) == 0)
				l->vlan_id = mnl_attr_get_u16(d);
			else if (vt_link_is_macvlan(l) &&
				 mnl_attr_get_type(d) == IFLA_MACVLAN_MODE &&
				 mnl_attr_validate(d, MNL_TYPE_U32) == 0)
				l->macvlan_mode = mnl_attr_get_u32(d);
			else if (!strcmp(l->kind, "vxlan"))
				parse_vxlan(d, l);
			else if (!strcmp(l->kind, "geneve"))
				parse_geneve(d, l);
		}
		break;
	case IFLA_INFO_SLAVE_DATA:	/* this port's settings in its bridge */
		mnl_attr_for_each_nested(d, li) {
			if (mnl_attr_validate(d, MNL_TYPE_U8))
				continue;
			if (mnl_attr_get_type(d) == IFLA_BRPORT_STATE)
				l->port_state = mnl_attr_get_u8(d);
			else if (mnl_attr_get_type(d) == IFLA_BRPORT_ISOLATED)
				l->port_isolated = mnl_attr_get_u8(d);
			else if (mnl_attr_get_type(d) == VT_IFLA_BRPORT_LOCKED)
				l->port_locked = mnl_attr_get_u8(d);
		}
		l->is_port = 1;
		break;
	}
}

static int link_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct vt_rtnl_view *v = arg;
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a, *li;
	struct vt_link *l;

	l = room_for(v->links, &v->links_cap, v->nlinks, sizeof(*l));
	if (!l)
		return MNL_CB_ERROR;
	v->links = l;
	l += v->nlinks++;
	memset(l, 0, sizeof(*l));
	l->ifindex = ifm->ifi_index;
	l->flags = ifm->ifi_flags;
	l->link_netnsid = -1;
	mnl_attr_for_each(a, nlh, sizeof(*ifm)) {
		switch (mnl_attr_get_type(a)) {
		case IFLA_IFNAME:
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				strncpy(l->name, mnl_attr_get_str(a), sizeof(l->name) - 1);
			break;
		case IFLA_MASTER:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				l->master = (int)mnl_attr_get_u32(a);
			break;
		case IFLA_LINK:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				l->link = (int)mnl_attr_get_u32(a);
			break;
		case IFLA_LINK_NETNSID:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				l->link_netnsid = (int)mnl_attr_get_u32(a);
			break;
		case IFLA_MTU:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				l->mtu = mnl_attr_get_u32(a);
			break;
		case IFLA_CARRIER:
			if (mnl_attr_validate(a, MNL_TYPE_U8) == 0)
				l->carrier = mnl_attr_get_u8(a);
			break;
		case IFLA_ADDRESS:
			if (mnl_attr_get_payload_len(a) == 6)
				memcpy(l->mac, mnl_attr_get_payload(a), 6);
			break;
		case IFLA_LINKINFO:
			mnl_attr_for_each_nested(li, a)
				parse_linkinfo(li, l);
			break;
		}
	}
	return MNL_CB_OK;
}

static int addr_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct vt_rtnl_view *v = arg;
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	struct vt_ifaddr *x;
	size_t alen = vt_addr_len(ifa->ifa_family);

	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return MNL_CB_OK;
	x = room_for(v->addrs, &v->addrs_cap, v->naddrs, sizeof(*x));
	if (!x)
		return MNL_CB_ERROR;
	v->addrs = x;
	x += v->naddrs;
	memset(x, 0, sizeof(*x));
	mnl_attr_for_each(a, nlh, sizeof(*ifa)) {
		if (mnl_attr_get_type(a) == IFA_ADDRESS && mnl_attr_get_payload_len(a) == alen) {
			memcpy(x->addr, mnl_attr_get_payload(a), alen);
			x->ifindex = (int)ifa->ifa_index;
			x->family = ifa->ifa_family;
			x->prefixlen = ifa->ifa_prefixlen;
			x->scope = ifa->ifa_scope;
			v->naddrs++;
			break;
		}
	}
	return MNL_CB_OK;
}

static int neigh_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct vt_rtnl_view *v = arg;
	struct ndmsg *nd = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	struct vt_neigh *x;
	size_t alen = vt_addr_len(nd->ndm_family);

	x = room_for(v->neigh, &v->neigh_cap, v->nneigh, sizeof(*x));
	if (!x)
		return MNL_CB_ERROR;
	v->neigh = x;
	x += v->nneigh;
	memset(x, 0, sizeof(*x));
	x->ifindex = nd->ndm_ifindex;
	x->family = nd->ndm_family;
	x->state = nd->ndm_state;
	mnl_attr_for_each(a, nlh, sizeof(*nd)) {
		switch (mnl_attr_get_type(a)) {
		case NDA_DST:
			if (nd->ndm_family != AF_BRIDGE && mnl_attr_get_payload_len(a) == alen) {
				memcpy(x->addr, mnl_attr_get_payload(a), alen);
			} else if (nd->ndm_family == AF_BRIDGE && (mnl_attr_get_payload_len(a) == 4 ||
								   mnl_attr_get_payload_len(a) == 16)) {
				/* a VXLAN FDB entry's remote VTEP */
				x->dst_family = mnl_attr_get_payload_len(a) == 4 ? AF_INET : AF_INET6;
				memcpy(x->addr, mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));
			}
			break;
		case NDA_LLADDR:
			if (mnl_attr_get_payload_len(a) == 6)
				memcpy(x->mac, mnl_attr_get_payload(a), 6);
			break;
		case NDA_MASTER:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				x->master = (int)mnl_attr_get_u32(a);
			break;
		}
	}
	v->nneigh++;
	return MNL_CB_OK;
}

/* AF_BRIDGE link dump with RTEXT_FILTER_BRVLAN: one VLAN list per port. */
static int brvlan_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct vt_rtnl_view *v = arg;
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	struct vt_link *l = NULL;
	const struct nlattr *a, *b;
	unsigned int i;

	for (i = 0; i < v->nlinks; i++)
		if (v->links[i].ifindex == ifm->ifi_index)
			l = &v->links[i];
	if (!l)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*ifm)) {
		if (mnl_attr_get_type(a) != IFLA_AF_SPEC)
			continue;
		mnl_attr_for_each_nested(b, a) {
			const struct bridge_vlan_info *vi;

			if (mnl_attr_get_type(b) != IFLA_BRIDGE_VLAN_INFO ||
			    mnl_attr_get_payload_len(b) < sizeof(*vi))
				continue;
			vi = mnl_attr_get_payload(b);
			if (vi->vid >= 4096)
				continue;
			l->has_vlans = 1;
			l->vlan_member[vi->vid / 8] |= (uint8_t)(1 << (vi->vid % 8));
			if (vi->flags & BRIDGE_VLAN_INFO_UNTAGGED)
				l->vlan_untagged[vi->vid / 8] |= (uint8_t)(1 << (vi->vid % 8));
			if (vi->flags & BRIDGE_VLAN_INFO_PVID)
				l->pvid = vi->vid;
		}
	}
	return MNL_CB_OK;
}

static int dump_brvlan(struct vt_rtnl_view *v)
{
	char buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_BRIDGE;
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_BRVLAN);
	return rtnl_talk(nlh, brvlan_cb, v);
}

static int route_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct vt_route *r = arg;
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	size_t alen = vt_addr_len(rtm->rtm_family);
	const struct nlattr *a;

	r->type = rtm->rtm_type;
	mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
		if (mnl_attr_get_type(a) == RTA_OIF && mnl_attr_validate(a, MNL_TYPE_U32) == 0) {
			r->oif = (int)mnl_attr_get_u32(a);
		} else if (mnl_attr_get_type(a) == RTA_GATEWAY && mnl_attr_get_payload_len(a) == alen) {
			memcpy(r->gateway, mnl_attr_get_payload(a), alen);
			r->has_gateway = 1;
		}
	}
	return MNL_CB_STOP;
}

void vt_route_get(int family, const uint8_t *dst, struct vt_route *r)
{
	char buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	size_t alen = vt_addr_len(family);
	struct rtmsg *rtm;

	memset(r, 0, sizeof(*r));
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)family;
	rtm->rtm_dst_len = (unsigned char)(alen * 8);
	mnl_attr_put(nlh, RTA_DST, alen, dst);
	r->error = rtnl_talk(nlh, route_cb, r);
}

int vt_rtnl_add_msg(const struct nlmsghdr *nlh, void *v)
{
	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
		return link_cb(nlh, v);
	case RTM_NEWADDR:
		return addr_cb(nlh, v);
	case RTM_NEWNEIGH:
		return neigh_cb(nlh, v);
	}
	return MNL_CB_OK;
}

static int dump(uint16_t type, uint8_t family, size_t hdrlen, vt_msg_cb cb, void *arg)
{
	char buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	/* ifinfomsg, ifaddrmsg and ndmsg all start with the family byte */
	g = mnl_nlmsg_put_extra_header(nlh, hdrlen);
	g->rtgen_family = family;
	return rtnl_talk(nlh, cb, arg);
}

int vt_rtnl_load(struct vt_rtnl_view *v)
{
	int err;

	v->nlinks = v->naddrs = v->nneigh = 0;
	err = dump(RTM_GETLINK, AF_UNSPEC, sizeof(struct ifinfomsg), vt_rtnl_add_msg, v);
	if (!err)
		err = dump(RTM_GETADDR, AF_UNSPEC, sizeof(struct ifaddrmsg), vt_rtnl_add_msg, v);
	if (!err)
		err = dump(RTM_GETNEIGH, AF_UNSPEC, sizeof(struct ndmsg), vt_rtnl_add_msg, v);
	if (!err)
		err = dump(RTM_GETNEIGH, AF_BRIDGE, sizeof(struct ndmsg), vt_rtnl_add_msg, v);
	if (!err)
		err = dump_brvlan(v);
	return err;
}

static int nsid_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *a;
	int *nsid = arg;

	mnl_attr_for_each(a, nlh, sizeof(struct rtgenmsg))
		if (mnl_attr_get_type(a) == NETNSA_NSID && mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			*nsid = (int)mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

int vt_rtnl_nsid_of(int netns_fd)
{
	char buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *g;
	int nsid = -1;

	nlh->nlmsg_type = RTM_GETNSID;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, NETNSA_FD, (uint32_t)netns_fd);
	if (rtnl_talk(nlh, nsid_cb, &nsid) < 0)
		return -1;
	return nsid;
}
