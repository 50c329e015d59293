/* SPDX-License-Identifier: MIT */
/*
 * "The kernel's own benchmark patterns": the `vmtrace replay --lock-stat
 * --json` summaries in --patterns-dir, one per pattern of
 * `vmtrace generate --pattern` (trace/patterns.h) and model.  Per pattern,
 * each model's alloc search mean and p99 (exact) and its mean time per
 * alloc (timing: the lock hold around the model's alloc call), then, for
 * long_busy_list, the figures Uladzislau Rezki published for the same test
 * beside a comparison generated from these runs.  No model is named here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <glob.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "trace/patterns.h"

/*
 * The published figures and where they were published.  The per-test
 * long_busy_list figures are the RFC's (the free-list version); the
 * augmented tree's v4 cover letter gives only the cycles of all tests
 * together (its per-test tables were on an FTP server).
 */
static const char published[] =
	"Uladzislau Rezki's first posting of the series that became the 5.2 allocator "
	"(\"[RFC PATCH 0/2] improve vmalloc allocation\", 19 October 2018, "
	"https://lkml.org/lkml/2018/10/19/786) times `long_busy_list_alloc_test` of "
	"lib/test_vmalloc.c (15 000 one-page areas busy, then 1 000 000 rounds of a "
	"100-page and a 1-page vmalloc and their vfree) against the busy-list walk, five "
	"measurements on each machine: 69-74% less time on an i5-3320M (4.18 kernel; 55866315 us "
	"against 15037680 us in the first) and 84-95% less on a HiKey960 (4.15 kernel; "
	"239789754 us against 33364305 us). That RFC searched a first-fit free list beside "
	"an rb-tree; the augmented free tree merged in 5.2 came in v2, and the cover letter "
	"of the version merged (\"[PATCH v4 0/3] improve vmap allocation\", 6 April 2019, "
	"https://lore.kernel.org/all/20190406183508.25273-1-urezki@gmail.com/) reports only "
	"the cycles of all eight tests together, pinned to one CPU: 646919905370 against "
	"193290498550 on the i5-3320M, 3478683207 against 463767978 on the HiKey960. Both "
	"are the kernel's own times, allocation of pages and their mapping included.";

static double alloc_ns(const struct run *r)
{
	return r->s.has_lock_stat ? r->s.lock[LOCK_OP_ALLOC].holdtime_avg : 0;
}

static void print_pattern_table(FILE *f, const struct report *rep, const char *trace)
{
	table_head(f, "lrrrr", "model", "alloc search mean", "alloc search p99", "allocs",
		   "TIMING: ns per alloc", NULL);
	for (size_t i = 0; i < rep->nruns; i++) {
		const struct run *r = &rep->runs[i];

		if (strcmp(r->trace, trace))
			continue;
		table_row_start(f);
		table_cell(f, "%s", r->model);
		table_cell(f, "%.1f", r->s.alloc_search_mean);
		table_cell(f, "%" PRIu64, r->s.alloc_search_p99);
		table_cell(f, "%" PRIu64, r->s.allocs);
		table_cell(f, "%.0f", alloc_ns(r));
		table_row_end(f);
	}
	fputc('\n', f);
}

/* What these runs show on long_busy_list: every model against the one
 * that searched longest, in search length and in time per alloc. */
static void print_comparison(FILE *f, const struct report *rep, const char *trace)
{
	const struct run *longest = NULL;

	for (size_t i = 0; i < rep->nruns; i++)
		if (!strcmp(rep->runs[i].trace, trace) &&
		    (!longest || rep->runs[i].s.alloc_search_mean > longest->s.alloc_search_mean))
			longest = &rep->runs[i];
	if (!longest || !longest->s.alloc_search_mean || !alloc_ns(longest))
		return;
	fprintf(f, "On the same pattern here, against `%s`, whose allocs searched longest "
		"(mean %.1f, %.0f ns per alloc):\n\n", longest->model,
		longest->s.alloc_search_mean, alloc_ns(longest));
	for (size_t i = 0; i < rep->nruns; i++) {
		const struct run *r = &rep->runs[i];

		if (strcmp(r->trace, trace) || r == longest)
			continue;
		fprintf(f, "- `%s`: searches %.1f%% shorter, %.0f%% %s time per alloc (timing)\n",
			r->model, 100.0 * (1 - r->s.alloc_search_mean / longest->s.alloc_search_mean),
			100.0 * (alloc_ns(r) > alloc_ns(longest) ? alloc_ns(r) / alloc_ns(longest) - 1
								 : 1 - alloc_ns(r) / alloc_ns(longest)),
			alloc_ns(r) > alloc_ns(longest) ? "more" : "less");
	}
	fputs("\nThe figures differ in kind: the kernel test times the whole vmalloc(), "
	      "which also allocates a page per page of the area and maps it, work the tree "
	      "does not change, while the models time only the search and the update of "
	      "their index; and a search length counts the nodes examined, whose cost per "
	      "node (cache misses on a long list against a few tree levels) the kernel's "
	      "time includes and ours shows only as this machine's timing.\n\n", f);
}

static void print_patterns(FILE *f, const struct report *rep)
{
	fputs("## The kernel's own benchmark patterns\n\n"
	      "Traces of `vmtrace generate --pattern NAME`: the access patterns of the "
	      "kernel's vmalloc benchmark, lib/test_vmalloc.c, each named after its test "
	      "(NAME_test there), with the guard page and alignment the kernel adds "
	      "(trace/patterns.h). Search lengths are exact; the TIMING column is this "
	      "machine's mean hold of the model's lock around an alloc (`replay --lock-stat`), "
	      "noisy.\n\n", f);
	for (size_t i = 0; i < rep->nruns; i++) {
		bool seen = false;
		char *stem;
		enum vm_pattern p;

		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp(rep->runs[j].trace, rep->runs[i].trace);
		if (seen)
			continue;
		stem = trace_stem(rep->runs[i].trace);
		p = stem ? pattern_find(stem) : PATTERNS;
		fprintf(f, "### %s\n\n", stem ? stem : rep->runs[i].trace);
		if (p < PATTERNS)
			fprintf(f, "`%s`: %s.\n\n", pattern_descs[p].kernel_test, pattern_descs[p].what);
		print_pattern_table(f, rep, rep->runs[i].trace);
		if (p == PATTERN_LONG_BUSY_LIST) {
			fprintf(f, "Published: %s\n\n", published);
			print_comparison(f, rep, rep->runs[i].trace);
		}
		free(stem);
	}
}

int report_patterns(FILE *f, const struct report_options *opts, struct vmt_err *err)
{
	struct report rep = { .opts = opts };
	char pattern[4096];
	glob_t g = { 0 };
	int ret = 0;

	if (!opts->patterns_dir)
		return 0;
	snprintf(pattern, sizeof(pattern), "%s/*.json", opts->patterns_dir);
	if (glob(pattern, 0, NULL, &g) || !g.gl_pathc) {
		vmt_err_set(err, "%s: no pattern summaries (*.json)", opts->patterns_dir);
		ret = -ENOENT;
		goto out;
	}
	if ((ret = report_load_runs(&rep, g.gl_pathv, g.gl_pathc, err)))
		goto out;
	print_patterns(f, &rep);
out:
	report_free_runs(&rep);
	globfree(&g);
	return ret;
}
