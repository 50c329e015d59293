/* SPDX-License-Identifier: MIT */
/*
 * vmtrace anonymize: a trace made safe to publish (trace/anonymize.h),
 * written in the format its output name asks for.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "trace/anonymize.h"
#include "trace/trace_io.h"

static int parse_keep(const char *text, void *dest, struct vmt_err *why)
{
	struct vmt_anon_opts *o = dest;

	return vmt_anon_parse_keep(text, &o->keep, why);
}

static int parse_base(const char *text, void *dest, struct vmt_err *why)
{
	struct vmt_anon_opts *o = dest;
	char *end;

	errno = 0;
	o->base = strtoull(text, &end, 0);
	if (errno || end == text || *end || text[0] == '-') {
		vmt_err_set(why, "expected an address, got '%s'", text);
		return -EINVAL;
	}
	o->has_base = true;
	return 0;
}

int cmd_anonymize(int argc, char **argv)
{
	struct vmt_anon_opts o = { 0 };
	const struct cli_option options[] = {
		{ CLI_PARSE("keep", 0, "FIELD,...", "keep these fields as they are: pid, comm, "
			    "caller (its +0x offsets), hex (0x-valued attributes and meta: phys=, "
			    "lock addresses), host (hostname, host, machine_id, boot_id, user meta)",
			    parse_keep, &o) },
		{ CLI_PARSE("base", 0, "ADDR", "move the main window here instead of the "
			    "architecture's default base (VMALLOC_START without KASLR)",
			    parse_base, &o) },
		{ NULL },
	};
	const struct cli_command cmd = {
		.name = "anonymize", .args = "IN OUT", .min_args = 2, .max_args = 2,
		.about = "Writes IN to OUT with every address of the main window moved by one\n"
			 "constant, so that the window starts at the architecture's default\n"
			 "base and every figure of every model stays the same, and without the\n"
			 "fields that identify the machine (README.md, \"What a trace carries\").",
		.options = options,
	};
	struct vmt_anon_shift shift;
	struct vmt_trace t;
	struct vmt_err err = { { 0 } };
	int first_arg, ret;

	ret = cli_parse(&cmd, argc, argv, &first_arg);
	if (ret)
		return cli_exit_status(ret);
	ret = vmt_trace_load(argv[first_arg], &t, &err);
	if (!ret && (ret = vmt_anonymize(&t, &o, &shift, &err)))
		fprintf(stderr, "vmtrace anonymize: %s: ", argv[first_arg]);
	if (!ret)
		ret = vmt_trace_save(argv[first_arg + 1], &t, &err);
	vmt_trace_free(&t);
	if (ret) {
		fprintf(stderr, "vmtrace anonymize: %s\n", err.msg);
		return 1;
	}
	fprintf(stderr, "vmtrace anonymize: window 0x%" PRIx64 " moved by %+" PRId64
		" to 0x%" PRIx64 "\n", shift.lo, (int64_t)shift.shift, shift.lo + shift.shift);
	return 0;
}
