/* SPDX-License-Identifier: GPL-2.0 */
/* How itoctl tells the user what went wrong (iproute2 wording). */
#ifndef ITOCTL_REPORT_H
#define ITOCTL_REPORT_H

#include <stdio.h>

enum itoctl_exit {
	EXIT_OK = 0,
	EXIT_FAIL = 1,		/* the operation failed: kernel error, no module */
	EXIT_USAGE = 2,		/* the command line was wrong */
};

/* Messages go to stderr unless a test redirects them. */
FILE *report_stream(void);
void report_set_stream(FILE *fp);

/* "Error: <message>\n" */
void pr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "Warning: <message>\n" */
void pr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Report a failed exchange with the kernel: @err is -errno, @extack the
 * kernel's message ("" if none), @what names the operation for errors the
 * kernel did not explain. Returns EXIT_FAIL.
 */
int report_kernel_error(int err, const char *extack, const char *what);
/* Report a failure to reach the ito family. Returns EXIT_FAIL. */
int report_connect_error(int err, const char *extack);

#endif /* ITOCTL_REPORT_H */
