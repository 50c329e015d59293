/* SPDX-License-Identifier: MIT */
/* vmtrace convert: a trace rewritten in the format its output name asks for. */
#include <stdio.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "trace/trace_io.h"

int cmd_convert(int argc, char **argv)
{
	const struct cli_option no_options[] = { { NULL } };
	const struct cli_command cmd = {
		.name = "convert", .args = "IN OUT", .min_args = 2, .max_args = 2,
		.about = "Reads a trace in any format (told by content) and writes it to OUT\n"
			 "in the format OUT's name asks for: .vmt binary, .vmt.zst binary\n"
			 "compressed with zstd, anything else text.  Lossless both ways.",
		.options = no_options,
	};
	struct vmt_trace t;
	struct vmt_err err = { { 0 } };
	int first_arg, ret;

	ret = cli_parse(&cmd, argc, argv, &first_arg);
	if (ret)
		return cli_exit_status(ret);
	ret = vmt_trace_load(argv[first_arg], &t, &err);
	if (!ret)
		ret = vmt_trace_save(argv[first_arg + 1], &t, &err);
	vmt_trace_free(&t);
	if (ret) {
		fprintf(stderr, "vmtrace convert: %s\n", err.msg);
		return 1;
	}
	return 0;
}
