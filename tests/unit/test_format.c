// SPDX-License-Identifier: GPL-2.0
/*
 * What reaches the operator's terminal and a JSON reader from names
 * tenants choose: UTF-8 passes, control characters and bytes that are no
 * UTF-8 are escaped in a stated way (docs/json.md); colour only where asked.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "../../userspace/format.h"

static const char *json(const char *s)
{
	static char buf[512];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	vt_json_str(f, s);
	fclose(f);
	return buf;
}

static const char *text(const char *s, size_t max)
{
	static char buf[VT_SAFE_LEN(64)];

	return vt_text_safe(buf, sizeof(buf), s, max);
}

static void test_utf8_char(void)
{
	uint32_t cp = 0;

	CHECK(vt_utf8_char("a", 1, &cp) == 1 && cp == 'a', "ASCII");
	CHECK(vt_utf8_char("\xc3\xa9", 2, &cp) == 2 && cp == 0xe9, "é");
	CHECK(vt_utf8_char("\xe2\x82\xac", 3, &cp) == 3 && cp == 0x20ac, "€");
	CHECK(vt_utf8_char("\xf0\x9f\x90\xa7", 4, &cp) == 4 && cp == 0x1f427, "a penguin");
	CHECK(vt_utf8_char("\xc3\xa9", 1, &cp) == 0, "cut by the length");
	CHECK(vt_utf8_char("\xc3", 2, &cp) == 0, "cut by the terminator");
	CHECK(vt_utf8_char("\xa9", 1, &cp) == 0, "a stray continuation byte");
	CHECK(vt_utf8_char("\xc0\xaf", 2, &cp) == 0, "an overlong '/'");
	CHECK(vt_utf8_char("\xe0\x80\xaf", 3, &cp) == 0, "an overlong '/' in three");
	CHECK(vt_utf8_char("\xed\xa0\x80", 3, &cp) == 0, "a surrogate");
	CHECK(vt_utf8_char("\xf4\x90\x80\x80", 4, &cp) == 0, "past U+10FFFF");
	CHECK(vt_utf8_char("\xff", 1, &cp) == 0, "0xff");
}

static void test_json(void)
{
	CHECK(!strcmp(json("t\xc3\xa9st"), "\"t\xc3\xa9st\""), "UTF-8 passes: %s", json("t\xc3\xa9st"));
	CHECK(!strcmp(json("a\"b\\c"), "\"a\\\"b\\\\c\""), "quote and backslash: %s", json("a\"b\\c"));
	CHECK(!strcmp(json("x\x1b[2J\n"), "\"x\\u001b[2J\\u000a\""), "C0: %s", json("x\x1b[2J\n"));
	CHECK(!strcmp(json("\x7f"), "\"\\u007f\""), "DEL: %s", json("\x7f"));
	CHECK(!strcmp(json("\xc2\x9b"), "\"\\u009b\""), "C1 CSI: %s", json("\xc2\x9b"));
	CHECK(!strcmp(json("a\xffz"), "\"a\\ufffdz\""), "a byte that is no UTF-8: %s", json("a\xffz"));
	CHECK(!strcmp(json("\xc3("), "\"\\ufffd(\""), "a cut sequence, then ASCII: %s", json("\xc3("));
	CHECK(!strcmp(json("\xe2\x82"), "\"\\ufffd\\ufffd\""), "one U+FFFD per byte: %s", json("\xe2\x82"));
}

static void test_text(void)
{
	CHECK(!strcmp(text("t\xc3\xa9st", 64), "t\xc3\xa9st"), "UTF-8 passes: %s", text("t\xc3\xa9st", 64));
	CHECK(!strcmp(text("x\x1b[2Jy\nz", 64), "x\\x1b[2Jy\\x0az"), "C0: %s", text("x\x1b[2Jy\nz", 64));
	CHECK(!strcmp(text("a\\b", 64), "a\\\\b"), "backslash: %s", text("a\\b", 64));
	CHECK(!strcmp(text("\xc2\x9b", 64), "\\u009b"), "C1 CSI: %s", text("\xc2\x9b", 64));
	CHECK(!strcmp(text("ab\xe2\x80\xae" "fdp.exe", 64), "ab\\u202efdp.exe"), "a right-to-left override: %s",
	      text("ab\xe2\x80\xae" "fdp.exe", 64));
	CHECK(!strcmp(text("a\xff", 64), "a\\xff"), "a byte that is no UTF-8: %s", text("a\xff", 64));
	/* an ifname fills its 16 bytes with no terminator: @max bounds the read */
	CHECK(!strcmp(text("0123456789abcdefXYZ", 16), "0123456789abcdef"), "max: %s",
	      text("0123456789abcdefXYZ", 16));
	CHECK(!strcmp(text("abcdefghijklmn\xc3\xa9", 15), "abcdefghijklmn\\xc3"),
	      "a character cut by max is a byte: %s", text("abcdefghijklmn\xc3\xa9", 15));
}

static void test_wall_time(void)
{
	struct timespec mono, real;
	char buf[32], want[32];
	struct tm tm;
	time_t t;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	vt_wall_time(buf, sizeof(buf), (uint64_t)mono.tv_sec * 1000000000ULL + (uint64_t)mono.tv_nsec,
		     vt_wall_offset_ns(), 1);
	t = real.tv_sec;
	gmtime_r(&t, &tm);
	strftime(want, sizeof(want), "%Y-%m-%dT%H:%M", &tm);
	CHECK(!strncmp(buf, want, strlen(want)) && strlen(buf) == 27 && buf[26] == 'Z' && buf[19] == '.',
	      "now in RFC 3339: %s (want %s:SS.uuuuuuZ)", buf, want);
	vt_wall_time(buf, sizeof(buf), 0, vt_wall_offset_ns(), 0);
	CHECK(strlen(buf) == 15 && buf[2] == ':' && buf[8] == '.', "tcpdump's form: %s", buf);
	/* a recording's offset gives the same time on any later day */
	vt_wall_time(buf, sizeof(buf), 5123456000ULL, 1796228396000000000LL, 1);
	CHECK(!strcmp(buf, "2026-12-02T16:20:01.123456Z"), "a recorded offset: %s", buf);
	/* a made-up recording's clock: no overflow (UBSan watches), the epoch */
	vt_wall_time(buf, sizeof(buf), UINT64_MAX, INT64_MAX, 1);
	CHECK(!strcmp(buf, "1970-01-01T00:00:00.000000Z"), "an overflowing clock: %s", buf);
	vt_wall_time(buf, sizeof(buf), 1000, INT64_MIN, 1);
	CHECK(!strcmp(buf, "1970-01-01T00:00:00.000000Z"), "a clock before the epoch: %s", buf);
}

static void test_text_safe(void)
{
	char buf[VT_SAFE_LEN(16)], small[8], json[128];
	const char fixed[4] = { 'a', 'b', '\033', 'c' };	/* not terminated, like a kernel ifname */
	FILE *f;

	CHECK(!strcmp(vt_text_safe(buf, sizeof(buf), "tap\033[2J\a\x7f", 16), "tap\\x1b[2J\\x07\\x7f"),
	      "ESC, BEL, DEL escaped: %s", buf);
	CHECK(!strcmp(vt_text_safe(buf, sizeof(buf), "a\\x1b\nb", 16), "a\\\\x1b\\x0ab"),
	      "a backslash doubled, so an escape is never forged: %s", buf);
	CHECK(!strcmp(vt_text_safe(buf, sizeof(buf), "vm-\xc3\xa9t\xc3\xa9 ok", 16), "vm-\xc3\xa9t\xc3\xa9 ok"),
	      "UTF-8 and spaces kept: %s", buf);
	CHECK(!strcmp(vt_text_safe(buf, sizeof(buf), fixed, sizeof(fixed)), "ab\\x1bc"),
	      "at most max bytes of an unterminated array: %s", buf);
	CHECK(!strcmp(vt_text_safe(small, sizeof(small), "ab\033\033", 16), "ab\\x1b"),
	      "cut at a whole escape: %s", small);
	CHECK(!strcmp(vt_text_safe(small, 4, "ab\033", 16), "ab"), "no half escape: %s", small);
	small[0] = 'x';
	vt_text_safe(small, 0, "ab", 2);
	CHECK(small[0] == 'x', "nothing written into 0 bytes");
	vt_text_safe(buf, sizeof(buf), "\033\033\033\033\033\033\033\033\033\033\033\033\033\033\033\033", 16);
	CHECK(strlen(buf) == 64, "VT_SAFE_LEN holds the worst case: %zu", strlen(buf));

	f = fmemopen(json, sizeof(json), "w");
	if (f) {
		vt_json_str(f, "t\033a\"p\\\n");
		fclose(f);
	}
	CHECK(f && !strcmp(json, "\"t\\u001ba\\\"p\\\\\\u000a\""), "JSON escapes controls: %s", json);
}

/* The CLI's fixed-point formatting says what printf("%.Nf") would. */
static void test_decimal(void)
{
	static const struct { uint64_t v; unsigned int scale, dec; } cases[] = {
		{ 0, 3, 1 }, { 6149, 3, 1 }, { 6150, 3, 1 }, { 6151, 3, 1 }, { 999949, 3, 1 },
		{ 999950, 3, 1 }, { 1234567891, 9, 6 }, { 5, 9, 6 }, { 499, 9, 6 }, { 1500, 3, 0 },
		{ 12345, 3, 3 }, { 7, 0, 0 },
	};
	char got[32], want[32];
	double div;
	unsigned int i, k;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (div = 1, k = 0; k < cases[i].scale; k++)
			div *= 10;
		vt_decimal(got, sizeof(got), cases[i].v, cases[i].scale, cases[i].dec);
		/* exact halves: printf rounds to even, vt_decimal up; both are fine for a timeline */
		snprintf(want, sizeof(want), "%.*f", (int)cases[i].dec, (double)cases[i].v / div);
		CHECK(!strcmp(got, want) || (cases[i].v == 6150 && !strcmp(got, "6.2")) ||
		      (cases[i].v == 999950 && !strcmp(got, "1000.0")) ||
		      (cases[i].v == 1500 && !strcmp(got, "2")),
		      "vt_decimal(%llu, %u, %u) = %s, printf says %s", (unsigned long long)cases[i].v,
		      cases[i].scale, cases[i].dec, got, want);
	}
	/* like snprintf: cut to the buffer, always terminated */
	vt_decimal(got, 4, 1234567891, 9, 6);
	CHECK(!strcmp(got, "1.2"), "vt_decimal into 4 bytes = %s", got);
	got[0] = 'x';
	vt_decimal(got, 0, 5, 0, 0);
	CHECK(got[0] == 'x', "vt_decimal into 0 bytes wrote");
}

/* events' lines: with colour, a drop that lost the packet is red, a delivery is not. */
static void test_event_color(void)
{
	struct vmtrace_event ev;
	struct vt_netns_names names;
	char buf[512];
	FILE *f;

	memset(&names, 0, sizeof(names));
	memset(&ev, 0, sizeof(ev));
	ev.family = AF_INET;
	ev.kind = VMTRACE_PKT_ECHO_REQUEST;
	ev.point = VMTRACE_POINT_SKB_DROP;
	ev.flags = VMTRACE_EV_DROP;
	memcpy(ev.ifname, "tap0", 4);
	snprintf(ev.reason, sizeof(ev.reason), "FULL_RING");
	snprintf(ev.location, sizeof(ev.location), "tun_net_xmit+0x2c5/0x3a0");
	for (int color = 0; color < 2; color++) {
		for (int benign = 0; benign < 2; benign++) {
			if (benign)
				snprintf(ev.location, sizeof(ev.location), "icmp_rcv+0x1/0x2");
			f = fmemopen(buf, sizeof(buf), "w");
			vt_event_text(f, &ev, &names, 0, color);
			fclose(f);
			CHECK(!!strstr(buf, "\033[31m") == (color && !benign) &&
			      !!strstr(buf, "\033[0m\n") == (color && !benign) && buf[strlen(buf) - 1] == '\n',
			      "colour %d, benign %d: %s", color, benign, buf);
		}
		snprintf(ev.location, sizeof(ev.location), "tun_net_xmit+0x2c5/0x3a0");
	}
}

/* A packet seen inside a tunnel: its inner echo, with the tunnel and VNI, in text and JSON. */
static void test_event_encap(void)
{
	struct vmtrace_event ev;
	struct vt_netns_names names;
	char buf[1024];
	FILE *f;

	memset(&names, 0, sizeof(names));
	memset(&ev, 0, sizeof(ev));
	ev.family = AF_INET;
	ev.kind = VMTRACE_PKT_ECHO_REQUEST;
	ev.point = VMTRACE_POINT_DEV_TX;
	ev.flags = VMTRACE_EV_ENCAP;
	ev.encap = VMTRACE_ENCAP_GENEVE;
	ev.vni = 4242;
	memcpy(ev.ifname, "ul0", 3);
	f = fmemopen(buf, sizeof(buf), "w");
	vt_event_text(f, &ev, &names, 0, 0);
	fclose(f);
	CHECK(strstr(buf, " in geneve vni 4242 ") != NULL, "text: %s", buf);
	f = fmemopen(buf, sizeof(buf), "w");
	vt_event_json(f, &ev, &names, 0);
	fclose(f);
	CHECK(strstr(buf, "\"encap\":\"geneve\",\"vni\":4242,") != NULL, "json: %s", buf);
	ev.flags = 0;
	f = fmemopen(buf, sizeof(buf), "w");
	vt_event_json(f, &ev, &names, 0);
	fclose(f);
	CHECK(!strstr(buf, "encap"), "no tunnel, no encap: %s", buf);
}

int main(void)
{
	test_utf8_char();
	test_json();
	test_event_color();
	test_event_encap();
	test_text();
	test_wall_time();
	test_text_safe();
	test_decimal();
	printf("test_format: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
