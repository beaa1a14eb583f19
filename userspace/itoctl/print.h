/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One printer for text and JSON: each field goes through one call, which
 * writes it either as an aligned "label : value" line or as a JSON member
 * whose key is the label with '-' turned into '_' (the CLI keyword in
 * snake_case).
 */
#ifndef ITOCTL_PRINT_H
#define ITOCTL_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct printer {
	FILE *fp;
	bool json;
	bool pretty;
	/* Text lines are "<indent><label padded to label_width><separator><value>". */
	const char *indent;
	int label_width;
	const char *separator;
	/* JSON: no member written yet, so no comma needed. */
	bool first_member;
};

void print_init(struct printer *p, FILE *fp, bool json, bool pretty);
void print_text_layout(struct printer *p, const char *indent, int label_width,
		       const char *separator);

/* Open/close the one object of a command's output; @title is text only. */
void print_begin(struct printer *p, const char *title);
void print_end(struct printer *p);

/* @unit (may be NULL) follows the number in text, JSON has the bare number. */
void print_u64(struct printer *p, const char *label, uint64_t value,
	       const char *unit);
/* Text "yes"/"no", JSON true/false. */
void print_yes_no(struct printer *p, const char *label, bool value);
void print_string(struct printer *p, const char *label, const char *value);

/* @s as a quoted JSON string; with @to_key, '-' becomes '_'. */
void print_json_string(FILE *fp, const char *s, bool to_key);

#endif /* ITOCTL_PRINT_H */
