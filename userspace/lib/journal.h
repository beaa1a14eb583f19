/* SPDX-License-Identifier: GPL-2.0 */
/* Is an output the stream systemd connected to journald? (not exported) */
#ifndef ITO_JOURNAL_H
#define ITO_JOURNAL_H

#include <stdbool.h>

/*
 * True when @fd is the stream named by JOURNAL_STREAM ("DEVICE:INODE",
 * systemd.exec(5)): then a line starting with "<N>" (sd-daemon(3)) gets
 * priority N in the journal. A stream the service redirected elsewhere (a
 * file, a pipe) is told apart by its device and inode.
 */
bool ito_fd_is_journal(int fd);

#endif /* ITO_JOURNAL_H */
