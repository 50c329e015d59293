/* SPDX-License-Identifier: MIT */
/* `vmtrace generate`: writes a synthetic trace (trace/generate.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "trace/generate.h"
#include "replay/replay.h"
#include "trace/trace_io.h"

static void generate_usage(FILE *f)
{
	fprintf(f,
		"usage: vmtrace generate [--seed N] [--events N] [--live-target N] [--snapshot N]\n"
		"                        [--range x86_64|i386|LO:HI] [--aligned PCT]\n"
		"                        [--align-rule ioremap|any] [--windows PCT] OUT\n"
		"\n"
		"  --seed N         generator seed (default 1)\n"
		"  --events N       alloc and free events (default 100000)\n"
		"  --live-target N  live areas the alloc/free mix hovers around (default 1000)\n"
		"  --snapshot N     live areas reserved before the first event (default 0)\n"
		"  --range W        main window (default x86_64)\n"
		"  --aligned PCT    percent of allocs that ask for an alignment (default 10)\n"
		"  --align-rule R   ioremap: the size without its guard page rounded up to a\n"
		"                   power of two, as ioremap aligns (default); any: 8 KiB to\n"
		"                   1 MiB whatever the size (a stress no kernel caller makes)\n"
		"  --windows PCT    percent of allocs with their own vstart/vend (default 10)\n");
}

/* A non-negative decimal integer at most @max. */
static int parse_count(const char *text, uint64_t max, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(text, &end, 10);
	return errno || *end || !*text || text[0] == '-' || *out > max ? -EINVAL : 0;
}

static int parse_align_rule(const char *text, enum gen_align_rule *out)
{
	for (enum gen_align_rule r = GEN_ALIGN_IOREMAP; r <= GEN_ALIGN_ANY; r++)
		if (!strcmp(text, gen_align_rule_names[r])) {
			*out = r;
			return 0;
		}
	return -EINVAL;
}

int cmd_generate(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "events", required_argument, NULL, 'e' },
		{ "live-target", required_argument, NULL, 'l' },
		{ "snapshot", required_argument, NULL, 'S' },
		{ "range", required_argument, NULL, 'r' },
		{ "aligned", required_argument, NULL, 'a' },
		{ "align-rule", required_argument, NULL, 'R' },
		{ "windows", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vmt_err err = { { 0 } };
	struct vmt_trace t;
	struct gen_opts o;
	uint64_t pct;
	int c, ret;

	gen_opts_default(&o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': ret = parse_count(optarg, UINT64_MAX, &o.seed); break;
		case 'e': ret = parse_count(optarg, UINT32_MAX, &o.events); break;
		case 'l':
			ret = parse_count(optarg, UINT32_MAX, &o.live_target);
			ret = ret || !o.live_target ? -EINVAL : 0;
			break;
		case 'S': ret = parse_count(optarg, UINT32_MAX, &o.snapshot); break;
		case 'r': ret = window_parse(optarg, &o.lo, &o.hi); break;
		case 'a': ret = parse_count(optarg, 100, &pct); o.aligned_pct = (unsigned)pct; break;
		case 'w': ret = parse_count(optarg, 100, &pct); o.window_pct = (unsigned)pct; break;
		case 'R': ret = parse_align_rule(optarg, &o.align_rule); break;
		case 'h':
			generate_usage(stdout);
			return 0;
		default:
			generate_usage(stderr);
			return EXIT_USAGE;
		}
		if (ret) {
			const struct option *opt = longopts;

			while (opt->val != c)
				opt++;
			fprintf(stderr, "vmtrace generate: bad value '%s' for --%s\n", optarg, opt->name);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "vmtrace generate: expected one OUT\n");
		generate_usage(stderr);
		return EXIT_USAGE;
	}
	if ((o.lo | o.hi) & (o.page_size - 1)) {
		fprintf(stderr, "vmtrace generate: --range must be page aligned\n");
		return EXIT_USAGE;
	}
	ret = vmt_generate(&o, &t);
	if (ret == -EINVAL) {
		fprintf(stderr, "vmtrace generate: the snapshot does not fit in the window\n");
		return EXIT_USAGE;
	}
	if (!ret)
		ret = vmt_trace_save(argv[optind], &t, &err);
	vmt_trace_free(&t);
	if (ret) {
		fprintf(stderr, "vmtrace generate: %s\n", err.msg[0] ? err.msg : strerror(-ret));
		return 1;
	}
	return 0;
}
