// SPDX-License-Identifier: GPL-2.0
/* SIGINT and SIGTERM end a command cleanly: sessions stopped, counts printed. */
#include <signal.h>

#include "cli.h"

/* The one piece of global state: what a signal handler may touch. */
static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

void vt_catch_stop_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int vt_stop_requested(void)
{
	return stop_requested;
}
