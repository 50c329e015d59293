/* SPDX-License-Identifier: MIT */
/*
 * `vmtrace generate`: writes a synthetic trace (trace/generate.h), or with
 * --pattern one of the kernel's lib/test_vmalloc.c patterns
 * (trace/patterns.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/written.h"
#include "trace/generate.h"
#include "trace/patterns.h"
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

static int parse_pattern(const char *text, void *dest, struct vmt_err *why)
{
	enum vm_pattern *pattern = dest;

	*pattern = pattern_find(text);
	if (*pattern < PATTERNS)
		return 0;
	vmt_err_set(why, "'%s' is no pattern (`vmtrace generate --help` lists them)", text);
	return -EINVAL;
}

/* True when @o asks for nothing but the default mix (seed and window aside). */
static bool mix_is_default(const struct gen_opts *o)
{
	struct gen_opts d;

	gen_opts_default(&d);
	return o->events == d.events && o->live_target == d.live_target &&
	       o->snapshot == d.snapshot && o->aligned_pct == d.aligned_pct &&
	       o->align_rule == d.align_rule && o->window_pct == d.window_pct;
}

/* --pattern: the pattern's trace into @t, or a usage error. */
static int generate_pattern(const struct cli_command *cmd, const struct gen_opts *o,
			    struct pattern_opts *p, struct vmt_trace *t)
{
	struct pattern_opts d;

	if (!mix_is_default(o))
		return cli_usage_error(cmd, "--pattern takes only --seed, --count, --threads, "
				       "--busy and --range");
	pattern_opts_default(&d);
	p->seed = o->seed;
	p->lo = o->lo;
	p->hi = o->hi;
	p->page_size = o->page_size;
	p->count = p->count ? p->count : d.count;
	p->threads = p->threads ? p->threads : d.threads;
	return vmt_generate_pattern(p, t);
}

/* The patterns, one a line, for --help. */
static const char *pattern_help(char *buf, size_t len)
{
	size_t used = (size_t)snprintf(buf, len, "a pattern of the kernel's lib/test_vmalloc.c "
				       "(NAME_test there):");

	for (enum vm_pattern p = 0; p < PATTERNS && used < len; p++)
		used += (size_t)snprintf(buf + used, len - used, "\n%s", pattern_descs[p].name);
	return buf;
}

int cmd_generate(int argc, char **argv)
{
	struct gen_opts o;
	struct pattern_opts pattern = { .pattern = PATTERNS };
	struct cli_window range;
	char pattern_list[512];
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
		{ CLI_PARSE("pattern", 0, "NAME", pattern_help(pattern_list, sizeof(pattern_list)),
			    parse_pattern, &pattern.pattern) },
		{ CLI_U64("count", 0, "N", "--pattern: the test's loop count (default 10000; "
			  "the kernel's is 1000000)", &pattern.count, 1, UINT32_MAX) },
		{ CLI_UNSIGNED("threads", 0, "N", "--pattern: workers running it at once, one "
			       "stream per cpu= (default 1)", &pattern.threads, 1, UINT16_MAX) },
		{ CLI_U64("busy", 0, "N", "--pattern: areas full_fit, long_busy_list and pcpu_alloc "
			  "keep busy (default the kernel test's)", &pattern.busy, 1, UINT32_MAX) },
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
	if (pattern.pattern < PATTERNS)
		ret = generate_pattern(&cmd, &o, &pattern, &t);
	else if (pattern.count || pattern.threads || pattern.busy)
		return cli_exit_status(cli_usage_error(&cmd, "--count, --threads and --busy go "
						       "with --pattern"));
	else
		ret = vmt_generate(&o, &t);
	if (ret == -EINVAL && pattern.pattern < PATTERNS)
		return EXIT_USAGE;
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
