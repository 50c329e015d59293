/* SPDX-License-Identifier: MIT */
/* vmtrace info: what a trace file holds, and whether its footer checks out. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "trace/trace_io.h"

static void info_usage(FILE *f)
{
	fprintf(f,
		"usage: vmtrace info [--verify] FILE\n"
		"  Prints the format, version, page size, window, metadata, events by op\n"
		"  and lost events of FILE.  Every structural check is always made;\n"
		"  --verify also checks a binary trace's checksum (exit 1 on mismatch).\n");
}

static void print_info(const char *path, const struct vmt_trace *t,
		       const struct vmt_source *src, bool verified)
{
	size_t by_op[VMT_PURGE + 1] = { 0 };

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
	printf("events: %zu\n", t->nev);
	for (int op = VMT_LIVE; op <= VMT_PURGE; op++)
		printf("  %s: %zu\n", vmt_op_name(op), by_op[op]);
	printf("ids: %" PRIu32 "\n", t->ids.count - 1);
	printf("lost events: %" PRIu64 "\n", t->lost_events);
	if (!src->binary)
		printf("checksum: none (text)\n");
	else
		printf("checksum: %s\n", verified ? "ok" : "not checked (--verify checks it)");
}

int cmd_info(int argc, char **argv)
{
	struct vmt_err err = { { 0 } };
	struct vmt_source src;
	struct vmt_trace t;
	bool verify = false;
	const char *path;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		info_usage(stdout);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "--verify"))
		verify = true;
	else if (argc != 2 || (argv[1][0] == '-' && argv[1][1])) {
		info_usage(stderr);
		return EXIT_USAGE;
	}
	path = argv[argc - 1];
	if (vmt_trace_load_from(path, verify, &t, &src, &err)) {
		fprintf(stderr, "vmtrace info: %s\n", err.msg);
		vmt_trace_free(&t);
		return 1;
	}
	print_info(path, &t, &src, verify);
	vmt_trace_free(&t);
	return 0;
}
