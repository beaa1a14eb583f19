// SPDX-License-Identifier: GPL-2.0
/* settings - "set NAME VALUE" lines of itod.conf and their options. */
#include <string.h>

#include "declog.h"
#include "settings.h"

void settings_init(struct settings *s)
{
	memset(s, 0, sizeof(*s));
	s->log_rate = DECLOG_RATE;
	s->log_burst = DECLOG_BURST;
	s->stats_interval = SETTINGS_STATS_INTERVAL;
	s->classify_max = SETTINGS_CLASSIFY_MAX;
	s->classify_packets = SETTINGS_CLASSIFY_PACKETS;
	s->classify_timeout = SETTINGS_CLASSIFY_TIMEOUT;
}

static int parse_u32(const char *v, uint32_t lo, uint32_t hi, uint32_t *out)
{
	unsigned long long n = 0;

	if (!*v)
		return -1;
	for (; *v; v++) {
		if (*v < '0' || *v > '9')
			return -1;
		n = n * 10 + (unsigned long long)(*v - '0');
		if (n > hi)
			return -1;
	}
	if (n < lo)
		return -1;
	*out = (uint32_t)n;
	return 0;
}

int settings_parse(struct settings *s, const char *name, const char *value,
		   char *err, size_t err_len)
{
	if (!strcmp(name, "log-rate")) {
		if (parse_u32(value, 0, DECLOG_MAX_RATE, &s->log_rate))
			goto range;
		s->set |= SETTING_LOG_RATE;
	} else if (!strcmp(name, "log-burst")) {
		if (parse_u32(value, 1, DECLOG_MAX_RATE, &s->log_burst))
			goto range;
		s->set |= SETTING_LOG_BURST;
	} else if (!strcmp(name, "stats-interval")) {
		if (parse_u32(value, 1, SETTINGS_MAX_INTERVAL,
			      &s->stats_interval))
			goto range;
		s->set |= SETTING_STATS_INTERVAL;
	} else if (!strcmp(name, "classify-max")) {
		if (parse_u32(value, 1, SETTINGS_CLASSIFY_LIMIT, &s->classify_max))
			goto range;
		s->set |= SETTING_CLASSIFY_MAX;
	} else if (!strcmp(name, "classify-packets")) {
		if (parse_u32(value, 1, 1024, &s->classify_packets))
			goto range;
		s->set |= SETTING_CLASSIFY_PACKETS;
	} else if (!strcmp(name, "classify-timeout")) {
		if (parse_u32(value, 1, SETTINGS_MAX_INTERVAL,
			      &s->classify_timeout))
			goto range;
		s->set |= SETTING_CLASSIFY_TIMEOUT;
	} else if (!strcmp(name, "stats-file")) {
		if (strlen(value) >= sizeof(s->stats_file)) {
			snprintf(err, err_len, "\"stats-file\" is too long");
			return -1;
		}
		if (strcmp(value, "none") && value[0] != '/') {
			snprintf(err, err_len,
				 "\"stats-file\" must be an absolute path or \"none\", not \"%s\"",
				 value);
			return -1;
		}
		strcpy(s->stats_file, strcmp(value, "none") ? value : "");
		s->set |= SETTING_STATS_FILE;
	} else {
		snprintf(err, err_len,
			 "unknown setting \"%s\" (expected log-rate, log-burst, stats-file, stats-interval, classify-max, classify-packets or classify-timeout)",
			 name);
		return -1;
	}
	return 0;
range:
	snprintf(err, err_len, "bad value \"%s\" for \"%s\" (expected %s)",
		 value, name,
		 !strcmp(name, "log-rate") ? "0-1000000 lines a second" :
		 !strcmp(name, "log-burst") ? "1-1000000 lines" :
		 !strcmp(name, "classify-max") ? "1-1048576 flows" :
		 !strcmp(name, "classify-packets") ? "1-1024 packet copies" :
		 "1-3600 seconds");
	return -1;
}

void settings_merge(struct settings *s, const struct settings *over)
{
	if (over->set & SETTING_LOG_RATE)
		s->log_rate = over->log_rate;
	if (over->set & SETTING_LOG_BURST)
		s->log_burst = over->log_burst;
	if (over->set & SETTING_STATS_FILE)
		memcpy(s->stats_file, over->stats_file, sizeof(s->stats_file));
	if (over->set & SETTING_STATS_INTERVAL)
		s->stats_interval = over->stats_interval;
	if (over->set & SETTING_CLASSIFY_MAX)
		s->classify_max = over->classify_max;
	if (over->set & SETTING_CLASSIFY_PACKETS)
		s->classify_packets = over->classify_packets;
	if (over->set & SETTING_CLASSIFY_TIMEOUT)
		s->classify_timeout = over->classify_timeout;
	s->set |= over->set;
}

void settings_print(const struct settings *s, FILE *fp)
{
	if (s->set & SETTING_LOG_RATE)
		fprintf(fp, "set log-rate %u\n", s->log_rate);
	if (s->set & SETTING_LOG_BURST)
		fprintf(fp, "set log-burst %u\n", s->log_burst);
	if (s->set & SETTING_STATS_FILE)
		fprintf(fp, "set stats-file %s\n",
			s->stats_file[0] ? s->stats_file : "none");
	if (s->set & SETTING_STATS_INTERVAL)
		fprintf(fp, "set stats-interval %u\n", s->stats_interval);
	if (s->set & SETTING_CLASSIFY_MAX)
		fprintf(fp, "set classify-max %u\n", s->classify_max);
	if (s->set & SETTING_CLASSIFY_PACKETS)
		fprintf(fp, "set classify-packets %u\n", s->classify_packets);
	if (s->set & SETTING_CLASSIFY_TIMEOUT)
		fprintf(fp, "set classify-timeout %u\n", s->classify_timeout);
}
