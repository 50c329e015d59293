/* SPDX-License-Identifier: MIT */
/* `vmtrace generate`: writes a synthetic trace (trace/generate.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/written.h"
#include "trace/generate.h"
#include "trace/trace_io.h"

static int parse_align_rule(const char *text, void *dest, struct vmt_err *why)
{
	enum gen_align_rule *rule = dest;

	for (enum gen_align_rule r = GEN_ALIGN_IOREMAP; r <= GEN_ALIGN_ANY; r++)
		if (!strcmp(text, gen_align_rule_names[r])) {
			*rule = r;
			return 0;
		}
	vmt_err_set(why, "'%s' is not %s or %s", text, gen_align_rule_names[GEN_ALIGN_IOREMAP],
		    gen_align_rule_names[GEN_ALIGN_ANY]);
	return -EINVAL;
}

int cmd_generate(int argc, char **argv)
{
	struct gen_opts o;
	struct cli_window range;
	const struct cli_option options[] = {
		{ CLI_U64("seed", 0, "N", "generator seed (default 1)", &o.seed, 0, UINT64_MAX) },
		{ CLI_U64("events", 0, "N", "alloc and free events (default 100000)", &o.events,
			  0, UINT32_MAX) },
		{ CLI_U64("live-target", 0, "N",
			  "live areas the alloc/free mix hovers around (default 1000)",
			  &o.live_target, 1, UINT32_MAX) },
		{ CLI_U64("snapshot", 0, "N", "live areas reserved before the first event (default 0)",
			  &o.snapshot, 0, UINT32_MAX) },
		{ CLI_PARSE("range", 0, "W", "main window: x86_64, i386 or LO:HI (default x86_64)",
			    cli_parse_window, &range) },
		{ CLI_UNSIGNED("aligned", 0, "PCT",
			       "percent of allocs that ask for an alignment (default 10)",
			       &o.aligned_pct, 0, 100) },
		{ CLI_PARSE("align-rule", 0, "R",
			    "ioremap: the size without its guard page rounded up to a\n"
			    "power of two, as ioremap aligns (default); any: 8 KiB to\n"
			    "1 MiB whatever the size (a stress no kernel caller makes)",
			    parse_align_rule, &o.align_rule) },
		{ CLI_UNSIGNED("windows", 0, "PCT",
			       "percent of allocs with their own vstart/vend (default 10)",
			       &o.window_pct, 0, 100) },
		{ NULL },
	};
	const struct cli_command cmd = {
		.name = "generate", .args = "OUT", .min_args = 1, .max_args = 1,
		.about = "Writes a seeded synthetic trace to OUT.", .options = options,
	};
	struct vmt_err err = { { 0 } };
	struct vmt_trace t;
	int first_arg, ret;

	gen_opts_default(&o);
	range = (struct cli_window){ .lo = o.lo, .hi = o.hi };
	ret = cli_parse(&cmd, argc, argv, &first_arg);
	if (ret)
		return cli_exit_status(ret);
	o.lo = range.lo;
	o.hi = range.hi;
	if ((o.lo | o.hi) & (o.page_size - 1))
		return cli_exit_status(cli_usage_error(&cmd, "--range: must be page aligned"));
	ret = vmt_generate(&o, &t);
	if (ret == -EINVAL) {
		fprintf(stderr, "vmtrace generate: the snapshot does not fit in the window\n");
		return EXIT_USAGE;
	}
	if (!ret)
		ret = vmt_trace_save(argv[first_arg], &t, &err);
	if (!ret)
		cli_say_written(cmd.name, argv[first_arg], &t);
	vmt_trace_free(&t);
	if (ret) {
		fprintf(stderr, "vmtrace generate: %s\n", err.msg[0] ? err.msg : strerror(-ret));
		return 1;
	}
	return 0;
}
