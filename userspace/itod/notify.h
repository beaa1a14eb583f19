/* SPDX-License-Identifier: GPL-2.0 */
/*
 * notify - itod's side of systemd's Type=notify protocol (sd_notify(3)).
 *
 * Without NOTIFY_SOCKET in the environment (not started by systemd, or by a
 * unit of another type) every call is a no-op, so the daemon calls them
 * unconditionally. The messages, and when they are sent:
 *
 *   READY=1       once, after the first registration as the kernel's agent:
 *                 "systemctl start itod" returns when flows get verdicts,
 *                 and units ordered after itod can rely on that.
 *   RELOADING=1   SIGHUP received; READY=1 follows when the policy was
 *                 read (or kept, if the new one has an error). Neither
 *                 before the first READY=1: the unit is still starting.
 *   STOPPING=1    SIGTERM/SIGINT received, before unregistering.
 *   STATUS=...    a line for "systemctl status": waiting for the module,
 *                 registered with so many decisions, stopping.
 *
 * The environment is kept (unset_environment 0): itod starts no children.
 */
#ifndef ITOD_NOTIFY_H
#define ITOD_NOTIFY_H

#include <stdbool.h>

void notify_ready(void);
void notify_reloading(void);
void notify_reloaded(void);
void notify_stopping(void);

void notify_status(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Has READY=1 been sent? */
bool notify_is_ready(void);

#endif /* ITOD_NOTIFY_H */
