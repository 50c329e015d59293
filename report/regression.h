/* SPDX-License-Identifier: MIT */
/*
 * The regression gate: two bench matrix results (bench/gather.sh's
 * matrix.json) compared cell by cell.  A cell is keyed by its trace's
 * sha256, model, range, threads and replay options.
 *   exact figures  every non-TIMING metric of replay/metrics.h, equal or
 *                  regressed (single-threaded cells; with --threads > 1
 *                  they follow the scheduling and are not compared)
 *   timing         the per-repeat ratios of the cell's replay seconds to the
 *                  reference model's, run beside each repeat: regressed
 *                  when the mean ratio grew by more than the threshold and
 *                  Welch's test finds current > (1 + threshold) * baseline
 *                  with p < alpha
 *   cells          a baseline cell missing from the current run regressed
 *                  (else a shrunken matrix would pass unseen); a cell only
 *                  in the current run is reported as new and passes
 * A cell whose reference replay took less than min_seconds (median) in
 * either run is not timed: at a few milliseconds one preemption is most of
 * the figure.  Timing ratios are compared only when both runs name the same CPU model
 * and core count, unless any_machine: a ratio between two models still
 * depends on the cache hierarchy, so across machines it is noise.
 */
#ifndef VMTRACE_REGRESSION_H
#define VMTRACE_REGRESSION_H

#include <stdbool.h>
#include <stdio.h>

#include "lib/diag.h"

struct compare_options {
	double threshold;  /* slowdown tolerated, as a fraction (0.10 = 10%) */
	double alpha;      /* significance level of the one-sided test */
	double min_seconds; /* shortest reference replay (median) worth timing */
	bool any_machine;  /* compare timing even across machines */
	bool json;         /* write JSON instead of the text table */
};

/*
 * Compares the matrix results at @base_path and @cur_path and writes the
 * findings to @out (a text table, or JSON with o->json).  Returns 0 when
 * nothing regressed, 1 when something did, or a negative errno on bad
 * input with @err set (`file:line: what` or `file: what`), writing nothing.
 */
int compare_matrices(const char *base_path, const char *cur_path,
		     const struct compare_options *o, FILE *out, struct vmt_err *err);

#endif /* VMTRACE_REGRESSION_H */
