// SPDX-License-Identifier: GPL-2.0
#include <signal.h>
#include <sys/signalfd.h>

#include "signals.h"

int ito_signals_open(const int *sigs, size_t n)
{
	sigset_t set;
	size_t i;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	for (i = 0; i < n; i++)
		sigaddset(&set, sigs[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}
