/* SPDX-License-Identifier: GPL-2.0 */
/* Test helpers: catch what itoctl reports, or prints, in memory. */
#ifndef ITO_TESTS_CAPTURE_H
#define ITO_TESTS_CAPTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "report.h"

struct capture {
	FILE *fp;
	char *text;
	size_t len;
};

static inline void capture_open(struct capture *c)
{
	c->text = NULL;
	c->len = 0;
	c->fp = open_memstream(&c->text, &c->len);
}

/* The text so far; valid until the next write or capture_close(). */
static inline const char *capture_text(struct capture *c)
{
	fflush(c->fp);
	return c->text ? c->text : "";
}

static inline void capture_close(struct capture *c)
{
	fclose(c->fp);
	free(c->text);
	c->fp = NULL;
	c->text = NULL;
}

/* cmocka group fixtures redirecting report.c's messages. */
static struct capture reported;

static inline int capture_reports_setup(void **state)
{
	(void)state;
	capture_open(&reported);
	report_set_stream(reported.fp);
	return 0;
}

static inline int capture_reports_teardown(void **state)
{
	(void)state;
	report_set_stream(NULL);
	capture_close(&reported);
	return 0;
}

/* A cmocka setup: each test starts with nothing reported. */
static inline int fresh_capture(void **state)
{
	capture_reports_teardown(state);
	return capture_reports_setup(state);
}

#endif /* ITO_TESTS_CAPTURE_H */
