/* SPDX-License-Identifier: MIT */
/*
 * "Throughput benchmarks", from the JSON `ninja bench` leaves in --bench:
 * read.json (bench/read.sh) and replay.json (bench/replay.sh) make the
 * table, against the targets and floors.json's ceilings, and
 * import.json (bench/import.sh) the tracefs import against trace-cmd; the
 * machine that ran them comes from host.json (machine.c); replay.json's
 * stress runs make the search-length table at the end.
 */
#include <math.h>
#include <string.h>

#include "report/report.h"

/* A cell holding @v, or "-" when it is 0 (no target, not measured). */
static void print_cell_or_dash(FILE *f, double v)
{
	if (v)
		table_cell(f, "%.3g", v);
	else
		table_cell(f, "-");
}

/* The cells after a benchmark row's first: its rate against target and ceiling. */
static void finish_row(FILE *f, double events_per_s, enum ceiling kind,
		       const double ceilings[CEILINGS], double over_raw, const json_t *bench)
{
	table_cell(f, "%.3g", events_per_s);
	print_cell_or_dash(f, report_targets[kind]);
	print_cell_or_dash(f, ceilings[kind]);
	table_cell(f, "%.3g", over_raw);
	table_cell(f, "%s", commit_of(bench));
	table_row_end(f);
}

/* bench/read.sh's rows, in the order of @reads. */
static void print_read_rows(FILE *f, const json_t *read, const double ceilings[CEILINGS])
{
	static const struct {
		const char *format, *what;
		enum ceiling ceiling;
	} reads[] = {
		{ "binary", "load a binary trace, no model", CEILING_BINARY },
		{ "text", "parse a text trace, no model", CEILING_TEXT },
		{ "binary+zstd", "load a zstd-compressed binary trace, no model", CEILING_NONE },
	};
	size_t k;
	json_t *r;

	for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
		json_array_foreach(json_object_get(read, "results"), k, r) {
			const char *format = json_string_value(json_object_get(r, "format"));

			if (!format || strcmp(format, reads[i].format))
				continue;
			table_row_start(f);
			table_cell(f, "%s (%.0f events)", reads[i].what,
				   json_number_at(r, "events"));
			finish_row(f, json_number_at(r, "median_events_per_s"), reads[i].ceiling,
				   ceilings, json_number_at(r, "median_load_over_raw"), read);
		}
	}
}

/* Issue 18's text target, as a floor on lines/s (the table's target is the
 * earlier issue's). */
#define TEXT_PARSE_TARGET 5e6

/* The text parse against issue 18's target, and bench/import.sh's tracefs
 * import against `trace-cmd report` of the same capture. */
static void print_text_targets(FILE *f, const json_t *read, const json_t *import)
{
	const json_t *tool, *vmt, *tc;	/* bench/import.sh's two tools, in its order */
	size_t k;
	json_t *r;

	json_array_foreach(json_object_get(read, "results"), k, r) {
		double rate = json_number_at(r, "median_events_per_s");

		if (strcmp(json_string_or(r, "format", ""), "text"))
			continue;
		fprintf(f, "\nParsing the text trace ran at %.3g lines/s, %s the %.3g lines/s "
			"issue 18 asks.", rate, rate >= TEXT_PARSE_TARGET ? "at or above" : "below",
			TEXT_PARSE_TARGET);
	}
	if (import) {
		tool = json_object_get(import, "results");
		vmt = json_array_get(tool, 0);
		tc = json_array_get(tool, 1);
		fprintf(f, " `vmtrace import --ftrace` of a tracefs `trace` file of %.0f events "
			"(`bench/import.sh`, commit %s, median of 3 runs) took %.3g s (%.3g s of CPU); "
			"`trace-cmd report` of the trace.dat extracted from the same buffer took "
			"%.3g s (%.3g s of CPU): import / report %.2f in time, %.2f in CPU time "
			"(issue 18 asks at most 1).", json_number_at(import, "events"), commit_of(import),
			json_number_at(vmt, "median_wall_s"), json_number_at(vmt, "median_cpu_s"),
			json_number_at(tc, "median_wall_s"), json_number_at(tc, "median_cpu_s"),
			json_number_at(import, "import_over_report_wall"),
			json_number_at(import, "import_over_report_cpu"));
	}
	fputc('\n', f);
}

/* bench/replay.sh's rows: one per model, with its search lengths and bound. */
static void print_replay_rows(FILE *f, const json_t *replay, const double ceilings[CEILINGS])
{
	size_t k;
	json_t *r;

	json_array_foreach(json_object_get(replay, "results"), k, r) {
		double live = json_number_at(r, "live");

		table_row_start(f);
		table_cell(f, "replay through %s at %.0f live areas, %.0f events (mean alloc "
			   "search %.3g: %.3g page aligned, %.3g above; bound 2 log2(live) + 8 "
			   "= %.3g)", json_string_value(json_object_get(r, "model")), live,
			   json_number_at(r, "events"), json_number_at(r, "alloc_search_mean"),
			   json_number_at(r, "alloc_search_mean_page_aligned"),
			   json_number_at(r, "alloc_search_mean_above_page"), 2 * log2(live) + 8);
		finish_row(f, json_number_at(r, "events_per_sec"), CEILING_REPLAY, ceilings,
			   json_number_at(r, "replay_over_raw"), replay);
	}
}

/* The search lengths of bench/replay.sh's stress trace (--align-rule any). */
static void print_search_stress(FILE *f, const json_t *replay)
{
	size_t k;
	json_t *r;

	fputs("\nIn the benchmark trace 10% of allocs ask for an alignment, by ioremap's "
	      "rule: the size without its guard page rounded up to a power of two (in the "
	      "recorded traces, kernel stacks ask 16 KiB for 20 KiB). The search bound is "
	      "the issue's, for an O(log n) search. A search exact for every alignment "
	      "enters every block long enough for the size, aligned or not, until one "
	      "fits, and requests aligned above a page pay for it; the kernel's `size + "
	      "align - 1` enters only blocks sure to fit, at the price of the departures "
	      "above: the trade-off Rezki and Hildenbrand weighed on linux-mm in "
	      "September 2021 (\"mm/vmalloc: fix exact allocations with an alignment > "
	      "1\"). The same trace generated with `--align-rule any` (8 KiB to 1 MiB "
	      "whatever the size, which no kernel caller asks) is the exact search's worst "
	      "case; its search lengths (exact, one run each):\n\n", f);
	table_head(f, "lrrrr", "model", "mean alloc search", "page aligned", "above a page",
		   "allocs above a page", NULL);
	json_array_foreach(json_object_get(replay, "stress"), k, r) {
		table_row_start(f);
		table_cell(f, "%s", json_string_value(json_object_get(r, "model")));
		table_cell(f, "%.3g", json_number_at(r, "alloc_search_mean"));
		table_cell(f, "%.3g", json_number_at(r, "alloc_search_mean_page_aligned"));
		table_cell(f, "%.3g", json_number_at(r, "alloc_search_mean_above_page"));
		table_cell(f, "%.0f", json_number_at(r, "allocs_above_page"));
		table_row_end(f);
	}
}

void report_benchmarks(FILE *f, const struct report *rep)
{
	json_t *read = NULL, *replay = NULL, *floors = NULL, *import = NULL;
	double ceilings[CEILINGS];

	if (!rep->opts->bench)
		return;
	read = load_bench(rep, "read.json");
	replay = load_bench(rep, "replay.json");
	floors = load_bench(rep, "floors.json");
	import = load_bench(rep, "import.json");
	if (!read && !replay)
		goto out;
	ceilings_from(floors, ceilings);
	fputs("## Throughput benchmarks\n\n"
	      "From `ninja bench` (`bench/read.sh`, `bench/replay.sh`); the commit that ran "
	      "them is given. Each figure is the median of 3 runs; the ratio compares with "
	      "reading the same file raw (`read(2)` / `cat > /dev/null`) in the same run, "
	      "which is what a shared, noisy machine can compare fairly. The ceiling is "
	      "the most that machine allows (below the table).\n\n", f);
	report_machine(f, rep);
	table_head(f, "lrrrrl", "benchmark", "events/s", "target", "ceiling here",
		   "time / raw read time", "commit", NULL);
	if (read)
		print_read_rows(f, read, ceilings);
	if (replay)
		print_replay_rows(f, replay, ceilings);
	if (read)
		print_text_targets(f, read, import);
	if (floors)
		report_floors(f, floors, ceilings);
	if (replay) {
		report_replay_floor(f, replay);
		print_search_stress(f, replay);
	}
	fputc('\n', f);
out:
	json_decref(read);
	json_decref(replay);
	json_decref(floors);
	json_decref(import);
}
