// SPDX-License-Identifier: GPL-2.0
/*
 * ito - the role of an instance in an active/passive firewall pair.
 *
 * The pair replicates conntrack with conntrackd; ito's verdicts travel in
 * the entries' labels (or marks). The passive instance installs nothing.
 * When it turns active, the peer's entries are being committed into its
 * table, and packets of those connections may already arrive: an entry
 * they create before the commit has no verdict yet, but its replicated
 * copy has one. So while passive, and for ha_hold ms after turning
 * active, such flows are not copied to the agent; the commit's verdict
 * then decides them without a second inspection.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <net/netlink.h>

#include "ito.h"

/* Would a peer taking over find this instance's verdicts in conntrack? */
static bool ito_ha_verdicts_travel(const struct ito_net *in)
{
	u32 src = ito_config_get(in, ITO_A_CONFIG_VERDICT_SOURCE);

	if ((src & ITO_VERDICT_SOURCE_CTLABEL) &&
	    ito_config_get(in, ITO_A_CONFIG_CTLABEL_OFFLOADED) !=
	    ITO_CTLABEL_NONE)
		return true;
	return (src & ITO_VERDICT_SOURCE_CTMARK) &&
	       ito_config_get(in, ITO_A_CONFIG_CTMARK_OFFLOAD);
}

/**
 * ito_ha_configured - act on a configuration request that may have
 *	changed the role
 * @in: the instance; caller holds no lock
 * @was_passive: the role before the request
 * @role_set: the request named the role
 * @extack: for a warning (the request succeeded)
 */
void ito_ha_configured(struct ito_net *in, bool was_passive, bool role_set,
		       struct netlink_ext_ack *extack)
{
	bool passive = ito_config_get(in, ITO_A_CONFIG_HA_ROLE) ==
		       ITO_HA_ROLE_PASSIVE;

	if (was_passive && !passive)
		WRITE_ONCE(in->ha_hold_until, jiffies +
			   msecs_to_jiffies(ito_config_get(in, ITO_A_CONFIG_HA_HOLD)));
	if (!was_passive && passive)
		ito_flow_standby(in);
	if (role_set && !ito_ha_verdicts_travel(in))
		NL_SET_ERR_MSG(extack,
			       "ha_role: verdicts do not travel with conntrack entries, the peer will inspect again (set verdict_source ctlabel and ctlabel_offloaded)");
}

/**
 * ito_ha_holds_copy - is a copy of a flow without a verdict held back?
 * @in: the instance, whose conntrack is a verdict source
 *
 * Any context. Counts the copy held.
 */
bool ito_ha_holds_copy(struct ito_net *in)
{
	if (ito_config_get(in, ITO_A_CONFIG_HA_ROLE) != ITO_HA_ROLE_PASSIVE &&
	    !time_before(jiffies, READ_ONCE(in->ha_hold_until)))
		return false;
	ito_counter_inc(in, ITO_CNT_HA_COPIES_HELD);
	return true;
}

void ito_ha_net_init(struct ito_net *in)
{
	in->ha_hold_until = jiffies;
}
