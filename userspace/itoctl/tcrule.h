/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A path of an offloaded flow written as the tc flower rule an operator can
 * compare with "tc filter show": the rule the kernel builds for hardware
 * (kmod/hw.c), which is also what the software cut-through does.
 */
#ifndef ITOCTL_TCRULE_H
#define ITOCTL_TCRULE_H

#include <stddef.h>
#include <stdint.h>

#include "path.h"

/* Room for the longest rule: IPv6 with every NAT field and VLAN actions. */
#define TC_RULE_LEN	1024

/*
 * "tc filter add dev IN ingress protocol ... flower ... action ... action
 * mirred egress redirect dev OUT" into @buf, @in_dev and @out_dev being the
 * names of path->in_ifindex and path->out_ifindex. skip_sw only when the
 * rule is in hardware. @proto is the flow's IPPROTO_*. Pure: no lookups.
 * Returns the length of the whole rule, as snprintf() does; @buf always
 * ends with a NUL, truncated when the return value is @len or more.
 */
size_t tc_rule_format(char *buf, size_t len, const struct ito_path *path,
		      uint8_t proto, const char *in_dev, const char *out_dev);

#endif /* ITOCTL_TCRULE_H */
