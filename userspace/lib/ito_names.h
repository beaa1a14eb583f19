/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ito_names - the words for the values of the contract's enums, one table
 * each, shared by itoctl (parse and print), itod (its policy file and logs)
 * and libito's public ito_*_name() functions. Lists end with a NULL word.
 */
#ifndef ITO_NAMES_H
#define ITO_NAMES_H

#include <stdbool.h>
#include <stdint.h>

/* A word and the value it stands for. */
struct ito_name {
	const char *word;
	uint32_t value;
};

/* The word of @value in @names, NULL if it has none. */
const char *ito_name_word(const struct ito_name *names, uint32_t value);
/* The value of @word (exact match) in @names: false if none. */
bool ito_name_value(const struct ito_name *names, const char *word,
		    uint32_t *value);

/* enum ito_verdict, "none" included: for printing. */
extern const struct ito_name ito_verdict_names[];
/* The verdicts an agent gives: offload, inspect, inspect-all, block. */
extern const struct ito_name ito_agent_verdict_names[];
/* What "set default-verdict" accepts: offload, inspect, block. */
extern const struct ito_name ito_default_verdict_names[];
/* ITO_VERDICT_SOURCE_* bits: "set verdict-source agent,ctmark". */
extern const struct ito_name ito_verdict_source_names[];
/* enum ito_ha_role: "set ha-role passive" */
extern const struct ito_name ito_ha_role_names[];
extern const struct ito_name ito_verdict_by_names[];	/* enum ito_verdict_by */
extern const struct ito_name ito_flow_state_names[];	/* enum ito_flow_state */
extern const struct ito_name ito_port_mode_names[];	/* enum ito_port_mode */
extern const struct ito_name ito_port_offload_names[]; /* enum ito_port_offload */
extern const struct ito_name ito_dir_names[];	/* original, reply */
extern const struct ito_name ito_path_where_names[];	/* enum ito_path_where */
extern const struct ito_name ito_flow_event_names[];	/* enum ito_flow_event */
extern const struct ito_name ito_end_reason_names[];	/* enum ito_end_reason */
extern const struct ito_name ito_ct_state_names[];	/* enum tcp_conntrack */
extern const struct ito_name ito_proto_names[];	/* IPPROTO_* */
extern const struct ito_name ito_family_names[];	/* AF_INET, AF_INET6 */

#endif /* ITO_NAMES_H */
