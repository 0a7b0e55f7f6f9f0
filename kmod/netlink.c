// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "vmtrace": status, sessions, statistics, and
 * the events messages the ring worker fills: every message vmtrace.ko
 * builds is built here. Every rejection names the attribute that was
 * wrong: in its extack message, or for the top-level attributes the core
 * checks against the family policy, by the offset it points at.
 */
#include <linux/cpumask.h>
#include <net/genetlink.h>

#include "compat/compat.h"
#include "version.h"
#include "netlink.h"
#include "nfhooks.h"
#include "ring.h"
#include "session.h"

/*
 * What a policy can say, it says: the core checks types, lengths and
 * ranges. The filter nest is parsed here rather than by the core so that
 * each complaint names its attribute (see name_bad_attr()); an address's
 * "4 or 16 bytes" and the counts of repeated attributes are checked by hand.
 */
/* Large messages keep the per-event cost low at high rates. */
#define VMTRACE_MSG_SIZE	(16384 - NLMSG_HDRLEN)

static const struct nla_policy vmtrace_policy[VMTRACE_A_MAX + 1] = {
	[VMTRACE_A_FILTER]	= { .type = NLA_NESTED },
	[VMTRACE_A_SESSION_ID]	= NLA_POLICY_MAX(NLA_U32, VMTRACE_MAX_SESSIONS - 1),
};

static const struct nla_policy filter_policy[VMTRACE_FILTER_A_MAX + 1] = {
	[VMTRACE_FILTER_A_IFACE]	= { .type = NLA_NESTED },
	[VMTRACE_FILTER_A_ADDR]		= { .type = NLA_BINARY, .len = 16 },
	[VMTRACE_FILTER_A_ICMP_ID]	= { .type = NLA_U16 },
	[VMTRACE_FILTER_A_TUNNELS]	= { .type = NLA_FLAG },
};

/* not const: the policy's pointer to it is const only from 6.7 */
static struct netlink_range_validation ifindex_range = {
	.min = 1,
	.max = INT_MAX,
};

static const struct nla_policy iface_policy[VMTRACE_IFACE_A_MAX + 1] = {
	[VMTRACE_IFACE_A_NETNS_COOKIE]	= { .type = NLA_U64 },
	[VMTRACE_IFACE_A_IFINDEX]	= NLA_POLICY_FULL_RANGE(NLA_U32, &ifindex_range),
};

static const char * const filter_attr_errors[VMTRACE_FILTER_A_MAX + 1] = {
	[VMTRACE_FILTER_A_IFACE]	= "invalid VMTRACE_FILTER_A_IFACE",
	[VMTRACE_FILTER_A_ADDR]		= "invalid VMTRACE_FILTER_A_ADDR",
	[VMTRACE_FILTER_A_ICMP_ID]	= "invalid VMTRACE_FILTER_A_ICMP_ID",
	[VMTRACE_FILTER_A_TUNNELS]	= "invalid VMTRACE_FILTER_A_TUNNELS: a flag, no payload",
};

#define IFINDEX_ERROR	"invalid VMTRACE_IFACE_A_IFINDEX: a positive ifindex, u32"

static const char * const iface_attr_errors[VMTRACE_IFACE_A_MAX + 1] = {
	[VMTRACE_IFACE_A_NETNS_COOKIE]	= "invalid VMTRACE_IFACE_A_NETNS_COOKIE",
	[VMTRACE_IFACE_A_IFINDEX]	= IFINDEX_ERROR,
};

/*
 * After a failed parse, replace the core's generic message with one that
 * names the attribute; a nest that is not a list of attributes at all is
 * named as a whole.
 */
static void name_bad_attr(struct netlink_ext_ack *extack,
			  const char * const *names, unsigned int max,
			  const char *unknown, const struct nlattr *nest,
			  const char *malformed)
{
	unsigned int type;

	if (!extack)
		return;
	if (!extack->bad_attr) {
		NL_SET_BAD_ATTR(extack, nest);
		vmtrace_extack_msg(extack, malformed);
		return;
	}
	type = nla_type(extack->bad_attr);
	vmtrace_extack_msg(extack, type <= max && names[type] ? names[type] : unknown);
}

static int parse_iface(const struct nlattr *nest, struct vmtrace_iface *iface,
		       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VMTRACE_IFACE_A_MAX + 1];
	int err;

	err = nla_parse_nested(tb, VMTRACE_IFACE_A_MAX, nest, iface_policy, extack);
	if (err) {
		name_bad_attr(extack, iface_attr_errors, VMTRACE_IFACE_A_MAX,
			      "unknown attribute in VMTRACE_FILTER_A_IFACE", nest,
			      "malformed VMTRACE_FILTER_A_IFACE");
		return err;
	}
	if (!tb[VMTRACE_IFACE_A_NETNS_COOKIE]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "missing VMTRACE_IFACE_A_NETNS_COOKIE");
		NL_SET_ERR_ATTR_MISS(extack, nest, VMTRACE_IFACE_A_NETNS_COOKIE);
		return -EINVAL;
	}
	if (!tb[VMTRACE_IFACE_A_IFINDEX]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "missing VMTRACE_IFACE_A_IFINDEX");
		NL_SET_ERR_ATTR_MISS(extack, nest, VMTRACE_IFACE_A_IFINDEX);
		return -EINVAL;
	}
	iface->netns_cookie = nla_get_u64(tb[VMTRACE_IFACE_A_NETNS_COOKIE]);
	iface->ifindex = nla_get_u32(tb[VMTRACE_IFACE_A_IFINDEX]);	/* 1..INT_MAX: the policy */
	return 0;
}

static int parse_filter(const struct nlattr *nest, struct vmtrace_sess_filter *f,
			struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VMTRACE_FILTER_A_MAX + 1];
	const struct nlattr *attr;
	int err, rem;

	err = nla_parse_nested(tb, VMTRACE_FILTER_A_MAX, nest, filter_policy, extack);
	if (err) {
		name_bad_attr(extack, filter_attr_errors, VMTRACE_FILTER_A_MAX,
			      "unknown attribute in VMTRACE_A_FILTER", nest,
			      "malformed VMTRACE_A_FILTER");
		return err;
	}
	f->icmp_id = -1;
	if (tb[VMTRACE_FILTER_A_ICMP_ID])
		f->icmp_id = nla_get_u16(tb[VMTRACE_FILTER_A_ICMP_ID]);
	f->tunnels = nla_get_flag(tb[VMTRACE_FILTER_A_TUNNELS]);

	nla_for_each_nested(attr, nest, rem) {
		switch (nla_type(attr)) {
		case VMTRACE_FILTER_A_IFACE:
			if (f->nifaces == VMTRACE_MAX_IFACES) {
				NL_SET_ERR_MSG_ATTR(extack, attr,
						    "too many VMTRACE_FILTER_A_IFACE (limit VMTRACE_MAX_IFACES)");
				return -E2BIG;
			}
			err = parse_iface(attr, &f->ifaces[f->nifaces], extack);
			if (err)
				return err;
			f->nifaces++;
			break;
		case VMTRACE_FILTER_A_ADDR:
			if (f->naddrs == VMTRACE_MAX_ADDRS) {
				NL_SET_ERR_MSG_ATTR(extack, attr,
						    "too many VMTRACE_FILTER_A_ADDR (limit VMTRACE_MAX_ADDRS)");
				return -E2BIG;
			}
			if (nla_len(attr) != 4 && nla_len(attr) != 16) {
				NL_SET_ERR_MSG_ATTR(extack, attr,
						    "VMTRACE_FILTER_A_ADDR must be 4 (IPv4) or 16 (IPv6) bytes");
				return -EINVAL;
			}
			f->addrs[f->naddrs].family = nla_len(attr) == 4 ? AF_INET : AF_INET6;
			nla_memcpy(f->addrs[f->naddrs].addr, attr, 16);
			f->naddrs++;
			break;
		}
	}
	if (!f->nifaces) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "missing VMTRACE_FILTER_A_IFACE");
		NL_SET_ERR_ATTR_MISS(extack, nest, VMTRACE_FILTER_A_IFACE);
		return -EINVAL;
	}
	return 0;
}

static u64 capabilities(void)
{
	u64 caps = VMTRACE_CAP_BRIDGE_HOOKS | VMTRACE_CAP_IPV6 |
		   VMTRACE_CAP_NF_ATTRIBUTION;

	if (VMTRACE_EVENTS_MULTICAST)
		caps |= VMTRACE_CAP_MCAST_ADMIN;
#if defined(VMTRACE_HAVE_KFREE_SKB_REASON)
	caps |= VMTRACE_CAP_DROP_REASON;
#endif
	return caps;
}

static struct sk_buff *reply_new(struct genl_info *info, void **hdr)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);

	if (!msg)
		return NULL;
	*hdr = genlmsg_put_reply(msg, info, &vmtrace_genl_family, 0, info->genlhdr->cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int reply_send(struct sk_buff *msg, void *hdr, struct genl_info *info)
{
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int cmd_get_status(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = reply_new(info, &hdr);
	if (!msg)
		return -ENOMEM;
	if (nla_put_string(msg, VMTRACE_A_VERSION, VMTRACE_VERSION) ||
	    nla_put_u64_64bit(msg, VMTRACE_A_CAPS, capabilities(), VMTRACE_A_PAD) ||
	    nla_put_u32(msg, VMTRACE_A_SESSIONS, vmtrace_session_count()) ||
	    nla_put_u32(msg, VMTRACE_A_MAX_SESSIONS, VMTRACE_MAX_SESSIONS) ||
	    nla_put_u32(msg, VMTRACE_A_EVENT_SIZE, sizeof(struct vmtrace_event)) ||
	    nla_put_u32(msg, VMTRACE_A_RING_SLOTS, vmtrace_ring_slots()) ||
	    nla_put_u32(msg, VMTRACE_A_HOOKED_NETNS, vmtrace_nf_hooked_netns()) ||
	    nla_put_u32(msg, VMTRACE_A_NETNS_HOOKS, vmtrace_nf_hooks_per_netns()) ||
	    nla_put_u32(msg, VMTRACE_A_NF_HOOKS, vmtrace_nf_hooks())) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return reply_send(msg, hdr, info);
}

static int cmd_start_session(struct sk_buff *skb, struct genl_info *info)
{
	struct vmtrace_sess_filter *f;
	struct sk_buff *msg;
	u32 id, generation;
	void *hdr;
	int err;

	if (!info->attrs[VMTRACE_A_FILTER]) {
		NL_SET_ERR_MSG(info->extack, "missing VMTRACE_A_FILTER");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, VMTRACE_A_FILTER);
		return -EINVAL;
	}
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	err = parse_filter(info->attrs[VMTRACE_A_FILTER], f, info->extack);
	if (err)
		goto out;
	f->owner_portid = info->snd_portid;
	msg = reply_new(info, &hdr);
	if (!msg) {
		err = -ENOMEM;
		goto out;
	}
	err = vmtrace_session_start(f, &id, &generation, info->extack);
	if (err) {
		nlmsg_free(msg);
		goto out;
	}
	if (nla_put_u32(msg, VMTRACE_A_SESSION_ID, id)) {
		nlmsg_free(msg);
		vmtrace_session_abort(id, generation);
		err = -EMSGSIZE;
		goto out;
	}
	err = reply_send(msg, hdr, info);
out:
	kfree(f);
	return err;
}

static int cmd_stop_session(struct sk_buff *skb, struct genl_info *info)
{
	const struct nlattr *attr = info->attrs[VMTRACE_A_SESSION_ID];

	if (!attr) {
		NL_SET_ERR_MSG(info->extack, "missing VMTRACE_A_SESSION_ID");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, VMTRACE_A_SESSION_ID);
		return -EINVAL;
	}
	/* below VMTRACE_MAX_SESSIONS: the policy */
	return vmtrace_session_stop(nla_get_u32(attr), info->extack);
}

static int stats_put(struct sk_buff *msg)
{
	struct vmtrace_ring_stats *st;
	struct nlattr *stats, *point;
	u64 emitted = 0, lost = 0;
	unsigned int p;
	int err = -EMSGSIZE;

	st = kmalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	vmtrace_ring_stats(st);
	stats = nla_nest_start(msg, VMTRACE_A_STATS);
	if (!stats)
		goto out;
	for (p = 1; p < __VMTRACE_POINT_MAX; p++) {
		emitted += st->emitted[p];
		lost += st->lost[p];
		if (!st->emitted[p] && !st->lost[p])
			continue;
		point = nla_nest_start(msg, VMTRACE_STATS_A_POINT);
		if (!point ||
		    nla_put_u32(msg, VMTRACE_POINT_A_ID, p) ||
		    nla_put_u64_64bit(msg, VMTRACE_POINT_A_EMITTED, st->emitted[p],
				      VMTRACE_POINT_A_PAD) ||
		    nla_put_u64_64bit(msg, VMTRACE_POINT_A_LOST, st->lost[p], VMTRACE_POINT_A_PAD))
			goto out;
		nla_nest_end(msg, point);
	}
	if (nla_put_u64_64bit(msg, VMTRACE_STATS_A_EMITTED, emitted, VMTRACE_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, VMTRACE_STATS_A_LOST_RING, lost, VMTRACE_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, VMTRACE_STATS_A_DELIVERED, st->delivered, VMTRACE_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, VMTRACE_STATS_A_LOST_SEND, st->lost_send, VMTRACE_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, VMTRACE_STATS_A_MESSAGES, st->messages, VMTRACE_STATS_A_PAD))
		goto out;
	nla_nest_end(msg, stats);
	err = 0;
out:
	kfree(st);
	return err;
}

static int cmd_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = reply_new(info, &hdr);
	if (!msg)
		return -ENOMEM;
	err = stats_put(msg);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return reply_send(msg, hdr, info);
}

int vmtrace_genl_events_begin(struct vmtrace_events_msg *m, u64 msg_seq, u64 event_seq,
			      u64 lost_ring, u64 (*cpu_lost)(int cpu), u32 live,
			      u64 (*session_lost)(unsigned int s))
{
	unsigned long sessions = live;
	struct nlattr *nest;
	unsigned int s;
	int cpu;

	m->skb = genlmsg_new(VMTRACE_MSG_SIZE, GFP_KERNEL);
	if (!m->skb)
		return -ENOMEM;
	m->hdr = genlmsg_put(m->skb, 0, 0, &vmtrace_genl_family, 0, VMTRACE_CMD_EVENTS);
	if (!m->hdr)
		goto err;
	if (nla_put_u64_64bit(m->skb, VMTRACE_A_MSG_SEQ, msg_seq, VMTRACE_A_PAD) ||
	    nla_put_u64_64bit(m->skb, VMTRACE_A_EVENT_SEQ, event_seq, VMTRACE_A_PAD) ||
	    nla_put_u64_64bit(m->skb, VMTRACE_A_LOST_RING, lost_ring, VMTRACE_A_PAD))
		goto err;
	nest = nla_nest_start(m->skb, VMTRACE_A_LOST_CPU);
	if (!nest)
		goto err;
	for_each_possible_cpu(cpu) {
		u64 lost = cpu_lost(cpu);

		if (lost && nla_put_u64_64bit(m->skb, cpu + 1, lost, VMTRACE_A_PAD))
			goto err;
	}
	nla_nest_end(m->skb, nest);
	nest = nla_nest_start(m->skb, VMTRACE_A_LOST_SESSION);
	if (!nest)
		goto err;
	for_each_set_bit(s, &sessions, VMTRACE_MAX_SESSIONS)
		if (nla_put_u64_64bit(m->skb, s + 1, session_lost(s), VMTRACE_A_PAD))
			goto err;
	nla_nest_end(m->skb, nest);
	return 0;
err:
	nlmsg_free(m->skb);
	m->skb = NULL;
	return -EMSGSIZE;
}

bool vmtrace_genl_events_heard(void)
{
	return !VMTRACE_EVENTS_MULTICAST ||
	       genl_has_listeners(&vmtrace_genl_family, &init_net, 0);
}

int vmtrace_genl_events_put(struct vmtrace_events_msg *m, const struct vmtrace_event *ev)
{
	return nla_put(m->skb, VMTRACE_A_EVENT, sizeof(*ev), ev);
}

int vmtrace_genl_events_send(struct vmtrace_events_msg *m, u32 portid)
{
	struct sk_buff *skb = m->skb;

	m->skb = NULL;
	genlmsg_end(skb, m->hdr);
	if (portid)
		return genlmsg_unicast(&init_net, skb, portid);
	return genlmsg_multicast(&vmtrace_genl_family, skb, 0, 0, GFP_KERNEL);
}

static const struct genl_ops vmtrace_ops[] = {
	{
		.cmd = VMTRACE_CMD_GET_STATUS,
		.doit = cmd_get_status,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VMTRACE_CMD_START_SESSION,
		.doit = cmd_start_session,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VMTRACE_CMD_STOP_SESSION,
		.doit = cmd_stop_session,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VMTRACE_CMD_GET_STATS,
		.doit = cmd_get_stats,
		.flags = GENL_ADMIN_PERM,
	},
};

static const struct genl_multicast_group vmtrace_mcgrps[] = {
	{ .name = VMTRACE_MCGRP_EVENTS, VMTRACE_MCGRP_RESTRICT },
};

struct genl_family vmtrace_genl_family __ro_after_init = {
	.name = VMTRACE_GENL_NAME,
	.version = VMTRACE_GENL_VERSION,
	.maxattr = VMTRACE_A_MAX,
	.policy = vmtrace_policy,
	.netnsok = false,
	/*
	 * No genl_mutex around the handlers: session start and stop register
	 * hooks in every watched namespace and stop waits for RCU, which must
	 * not stall every other generic netlink family. session_lock
	 * serialises sessions; status and statistics read without locks.
	 */
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = vmtrace_ops,
	.n_ops = ARRAY_SIZE(vmtrace_ops),
	.mcgrps = vmtrace_mcgrps,
	.n_mcgrps = ARRAY_SIZE(vmtrace_mcgrps),
};

int vmtrace_genl_init(void)
{
	/* nla_policy's min and max are s16 */
	BUILD_BUG_ON(VMTRACE_MAX_SESSIONS - 1 > S16_MAX);
	return genl_register_family(&vmtrace_genl_family);
}

void vmtrace_genl_exit(void)
{
	genl_unregister_family(&vmtrace_genl_family);
}
