/* SPDX-License-Identifier: GPL-2.0 */
/* The unit tests' one assertion: count, and say where it failed. */
#ifndef VT_CHECK_H
#define VT_CHECK_H

#include <stdio.h>

static int passed, failed;

#define CHECK(cond, ...) do {						\
	if (cond) {							\
		passed++;						\
	} else {							\
		failed++;						\
		printf("FAIL %s:%d: ", __FILE__, __LINE__);		\
		printf(__VA_ARGS__);					\
		printf("\n");						\
	}								\
} while (0)

#endif /* VT_CHECK_H */
