/* SPDX-License-Identifier: MIT */
/*
 * "Thread scaling": the runs of `vmtrace replay --threads N --scale K`
 * (bench/threads.sh) as a table, and as the CSV plots/threads.gp draws
 * (--scaling-csv).
 */
#include <inttypes.h>
#include <stdlib.h>

#include "report/report.h"

/* What a row shows of a thread run beyond its summary: both locks added up. */
struct lock_totals {
	uint64_t contentions;
	uint64_t waittime;	/* ns */
};

static struct lock_totals lock_totals(const struct replay_summary *s)
{
	return (struct lock_totals){
		.contentions = s->lock[LOCK_OP_ALLOC].contentions +
			       s->lock[LOCK_OP_FREE].contentions,
		.waittime = s->lock[LOCK_OP_ALLOC].waittime_total +
			    s->lock[LOCK_OP_FREE].waittime_total,
	};
}

static void print_row(FILE *f, const struct run *r, const char *trace)
{
	const struct replay_summary *s = &r->s;
	struct lock_totals t = lock_totals(s);

	table_row_start(f);
	table_cell(f, "%s", trace);
	table_cell(f, "%s", r->model);
	table_cell(f, "%s (%s)", s->lock_name, s->lock_type);
	table_cell(f, "%" PRIu64, s->threads.threads);
	table_cell(f, "%" PRIu64, s->threads.scale);
	table_cell(f, "%.4g", s->threads.ops_per_sec);
	table_cell(f, "%" PRIu64, t.contentions);
	table_cell(f, "%" PRIu64, t.waittime);
	table_cell(f, "%.4g", s->lock[LOCK_OP_ALLOC].holdtime_avg);
	table_cell(f, "%" PRIu64, s->threads.dependency_waits);
	table_row_end(f);
}

static void print_csv_row(FILE *csv, const struct run *r, const char *trace)
{
	const struct replay_summary *s = &r->s;
	struct lock_totals t = lock_totals(s);

	fprintf(csv, "%s,%s,%" PRIu64 ",%" PRIu64 ",%.6g,%" PRIu64 ",%" PRIu64 "\n",
		trace, r->model, s->threads.threads, s->threads.scale, s->threads.ops_per_sec,
		t.contentions, t.waittime);
}

/* The table, and the same runs as CSV to @csv when not NULL. */
void report_scaling(FILE *f, const struct report *rep, FILE *csv)
{
	if (!any_run(rep, NULL, RUN_THREADS))
		return;
	fputs("## Thread scaling\n\n"
	      "`vmtrace replay --threads N --scale K`: the per-CPU streams of K interleaved "
	      "copies of the trace on N threads, each taking the model's lock around every "
	      "call. Contentions and waits add up the alloc and free locks.\n\n", f);
	report_machine(f, rep);
	table_head(f, "lllrrrrrrr", "trace", "model", "lock", "threads", "scale",
		   "operations/s", "contentions", "waittime-total (ns)",
		   "holdtime-avg alloc (ns)", "dependency waits", NULL);
	if (csv)
		fputs("trace,model,threads,scale,ops_per_sec,contentions,waittime_total\n", csv);
	for (size_t i = 0; i < rep->nruns; i++) {
		const struct run *r = &rep->runs[i];
		char *stem;

		if (r->kind != RUN_THREADS)
			continue;
		stem = trace_stem(r->trace);
		print_row(f, r, stem ? stem : r->trace);
		if (csv)
			print_csv_row(csv, r, stem ? stem : r->trace);
		free(stem);
	}
	fputc('\n', f);
	/* Drawn from the --scaling-csv this run writes, so it can't exist yet. */
	if (rep->opts->plots)
		fputs("![throughput and total lock wait against thread count](plots/threads.png)\n\n", f);
}
