/* SPDX-License-Identifier: GPL-2.0 */
/* The module's configuration knobs: "itoctl show" and "itoctl set". */
#ifndef ITOCTL_CONFIG_H
#define ITOCTL_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/ito.h>

#include "ito_nl.h"
#include "print.h"

/* A set of knobs, indexed by enum ito_a_config; @present says which are set. */
struct ito_config {
	uint32_t value[ITO_A_CONFIG_MAX + 1];
	uint32_t present;
};

_Static_assert(ITO_A_CONFIG_MAX < 32, "struct ito_config.present is too small");

static inline bool config_has(const struct ito_config *cfg, unsigned int attr)
{
	return cfg->present & (1u << attr);
}

/*
 * Parse a CONFIG_GET reply into @cfg. Knobs this tool does not know are
 * skipped. Returns 0, or -EPROTO if the reply is malformed or has no
 * ITO_A_CONFIG.
 */
int config_parse_reply(const struct nlmsghdr *nlh, struct ito_config *cfg);

/* Build a CONFIG_SET request for the knobs present in @cfg into @buf. */
struct nlmsghdr *config_build_set(void *buf, uint16_t family_id,
				  const struct ito_config *cfg);

/*
 * Parse "KEYWORD VALUE ..." of "itoctl set" into @cfg. Returns EXIT_OK or
 * EXIT_USAGE with the reason printed.
 */
int config_parse_args(int argc, char **argv, struct ito_config *cfg);

/* Print the knobs present in @cfg. */
void config_print(struct printer *p, const struct ito_config *cfg);

#endif /* ITOCTL_CONFIG_H */
