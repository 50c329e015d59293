/* SPDX-License-Identifier: MIT */
/*
 * "Models compared": per trace, one row per model with the figures that
 * set the designs apart (issue 15): failures in the narrow window of the
 * --range run, footprint, fragmentation at the peak of live bytes, mean and
 * p99 alloc search, and, where the JSON has them, metadata memory and
 * internal waste ("-" for a model that does not model them).  Throughput is
 * in the timing part.
 */
#include <stdlib.h>

#include "report/report.h"

/*
 * A column: its label, the run kind it reads and the summary's JSON key;
 * @modelled, when set, names the summary's flag that says whether the
 * model reports this figure at all (else the cell is "-", not 0).
 */
static const struct column {
	const char *label;
	enum run_kind kind;
	const char *key;
	const char *modelled;
} columns[] = {
	{ "failed allocs in the --range window", RUN_RANGE, "failed_allocs", NULL },
	{ "footprint there", RUN_RANGE, "footprint", NULL },
	{ "external fragmentation at peak there", RUN_RANGE, "ext_frag_at_peak", NULL },
	{ "unusable index (16K) at peak there", RUN_RANGE, "unusable_16k_at_peak", NULL },
	{ "footprint", RUN_MAIN, "footprint", NULL },
	{ "external fragmentation at peak", RUN_AUDIT, "ext_frag_at_peak", NULL },
	{ "alloc search mean", RUN_MAIN, "alloc_search_mean", NULL },
	{ "alloc search p99", RUN_MAIN, "alloc_search_p99", NULL },
	{ "max metadata bytes", RUN_MAIN, "max_metadata_bytes", "metadata_modelled" },
	{ "max internal waste", RUN_MAIN, "max_internal_waste", "internal_waste_modelled" },
};

#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

/* The value of @c in run @r's summary, or NULL. */
static const json_t *column_value(const struct run *r, const struct column *c)
{
	const json_t *summary = json_object_get(r->doc, "summary");

	if (c->modelled && json_integer_value(json_object_get(summary, c->modelled)) != 1)
		return NULL;
	return json_object_get(summary, c->key);
}

static void print_cell(FILE *f, const json_t *v)
{
	if (json_is_integer(v))
		table_cell(f, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_number(v))
		table_cell(f, "%.4g", json_number_value(v));
	else
		table_cell(f, "-");
}

static void print_trace_compare(FILE *f, const struct report *rep, const struct run *first)
{
	char *stem = trace_stem(first->trace);

	fprintf(f, "### %s\n\n", stem ? stem : first->trace);
	free(stem);
	table_row_start(f);
	table_cell(f, "model");
	for (size_t c = 0; c < NCOLUMNS; c++)
		table_cell(f, "%s" SERIAL_MARK, columns[c].label);
	table_row_end(f);
	table_rule(f, "l", NCOLUMNS);
	for (size_t i = 0; i < rep->nruns; i++) {
		const struct run *r = &rep->runs[i];

		if (!run_is(r, first->trace, RUN_MAIN))
			continue;
		table_row_start(f);
		table_cell(f, "%s", r->model);
		for (size_t c = 0; c < NCOLUMNS; c++) {
			const struct run *from = columns[c].kind == RUN_MAIN ? r :
				find_run(rep, r->trace, r->model, columns[c].kind);

			print_cell(f, from ? column_value(from, &columns[c]) : NULL);
		}
		table_row_end(f);
	}
	fputc('\n', f);
	sentence_compare(f, rep, first->trace);
}

void report_compare(FILE *f, const struct report *rep)
{
	if (!any_run(rep, NULL, RUN_MAIN))
		return;
	fputs("## Models compared\n\n"
	      "Per trace, the figures that set the designs apart: the first four (\"there\") "
	      "from the `--range` run, where the window is narrow, the fragmentation at peak "
	      "from the audit run, the rest from the plain run. The peak is the first event after "
	      "which the live bytes in the window are at their largest. Metadata and "
	      "internal waste show \"-\" for a model that does not model them.\n\n", f);
	for (size_t i = 0; i < rep->nruns; i++)
		if (first_of_trace(rep, i) && any_run(rep, rep->runs[i].trace, RUN_MAIN))
			print_trace_compare(f, rep, &rep->runs[i]);
	print_serial_note(f);
}
