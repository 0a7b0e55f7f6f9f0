// SPDX-License-Identifier: GPL-2.0
/*
 * vmtrace replay FILE: print a recording (follow, probe or events --write)
 * as the live run printed it, on any host, without the module.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "record.h"

static int parse_opts(int argc, char **argv, struct vt_replay_opts *o, const char **file)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "time", no_argument, NULL, 't' },
		{ "color", optional_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->color = -1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jt", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = 1;
			break;
		case 't':
			o->time = 1;
			break;
		case 'C':
			if (vt_parse_color(optarg ? optarg : "always", &o->color))
				return vt_usage_error("replay: --color wants auto, always or never, not '%s'", optarg);
			break;
		case ':':
			return vt_usage_error("replay: option '%s' needs a value", argv[optind - 1]);
		default:
			return vt_usage_error("replay: unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return vt_usage_error("replay: which recording? (a file written with --write)");
	if (optind + 1 < argc)
		return vt_usage_error("replay: unexpected argument '%s'", argv[optind + 1]);
	*file = argv[optind];
	if (o->color < 0)
		vt_parse_color("auto", &o->color);
	return 0;
}

int replay_main(int argc, char **argv)
{
	struct vt_replay_opts o;
	struct vt_rec_reader rd;
	const char *file = NULL;
	char why[256];
	FILE *f;
	int rc;

	if (parse_opts(argc, argv, &o, &file) || !file)
		return VT_EXIT_USAGE;
	f = strcmp(file, "-") ? fopen(file, "rb") : stdin;
	if (!f) {
		fprintf(stderr, "vmtrace: cannot read %s: %s\n", file, strerror(errno));
		return VT_EXIT_USAGE;
	}
	rc = vt_rec_open(&rd, f, why, sizeof(why));
	if (rc) {
		fprintf(stderr, "vmtrace: %s: %s\n", file, why);
		rc = VT_EXIT_USAGE;
		goto out;
	}
	if (!strcmp(rd.fh.command, "events")) {
		rc = vt_events_replay(&rd, &o, why, sizeof(why));
	} else if (!strcmp(rd.fh.command, "follow") || !strcmp(rd.fh.command, "probe")) {
		rc = vt_follow_replay(&rd, &o, why, sizeof(why));
	} else {
		snprintf(why, sizeof(why), "recorded by an unknown command");
		rc = -EINVAL;
	}
	if (rc < 0) {
		fprintf(stderr, "vmtrace: %s: %s\n", file, rc == -ENOMEM ? strerror(ENOMEM) : why);
		rc = VT_EXIT_FAIL;
	}
out:
	vt_rec_close_reader(&rd);
	if (f != stdin)
		fclose(f);
	return rc;
}
