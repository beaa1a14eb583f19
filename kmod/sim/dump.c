// SPDX-License-Identifier: GPL-2.0
/*
 * ito_sim - one line of text per rule for debugfs "rules". The grammar is
 * in Documentation/sim.rst; keep the two in step.
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/in.h>
#include <linux/seq_file.h>
#include <linux/tc_act/tc_csum.h>
#include <net/ipv6.h>

#include "compat.h"
#include "sim.h"

static void sim_dump_hex(struct seq_file *m, const char *name, u32 val,
			 u32 mask, u32 full)
{
	seq_printf(m, " %s 0x%x", name, val);
	if (mask != full)
		seq_printf(m, "/0x%x", mask);
}

static void sim_dump_dec(struct seq_file *m, const char *name, u32 val,
			 u32 mask, u32 full)
{
	seq_printf(m, " %s %u", name, val);
	if (mask != full)
		seq_printf(m, "/0x%x", mask);
}

static void sim_dump_proto(struct seq_file *m, const struct sim_key *k,
			   const struct sim_key *mk)
{
	u16 proto = ntohs(k->n_proto);

	seq_puts(m, " eth_type ");
	if (mk->n_proto != htons(0xffff))
		seq_printf(m, "0x%04x/0x%04x", proto, ntohs(mk->n_proto));
	else if (proto == ETH_P_IP)
		seq_puts(m, "ipv4");
	else if (proto == ETH_P_IPV6)
		seq_puts(m, "ipv6");
	else if (proto == ETH_P_ARP)
		seq_puts(m, "arp");
	else
		seq_printf(m, "0x%04x", proto);
}

static void sim_dump_ip_proto(struct seq_file *m, u8 proto, u8 mask)
{
	const char *name = NULL;

	if (mask == 0xff) {
		if (proto == IPPROTO_TCP)
			name = "tcp";
		else if (proto == IPPROTO_UDP)
			name = "udp";
		else if (proto == IPPROTO_ICMP)
			name = "icmp";
		else if (proto == IPPROTO_ICMPV6)
			name = "icmpv6";
	}
	if (name)
		seq_printf(m, " ip_proto %s", name);
	else
		sim_dump_dec(m, "ip_proto", proto, mask, 0xff);
}

static void sim_dump_v4(struct seq_file *m, const char *name, __be32 a,
			__be32 mask)
{
	if (!mask)
		return;
	seq_printf(m, " %s %pI4", name, &a);
	if (mask != htonl(0xffffffff))
		seq_printf(m, "/%pI4", &mask);
}

static void sim_dump_v6(struct seq_file *m, const char *name,
			const struct in6_addr *a, const struct in6_addr *mask)
{
	static const struct in6_addr full = {
		.s6_addr = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	};

	if (ipv6_addr_any(mask))
		return;
	seq_printf(m, " %s %pI6c", name, a);
	if (!ipv6_addr_equal(mask, &full))
		seq_printf(m, "/%pI6c", mask);
}

static void sim_dump_match(struct seq_file *m, const struct sim_rule *r)
{
	const struct sim_key *k = &r->key, *mk = &r->mask;

	seq_printf(m, " match in_port %s", r->id.in->rep->name);
	if (r->used & SIM_M_ETH) {
		if (!is_zero_ether_addr(mk->dst)) {
			seq_printf(m, " eth_dst %pM", k->dst);
			if (!is_broadcast_ether_addr(mk->dst))
				seq_printf(m, "/%pM", mk->dst);
		}
		if (!is_zero_ether_addr(mk->src)) {
			seq_printf(m, " eth_src %pM", k->src);
			if (!is_broadcast_ether_addr(mk->src))
				seq_printf(m, "/%pM", mk->src);
		}
	}
	if (r->used & SIM_M_VLAN) {
		if (mk->vlan_id)
			sim_dump_dec(m, "vlan_id", k->vlan_id, mk->vlan_id,
				     VLAN_VID_MASK);
		if (mk->vlan_prio)
			sim_dump_dec(m, "vlan_prio", k->vlan_prio,
				     mk->vlan_prio, 0x7);
		if (k->vlan_tpid == htons(ETH_P_8021AD))
			seq_puts(m, " vlan_tpid 0x88a8");
	}
	if (r->used & SIM_M_UNTAGGED)
		seq_puts(m, " untagged");
	if (r->used & SIM_M_PROTO)
		sim_dump_proto(m, k, mk);
	if (r->used & SIM_M_IPPROTO)
		sim_dump_ip_proto(m, k->ip_proto, mk->ip_proto);
	if (r->used & SIM_M_FRAG)
		seq_printf(m, " ip_frag %u", k->frag);
	if (r->used & SIM_M_IPV4) {
		sim_dump_v4(m, "src_ip", k->v4src, mk->v4src);
		sim_dump_v4(m, "dst_ip", k->v4dst, mk->v4dst);
	}
	if (r->used & SIM_M_IPV6) {
		sim_dump_v6(m, "src_ip", &k->v6src, &mk->v6src);
		sim_dump_v6(m, "dst_ip", &k->v6dst, &mk->v6dst);
	}
	if (r->used & SIM_M_IP) {
		if (mk->tos)
			sim_dump_hex(m, "ip_tos", k->tos, mk->tos, 0xff);
		if (mk->ttl)
			sim_dump_dec(m, "ip_ttl", k->ttl, mk->ttl, 0xff);
	}
	if (r->used & SIM_M_PORTS) {
		if (mk->sport)
			sim_dump_dec(m, "src_port", ntohs(k->sport),
				     ntohs(mk->sport), 0xffff);
		if (mk->dport)
			sim_dump_dec(m, "dst_port", ntohs(k->dport),
				     ntohs(mk->dport), 0xffff);
	}
	if (r->used & SIM_M_TCP)
		sim_dump_hex(m, "tcp_flags", ntohs(k->tcp_flags),
			     ntohs(mk->tcp_flags), 0x0fff);
}

static bool sim_fop_full_set(const struct sim_rule *r, int i, u8 field)
{
	const struct sim_fop *op = &r->fops[i];

	return i < r->nfops && op->field == field && !op->add &&
	       op->mask == sim_fields[field].mask;
}

/* Prints fops[i] and maybe its neighbours; returns how many it printed. */
static int sim_dump_fop(struct seq_file *m, const struct sim_rule *r, int i)
{
	const struct sim_fop *op = &r->fops[i];
	const struct sim_field *fd = &sim_fields[op->field];
	u32 full = fd->mask;
	u8 mac[ETH_ALEN];
	struct in6_addr a;
	__be32 v4;
	int w;

	if ((op->field == SIM_F_DMAC_HI || op->field == SIM_F_SMAC_HI) &&
	    sim_fop_full_set(r, i, op->field) &&
	    sim_fop_full_set(r, i + 1, op->field + 1)) {
		put_unaligned_be32(op->val, mac);
		put_unaligned_be16(r->fops[i + 1].val, mac + 4);
		seq_printf(m, " set %s %pM",
			   op->field == SIM_F_DMAC_HI ? "eth_dst" : "eth_src",
			   mac);
		return 2;
	}
	if (op->field == SIM_F_SIP6 || op->field == SIM_F_DIP6) {
		for (w = 0; w < 4; w++)
			if (!sim_fop_full_set(r, i + w, op->field + w))
				break;
		if (w == 4) {
			for (w = 0; w < 4; w++)
				a.s6_addr32[w] = htonl(r->fops[i + w].val);
			seq_printf(m, " set %s %pI6c",
				   op->field == SIM_F_SIP6 ? "ip6_src" : "ip6_dst",
				   &a);
			return 4;
		}
	}

	if (op->field == SIM_F_VID && op->mask == VLAN_VID_MASK)
		full = VLAN_VID_MASK;
	seq_printf(m, " %s %s", op->add ? "add" : "set", fd->name);
	if (op->add || op->mask != full) {
		seq_printf(m, " 0x%x", op->val);
		if (op->mask != full)
			seq_printf(m, "/0x%x", op->mask);
	} else if (fd->fmt == SIM_FMT_DEC) {
		seq_printf(m, " %u", op->val);
	} else if (fd->fmt == SIM_FMT_IP4) {
		v4 = htonl(op->val);
		seq_printf(m, " %pI4", &v4);
	} else {
		seq_printf(m, " 0x%x", op->val);
	}
	return 1;
}

static void sim_dump_out(struct seq_file *m, const struct sim_rule *r, int i)
{
	seq_printf(m, " %s %s", r->redirect & BIT(i) ? "redirect" : "mirror",
		   r->out[i]->rep->name);
}

static void sim_dump_actions(struct seq_file *m, const struct sim_rule *r)
{
	int i;

	seq_puts(m, " actions");
	if (r->drop) {
		seq_puts(m, " drop");
		return;
	}
	if (r->trap) {
		seq_puts(m, " trap");
		return;
	}
	for (i = 0; i < r->split; i++)
		sim_dump_out(m, r, i);
	if (r->vlan_pop)
		seq_puts(m, " vlan_pop");
	for (i = 0; i < r->nfops; )
		i += sim_dump_fop(m, r, i);
	if (r->csum)
		seq_printf(m, " csum %s%s%s",
			   r->csum & TCA_CSUM_UPDATE_FLAG_IPV4HDR ? "iph" : "",
			   (r->csum & TCA_CSUM_UPDATE_FLAG_IPV4HDR) &&
			   (r->csum & ~TCA_CSUM_UPDATE_FLAG_IPV4HDR) ? "," : "",
			   r->csum & TCA_CSUM_UPDATE_FLAG_TCP ?
			   (r->csum & TCA_CSUM_UPDATE_FLAG_UDP ? "tcp,udp" : "tcp") :
			   (r->csum & TCA_CSUM_UPDATE_FLAG_UDP ? "udp" : ""));
	if (r->vlan_push) {
		seq_printf(m, " vlan_push id %u prio %u",
			   r->push_tci & VLAN_VID_MASK,
			   r->push_tci >> VLAN_PRIO_SHIFT);
		if (r->push_proto != htons(ETH_P_8021Q))
			seq_printf(m, " proto 0x%04x", ntohs(r->push_proto));
	}
	for (i = r->split; i < r->nout; i++)
		sim_dump_out(m, r, i);
	if (r->to_host)
		seq_puts(m, " accept");
}

void sim_dump_rule(struct seq_file *m, struct sim_rule *r)
{
	u64 packets, bytes;

	seq_printf(m, "port %u cookie 0x%lx prio %u", r->id.in->index, r->id.cookie,
		   r->prio);
	sim_dump_match(m, r);
	sim_dump_actions(m, r);
	sim_rule_read(r, &packets, &bytes);
	seq_printf(m, " packets %llu bytes %llu\n", packets, bytes);
}
