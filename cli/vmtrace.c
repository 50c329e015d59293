/* SPDX-License-Identifier: MIT */
/* vmtrace: record, import, replay and report kernel vmalloc traces. */
#include <stdio.h>
#include <string.h>

#include "build/cli/version.h"	/* VMTRACE_COMMIT, made by scripts/version_h.sh */
#include "cli/commands.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "replay", cmd_replay, "replay a trace through an allocator model and measure it" },
	{ "convert", cmd_convert, "rewrite a trace in the format its output name asks for" },
	{ "anonymize", cmd_anonymize, "shift a trace to the default base, drop host fields" },
	{ "info", cmd_info, "describe a trace file; --verify checks its footer" },
	{ "record", cmd_record, "record the kernel's vmalloc activity with eBPF (root) into -o's format" },
	{ "import", cmd_import, "import a tracefs text, `perf script` or trace.dat trace (and a\n"
				    "           /proc/vmallocinfo snapshot)" },
	{ "models", cmd_models, "list the allocator models" },
	{ "report", cmd_report, "write a Markdown report (RESULTS.md) from replay --json summaries" },
	{ "generate", cmd_generate, "write a seeded synthetic trace" },
	{ "plot", cmd_plot, "draw the figures of traces (gnuplot): PNG, PDF or SVG" },
	{ "compare", cmd_compare, "compare two bench matrix results: the regression gate" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: vmtrace COMMAND [ARGS...]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n`vmtrace COMMAND --help` describes each; `vmtrace --version` names the build.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("vmtrace %s (%s)\n", VMTRACE_VERSION, VMTRACE_COMMIT);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "vmtrace: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
