// SPDX-License-Identifier: GPL-2.0
/* log - stderr (a terminal, a file or journald's stream) or syslog. */
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "journal.h"
#include "log.h"

static bool to_syslog;
static bool debug_on;
static FILE *stream;
/* stderr is unbuffered: a line would cost a write per piece of it. */
static char stderr_buf[64 << 10];
static bool stderr_buffered;
static bool to_journal;
static const char *ident = "itod";

void log_set_ident(const char *name)
{
	ident = name;
}

void log_open(bool use_syslog, bool debug)
{
	to_syslog = use_syslog;
	debug_on = debug;
	to_journal = !to_syslog && ito_fd_is_journal(STDERR_FILENO);
	if (to_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	else if (!stderr_buffered)
		stderr_buffered = !setvbuf(stderr, stderr_buf, _IOFBF,
					   sizeof(stderr_buf));
}

void log_close(void)
{
	log_flush();
	if (to_syslog)
		closelog();
	to_syslog = false;
}

void log_flush(void)
{
	fflush(stream ? stream : stderr);
}

void log_set_stream(FILE *fp)
{
	stream = fp;
}

bool log_debug_enabled(void)
{
	return debug_on;
}

static const char *prefix(int level)
{
	switch (level) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT:
	case LOG_ERR:
		return "error: ";
	case LOG_WARNING:
		return "warning: ";
	case LOG_DEBUG:
		return "debug: ";
	default:
		return "";
	}
}

void log_msg(int level, const char *fmt, ...)
{
	FILE *fp = stream ? stream : stderr;
	va_list ap;

	if (level == LOG_DEBUG && !debug_on)
		return;
	va_start(ap, fmt);
	if (to_syslog) {
		vsyslog(level, fmt, ap);
	} else {
		/* journald names the sender itself: "itod[PID]: ". */
		if (to_journal && fp == stderr)
			fprintf(fp, "<%d>%s", level, prefix(level));
		else
			fprintf(fp, "%s: %s", ident, prefix(level));
		vfprintf(fp, fmt, ap);
		fputc('\n', fp);
		/* Trouble is told at once; the rest waits for log_flush(). */
		if (level <= LOG_WARNING)
			fflush(fp);
	}
	va_end(ap);
}
