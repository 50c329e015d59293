/* SPDX-License-Identifier: MIT */
/*
 * "Recording under an allocation storm": bench/record_loss.sh's runs
 * (record_loss.json in --bench), one row per worker count: the storm's
 * maps/s alone, then for each recorder the events it kept, those it lost,
 * and the storm's maps/s relative to alone in the same run.
 */
#include <string.h>

#include "report/report.h"

/* The recorders, in column order: the mode bench/record_loss.sh names. */
static const struct recorder {
	const char *mode, *label;
} recorders[] = {
	{ "record", "`vmtrace record`" },
	{ "record_no_stacks", "`vmtrace record --no-stacks`" },
	{ "perf_record_a", "`perf record -a -e 'vmalloc:*'`" },
};
#define NRECORDERS (sizeof(recorders) / sizeof(recorders[0]))

/* The row of @rows for @workers and @mode, or NULL. */
static const json_t *row_of(const json_t *rows, json_int_t workers, const char *mode)
{
	size_t i;
	const json_t *row;

	json_array_foreach(rows, i, row)
		if (json_integer_value(json_object_get(row, "workers")) == workers &&
		    !strcmp(json_string_or(row, "mode", ""), mode))
			return row;
	return NULL;
}

static void print_row(FILE *f, const json_t *rows, const json_t *alone, double seconds)
{
	json_int_t workers = json_integer_value(json_object_get(alone, "workers"));

	table_row_start(f);
	table_cell(f, "%lld", (long long)workers);
	table_cell(f, "%.0f", json_number_at(alone, "maps") / seconds);
	for (size_t k = 0; k < NRECORDERS; k++) {
		const json_t *r = row_of(rows, workers, recorders[k].mode);

		if (r)
			table_cell(f, "%.0f / %.0f / %.2fx", json_number_at(r, "events"),
				   json_number_at(r, "lost"), json_number_at(r, "relative"));
		else
			table_cell(f, "not run");
	}
	table_row_end(f);
}

void report_record_loss(FILE *f, const struct report *rep)
{
	json_t *doc = rep->opts->bench ? load_bench(rep, "record_loss.json") : NULL;
	const json_t *rows = json_object_get(doc, "rows"), *row;
	double seconds = json_number_at(doc, "seconds");
	size_t i;

	if (!doc)
		return;
	fputs("## Recording under an allocation storm\n\n", f);
	if (!json_is_array(rows) || seconds <= 0) {
		fprintf(f, "Not measured: %s.\n\n",
			json_string_or(doc, "skipped", "record_loss.json holds no runs"));
		goto out;
	}
	fprintf(f, "From `ninja bench` (`bench/record_loss.sh`, commit %s, load average %s "
		"at its end): `scripts/workloads/bpf_map_storm.sh` (processes creating and "
		"closing 64 KiB BPF array maps, one vmalloc and one vfree each) for %.0f s "
		"at each worker count, on a machine of %.0f CPUs: alone, then under each "
		"recorder, one run after the other. Each recorder's cell is the events it "
		"kept / the events it lost / the storm's maps per second relative to the "
		"same worker count alone in this run (a shared machine's noise moves it by "
		"tens of percent from run to run).\n\n",
		commit_of(doc), json_string_or(doc, "loadavg", "?"), seconds,
		json_number_at(doc, "cpus"));
	report_machine(f, rep);
	table_row_start(f);
	table_cell(f, "workers");
	table_cell(f, "maps/s alone");
	for (size_t k = 0; k < NRECORDERS; k++)
		table_cell(f, "%s", recorders[k].label);
	table_row_end(f);
	table_rule(f, "rr", NRECORDERS);
	json_array_foreach(rows, i, row)
		if (!strcmp(json_string_or(row, "mode", ""), "alone"))
			print_row(f, rows, row, seconds);
	fputc('\n', f);
out:
	json_decref(doc);
}
