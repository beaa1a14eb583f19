// SPDX-License-Identifier: GPL-2.0
/* "itoctl -batch FILE": one command a line, as "ip -batch". */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "parse.h"
#include "report.h"

#define BLANKS	" \t\r\n\v\f"

/* No quoting: a word is what lies between blanks, as the man page says. */
int batch_split(char *line, char *words[], int max)
{
	char *word, *rest;
	int n = 0;

	for (word = strtok_r(line, BLANKS, &rest); word;
	     word = strtok_r(NULL, BLANKS, &rest)) {
		if (word[0] == '#')
			break;
		if (n == max)
			return -E2BIG;
		words[n++] = word;
	}
	return n;
}

static int run_line(char *line, batch_run_fn run, void *ctx)
{
	char *words[BATCH_MAX_WORDS];
	int n, ret;

	n = batch_split(line, words, BATCH_MAX_WORDS);
	if (n == 0)
		return EXIT_OK;
	if (n < 0) {
		pr_err("more than %d words on a line", BATCH_MAX_WORDS);
		return EXIT_USAGE;
	}
	ret = run(ctx, n, words);
	/* Each command's output before the next one's messages. */
	fflush(stdout);
	return ret;
}

int batch_run(FILE *fp, const char *name, bool force, batch_run_fn run,
	      void *ctx)
{
	unsigned long lineno = 0;
	int ret = EXIT_OK;
	size_t cap = 0;
	char *line = NULL;

	while (getline(&line, &cap, fp) >= 0) {
		lineno++;
		if (run_line(line, run, ctx) == EXIT_OK)
			continue;
		fprintf(report_stream(), "Command failed %s:%lu\n", name,
			lineno);
		ret = EXIT_FAIL;
		if (!force)
			break;
	}
	if (ferror(fp)) {
		pr_err("reading \"%s\" failed: %s", name, strerror(errno));
		ret = EXIT_FAIL;
	}
	free(line);
	return ret;
}

int batch_run_file(const char *path, bool force, batch_run_fn run, void *ctx)
{
	FILE *fp;
	int ret;

	if (keyword_is(path, "-"))
		return batch_run(stdin, path, force, run, ctx);
	fp = fopen(path, "r");
	if (!fp) {
		pr_err("cannot open batch file \"%s\": %s", path,
		       strerror(errno));
		return EXIT_FAIL;
	}
	ret = batch_run(fp, path, force, run, ctx);
	fclose(fp);
	return ret;
}
