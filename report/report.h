/* SPDX-License-Identifier: MIT */
/*
 * `vmtrace report`: RESULTS.md from what the replays and benchmarks wrote.
 *
 * The sections, in the order RESULTS.md has them, and the data each reads:
 *
 *   heading       report.c       the options: command, commit, date, and the
 *                                machine `ninja results` ran on (--machine).
 *   per trace     traces.c       the summaries of `vmtrace replay --json`
 *                                (load.c reads them): a metric table with one
 *                                column per model (metrics.h's metrics; audit
 *                                and --lazy figures from those runs), the
 *                                trace's metadata, eager against lazy, lock
 *                                hold times, and the plots found in --plots.
 *   fidelity      fidelity.c     the --follow-kernel summaries beside the main
 *                                and --lazy ones: each model's fidelity to the
 *                                kernel's va= choices, per recorded trace.
 *   patterns      patterns.c     --patterns-dir: the lib/test_vmalloc.c patterns
 *                                (`generate --pattern`) replayed with
 *                                --lock-stat, beside the published figure.
 *   departures    departures.c  each model's `notes` from the registry
 *                                (allocator/allocator.h), with its totals over
 *                                the audit runs.
 *   throughput    bench.c        --bench DIR: read.json, replay.json (the
 *                                benchmark table, the stress table), and
 *                                machine.c: host.json, the machine that ran
 *                                them; floors.c: floors.json, the ceilings.
 *   threads       scaling.c      the --threads summaries; also --scaling-csv.
 *   live areas    live.c         --live-csv (bench/live_scaling.sh), read and
 *                                fitted by fit.c.
 *   definitions   definitions.c  replay/metrics.h alone.
 *
 * table.c writes every Markdown table, cell by cell.  No file here names a
 * model or describes a machine: both come from the data.
 */
#ifndef VMTRACE_REPORT_H
#define VMTRACE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "lib/diag.h"
#include "replay/summary.h"

/* What `vmtrace report`'s options ask for; a NULL path leaves its part out. */
struct report_options {
	const char *commit, *machine, *date, *command;	/* the heading's words */
	const char *plots;		/* --plots: link the plots that exist here */
	const char *scaling_csv;	/* --scaling-csv: thread runs for plots/threads.gp */
	const char *live_csv;		/* --live-csv: bench/live_scaling.sh's table */
	const char *bench;		/* --bench: bench/results/, from `ninja bench` */
	const char *patterns_dir;	/* --patterns-dir: pattern summaries (*.json) */
};

/*
 * Writes the report of the @nsummaries summary files to @out_path ("-":
 * stdout), whole or not at all.  Returns 0, or a negative errno with the
 * message in @err.
 */
int report_write(const struct report_options *opts, const char *out_path,
		 char *const summaries[], size_t nsummaries, struct vmt_err *err);

/* --- shared by the sections ---------------------------------------------- */

/* What a summary measured, by the options its replay ran with. */
enum run_kind {
	RUN_MAIN,	/* plain single-threaded replay */
	RUN_LOCK,	/* --lock-stat */
	RUN_THREADS,	/* --threads */
	RUN_AUDIT,	/* --lowest-fit-audit and/or --reference */
	RUN_LAZY,	/* --lazy */
	RUN_FOLLOW,	/* --follow-kernel */
};

/* One summary file (load.c). */
struct run {
	const char *trace;	/* as replayed */
	const char *model;
	enum run_kind kind;
	const char *reference;	/* --reference model, or NULL */
	json_t *doc;
	struct replay_summary s;
};

struct report {
	const struct report_options *opts;
	struct run *runs;	/* in the order given, which sections keep */
	size_t nruns;
};

/* load.c: the summaries, and lookups among them and in --bench. */
int report_load_runs(struct report *rep, char *const paths[], size_t n,
		     struct vmt_err *err);
void report_free_runs(struct report *rep);
bool run_is(const struct run *r, const char *trace, enum run_kind kind);
const struct run *find_run(const struct report *rep, const char *trace,
			   const char *model, enum run_kind kind);
bool any_run(const struct report *rep, const char *trace, enum run_kind kind);
char *trace_stem(const char *path);
double json_number_at(const json_t *doc, const char *path);
const char *json_string_or(const json_t *doc, const char *key, const char *fallback);
json_t *load_bench(const struct report *rep, const char *name);
const char *commit_of(const json_t *bench);

/* table.c: a Markdown table is a head, then rows of cells. */
void table_head(FILE *f, const char *align, ...) __attribute__((sentinel));
void table_rule(FILE *f, const char *align, size_t more_right);
void table_row_start(FILE *f);
void table_cell(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void table_row_end(FILE *f);

/* floors.c: the throughput targets and the machine's ceilings. */
enum ceiling {
	CEILING_BINARY, CEILING_TEXT, CEILING_REPLAY,
	CEILING_NONE,		/* a benchmark without a target: always 0 */
	CEILINGS,
};
extern const double report_targets[CEILINGS];
void ceilings_from(const json_t *floors, double ceilings[CEILINGS]);

/* fit.c: one row of bench/live_scaling.sh's CSV, and the log-log fit. */
struct live_row {
	char model[64];
	double live, search, ns;
};
enum live_value { LIVE_SEARCH, LIVE_NS };
int live_csv_read(const char *path, struct live_row **rows, size_t *n,
		  struct vmt_err *err);
double loglog_slope(const struct live_row *rows, size_t n, const char *model,
		    enum live_value y_of);

/* The sections, in report order (and machine, floors: parts of benchmarks). */
int report_traces(FILE *f, const struct report *rep);
void report_fidelity(FILE *f, const struct report *rep);
int report_patterns(FILE *f, const struct report_options *opts, struct vmt_err *err);
void report_departures(FILE *f, const struct report *rep);
void report_benchmarks(FILE *f, const struct report *rep);
void report_machine(FILE *f, const struct report *rep);
void report_floors(FILE *f, const json_t *floors, const double ceilings[CEILINGS]);
void report_scaling(FILE *f, const struct report *rep, FILE *csv);
int report_live_scaling(FILE *f, const struct report *rep, struct vmt_err *err);
void report_definitions(FILE *f);

#endif /* VMTRACE_REPORT_H */
