/* SPDX-License-Identifier: MIT */
/*
 * vmtrace report: RESULTS.md from the JSON summaries of `vmtrace replay`
 * and the benchmark results.  Here only the options; report/ writes it
 * (report/report.h lists the sections and the data each reads).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "lib/diag.h"
#include "report/report.h"

/* --part: exact, timing or both. */
static int parse_part(const char *text, void *dest, struct vmt_err *why)
{
	static const char *const names[] = { [REPORT_BOTH] = "both", [REPORT_EXACT] = "exact",
					     [REPORT_TIMING] = "timing" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(text, names[i])) {
			*(enum report_part *)dest = i;
			return 0;
		}
	}
	vmt_err_set(why, "want exact, timing or both");
	return -EINVAL;
}

static int parse_args(int argc, char **argv, struct report_options *rep, const char **out_path,
		      int *first_summary)
{
	const struct cli_option options[] = {
		{ CLI_STRING("output", 'o', "OUT.md", "the report (default RESULTS.md)", out_path) },
		{ CLI_PARSE("part", 0, "PART", "exact (no timing, byte-stable), timing (from "
			    "the line that starts the timings on) or both (default)", parse_part,
			    &rep->part) },
		{ CLI_STRING("inputs", 0, "F", "`sha256sum` lines of the traces, for the exact "
			     "part to name its inputs by content", &rep->inputs) },
		{ CLI_STRING("plots", 0, "DIR", "link plots/<trace>-{search,frag,holds}.png and "
			     "threads.png where they exist in DIR (RESULTS.md sits beside plots/)",
			     &rep->plots) },
		{ CLI_STRING("command", 0, "CMD", "the command it says generated it (default vmtrace report)",
			     &rep->command) },
		{ CLI_STRING("scaling-csv", 0, "F", "also write the thread-scaling runs as CSV",
			     &rep->scaling_csv) },
		{ CLI_STRING("live-csv", 0, "F", "add bench/live_scaling.sh's table, with log-log "
			     "slopes", &rep->live_csv) },
		{ CLI_STRING("bench", 0, "DIR", "add the throughput benchmarks of DIR (bench/results)",
			     &rep->bench) },
		{ CLI_STRING("patterns-dir", 0, "DIR", "add the kernel's benchmark patterns: the "
			     "`replay --lock-stat --json` summaries DIR/*.json, in name order",
			     &rep->patterns_dir) },
		{ CLI_STRING("misses-dir", 0, "DIR", "in the fidelity section, the misses of each "
			     "drained trace's --follow-kernel run by the model's reason and request "
			     "size, from DIR/STEM.MODEL.misses.csv (replay --mismatches)",
			     &rep->misses_dir) },
		{ NULL },
	};
	const struct cli_command cmd = {
		.name = "report", .args = "SUMMARY.json...", .min_args = 1,
		.max_args = CLI_ANY_COUNT, .options = options,
		.about = "Writes a Markdown report from `vmtrace replay --json` summaries.",
	};

	return cli_parse(&cmd, argc, argv, first_summary);
}

int cmd_report(int argc, char **argv)
{
	struct report_options rep = { .command = "vmtrace report" };
	const char *out_path = "RESULTS.md";
	struct vmt_err err = { { 0 } };
	int first_summary, ret;

	ret = parse_args(argc, argv, &rep, &out_path, &first_summary);
	if (ret)
		return cli_exit_status(ret);
	ret = report_write(&rep, out_path, argv + first_summary, argc - first_summary, &err);
	if (ret) {
		fprintf(stderr, "vmtrace report: %s\n", err.msg[0] ? err.msg : strerror(-ret));
		return 1;
	}
	return 0;
}
