/* SPDX-License-Identifier: GPL-2.0 */
/*
 * log - itod's messages, to stderr (foreground) or syslog (daemon), with
 * syslog's levels. Debug messages are dropped unless enabled. When stderr
 * is journald's stream (a systemd service), lines carry their priority as
 * a "<N>" prefix instead of "itod: ", so "journalctl -p err" finds errors.
 *
 * On stderr, warnings and errors are written at once; other lines are
 * buffered until log_flush(), which the main loop calls once a round, so a
 * busy round costs one write rather than one per line.
 */
#ifndef ITOD_LOG_H
#define ITOD_LOG_H

#include <stdbool.h>
#include <stdio.h>
#include <syslog.h>

void log_open(bool use_syslog, bool debug);
/* The name lines carry, "itod" unless set (before log_open()). */
void log_set_ident(const char *ident);
void log_close(void);	/* flushes */
void log_flush(void);

/* Tests catch stderr output in memory; NULL restores stderr. */
void log_set_stream(FILE *fp);

bool log_debug_enabled(void);

void log_msg(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...)	log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_WARNING, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)

#endif /* ITOD_LOG_H */
