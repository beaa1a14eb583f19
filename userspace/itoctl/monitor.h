/* SPDX-License-Identifier: GPL-2.0 */
/* "itoctl monitor": flow events as they happen. */
#ifndef ITOCTL_MONITOR_H
#define ITOCTL_MONITOR_H

#include "ito_nl.h"
#include "print.h"

/*
 * Print the FLOW_NTF event of @nlh (other messages are ignored) and flush
 * the output. MNL_CB_OK, or MNL_CB_ERROR with errno EPROTO if malformed.
 * @data is the struct printer.
 */
int monitor_event_cb(const struct nlmsghdr *nlh, void *data);

#endif /* ITOCTL_MONITOR_H */
