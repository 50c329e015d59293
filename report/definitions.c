/* SPDX-License-Identifier: MIT */
/*
 * "Metric definitions": every metric of replay/metrics.h (summary, lock
 * statistics, threaded replay) with its label, JSON key, kind and
 * definition, as metrics.h states them.
 */
#include "report/report.h"

/* metrics.h's kind (EXACT, SERIAL, AUDIT, LAZY, TIMING) as the table says it. */
static const char *kind_words(const char *kind)
{
	switch (kind[0]) {
	case 'E': return "exact";
	case 'S': return "exact on one thread " SERIAL_MARK;
	case 'A': return "exact (audit run)";
	case 'L': return "exact (--lazy run)";
	default: return "timing";
	}
}

static void print_head(FILE *f)
{
	table_head(f, "llll", "metric", "JSON key", "kind", "definition", NULL);
}

static void print_definition(FILE *f, const char *label, const char *key, const char *kind,
			     const char *definition)
{
	table_row_start(f);
	table_cell(f, "%s", label);
	table_cell(f, "`%s`", key);
	table_cell(f, "%s", kind_words(kind));
	table_cell(f, "%s", definition);
	table_row_end(f);
}

void report_definitions(FILE *f)
{
#define X(type, name, kind, label, doc) print_definition(f, label, #name, #kind, doc);
	fputs("## Metric definitions\n\n"
	      "Generated from `replay/metrics.h`, where each metric is defined once. "
	      "Exact metrics are a pure function of the trace, the model and the window: "
	      "identical on every run and machine. " SERIAL_MARK " marks the metrics that are "
	      "exact on one thread but depend on scheduling under `--threads N` with N > 1 "
	      "(metrics.h's SERIAL kind): the order in which the threads' events reach the "
	      "model changes the layout. Timing metrics depend on the machine.\n\n", f);
	print_head(f);
	REPLAY_SUMMARY_METRICS(X)
	fputs("\nLock statistics (`lock_stat.alloc`, `lock_stat.free` in the JSON), per "
	      "operation. A hold is the model call made while holding the lock; a wait runs "
	      "from the first failed try until the lock is held.\n\n", f);
	print_head(f);
	LOCK_STAT_METRICS(X)
	fputs("\nThreaded replay (`threads` in the JSON):\n\n", f);
	print_head(f);
	THREAD_METRICS(X)
#undef X
	fputc('\n', f);
}
