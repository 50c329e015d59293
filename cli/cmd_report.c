/* SPDX-License-Identifier: MIT */
/*
 * vmtrace report: RESULTS.md from the JSON summaries of `vmtrace replay`
 * and the benchmark results.  Here only the options; report/ writes it
 * (report/report.h lists the sections and the data each reads).
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "lib/diag.h"
#include "report/report.h"

static int parse_args(int argc, char **argv, struct report_options *rep, const char **out_path,
		      int *first_summary)
{
	const struct cli_option options[] = {
		{ CLI_STRING("output", 'o', "OUT.md", "the report (default RESULTS.md)", out_path) },
		{ CLI_STRING("commit", 0, "C", "the commit the report names (default unknown)", &rep->commit) },
		{ CLI_STRING("machine", 0, "M", "the machine it names (default unknown)", &rep->machine) },
		{ CLI_STRING("date", 0, "D", "the date it names (default unknown)", &rep->date) },
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
	struct report_options rep = { .commit = "unknown", .machine = "unknown",
				      .date = "unknown", .command = "vmtrace report" };
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
