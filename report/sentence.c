/* SPDX-License-Identifier: MIT */
/*
 * The sentence under each exact figure and table: what the data shows,
 * computed from the plain runs of the trace (the lowest and the highest
 * model of a figure, and their ratio), never written by hand.
 */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "report/report.h"

/*
 * The plain runs of @trace with the lowest and highest @value; NULL when
 * none.  A run whose @value is NaN (not observed) takes no part.
 */
struct extremes {
	const struct run *low, *high;
};

static struct extremes extremes_of(const struct report *rep, const char *trace,
				   enum run_kind kind, double (*value)(const struct run *))
{
	struct extremes x = { NULL, NULL };

	for (size_t i = 0; i < rep->nruns; i++) {
		const struct run *r = &rep->runs[i];

		if (!run_is(r, trace, kind) || isnan(value(r)))
			continue;
		if (!x.low || value(r) < value(x.low))
			x.low = r;
		if (!x.high || value(r) > value(x.high))
			x.high = r;
	}
	return x;
}

/*
 * Every search the models count examines at least one node, so allocs
 * with no search at all mean a model whose search is not observable
 * (jemalloc's, whose notes say so): NaN, left out of the comparison.
 */
static bool search_observed(const struct run *r)
{
	return !r->s.allocs || r->s.alloc_search_total;
}

static double search_mean(const struct run *r)
{
	return search_observed(r) ? r->s.alloc_search_mean : NAN;
}

static double search_max(const struct run *r)
{
	return search_observed(r) ? (double)r->s.alloc_search_max : NAN;
}
static double holes(const struct run *r) { return (double)r->s.holes; }
static double small_hole_bytes(const struct run *r) { return (double)r->s.small_hole_bytes; }
static double failed(const struct run *r) { return (double)r->s.failed_allocs; }
static double footprint(const struct run *r) { return r->s.footprint; }

/* "a (model)" */
static void print_value(FILE *f, double v, const struct run *r)
{
	fprintf(f, "%.4g (%s)", v, r->model);
}

/* "from a (model) to b (model)", or "a for every model" when they agree. */
static void print_spread(FILE *f, struct extremes x, double (*value)(const struct run *))
{
	if (value(x.low) == value(x.high)) {
		fprintf(f, "%.4g for every model", value(x.low));
		return;
	}
	fputs("from ", f);
	print_value(f, value(x.low), x.low);
	fputs(" to ", f);
	print_value(f, value(x.high), x.high);
}

/* "how many times" the high is of the low, when the low is not 0. */
static void print_ratio(FILE *f, double low, double high)
{
	if (low > 0)
		fprintf(f, ", %.3gx as many", high / low);
}

void sentence_search(FILE *f, const struct report *rep, const char *trace)
{
	struct extremes mean = extremes_of(rep, trace, RUN_MAIN, search_mean);
	struct extremes max = extremes_of(rep, trace, RUN_MAIN, search_max);

	if (!mean.low)
		return;
	fputs("The mean alloc search runs ", f);
	print_spread(f, mean, search_mean);
	print_ratio(f, search_mean(mean.low), search_mean(mean.high));
	fputs("; the longest single search is ", f);
	print_value(f, search_max(max.high), max.high);
	fputs(".\n\n", f);
}

void sentence_frag(FILE *f, const struct report *rep, const char *trace)
{
	struct extremes h = extremes_of(rep, trace, RUN_MAIN, holes);
	struct extremes small = extremes_of(rep, trace, RUN_MAIN, small_hole_bytes);

	if (!h.low)
		return;
	fputs("After the last event the holes number ", f);
	print_spread(f, h, holes);
	fputs(", and the free bytes outside the largest hole ", f);
	print_spread(f, small, small_hole_bytes);
	fputs(".\n\n", f);
}

void sentence_compare(FILE *f, const struct report *rep, const char *trace)
{
	struct extremes fail = extremes_of(rep, trace, RUN_RANGE, failed);
	struct extremes fp = extremes_of(rep, trace, RUN_RANGE, footprint);
	struct extremes mean = extremes_of(rep, trace, RUN_MAIN, search_mean);

	if (!mean.low)
		return;
	if (fail.low) {
		fputs("In the narrow window the failed allocs are ", f);
		print_spread(f, fail, failed);
		fputs(" and the footprint ", f);
		print_spread(f, fp, footprint);
		fputs("; in the trace's window ", f);
	} else {
		fputs("In the trace's window ", f);
	}
	fprintf(f, "%s searches the fewest nodes per alloc on average (%.4g)", mean.low->model,
		search_mean(mean.low));
	if (search_mean(mean.low) > 0)
		fprintf(f, ", %.3gx fewer than %s", search_mean(mean.high) / search_mean(mean.low),
			mean.high->model);
	fputs(".\n\n", f);
}

void print_serial_note(FILE *f)
{
	fputs(SERIAL_MARK " exact here (one thread); under `--threads N` with N > 1 it "
	      "depends on how the threads interleave (metric kind SERIAL).\n\n", f);
}
