/* SPDX-License-Identifier: MIT */
/*
 * One section per trace, in the order the summaries first name it: where
 * the trace comes from, its metadata, the metric table with one column per
 * model, eager against lazy, lock hold times, and the trace's plots.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report/report.h"

/* The figures `ninja results` draws for each trace: file suffix, caption. */
static const struct figure {
	const char *suffix;
	const char *caption;
} figures[] = {
	{ "search", "search length of each allocation, in trace order" },
	{ "frag", "fragmentation of the main window along the trace" },
	{ "holds", "CDF of the lock hold time of each alloc (solid) and free (dashed)" },
};

static const char *const lock_op_names[LOCK_OPS] = LOCK_OP_NAMES;

/* A metric's cell, in metrics.h's types. */
static void metric_cell_U64(FILE *f, uint64_t v) { table_cell(f, "%" PRIu64, v); }
static void metric_cell_F64(FILE *f, double v) { table_cell(f, "%.4g", v); }

/* The number of lock_stat metrics: the lock table's right-aligned columns. */
#define COUNT_ONE(type, name, kind, label, doc) + 1
enum { LOCK_STAT_COUNT = 0 LOCK_STAT_METRICS(COUNT_ONE) };
#undef COUNT_ONE

/*
 * The run a metric of @kind (metrics.h's, as a string) takes its figure
 * from in @main's column: audit metrics from the model's audit run
 * (auditing slows the replay, so the main run's timings stay clean), lazy
 * ones from its --lazy run, the rest from @main; NULL when there is none.
 */
static const struct run *metric_source(const struct report *rep, const struct run *main,
				       const char *kind)
{
	if (kind[0] == 'A')
		return find_run(rep, main->trace, main->model, RUN_AUDIT);
	if (kind[0] == 'L')
		return find_run(rep, main->trace, main->model, RUN_LAZY);
	return main;
}

/* One row per metric, one column per model; "-" where a run is missing. */
static void print_trace_table(FILE *f, const struct report *rep, const char *trace)
{
	const char *reference = NULL;
	size_t columns = 0;

	table_row_start(f);
	table_cell(f, "metric");
	for (size_t i = 0; i < rep->nruns; i++) {
		if (!run_is(&rep->runs[i], trace, RUN_MAIN))
			continue;
		table_cell(f, "%s", rep->runs[i].model);
		columns++;
	}
	table_row_end(f);
	table_rule(f, "l", columns);
	for (size_t i = 0; i < rep->nruns && !reference; i++)
		if (run_is(&rep->runs[i], trace, RUN_AUDIT))
			reference = rep->runs[i].reference;
#define X(type, name, kind, label, doc)                                            \
	table_row_start(f);                                                        \
	table_cell(f, "%s%s", label, #kind[0] == 'T' ? " (timing)" : "");          \
	for (size_t i = 0; i < rep->nruns; i++) {                                  \
		const struct run *from;                                            \
		if (!run_is(&rep->runs[i], trace, RUN_MAIN))                       \
			continue;                                                  \
		from = metric_source(rep, &rep->runs[i], #kind);                   \
		if (from)                                                          \
			metric_cell_##type(f, from->s.name);                       \
		else                                                               \
			table_cell(f, "-");                                        \
	}                                                                          \
	table_row_end(f);
	REPLAY_SUMMARY_METRICS(X)
#undef X
	if (reference)
		fprintf(f, "\nThe reference model is %s.\n", reference);
}

/*
 * When one hole holds nearly all hole bytes, the fragmentation indices are
 * near 0 whatever happens below it: say so, with the figures, so that a
 * reader looks at the hole count and the other holes' bytes instead.
 */
static void print_hole_note(FILE *f, const struct report *rep, const char *trace)
{
	for (size_t i = 0; i < rep->nruns; i++) {
		const struct replay_summary *s = &rep->runs[i].s;

		if (!run_is(&rep->runs[i], trace, RUN_MAIN) || !s->hole_bytes ||
		    (double)s->largest_hole / (double)s->hole_bytes < 0.99)
			continue;
		fprintf(f, "One hole holds %.4f%% of the hole bytes at the end (%s: %" PRIu64
			" of %" PRIu64 "), so external fragmentation and the unusable index are "
			"near 0 by construction: an area near the top of the window (on x86_64, "
			"the first per-CPU chunk, which pcpu_get_vm_areas() places top-down) "
			"stretches the span over the whole window.  The hole count and the hole "
			"bytes but the largest are the informative figures here.\n\n",
			100.0 * (double)s->largest_hole / (double)s->hole_bytes,
			rep->runs[i].model, s->largest_hole, s->hole_bytes);
		return;
	}
}

/* Each model eager (the main run) beside its --lazy run. */
static void print_lazy_table(FILE *f, const struct report *rep, const char *trace)
{
	bool header = false;

	for (size_t i = 0; i < rep->nruns; i++) {
		const struct run *eager = &rep->runs[i], *lazy;

		if (!run_is(eager, trace, RUN_MAIN) ||
		    !(lazy = find_run(rep, trace, eager->model, RUN_LAZY)))
			continue;
		if (!header) {
			fputs("Eager frees against `--lazy` (each free waits for the trace's next "
			      "purge, or for an alloc that finds no room, as in kernels since "
			      "2.6.28):\n\n", f);
			table_head(f, "lrrrrrr", "model", "alloc search mean", "with --lazy",
				   "kernel va matches", "with --lazy", "holes", "with --lazy", NULL);
		}
		header = true;
		table_row_start(f);
		table_cell(f, "%s", eager->model);
		metric_cell_F64(f, eager->s.alloc_search_mean);
		metric_cell_F64(f, lazy->s.alloc_search_mean);
		metric_cell_U64(f, eager->s.kernel_va_matches);
		metric_cell_U64(f, lazy->s.kernel_va_matches);
		metric_cell_U64(f, eager->s.holes);
		metric_cell_U64(f, lazy->s.holes);
		table_row_end(f);
	}
	if (header)
		fputc('\n', f);
}

/* One row per model and operation, one column per lock_stat metric. */
static void print_lock_table(FILE *f, const struct report *rep, const char *trace)
{
	if (!any_run(rep, trace, RUN_LOCK))
		return;
	fputs("Lock hold times (`replay --lock-stat`, one thread, nanoseconds):\n\n", f);
	table_row_start(f);
	table_cell(f, "model");
	table_cell(f, "lock");
	table_cell(f, "op");
#define X(type, name, kind, label, doc) table_cell(f, "%s", label);
	LOCK_STAT_METRICS(X)
#undef X
	table_row_end(f);
	table_rule(f, "lll", LOCK_STAT_COUNT);
	for (size_t i = 0; i < rep->nruns; i++) {
		const struct run *r = &rep->runs[i];

		if (!run_is(r, trace, RUN_LOCK))
			continue;
		for (int op = 0; op < LOCK_OPS; op++) {
			table_row_start(f);
			table_cell(f, "%s", r->model);
			table_cell(f, "%s (%s)", r->s.lock_name, r->s.lock_type);
			table_cell(f, "%s", lock_op_names[op]);
#define X(type, name, kind, label, doc) metric_cell_##type(f, r->s.lock[op].name);
			LOCK_STAT_METRICS(X)
#undef X
			table_row_end(f);
		}
	}
	fputc('\n', f);
}

/* A number from meta line @key, or -1 when absent. */
static double meta_number(const json_t *meta, const char *key)
{
	const char *v = json_string_value(json_object_get(meta, key));

	return v ? strtod(v, NULL) : -1;
}

/*
 * For a `vmtrace record` trace: the rate it sustained, counting the events
 * the kernel reported (not the frees the import adds for unpurged areas),
 * over the time recorded after the snapshot, and the losses.
 */
static void print_record_rate(FILE *f, const json_t *meta)
{
	double snap = meta_number(meta, "snapshot_t"), end = meta_number(meta, "end_t");
	double traced = meta_number(meta, "import.allocs") + meta_number(meta, "import.frees") +
			meta_number(meta, "import.purges");
	const char *lost = json_string_value(json_object_get(meta, "lost_events"));

	if (snap < 0 || end <= snap || !lost || traced < 0)
		return;
	fprintf(f, "Recorded by `vmtrace record`: %.0f traced events in %.2f s after the "
		"snapshot, %.0f events/s sustained, %s lost.\n\n", traced, (end - snap) * 1e-9,
		traced / ((end - snap) * 1e-9), lost);
}

static void print_trace_meta(FILE *f, const json_t *meta)
{
	const char *key;
	json_t *v;

	if (!json_object_size(meta))
		return;
	table_head(f, "ll", "trace metadata", "", NULL);
	json_object_foreach((json_t *)meta, key, v) {
		table_row_start(f);
		table_cell(f, "%s", key);
		table_cell(f, "%s", json_string_value(v) ? json_string_value(v) : "");
		table_row_end(f);
	}
	fputc('\n', f);
}

/* The plots of trace @stem that exist in --plots, linked as RESULTS.md sees them. */
static int print_figures(FILE *f, const struct report *rep, const char *stem)
{
	struct stat st;
	char *png;

	for (size_t i = 0; rep->opts->plots && i < sizeof(figures) / sizeof(figures[0]); i++) {
		if (asprintf(&png, "%s/%s-%s.png", rep->opts->plots, stem, figures[i].suffix) < 0)
			return -ENOMEM;
		if (!stat(png, &st))
			fprintf(f, "![%s: %s](plots/%s-%s.png)\n\n", stem, figures[i].caption,
				stem, figures[i].suffix);
		free(png);
	}
	return 0;
}

/* The section of the trace of run @first, its first run. */
static int print_trace(FILE *f, const struct report *rep, const struct run *first)
{
	const json_t *meta = json_object_get(first->doc, "meta");
	char *stem = trace_stem(first->trace);
	int ret;

	if (!stem) {
		ret = -ENOMEM;
		goto out;
	}
	fprintf(f, "## %s\n\n`%s`, main window [%s, %s)\n\n", stem, first->trace,
		json_string_value(json_object_get(first->doc, "window_lo")),
		json_string_value(json_object_get(first->doc, "window_hi")));
	print_trace_meta(f, meta);
	print_record_rate(f, meta);
	print_trace_table(f, rep, first->trace);
	fputc('\n', f);
	print_hole_note(f, rep, first->trace);
	print_lazy_table(f, rep, first->trace);
	print_lock_table(f, rep, first->trace);
	ret = print_figures(f, rep, stem);
out:
	free(stem);
	return ret;
}

/* Every trace's section, in the order the summaries first name it. */
int report_traces(FILE *f, const struct report *rep)
{
	int ret = 0;

	for (size_t i = 0; i < rep->nruns && !ret; i++) {
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp(rep->runs[j].trace, rep->runs[i].trace);
		if (!seen)
			ret = print_trace(f, rep, &rep->runs[i]);
	}
	return ret;
}
