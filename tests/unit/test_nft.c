// SPDX-License-Identifier: GPL-2.0
/*
 * Which nftables rule dropped an echo: the JSON reader, and the walk through
 * a hook's base chains, on what nft 1.0.6 printed for a real ruleset
 * (tests/unit/nft/basic.*: a bridge table, an inet table with a jump, a
 * set, a range and a policy drop).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../userspace/jsonv.h"
#include "../../userspace/nft.h"
#include "check.h"
#include "fixture.h"

static void test_jsonv(void)
{
	static const char *const bad[] = {
		"", "{", "[1,]", "{\"a\":}", "{\"a\" 1}", "\"abc", "tru", "[1] x", "{\"a\":1,}",
		"\"\\x\"", "\"\\u12\"", "\"a\nb\"", "01x", "[--]",
	};
	struct vt_jv_doc d;
	char deep[200];
	int err;

	err = vt_jv_parse(&d, "{\"a\": [1, 2.5, -3e2], \"b\": {\"c\": \"x\\\"y\\u0041\\u00e9\"}, \"t\": true, \"n\": null}",
			  strlen("{\"a\": [1, 2.5, -3e2], \"b\": {\"c\": \"x\\\"y\\u0041\\u00e9\"}, \"t\": true, \"n\": null}"));
	CHECK(!err && d.root->type == VT_JV_OBJECT && d.root->n == 4, "an object of four: %d", err);
	if (!err) {
		const struct vt_jv *a = vt_jv_get(d.root, "a");

		CHECK(a && a->type == VT_JV_ARRAY && a->n == 3 && a->child->num == 1 && a->child->next->num == 2.5 &&
		      a->child->next->next->num == -300, "the array's numbers");
		CHECK(!strcmp(vt_jv_get_string(vt_jv_get(d.root, "b"), "c"), "x\"yA?"),
		      "escapes decoded, non-ASCII as '?': %s", vt_jv_get_string(vt_jv_get(d.root, "b"), "c"));
		CHECK(vt_jv_get(d.root, "t")->type == VT_JV_TRUE && vt_jv_get(d.root, "n")->type == VT_JV_NULL &&
		      !vt_jv_get(d.root, "x") && !vt_jv_get_string(d.root, "t"), "literals, missing keys");
		vt_jv_free(&d);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = vt_jv_parse(&d, bad[i], strlen(bad[i]));
		CHECK(err == -EINVAL && !d.mem, "not JSON: '%s' (%d)", bad[i], err);
	}
	memset(deep, '[', 65);
	memset(deep + 65, ']', 65);
	err = vt_jv_parse(&d, deep, 130);
	CHECK(err == -EINVAL, "65 deep is refused: %d", err);
	err = vt_jv_parse(&d, deep + 1, 128);
	CHECK(!err, "64 deep is read: %d", err);
	vt_jv_free(&d);
}

static struct vt_nft_pkt echo(int family, int bridge, const char *hook, const char *src, const char *dst,
			      const char *in, const char *out)
{
	struct vt_nft_pkt p = {
		.family = family, .bridge = bridge, .hook = hook, .iifname = in, .oifname = out,
		.l4proto = family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6,
		.icmp_type = family == AF_INET ? 8 : 128,
	};

	inet_pton(family, src, p.src);
	inet_pton(family, dst, p.dst);
	return p;
}

static void test_walk(void)
{
	size_t len;
	char *json = slurp("tests/unit/nft/basic.json", &len), *text = slurp("tests/unit/nft/basic.txt", NULL);
	struct vt_nft_pkt p;
	struct vt_nft_drop d;
	int err;

	/* the first bridge rule: every one of its matches checked */
	p = echo(AF_INET, 1, "forward", "192.0.2.1", "192.0.2.10", "tap0", "vm0-host");
	err = vt_nft_find_drop(json, len, text, &p, &d);
	CHECK(!err && d.found == VT_NFT_RULE && d.handle == 2 && !strcmp(d.family, "bridge") &&
	      !strcmp(d.table, "t") && !strcmp(d.chain, "f") && !d.uncertain &&
	      !strcmp(d.text, "iifname \"tap0\" ip saddr 192.0.2.0/24 icmp type echo-request counter packets 0 bytes 0 drop"),
	      "bridge rule 2: %d %d %ld '%s'", err, d.found, d.handle, d.text);
	/* a reply from tap1: not the first (source, type), the second ("tap*") */
	p = echo(AF_INET, 1, "forward", "192.0.2.10", "192.0.2.1", "tap1", "eth0");
	p.icmp_type = 0;
	err = vt_nft_find_drop(json, len, text, &p, &d);
	CHECK(!err && d.found == VT_NFT_RULE && d.handle == 3 && !strcmp(d.text, "iifname \"tap*\" meta l4proto icmp drop"),
	      "bridge rule 3 by wildcard: %d %ld '%s'", d.found, d.handle, d.text);
	/* from a port no rule names: the chain accepts */
	p = echo(AF_INET, 1, "forward", "192.0.2.10", "192.0.2.1", "eth0", "vm0-host");
	err = vt_nft_find_drop(json, len, text, &p, &d);
	CHECK(!err && d.found == VT_NFT_NONE, "no bridge rule for eth0: %d", d.found);
	/* an IPv6 echo is no "ip saddr" and no "icmp", but "meta l4proto icmp"? no: ipv6-icmp */
	p = echo(AF_INET6, 1, "forward", "2001:db8::1", "2001:db8::10", "tap0", "vm0-host");
	err = vt_nft_find_drop(json, len, text, &p, &d);
	CHECK(!err && d.found == VT_NFT_NONE, "IPv6 passes the IPv4 rules: %d %ld", d.found, d.handle);
	/* the bridge family's chains do not see routed packets */
	p = echo(AF_INET, 0, "forward", "192.0.2.1", "192.0.2.10", "tap0", "eth0");
	err = vt_nft_find_drop(json, len, text, &p, &d);
	CHECK(!err && d.found == VT_NFT_NONE, "no ip forward chain: %d", d.found);

	/* inet input: jumped to icmpchk, returned by the range, then the policy */
	p = echo(AF_INET, 0, "input", "198.51.100.5", "192.0.2.5", "eth0", "");
	err = vt_nft_find_drop(json, len, text, &p, &d);
	CHECK(!err && d.found == VT_NFT_POLICY && d.handle == -1 && !strcmp(d.family, "inet") &&
	      !strcmp(d.chain, "input") && !d.uncertain, "inet input policy: %d %s %u", d.found, d.chain, d.uncertain);
	/* not in the range: the mark rule may reject it, vmtrace cannot tell; then the policy */
	p = echo(AF_INET, 0, "input", "203.0.113.7", "192.0.2.1", "eth0", "");
	err = vt_nft_find_drop(json, len, text, &p, &d);
	CHECK(!err && d.found == VT_NFT_POLICY && d.uncertain == 1 &&
	      !strcmp(d.first_uncertain, "inet filter icmpchk, handle 9: meta mark 0x00000002 reject"),
	      "policy, an uncertain reject before it: %d %u '%s'", d.found, d.uncertain, d.first_uncertain);
	/* not to the set's addresses: no jump, the policy */
	p = echo(AF_INET, 0, "input", "203.0.113.7", "192.0.2.9", "eth0", "");
	err = vt_nft_find_drop(json, len, text, &p, &d);
	CHECK(!err && d.found == VT_NFT_POLICY && !d.uncertain, "set miss: policy: %d %u", d.found, d.uncertain);
	/* IPv6 echo-request: accepted by rule 7 */
	p = echo(AF_INET6, 0, "input", "2001:db8::1", "2001:db8::10", "eth0", "");
	err = vt_nft_find_drop(json, len, text, &p, &d);
	CHECK(!err && d.found == VT_NFT_NONE, "ICMPv6 echo accepted: %d", d.found);
	/* from lo: accepted first */
	p = echo(AF_INET, 0, "input", "192.0.2.1", "192.0.2.1", "lo", "");
	err = vt_nft_find_drop(json, len, text, &p, &d);
	CHECK(!err && d.found == VT_NFT_NONE, "lo accepted: %d", d.found);
	/* no input device known (the event did not say): "iif lo" uncertain, taken as not matching */
	p = echo(AF_INET, 0, "input", "198.51.100.5", "192.0.2.1", "", "");
	err = vt_nft_find_drop(json, len, text, &p, &d);
	CHECK(!err && d.found == VT_NFT_POLICY, "unknown iif: %d", d.found);
	/* no such hook in the ruleset */
	p = echo(AF_INET, 0, "output", "192.0.2.1", "192.0.2.10", "", "br0");
	err = vt_nft_find_drop(json, len, text, &p, &d);
	CHECK(!err && d.found == VT_NFT_NONE, "no output chain: %d", d.found);
	err = vt_nft_find_drop("{\"x\": 1}", 8, "", &p, &d);
	CHECK(err == -EINVAL, "not a ruleset: %d", err);
	free(json);
	free(text);
}

/* iptables-nft: xt matches cannot be checked; an xt REJECT target is a drop. */
static void test_xt(void)
{
	static const char json[] =
		"{\"nftables\": [{\"chain\": {\"family\": \"ip\", \"table\": \"filter\", \"name\": \"FORWARD\", \"handle\": 1,"
		" \"type\": \"filter\", \"hook\": \"forward\", \"prio\": 0, \"policy\": \"accept\"}},"
		"{\"chain\": {\"family\": \"ip\", \"table\": \"filter\", \"name\": \"PVEFW-FORWARD\", \"handle\": 2}},"
		"{\"rule\": {\"family\": \"ip\", \"table\": \"filter\", \"chain\": \"FORWARD\", \"handle\": 3,"
		" \"expr\": [{\"counter\": {\"packets\": 1, \"bytes\": 84}}, {\"jump\": {\"target\": \"PVEFW-FORWARD\"}}]}},"
		"{\"rule\": {\"family\": \"ip\", \"table\": \"filter\", \"chain\": \"PVEFW-FORWARD\", \"handle\": 4,"
		" \"expr\": [{\"xt\": {\"type\": \"match\", \"name\": \"physdev\"}}, {\"xt\": {\"type\": \"target\", \"name\": \"REJECT\"}}]}}]}";
	static const char listing[] =
		"table ip filter { # handle 1\n"
		"\tchain FORWARD { # handle 1\n"
		"\t\ttype filter hook forward priority filter; policy accept;\n"
		"\t\tcounter packets 1 bytes 84 jump PVEFW-FORWARD # handle 3\n"
		"\t}\n"
		"\tchain PVEFW-FORWARD { # handle 2\n"
		"\t\txt match \"physdev\" counter packets 1 bytes 84 xt target \"REJECT\" # handle 4\n"
		"\t}\n"
		"}\n";
	struct vt_nft_pkt p = echo(AF_INET, 0, "forward", "192.0.2.1", "192.0.2.10", "fwpr101p0", "vmbr0");
	struct vt_nft_drop d;
	int err = vt_nft_find_drop(json, sizeof(json) - 1, listing, &p, &d);

	CHECK(!err && d.found == VT_NFT_MAYBE && d.handle == 4 && !strcmp(d.chain, "PVEFW-FORWARD") &&
	      !strcmp(d.text, "xt match \"physdev\" counter packets 1 bytes 84 xt target \"REJECT\""),
	      "an xt REJECT behind an xt match: maybe, named: %d %ld '%s'", d.found, d.handle, d.text);
}

/*
 * OpenStack's iptables hybrid plug, as iptables-nft shows it (tests/unit/nft/neutron.*):
 * physdev jumps vmtrace cannot check, a state match only the text shows, the port's
 * ingress chain falling through to sg-fallback's drop.
 */
static void test_neutron(void)
{
	size_t len;
	char *json = slurp("tests/unit/nft/neutron.json", &len), *text = slurp("tests/unit/nft/neutron.txt", NULL);
	struct vt_nft_pkt p = echo(AF_INET, 0, "forward", "192.0.2.1", "192.0.2.40", "qbra1b2c3d4-e5", "");
	struct vt_nft_drop d;
	int err = vt_nft_find_drop(json, len, text, &p, &d);

	CHECK(!err && d.found == VT_NFT_MAYBE && d.handle == 12 && !strcmp(d.chain, "neutron-openvswi-sg-fallback") &&
	      !strcmp(d.via, "FORWARD > neutron-openvswi-sg-chain > neutron-openvswi-ia1b2c3d4-e > neutron-openvswi-sg-fallback") &&
	      d.uncertain == 2,
	      "the fallback drop, through the port's chain (not 'ct state invalid'): %d %ld %s via '%s' (%u)",
	      d.found, d.handle, d.chain, d.via, d.uncertain);
	/* a reply is established, or invalid if conntrack never saw its request: "ct state invalid drop" */
	p = echo(AF_INET, 0, "forward", "192.0.2.40", "192.0.2.1", "qbra1b2c3d4-e5", "");
	p.icmp_type = 0;
	err = vt_nft_find_drop(json, len, text, &p, &d);
	CHECK(!err && d.found == VT_NFT_MAYBE && d.handle == 10, "a reply maybe invalid: %d %s %ld", d.found, d.chain,
	      d.handle);
	free(json);
	free(text);
}

/* pve-firewall through iptables-nft: conntrack states read from the text, the guest's chain found. */
static void test_pve(void)
{
	size_t len;
	char *json = slurp("tests/unit/nft/pve.json", &len), *text = slurp("tests/unit/nft/pve.txt", NULL);
	struct vt_nft_pkt p = echo(AF_INET, 0, "forward", "192.0.2.1", "192.0.2.100", "fwbr100i0", "");
	struct vt_nft_drop d;
	int err = vt_nft_find_drop(json, len, text, &p, &d);

	CHECK(!err && d.found == VT_NFT_MAYBE && d.handle == 13 && !strcmp(d.chain, "tap100i0-IN") &&
	      !strcmp(d.via, "FORWARD > PVEFW-FORWARD > PVEFW-FWBR-OUT > tap100i0-IN") && d.uncertain == 2,
	      "the guest's policy drop: %d %ld %s via '%s' (%u)", d.found, d.handle, d.chain, d.via, d.uncertain);
	/* a reply: dropped by PVEFW-FORWARD only if invalid (its request never seen) */
	p = echo(AF_INET, 0, "forward", "192.0.2.100", "192.0.2.1", "fwbr100i0", "");
	p.icmp_type = 0;
	err = vt_nft_find_drop(json, len, text, &p, &d);
	CHECK(!err && d.found == VT_NFT_MAYBE && d.handle == 7 && !strcmp(d.chain, "PVEFW-FORWARD"),
	      "a reply maybe invalid: %d %s %ld", d.found, d.chain, d.handle);
	free(json);
	free(text);
}

/* What the review found: negations, named sets, verdict maps, accepts vmtrace cannot check. */
static void test_hard_cases(void)
{
	static const char head[] = "{\"nftables\": [{\"chain\": {\"family\": \"inet\", \"table\": \"t\", \"name\": \"in\","
		" \"handle\": 1, \"type\": \"filter\", \"hook\": \"input\", \"prio\": 0, \"policy\": \"accept\"}},"
		"{\"chain\": {\"family\": \"inet\", \"table\": \"t\", \"name\": \"icmpc\", \"handle\": 2}}";
	struct vt_nft_pkt p = echo(AF_INET, 0, "input", "192.0.2.1", "192.0.2.10", "eth0", "");
	struct vt_nft_drop d;
	char json[2048];
	int err;

#define RULE(chain, h, expr) ",{\"rule\": {\"family\": \"inet\", \"table\": \"t\", \"chain\": \"" chain "\", \"handle\": " #h ", \"expr\": [" expr "]}}"
#define WALK(rules) (snprintf(json, sizeof(json), "%s%s]}", head, rules), vt_nft_find_drop(json, strlen(json), "", &p, &d))
	/* "tcp dport != 22" cannot match an ICMP echo: not "not 22" */
	err = WALK(RULE("in", 3, "{\"match\": {\"op\": \"!=\", \"left\": {\"payload\": {\"protocol\": \"tcp\", \"field\": \"dport\"}}, \"right\": 22}}, {\"drop\": null}")
		   RULE("in", 4, "{\"match\": {\"op\": \"!=\", \"left\": {\"payload\": {\"protocol\": \"ip6\", \"field\": \"saddr\"}}, \"right\": \"2001:db8::1\"}}, {\"drop\": null}"));
	CHECK(!err && d.found == VT_NFT_NONE, "negated dependencies never match: %d %ld", d.found, d.handle);
	/* a named set is not read: a candidate, not a non-match */
	err = WALK(RULE("in", 3, "{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"iifname\"}}, \"right\": \"@ifs\"}}, {\"drop\": null}"));
	CHECK(!err && d.found == VT_NFT_MAYBE && d.handle == 3, "a named set: maybe: %d %ld", d.found, d.handle);
	/* a verdict map's jump is looked into */
	err = WALK(RULE("in", 3, "{\"vmap\": {\"key\": {\"meta\": {\"key\": \"l4proto\"}}, \"data\": {\"set\": [[\"icmp\", {\"jump\": {\"target\": \"icmpc\"}}]]}}}")
		   RULE("icmpc", 4, "{\"drop\": null}"));
	CHECK(!err && d.found == VT_NFT_MAYBE && d.handle == 4 && !strcmp(d.via, "in > icmpc"),
	      "a verdict map's jump: %d %ld %s", d.found, d.handle, d.via);
	/* an accept vmtrace cannot check before the drop: said */
	err = WALK(RULE("in", 3, "{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"mark\"}}, \"right\": 1}}, {\"accept\": null}")
		   RULE("in", 4, "{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": \"icmp\"}}, {\"drop\": null}"));
	CHECK(!err && d.found == VT_NFT_RULE && d.handle == 4 && d.unsure_before == 1,
	      "a rule after an unchecked accept: %d %ld %u", d.found, d.handle, d.unsure_before);
	/* a jump to a chain that is not there: the walk says it stopped short */
	err = WALK(RULE("in", 3, "{\"jump\": {\"target\": \"nowhere\"}}"));
	CHECK(!err && d.truncated, "a jump to nowhere: %d", d.truncated);
	/* a handle no long holds */
	err = WALK(RULE("in", 3.2e21, "{\"drop\": null}"));
	CHECK(!err && d.found == VT_NFT_RULE && d.handle == -1, "a handle out of range: %ld", d.handle);
#undef WALK
#undef RULE
}

/* nft that hangs: given up at the deadline, killed and reaped; one that fails: an error. */
static void test_run(void)
{
	static const char *const args[] = { "nft", "-j", "list", "ruleset", NULL };
	const char *slow = "/tmp/vmtrace-test-nft-slow", *bad = "/tmp/vmtrace-test-nft-bad";
	struct timespec t0, t1;
	char *out = NULL;
	size_t len;
	FILE *f;
	int err;

	f = fopen(slow, "w");
	if (!f || fputs("#!/bin/sh\nexec sleep 10\n", f) < 0 || fclose(f) || chmod(slow, 0700))
		exit(1);
	f = fopen(bad, "w");
	if (!f || fputs("#!/bin/sh\necho partial\nexit 1\n", f) < 0 || fclose(f) || chmod(bad, 0700))
		exit(1);
	setenv("VMTRACE_NFT", slow, 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = vt_nft_run(args, &out, &len);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(err == -ETIMEDOUT && t1.tv_sec - t0.tv_sec < 5, "a hung nft: %d after %lds", err,
	      (long)(t1.tv_sec - t0.tv_sec));
	setenv("VMTRACE_NFT", bad, 1);
	err = vt_nft_run(args, &out, &len);
	CHECK(err == -EIO, "nft failing: %d", err);
	unsetenv("VMTRACE_NFT");
	unlink(slow);
	unlink(bad);
}

int main(void)
{
	test_jsonv();
	test_walk();
	test_xt();
	test_neutron();
	test_pve();
	test_hard_cases();
	test_run();
	printf("nft: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
