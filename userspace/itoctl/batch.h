/* SPDX-License-Identifier: GPL-2.0 */
/* "itoctl -batch FILE": one command a line, as "ip -batch". */
#ifndef ITOCTL_BATCH_H
#define ITOCTL_BATCH_H

#include <stdbool.h>
#include <stdio.h>

/* Words on one line at most, the command's name included. */
#define BATCH_MAX_WORDS	64

/* Runs the words of one line; returns an enum itoctl_exit value. */
typedef int (*batch_run_fn)(void *ctx, int argc, char **argv);

/*
 * Cut @line in place into words separated by white space, up to a word
 * starting with "#" (a comment). The number of words, 0 for a blank or
 * comment line, -E2BIG if there are more than @max.
 */
int batch_split(char *line, char *words[], int max);

/*
 * Run each line of @fp with @run. At the first line that fails, say
 * "Command failed NAME:LINE" and stop, or go on with @force. EXIT_OK if
 * every line succeeded, else EXIT_FAIL (also when @fp cannot be read).
 */
int batch_run(FILE *fp, const char *name, bool force, batch_run_fn run,
	      void *ctx);

/* batch_run() of the file @path, standard input for "-". */
int batch_run_file(const char *path, bool force, batch_run_fn run, void *ctx);

#endif /* ITOCTL_BATCH_H */
