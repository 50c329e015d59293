/* SPDX-License-Identifier: MIT */
/*
 * "Replay time and lock hold times", in the timing part: per trace, from
 * the `replay --lock-stat` runs alone, each model's replay rate and its
 * lock statistics, and the hold-time plot.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report/report.h"

static const char *const lock_op_names[LOCK_OPS] = LOCK_OP_NAMES;

/* The number of lock_stat metrics: the lock table's right-aligned columns. */
#define COUNT_ONE(type, name, kind, label, doc) + 1
enum { LOCK_STAT_COUNT = 0 LOCK_STAT_METRICS(COUNT_ONE) };
#undef COUNT_ONE

static void metric_cell_U64(FILE *f, uint64_t v) { table_cell(f, "%" PRIu64, v); }
static void metric_cell_F64(FILE *f, double v) { table_cell(f, "%.4g", v); }

/* One row per model and operation, one column per lock_stat metric. */
static void print_lock_table(FILE *f, const struct report *rep, const char *trace)
{
	table_row_start(f);
	table_cell(f, "model");
	table_cell(f, "events/s");
	table_cell(f, "lock");
	table_cell(f, "op");
#define X(type, name, kind, label, doc) table_cell(f, "%s%s", label, \
						   #kind[0] == 'S' ? SERIAL_MARK : "");
	LOCK_STAT_METRICS(X)
#undef X
	table_row_end(f);
	table_rule(f, "lrll", LOCK_STAT_COUNT);
	for (size_t i = 0; i < rep->nruns; i++) {
		const struct run *r = &rep->runs[i];

		if (!run_is(r, trace, RUN_LOCK))
			continue;
		for (int op = 0; op < LOCK_OPS; op++) {
			table_row_start(f);
			table_cell(f, "%s", r->model);
			if (op == 0)
				table_cell(f, "%.4g", r->s.events_per_sec);
			else
				table_cell(f, "%s", "");
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

/* The hold-time plot of @trace, when --plots has it. */
static int print_holds_plot(FILE *f, const struct report *rep, const char *stem)
{
	struct stat st;
	char *png;

	if (!rep->opts->plots)
		return 0;
	if (asprintf(&png, "%s/%s-holds.png", rep->opts->plots, stem) < 0)
		return -ENOMEM;
	if (!stat(png, &st))
		fprintf(f, "![%s: CDF of the lock hold time of each alloc (solid) and free "
			"(dashed)](plots/%s-holds.png)\n\n", stem, stem);
	free(png);
	return 0;
}

/*
 * The throughput figure (bench/timings.sh draws it from these runs), when
 * --plots has it, and what it shows: the model that replayed fastest on
 * the most traces.
 */
static void print_throughput_plot(FILE *f, const struct report *rep)
{
	const struct run **best = calloc(rep->nruns ? rep->nruns : 1, sizeof(*best));
	size_t ntraces = 0, top = 0, top_wins = 0;
	struct stat st;
	char *png = NULL;

	if (!best || !rep->opts->plots ||
	    asprintf(&png, "%s/throughput.png", rep->opts->plots) < 0 || stat(png, &st))
		goto out;
	/* The fastest run of each trace. */
	for (size_t i = 0; i < rep->nruns; i++) {
		if (rep->runs[i].kind != RUN_LOCK || first_run_of(rep, i) != &rep->runs[i])
			continue;
		for (size_t j = i; j < rep->nruns; j++)
			if (run_is(&rep->runs[j], rep->runs[i].trace, RUN_LOCK) &&
			    (!best[ntraces] ||
			     rep->runs[j].s.events_per_sec > best[ntraces]->s.events_per_sec))
				best[ntraces] = &rep->runs[j];
		ntraces++;
	}
	/* The model fastest on the most traces (the first such, in trace order). */
	for (size_t i = 0; i < ntraces; i++) {
		size_t wins = 0;

		for (size_t j = 0; j < ntraces; j++)
			wins += !strcmp(best[i]->model, best[j]->model);
		if (wins > top_wins)
			top = i, top_wins = wins;
	}
	fputs("![Replay throughput per model and trace](plots/throughput.png)\n\n", f);
	if (ntraces)
		fprintf(f, "`%s` replays fastest on %zu of the %zu traces (one run each, on the "
			"machine above).\n\n", best[top]->model, top_wins, ntraces);
out:
	free(png);
	free(best);
}

int report_replay_times(FILE *f, const struct report *rep)
{
	int ret = 0;

	if (!any_run(rep, NULL, RUN_LOCK))
		return 0;
	fputs("## Replay time and lock hold times\n\n"
	      "From `vmtrace replay -a MODEL --lock-stat TRACE` alone (one thread, one run "
	      "each, the model's kernel lock taken around every call; nanoseconds). "
	      "Events/s is that run's, lock timing included.\n\n", f);
	report_machine(f, rep);
	print_throughput_plot(f, rep);
	for (size_t i = 0; i < rep->nruns && !ret; i++) {
		const struct run *r = &rep->runs[i];
		char *stem;

		if (r->kind != RUN_LOCK || first_run_of(rep, i) != r)
			continue;
		if (!(stem = trace_stem(r->trace)))
			return -ENOMEM;
		fprintf(f, "### %s\n\n", stem);
		print_lock_table(f, rep, r->trace);
		ret = print_holds_plot(f, rep, stem);
		free(stem);
	}
	if (!ret)
		print_serial_note(f);
	return ret;
}
