// SPDX-License-Identifier: GPL-2.0
/*
 * Reading what ovs-vswitchd answers (dpif/show, ofproto/trace): plain text
 * in, fields out, nothing else, so that the unit tests feed it OVS's
 * own output.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ovs.h"

int vt_ovs_parse_bridge(const char *text, const char *port, char *bridge, size_t len)
{
	char cur[64] = "", name[64];
	const char *line, *nl;

	/* "  br-int:" opens a bridge, "    tap0 2/3: (system)" is one of its ports */
	for (line = text; line && *line; line = nl ? nl + 1 : NULL) {
		size_t indent = strspn(line, " ");
		size_t n;

		nl = strchr(line, '\n');
		n = strcspn(line + indent, " :\n");
		if (!n || n >= sizeof(name))
			continue;
		memcpy(name, line + indent, n);
		name[n] = '\0';
		if (indent == 2 && line[indent + n] == ':')
			snprintf(cur, sizeof(cur), "%s", name);
		else if (indent == 4 && cur[0] && !strcmp(name, port)) {
			snprintf(bridge, len, "%s", cur);
			return 0;
		}
	}
	return -ENOENT;
}

int vt_ovs_parse_trace(const char *text, struct vt_ovs_trace *t)
{
	const char *line, *nl, *p;
	int have_actions = 0;

	memset(t, 0, sizeof(*t));
	t->table = -1;
	for (line = text; line && *line; line = nl ? nl + 1 : NULL) {
		size_t n;
		int table, used = 0;

		nl = strchr(line, '\n');
		n = nl ? (size_t)(nl - line) : strlen(line);
		if (!strncmp(line, "bridge(\"", 8) && (p = memchr(line + 8, '"', n - 8))) {
			snprintf(t->bridge, sizeof(t->bridge), "%.*s", (int)(p - line - 8), line + 8);
		} else if (line[0] == ' ' && sscanf(line, " %d.%n", &table, &used) == 1 && used > 0 &&
			   (size_t)used <= n && table >= 0) {
			/* " 0. icmp,nw_dst=192.0.2.10, priority 100, cookie 0x5" */
			t->table = table;
			p = line + used;
			p += strspn(p, " ");
			snprintf(t->rule, sizeof(t->rule), "%.*s", (int)(n - (size_t)(p - line)), p);
		} else if (memmem(line, n, "Translation failed", 18)) {
			/* "Translation failed (Recursion too deep), packet is dropped.": no rule is to blame */
			t->table = -2;
			snprintf(t->rule, sizeof(t->rule), "%.*s", (int)n, line + strspn(line, " "));
		} else if (!strncmp(line, "Datapath actions: ", 18)) {
			snprintf(t->actions, sizeof(t->actions), "%.*s", (int)(n - 18), line + 18);
			have_actions = 1;
		}
	}
	if (!have_actions)
		return -EINVAL;
	t->dropped = !strcmp(t->actions, "drop");
	return 0;
}
