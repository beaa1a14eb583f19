// SPDX-License-Identifier: GPL-2.0
/* notify - READY, RELOADING, STOPPING and STATUS for systemd. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-daemon.h>

#include "log.h"
#include "notify.h"

static bool ready;
static char last_status[256];

/*
 * A failure to notify is not the daemon's failure (the manager may be
 * gone while we stop); said once, at debug level.
 */
static void send_state(const char *state)
{
	int err = sd_notify(0, state);

	if (err < 0)
		log_debug("sd_notify: %s", strerror(-err));
}

void notify_ready(void)
{
	/* The lines that led here go out first: "registered" before READY. */
	log_flush();
	ready = true;
	send_state("READY=1");
}

bool notify_is_ready(void)
{
	return ready;
}

void notify_reloading(void)
{
	char msg[64];
	struct timespec ts;

	/* Before READY, systemd ignores it: the unit is still starting. */
	if (!ready)
		return;
	/* systemd >= 253 wants the reload's start time (Type=notify-reload). */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%llu",
		 (unsigned long long)ts.tv_sec * 1000000ULL +
		 (unsigned long long)ts.tv_nsec / 1000);
	send_state(msg);
}

void notify_reloaded(void)
{
	log_flush();
	/* Before the first registration, READY would claim too much. */
	if (ready)
		send_state("READY=1");
}

void notify_stopping(void)
{
	log_flush();
	send_state("STOPPING=1");
}

void notify_status(const char *fmt, ...)
{
	char msg[sizeof(last_status) + 8];
	char status[sizeof(last_status)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(status, sizeof(status), fmt, ap);
	va_end(ap);
	/* Only changes: the timer would otherwise send the same line again. */
	if (!strcmp(status, last_status))
		return;
	snprintf(last_status, sizeof(last_status), "%s", status);
	snprintf(msg, sizeof(msg), "STATUS=%s", status);
	send_state(msg);
}
