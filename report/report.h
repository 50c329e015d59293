/* SPDX-License-Identifier: MIT */
/*
 * `vmtrace report`: RESULTS.md from what the replays and benchmarks wrote.
 *
 * RESULTS.md has two parts.  The exact part is a pure function of the
 * traces, the models and the source: no date, machine or timing, so that
 * regenerated at one commit on any machine it is byte-identical
 * (scripts/check_results.sh).  The timing part follows REPORT_TIMING_MARK
 * and names the machine that measured each figure.
 *
 * The exact part's sections and the data each reads:
 *
 *   heading       report.c       the command, and --inputs: the SHA-256 of
 *                                every trace (the inputs named by content).
 *   per trace     traces.c       the summaries of `vmtrace replay --json`
 *                                (load.c reads them): one table per run of
 *                                each trace (plain, audit, --lazy, --range),
 *                                one column per model (metrics.h's metrics),
 *                                and the exact plots found in --plots.
 *   compared      compare.c      issue 15's figures per trace and model, and
 *                                a sentence on each figure (sentence.c).
 *   fidelity      fidelity.c     the --follow-kernel summaries beside the main
 *                                and --lazy ones: each model's fidelity to the
 *                                kernel's va= choices, per recorded trace.
 *   patterns      patterns.c     --patterns-dir (timing part): the lib/test_vmalloc.c
 *                                (`generate --pattern`) replayed with
 *                                --lock-stat, beside the published figure.
 *   departures    departures.c   each model's `notes` from the registry
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
 * The timing part's, every one under the machine of --bench's host.json:
 *
 *   replay time   locks.c        the --lock-stat summaries: events/s and lock
 *                                hold times per trace, and the holds plots.
 *   throughput    bench.c        --bench DIR: read.json, replay.json, and
 *                                floors.c: floors.json, the ceilings.
 *   larger than   stream.c       --bench DIR: stream.json (bench/stream.sh),
 *   memory                       streamed replays' peak memory and read share.
 *   threads       scaling.c      the --threads summaries; also --scaling-csv.
 *   live areas    live.c         --live-csv (bench/live_scaling.sh), fitted by
 *                                fit.c.
 *   recording     record_loss.c  --bench DIR: record_loss.json, events kept and
 *                                lost by each recorder under an allocation storm.
 *
 * machine.c names a machine from host.json; table.c writes every Markdown
 * table.  No file here names a model or describes a machine: both come
 * from the data.
 */
#ifndef VMTRACE_REPORT_H
#define VMTRACE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "lib/diag.h"
#include "replay/summary.h"

/* The line that ends the exact part and starts the timing part. */
#define REPORT_TIMING_MARK "<!-- timings below: written by `ninja bench`, kept as they are " \
	"by `ninja results`; everything above is exact (scripts/check_results.sh) -->"

enum report_part { REPORT_BOTH, REPORT_EXACT, REPORT_TIMING };

/* What `vmtrace report`'s options ask for; a NULL path leaves its part out. */
struct report_options {
	const char *command;		/* the heading says it generated the report */
	enum report_part part;
	const char *inputs;		/* --inputs: `sha256sum` lines of the traces */
	const char *plots;		/* --plots: link the plots that exist here */
	const char *scaling_csv;	/* --scaling-csv: thread runs for plots/threads.gp */
	const char *live_csv;		/* --live-csv: bench/live_scaling.sh's table */
	const char *bench;		/* --bench: bench/results/, from `ninja bench` */
	const char *patterns_dir;	/* --patterns-dir: pattern summaries (*.json) */
	const char *misses_dir;		/* --misses-dir: STEM.MODEL.misses.csv of follow runs */
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
	RUN_RANGE,	/* --range: another main window than the trace's */
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

/* The marker after each SERIAL metric's label, and its footnote. */
#define SERIAL_MARK "\u2020"
void print_serial_note(FILE *f);

/* sentence.c: one generated sentence on what a figure or table of @trace shows. */
void sentence_search(FILE *f, const struct report *rep, const char *trace);
void sentence_frag(FILE *f, const struct report *rep, const char *trace);
void sentence_compare(FILE *f, const struct report *rep, const char *trace);

/* Whether run @i is the first to name its trace: sections go trace by trace. */
bool first_of_trace(const struct report *rep, size_t i);
const struct run *first_run_of(const struct report *rep, size_t i);

/* The sections, in report order (and machine, floors: parts of benchmarks). */
int report_traces(FILE *f, const struct report *rep);
void report_compare(FILE *f, const struct report *rep);
int report_fidelity(FILE *f, const struct report *rep, struct vmt_err *err);

/* misses.c: a `replay --mismatches` CSV by the model's reason, size and align. */
struct miss_class {
	char reason[32];
	uint64_t size, align, misses;
};
struct miss_tally {
	struct miss_class *c;	/* most misses first */
	size_t n, cap;
	uint64_t total;
};
/* Returns 0, -ENOENT when @path does not exist, -EINVAL (@err says the line), -ENOMEM, -EIO. */
int miss_tally_load(const char *path, struct miss_tally *t, struct vmt_err *err);
void miss_tally_free(struct miss_tally *t);
int report_patterns(FILE *f, const struct report_options *opts, struct vmt_err *err);
void report_departures(FILE *f, const struct report *rep);
void report_benchmarks(FILE *f, const struct report *rep);
void report_machine(FILE *f, const struct report *rep);
void report_stream(FILE *f, const struct report *rep);
int report_replay_times(FILE *f, const struct report *rep);
void report_floors(FILE *f, const json_t *floors, const double ceilings[CEILINGS]);
void report_replay_floor(FILE *f, const json_t *replay);
void report_scaling(FILE *f, const struct report *rep, FILE *csv);
int report_live_scaling(FILE *f, const struct report *rep, struct vmt_err *err);
void report_record_loss(FILE *f, const struct report *rep);
void report_definitions(FILE *f);

#endif /* VMTRACE_REPORT_H */
