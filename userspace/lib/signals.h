/* SPDX-License-Identifier: GPL-2.0 */
/* The daemons' signals, read from a descriptor (not exported). */
#ifndef ITO_SIGNALS_H
#define ITO_SIGNALS_H

#include <stddef.h>

/*
 * SIGPIPE ignored, @n signals of @sigs blocked and delivered through a
 * non-blocking signalfd, so that a poll() loop reads them in turn.
 * Return: the descriptor, or -1 with errno set.
 */
int ito_signals_open(const int *sigs, size_t n);

#endif /* ITO_SIGNALS_H */
