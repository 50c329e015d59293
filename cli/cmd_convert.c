/* SPDX-License-Identifier: MIT */
/* vmtrace convert: a trace rewritten in the format its output name asks for. */
#include <stdio.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/written.h"
#include "lib/progress.h"
#include "trace/trace_io.h"

int cmd_convert(int argc, char **argv)
{
	const struct cli_option no_options[] = { { NULL } };
	const struct cli_command cmd = {
		.name = "convert", .args = "IN OUT", .min_args = 2, .max_args = 2,
		.about = "Reads a trace in any format (told by content) and writes it to OUT\n"
			 "in the format OUT's name asks for: .vmt binary, .vmt.zst binary\n"
			 "compressed with zstd, .txt (or -, stdout) text; other names are refused.\n"
			 "Lossless both ways.  Says on stderr what it wrote.",
		.options = no_options,
	};
	struct vmt_trace t;
	struct progress progress;
	char phase[512];
	struct vmt_err err = { { 0 } };
	int first_arg, ret;

	ret = cli_parse(&cmd, argc, argv, &first_arg);
	if (ret)
		return cli_exit_status(ret);
	if (!cli_trace_format(argv[first_arg + 1]))
		return cli_exit_status(cli_usage_error(&cmd, "%s: cannot tell the format from the "
						       "name: end it .vmt.txt (text), .vmt "
						       "(binary) or .vmt.zst (binary, zstd)",
						       argv[first_arg + 1]));
	/* Counted in records, the events and snapshot areas together (the
	 * trace's lines).  Reading, their total is unknown until the end
	 * (text; a binary trace is read in place, at once); writing, it is
	 * t.nev. */
	snprintf(phase, sizeof(phase), "vmtrace convert: reading %s", argv[first_arg]);
	progress_start(&progress, phase, "records", 0);
	ret = vmt_trace_load_shown(argv[first_arg], &t, &progress, &err);
	if (!ret) {
		snprintf(phase, sizeof(phase), "vmtrace convert: writing %s", argv[first_arg + 1]);
		progress_start(&progress, phase, "records", t.nev);
		ret = vmt_trace_save(argv[first_arg + 1], &t, &err);
	}
	progress_end(&progress);
	if (!ret)
		cli_say_written(cmd.name, argv[first_arg + 1], &t);
	vmt_trace_free(&t);
	if (ret) {
		fprintf(stderr, "vmtrace convert: %s\n", err.msg);
		return 1;
	}
	return 0;
}
