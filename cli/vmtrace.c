/* SPDX-License-Identifier: MIT */
/* vmtrace: record, import, replay and report kernel vmalloc traces. */
#include <stdio.h>
#include <string.h>

#include "build/cli/version.h"	/* VMTRACE_COMMIT, made by scripts/version_h.sh */
#include "cli/commands.h"

#define VMTRACE_VERSION "0.1"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "replay", cmd_replay, "replay a trace through an allocator model and measure it" },
	{ "convert", cmd_convert, "rewrite a trace in another format" },
	{ "anonymize", cmd_anonymize, "shift a trace to the default base, drop host fields" },
	{ "info", cmd_info, "describe a trace file; --verify checks its footer" },
	{ "record", cmd_record, "record the kernel's vmalloc activity with eBPF (root)" },
	{ "import", cmd_import, "import a tracefs text trace and a /proc/vmallocinfo snapshot" },
	{ "models", cmd_models, "list the allocator models" },
	{ "report", cmd_report, "write RESULTS.md from replay summaries" },
	{ "generate", cmd_generate, "write a seeded synthetic trace" },
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
