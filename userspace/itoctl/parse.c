// SPDX-License-Identifier: GPL-2.0
/* Command line keyword matching and value parsing. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "report.h"

bool keyword_is(const char *word, const char *keyword)
{
	return strcmp(word, keyword) == 0;
}

int parse_uint(const char *keyword, const char *arg, uint64_t max,
	       uint64_t *value)
{
	unsigned long long v;
	char *end;

	/* strtoull() would take "-1", " 1" and "+1": only digits are a number. */
	if (!isdigit((unsigned char)arg[0]))
		goto invalid;
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (*end)
		goto invalid;
	if (errno == ERANGE || v > max) {
		pr_err("argument of \"%s\" must be an unsigned integer up to %llu, not \"%s\"",
		       keyword, (unsigned long long)max, arg);
		return -EINVAL;
	}
	*value = v;
	return 0;

invalid:
	pr_err("argument of \"%s\" must be an unsigned integer, not \"%s\"",
	       keyword, arg);
	return -EINVAL;
}

int parse_u64(const char *keyword, const char *arg, uint64_t *value)
{
	return parse_uint(keyword, arg, UINT64_MAX, value);
}

int parse_u32(const char *keyword, const char *arg, uint32_t *value)
{
	uint64_t v;

	if (parse_uint(keyword, arg, UINT32_MAX, &v))
		return -EINVAL;
	*value = v;
	return 0;
}

int parse_u32_hex(const char *keyword, const char *arg, uint32_t *value)
{
	static const char hex[] = "0123456789abcdefABCDEF";
	const char *digits = arg;
	unsigned long long v;
	int base = 10;
	char *end;

	if (arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X')) {
		digits = arg + 2;
		base = 16;
	}
	/* Only digits: strtoull() would also take a sign, spaces, a 2nd "0x". */
	if (!digits[0] ||
	    strspn(digits, base == 16 ? hex : "0123456789") != strlen(digits)) {
		pr_err("argument of \"%s\" must be an unsigned integer, decimal or hexadecimal after \"0x\", not \"%s\"",
		       keyword, arg);
		return -EINVAL;
	}
	errno = 0;
	v = strtoull(digits, &end, base);
	if (errno == ERANGE || v > UINT32_MAX) {
		pr_err("argument of \"%s\" must be an unsigned integer up to 0xffffffff, not \"%s\"",
		       keyword, arg);
		return -EINVAL;
	}
	*value = v;
	return 0;
}

int parse_u16(const char *keyword, const char *arg, uint16_t *value)
{
	uint64_t v;

	if (parse_uint(keyword, arg, UINT16_MAX, &v))
		return -EINVAL;
	*value = v;
	return 0;
}

bool digits_value(const char *s, size_t len, uint64_t max, uint64_t *value)
{
	uint64_t v = 0;
	size_t i;

	if (!len)
		return false;
	for (i = 0; i < len; i++) {
		unsigned int d = (unsigned char)s[i] - '0';

		if (d > 9 || d > max || v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*value = v;
	return true;
}

int parse_u16_range(const char *keyword, const char *arg, uint16_t *min,
		    uint16_t *max)
{
	const char *dash = strchr(arg, '-');
	size_t len = dash ? (size_t)(dash - arg) : strlen(arg);
	uint64_t lo, hi;

	if (!digits_value(arg, len, UINT16_MAX, &lo))
		goto invalid;
	hi = lo;
	if (dash && !digits_value(dash + 1, strlen(dash + 1), UINT16_MAX, &hi))
		goto invalid;
	*min = lo;
	*max = hi;
	return 0;

invalid:
	pr_err("argument of \"%s\" must be N or MIN-MAX, unsigned integers up to %u, not \"%s\"",
	       keyword, UINT16_MAX, arg);
	return -EINVAL;
}

/* The words of @choices quoted: "a", "b" @last "c". */
static void print_choices(FILE *fp, const struct ito_name *choices,
			  const char *last)
{
	const struct ito_name *c;

	for (c = choices; c->word; c++) {
		if (c != choices) {
			if (c[1].word)
				fputs(", ", fp);
			else
				fprintf(fp, " %s ", last);
		}
		fprintf(fp, "\"%s\"", c->word);
	}
}

int parse_choice(const char *keyword, const char *arg,
		 const struct ito_name *choices, uint32_t *value)
{
	FILE *fp = report_stream();

	if (ito_name_value(choices, arg, value))
		return 0;
	/* Error: argument of "x" must be "a", "b" or "c", not "d" */
	fprintf(fp, "Error: argument of \"%s\" must be ", keyword);
	print_choices(fp, choices, "or");
	fprintf(fp, ", not \"%s\"\n", arg);
	return -EINVAL;
}

int parse_flags(const char *keyword, const char *arg,
		const struct ito_name *choices, uint32_t *value)
{
	const char *word = arg, *comma;
	FILE *fp = report_stream();
	const struct ito_name *c;
	uint32_t flags = 0;
	size_t len;

	for (;;) {
		comma = strchr(word, ',');
		len = comma ? (size_t)(comma - word) : strlen(word);
		for (c = choices; c->word; c++)
			if (strlen(c->word) == len &&
			    strncmp(word, c->word, len) == 0)
				break;
		if (!c->word)
			goto invalid;
		flags |= c->value;	/* a word twice is the same set */
		if (!comma)
			break;
		word = comma + 1;
	}
	*value = flags;
	return 0;

invalid:
	/* Error: argument of "x" must be one or more of "a" and "b" joined by ",", not "c" */
	fprintf(fp, "Error: argument of \"%s\" must be one or more of ",
		keyword);
	print_choices(fp, choices, "and");
	fprintf(fp, " joined by \",\", not \"%.*s\"\n",
		(int)len, word);
	return -EINVAL;
}

const char *flags_words(const struct ito_name *choices, uint32_t value,
			char *buf, size_t len)
{
	const struct ito_name *c;
	uint32_t rest = value;
	size_t used = 0;
	int n;

	buf[0] = '\0';
	for (c = choices; c->word; c++) {
		if ((value & c->value) != c->value)
			continue;
		n = snprintf(buf + used, len - used, "%s%s",
			     used ? "," : "", c->word);
		if (n < 0 || (size_t)n >= len - used) {
			buf[used] = '\0';	/* whole words only */
			return buf;
		}
		used += n;
		rest &= ~c->value;
	}
	/* Bits of a newer module, or no bit at all: a number. */
	if (rest || !value)
		snprintf(buf + used, len - used, "%s0x%x", used ? "," : "",
			 rest);
	return buf;
}

const char *word_or_number(const struct ito_name *choices, uint32_t value,
			   char buf[NUMBER_LEN])
{
	const char *word = ito_name_word(choices, value);

	if (word)
		return word;
	snprintf(buf, NUMBER_LEN, "%u", value);
	return buf;
}

const char *format_secs(uint64_t ms, char buf[NUMBER_LEN])
{
	snprintf(buf, NUMBER_LEN, "%" PRIu64 ".%" PRIu64, ms / 1000,
		 ms % 1000 / 100);
	return buf;
}

int parse_yes_no(const char *keyword, const char *arg, bool *value)
{
	if (keyword_is(arg, "yes")) {
		*value = true;
		return 0;
	}
	if (keyword_is(arg, "no")) {
		*value = false;
		return 0;
	}
	pr_err("argument of \"%s\" must be \"yes\" or \"no\", not \"%s\"",
	       keyword, arg);
	return -EINVAL;
}

void unknown_word(const char *word)
{
	fprintf(report_stream(), "What is \"%s\"?\n", word);
}

void missing_argument(const char *keyword)
{
	pr_err("argument of \"%s\" is missing", keyword);
}

void duplicate_argument(const char *keyword, const char *arg)
{
	pr_err("duplicate \"%s\": \"%s\" is the second value", keyword, arg);
}
