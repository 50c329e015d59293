/* SPDX-License-Identifier: MIT */
/*
 * The throughput targets of the issue and the ceilings the benchmarks'
 * machine puts on them, from bench/floors.sh's figures (floors.json): the
 * arithmetic, and the paragraph that explains it under the benchmark table.
 *
 * Each ceiling is what one access the target's design cannot avoid costs,
 * per event:
 *   binary  a loader that maps the file touches each page of it once,
 *           4 KiB / VMT_BIN_RECORD_SIZE events a page;
 *   text    a parsed event is stored in fresh memory (bigmem.h's), and the
 *           line's id read from a hash table of over 64 MiB (5 million ids);
 *   replay  each alloc and free of a tree model descends the busy tree
 *           (insert, find_vmap_area()) at the trace's live areas.
 * And bench/replay.sh's ratio of each replay to that descent, per model.
 */
#include "report/report.h"
#include "trace/trace_bin.h"

/* Records in each 4 KiB of a binary trace: what a loader touches per page. */
#define RECORDS_PER_4K (4096 / VMT_BIN_RECORD_SIZE)

/* The targets, events/s (replay: at 100 000 live areas). */
const double report_targets[CEILINGS] = {
	[CEILING_BINARY] = 100e6, [CEILING_TEXT] = 10e6, [CEILING_REPLAY] = 5e6,
};

/* The most events/s each target can reach, 0 where @floors lacks a figure. */
void ceilings_from(const json_t *floors, double c[CEILINGS])
{
	double file = json_number_at(floors, "first_touch_ns_per_page/file");
	double anon = json_number_at(floors, "first_touch_ns_per_page/anon_huge");
	double lat = json_number_at(floors, "latency_ns/64");
	double find = json_number_at(floors, "busy_find/ns");

	c[CEILING_BINARY] = file > 0 ? 1e9 * RECORDS_PER_4K / file : 0;
	c[CEILING_TEXT] = anon > 0 && lat > 0 ? 1e9 / (anon / RECORDS_PER_4K + lat) : 0;
	c[CEILING_REPLAY] = find > 0 ? 1e9 / find : 0;
	c[CEILING_NONE] = 0;
}

/* How a ceiling compares with its target. */
static const char *against_target(const double c[CEILINGS], enum ceiling k)
{
	return c[k] < report_targets[k] ? "below the target: out of reach here" :
		"above the target: what is missing is the implementation's";
}

/* The floors measured, then one line per ceiling saying what bounds it. */
void report_floors(FILE *f, const json_t *floors, const double c[CEILINGS])
{
	fprintf(f, "\nThe ceilings are what the benchmarks' machine allows a design at most, "
		"from `bench/floors.sh` (`bench/bench_floors.c`, median of 3 runs, commit %s): "
		"the cost of the one memory access per event the target's design cannot "
		"avoid, with nothing else counted. Touching a page of fresh memory the first "
		"time costs %.0f ns for a mapped file (%.0f%% of it mapped in 2 MiB entries, as "
		"the page cache held it), %.0f ns for anonymous memory advised "
		"for huge pages and %.0f ns for plain anonymous memory (a second touch: %.0f "
		"ns). A dependent load costs %.0f ns within 4 MiB, %.0f ns over 16 MiB, %.0f ns "
		"over 64 MiB and %.0f ns over 256 MiB. One busy-tree lookup at %.0f live "
		"areas, after churn has scattered the nodes as a replay does, examines %.1f "
		"nodes and costs %.0f ns (%.0f ns at 1 000 live areas, all in cache).\n\n"
		"- Binary load (%.3g events/s at most, %s): a loader that maps the file "
		"touches each 4 KiB of it once, %d records, at the cost above, which falls "
		"as more of the file sits in large folios.\n"
		"- Text parse (%.3g lines/s at most, %s): each event is stored in fresh "
		"memory (%d to a page) and each line's id looked up in, or added to, a hash "
		"table of over 64 MiB once a trace has millions of ids (this one has 5 "
		"million).\n"
		"- Replay (%.3g events/s at most, %s): every alloc inserts into the busy tree "
		"and every free finds its area there (the kernel's `find_vmap_area()`), one "
		"descent per event before the free tree, the id table or the statistics "
		"are touched.\n",
		commit_of(floors),
		json_number_at(floors, "first_touch_ns_per_page/file"),
		100 * json_number_at(floors, "file_pmd_mapped_share"),
		json_number_at(floors, "first_touch_ns_per_page/anon_huge"),
		json_number_at(floors, "first_touch_ns_per_page/anon"),
		json_number_at(floors, "retouch_ns_per_page/anon"),
		json_number_at(floors, "latency_ns/4"),
		json_number_at(floors, "latency_ns/16"),
		json_number_at(floors, "latency_ns/64"),
		json_number_at(floors, "latency_ns/256"),
		json_number_at(floors, "busy_find/live"),
		json_number_at(floors, "busy_find/nodes"),
		json_number_at(floors, "busy_find/ns"),
		json_number_at(floors, "busy_find_small/ns"),
		c[CEILING_BINARY], against_target(c, CEILING_BINARY), RECORDS_PER_4K,
		c[CEILING_TEXT], against_target(c, CEILING_TEXT), RECORDS_PER_4K,
		c[CEILING_REPLAY], against_target(c, CEILING_REPLAY));
}

/*
 * bench/replay.sh's ratio per model: its replay's CPU ns per event over
 * one isolated busy-tree descent at the same live areas, each run beside
 * its own descent (the median of 3), against the target.  Runs
 * from before the ratio was measured have no over_descent: no table.
 */
void report_replay_floor(FILE *f, const json_t *replay)
{
	double target = json_number_at(replay, "descent_target");
	json_t *results = json_object_get(replay, "results"), *r;
	size_t k;

	if (!target)
		return;
	fprintf(f, "\nReplay against its floor: each timed replay above ran right after one "
		"isolated busy-tree descent at the same live areas (`bench_floors "
		"--busy-find`, a random live area after churn), both in CPU time, so time "
		"the machine gave to others counts in neither. The ratio is the median of the "
		"3 runs' replay ns per event over their descent's ns; the issue's target is "
		"%.3g, what one event costs when its two unavoidable descents (the busy "
		"tree's and the free index's) are all it pays for.\n\n", target);
	table_head(f, "lrrrl", "model", "replay ns / event (CPU)", "descent ns",
		   "replay / descent", "target", NULL);
	json_array_foreach(results, k, r) {
		double ratio = json_number_at(r, "over_descent");

		table_row_start(f);
		table_cell(f, "%s", json_string_value(json_object_get(r, "model")));
		table_cell(f, "%.0f", json_number_at(r, "cpu_ns_per_event"));
		table_cell(f, "%.0f", json_number_at(r, "descent_ns"));
		table_cell(f, "%.2f", ratio);
		table_cell(f, "%s %.3g", ratio <= target ? "met, at most" : "missed:", target);
		table_row_end(f);
	}
}
