/* SPDX-License-Identifier: MIT */
/*
 * "Fidelity to the kernel": for every trace replayed with --follow-kernel,
 * one row per model: the share of the kernel's own va= decisions the model
 * repeated running free on its own layout (the main run), with --lazy when
 * there is such a run, and judged decision by decision on the kernel's
 * layout (the --follow-kernel run).  Only the figures of the runs: no
 * model is named here.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

static void fidelity_cell(FILE *f, const struct run *r)
{
	if (r)
		table_cell(f, "%.4f", r->s.fidelity);
	else
		table_cell(f, "-");
}

/* The table of @trace, whose first --follow-kernel run is @first. */
static void print_trace_fidelity(FILE *f, const struct report *rep, const struct run *first)
{
	char *stem = trace_stem(first->trace);

	fprintf(f, "### %s\n\n%" PRIu64 " allocs with the kernel's va= (not failed by it)\n\n",
		stem ? stem : first->trace, first->s.kernel_va_allocs);
	free(stem);
	table_head(f, "lrrrr", "model", "free-running", "free-running, --lazy",
		   "--follow-kernel", "misses with it", NULL);
	for (size_t i = 0; i < rep->nruns; i++) {
		const struct run *follow = &rep->runs[i];

		if (!run_is(follow, first->trace, RUN_FOLLOW))
			continue;
		table_row_start(f);
		table_cell(f, "%s", follow->model);
		fidelity_cell(f, find_run(rep, first->trace, follow->model, RUN_MAIN));
		fidelity_cell(f, find_run(rep, first->trace, follow->model, RUN_LAZY));
		fidelity_cell(f, follow);
		table_cell(f, "%" PRIu64, follow->s.kernel_va_allocs - follow->s.kernel_va_matches);
		table_row_end(f);
	}
	fputc('\n', f);
}

void report_fidelity(FILE *f, const struct report *rep)
{
	if (!any_run(rep, NULL, RUN_FOLLOW))
		return;
	fputs("## Fidelity to the kernel\n\n"
	      "Each recorded trace carries the address the kernel chose for every "
	      "allocation (`va=`). Fidelity is the share of those the model placed at the "
	      "same address: free-running, each model on its own layout, where one early "
	      "miss can move every later placement; and with `--follow-kernel`, where after "
	      "each miss the model's layout takes the kernel's address, so every decision is "
	      "judged from the kernel's true layout. Traces recorded without draining the "
	      "pools first start with pool and lazy contents the trace does not show: the "
	      "models see that space as free, which costs fidelity that no mechanism can "
	      "recover. `vmtrace replay --mismatches F.csv` lists each miss with the model's "
	      "reason.\n\n", f);
	for (size_t i = 0; i < rep->nruns; i++) {
		bool seen = false;

		/* A trace without va= (generated) has nothing to judge. */
		if (rep->runs[i].kind != RUN_FOLLOW || !rep->runs[i].s.kernel_va_allocs)
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = rep->runs[j].kind == RUN_FOLLOW &&
			       !strcmp(rep->runs[j].trace, rep->runs[i].trace);
		if (!seen)
			print_trace_fidelity(f, rep, &rep->runs[i]);
	}
}
