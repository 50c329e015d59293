/* SPDX-License-Identifier: MIT */
/*
 * Markdown tables, the one place that writes their syntax: a head (labels
 * and the alignment rule), then rows of cells, each cell " text |".
 */
#include <stdarg.h>

#include "report/report.h"

/*
 * The alignment row: one column per character of @align ('l' left, 'r'
 * right), then @more_right right-aligned columns (one per model, for tables
 * that grow with the models).
 */
void table_rule(FILE *f, const char *align, size_t more_right)
{
	fputc('|', f);
	for (const char *a = align; *a; a++)
		fputs(*a == 'r' ? "---:|" : "---|", f);
	for (size_t i = 0; i < more_right; i++)
		fputs("---:|", f);
	fputc('\n', f);
}

/* A head of fixed labels, one per character of @align, NULL after the last. */
void table_head(FILE *f, const char *align, ...)
{
	const char *label;
	va_list ap;

	table_row_start(f);
	va_start(ap, align);
	while ((label = va_arg(ap, const char *)))
		table_cell(f, "%s", label);
	va_end(ap);
	table_row_end(f);
	table_rule(f, align, 0);
}

void table_row_start(FILE *f)
{
	fputc('|', f);
}

/* One cell, printf-style; an empty one is " |". */
void table_cell(FILE *f, const char *fmt, ...)
{
	va_list ap;
	int written;

	fputc(' ', f);
	va_start(ap, fmt);
	written = vfprintf(f, fmt, ap);
	va_end(ap);
	fputs(written > 0 ? " |" : "|", f);
}

void table_row_end(FILE *f)
{
	fputc('\n', f);
}
