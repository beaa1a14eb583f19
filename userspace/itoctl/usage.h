/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ITOCTL_USAGE_H
#define ITOCTL_USAGE_H

#include <stdio.h>

/* The grammar as a small BNF, the same as in itoctl(8). */
void usage(FILE *fp);

#endif /* ITOCTL_USAGE_H */
