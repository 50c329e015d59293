/* SPDX-License-Identifier: MIT */
/*
 * "Traces larger than memory", from --bench's stream.json
 * (bench/stream.sh): the peak resident memory of streamed replays of two
 * generated traces of very different lengths at one live count, the
 * CPU share of the trace reads in each and the share of the wall clock
 * the replay thread spends not replaying; the machine from host.json.
 */
#include "report/report.h"

void report_stream(FILE *f, const struct report *rep)
{
	json_t *stream = rep->opts->bench ? load_bench(rep, "stream.json") : NULL;
	size_t k;
	json_t *r;

	if (!stream)
		return;
	fprintf(f, "## Traces larger than memory\n\n"
		"From `ninja bench` (`bench/stream.sh`, commit %s): two traces generated at "
		"the same live count (%.0f) and written as they were made "
		"(`bench_trace stream-gen`), each replayed once through %s. `vmtrace replay` "
		"reads a binary trace as a stream, twice: a first pass checks the whole file "
		"(checksum included) and notes what the replay needs before its first event, "
		"the second replays it block by block, read and judged ahead in a second "
		"thread; memory holds the live areas, the ids live at once and a ring of "
		"blocks of events, never the trace (README, Known limits). "
		"Peak memory is the replay process's maximum resident set "
		"(`/usr/bin/time -v`); the read's CPU share is the CPU time of the two reads "
		"alone (`bench_trace stream`) over the replay process's CPU time (what "
		"reading costs, in either thread); the critical-path share is the part of "
		"the process's wall clock in which its replay thread does not replay events "
		"(wall minus the replay's own clock, over the wall: the first pass, waits "
		"for blocks, setup and summary), which needs a free second core (the load "
		"average at the run is given). Targets (issue 18): peak memory within 10%% "
		"between the two, reads under 5%% of the replay.\n\n", commit_of(stream), json_number_at(stream, "live_target"),
		json_string_value(json_object_get(stream, "model")));
	report_machine(f, rep);
	table_head(f, "rrrrrrrrrr", "events", "file bytes", "peak memory (MiB)",
		   "replay CPU s (events only)", "process CPU s", "read CPU s (check + decode)",
		   "read CPU share", "replay wall s (events only)", "process wall s",
		   "critical-path share (load average)", NULL);
	json_array_foreach(json_object_get(stream, "runs"), k, r) {
		table_row_start(f);
		table_cell(f, "%.0f", json_number_at(r, "events"));
		table_cell(f, "%.0f", json_number_at(r, "bytes"));
		table_cell(f, "%.1f", json_number_at(r, "peak_rss_kb") / 1024);
		table_cell(f, "%.3g", json_number_at(r, "replay_cpu_s"));
		table_cell(f, "%.3g", json_number_at(r, "cpu_s"));
		table_cell(f, "%.3g + %.3g", json_number_at(r, "checked_read_cpu_s"),
			   json_number_at(r, "decode_cpu_s"));
		table_cell(f, "%.1f%%", 100 * json_number_at(r, "load_share"));
		table_cell(f, "%.3g", json_number_at(r, "replay_s"));
		table_cell(f, "%.3g", json_number_at(r, "wall_s"));
		table_cell(f, "%.1f%% (%.2f)", 100 * json_number_at(r, "critical_share"),
			   json_number_at(r, "loadavg_1min"));
		table_row_end(f);
	}
	fprintf(f, "\nPeak memory of the longer trace over the shorter's: %.3f.\n\n",
		json_number_at(stream, "rss_ratio"));
	json_decref(stream);
}
