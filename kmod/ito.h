/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ito - Intelligent Traffic Offload: state shared by the module's files.
 */
#ifndef _ITO_H
#define _ITO_H

#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/types.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <linux/ito.h>

struct netlink_ext_ack;
struct nlattr;

/* Per-cpu counter block; summed over all cpus when read. */
struct ito_counters {
	u64 val[__ITO_CNT_MAX];
};

/**
 * struct ito_net - one ito instance, per network namespace
 * @net: the namespace (not referenced: it owns us)
 * @config_lock: serialises configuration writers
 * @config: knobs indexed by enum ito_a_config; written under @config_lock
 *	with WRITE_ONCE(), read locklessly with ito_config_get()
 * @counters: per-cpu counters indexed by enum ito_counter
 */
struct ito_net {
	struct net *net;
	struct mutex config_lock;	/* serialises config writers */
	u32 config[__ITO_A_CONFIG_MAX];
	struct ito_counters __percpu *counters;
};

extern unsigned int ito_net_id;

static inline struct ito_net *ito_net(const struct net *net)
{
	return net_generic(net, ito_net_id);
}

/* config.c */
void ito_config_init(struct ito_net *in);
int ito_config_set(struct ito_net *in, struct nlattr *const *tb,
		   struct netlink_ext_ack *extack);

static inline u32 ito_config_get(const struct ito_net *in,
				 enum ito_a_config knob)
{
	return READ_ONCE(in->config[knob]);
}

/* counters.c */
int ito_counters_init(struct ito_net *in);
void ito_counters_uninit(struct ito_net *in);
const char *ito_counter_name(enum ito_counter id);
u64 ito_counter_read(const struct ito_net *in, enum ito_counter id);

static inline void ito_counter_add(struct ito_net *in, enum ito_counter id,
				   u64 n)
{
	this_cpu_add(in->counters->val[id], n);
}

static inline void ito_counter_inc(struct ito_net *in, enum ito_counter id)
{
	ito_counter_add(in, id, 1);
}

/* netlink.c */
int ito_netlink_init(void);
void ito_netlink_uninit(void);

#endif /* _ITO_H */
