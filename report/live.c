/* SPDX-License-Identifier: MIT */
/*
 * "Search length against live areas": bench/live_scaling.sh's CSV
 * (--live-csv) as one row per live-area count and one column per model,
 * in the order the CSV first names them, with each column's log-log slope.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

/* The models of the CSV, at most MAX_MODELS, in the order first seen. */
#define MAX_MODELS 32
struct live_models {
	const char *names[MAX_MODELS];
	size_t n;
};

static void collect_models(const struct live_row *rows, size_t n, struct live_models *m)
{
	m->n = 0;
	for (size_t i = 0; i < n; i++) {
		bool seen = false;

		for (size_t j = 0; j < m->n && !seen; j++)
			seen = !strcmp(m->names[j], rows[i].model);
		if (!seen && m->n < MAX_MODELS)
			m->names[m->n++] = rows[i].model;
	}
}

/* One row per live-area count of the first model: "search / ns" per model. */
static void print_rows(FILE *f, const struct live_row *rows, size_t n,
		       const struct live_models *m)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(rows[i].model, m->names[0]))
			continue;
		table_row_start(f);
		table_cell(f, "%.0f", rows[i].live);
		for (size_t j = 0; j < m->n; j++)
			for (size_t k = 0; k < n; k++)
				if (!strcmp(rows[k].model, m->names[j]) && rows[k].live == rows[i].live)
					table_cell(f, "%.4g / %.4g ns", rows[k].search, rows[k].ns);
		table_row_end(f);
	}
}

static void print_table(FILE *f, const struct live_row *rows, size_t n,
			const struct live_models *m)
{
	table_row_start(f);
	table_cell(f, "live areas");
	for (size_t j = 0; j < m->n; j++)
		table_cell(f, "%s", m->names[j]);
	table_row_end(f);
	table_rule(f, "r", m->n);
	print_rows(f, rows, n, m);
	table_row_start(f);
	table_cell(f, "**slope**");
	for (size_t j = 0; j < m->n; j++) {
		double search = loglog_slope(rows, n, m->names[j], LIVE_SEARCH);
		double ns = loglog_slope(rows, n, m->names[j], LIVE_NS);

		/* NaN: fewer than two observed points (no search counted). */
		if (isnan(search))
			table_cell(f, "- / %.2f", ns);
		else
			table_cell(f, "%.2f / %.2f", search, ns);
	}
	table_row_end(f);
}

/* The section, when --live-csv names a CSV; -EINVAL on a malformed one. */
int report_live_scaling(FILE *f, const struct report *rep, struct vmt_err *err)
{
	struct live_row *rows = NULL;
	struct live_models models;
	size_t n;
	int ret;

	if (!rep->opts->live_csv)
		return 0;
	ret = live_csv_read(rep->opts->live_csv, &rows, &n, err);
	if (ret)
		goto out;
	collect_models(rows, n, &models);
	fputs("## Search length against live areas\n\n"
	      "`bench/live_scaling.sh`: generated traces with N snapshot areas and alloc/free "
	      "events hovering around N live (page aligned, no request windows). Each cell: "
	      "mean alloc search length / mean ns per alloc call (the model call, timed as by "
	      "`--lock-stat`). The slope is the least-squares slope of log10(value) against "
	      "log10(N): 1 for a linear search, near 0 for a logarithmic one.\n\n", f);
	report_machine(f, rep);
	if (models.n)
		print_table(f, rows, n, &models);
	fputs("\n", f);
	if (rep->opts->plots)
		fputs("![search length and time per alloc against live areas, log-log](plots/live.png)\n\n", f);
out:
	free(rows);
	return ret;
}
