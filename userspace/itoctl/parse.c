// SPDX-License-Identifier: GPL-2.0
/* Command line keyword matching and value parsing. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "report.h"

bool keyword_is(const char *word, const char *keyword)
{
	return strcmp(word, keyword) == 0;
}

int parse_u32(const char *keyword, const char *arg, uint32_t *value)
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
	if (errno == ERANGE || v > UINT32_MAX) {
		pr_err("argument of \"%s\" must be an unsigned integer up to %u, not \"%s\"",
		       keyword, UINT32_MAX, arg);
		return -EINVAL;
	}
	*value = v;
	return 0;

invalid:
	pr_err("argument of \"%s\" must be an unsigned integer, not \"%s\"",
	       keyword, arg);
	return -EINVAL;
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
