/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The words itoctl uses for the values of the contract's enums, both to
 * parse them and to print them. Lists end with a NULL word.
 */
#ifndef ITOCTL_NAMES_H
#define ITOCTL_NAMES_H

#include "parse.h"

/* enum ito_verdict, "none" included: for printing. */
extern const struct choice verdict_names[];
/* What "flow verdict" accepts: offload, inspect, inspect-all, block. */
extern const struct choice flow_verdict_choices[];
/* What "set default-verdict" accepts: offload, inspect, block. */
extern const struct choice default_verdict_choices[];
/* ITO_VERDICT_SOURCE_* bits: "set verdict-source agent,ctmark". */
extern const struct choice verdict_source_names[];
/* enum ito_ha_role: "set ha-role passive" */
extern const struct choice ha_role_names[];
extern const struct choice verdict_by_names[];	/* enum ito_verdict_by */
extern const struct choice flow_state_names[];	/* enum ito_flow_state */
extern const struct choice port_mode_names[];	/* enum ito_port_mode */
extern const struct choice port_offload_names[]; /* enum ito_port_offload */
extern const struct choice path_dir_names[];	/* original, reply */
extern const struct choice path_where_names[];	/* enum ito_path_where */
extern const struct choice flow_event_names[];	/* enum ito_flow_event */
extern const struct choice end_reason_names[];	/* enum ito_end_reason */
extern const struct choice ct_state_names[];	/* enum tcp_conntrack */
extern const struct choice proto_names[];	/* IPPROTO_* */
extern const struct choice family_names[];	/* AF_INET, AF_INET6 */

#endif /* ITOCTL_NAMES_H */
