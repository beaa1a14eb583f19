/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ito_sim - the differences between the kernels we build for (6.1 and
 * 6.12). One shim per difference.
 */
#ifndef _ITO_SIM_COMPAT_H
#define _ITO_SIM_COMPAT_H

#include <linux/version.h>

/* 6.12 moved the unaligned access helpers from asm/ to linux/ */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#endif /* _ITO_SIM_COMPAT_H */
