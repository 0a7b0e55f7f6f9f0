/* SPDX-License-Identifier: GPL-2.0 */
/* The unit tests' fixtures: a file of tests/unit read whole, terminated. */
#ifndef VT_FIXTURE_H
#define VT_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

/* @path's contents (at most 1 MiB), with its length in @len if asked; exits if unreadable. */
static inline char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(1 << 20);
	size_t n;

	if (!f || !buf) {
		perror(path);
		exit(1);
	}
	n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = n;
	return buf;
}

#endif /* VT_FIXTURE_H */
