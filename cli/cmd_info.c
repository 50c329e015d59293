/* SPDX-License-Identifier: MIT */
/* vmtrace info: what a trace file holds, and whether its footer checks out. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/written.h"
#include "trace/trace_io.h"

static void print_info(const char *path, const struct vmt_trace *t,
		       const struct vmt_source *src, bool verified)
{
	size_t by_op[VMT_PURGE + 1] = { 0 }, live;

	for (size_t i = 0; i < t->nev; i++)
		by_op[t->ev[i].op]++;
	printf("file: %s\n", path);
	printf("format: %s v%u%s\n", src->binary ? "binary" : "text", src->version,
	       src->zstd ? ", zstd-compressed" : "");
	printf("page size: %" PRIu64 "\n", t->page_size);
	if (t->has_range)
		printf("window: 0x%" PRIx64 " 0x%" PRIx64 "\n", t->range_lo, t->range_hi);
	else
		printf("window: none\n");
	for (size_t i = 0; i < t->nmeta; i++)
		printf("meta %s: %s\n", strtab_get(&t->strs, t->meta[i].key),
		       strtab_get(&t->strs, t->meta[i].text));
	printf("events: %zu\n", cli_trace_events(t, &live));
	for (int op = VMT_LIVE + 1; op <= VMT_PURGE; op++)
		printf("  %s: %zu\n", vmt_op_name(op), by_op[op]);
	printf("snapshot areas: %zu\n", live);
	printf("ids: %" PRIu32 "\n", t->ids.count - 1);
	printf("lost events: %" PRIu64 "\n", t->lost_events);
	if (!src->binary)
		printf("checksum: none (text)\n");
	else
		printf("checksum: %s\n", verified ? "ok" : "not checked (--verify checks it)");
}

int cmd_info(int argc, char **argv)
{
	bool verify = false;
	const struct cli_option options[] = {
		{ CLI_FLAG("verify", 0, "also check a binary trace's checksum (exit 1 on mismatch)",
			   &verify) },
		{ NULL },
	};
	const struct cli_command cmd = {
		.name = "info", .args = "FILE", .min_args = 1, .max_args = 1,
		.about = "Prints the format, version, page size, window, metadata, events (alloc,\n"
			 "free and purge) by op, snapshot areas (live lines) and lost events of FILE.\n"
			 "Every structural check is always made.",
		.options = options,
	};
	struct vmt_err err = { { 0 } };
	struct vmt_source src;
	struct vmt_trace t;
	const char *path;
	int first_arg, ret;

	ret = cli_parse(&cmd, argc, argv, &first_arg);
	if (ret)
		return cli_exit_status(ret);
	path = argv[first_arg];
	if (vmt_trace_load_from(path, verify, &t, &src, &err)) {
		fprintf(stderr, "vmtrace info: %s\n", err.msg);
		vmt_trace_free(&t);
		return 1;
	}
	print_info(path, &t, &src, verify);
	vmt_trace_free(&t);
	return 0;
}
