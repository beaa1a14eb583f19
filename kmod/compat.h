/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ito - the differences between the kernels we build for (6.1 and 6.12).
 * One shim per difference, named after what it does.
 */
#ifndef _ITO_COMPAT_H
#define _ITO_COMPAT_H

#include <linux/version.h>
#include <net/genetlink.h>

/* 6.5 moved the GSO helpers (skb_gso_validate_network_len) out of skbuff.h */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
#include <net/gso.h>
#endif

/* 6.2 moved the parsed attributes of a dump request into a genl_info. */
static inline struct nlattr **ito_dump_attrs(struct netlink_callback *cb)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	return genl_dumpit_info(cb)->info.attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/*
 * 6.3 lets GRO build IPv4 packets above 64 KiB (BIG TCP) with tot_len 0,
 * their length being the skb's, and added iph_totlen() to read either.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define ito_ip_totlen(skb, iph)	iph_totlen(skb, iph)
#else
#define ito_ip_totlen(skb, iph)	ntohs((iph)->tot_len)
#endif

#endif /* _ITO_COMPAT_H */
