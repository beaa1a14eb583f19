/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The paths of an offloaded flow: one ITO_A_FLOW_PATH nest per direction in
 * the reply to a single-flow FLOW_GET, the rule that carries the direction
 * in software or in the port device's hardware.
 */
#ifndef ITOCTL_PATH_H
#define ITOCTL_PATH_H

#include <stdbool.h>
#include <stdint.h>

#include <libmnl/libmnl.h>
#include <linux/ito.h>

#include "ito_flow.h"
#include "print.h"

/*
 * One path of "flow get". Text: "original: hw" (direction: where the rule
 * lives), then, indented by two spaces, the rule as a tc command and
 * "packets N bytes N". JSON: an object (an element of the "paths" array)
 * whose "tc" member holds the same command; a vWire direction's has
 * "vwire": true and no MACs. @proto is the flow's IPPROTO_*.
 */
void path_print(struct printer *p, const struct ito_path *path, uint8_t proto);

#endif /* ITOCTL_PATH_H */
