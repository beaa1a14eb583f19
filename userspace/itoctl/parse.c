// SPDX-License-Identifier: GPL-2.0
/* Command line keyword matching and value parsing. */
#include <ctype.h>
#include <errno.h>
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

int parse_u16(const char *keyword, const char *arg, uint16_t *value)
{
	uint64_t v;

	if (parse_uint(keyword, arg, UINT16_MAX, &v))
		return -EINVAL;
	*value = v;
	return 0;
}

int parse_choice(const char *keyword, const char *arg,
		 const struct choice *choices, uint32_t *value)
{
	FILE *fp = report_stream();
	const struct choice *c;

	for (c = choices; c->word; c++) {
		if (keyword_is(arg, c->word)) {
			*value = c->value;
			return 0;
		}
	}
	/* Error: argument of "x" must be "a", "b" or "c", not "d" */
	fprintf(fp, "Error: argument of \"%s\" must be ", keyword);
	for (c = choices; c->word; c++) {
		if (c != choices)
			fputs(c[1].word ? ", " : " or ", fp);
		fprintf(fp, "\"%s\"", c->word);
	}
	fprintf(fp, ", not \"%s\"\n", arg);
	return -EINVAL;
}

const char *choice_word(const struct choice *choices, uint32_t value)
{
	const struct choice *c;

	for (c = choices; c->word; c++)
		if (c->value == value)
			return c->word;
	return NULL;
}

const char *word_or_number(const struct choice *choices, uint32_t value,
			   char buf[NUMBER_LEN])
{
	const char *word = choice_word(choices, value);

	if (word)
		return word;
	snprintf(buf, NUMBER_LEN, "%u", value);
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
