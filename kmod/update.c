// SPDX-License-Identifier: GPL-2.0
/*
 * ito - session updates within the update budget.
 *
 * A route or next-hop change can reach every offloaded session at once.
 * Each direction it changes is one update of the fast-path table or of a
 * device, and max_update_rate covers updates as well as installs: the
 * directions to update wait in a backlog, fastest flow first, and the work
 * applies as many as the budget allows, then sleeps until the next token
 * is due. A waiting direction forwards as before (its entry or rule stays
 * until the replacement is in), so nothing is lost while it waits.
 *
 * The backlog names flows by id, not by pointer: a flow may end while its
 * update waits. An id reused meanwhile (after 2^32 newer flows) costs the
 * newer flow an update it did not need.
 */
#include <linux/slab.h>
#include <linux/sort.h>

#include "ito.h"

/* updates applied per hold of the instance mutex */
#define ITO_UPDATE_SLICE	256

struct ito_update {
	u64 id;
	u32 rate;		/* the flow's packets/s when queued */
	u8 dir;
	u8 what;		/* ITO_UPDATE_* */
};

static int ito_update_cmp_key(const void *a, const void *b)
{
	const struct ito_update *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return (int)x->dir - (int)y->dir;
}

static int ito_update_cmp_rate(const void *a, const void *b)
{
	const struct ito_update *x = a, *y = b;

	if (x->rate != y->rate)
		return x->rate > y->rate ? -1 : 1;
	return ito_update_cmp_key(a, b);
}

/*
 * One entry per direction (what a direction needs is the union of what was
 * asked), fastest flow first. Caller holds @in->lock.
 */
static void ito_update_order(struct ito_net *in)
{
	struct ito_update *u = in->upd;
	unsigned int i, n = 0;

	sort(u, in->nupd, sizeof(*u), ito_update_cmp_key, NULL);
	for (i = 0; i < in->nupd; i++) {
		if (n && u[n - 1].id == u[i].id && u[n - 1].dir == u[i].dir) {
			u[n - 1].what |= u[i].what;
			u[n - 1].rate = max(u[n - 1].rate, u[i].rate);
			continue;
		}
		u[n++] = u[i];
	}
	in->nupd = n;
	sort(u, n, sizeof(*u), ito_update_cmp_rate, NULL);
	in->upd_sorted = true;
}

/**
 * ito_update_add - a direction of an offloaded flow needs an update
 * @in: the instance; caller holds @in->lock
 * @flow: the flow
 * @dir: the direction
 * @what: ITO_UPDATE_ROUTE (check the route again) and/or ITO_UPDATE_MAC
 *	(the next hop's MAC changed: replace the rule in hardware)
 *
 * The caller kicks the work with ito_update_kick() once it has added all.
 * Return: 0, or -ENOMEM (the caller then returns the flow to the slow
 * path, which loses nothing either).
 */
int ito_update_add(struct ito_net *in, struct ito_flow *flow, int dir, u8 what)
{
	struct ito_update *u;
	unsigned int cap;

	lockdep_assert_held(&in->lock);
	if (in->nupd == in->upd_cap) {
		cap = max(64U, in->upd_cap * 2);
		u = kvmalloc_array(cap, sizeof(*u), GFP_KERNEL);
		if (!u)
			return -ENOMEM;
		if (in->nupd)
			memcpy(u, in->upd, in->nupd * sizeof(*u));
		kvfree(in->upd);
		in->upd = u;
		in->upd_cap = cap;
	}
	u = &in->upd[in->nupd++];
	u->id = flow->id;
	u->rate = ito_flow_live_rate(flow);
	u->dir = dir;
	u->what = what;
	in->upd_sorted = false;
	return 0;
}

void ito_update_kick(struct ito_net *in)
{
	mod_delayed_work(system_power_efficient_wq, &in->upd_work, 0);
}

/* Drop the first @done entries, applied or stale. */
static void ito_update_consume(struct ito_net *in, unsigned int done)
{
	if (!done)
		return;
	in->nupd -= done;
	if (in->nupd)
		memmove(in->upd, in->upd + done, in->nupd * sizeof(*in->upd));
}

static void ito_update_work(struct work_struct *work)
{
	struct ito_net *in = container_of(to_delayed_work(work), struct ito_net,
					  upd_work);
	unsigned int i, end, done = 0;
	unsigned long again = 0;
	struct ito_update *u;
	struct ito_flow *flow;
	int err = 0;

	mutex_lock(&in->lock);
	while (done < in->nupd && !err) {
		/*
		 * Adders may have come in between slices: the applied entries
		 * leave before the rest is ordered again. Otherwise they leave
		 * once, at the end, not one slice at a time.
		 */
		if (!in->upd_sorted) {
			ito_update_consume(in, done);
			done = 0;
			ito_update_order(in);
		}
		end = min(in->nupd, done + ITO_UPDATE_SLICE);
		for (i = done; i < end; i++) {
			u = &in->upd[i];
			flow = xa_load(&in->flow_ids, u->id);
			if (!flow)
				continue;	/* ended meanwhile */
			err = ito_nh_update(in, flow, u->dir, u->what);
			if (err)	/* out of tokens: this one waits too */
				break;
		}
		done = i;
		ito_hw_reap(in);
		if (err) {
			u32 rate = ito_config_get(in, ITO_A_CONFIG_MAX_UPDATE_RATE);

			ito_counter_inc(in, ITO_CNT_UPDATE_DEFERRED_RATE_LIMIT);
			/* the next token is due within 1/rate s */
			again = DIV_ROUND_UP(HZ, rate);
			break;
		}
		mutex_unlock(&in->lock);
		cond_resched();
		mutex_lock(&in->lock);
	}
	ito_update_consume(in, done);
	if (again)
		mod_delayed_work(system_power_efficient_wq, &in->upd_work, again);
	mutex_unlock(&in->lock);
}

void ito_update_net_init(struct ito_net *in)
{
	in->upd = NULL;
	in->nupd = 0;
	in->upd_cap = 0;
	in->upd_sorted = true;
	INIT_DELAYED_WORK(&in->upd_work, ito_update_work);
}

/* Nothing adds any more: the notifiers and their work are gone. */
void ito_update_net_uninit(struct ito_net *in)
{
	cancel_delayed_work_sync(&in->upd_work);
	kvfree(in->upd);
	in->upd = NULL;
	in->nupd = 0;
	in->upd_cap = 0;
}
