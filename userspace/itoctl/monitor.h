/* SPDX-License-Identifier: GPL-2.0 */
/* "itoctl monitor": flow events as they happen. */
#ifndef ITOCTL_MONITOR_H
#define ITOCTL_MONITOR_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "ito_nl.h"
#include "print.h"

/* Room for "2025-01-31T23:59:59.123456". */
#define MONITOR_TIME_LEN	32

/* How "monitor" prints the events it receives. */
struct monitor_out {
	struct printer p;
	bool timestamp;		/* -t: when each event was received */
	uint32_t events;	/* 1 << ITO_FLOW_EVENT_* to print, 0 for all */
	/* The clock: NULL for the real time; tests set a fixed one. */
	void (*clock)(struct timespec *now);
};

/*
 * The words after "monitor": EVENT words, each one or more times.
 * EXIT_OK with @out->events set, or EXIT_USAGE with the reason printed.
 */
int monitor_parse_args(int argc, char **argv, struct monitor_out *out);

/* @ts as local time, "2025-01-31T23:59:59.123456". Returns @buf. */
const char *monitor_time(const struct timespec *ts,
			 char buf[MONITOR_TIME_LEN]);

/*
 * Print the FLOW_NTF event of @nlh (other messages are ignored), if it is
 * of a kind asked for, and flush the output. MNL_CB_OK, or MNL_CB_ERROR
 * with errno EPROTO if malformed. @data is the struct monitor_out.
 */
int monitor_event_cb(const struct nlmsghdr *nlh, void *data);

#endif /* ITOCTL_MONITOR_H */
