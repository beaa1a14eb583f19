/* SPDX-License-Identifier: GPL-2.0 */
/*
 * settings - the daemon's knobs that itod.conf may set beside its rules,
 * one "set NAME VALUE" line each (itod.conf(5)):
 *
 *   set log-rate N         decision lines a second (0-1000000, default 20)
 *   set log-burst N        ... in a burst (1-1000000, default 100)
 *   set stats-file PATH    where the statistics go (itod.prom), or "none"
 *   set stats-interval S   how often they are written (1-3600 s, default 5)
 *   set classify-max N     flows classified at once (1-1048576, def. 65536)
 *   set classify-packets N copies after which nDPI gives up (1-1024, def. 8)
 *   set classify-timeout S seconds after which it gives up (1-3600, def. 3)
 *
 * They are read with the policy, so a reload (SIGHUP) changes them too;
 * the command line overrides the file. A knob not set keeps its default,
 * marked by the SETTING_* bit being clear in @set.
 */
#ifndef ITOD_SETTINGS_H
#define ITOD_SETTINGS_H

#include <limits.h>
#include <stdint.h>
#include <stdio.h>

#define SETTINGS_STATS_INTERVAL	5
#define SETTINGS_MAX_INTERVAL	3600
#define SETTINGS_CLASSIFY_MAX	65536
#define SETTINGS_CLASSIFY_LIMIT	1048576
/* The module's min_pkts default: copies stop after that many. */
#define SETTINGS_CLASSIFY_PACKETS 8
#define SETTINGS_CLASSIFY_TIMEOUT 3

enum setting_bit {
	SETTING_LOG_RATE	= 1u << 0,
	SETTING_LOG_BURST	= 1u << 1,
	SETTING_STATS_FILE	= 1u << 2,
	SETTING_STATS_INTERVAL	= 1u << 3,
	SETTING_CLASSIFY_MAX	= 1u << 4,
	SETTING_CLASSIFY_PACKETS = 1u << 5,
	SETTING_CLASSIFY_TIMEOUT = 1u << 6,
};

struct settings {
	uint32_t set;			/* enum setting_bit: given explicitly */
	uint32_t log_rate, log_burst;
	char stats_file[PATH_MAX];	/* "": none */
	uint32_t stats_interval;	/* seconds */
	uint32_t classify_max;		/* flows pending classification */
	uint32_t classify_packets;	/* copies, then nDPI gives up */
	uint32_t classify_timeout;	/* seconds, then nDPI gives up */
};

void settings_init(struct settings *s);

/*
 * One knob: "log-rate" and "20". Returns 0, or -1 with a message (without
 * file and line) in @err.
 */
int settings_parse(struct settings *s, const char *name, const char *value,
		   char *err, size_t err_len);

/* @over's explicit knobs replace @s's (the command line over the file). */
void settings_merge(struct settings *s, const struct settings *over);

/* The knobs set explicitly, as "set" lines. */
void settings_print(const struct settings *s, FILE *fp);

#endif /* ITOD_SETTINGS_H */
