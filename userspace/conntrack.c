// SPDX-License-Identifier: GPL-2.0
/*
 * A ctnetlink dump, filtered here: the table of a VM host is small, and a
 * dump needs no knowledge of which zone or mark the flow got.
 */
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <sys/socket.h>

#include "addr.h"
#include "conntrack.h"
#include "rtnl.h"

struct tuple {
	uint8_t src[16], dst[16];
	uint8_t proto;
	uint16_t id;
};

struct want {
	int family;
	struct tuple t;
	int found;
	struct vt_ct *ct;
};

static void parse_tuple(const struct nlattr *nest, size_t alen, struct tuple *t)
{
	const struct nlattr *a, *b;

	memset(t, 0, sizeof(*t));
	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) == CTA_TUPLE_IP) {
			mnl_attr_for_each_nested(b, a) {
				unsigned int type = mnl_attr_get_type(b);

				if (mnl_attr_get_payload_len(b) != alen)
					continue;
				if (type == CTA_IP_V4_SRC || type == CTA_IP_V6_SRC)
					memcpy(t->src, mnl_attr_get_payload(b), alen);
				else if (type == CTA_IP_V4_DST || type == CTA_IP_V6_DST)
					memcpy(t->dst, mnl_attr_get_payload(b), alen);
			}
		} else if (mnl_attr_get_type(a) == CTA_TUPLE_PROTO) {
			mnl_attr_for_each_nested(b, a) {
				unsigned int type = mnl_attr_get_type(b);

				if (type == CTA_PROTO_NUM && mnl_attr_validate(b, MNL_TYPE_U8) == 0)
					t->proto = mnl_attr_get_u8(b);
				else if ((type == CTA_PROTO_ICMP_ID || type == CTA_PROTO_ICMPV6_ID) &&
					 mnl_attr_validate(b, MNL_TYPE_U16) == 0)
					t->id = ntohs(mnl_attr_get_u16(b));
			}
		}
	}
}

static int ct_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct want *w = arg;
	size_t alen = vt_addr_len(w->family);
	struct tuple orig = { 0 };
	const struct nlattr *a;
	uint32_t status = 0;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_type(a) == CTA_TUPLE_ORIG)
			parse_tuple(a, alen, &orig);
		else if (mnl_attr_get_type(a) == CTA_STATUS && mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			status = ntohl(mnl_attr_get_u32(a));
	}
	if (orig.proto != w->t.proto || orig.id != w->t.id || memcmp(orig.src, w->t.src, alen) ||
	    memcmp(orig.dst, w->t.dst, alen))
		return MNL_CB_OK;
	w->found = 1;
	w->ct->status = status;
	return MNL_CB_OK;
}

int vt_ct_find_echo(int family, const uint8_t *src, const uint8_t *dst, uint16_t id, struct vt_ct *ct)
{
	char buf[256];
	size_t alen = vt_addr_len(family);
	struct want w = { .family = family, .ct = ct };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;
	int ret;

	memcpy(w.t.src, src, alen);
	memcpy(w.t.dst, dst, alen);
	w.t.proto = family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	w.t.id = id;
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = (uint8_t)family;
	nfg->version = NFNETLINK_V0;
	ret = vt_mnl_talk(NETLINK_NETFILTER, nlh, ct_cb, &w);
	return ret < 0 ? ret : w.found;
}
