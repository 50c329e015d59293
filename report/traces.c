/* SPDX-License-Identifier: MIT */
/*
 * One section per trace, in the order the summaries first name it: where
 * the trace comes from, its metadata, then one table per kind of run (the
 * plain replay, the audit run, --lazy, --range), each from that run alone
 * with one column per model, and the trace's exact plots with a sentence
 * on what each shows.  Timings are in the timing part (locks.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report/report.h"
#include "trace/window.h"

/* The exact figures `ninja results` draws for each trace, with their sentence. */
static const struct figure {
	const char *suffix;
	const char *caption;
	void (*sentence)(FILE *f, const struct report *rep, const char *trace);
} figures[] = {
	{ "search", "search length of each allocation, in trace order", sentence_search },
	{ "frag", "fragmentation of the main window along the trace", sentence_frag },
};

/* A metric's cell, in metrics.h's types. */
static void metric_cell_U64(FILE *f, uint64_t v) { table_cell(f, "%" PRIu64, v); }
static void metric_cell_F64(FILE *f, double v) { table_cell(f, "%.4g", v); }

/* Which rows a table of one kind of run shows: metrics.h's kind, and name. */
typedef bool metric_row_fn(const char *kind, const char *name);

static bool plain_row(const char *kind, const char *name)
{
	(void)name;
	return kind[0] == 'E' || kind[0] == 'S';
}

static bool audit_row(const char *kind, const char *name)
{
	(void)name;
	return kind[0] == 'A';
}

/* The --lazy run's own metrics, and the figures lazy frees change. */
static bool lazy_row(const char *kind, const char *name)
{
	static const char *const changed[] = { "failed_allocs", "kernel_va_matches",
					       "alloc_search_mean", "holes" };

	for (size_t i = 0; i < sizeof(changed) / sizeof(changed[0]); i++)
		if (!strcmp(name, changed[i]))
			return true;
	return kind[0] == 'L';
}

/* What a narrower window changes: room, and so failures and footprint. */
static bool range_row(const char *kind, const char *name)
{
	static const char *const shown[] = { "allocs", "failed_allocs", "snapshot_conflicts",
					      "alloc_search_mean", "end_live_areas",
					      "max_live_bytes", "max_span", "footprint",
					      "ext_frag_at_peak", "unusable_16k_at_peak",
					      "lowest_fit_departures" };

	(void)kind;
	for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
		if (!strcmp(name, shown[i]))
			return true;
	return false;
}

/* The runs a table shows, how the report says which they are, and the rows. */
static const struct run_table {
	enum run_kind runs;
	const char *intro;
	metric_row_fn *row;
} run_tables[] = {
	{ RUN_MAIN, "From `vmtrace replay -a MODEL TRACE`: one thread, eager frees, the "
		    "trace's window.", plain_row },
	{ RUN_AUDIT, "From the audit runs, `vmtrace replay -a MODEL --check "
		     "--lowest-fit-audit --reference %s TRACE`:", audit_row },
	{ RUN_LAZY, "With `--lazy` (each free waits for the trace's next purge, or for an "
		    "alloc that finds no room, as in kernels since 2.6.28), for the models "
		    "that free eagerly; from those runs alone:", lazy_row },
	{ RUN_RANGE, "With `--range %s --lowest-fit-audit`: areas outside that main window "
		     "are dropped and every alloc must fit inside it; from those runs alone:",
	  range_row },
};

/* The columns' runs: @kind's runs of @trace, in the summaries' order. */
static void print_table_head(FILE *f, const struct report *rep, const char *trace,
			     enum run_kind kind)
{
	size_t columns = 0;

	table_row_start(f);
	table_cell(f, "metric");
	for (size_t i = 0; i < rep->nruns; i++) {
		if (!run_is(&rep->runs[i], trace, kind))
			continue;
		table_cell(f, "%s", rep->runs[i].model);
		columns++;
	}
	table_row_end(f);
	table_rule(f, "l", columns);
}

/* The first run of @kind of @trace: the one whose options the intro names. */
static const struct run *first_run(const struct report *rep, const char *trace,
				   enum run_kind kind)
{
	for (size_t i = 0; i < rep->nruns; i++)
		if (run_is(&rep->runs[i], trace, kind))
			return &rep->runs[i];
	return NULL;
}

/* The --range run's window, as the intro names it: a preset's name, or LO:HI. */
static void range_words(const struct run *r, char *buf, size_t size)
{
	const char *lo = json_string_or(r->doc, "window_lo", "?");
	const char *hi = json_string_or(r->doc, "window_hi", "?");

	snprintf(buf, size, "%s:%s", lo, hi);
	for (const struct window_preset *p = window_presets; p->name; p++)
		if (strtoull(lo, NULL, 16) == p->lo && strtoull(hi, NULL, 16) == p->hi)
			snprintf(buf, size, "%s", p->name);
}

/* One table of @t's runs of @trace, when there are some. */
static void print_run_table(FILE *f, const struct report *rep, const char *trace,
			    const struct run_table *t)
{
	const struct run *first = first_run(rep, trace, t->runs);
	bool serial = false;
	char words[80];

	if (!first)
		return;
	if (t->runs == RUN_RANGE)
		range_words(first, words, sizeof(words));
	else
		snprintf(words, sizeof(words), "%s", first->reference ? first->reference : "-");
	fprintf(f, t->intro, words);
	fputs("\n\n", f);
	print_table_head(f, rep, trace, t->runs);
#define X(type, name, kind, label, doc)                                            \
	if (t->row(#kind, #name)) {                                                \
		table_row_start(f);                                                \
		table_cell(f, "%s%s", label, #kind[0] == 'S' ? SERIAL_MARK : "");  \
		serial |= #kind[0] == 'S';                                         \
		for (size_t i = 0; i < rep->nruns; i++)                            \
			if (run_is(&rep->runs[i], trace, t->runs))                 \
				metric_cell_##type(f, rep->runs[i].s.name);        \
		table_row_end(f);                                                  \
	}
	REPLAY_SUMMARY_METRICS(X)
#undef X
	fputc('\n', f);
	if (serial)
		print_serial_note(f);
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

/* The plots of trace @stem that exist in --plots, linked as RESULTS.md sees
 * them, each with the sentence that says what it shows. */
static int print_figures(FILE *f, const struct report *rep, const char *trace,
			 const char *stem)
{
	struct stat st;
	char *png;

	for (size_t i = 0; rep->opts->plots && i < sizeof(figures) / sizeof(figures[0]); i++) {
		if (asprintf(&png, "%s/%s-%s.png", rep->opts->plots, stem, figures[i].suffix) < 0)
			return -ENOMEM;
		if (!stat(png, &st)) {
			fprintf(f, "![%s: %s](plots/%s-%s.png)\n\n", stem, figures[i].caption,
				stem, figures[i].suffix);
			figures[i].sentence(f, rep, trace);
		}
		free(png);
	}
	return 0;
}

/* The section of the trace of run @first, its first run.  Its file's
 * SHA-256 is under "Inputs". */
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
	for (size_t i = 0; i < sizeof(run_tables) / sizeof(run_tables[0]); i++) {
		print_run_table(f, rep, first->trace, &run_tables[i]);
		if (run_tables[i].runs == RUN_MAIN)
			print_hole_note(f, rep, first->trace);
	}
	ret = print_figures(f, rep, first->trace, stem);
out:
	free(stem);
	return ret;
}

/* Every trace's section, in the order the summaries first name it. */
int report_traces(FILE *f, const struct report *rep)
{
	int ret = 0;

	for (size_t i = 0; i < rep->nruns && !ret; i++)
		if (first_of_trace(rep, i) && any_run(rep, rep->runs[i].trace, RUN_MAIN))
			ret = print_trace(f, rep, &rep->runs[i]);
	return ret;
}
