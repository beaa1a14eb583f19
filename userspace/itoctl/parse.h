/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command line words: exact keyword matching and value parsers that name
 * the argument and what was expected when they refuse a value. Ranges are
 * the kernel's business: it explains its refusals itself.
 */
#ifndef ITOCTL_PARSE_H
#define ITOCTL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ito_names.h"

/* Keywords match exactly: no abbreviations, no case folding. */
bool keyword_is(const char *word, const char *keyword);

/* Decimal, no sign, no spaces, at most @max. 0 or -EINVAL. */
int parse_uint(const char *keyword, const char *arg, uint64_t max,
	       uint64_t *value);
/* parse_uint() up to UINT32_MAX, UINT16_MAX, UINT64_MAX. */
int parse_u32(const char *keyword, const char *arg, uint32_t *value);
int parse_u16(const char *keyword, const char *arg, uint16_t *value);
int parse_u64(const char *keyword, const char *arg, uint64_t *value);
/*
 * The first @len characters of @s as a decimal number up to @max, without
 * a message: true if they are one (digits only, at least one).
 */
bool digits_value(const char *s, size_t len, uint64_t max, uint64_t *value);
/* "N" (*@min = *@max = N) or "MIN-MAX", each up to UINT16_MAX. 0 or -EINVAL. */
int parse_u16_range(const char *keyword, const char *arg, uint16_t *min,
		    uint16_t *max);
/* Decimal, or hexadecimal after "0x" (a mark or mask), up to UINT32_MAX. */
int parse_u32_hex(const char *keyword, const char *arg, uint32_t *value);
/* "yes" or "no". 0 or -EINVAL. */
int parse_yes_no(const char *keyword, const char *arg, bool *value);

/* One of the words of @choices. 0 or -EINVAL, naming them all. */
int parse_choice(const char *keyword, const char *arg,
		 const struct ito_name *choices, uint32_t *value);
/*
 * Words of @choices joined by "," ("agent,ctmark"), their values ORed: a
 * set of bits. 0 or -EINVAL, naming the word refused and all the others.
 */
int parse_flags(const char *keyword, const char *arg,
		const struct ito_name *choices, uint32_t *value);
/*
 * The bits of @value as the words of @choices joined by ",", in their
 * order; bits without a word (a newer module's), or none, as one 0x
 * number after them: "agent,0x8", "0x0". Returns @buf.
 */
const char *flags_words(const struct ito_name *choices, uint32_t value,
			char *buf, size_t len);
/* Room for any number itoctl prints as text. */
#define NUMBER_LEN	24
/* The word of @value, or its number in @buf for a newer module's value. */
const char *word_or_number(const struct ito_name *choices, uint32_t value,
			   char buf[NUMBER_LEN]);
/* Milliseconds as seconds with one decimal, "2.1". Returns @buf. */
const char *format_secs(uint64_t ms, char buf[NUMBER_LEN]);

/* Messages for the usual mistakes; each prints one line. */
void unknown_word(const char *word);			/* What is "foo"? */
void missing_argument(const char *keyword);
void duplicate_argument(const char *keyword, const char *arg);

#endif /* ITOCTL_PARSE_H */
