/* SPDX-License-Identifier: MIT */
/*
 * "Why some models depart from lowest fit": for each registered model with
 * notes (allocator.h), its totals over the audit runs and its notes.  The
 * mechanisms are the models' own words, the figures the runs'.
 */
#include <inttypes.h>
#include <string.h>

#include "allocator/allocator.h"
#include "report/report.h"

/* What the audit runs of one model add up to. */
struct audit_totals {
	uint64_t departures;	/* lowest_fit_departures */
	uint64_t differences;	/* reference_differences */
	uint64_t allocs;
};

/* @model's totals over its audit runs; false when it has none. */
static bool audit_totals(const struct report *rep, const char *model,
			 struct audit_totals *t)
{
	bool any = false;

	*t = (struct audit_totals){ 0 };
	for (size_t i = 0; i < rep->nruns; i++) {
		const struct run *r = &rep->runs[i];

		if (r->kind != RUN_AUDIT || strcmp(r->model, model))
			continue;
		t->departures += r->s.lowest_fit_departures;
		t->differences += r->s.reference_differences;
		t->allocs += r->s.allocs;
		any = true;
	}
	return any;
}

/* The model the audit runs placed alongside (--reference), or NULL. */
static const char *audit_reference(const struct report *rep)
{
	for (size_t i = 0; i < rep->nruns; i++)
		if (rep->runs[i].kind == RUN_AUDIT && rep->runs[i].reference)
			return rep->runs[i].reference;
	return NULL;
}

/*
 * "`a`, `b` and `c` are lowest-address first fit by design: ...", naming
 * the registered models without notes; nothing when every model has some.
 */
static void print_exact_models(FILE *f)
{
	size_t exact = 0, printed = 0;

	for (size_t i = 0; i < vm_allocator_count; i++)
		exact += !vm_allocators[i]->notes;
	if (!exact)
		return;
	for (size_t i = 0; i < vm_allocator_count; i++) {
		if (vm_allocators[i]->notes)
			continue;
		printed++;
		fprintf(f, "%s`%s`", printed == 1 ? "" : printed == exact ? " and " : ", ",
			vm_allocators[i]->name);
	}
	fprintf(f, " %s lowest-address first fit by design: %s lowest-fit departures are 0 "
		"on every trace (and the tests prove they place every area alike). ",
		exact == 1 ? "is" : "are", exact == 1 ? "its" : "their");
}

/* The section's title and introduction. */
static void print_intro(FILE *f, const char *reference)
{
	fputs("## Why some models depart from lowest fit\n\n", f);
	print_exact_models(f);
	fprintf(f, "Totals over the shipped traces, from the audit runs (`--check "
		"--lowest-fit-audit%s%s`):\n\n", reference ? " --reference " : "",
		reference ? reference : "");
}

void report_departures(FILE *f, const struct report *rep)
{
	const char *reference = audit_reference(rep);
	struct audit_totals t;
	bool intro = false;

	for (size_t i = 0; i < vm_allocator_count; i++) {
		const struct vm_allocator_ops *model = vm_allocators[i];

		if (!model->notes || !audit_totals(rep, model->name, &t))
			continue;
		if (!intro)
			print_intro(f, reference);
		intro = true;
		fprintf(f, "- **%s**: %" PRIu64 " of %" PRIu64 " allocations departed from lowest "
			"fit on the model's own layout", model->name, t.departures, t.allocs);
		if (reference)
			fprintf(f, "; %" PRIu64 " ended at another address than %s placed them "
				"(one early difference changes every later layout)", t.differences,
				reference);
		fprintf(f, ". %s\n", model->notes);
	}
	if (intro)
		fputc('\n', f);
}
