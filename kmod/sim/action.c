// SPDX-License-Identifier: GPL-2.0
/*
 * ito_sim - turning a flower action list into what the simulated eswitch
 * executes, refusing what mlx5 6.1 refuses (drivers/net/ethernet/mellanox/
 * mlx5/core/en/tc/act/ and the pedit and action checks of en_tc.c).
 *
 * Pedit actions are collected per command (set, add) into per-header masks
 * and values, exactly as the words sit in packet memory, then compiled into
 * one operation per hardware field of sim_fields[]; bits no field covers
 * make the rule unsupported.
 */
#include <linux/bits.h>
#include <linux/if_vlan.h>
#include <linux/slab.h>
#include <linux/tc_act/tc_csum.h>
#include <net/flow_offload.h>

#include "compat.h"
#include "sim.h"

#define F(_name, _hdr, _off, _bits, _mask, _fmt) \
	{ .name = _name, .hdr = SIM_HDR_##_hdr, .off = _off, .bits = _bits, \
	  .mask = _mask, .fmt = SIM_FMT_##_fmt }

/* mlx5's rewritable fields, in its order (en_tc.c, fields[]) */
const struct sim_field sim_fields[SIM_NFIELDS] = {
	F("eth_dst_47_16", ETH, 0, 32, 0xffffffff, HEX),
	F("eth_dst_15_0", ETH, 4, 16, 0xffff, HEX),
	F("eth_src_47_16", ETH, 6, 32, 0xffffffff, HEX),
	F("eth_src_15_0", ETH, 10, 16, 0xffff, HEX),
	F("eth_type", ETH, 12, 16, 0xffff, HEX),
	F("vlan_id", ETH, 14, 16, 0xffff, DEC),
	F("ip_dscp", IP4, 1, 8, 0xfc, HEX),
	F("ip_ttl", IP4, 8, 8, 0xff, DEC),
	F("ip_src", IP4, 12, 32, 0xffffffff, IP4),
	F("ip_dst", IP4, 16, 32, 0xffffffff, IP4),
	F("ip6_src_127_96", IP6, 8, 32, 0xffffffff, HEX),
	F("ip6_src_95_64", IP6, 12, 32, 0xffffffff, HEX),
	F("ip6_src_63_32", IP6, 16, 32, 0xffffffff, HEX),
	F("ip6_src_31_0", IP6, 20, 32, 0xffffffff, HEX),
	F("ip6_dst_127_96", IP6, 24, 32, 0xffffffff, HEX),
	F("ip6_dst_95_64", IP6, 28, 32, 0xffffffff, HEX),
	F("ip6_dst_63_32", IP6, 32, 32, 0xffffffff, HEX),
	F("ip6_dst_31_0", IP6, 36, 32, 0xffffffff, HEX),
	F("ip6_hoplimit", IP6, 7, 8, 0xff, DEC),
	F("ip6_dscp", IP6, 0, 16, 0x0fc0, HEX),
	F("tcp_sport", TCP, 0, 16, 0xffff, DEC),
	F("tcp_dport", TCP, 2, 16, 0xffff, DEC),
	F("tcp_flags", TCP, 13, 8, 0xff, HEX),
	F("udp_sport", UDP, 0, 16, 0xffff, DEC),
	F("udp_dport", UDP, 2, 16, 0xffff, DEC),
};

/* pedit masks and values per command (0 set, 1 add) and header */
struct sim_pedit_acc {
	u8 mask[2][SIM_HDR_NUM][SIM_HDR_AREA];
	u8 val[2][SIM_HDR_NUM][SIM_HDR_AREA];
};

struct sim_parse {
	struct sim_pedit_acc *acc;
	struct netlink_ext_ack *extack;
	unsigned int total_vlan;
	bool mod_hdr;
	bool fwd;
	bool modify_ip_header;
};

static int sim_pedit_collect(struct sim_parse *ps, int cmd, int hdr,
			     u32 off, const u8 *mask, const u8 *val,
			     unsigned int len)
{
	u8 *m, *v;
	int i;

	if (off > SIM_HDR_AREA - len) {
		NL_SET_ERR_MSG_MOD(ps->extack, "attempt to offload an unsupported field");
		return -EOPNOTSUPP;
	}
	m = &ps->acc->mask[cmd][hdr][off];
	v = &ps->acc->val[cmd][hdr][off];
	for (i = 0; i < len; i++) {
		if (m[i] & mask[i]) {
			NL_SET_ERR_MSG_MOD(ps->extack,
					   "curr_pmask and new mask same. Acting twice on same location");
			return -EOPNOTSUPP;
		}
	}
	for (i = 0; i < len; i++) {
		m[i] |= mask[i];
		v[i] |= val[i] & mask[i];
	}
	return 0;
}

/*
 * A tc mangle keeps the bits of @mask and writes @val: both are 32-bit
 * words in packet memory order at the header's @offset.
 */
static int sim_pedit(struct sim_parse *ps, const struct flow_action_entry *act)
{
	u32 keep = act->mangle.mask, val = act->mangle.val, set = ~keep;
	u32 off = act->mangle.offset;
	u8 m[4], v[4];

	if (act->mangle.htype == FLOW_ACT_MANGLE_UNSPEC) {
		NL_SET_ERR_MSG_MOD(ps->extack, "legacy pedit isn't offloaded");
		return -EOPNOTSUPP;
	}
	if (act->mangle.htype > FLOW_ACT_MANGLE_HDR_TYPE_UDP) {
		NL_SET_ERR_MSG_MOD(ps->extack, "attempt to offload an unsupported field");
		return -EOPNOTSUPP;
	}
	memcpy(m, &set, sizeof(m));
	memcpy(v, &val, sizeof(v));

	/* what mlx5 calls modifying the IP header: more than TTL/hop limit */
	if (act->mangle.htype == FLOW_ACT_MANGLE_HDR_TYPE_IP4 &&
	    (off != 8 || m[1] || m[2] || m[3]))
		ps->modify_ip_header = true;
	if (act->mangle.htype == FLOW_ACT_MANGLE_HDR_TYPE_IP6 &&
	    (off != 4 || m[0] || m[1] || m[2]))
		ps->modify_ip_header = true;

	ps->mod_hdr = true;
	return sim_pedit_collect(ps, act->id == FLOW_ACTION_ADD,
				 act->mangle.htype - 1, off, m, v, 4);
}

/* VLAN modify is a rewrite of the first VID, as vlan_mangle.c does it */
static int sim_vlan_rewrite(struct sim_rule *r, struct sim_parse *ps,
			    const struct flow_action_entry *act)
{
	u16 vid = act->vlan.vid & VLAN_VID_MASK;
	u8 m[2] = { VLAN_VID_MASK >> 8, VLAN_VID_MASK & 0xff };
	u8 v[2] = { vid >> 8, vid & 0xff };

	if (!(r->mask.tagged && r->key.tagged)) {
		NL_SET_ERR_MSG_MOD(ps->extack,
				   "VLAN rewrite action must have VLAN protocol match");
		return -EOPNOTSUPP;
	}
	if (act->vlan.prio != (r->key.vlan_prio & r->mask.vlan_prio)) {
		NL_SET_ERR_MSG_MOD(ps->extack, "Changing VLAN prio is not supported");
		return -EOPNOTSUPP;
	}
	ps->mod_hdr = true;
	return sim_pedit_collect(ps, 0, SIM_HDR_ETH, 14, m, v, 2);
}

/* the simulated eswitch handles one VLAN level (no 2-deep push/pop) */
static int sim_vlan(struct sim_rule *r, struct sim_parse *ps,
		    const struct flow_action_entry *act)
{
	if (act->id == FLOW_ACTION_VLAN_PUSH && r->vlan_pop) {
		/* pop then push becomes a VID rewrite */
		r->vlan_pop = false;
		return sim_vlan_rewrite(r, ps, act);
	}
	if (ps->total_vlan >= 2) {
		NL_SET_ERR_MSG_MOD(ps->extack, "Total vlans used is greater than supported");
		return -EOPNOTSUPP;
	}
	if (act->id == FLOW_ACTION_VLAN_POP) {
		if (ps->total_vlan) {
			NL_SET_ERR_MSG_MOD(ps->extack, "vlan pop action is not supported");
			return -EOPNOTSUPP;
		}
		r->vlan_pop = true;
	} else {
		if (ps->total_vlan) {
			NL_SET_ERR_MSG_MOD(ps->extack,
					   "vlan push action is not supported for vlan depth > 1");
			return -EOPNOTSUPP;
		}
		r->vlan_push = true;
		r->push_proto = act->vlan.proto ? act->vlan.proto :
				htons(ETH_P_8021Q);
		r->push_tci = (act->vlan.vid & VLAN_VID_MASK) |
			      ((act->vlan.prio & 0x7) << VLAN_PRIO_SHIFT);
	}
	ps->total_vlan++;
	return 0;
}

static int sim_mirred(struct sim_rule *r, struct sim_parse *ps,
		      const struct flow_action_entry *act,
		      struct sim_port *port, bool ft)
{
	struct net_device *out = act->dev;
	struct sim_port *op;
	int i;

	/* a replayed filter whose device is gone */
	if (!out)
		return -EOPNOTSUPP;
	/* flow tables bound on both ports also offer forward-to-self */
	if (ft && out == port->rep)
		return -EOPNOTSUPP;
	if (r->nout >= SIM_MAX_OUT) {
		NL_SET_ERR_MSG_MOD(ps->extack,
				   "can't support more output ports, can't offload forwarding");
		return -EOPNOTSUPP;
	}
	op = sim_rep_port(out);
	if (!op) {
		NL_SET_ERR_MSG_MOD(ps->extack,
				   "devices are not on same switch HW, can't offload forwarding");
		return -EOPNOTSUPP;
	}
	for (i = 0; i < r->nout; i++) {
		if (r->out[i] == op) {
			NL_SET_ERR_MSG_MOD(ps->extack, "can't duplicate output to same device");
			return -EOPNOTSUPP;
		}
	}
	if (op == port) {
		NL_SET_ERR_MSG_MOD(ps->extack, "can't forward from a VF to itself");
		return -EOPNOTSUPP;
	}
	if (op->dead) {
		NL_SET_ERR_MSG_MOD(ps->extack, "Output port is being removed");
		return -ENODEV;
	}
	if (act->id == FLOW_ACTION_REDIRECT)
		r->redirect |= BIT(r->nout);
	r->out[r->nout++] = op;
	ps->fwd = true;
	return 0;
}

static int sim_csum(struct sim_rule *r, struct sim_parse *ps,
		    const struct flow_action_entry *act)
{
	u32 supported = TCA_CSUM_UPDATE_FLAG_IPV4HDR |
			TCA_CSUM_UPDATE_FLAG_TCP | TCA_CSUM_UPDATE_FLAG_UDP;

	/* the hardware recomputes checksums only of headers it rewrote */
	if (!ps->mod_hdr) {
		NL_SET_ERR_MSG_MOD(ps->extack, "TC csum action is only offloaded with pedit");
		return -EOPNOTSUPP;
	}
	if (act->csum_flags & ~supported) {
		NL_SET_ERR_MSG_MOD(ps->extack,
				   "can't offload TC csum action for some header/s");
		return -EOPNOTSUPP;
	}
	r->csum |= act->csum_flags;
	return 0;
}

static int sim_action_one(struct sim_rule *r, struct sim_parse *ps,
			  const struct flow_action_entry *act,
			  unsigned int nacts, struct sim_port *port, bool ft)
{
	int err;

	switch (act->id) {
	case FLOW_ACTION_ACCEPT:
		r->to_host = true;
		ps->fwd = true;
		return 0;
	case FLOW_ACTION_DROP:
		r->drop = true;
		return 0;
	case FLOW_ACTION_TRAP:
		if (nacts != 1) {
			NL_SET_ERR_MSG_MOD(ps->extack,
					   "action trap is supported as a sole action only");
			return -EOPNOTSUPP;
		}
		r->trap = true;
		r->to_host = true;
		ps->fwd = true;
		return 0;
	case FLOW_ACTION_REDIRECT:
	case FLOW_ACTION_MIRRED:
		return sim_mirred(r, ps, act, port, ft);
	case FLOW_ACTION_VLAN_PUSH:
	case FLOW_ACTION_VLAN_POP:
		err = sim_vlan(r, ps, act);
		break;
	case FLOW_ACTION_VLAN_MANGLE:
		err = sim_vlan_rewrite(r, ps, act);
		break;
	case FLOW_ACTION_MANGLE:
	case FLOW_ACTION_ADD:
		err = sim_pedit(ps, act);
		break;
	case FLOW_ACTION_CSUM:
		return sim_csum(r, ps, act);
	case FLOW_ACTION_GOTO:
	case FLOW_ACTION_REDIRECT_INGRESS:
	case FLOW_ACTION_TUNNEL_ENCAP:
	case FLOW_ACTION_TUNNEL_DECAP:
	case FLOW_ACTION_PTYPE:
	case FLOW_ACTION_SAMPLE:
	case FLOW_ACTION_POLICE:
	case FLOW_ACTION_CT:
	case FLOW_ACTION_MPLS_PUSH:
	case FLOW_ACTION_MPLS_POP:
	case FLOW_ACTION_VLAN_PUSH_ETH:
	case FLOW_ACTION_VLAN_POP_ETH:
		NL_SET_ERR_MSG_MOD(ps->extack,
				   "Action offloaded by mlx5 but not simulated (goto, ingress redirect, tunnel, ptype, sample, police, ct, mpls, vlan eth)");
		return -EOPNOTSUPP;
	default:
		NL_SET_ERR_MSG_MOD(ps->extack, "Not implemented offload action");
		return -EOPNOTSUPP;
	}
	/* mirrors listed before a rewrite see the frame unmodified */
	if (!err)
		r->split = r->nout;
	return err;
}

static u32 sim_area_get(const u8 *p, unsigned int bits)
{
	if (bits == 32)
		return get_unaligned_be32(p);
	if (bits == 16)
		return get_unaligned_be16(p);
	return *p;
}

static void sim_area_clear(u8 *p, unsigned int bits, u32 mask)
{
	if (bits == 32)
		put_unaligned_be32(get_unaligned_be32(p) & ~mask, p);
	else if (bits == 16)
		put_unaligned_be16(get_unaligned_be16(p) & ~mask, p);
	else
		*p &= ~mask;
}

static int sim_pedit_compile(struct sim_rule *r, struct sim_parse *ps)
{
	struct sim_pedit_acc *acc = ps->acc;
	int i, cmd, hdr, off;

	for (i = 0; i < SIM_NFIELDS; i++) {
		const struct sim_field *fd = &sim_fields[i];
		u8 *sm = &acc->mask[0][fd->hdr][fd->off];
		u8 *am = &acc->mask[1][fd->hdr][fd->off];
		u32 s = sim_area_get(sm, fd->bits) & fd->mask;
		u32 a = sim_area_get(am, fd->bits) & fd->mask;
		struct sim_fop *op;
		u32 mask, val;

		if (!s && !a)
			continue;
		if (s && a) {
			NL_SET_ERR_MSG_MOD(ps->extack,
					   "can't set and add to the same HW field");
			return -EOPNOTSUPP;
		}
		mask = s ? s : a;
		val = sim_area_get(&acc->val[s ? 0 : 1][fd->hdr][fd->off],
				   fd->bits) & mask;
		sim_area_clear(s ? sm : am, fd->bits, mask);
		/* adding 0 changes nothing */
		if (!s && !val)
			continue;
		if (mask != (u32)GENMASK(__fls(mask), __ffs(mask))) {
			NL_SET_ERR_MSG_MOD(ps->extack,
					   "rewrite of few sub-fields isn't supported");
			return -EOPNOTSUPP;
		}
		op = &r->fops[r->nfops++];
		op->field = i;
		op->add = !s;
		op->mask = mask;
		op->val = val;
	}

	for (cmd = 0; cmd < 2; cmd++)
		for (hdr = 0; hdr < SIM_HDR_NUM; hdr++)
			for (off = 0; off < SIM_HDR_AREA; off++)
				if (acc->mask[cmd][hdr][off]) {
					NL_SET_ERR_MSG_MOD(ps->extack,
							   "attempt to offload an unsupported field");
					return -EOPNOTSUPP;
				}
	return 0;
}

/* en_tc.c: actions_match_supported() and modify_header_match_supported() */
static int sim_actions_supported(struct sim_rule *r, struct sim_parse *ps)
{
	__be16 proto = r->key.n_proto & r->mask.n_proto;
	u8 ip_proto = r->key.ip_proto & r->mask.ip_proto;

	if (!ps->fwd && !r->drop) {
		NL_SET_ERR_MSG_MOD(ps->extack, "Rule must have at least one forward/drop action");
		return -EOPNOTSUPP;
	}
	if (ps->fwd && r->drop) {
		NL_SET_ERR_MSG_MOD(ps->extack, "Rule cannot support forward+drop action");
		return -EOPNOTSUPP;
	}
	if (ps->mod_hdr && r->drop) {
		NL_SET_ERR_MSG_MOD(ps->extack, "Drop with modify header action is not supported");
		return -EOPNOTSUPP;
	}
	if (ps->mod_hdr && ps->modify_ip_header &&
	    (proto == htons(ETH_P_IP) || proto == htons(ETH_P_IPV6)) &&
	    ip_proto != IPPROTO_TCP && ip_proto != IPPROTO_UDP &&
	    ip_proto != IPPROTO_ICMP) {
		NL_SET_ERR_MSG_MOD(ps->extack, "can't offload re-write of non TCP/UDP");
		return -EOPNOTSUPP;
	}
	return 0;
}

int sim_action_parse(struct sim_rule *r, struct flow_cls_offload *f,
		     struct sim_port *port, bool ft)
{
	struct flow_rule *rule = flow_cls_offload_flow_rule(f);
	struct flow_action *fa = &rule->action;
	struct flow_action_entry *act;
	struct sim_parse ps = {
		.extack = f->common.extack,
	};
	int i, err;

	if (!flow_action_has_entries(fa)) {
		NL_SET_ERR_MSG_MOD(ps.extack, "Flow action doesn't have any entries");
		return -EINVAL;
	}
	if (!flow_action_hw_stats_check(fa, ps.extack,
					FLOW_ACTION_HW_STATS_DELAYED_BIT)) {
		NL_SET_ERR_MSG_MOD(ps.extack, "Flow action HW stats type is not supported");
		return -EOPNOTSUPP;
	}

	ps.acc = kzalloc(sizeof(*ps.acc), GFP_KERNEL);
	if (!ps.acc)
		return -ENOMEM;
	flow_action_for_each(i, act, fa) {
		err = sim_action_one(r, &ps, act, fa->num_entries, port, ft);
		if (err)
			goto out;
	}
	err = sim_pedit_compile(r, &ps);
	if (err)
		goto out;
	err = sim_actions_supported(r, &ps);
out:
	kfree(ps.acc);
	return err;
}
