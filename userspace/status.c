// SPDX-License-Identifier: GPL-2.0
/* vmtrace status: is the module there, what can it do, what has it seen. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "format.h"
#include "nl.h"
#include "version.h"

struct status {
	char version[64];
	uint64_t caps;
	uint32_t sessions, max_sessions, event_size, ring_slots, hooked_netns, netns_hooks, nf_hooks;
	uint64_t emitted, delivered, lost_ring, lost_send, messages;
	struct {
		uint64_t emitted, lost;
	} point[__VMTRACE_POINT_MAX];
};

static uint32_t get_u32(struct nlattr *a)
{
	return a && nla_len(a) == 4 ? nla_get_u32(a) : 0;
}

static uint64_t get_u64(struct nlattr *a)
{
	return a && nla_len(a) == 8 ? nla_get_u64(a) : 0;
}

static int status_reply(struct nlattr **tb, void *arg)
{
	struct status *st = arg;
	struct nlattr *v = tb[VMTRACE_A_VERSION];

	if (v && nla_len(v) > 0)
		snprintf(st->version, sizeof(st->version), "%.*s", nla_len(v), (char *)nla_data(v));
	st->caps = get_u64(tb[VMTRACE_A_CAPS]);
	st->sessions = get_u32(tb[VMTRACE_A_SESSIONS]);
	st->max_sessions = get_u32(tb[VMTRACE_A_MAX_SESSIONS]);
	st->event_size = get_u32(tb[VMTRACE_A_EVENT_SIZE]);
	st->ring_slots = get_u32(tb[VMTRACE_A_RING_SLOTS]);
	st->hooked_netns = get_u32(tb[VMTRACE_A_HOOKED_NETNS]);
	st->netns_hooks = get_u32(tb[VMTRACE_A_NETNS_HOOKS]);
	st->nf_hooks = get_u32(tb[VMTRACE_A_NF_HOOKS]);
	return 0;
}

static int stats_reply(struct nlattr **tb, void *arg)
{
	struct status *st = arg;
	struct nlattr *a, *p;
	int rem, prem;

	if (!tb[VMTRACE_A_STATS])
		return -EPROTO;
	nla_for_each_nested(a, tb[VMTRACE_A_STATS], rem) {
		switch (nla_type(a)) {
		case VMTRACE_STATS_A_EMITTED:	st->emitted = get_u64(a); break;
		case VMTRACE_STATS_A_DELIVERED:	st->delivered = get_u64(a); break;
		case VMTRACE_STATS_A_LOST_RING:	st->lost_ring = get_u64(a); break;
		case VMTRACE_STATS_A_LOST_SEND:	st->lost_send = get_u64(a); break;
		case VMTRACE_STATS_A_MESSAGES:	st->messages = get_u64(a); break;
		case VMTRACE_STATS_A_POINT: {
			uint32_t id = 0;
			uint64_t e = 0, l = 0;

			nla_for_each_nested(p, a, prem) {
				if (nla_type(p) == VMTRACE_POINT_A_ID)
					id = get_u32(p);
				else if (nla_type(p) == VMTRACE_POINT_A_EMITTED)
					e = get_u64(p);
				else if (nla_type(p) == VMTRACE_POINT_A_LOST)
					l = get_u64(p);
			}
			if (id > 0 && id < __VMTRACE_POINT_MAX) {
				st->point[id].emitted = e;
				st->point[id].lost = l;
			}
			break;
		}
		}
	}
	return 0;
}

static const struct {
	uint64_t bit;
	const char *name;
} cap_names[] = {
	{ VMTRACE_CAP_MCAST_ADMIN, "admin-only-events" },
	{ VMTRACE_CAP_DROP_REASON, "drop-reasons" },
	{ VMTRACE_CAP_BRIDGE_HOOKS, "bridge-hooks" },
	{ VMTRACE_CAP_IPV6, "ipv6" },
	{ VMTRACE_CAP_NF_ATTRIBUTION, "netfilter-attribution" },
};

static void print_text(const struct status *st, int family_version)
{
	unsigned int i, missing;

	printf("module:       loaded, version %s (generic netlink \"%s\" v%d)\n",
	       st->version, VMTRACE_GENL_NAME, family_version);
	printf("cli:          version %s\n", VMTRACE_VERSION);
	if (strcmp(st->version, VMTRACE_VERSION))
		printf("note:         module and CLI versions differ\n");
	printf("capabilities:");
	for (i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
		if (st->caps & cap_names[i].bit)
			printf(" %s", cap_names[i].name);
	/* a CLI newer than the module names what it cannot use */
	for (i = 0, missing = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++) {
		if (st->caps & cap_names[i].bit)
			continue;
		printf("%s %s", missing++ ? "" : "\nnot supported by this module:", cap_names[i].name);
	}
	printf("\nsessions:     %u active of %u\n", st->sessions, st->max_sessions);
	printf("rings:        %u events of %u bytes per CPU while tracing\n",
	       st->ring_slots, st->event_size);
	printf("hooks:        %u netfilter hook%s in %u namespace%s (at most %u each)\n",
	       st->nf_hooks, st->nf_hooks == 1 ? "" : "s", st->hooked_netns,
	       st->hooked_netns == 1 ? "" : "s", st->netns_hooks);
	printf("events:       %" PRIu64 " emitted, %" PRIu64 " delivered, %" PRIu64
	       " lost in kernel (ring full), %" PRIu64 " undeliverable, %" PRIu64 " messages\n",
	       st->emitted, st->delivered, st->lost_ring, st->lost_send, st->messages);
	for (i = 1; i < __VMTRACE_POINT_MAX; i++)
		if (st->point[i].emitted || st->point[i].lost)
			printf("  %-20s %" PRIu64 " emitted, %" PRIu64 " lost\n",
			       vt_point_name(i), st->point[i].emitted, st->point[i].lost);
}

static void print_json(const struct status *st, int family_version)
{
	unsigned int i, first = 1;

	printf("{\"type\":\"status\",\"version\":%d,\"module\":\"loaded\",\"module_version\":", VT_JSON_VERSION);
	vt_json_str(stdout, st->version);
	printf(",\"cli_version\":\"%s\",\"genl_version\":%d,\"caps\":[", VMTRACE_VERSION,
	       family_version);
	for (i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++) {
		if (!(st->caps & cap_names[i].bit))
			continue;
		printf("%s\"%s\"", first ? "" : ",", cap_names[i].name);
		first = 0;
	}
	printf("],\"sessions\":%u,\"max_sessions\":%u,\"hooked_netns\":%u,\"netns_hooks\":%u,\"nf_hooks\":%u,"
	       "\"ring_slots\":%u,\"event_size\":%u,\"emitted\":%" PRIu64
	       ",\"delivered\":%" PRIu64 ",\"lost_ring\":%" PRIu64 ",\"lost_send\":%" PRIu64
	       ",\"messages\":%" PRIu64 ",\"points\":{",
	       st->sessions, st->max_sessions, st->hooked_netns, st->netns_hooks, st->nf_hooks,
	       st->ring_slots, st->event_size, st->emitted,
	       st->delivered, st->lost_ring,
	       st->lost_send, st->messages);
	first = 1;
	for (i = 1; i < __VMTRACE_POINT_MAX; i++) {
		if (!st->point[i].emitted && !st->point[i].lost)
			continue;
		printf("%s\"%s\":{\"emitted\":%" PRIu64 ",\"lost\":%" PRIu64 "}", first ? "" : ",",
		       vt_point_name(i), st->point[i].emitted, st->point[i].lost);
		first = 0;
	}
	printf("}}\n");
}

int status_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct status st;
	struct nl_msg *msg;
	struct vt_nl nl;
	int json = 0, c, err;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":j", opts, NULL)) != -1) {
		if (c == 'j')
			json = 1;
		else {
			vt_usage_error("status: unknown option '%s'", argv[optind - 1]);
			return VT_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		vt_usage_error("status: unexpected argument '%s'", argv[optind]);
		return VT_EXIT_USAGE;
	}

	err = vt_nl_open(&nl);
	if (err)
		return vt_open_error(err);
	memset(&st, 0, sizeof(st));
	msg = vt_nl_msg(&nl, VMTRACE_CMD_GET_STATUS);
	err = msg ? vt_nl_request(&nl, msg, status_reply, &st) : -ENOMEM;
	if (!err) {
		msg = vt_nl_msg(&nl, VMTRACE_CMD_GET_STATS);
		err = msg ? vt_nl_request(&nl, msg, stats_reply, &st) : -ENOMEM;
	}
	if (err) {
		vt_nl_perror(&nl, "status", err);
		vt_nl_close(&nl);
		return VT_EXIT_FAIL;
	}
	if (json)
		print_json(&st, nl.family_version);
	else
		print_text(&st, nl.family_version);
	vt_nl_close(&nl);
	return VT_EXIT_OK;
}
