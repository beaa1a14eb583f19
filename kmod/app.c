// SPDX-License-Identifier: GPL-2.0
/*
 * ito - the application the agent named for a flow (ITO_A_FLOW_APP), kept
 * beside the flows rather than in them: struct ito_flow stays 208 bytes
 * (ito.h, Documentation/design.rst), and only the flows an agent
 * classified pay, 32 bytes from kmalloc plus their share of the xarray.
 *
 * Names change under the instance lock (verdicts, a flow's end); they are
 * read by flow messages, some built outside it (the packet path's new
 * flow events): those read under RCU, and a name replaced or dropped is
 * freed after a grace period.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/xarray.h>
#include <net/netlink.h>

#include "ito.h"

struct ito_app {
	struct rcu_head rcu;
	char name[ITO_APP_NAME_LEN];
};

/**
 * ito_app_set - remember @flow's application
 * @in: the instance; caller holds @in->lock
 * @flow: the flow, not ended (ito_app_forget() runs as it ends)
 * @name: at most ITO_APP_NAME_LEN - 1 characters (the netlink policy)
 *
 * Return: 0 or -ENOMEM; the verdict that came with it applies anyway.
 */
int ito_app_set(struct ito_net *in, struct ito_flow *flow, const char *name)
{
	struct ito_app *app, *old;

	lockdep_assert_held(&in->lock);
	app = kmalloc(sizeof(*app), GFP_KERNEL);
	if (!app)
		return -ENOMEM;
	strscpy(app->name, name, sizeof(app->name));
	old = xa_store(&in->apps, flow->id, app, GFP_KERNEL);
	if (xa_is_err(old)) {
		kfree(app);
		return xa_err(old);
	}
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}

/* @flow ended: its id may be handed out again. Caller holds @in->lock. */
void ito_app_forget(struct ito_net *in, struct ito_flow *flow)
{
	struct ito_app *old;

	lockdep_assert_held(&in->lock);
	old = xa_erase(&in->apps, flow->id);
	if (old)
		kfree_rcu(old, rcu);
}

/* ITO_A_FLOW_APP into @msg when @flow has one. */
int ito_app_put(struct sk_buff *msg, struct ito_net *in,
		const struct ito_flow *flow)
{
	struct ito_app *app;
	int err = 0;

	rcu_read_lock();
	app = xa_load(&in->apps, flow->id);
	if (app)
		err = nla_put_string(msg, ITO_A_FLOW_APP, app->name);
	rcu_read_unlock();
	return err;
}

void ito_app_net_init(struct ito_net *in)
{
	xa_init(&in->apps);
}

/* After every flow ended: nothing is left. */
void ito_app_net_uninit(struct ito_net *in)
{
	WARN_ON(!xa_empty(&in->apps));
	xa_destroy(&in->apps);
}
