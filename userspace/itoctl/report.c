// SPDX-License-Identifier: GPL-2.0
/* Error and warning messages. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include <linux/ito.h>
#include <systemd/sd-daemon.h>

#include "journal.h"
#include "report.h"

static FILE *report_fp;

FILE *report_stream(void)
{
	return report_fp ? report_fp : stderr;
}

void report_set_stream(FILE *fp)
{
	report_fp = fp;
}

/*
 * Under systemd, stderr may be a stream to the journal: then a "<N>"
 * prefix gives a line its priority, so "journalctl -p err" shows errors.
 */
static void report(const char *level, const char *prefix, const char *fmt,
		   va_list ap)
{
	FILE *fp = report_stream();

	if (ito_fd_is_journal(fileno(fp)))
		fputs(level, fp);
	fputs(prefix, fp);
	vfprintf(fp, fmt, ap);
	fputc('\n', fp);
}

void pr_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(SD_ERR, "Error: ", fmt, ap);
	va_end(ap);
}

void pr_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(SD_WARNING, "Warning: ", fmt, ap);
	va_end(ap);
}

int report_kernel_error(int err, const char *extack, const char *what)
{
	/*
	 * Generic netlink refuses GENL_ADMIN_PERM commands before the module
	 * sees them, without a message; the module's own -EPERM (a knob
	 * above its cap in a user namespace) says why.
	 */
	if (extack && *extack)
		pr_err("%s", extack);
	else if (err == -EPERM)
		pr_err("permission denied (CAP_NET_ADMIN needed)");
	else if (err == -EINTR)	/* NLM_F_DUMP_INTR */
		pr_err("%s was interrupted by a concurrent change, try again",
		       what);
	else
		pr_err("%s failed: %s", what, strerror(-err));
	return EXIT_FAIL;
}

int report_connect_error(int err, const char *extack)
{
	if (err == -ENOENT)
		pr_err("the ito module is not loaded (generic netlink family \"%s\" not found)",
		       ITO_FAMILY_NAME);
	else
		return report_kernel_error(err, extack,
					   "talking to the kernel");
	return EXIT_FAIL;
}
