/* SPDX-License-Identifier: MIT */
/*
 * "Fidelity to the kernel": for every trace replayed with --follow-kernel,
 * one row per model: the share of the kernel's own va= decisions the model
 * repeated running free on its own layout (the main run), with --lazy when
 * there is such a run, and judged decision by decision on the kernel's
 * layout (the --follow-kernel run); for a trace recorded after a drain,
 * the misses of each model that gives reasons, by category (--misses-dir).
 * Only the figures of the runs: no model is named here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
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

/* True when every miss of @t has the reason "-": a model of one mechanism. */
static bool no_reasons(const struct miss_tally *t)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->c[i].reason, "-"))
			return false;
	return true;
}

/*
 * The misses of @follow's model by its reason and the request's size and
 * alignment, from DIR/STEM.MODEL.misses.csv; nothing when there is no such
 * file or the model gives no reasons.
 */
static int print_misses(FILE *f, const struct report *rep, const struct run *follow,
			struct vmt_err *err)
{
	char *stem = trace_stem(follow->trace), *path = NULL;
	struct miss_tally t = { 0 };
	int ret = -ENOMEM;

	if (!stem || asprintf(&path, "%s/%s.%s.misses.csv", rep->opts->misses_dir, stem,
			      follow->model) < 0) {
		path = NULL;
		goto out;
	}
	ret = miss_tally_load(path, &t, err);
	if (ret == -ENOENT) {
		ret = 0;
		goto out;
	}
	if (ret == -EIO || ret == -ENOMEM)
		vmt_err_set(err, "%s: cannot read: %s", path, strerror(-ret));
	if (ret || !t.total || no_reasons(&t))
		goto out;
	fprintf(f, "The %" PRIu64 " misses of %s with --follow-kernel, by the model's reason "
		"(pool-hit: a pool served the request, the kernel placed it elsewhere; "
		"pool-miss: the pool could not, and the free-tree search chose another "
		"address; tree: a request with its own window, searched in the tree) and "
		"the request's size and alignment:\n\n", t.total, follow->model);
	table_head(f, "lrrrr", "reason", "size", "align", "misses", "share", NULL);
	for (size_t i = 0; i < t.n; i++) {
		table_row_start(f);
		table_cell(f, "%s", t.c[i].reason);
		table_cell(f, "%" PRIu64, t.c[i].size);
		table_cell(f, "%" PRIu64, t.c[i].align);
		table_cell(f, "%" PRIu64, t.c[i].misses);
		table_cell(f, "%.3f", (double)t.c[i].misses / (double)t.total);
		table_row_end(f);
	}
	fputc('\n', f);
out:
	miss_tally_free(&t);
	free(path);
	free(stem);
	return ret;
}

/* A trace recorded after draining the pools: its misses are the model's to explain. */
static bool drained(const struct run *r)
{
	const char *drain = json_string_value(json_object_get(json_object_get(r->doc, "meta"),
							      "drain"));

	return drain && !strcmp(drain, "yes");
}

int report_fidelity(FILE *f, const struct report *rep, struct vmt_err *err)
{
	int ret = 0;

	if (!any_run(rep, NULL, RUN_FOLLOW))
		return 0;
	fputs("## Fidelity to the kernel\n\n"
	      "Each recorded trace carries the address the kernel chose for every "
	      "allocation (`va=`). Fidelity is the share of those the model placed at the "
	      "same address: free-running, each model on its own layout, where one early "
	      "miss can move every later placement; and with `--follow-kernel`, where after "
	      "each miss the model's layout takes the kernel's address, so every decision is "
	      "judged from the kernel's true layout (a model with state the trace does not "
	      "show, such as pools and lazy lists, also takes what the kernel's choice "
	      "reveals of it, as its header and README say). Traces recorded without "
	      "draining the "
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
		if (seen)
			continue;
		print_trace_fidelity(f, rep, &rep->runs[i]);
		for (size_t j = i; !ret && rep->opts->misses_dir && drained(&rep->runs[i]) &&
		     j < rep->nruns; j++)
			if (run_is(&rep->runs[j], rep->runs[i].trace, RUN_FOLLOW))
				ret = print_misses(f, rep, &rep->runs[j], err);
		if (ret)
			break;
	}
	return ret;
}
