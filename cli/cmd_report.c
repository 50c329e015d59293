/* SPDX-License-Identifier: MIT */
/*
 * vmtrace report: RESULTS.md from the JSON summaries of `vmtrace replay`
 * and the benchmark results.  Here only the options; report/ writes it
 * (report/report.h lists the sections and the data each reads).
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "lib/diag.h"
#include "report/report.h"

static void report_usage(FILE *f)
{
	fprintf(f,
		"usage: vmtrace report [-o OUT.md] [--commit C] [--machine M] [--date D]\n"
		"                      [--plots DIR] [--command CMD] [--scaling-csv F]\n"
		"                      SUMMARY.json...\n"
		"  Writes a Markdown report from `vmtrace replay --json` summaries.\n"
		"  --plots DIR  link plots/<trace>-{search,frag,holds}.png and threads.png\n"
		"               where they exist in DIR (RESULTS.md sits beside plots/)\n"
		"  --scaling-csv F  also write the thread-scaling runs as CSV\n"
		"  --live-csv F     add bench/live_scaling.sh's table, with log-log slopes\n"
		"  --bench DIR      add the throughput benchmarks of DIR (bench/results)\n");
}

int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "commit", required_argument, NULL, 'c' },
		{ "machine", required_argument, NULL, 'm' },
		{ "date", required_argument, NULL, 'd' },
		{ "plots", required_argument, NULL, 'p' },
		{ "command", required_argument, NULL, 'C' },
		{ "scaling-csv", required_argument, NULL, 's' },
		{ "live-csv", required_argument, NULL, 'v' },
		{ "bench", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct report_options rep = { .commit = "unknown", .machine = "unknown",
				      .date = "unknown", .command = "vmtrace report" };
	const char *out_path = "RESULTS.md";
	struct vmt_err err = { { 0 } };
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': out_path = optarg; break;
		case 'c': rep.commit = optarg; break;
		case 'm': rep.machine = optarg; break;
		case 'd': rep.date = optarg; break;
		case 'p': rep.plots = optarg; break;
		case 'C': rep.command = optarg; break;
		case 's': rep.scaling_csv = optarg; break;
		case 'v': rep.live_csv = optarg; break;
		case 'b': rep.bench = optarg; break;
		case 'h': report_usage(stdout); return 0;
		default: report_usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind == argc) {
		report_usage(stderr);
		return EXIT_USAGE;
	}
	ret = report_write(&rep, out_path, argv + optind, argc - optind, &err);
	if (ret) {
		fprintf(stderr, "vmtrace report: %s\n", err.msg[0] ? err.msg : strerror(-ret));
		return 1;
	}
	return 0;
}
