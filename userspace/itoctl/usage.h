/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ITOCTL_USAGE_H
#define ITOCTL_USAGE_H

#include <stdio.h>

/* The grammar as a small BNF, the same as in itoctl(8). */
void usage(FILE *fp);
/* "What is "word"?" and the usage on the report stream: EXIT_USAGE. */
int usage_error(const char *word);

#endif /* ITOCTL_USAGE_H */
