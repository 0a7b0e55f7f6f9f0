// SPDX-License-Identifier: GPL-2.0
/*
 * Which nftables rule dropped a packet. The kernel says only which hook
 * dropped it (NETFILTER_DROP, attributed by vmtrace's own hooks); the rule
 * is found by walking the packet through that hook's base chains in
 * priority order, as nf_tables does, with the matches vmtrace can check
 * from what it saw of the packet (addresses, ICMP type, interfaces). A
 * match it cannot check (conntrack state, marks, MACs, iptables-nft's xt
 * matches) leaves a rule uncertain: an uncertain drop is a candidate, an
 * uncertain accept or jump is taken as not matching (the packet was
 * dropped). iptables-nft rules are nft rules; iptables-legacy and ebtables
 * are not seen here.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "jsonv.h"
#include "nft.h"

#define MAX_CHAINS	4096
#define MAX_JUMPS	16		/* nf_tables allows 16 nested jumps */
#define MAX_STEPS	50000
#define RUN_MS		2000
#define RUN_MAX		(16u << 20)

/*
 * A match against what vmtrace knows of the packet. NODEP: the packet is
 * not of the protocol the match implies (an "ip saddr" for an IPv6 echo),
 * which no operator turns into a match. UNLIKELY: it could match only if
 * something unusual happened (a request conntrack calls invalid).
 */
enum tri { NO = 0, YES = 1, UNKNOWN = -1, UNLIKELY = -2, NODEP = -3 };

struct chain {
	const char *family, *table, *name, *hook, *policy;
	double prio;
	const struct vt_jv **rules;	/* in the order nf_tables runs them */
	unsigned int nrules;
	int explored;			/* looked into for candidates already */
};

/* A rule's line in `nft -a list ruleset`, by its table, chain and handle. */
struct line {
	char family[16], table[64], chain[64];
	long handle;
	const char *text;
	size_t len;
};

struct walk {
	const struct vt_nft_pkt *p;
	struct line *lines;		/* sorted, for bsearch */
	size_t nlines;
	const struct vt_jv *items;	/* the "nftables" array */
	struct chain *chains;
	unsigned int nchains;
	const char *listing;
	struct vt_nft_drop *out;
	const struct chain *stack[MAX_JUMPS + 1];	/* the chains the walk is in */
	int depth;
	unsigned long steps;		/* rules looked at: bounded, whatever the ruleset */
	int named_unlikely;		/* the candidate named could drop it only if something unusual happened */
};

static const char *str_or_empty(const char *s)
{
	return s ? s : "";
}

/* --- the packet's fields against a match's right-hand side --- */

static int addr_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

/* @s (an address, "a/len" prefix handled by the caller) as @family's bytes; 0 or -1 */
static int parse_addr(int family, const char *s, uint8_t *a)
{
	return s && inet_pton(family, s, a) == 1 ? 0 : -1;
}

static enum tri addr_in(int family, const uint8_t *have, const struct vt_jv *right);

static enum tri addr_is(int family, const uint8_t *have, const struct vt_jv *v)
{
	const struct vt_jv *x;
	uint8_t a[16], b[16];
	int n = addr_len(family);

	if (v->type == VT_JV_STRING)	/* "@name", a named set, fails to parse: unknown */
		return parse_addr(family, v->str, a) ? UNKNOWN : !memcmp(a, have, n) ? YES : NO;
	if ((x = vt_jv_get(v, "prefix"))) {
		double dl = vt_jv_get_number(x, "len", -1);
		int len = dl >= 0 && dl <= 128 ? (int)dl : -1;

		if (parse_addr(family, vt_jv_get_string(x, "addr"), a) || len < 0 || len > 8 * n)
			return UNKNOWN;
		for (int i = 0; i < n; i++) {
			int bits = len - 8 * i;
			uint8_t mask = bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));

			if ((a[i] & mask) != (have[i] & mask))
				return NO;
		}
		return YES;
	}
	if ((x = vt_jv_get(v, "range")) && x->type == VT_JV_ARRAY && x->n == 2) {
		if (parse_addr(family, vt_jv_string(x->child), a) ||
		    parse_addr(family, vt_jv_string(x->child->next), b))
			return UNKNOWN;
		return memcmp(have, a, n) >= 0 && memcmp(have, b, n) <= 0 ? YES : NO;
	}
	if ((x = vt_jv_get(v, "set")))
		return addr_in(family, have, x);
	return UNKNOWN;
}

/* any element of the set (or the one value) */
static enum tri addr_in(int family, const uint8_t *have, const struct vt_jv *right)
{
	enum tri r = NO;

	if (right->type != VT_JV_ARRAY)
		return addr_is(family, have, right);
	for (const struct vt_jv *e = right->child; e; e = e->next) {
		enum tri t = addr_is(family, have, e);

		if (t == YES)
			return YES;
		if (t == UNKNOWN)
			r = UNKNOWN;
	}
	return r;
}

/* A protocol or ICMP type, by nft's name or number; -1 unknown. */
static long symbol(const struct vt_jv *v, const char *const names[][2])
{
	if (v->type == VT_JV_NUMBER)
		return v->num >= 0 && v->num <= 65535 ? (long)v->num : -1;
	if (v->type != VT_JV_STRING || v->str[0] == '@')	/* a named set: not read */
		return -1;
	for (int i = 0; names[i][0]; i++)
		if (!strcmp(v->str, names[i][0]))
			return strtol(names[i][1], NULL, 10);
	return -1;
}

static const char *const proto_names[][2] = {
	{ "icmp", "1" }, { "ipv6-icmp", "58" }, { "icmpv6", "58" }, { "tcp", "6" }, { "udp", "17" },
	{ "sctp", "132" }, { "gre", "47" }, { "esp", "50" }, { NULL, NULL },
};
static const char *const icmp_names[][2] = {
	{ "echo-reply", "0" }, { "echo-request", "8" }, { NULL, NULL },
};
static const char *const icmpv6_names[][2] = {
	{ "echo-request", "128" }, { "echo-reply", "129" }, { NULL, NULL },
};
static const char *const nfproto_names[][2] = {
	{ "ipv4", "2" }, { "ipv6", "10" }, { NULL, NULL },
};
static const char *const ethertype_names[][2] = {
	{ "ip", "2048" }, { "ip6", "34525" }, { "arp", "2054" }, { "vlan", "33024" }, { NULL, NULL },
};

static enum tri num_in(long have, const struct vt_jv *right, const char *const names[][2])
{
	const struct vt_jv *set = vt_jv_get(right, "set");
	enum tri r = NO;

	if (!set) {
		long want = symbol(right, names);

		return want < 0 ? UNKNOWN : want == have ? YES : NO;
	}
	if (set->type != VT_JV_ARRAY)
		return UNKNOWN;
	for (const struct vt_jv *e = set->child; e; e = e->next) {
		long want = symbol(e, names);

		if (want == have)
			return YES;
		if (want < 0)
			r = UNKNOWN;
	}
	return r;
}

/* An interface name against "tap0" or "tap*" (nft's wildcard), or a set of them. */
static enum tri name_in(const char *have, const struct vt_jv *right)
{
	const struct vt_jv *set = vt_jv_get(right, "set");
	const struct vt_jv *one = set ? (set->type == VT_JV_ARRAY ? set->child : NULL) : right;
	enum tri r = NO;

	for (; one; one = set ? one->next : NULL) {
		const char *want = vt_jv_string(one);
		size_t n;

		if (!want || want[0] == '@') {	/* a named set: not read */
			r = UNKNOWN;
			continue;
		}
		n = strlen(want);
		if (n && want[n - 1] == '*' && !(n > 1 && want[n - 2] == '\\') ?
		    !strncmp(have, want, n - 1) : !strcmp(have, want))
			return YES;
	}
	return r;
}

/* --- one match --- */

static enum tri match_meta(const struct vt_nft_pkt *p, const char *key, const struct vt_jv *right)
{
	if (!strcmp(key, "l4proto"))
		return num_in(p->l4proto, right, proto_names);
	if (!strcmp(key, "nfproto"))
		return num_in(p->family == AF_INET ? 2 : 10, right, nfproto_names);
	if (!strcmp(key, "protocol"))
		return num_in(p->family == AF_INET ? 0x0800 : 0x86dd, right, ethertype_names);
	/* iif and oif print as names too; a device gone since is compared by name alike */
	if (!strcmp(key, "iifname") || !strcmp(key, "iif"))
		return p->iifname && *p->iifname ? name_in(p->iifname, right) : UNKNOWN;
	if (!strcmp(key, "oifname") || !strcmp(key, "oif"))
		return p->oifname && *p->oifname ? name_in(p->oifname, right) : UNKNOWN;
	return UNKNOWN;
}

static enum tri match_payload(const struct vt_nft_pkt *p, const char *proto, const char *field,
			      const struct vt_jv *right)
{
	int v4 = p->family == AF_INET;

	/* nft's implicit dependency: "ip saddr" matches IPv4 packets only, and so on */
	if (!strcmp(proto, "ip") || !strcmp(proto, "ip6")) {
		if (v4 != !strcmp(proto, "ip"))
			return NODEP;
		if (!strcmp(field, "saddr"))
			return addr_in(p->family, p->src, right);
		if (!strcmp(field, "daddr"))
			return addr_in(p->family, p->dst, right);
		if (!strcmp(field, "protocol") || !strcmp(field, "nexthdr"))
			return num_in(p->l4proto, right, proto_names);
		return UNKNOWN;
	}
	if (!strcmp(proto, "icmp") || !strcmp(proto, "icmpv6")) {
		if (p->l4proto != (!strcmp(proto, "icmp") ? IPPROTO_ICMP : IPPROTO_ICMPV6))
			return NODEP;
		if (!strcmp(field, "type") && p->icmp_type >= 0)
			return num_in(p->icmp_type, right, v4 ? icmp_names : icmpv6_names);
		return UNKNOWN;
	}
	/* "th" (any transport header) implies no protocol: unknown */
	if (!strcmp(proto, "tcp") || !strcmp(proto, "udp") || !strcmp(proto, "sctp") ||
	    !strcmp(proto, "dccp") || !strcmp(proto, "udplite"))
		return p->l4proto == IPPROTO_ICMP || p->l4proto == IPPROTO_ICMPV6 ? NODEP : UNKNOWN;
	if (!strcmp(proto, "ether") && !strcmp(field, "type"))
		return num_in(v4 ? 0x0800 : 0x86dd, right, ethertype_names);
	return UNKNOWN;
}

/*
 * A conntrack state. An echo request is new (the first of its ICMP id) or
 * established (the later ones: conntrack keys ICMP on its id); invalid or
 * untracked only if something unusual happened. A reply is established,
 * or invalid when conntrack never saw its request (asymmetric routing),
 * which is a classic reason replies are dropped.
 */
static enum tri state_is(const struct vt_nft_pkt *p, const char *const *states, unsigned int n)
{
	int is_new = 0, is_est = 0, is_odd = 0;

	for (unsigned int i = 0; i < n; i++) {
		is_new |= !strcmp(states[i], "new");
		is_est |= !strcmp(states[i], "established");
		is_odd |= !strcmp(states[i], "invalid") || !strcmp(states[i], "untracked");
	}
	if (p->icmp_type < 0)
		return UNKNOWN;
	if (p->icmp_type == 0 || p->icmp_type == 129)	/* a reply */
		return is_est && is_odd ? YES : is_est || is_odd ? UNKNOWN : NO;
	if (is_new && is_est)
		return YES;
	if (is_new || is_est)
		return UNKNOWN;
	return is_odd ? UNLIKELY : NO;
}

static enum tri ct_state_json(const struct vt_nft_pkt *p, const struct vt_jv *right)
{
	const char *states[8];
	const struct vt_jv *set = vt_jv_get(right, "set"), *e;
	unsigned int n = 0;

	if (right->type == VT_JV_STRING)
		return state_is(p, &right->str, 1);
	e = set && set->type == VT_JV_ARRAY ? set->child : right->type == VT_JV_ARRAY ? right->child : NULL;
	for (; e && n < 8; e = e->next) {
		if (e->type != VT_JV_STRING)
			return UNKNOWN;
		states[n++] = e->str;
	}
	return n ? state_is(p, states, n) : UNKNOWN;
}

/* iptables-nft's "-m state"/"-m conntrack": JSON says only "xt match conntrack", the text has it */
static enum tri ct_state_text(const struct vt_nft_pkt *p, const char *text)
{
	const char *at = strstr(text, "ct state ");
	char list[128], *save = NULL, *tok;
	const char *states[8];
	unsigned int n = 0;

	if (!at || sscanf(at + 9, "%127s", list) != 1 || list[0] == '!' || list[0] == '{')
		return UNKNOWN;
	for (tok = strtok_r(list, ",", &save); tok && n < 8; tok = strtok_r(NULL, ",", &save))
		states[n++] = tok;
	return n ? state_is(p, states, n) : UNKNOWN;
}

static enum tri match(const struct vt_nft_pkt *p, const struct vt_jv *m)
{
	const char *op = vt_jv_get_string(m, "op");
	const struct vt_jv *left = vt_jv_get(m, "left"), *right = vt_jv_get(m, "right"), *x;
	enum tri r = UNKNOWN;

	if (!op || !left || !right)
		return UNKNOWN;
	if ((x = vt_jv_get(left, "meta")) && vt_jv_get_string(x, "key"))
		r = match_meta(p, vt_jv_get_string(x, "key"), right);
	else if ((x = vt_jv_get(left, "ct")) && !strcmp(str_or_empty(vt_jv_get_string(x, "key")), "state"))
		r = ct_state_json(p, right);
	else if ((x = vt_jv_get(left, "payload")) && vt_jv_get_string(x, "protocol") &&
		 vt_jv_get_string(x, "field"))
		r = match_payload(p, vt_jv_get_string(x, "protocol"), vt_jv_get_string(x, "field"), right);
	if (r == NODEP)
		return NO;
	if (!strcmp(op, "==") || !strcmp(op, "in"))
		return r;
	if (!strcmp(op, "!="))
		return r == YES ? NO : r == NO ? YES : UNKNOWN;
	return UNKNOWN;
}

/* --- rules and chains --- */

static int line_cmp(const void *a, const void *b)
{
	const struct line *x = a, *y = b;
	int d = strcmp(x->family, y->family);

	if (!d)
		d = strcmp(x->table, y->table);
	if (!d)
		d = strcmp(x->chain, y->chain);
	return d ? d : x->handle < y->handle ? -1 : x->handle > y->handle;
}

/* Index the listing's rule lines: "<rule> # handle N" inside "table F T {" and "chain C {". */
static int index_listing(struct walk *w)
{
	char family[16] = "", table[64] = "", chain[64] = "";
	const char *line, *nl;
	size_t cap = 0;

	for (line = w->listing; line && *line; line = nl ? nl + 1 : NULL) {
		const char *s = line + strspn(line, " \t"), *h = NULL, *x;
		char head[160];
		size_t n;
		long handle;

		nl = strchr(line, '\n');
		n = nl ? (size_t)(nl - s) : strlen(s);
		/* sscanf on a bounded copy: on the whole listing it would strlen() it each time */
		snprintf(head, sizeof(head), "%.*s", (int)(n < sizeof(head) ? n : sizeof(head) - 1), s);
		if (sscanf(head, "table %15s %63s {", family, table) == 2) {
			chain[0] = '\0';
			continue;
		}
		if (sscanf(head, "chain %63s {", chain) == 1 || !chain[0])
			continue;
		/* the last " # handle ": a comment may hold one */
		for (x = s; (x = memmem(x, n - (size_t)(x - s), " # handle ", 10)); x += 10)
			h = x;
		if (!h || (size_t)(s + n - (h + 10)) > 20)
			continue;
		snprintf(head, sizeof(head), "%.*s", (int)(s + n - (h + 10)), h + 10);
		if (sscanf(head, "%ld", &handle) != 1)
			continue;
		if (w->nlines == cap) {
			struct line *more = realloc(w->lines, (cap = cap ? 2 * cap : 256) * sizeof(*more));

			if (!more)
				return -ENOMEM;
			w->lines = more;
		}
		snprintf(w->lines[w->nlines].family, sizeof(w->lines[0].family), "%s", family);
		snprintf(w->lines[w->nlines].table, sizeof(w->lines[0].table), "%s", table);
		snprintf(w->lines[w->nlines].chain, sizeof(w->lines[0].chain), "%s", chain);
		w->lines[w->nlines].handle = handle;
		w->lines[w->nlines].text = s;
		w->lines[w->nlines].len = (size_t)(h - s);
		w->nlines++;
	}
	if (w->nlines)
		qsort(w->lines, w->nlines, sizeof(*w->lines), line_cmp);
	return 0;
}

static const struct line *find_line(const struct walk *w, const struct chain *c, long handle)
{
	struct line key = { .handle = handle };

	snprintf(key.family, sizeof(key.family), "%s", c->family);
	snprintf(key.table, sizeof(key.table), "%s", c->table);
	snprintf(key.chain, sizeof(key.chain), "%s", c->name);
	return w->nlines ? bsearch(&key, w->lines, w->nlines, sizeof(*w->lines), line_cmp) : NULL;
}

/* the rule's text as `nft -a list ruleset` prints it, or "handle N" */
static void rule_text(const struct walk *w, const struct chain *c, long handle, char *buf, size_t len)
{
	const struct line *l = find_line(w, c, handle);

	if (l)
		snprintf(buf, len, "%.*s", (int)l->len, l->text);
	else
		snprintf(buf, len, "handle %ld", handle);
}

static const struct chain *find_chain(const struct walk *w, const char *family, const char *table,
				      const char *name)
{
	for (unsigned int i = 0; i < w->nchains; i++)
		if (!strcmp(w->chains[i].family, family) && !strcmp(w->chains[i].table, table) &&
		    !strcmp(w->chains[i].name, name))
			return &w->chains[i];
	return NULL;
}

enum outcome {
	FALL_THROUGH,	/* on to the next rule */
	RETURNED,	/* this chain is done: back to the one that jumped to it */
	ACCEPTED,	/* this base chain is done */
	DROPPED,
};

/* "FORWARD > neutron-openvswi-sg-chain > ...": the chains the walk is in */
static void chain_path(const struct walk *w, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i <= w->depth && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? " > " : "", w->stack[i]->name);
}

static void found(struct walk *w, enum vt_nft_found how, const struct chain *c, long handle)
{
	struct vt_nft_drop *o = w->out;

	o->found = how;
	snprintf(o->family, sizeof(o->family), "%s", c->family);
	snprintf(o->table, sizeof(o->table), "%s", c->table);
	snprintf(o->chain, sizeof(o->chain), "%s", c->name);
	o->handle = handle;
	o->text[0] = '\0';
	if (handle >= 0)
		rule_text(w, c, handle, o->text, sizeof(o->text));
	chain_path(w, o->via, sizeof(o->via));
}

/* A drop that may or may not apply: the first is named if nothing certain is found. */
static void uncertain_drop(struct walk *w, const struct chain *c, long handle, int unlikely)
{
	char text[160];

	/* the first candidate, or the first likely one after unlikely ones */
	if (w->out->found == VT_NFT_NONE || (w->named_unlikely && !unlikely)) {
		found(w, VT_NFT_MAYBE, c, handle);
		w->named_unlikely = unlikely;
	}
	if (w->out->uncertain++)
		return;
	rule_text(w, c, handle, text, sizeof(text));
	snprintf(w->out->first_uncertain, sizeof(w->out->first_uncertain), "%s %s %s, handle %ld: %s",
		 c->family, c->table, c->name, handle, text);
}

static enum outcome walk_chain(struct walk *w, struct chain *c, int maybe);

/* Two matches of one rule: YES and YES, else the less likely of the two. */
static enum tri both(enum tri a, enum tri b)
{
	if (a == UNLIKELY || b == UNLIKELY)
		return UNLIKELY;
	return a == YES && b == YES ? YES : UNKNOWN;
}

/* A chain a rule vmtrace cannot check may jump to: looked into for candidates, once. */
static void explore(struct walk *w, struct chain *to)
{
	if (to->explored || w->depth >= MAX_JUMPS)
		return;
	to->explored = 1;
	w->stack[++w->depth] = to;
	walk_chain(w, to, 1);
	w->depth--;
}

/*
 * "meta l4proto vmap { icmp : jump icmpc, udp : drop }": which element the
 * packet picks is not checked; every drop in it is a candidate, every chain
 * it jumps to is looked into, an accept leaves the walk unsure.
 */
static void verdict_map(struct walk *w, struct chain *c, long handle, const struct vt_jv *vmap, int maybe)
{
	const struct vt_jv *data = vt_jv_get(vmap, "data"), *set = vt_jv_get(data, "set"), *e;

	if (!set || set->type != VT_JV_ARRAY) {	/* a named map: not read */
		w->out->unsure_before += !maybe;
		return;
	}
	for (e = set->child; e; e = e->next) {
		const struct vt_jv *v = e->type == VT_JV_ARRAY && e->n == 2 ? e->child->next : NULL;
		const char *verb = v && v->type == VT_JV_OBJECT && v->child ? v->child->key : "";
		const struct vt_jv *target = v && v->child ? vt_jv_get(v->child, "target") : NULL;
		struct chain *to;

		if (!strcmp(verb, "drop") || !strcmp(verb, "reject")) {
			uncertain_drop(w, c, handle, 0);
		} else if ((!strcmp(verb, "jump") || !strcmp(verb, "goto")) && vt_jv_string(target)) {
			to = (struct chain *)find_chain(w, c->family, c->table, target->str);
			if (to)
				explore(w, to);
		} else if (!maybe) {
			w->out->unsure_before++;
		}
	}
}

/*
 * One rule: its matches in order, then its verdict. @maybe: the walk got
 * here through a rule it could not check; a drop is then only a candidate,
 * and nothing here ends the walk.
 */
static enum outcome walk_rule(struct walk *w, struct chain *c, const struct vt_jv *rule, int maybe)
{
	const struct vt_jv *expr = vt_jv_get(rule, "expr"), *e;
	double h = vt_jv_get_number(rule, "handle", -1);
	long handle = h >= 0 && h < 1e15 ? (long)h : -1;
	enum tri all = YES;	/* this rule's own matches: YES, UNKNOWN or UNLIKELY */

	if (!expr || expr->type != VT_JV_ARRAY)
		return FALL_THROUGH;
	if (++w->steps > MAX_STEPS) {
		w->out->truncated = 1;
		return FALL_THROUGH;
	}
	for (e = expr->child; e; e = e->next) {
		const char *verb = e->type == VT_JV_OBJECT && e->child ? e->child->key : "";
		const struct vt_jv *arg = e->child;

		if (!strcmp(verb, "match")) {
			enum tri t = match(w->p, arg);

			if (t == NO)
				return FALL_THROUGH;
			all = both(all, t);
		} else if (!strcmp(verb, "drop") || !strcmp(verb, "reject") ||
			   (!strcmp(verb, "xt") && !strcmp(str_or_empty(vt_jv_get_string(arg, "type")), "target") &&
			    (!strcmp(str_or_empty(vt_jv_get_string(arg, "name")), "REJECT") ||
			     !strcmp(str_or_empty(vt_jv_get_string(arg, "name")), "DROP")))) {
			if (all == YES && !maybe) {
				found(w, VT_NFT_RULE, c, handle);
				return DROPPED;
			}
			uncertain_drop(w, c, handle, all == UNLIKELY);
			/* a candidate ends this chain as far as the walk can tell */
			return all == YES ? RETURNED : FALL_THROUGH;
		} else if (!strcmp(verb, "accept")) {
			/* uncertain: taken as not matching, since the packet was dropped; said */
			if (all != YES && !maybe)
				w->out->unsure_before++;
			return all == YES ? ACCEPTED : FALL_THROUGH;
		} else if (!strcmp(verb, "vmap")) {
			verdict_map(w, c, handle, arg, maybe);
			return FALL_THROUGH;
		} else if (!strcmp(verb, "jump") || !strcmp(verb, "goto")) {
			const struct vt_jv *x = vt_jv_get(arg, "target");
			struct chain *to = vt_jv_string(x) ? (struct chain *)find_chain(w, c->family, c->table, x->str) : NULL;
			enum outcome r;

			if (!to || w->depth >= MAX_JUMPS) {
				w->out->truncated = 1;
				return FALL_THROUGH;
			}
			/*
			 * Uncertain (iptables-nft's physdev, a conntrack state): the
			 * chain is looked into for candidates, once, and the walk
			 * goes on here as if the rule had not matched.
			 */
			if (all != YES) {
				if (!maybe)
					w->out->unsure_before++;
				explore(w, to);
				return FALL_THROUGH;
			}
			w->stack[++w->depth] = to;
			r = walk_chain(w, to, maybe);
			w->depth--;
			if (r != FALL_THROUGH)
				return r;
			/* a goto does not come back: the calling chain ends where the target does */
			return !strcmp(verb, "jump") ? FALL_THROUGH : RETURNED;
		} else if (!strcmp(verb, "return")) {
			if (all != YES && !maybe)
				w->out->unsure_before++;
			return all == YES ? RETURNED : FALL_THROUGH;
		} else if (!strcmp(verb, "xt") && !strcmp(str_or_empty(vt_jv_get_string(arg, "type")), "match") &&
			   !strcmp(str_or_empty(vt_jv_get_string(arg, "name")), "comment")) {
			continue;	/* a comment always matches */
		} else if (!strcmp(verb, "xt") && !strcmp(str_or_empty(vt_jv_get_string(arg, "type")), "match") &&
			   (!strcmp(str_or_empty(vt_jv_get_string(arg, "name")), "conntrack") ||
			    !strcmp(str_or_empty(vt_jv_get_string(arg, "name")), "state"))) {
			char text[256];
			enum tri t;

			rule_text(w, c, handle, text, sizeof(text));
			t = ct_state_text(w->p, text);
			if (t == NO)
				return FALL_THROUGH;
			all = both(all, t);
		} else if (!strcmp(verb, "xt") || !strcmp(verb, "limit") || !strcmp(verb, "quota") ||
			   !strcmp(verb, "queue")) {
			all = both(all, UNKNOWN);	/* may or may not let the rule go on */
		}
		/* counter, log, mangle, meta/ct set, notrack...: no say in the verdict */
	}
	return FALL_THROUGH;
}

static enum outcome walk_chain(struct walk *w, struct chain *c, int maybe)
{
	for (unsigned int i = 0; i < c->nrules; i++) {
		enum outcome r = walk_rule(w, c, c->rules[i], maybe);

		if (r == RETURNED)
			return FALL_THROUGH;
		if (r != FALL_THROUGH)
			return r;
	}
	return FALL_THROUGH;
}

/* The families whose chains see the packet at this hook. */
static int family_applies(const struct vt_nft_pkt *p, const char *family)
{
	if (p->bridge)
		return !strcmp(family, "bridge");
	return !strcmp(family, "inet") || !strcmp(family, p->family == AF_INET ? "ip" : "ip6");
}

static int by_prio(const void *a, const void *b)
{
	const struct chain *x = *(const struct chain *const *)a, *y = *(const struct chain *const *)b;

	return x->prio < y->prio ? -1 : x->prio > y->prio;
}

/* Every chain of the ruleset, with its rules in order. */
static int load_chains(struct walk *w, const struct vt_jv **rules)
{
	const struct vt_jv *it;
	struct chain *last = NULL;
	unsigned int nrules = 0;

	for (it = w->items->child; it && w->nchains < MAX_CHAINS; it = it->next) {
		const struct vt_jv *c = vt_jv_get(it, "chain");
		struct chain *ch = &w->chains[w->nchains];

		if (!c)
			continue;
		ch->family = vt_jv_get_string(c, "family");
		ch->table = vt_jv_get_string(c, "table");
		ch->name = vt_jv_get_string(c, "name");
		if (!ch->family || !ch->table || !ch->name)
			continue;
		ch->hook = vt_jv_get_string(c, "hook");
		ch->policy = vt_jv_get_string(c, "policy");
		ch->prio = vt_jv_get_number(c, "prio", 0);
		w->nchains++;
	}
	/* nft lists a chain's rules together: find each rule's chain, the last one first */
	for (it = w->items->child; it; it = it->next) {
		const struct vt_jv *r = vt_jv_get(it, "rule");
		const char *family = vt_jv_get_string(r, "family"), *table = vt_jv_get_string(r, "table");
		const char *chain = vt_jv_get_string(r, "chain");

		if (!r || !family || !table || !chain)
			continue;
		if (!last || strcmp(last->family, family) || strcmp(last->table, table) || strcmp(last->name, chain))
			last = (struct chain *)find_chain(w, family, table, chain);
		if (!last)
			continue;
		if (last->rules && last->rules + last->nrules != rules + nrules)
			return -EINVAL;	/* a chain's rules apart: not how nft lists them */
		if (!last->rules)
			last->rules = rules + nrules;
		rules[nrules++] = r;
		last->nrules++;
	}
	return 0;
}

int vt_nft_find_drop(const char *json, size_t json_len, const char *listing,
		     const struct vt_nft_pkt *pkt, struct vt_nft_drop *out)
{
	struct walk w = { .p = pkt, .listing = listing, .out = out };
	struct vt_jv_doc doc;
	struct chain **base;
	const struct vt_jv **rules;
	unsigned int nbase = 0, i;
	size_t n;
	int err;

	memset(out, 0, sizeof(*out));
	out->handle = -1;
	err = vt_jv_parse(&doc, json, json_len);
	if (err)
		return err;
	w.items = vt_jv_get(doc.root, "nftables");
	if (!w.items || w.items->type != VT_JV_ARRAY) {
		vt_jv_free(&doc);
		return -EINVAL;
	}
	/* chains, the base chains of this hook, the rules: one allocation */
	n = w.items->n + 1;
	w.chains = calloc(n, sizeof(*w.chains) + sizeof(*base) + sizeof(*rules));
	if (!w.chains) {
		vt_jv_free(&doc);
		return -ENOMEM;
	}
	base = (struct chain **)(w.chains + n);
	rules = (const struct vt_jv **)(base + n);
	err = load_chains(&w, rules);
	if (!err)
		err = index_listing(&w);
	for (i = 0; !err && i < w.nchains; i++)
		if (w.chains[i].hook && !strcmp(w.chains[i].hook, pkt->hook) &&
		    family_applies(pkt, w.chains[i].family))
			base[nbase++] = &w.chains[i];
	/* nf_tables runs a hook's base chains by priority; an accept ends only its own chain */
	qsort(base, nbase, sizeof(*base), by_prio);
	for (i = 0; !err && i < nbase; i++) {
		enum outcome r;

		w.depth = 0;
		w.stack[0] = base[i];
		r = walk_chain(&w, base[i], 0);
		if (r == DROPPED)
			break;
		if (r == FALL_THROUGH && base[i]->policy && !strcmp(base[i]->policy, "drop")) {
			found(&w, VT_NFT_POLICY, base[i], -1);
			break;
		}
	}
	free(w.lines);
	free(w.chains);
	vt_jv_free(&doc);
	return err;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int vt_nft_run(const char *const *args, char **out, size_t *len)
{
	static const char *const paths[] = { "/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft" };
	const char *nft = NULL;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	uint64_t deadline;
	int fds[2], status = 0, err = 0;
	pid_t pid;

	/* VMTRACE_NFT: another nft (the unit tests' slow one) */
	nft = getenv("VMTRACE_NFT");
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]) && !nft; i++)
		if (!access(paths[i], X_OK))
			nft = paths[i];
	if (!nft)
		return -ENOENT;
	/* non-blocking: the deadline holds even if nft writes nothing and never exits */
	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	if (fcntl(fds[0], F_SETFL, O_NONBLOCK)) {
		err = -errno;
		close(fds[0]);
		close(fds[1]);
		return err;
	}
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(fds[0]);
		close(fds[1]);
		return err;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		dup2(fds[1], STDOUT_FILENO);
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDERR_FILENO);
		}
		execv(nft, (char *const *)args);
		_exit(127);
	}
	close(fds[1]);
	deadline = now_ms() + RUN_MS;
	for (;;) {
		struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
		uint64_t now = now_ms();
		ssize_t got;

		if (now >= deadline) {
			err = -ETIMEDOUT;
			break;
		}
		got = poll(&pfd, 1, (int)(deadline - now));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err = -errno;
			break;
		}
		if (got == 0) {
			err = -ETIMEDOUT;
			break;
		}
		if (n + 65536 + 1 > cap) {
			char *more;

			if (cap >= RUN_MAX) {
				err = -EFBIG;
				break;
			}
			cap = cap ? 2 * cap : 131072;
			more = realloc(buf, cap);
			if (!more) {
				err = -ENOMEM;
				break;
			}
			buf = more;
		}
		got = read(fds[0], buf + n, 65536);
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got < 0) {
			err = -errno;
			break;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(fds[0]);
	/* its output ended: it exits now, or is made to at the deadline */
	for (;;) {
		pid_t got = err ? 0 : waitpid(pid, &status, WNOHANG);

		if (got == pid || (got < 0 && errno != EINTR))
			break;
		if (err || now_ms() >= deadline) {
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			err = err ? err : -ETIMEDOUT;
			break;
		}
		poll(NULL, 0, 10);
	}
	if (!err && (!WIFEXITED(status) || WEXITSTATUS(status)))
		err = -EIO;
	if (err || !buf) {
		free(buf);
		return err ? err : -EIO;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}
