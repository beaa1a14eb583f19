/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command line words: exact keyword matching and value parsers that name
 * the argument and what was expected when they refuse a value. Ranges are
 * the kernel's business: it explains its refusals itself.
 */
#ifndef ITOCTL_PARSE_H
#define ITOCTL_PARSE_H

#include <stdbool.h>
#include <stdint.h>

/* Keywords match exactly: no abbreviations, no case folding. */
bool keyword_is(const char *word, const char *keyword);

/* Decimal, no sign, no spaces, at most UINT32_MAX. 0 or -EINVAL. */
int parse_u32(const char *keyword, const char *arg, uint32_t *value);
/* "yes" or "no". 0 or -EINVAL. */
int parse_yes_no(const char *keyword, const char *arg, bool *value);

/* Messages for the usual mistakes; each prints one line. */
void unknown_word(const char *word);			/* What is "foo"? */
void missing_argument(const char *keyword);
void duplicate_argument(const char *keyword, const char *arg);

#endif /* ITOCTL_PARSE_H */
