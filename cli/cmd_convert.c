/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "trace/trace_io.h"

int cmd_convert(int argc, char **argv)
{
	struct vmt_trace t;
	struct vmt_err err = { { 0 } };
	int ret;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: vmtrace convert IN OUT\n"
		       "  Reads a trace in any format (told by content) and writes it to OUT\n"
		       "  in the format OUT's name asks for: .vmt binary, .vmt.zst binary\n"
		       "  compressed with zstd, anything else text.  Lossless both ways.\n");
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: vmtrace convert IN OUT\n");
		return EXIT_USAGE;
	}
	ret = vmt_trace_load(argv[1], &t, &err);
	if (!ret)
		ret = vmt_trace_save(argv[2], &t, &err);
	vmt_trace_free(&t);
	if (ret) {
		fprintf(stderr, "vmtrace convert: %s\n", err.msg);
		return 1;
	}
	return 0;
}
