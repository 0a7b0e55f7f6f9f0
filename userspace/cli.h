/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the subcommands: exit codes, argument helpers. */
#ifndef VT_CLI_H
#define VT_CLI_H

#include <stddef.h>
#include <stdint.h>

/* Exit codes, documented in vmtrace(8). */
#define VT_EXIT_OK		0
#define VT_EXIT_FAIL		1	/* runtime failure, or "not every echo replied" */
#define VT_EXIT_USAGE		2	/* bad argument */
#define VT_EXIT_NOMODULE	3	/* module missing or too old */

struct vt_nl;

int vt_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Parse an unsigned decimal in [min, max]; 0 or -EINVAL. */
int vt_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* Parse an IPv4 or IPv6 address; 0 (family set, addr zero-padded to 16) or -EINVAL. */
int vt_parse_addr(const char *s, int *family, uint8_t *addr);
/*
 * --color=WHEN: "always", "never" or "auto" (on a terminal, unless NO_COLOR
 * is set and not empty or TERM is dumb); 0 or -EINVAL.
 */
int vt_parse_color(const char *when, int *color);
/* Parse seconds, fractions allowed, > 0. */
int vt_parse_seconds(const char *s, double *out);
/* Report a failure to reach the module (and why it is missing) and return the exit code for it. */
int vt_open_error(int err);
/* The loaded module's version, "" if it is not loaded (no privilege needed). */
void vt_module_version(char *buf, size_t len);
/* CLOCK_MONOTONIC in ns: the kernel's event clock. */
uint64_t vt_now_ns(void);
/* SIGINT/SIGTERM end the command cleanly; vt_stop_requested() tells. */
void vt_catch_stop_signals(void);
int vt_stop_requested(void);

struct vt_rec_reader;
/* What replay prints a recording as. */
struct vt_replay_opts {
	int json, time, color;
};

/*
 * Replay a recording of events, or of follow and probe: print what the
 * live run printed. The exit code the live run had, or -errno with a
 * one-line reason in @why (a broken recording: what came before it is
 * printed).
 */
int vt_events_replay(struct vt_rec_reader *rd, const struct vt_replay_opts *o, char *why, size_t whylen);
int vt_follow_replay(struct vt_rec_reader *rd, const struct vt_replay_opts *o, char *why, size_t whylen);

int status_main(int argc, char **argv);
int events_main(int argc, char **argv);
int follow_main(int argc, char **argv);
int probe_main(int argc, char **argv);
int replay_main(int argc, char **argv);

#endif /* VT_CLI_H */
