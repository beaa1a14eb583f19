// SPDX-License-Identifier: GPL-2.0
/* Shared by itoctl and itod: their errors reach journald at their priority. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "journal.h"

bool ito_fd_is_journal(int fd)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char end;

	if (!env || sscanf(env, "%llu:%llu%c", &dev, &ino, &end) != 2)
		return false;
	if (fstat(fd, &st))
		return false;
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}
