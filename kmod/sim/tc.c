// SPDX-License-Identifier: GPL-2.0
/*
 * ito_sim - binding to flow blocks, as an mlx5 representor does: one
 * driver list and callback for tc blocks (TC_SETUP_BLOCK, clsact ingress)
 * and another for flow tables (TC_SETUP_FT, how nf_flow_table and ito
 * bind). Both callbacks may run without RTNL and must never take it.
 */
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/flow_offload.h>
#include <net/pkt_cls.h>

#include "sim.h"

static LIST_HEAD(sim_tc_block_list);
static LIST_HEAD(sim_ft_block_list);
/* the driver lists; tc binds under RTNL, ito under its own mutex */
static DEFINE_MUTEX(sim_block_lock);

/* A forced failure leaves the table as it was: a DESTROY keeps the rule. */
static int sim_flower(struct sim_port *port, struct flow_cls_offload *f,
		      bool ft)
{
	switch (f->command) {
	case FLOW_CLS_REPLACE:
		if (sim_fault(SIM_FAULT_REPLACE)) {
			NL_SET_ERR_MSG_MOD(f->common.extack,
					   "Injected failure (debugfs fail_replace)");
			return -EIO;
		}
		return sim_table_replace(port, f, ft);
	case FLOW_CLS_DESTROY:
		if (sim_fault(SIM_FAULT_DESTROY))
			return -EIO;
		return sim_table_destroy(port, f);
	case FLOW_CLS_STATS:
		if (sim_fault(SIM_FAULT_STATS))
			return -EIO;
		return sim_table_stats(port, f);
	default:
		return -EOPNOTSUPP;
	}
}

static int sim_tc_block_cb(enum tc_setup_type type, void *type_data,
			   void *cb_priv)
{
	struct sim_port *port = cb_priv;

	if (READ_ONCE(port->dead) || !netif_device_present(port->rep))
		return -EOPNOTSUPP;

	switch (type) {
	case TC_SETUP_CLSFLOWER:
		return sim_flower(port, type_data, false);
	default:
		return -EOPNOTSUPP;
	}
}

/*
 * Flow table rules reuse the tc path, as on mlx5: only chain 0, and the
 * priority, which may be anything from 0, is moved up by one because tc
 * has no priority 0. The stats go back to the caller's structure.
 */
static int sim_ft_block_cb(enum tc_setup_type type, void *type_data,
			   void *cb_priv)
{
	struct flow_cls_offload tmp, *f = type_data;
	struct sim_port *port = cb_priv;
	int err;

	if (READ_ONCE(port->dead))
		return -EOPNOTSUPP;
	/* a binder told to hold RTNL did not: what a real driver would trip on */
	if (READ_ONCE(port->ft_rtnl) && !rtnl_is_locked())
		atomic64_inc(&sim_cnt.rtnl_missing);

	switch (type) {
	case TC_SETUP_CLSFLOWER:
		memcpy(&tmp, f, sizeof(*f));
		if (tmp.common.prio >= U32_MAX || tmp.common.chain_index)
			return -EOPNOTSUPP;
		tmp.common.prio++;
		err = sim_flower(port, &tmp, true);
		memcpy(&f->stats, &tmp.stats, sizeof(f->stats));
		return err;
	default:
		return -EOPNOTSUPP;
	}
}

int sim_rep_setup_tc(struct net_device *dev, enum tc_setup_type type,
		     void *type_data)
{
	struct sim_port *port = sim_rep_port(dev);
	struct flow_block_offload *f = type_data;
	struct list_head *list;
	flow_setup_cb_t *cb;
	int err;

	switch (type) {
	case TC_SETUP_BLOCK:
		list = &sim_tc_block_list;
		cb = sim_tc_block_cb;
		break;
	case TC_SETUP_FT:
		list = &sim_ft_block_list;
		cb = sim_ft_block_cb;
		break;
	default:
		return -EOPNOTSUPP;
	}

	f->unlocked_driver_cb = true;
	if (type == TC_SETUP_FT && f->command == FLOW_BLOCK_UNBIND &&
	    sim_fault(SIM_FAULT_UNBIND))
		return -EIO;
	mutex_lock(&sim_block_lock);
	err = flow_block_cb_setup_simple(f, list, cb, port, port, true);
	if (!err && type == TC_SETUP_FT && f->command == FLOW_BLOCK_BIND) {
		WRITE_ONCE(port->ft_rtnl, !!READ_ONCE(sim_ft_rtnl));
		f->unlocked_driver_cb = !port->ft_rtnl;
	}
	mutex_unlock(&sim_block_lock);
	return err;
}

bool sim_port_bound(struct sim_port *port)
{
	bool busy;

	mutex_lock(&sim_block_lock);
	busy = flow_block_cb_is_busy(sim_tc_block_cb, port,
				     &sim_tc_block_list) ||
	       flow_block_cb_is_busy(sim_ft_block_cb, port,
				     &sim_ft_block_list);
	mutex_unlock(&sim_block_lock);
	return busy;
}

/*
 * Unload: a flow table whose UNBIND the device refused (fail_unbind) is
 * still on our list, its binder long gone (ito unlinks the callbacks when
 * it gives up): release it as a device reset would.
 */
void sim_blocks_exit(void)
{
	struct flow_block_cb *cb, *next;

	mutex_lock(&sim_block_lock);
	list_for_each_entry_safe(cb, next, &sim_ft_block_list, driver_list) {
		list_del(&cb->driver_list);
		flow_block_cb_free(cb);
	}
	WARN_ON(!list_empty(&sim_tc_block_list));
	mutex_unlock(&sim_block_lock);
}
