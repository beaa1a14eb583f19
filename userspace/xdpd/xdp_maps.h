/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xdp_maps - the layout of the XDP program's maps, shared by the program
 * (ito_xdp.bpf.c) and ito-xdpd: one header, so both sides agree.
 *
 * sessions (HASH): struct ito_xdp_key -> struct ito_xdp_session, one entry
 *	per session direction, written by the daemon only.
 * counters (ARRAY, mmapable): struct ito_xdp_counter per slot. A session
 *	direction names its slot; a replace keeps the slot, so counts are
 *	neither lost nor reset by it. The program adds atomically, the daemon
 *	only reads (through the mapping, no syscall per entry) and reports
 *	the difference to what it read last time.
 * devices (DEVMAP_HASH): ifindex -> ifindex, the devices the program runs
 *	on, the only ones it redirects to.
 *
 * Plain fixed-width types only: the program is built without libc.
 */
#ifndef ITO_XDP_MAPS_H
#define ITO_XDP_MAPS_H

#include <linux/types.h>

/* The key's family: AF_INET and AF_INET6 (checked in session.c). */
#define ITO_XDP_AF_INET		2
#define ITO_XDP_AF_INET6	10

/*
 * The lookup tuple as the packet enters; built from zero on both sides
 * (IPv4 addresses in the first 4 bytes, the rest 0). Ports in network
 * order: the program copies them from the packet.
 */
struct ito_xdp_key {
	__u32 ifindex;		/* the device the packet enters by */
	__u16 vlan;		/* its 802.1Q VID, 0 untagged */
	__u8 family;		/* ITO_XDP_AF_* */
	__u8 proto;		/* IPPROTO_TCP, IPPROTO_UDP */
	__u8 saddr[16];
	__u8 daddr[16];
	__be16 sport;
	__be16 dport;
};

/* struct ito_xdp_session.flags */
#define ITO_XDP_VWIRE		0x01	/* keep MACs and TTL */
#define ITO_XDP_NAT_SADDR	0x02
#define ITO_XDP_NAT_DADDR	0x04
#define ITO_XDP_NAT_SPORT	0x08
#define ITO_XDP_NAT_DPORT	0x10

/* What a hit does with the packet. */
struct ito_xdp_session {
	__u32 out_ifindex;
	__u32 slot;		/* in the counters map */
	__u32 mtu;		/* longer packets (from the IP header) pass */
	__u16 out_vlan;		/* 0: untagged */
	__u8 flags;		/* ITO_XDP_* */
	__u8 pad;
	__u8 eth_dst[6];	/* routed only */
	__u8 eth_src[6];
	__be32 nat_saddr;	/* IPv4 NAT, the fields flags name */
	__be32 nat_daddr;
	__be16 nat_sport;
	__be16 nat_dport;
};

struct ito_xdp_counter {
	__u64 pkts;
	__u64 bytes;		/* from the network header */
};

#endif /* ITO_XDP_MAPS_H */
