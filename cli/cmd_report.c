/* SPDX-License-Identifier: MIT */
/*
 * vmtrace report: RESULTS.md from the JSON summaries of `vmtrace replay`.
 *
 * One section per trace (in the order first seen), a table with one row
 * per metric and one column per model, the trace's figures, and the
 * definitions of every metric, all expanded from replay/metrics.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "lib/diag.h"
#include "lib/outfile.h"
#include "replay/summary.h"
#include "trace/trace_bin.h"

/* What a summary measured, by the options its replay ran with. */
enum run_kind {
	RUN_MAIN,	/* plain single-threaded replay */
	RUN_LOCK,	/* --lock-stat */
	RUN_THREADS,	/* --threads */
	RUN_AUDIT,	/* --lowest-fit-audit and/or --reference */
	RUN_LAZY,	/* --lazy */
};

struct run {
	const char *trace;	/* as replayed */
	const char *model;
	enum run_kind kind;
	const char *reference;	/* --reference model, or NULL */
	json_t *doc;
	struct replay_summary s;
};

struct report {
	struct run *runs;
	size_t nruns;
	const char *commit, *machine, *date, *plots, *command;
	const char *scaling_csv;	/* --scaling-csv: thread runs for plots/threads.gp */
	const char *live_csv;		/* --live-csv: bench/live_scaling.sh's table */
	const char *bench;		/* --bench: bench/results/, from `ninja bench` */
};

/* The figures `ninja results` draws for each trace: file suffix, caption. */
static const struct figure {
	const char *suffix;
	const char *caption;
} figures[] = {
	{ "search", "search length of each allocation, in trace order" },
	{ "frag", "fragmentation of the main window along the trace" },
	{ "holds", "CDF of the lock hold time of each alloc (solid) and free (dashed)" },
};

/* "traces/foo.vmt.txt" -> "foo": the name plots and sections use. */
static char *trace_stem(const char *path)
{
	static const char *const exts[] = { ".vmt.txt", ".vmt.zst", ".vmt", ".txt" };
	const char *base = strrchr(path, '/');
	char *stem = strdup(base ? base + 1 : path);
	size_t len;

	if (!stem)
		return NULL;
	len = strlen(stem);
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		size_t n = strlen(exts[i]);

		if (len > n && !strcmp(stem + len - n, exts[i])) {
			stem[len - n] = '\0';
			break;
		}
	}
	return stem;
}

static int load_run(const char *path, struct run *r, struct vmt_err *err)
{
	json_error_t jerr;
	json_t *sum, *audit;

	r->doc = json_load_file(path, 0, &jerr);
	if (!r->doc) {
		vmt_err_set(err, "%s:%d: %s", path, jerr.line, jerr.text);
		return -EINVAL;
	}
	r->trace = json_string_value(json_object_get(r->doc, "trace"));
	r->model = json_string_value(json_object_get(r->doc, "model"));
	sum = json_object_get(r->doc, "summary");
	if (!r->trace || !r->model || !sum || summary_from_json(sum, &r->s)) {
		vmt_err_set(err, "%s: not a `vmtrace replay --json` summary of this version "
			    "(missing trace, model or a summary metric)", path);
		return -EINVAL;
	}
	audit = json_object_get(r->doc, "audit");
	r->reference = json_string_value(json_object_get(audit, "reference"));
	r->kind = r->s.has_threads ? RUN_THREADS : r->s.has_lock_stat ? RUN_LOCK :
		  json_is_true(json_object_get(r->doc, "lazy")) ? RUN_LAZY :
		  json_is_true(json_object_get(audit, "lowest_fit")) || r->reference ?
		  RUN_AUDIT : RUN_MAIN;
	return 0;
}

static void print_value_u64(FILE *f, uint64_t v) { fprintf(f, " %" PRIu64 " |", v); }
static void print_value_f64(FILE *f, double v) { fprintf(f, " %.4g |", v); }
#define print_value_U64 print_value_u64
#define print_value_F64 print_value_f64

static bool run_is(const struct run *r, const char *trace, enum run_kind kind)
{
	return r->kind == kind && !strcmp(r->trace, trace);
}

/* The run of @trace through @model of @kind, or NULL. */
static const struct run *find_run(const struct report *rep, const char *trace,
				  const char *model, enum run_kind kind)
{
	for (size_t i = 0; i < rep->nruns; i++)
		if (run_is(&rep->runs[i], trace, kind) && !strcmp(rep->runs[i].model, model))
			return &rep->runs[i];
	return NULL;
}

/*
 * One column per model.  Audit metrics come from the model's audit run
 * (auditing slows the replay, so the main run's timings stay clean); "-"
 * where there is none.
 */
static void print_trace_table(FILE *f, const struct report *rep, const char *trace)
{
	const char *reference = NULL;

	fputs("| metric |", f);
	for (size_t i = 0; i < rep->nruns; i++)
		if (run_is(&rep->runs[i], trace, RUN_MAIN))
			fprintf(f, " %s |", rep->runs[i].model);
	fputs("\n|---|", f);
	for (size_t i = 0; i < rep->nruns; i++)
		if (run_is(&rep->runs[i], trace, RUN_MAIN))
			fputs("---:|", f);
	fputc('\n', f);
	for (size_t i = 0; i < rep->nruns && !reference; i++)
		if (run_is(&rep->runs[i], trace, RUN_AUDIT))
			reference = rep->runs[i].reference;
#define X(type, name, kind, label, doc)                                            \
	fprintf(f, "| %s%s |", label, #kind[0] == 'T' ? " (timing)" : "");           \
	for (size_t i = 0; i < rep->nruns; i++) {                                  \
		const struct run *r = &rep->runs[i], *a;                            \
		if (!run_is(r, trace, RUN_MAIN))                                    \
			continue;                                                   \
		a = #kind[0] == 'A' ? find_run(rep, trace, r->model, RUN_AUDIT) :   \
		    #kind[0] == 'L' ? find_run(rep, trace, r->model, RUN_LAZY) : r; \
		if (a)                                                              \
			print_value_##type(f, a->s.name);                           \
		else                                                                \
			fputs(" - |", f);                                           \
	}                                                                          \
	fputc('\n', f);
	REPLAY_SUMMARY_METRICS(X)
#undef X
	if (reference)
		fprintf(f, "\nThe reference model is %s.\n", reference);
}

static const char *const lock_op_names[LOCK_OPS] = LOCK_OP_NAMES;

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
		if (!header)
			fputs("Eager frees against `--lazy` (each free waits for the trace's next "
			      "purge, or for an alloc that finds no room, as in kernels since "
			      "2.6.28):\n\n"
			      "| model | alloc search mean | with --lazy | kernel va matches | "
			      "with --lazy | holes | with --lazy |\n"
			      "|---|---:|---:|---:|---:|---:|---:|\n", f);
		header = true;
		fprintf(f, "| %s | %.4g | %.4g | %" PRIu64 " | %" PRIu64 " | %" PRIu64 " | %"
			PRIu64 " |\n", eager->model, eager->s.alloc_search_mean,
			lazy->s.alloc_search_mean, eager->s.kernel_va_matches,
			lazy->s.kernel_va_matches, eager->s.holes, lazy->s.holes);
	}
	if (header)
		fputc('\n', f);
}

/* One row per model and operation, one column per lock_stat metric. */
static void print_lock_table(FILE *f, const struct report *rep, const char *trace)
{
	bool any = false;

	for (size_t i = 0; i < rep->nruns && !any; i++)
		any = run_is(&rep->runs[i], trace, RUN_LOCK);
	if (!any)
		return;
	fputs("Lock hold times (`replay --lock-stat`, one thread, nanoseconds):\n\n"
	      "| model | lock | op |", f);
#define X(type, name, kind, label, doc) fprintf(f, " %s |", label);
	LOCK_STAT_METRICS(X)
#undef X
	fputs("\n|---|---|---|", f);
#define X(type, name, kind, label, doc) fputs("---:|", f);
	LOCK_STAT_METRICS(X)
#undef X
	fputc('\n', f);
	for (size_t i = 0; i < rep->nruns; i++) {
		const struct run *r = &rep->runs[i];

		if (!run_is(r, trace, RUN_LOCK))
			continue;
		for (int op = 0; op < LOCK_OPS; op++) {
			fprintf(f, "| %s | %s (%s) | %s |", r->model, r->s.lock_name,
				r->s.lock_type, lock_op_names[op]);
#define X(type, name, kind, label, doc) print_value_##type(f, r->s.lock[op].name);
			LOCK_STAT_METRICS(X)
#undef X
			fputc('\n', f);
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
	fputs("| trace metadata | |\n|---|---|\n", f);
	json_object_foreach((json_t *)meta, key, v)
		fprintf(f, "| %s | %s |\n", key, json_string_value(v) ? json_string_value(v) : "");
	fputc('\n', f);
}

static int print_trace(FILE *f, const struct report *rep, size_t first)
{
	const struct run *r = &rep->runs[first];
	char *stem = trace_stem(r->trace), *png;
	struct stat st;

	if (!stem)
		return -ENOMEM;
	fprintf(f, "## %s\n\n`%s`, main window [%s, %s)\n\n", stem, r->trace,
		json_string_value(json_object_get(r->doc, "window_lo")),
		json_string_value(json_object_get(r->doc, "window_hi")));
	print_trace_meta(f, json_object_get(r->doc, "meta"));
	print_record_rate(f, json_object_get(r->doc, "meta"));
	print_trace_table(f, rep, r->trace);
	fputc('\n', f);
	print_hole_note(f, rep, r->trace);
	print_lazy_table(f, rep, r->trace);
	print_lock_table(f, rep, r->trace);
	for (size_t i = 0; rep->plots && i < sizeof(figures) / sizeof(figures[0]); i++) {
		if (asprintf(&png, "%s/%s-%s.png", rep->plots, stem, figures[i].suffix) < 0) {
			free(stem);
			return -ENOMEM;
		}
		if (!stat(png, &st))
			fprintf(f, "![%s: %s](plots/%s-%s.png)\n\n", stem, figures[i].caption,
				stem, figures[i].suffix);
		free(png);
	}
	free(stem);
	return 0;
}

/* Departures and differences of @model summed over its audit runs. */
static bool audit_totals(const struct report *rep, const char *model, uint64_t *departures,
			 uint64_t *differences, uint64_t *allocs)
{
	bool any = false;

	*departures = *differences = *allocs = 0;
	for (size_t i = 0; i < rep->nruns; i++) {
		const struct run *r = &rep->runs[i];

		if (r->kind != RUN_AUDIT || strcmp(r->model, model))
			continue;
		*departures += r->s.lowest_fit_departures;
		*differences += r->s.reference_differences;
		*allocs += r->s.allocs;
		any = true;
	}
	return any;
}

/*
 * Why the non-lowest-fit models depart, with their totals over the
 * shipped traces: the mechanisms are the designs', the figures the runs'.
 */
static void print_model_notes(FILE *f, const struct report *rep)
{
	static const struct {
		const char *model, *why;
	} notes[] = {
		{ "rbtree-cache",
		  "The free-area cache (2.6.39-5.1) resumes the search after the last "
		  "allocation (free_vmap_cache) instead of from the lowest address. It falls "
		  "back to a full search only when the request is smaller than the largest "
		  "hole the cached walks passed (size < cached_hole_size), starts below "
		  "cached_vstart, or asks for less alignment than cached_align. So a hole "
		  "that opens below the cached node, by a free the cache did not move back "
		  "over, or one the walk never measured, is skipped by a request that fits "
		  "it: the area goes higher than lowest fit. A free at or below the cached "
		  "area moves the cache back without resetting cached_hole_size or "
		  "cached_align (as the kernel's own comment admits), so a later request can "
		  "also resume from a point chosen for an earlier, different one." },
		{ "augmented-5.2",
		  "5.2's find_vmap_lowest_match() prunes every subtree whose largest free "
		  "block is shorter than size + align - 1, the length that fits the request "
		  "whatever the block's alignment. A lower block that is shorter but happens "
		  "to be aligned well enough (for page-aligned requests: any block of exactly "
		  "the size) is not descended into unless the search passes its node anyway, "
		  "so the area goes higher. Kernel stacks (20 KiB with 16 KiB alignment) make "
		  "every such allocation a candidate. (`augmented` is the same tree searched "
		  "by the size itself, climbing on when alignment defeats every block below: "
		  "exact, it departs nowhere.)" },
		{ "augmented-5.19",
		  "5.19's adjust_search_size makes the length the size itself for requests "
		  "aligned to a page, which removes those departures; requests aligned above "
		  "a page (kernel stacks) still prune by size + align - 1 and depart as in "
		  "5.2." },
	};
	uint64_t departures, differences, allocs;
	bool header = false;

	for (size_t i = 0; i < sizeof(notes) / sizeof(notes[0]); i++) {
		if (!audit_totals(rep, notes[i].model, &departures, &differences, &allocs))
			continue;
		if (!header)
			fputs("## Why some models depart from lowest fit\n\n"
			      "`linear`, `rbtree` and `augmented` are lowest-address first fit by "
			      "design: their lowest-fit departures are 0 on every trace (and the "
			      "tests prove they place every area alike). Totals over the shipped traces, from the "
			      "audit runs (`--check --lowest-fit-audit --reference linear`):\n\n", f);
		header = true;
		fprintf(f, "- **%s**: %" PRIu64 " of %" PRIu64 " allocations departed from lowest "
			"fit on the model's own layout; %" PRIu64 " ended at another address than "
			"linear placed them (one early difference changes every later layout). %s\n",
			notes[i].model, departures, allocs, differences, notes[i].why);
	}
	if (header)
		fputc('\n', f);
}

/* A benchmark's JSON (bench/read.sh, bench/replay.sh), or NULL if absent. */
static json_t *load_bench(const struct report *rep, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", rep->bench, name);
	return json_load_file(path, 0, NULL);
}

static const char *commit_of(const json_t *bench)
{
	const char *commit = json_string_value(json_object_get(bench, "commit"));

	return commit ? commit : "?";
}

/* The throughput targets of the issue, against `ninja bench`'s last run. */
/* The search lengths of bench/replay.sh's stress trace (--align-rule any). */
static void print_search_stress(FILE *f, const json_t *replay)
{
	size_t k;
	json_t *r;

	fputs("\nIn the benchmark trace 10% of allocs ask for an alignment, by ioremap's "
	      "rule: the size without its guard page rounded up to a power of two (in the "
	      "recorded traces, kernel stacks ask 16 KiB for 20 KiB). The search bound is "
	      "the issue's, for an O(log n) search. `augmented` is exact by searching "
	      "every block long enough for the size, aligned or not, until one fits, and "
	      "requests aligned above a page pay for it; the kernel's `size + align - 1` "
	      "(`augmented-5.2`, `augmented-5.19`) enters only blocks sure to fit, at the "
	      "price of the departures above: the trade-off Rezki and Hildenbrand weighed "
	      "on linux-mm in September 2021 (\"mm/vmalloc: fix exact allocations with an "
	      "alignment > 1\"). The same trace generated with `--align-rule any` (8 KiB "
	      "to 1 MiB whatever the size, which no kernel caller asks) is the exact "
	      "search's worst case; its search lengths (exact, one run each):\n\n"
	      "| model | mean alloc search | page aligned | above a page | allocs above a page |\n"
	      "|---|---:|---:|---:|---:|\n", f);
	json_array_foreach(json_object_get(replay, "stress"), k, r)
		fprintf(f, "| %s | %.3g | %.3g | %.3g | %.0f |\n",
			json_string_value(json_object_get(r, "model")),
			json_number_value(json_object_get(r, "alloc_search_mean")),
			json_number_value(json_object_get(r, "alloc_search_mean_page_aligned")),
			json_number_value(json_object_get(r, "alloc_search_mean_above_page")),
			json_number_value(json_object_get(r, "allocs_above_page")));
}

/*
 * The most events/s each throughput target can reach on this machine, from
 * bench/floors.sh's figures (0: not measured).  Each is what one access the
 * target's design cannot avoid costs, per event:
 *   binary  a loader that maps the file touches each page of it once,
 *           4 KiB / VMT_BIN_RECORD_SIZE events a page;
 *   text    a parsed event is stored in fresh memory (bigmem.h's), and the
 *           line's id read from a hash table of over 64 MiB (5 million ids);
 *   replay  each alloc and free of a tree model descends the busy tree
 *           (insert, find_vmap_area()) at the trace's live areas.
 */
/* Records in each 4 KiB of a binary trace: what a loader touches per page. */
#define RECORDS_PER_4K (4096 / VMT_BIN_RECORD_SIZE)

enum ceiling {
	CEILING_BINARY, CEILING_TEXT, CEILING_REPLAY,
	CEILING_NONE,		/* a benchmark without a target: always 0 */
	CEILINGS,
};

/* The targets, events/s (replay: at 100 000 live areas). */
static const double target[CEILINGS] = {
	[CEILING_BINARY] = 100e6, [CEILING_TEXT] = 10e6, [CEILING_REPLAY] = 5e6,
};

/* How a ceiling compares with its target. */
static const char *against_target(const double c[CEILINGS], enum ceiling k)
{
	return c[k] < target[k] ? "below the target: out of reach here" :
		"above the target: what is missing is the implementation's";
}

static void ceilings_from(const json_t *floors, double c[CEILINGS])
{
	const json_t *touch = json_object_get(floors, "first_touch_ns_per_page");
	double file = json_number_value(json_object_get(touch, "file"));
	double anon = json_number_value(json_object_get(touch, "anon_huge"));
	double lat = json_number_value(json_object_get(json_object_get(floors, "latency_ns"), "64"));
	double find = json_number_value(json_object_get(json_object_get(floors, "busy_find"), "ns"));

	c[CEILING_BINARY] = file > 0 ? 1e9 * RECORDS_PER_4K / file : 0;
	c[CEILING_TEXT] = anon > 0 && lat > 0 ? 1e9 / (anon / RECORDS_PER_4K + lat) : 0;
	c[CEILING_REPLAY] = find > 0 ? 1e9 / find : 0;
	c[CEILING_NONE] = 0;
}

/* A table cell holding @v, or "-" when it is 0 (no target, not measured). */
static void print_cell(FILE *f, double v)
{
	if (v)
		fprintf(f, " %.3g |", v);
	else
		fputs(" - |", f);
}

static void print_floors(FILE *f, const json_t *floors, const double c[CEILINGS])
{
	const json_t *touch = json_object_get(floors, "first_touch_ns_per_page");
	const json_t *lat = json_object_get(floors, "latency_ns");
	const json_t *find = json_object_get(floors, "busy_find");

	fprintf(f, "\nThe ceilings are what this machine allows a design at most, from "
		"`bench/floors.sh` (`bench/bench_floors.c`, median of 3 runs, commit %s): "
		"the cost of the one memory access per event the target's design cannot "
		"avoid, with nothing else counted. Touching a page of fresh memory the first "
		"time costs %.0f ns for a mapped file (%.0f%% of it mapped in 2 MiB entries, as "
		"the page cache held it), %.0f ns for anonymous memory advised "
		"for huge pages and %.0f ns for plain anonymous memory (a second touch: %.0f "
		"ns): this virtual machine is a PVM guest (dmesg: `Hypervisor detected: PVM`), "
		"whose page tables the hypervisor shadows, filling an entry on first use. "
		"A dependent load costs %.0f ns within 4 MiB, %.0f ns over 16 MiB, %.0f ns "
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
		json_number_value(json_object_get(touch, "file")),
		100 * json_number_value(json_object_get(floors, "file_pmd_mapped_share")),
		json_number_value(json_object_get(touch, "anon_huge")),
		json_number_value(json_object_get(touch, "anon")),
		json_number_value(json_object_get(json_object_get(floors, "retouch_ns_per_page"),
						  "anon")),
		json_number_value(json_object_get(lat, "4")),
		json_number_value(json_object_get(lat, "16")),
		json_number_value(json_object_get(lat, "64")),
		json_number_value(json_object_get(lat, "256")),
		json_number_value(json_object_get(find, "live")),
		json_number_value(json_object_get(find, "nodes")),
		json_number_value(json_object_get(find, "ns")),
		json_number_value(json_object_get(json_object_get(floors, "busy_find_small"), "ns")),
		c[CEILING_BINARY], against_target(c, CEILING_BINARY), RECORDS_PER_4K,
		c[CEILING_TEXT], against_target(c, CEILING_TEXT), RECORDS_PER_4K,
		c[CEILING_REPLAY], against_target(c, CEILING_REPLAY));
}

static void print_benchmarks(FILE *f, const struct report *rep)
{
	static const struct {
		const char *format, *what;
		enum ceiling ceiling;
	} reads[] = {
		{ "binary", "load a binary trace, no model", CEILING_BINARY },
		{ "text", "parse a text trace, no model", CEILING_TEXT },
		{ "binary+zstd", "load a zstd-compressed binary trace, no model", CEILING_NONE },
	};
	json_t *read = NULL, *replay = NULL, *floors = NULL, *r;
	double ceil[CEILINGS];
	size_t i;

	if (!rep->bench)
		return;
	read = load_bench(rep, "read.json");
	replay = load_bench(rep, "replay.json");
	floors = load_bench(rep, "floors.json");
	if (!read && !replay)
		goto out;
	ceilings_from(floors, ceil);
	fputs("## Throughput benchmarks\n\n"
	      "From `ninja bench` (`bench/read.sh`, `bench/replay.sh`); the commit that ran "
	      "them is given. Each figure is the median of 3 runs; the ratio compares with "
	      "reading the same file raw (`read(2)` / `cat > /dev/null`) in the same run, "
	      "which is what this shared, noisy machine can compare fairly. The ceiling is "
	      "the most this machine allows (below the table).\n\n"
	      "| benchmark | events/s | target | ceiling here | time / raw read time | commit |\n"
	      "|---|---:|---:|---:|---:|---|\n", f);
	for (i = 0; read && i < sizeof(reads) / sizeof(reads[0]); i++) {
		size_t k;

		json_array_foreach(json_object_get(read, "results"), k, r) {
			const char *fmt = json_string_value(json_object_get(r, "format"));

			if (!fmt || strcmp(fmt, reads[i].format))
				continue;
			fprintf(f, "| %s (%.0f events) | %.3g |", reads[i].what,
				json_number_value(json_object_get(r, "events")),
				json_number_value(json_object_get(r, "median_events_per_s")));
			print_cell(f, target[reads[i].ceiling]);
			print_cell(f, ceil[reads[i].ceiling]);
			fprintf(f, " %.3g | %s |\n",
				json_number_value(json_object_get(r, "median_load_over_raw")),
				commit_of(read));
		}
	}
	if (replay) {
		size_t k;

		json_array_foreach(json_object_get(replay, "results"), k, r) {
			double live = json_number_value(json_object_get(r, "live"));

			fprintf(f, "| replay through %s at %.0f live areas, %.0f events (mean alloc "
				"search %.3g: %.3g page aligned, %.3g above; bound 2 log2(live) + 8 "
				"= %.3g) | %.3g |",
				json_string_value(json_object_get(r, "model")), live,
				json_number_value(json_object_get(r, "events")),
				json_number_value(json_object_get(r, "alloc_search_mean")),
				json_number_value(json_object_get(r, "alloc_search_mean_page_aligned")),
				json_number_value(json_object_get(r, "alloc_search_mean_above_page")),
				2 * log2(live) + 8,
				json_number_value(json_object_get(r, "events_per_sec")));
			print_cell(f, target[CEILING_REPLAY]);
			print_cell(f, ceil[CEILING_REPLAY]);
			fprintf(f, " %.3g | %s |\n",
				json_number_value(json_object_get(r, "replay_over_raw")),
				commit_of(replay));
		}
	}
	if (floors)
		print_floors(f, floors, ceil);
	if (replay)
		print_search_stress(f, replay);
	fputc('\n', f);
out:
	json_decref(read);
	json_decref(replay);
	json_decref(floors);
}

/* One row of bench/live_scaling.sh's CSV. */
struct live_row {
	char model[64];
	double live, search, ns;
};

/* Least-squares slope of log10(y) against log10(x) over @model's rows. */
static double loglog_slope(const struct live_row *rows, size_t n, const char *model,
			   bool time)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0, k = 0;

	for (size_t i = 0; i < n; i++) {
		double x, y;

		if (strcmp(rows[i].model, model))
			continue;
		x = log10(rows[i].live);
		y = log10(time ? rows[i].ns : rows[i].search);
		sx += x;
		sy += y;
		sxx += x * x;
		sxy += x * y;
		k++;
	}
	return k > 1 ? (k * sxy - sx * sy) / (k * sxx - sx * sx) : NAN;
}

/* Reads the CSV; -EINVAL with `file:line: ...` on a malformed row. */
static int read_live_csv(const char *path, struct live_row **out, size_t *n,
			 struct vmt_err *err)
{
	FILE *f = fopen(path, "r");
	struct live_row *rows = NULL, *grown;
	char line[256];
	unsigned lineno = 0;
	size_t cap = 0;
	int ret = 0;

	*n = 0;
	if (!f) {
		vmt_err_set(err, "%s: cannot read: %s", path, strerror(errno));
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		struct live_row r;
		double events;

		if (++lineno == 1)
			continue;	/* the header */
		if (sscanf(line, "%63[^,],%lf,%lf,%lf,%lf", r.model, &r.live, &events, &r.search,
			   &r.ns) != 5 || r.live <= 0 || r.search <= 0 || r.ns <= 0) {
			vmt_err_set(err, "%s:%u: expected model,live,events,search,ns with "
				    "positive numbers", path, lineno);
			ret = -EINVAL;
			break;
		}
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			grown = realloc(rows, cap * sizeof(*rows));
			if (!grown) {
				ret = -ENOMEM;
				break;
			}
			rows = grown;
		}
		rows[(*n)++] = r;
	}
	fclose(f);
	if (ret) {
		free(rows);
		return ret;
	}
	*out = rows;
	return 0;
}

/* Search length and time per alloc against live areas, with slopes. */
static int print_live_scaling(FILE *f, const struct report *rep, struct vmt_err *err)
{
	struct live_row *rows = NULL;
	const char *models[32];
	size_t n, nmodels = 0;
	int ret;

	if (!rep->live_csv)
		return 0;
	if ((ret = read_live_csv(rep->live_csv, &rows, &n, err)))
		return ret;
	for (size_t i = 0; i < n; i++) {
		bool seen = false;

		for (size_t j = 0; j < nmodels && !seen; j++)
			seen = !strcmp(models[j], rows[i].model);
		if (!seen && nmodels < sizeof(models) / sizeof(models[0]))
			models[nmodels++] = rows[i].model;
	}
	fputs("## Search length against live areas\n\n"
	      "`bench/live_scaling.sh`: generated traces with N snapshot areas and alloc/free "
	      "events hovering around N live (page aligned, no request windows). Each cell: "
	      "mean alloc search length / mean ns per alloc call (the model call, timed as by "
	      "`--lock-stat`). The slope is the least-squares slope of log10(value) against "
	      "log10(N): 1 for a linear search, near 0 for a logarithmic one.\n\n| live areas |", f);
	for (size_t j = 0; j < nmodels; j++)
		fprintf(f, " %s |", models[j]);
	fputs("\n|---:|", f);
	for (size_t j = 0; j < nmodels; j++)
		fputs("---:|", f);
	fputc('\n', f);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(rows[i].model, models[0]))
			continue;
		fprintf(f, "| %.0f |", rows[i].live);
		for (size_t j = 0; j < nmodels; j++)
			for (size_t k = 0; k < n; k++)
				if (!strcmp(rows[k].model, models[j]) && rows[k].live == rows[i].live)
					fprintf(f, " %.4g / %.4g ns |", rows[k].search, rows[k].ns);
		fputc('\n', f);
	}
	fputs("| **slope** |", f);
	for (size_t j = 0; j < nmodels; j++)
		fprintf(f, " %.2f / %.2f |", loglog_slope(rows, n, models[j], false),
			loglog_slope(rows, n, models[j], true));
	fputs("\n\n", f);
	if (rep->plots)
		fputs("![search length and time per alloc against live areas, log-log](plots/live.png)\n\n", f);
	free(rows);
	return 0;
}

/* The thread-scaling runs: a table, and its CSV for plots/threads.gp. */
static void print_scaling(FILE *f, const struct report *rep, FILE *csv)
{
	bool any = false;

	for (size_t i = 0; i < rep->nruns && !any; i++)
		any = rep->runs[i].kind == RUN_THREADS;
	if (!any)
		return;
	fputs("## Thread scaling\n\n"
	      "`vmtrace replay --threads N --scale K`: the per-CPU streams of K interleaved "
	      "copies of the trace on N threads, each taking the model's lock around every "
	      "call. Contentions and waits add up the alloc and free locks.\n\n"
	      "| trace | model | lock | threads | scale | operations/s | contentions | "
	      "waittime-total (ns) | holdtime-avg alloc (ns) | dependency waits |\n"
	      "|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n", f);
	if (csv)
		fputs("trace,model,threads,scale,ops_per_sec,contentions,waittime_total\n", csv);
	for (size_t i = 0; i < rep->nruns; i++) {
		const struct run *r = &rep->runs[i];
		const struct replay_summary *s = &r->s;
		uint64_t contentions, wait;
		char *stem;

		if (r->kind != RUN_THREADS)
			continue;
		contentions = s->lock[LOCK_OP_ALLOC].contentions + s->lock[LOCK_OP_FREE].contentions;
		wait = s->lock[LOCK_OP_ALLOC].waittime_total + s->lock[LOCK_OP_FREE].waittime_total;
		stem = trace_stem(r->trace);
		fprintf(f, "| %s | %s | %s (%s) | %" PRIu64 " | %" PRIu64 " | %.4g | %" PRIu64
			" | %" PRIu64 " | %.4g | %" PRIu64 " |\n", stem ? stem : r->trace, r->model,
			s->lock_name, s->lock_type, s->threads.threads, s->threads.scale,
			s->threads.ops_per_sec, contentions, wait,
			s->lock[LOCK_OP_ALLOC].holdtime_avg, s->threads.dependency_waits);
		if (csv)
			fprintf(csv, "%s,%s,%" PRIu64 ",%" PRIu64 ",%.6g,%" PRIu64 ",%" PRIu64 "\n",
				stem ? stem : r->trace, r->model, s->threads.threads,
				s->threads.scale, s->threads.ops_per_sec, contentions, wait);
		free(stem);
	}
	fputc('\n', f);
	/* Drawn from the --scaling-csv this run writes, so it can't exist yet. */
	if (rep->plots)
		fputs("![throughput and total lock wait against thread count](plots/threads.png)\n\n", f);
}

static void print_definitions(FILE *f)
{
	fputs("## Metric definitions\n\n"
	      "Generated from `replay/metrics.h`, where each metric is defined once. "
	      "Exact metrics are a pure function of the trace, the model and the window: "
	      "identical on every run and machine. Timing metrics depend on the machine.\n\n"
	      "| metric | JSON key | kind | definition |\n|---|---|---|---|\n", f);
#define X(type, name, kind, label, doc) \
	fprintf(f, "| %s | `%s` | %s | %s |\n", label, #name,                    \
		#kind[0] == 'E' ? "exact" : #kind[0] == 'A' ? "exact (audit run)" :      \
		#kind[0] == 'L' ? "exact (--lazy run)" : "timing", doc);
	REPLAY_SUMMARY_METRICS(X)
	fputs("\nLock statistics (`lock_stat.alloc`, `lock_stat.free` in the JSON), per "
	      "operation. A hold is the model call made while holding the lock; a wait runs "
	      "from the first failed try until the lock is held.\n\n"
	      "| metric | JSON key | kind | definition |\n|---|---|---|---|\n", f);
	LOCK_STAT_METRICS(X)
	fputs("\nThreaded replay (`threads` in the JSON):\n\n"
	      "| metric | JSON key | kind | definition |\n|---|---|---|---|\n", f);
	THREAD_METRICS(X)
#undef X
	fputc('\n', f);
}

static int write_report(FILE *f, const struct report *rep, FILE *csv, struct vmt_err *err)
{
	int ret;

	fputs("# vmtrace results\n\n", f);
	fprintf(f, "Generated by `%s` from commit `%s` on %s.\n\n",
		rep->command, rep->commit, rep->date);
	fprintf(f, "Machine: %s.\n\n", rep->machine);
	fputs("Every figure below comes from replaying the shipped traces in `traces/` through "
	      "each allocator model (`vmtrace models` lists them). Search lengths, addresses, "
	      "failures and fragmentation are exact; timings are this machine's and noisy.\n\n", f);
	for (size_t i = 0; i < rep->nruns; i++) {
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp(rep->runs[j].trace, rep->runs[i].trace);
		if (!seen && (ret = print_trace(f, rep, i)))
			return ret;
	}
	print_model_notes(f, rep);
	print_benchmarks(f, rep);
	print_scaling(f, rep, csv);
	if ((ret = print_live_scaling(f, rep, err)))
		return ret;
	print_definitions(f);
	return ferror(f) || (csv && ferror(csv)) ? -EIO : 0;
}

/* Fills @rep and *@out_path from the command line; *@first_summary is the
 * index of the first SUMMARY.json.  0, or a result for cli_exit_status(). */
static int parse_args(int argc, char **argv, struct report *rep, const char **out_path,
		      int *first_summary)
{
	const struct cli_option options[] = {
		{ CLI_STRING("output", 'o', "OUT.md", "the report (default RESULTS.md)", out_path) },
		{ CLI_STRING("commit", 0, "C", "the commit the report names (default unknown)", &rep->commit) },
		{ CLI_STRING("machine", 0, "M", "the machine it names (default unknown)", &rep->machine) },
		{ CLI_STRING("date", 0, "D", "the date it names (default unknown)", &rep->date) },
		{ CLI_STRING("plots", 0, "DIR", "link plots/<trace>-{search,frag,holds}.png and "
			     "threads.png where they exist in DIR (RESULTS.md sits beside plots/)",
			     &rep->plots) },
		{ CLI_STRING("command", 0, "CMD", "the command it says generated it (default vmtrace report)",
			     &rep->command) },
		{ CLI_STRING("scaling-csv", 0, "F", "also write the thread-scaling runs as CSV",
			     &rep->scaling_csv) },
		{ CLI_STRING("live-csv", 0, "F", "add bench/live_scaling.sh's table, with log-log "
			     "slopes", &rep->live_csv) },
		{ CLI_STRING("bench", 0, "DIR", "add the throughput benchmarks of DIR (bench/results)",
			     &rep->bench) },
		{ NULL },
	};
	const struct cli_command cmd = {
		.name = "report", .args = "SUMMARY.json...", .min_args = 1,
		.max_args = CLI_ANY_COUNT, .options = options,
		.about = "Writes a Markdown report from `vmtrace replay --json` summaries.",
	};

	return cli_parse(&cmd, argc, argv, first_summary);
}

int cmd_report(int argc, char **argv)
{
	struct report rep = { .commit = "unknown", .machine = "unknown", .date = "unknown",
			      .command = "vmtrace report" };
	const char *out_path = "RESULTS.md";
	struct vmt_err err = { { 0 } };
	struct outfile out = { 0 }, csv = { 0 };
	int first_summary, ret;

	ret = parse_args(argc, argv, &rep, &out_path, &first_summary);
	if (ret)
		return cli_exit_status(ret);
	rep.runs = calloc(argc - first_summary, sizeof(*rep.runs));
	if (!rep.runs) {
		ret = -ENOMEM;
		goto out;
	}
	for (int i = first_summary; i < argc; i++) {
		ret = load_run(argv[i], &rep.runs[rep.nruns], &err);
		if (ret)
			goto out;
		rep.nruns++;
	}
	ret = outfile_open(&out, out_path);
	if (ret) {
		vmt_err_set(&err, "%s: cannot create: %s", out_path, strerror(-ret));
		goto out;
	}
	if (rep.scaling_csv && (ret = outfile_open(&csv, rep.scaling_csv))) {
		vmt_err_set(&err, "%s: cannot create: %s", rep.scaling_csv, strerror(-ret));
		goto out;
	}
	ret = write_report(out.f, &rep, csv.f, &err);
	if (!ret && csv.f && (ret = outfile_commit(&csv)))
		vmt_err_set(&err, "%s: cannot write: %s", rep.scaling_csv, strerror(-ret));
	if (!ret && (ret = outfile_commit(&out)))
		vmt_err_set(&err, "%s: cannot write: %s", out_path, strerror(-ret));
out:
	outfile_abort(&out);
	outfile_abort(&csv);
	for (size_t i = 0; i < rep.nruns; i++)
		json_decref(rep.runs[i].doc);
	free(rep.runs);
	if (ret) {
		fprintf(stderr, "vmtrace report: %s\n", err.msg[0] ? err.msg : strerror(-ret));
		return 1;
	}
	return 0;
}
