/* SPDX-License-Identifier: MIT */
/* `vmtrace compare`: the regression gate (report/regression.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "report/regression.h"

/* A number in (@lo, @hi) (or [lo, hi) with @lo_included) into *@out. */
static int parse_in(const char *text, double lo, bool lo_included, double hi, double *out,
		    const char *what, struct vmt_err *why)
{
	char *end;
	double v = strtod(text, &end);

	if (end == text || *end || !(v > lo || (lo_included && v == lo)) || !(v < hi)) {
		vmt_err_set(why, "'%s' is not %s", text, what);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* --threshold: a percentage into a fraction. */
static int parse_percent(const char *text, void *dest, struct vmt_err *why)
{
	int ret = parse_in(text, 0, false, 1000, dest, "a percentage above 0 and below 1000", why);

	if (!ret)
		*(double *)dest /= 100;
	return ret;
}

static int parse_alpha(const char *text, void *dest, struct vmt_err *why)
{
	return parse_in(text, 0, false, 1, dest, "a level between 0 and 1", why);
}

static int parse_seconds(const char *text, void *dest, struct vmt_err *why)
{
	return parse_in(text, 0, true, 1e6, dest, "a number of seconds from 0 to 10^6", why);
}

int cmd_compare(int argc, char **argv)
{
	struct compare_options o = { .threshold = 0.10, .alpha = 0.01, .min_seconds = 0.02 };
	const struct cli_option options[] = {
		{ CLI_PARSE("threshold", 0, "PCT",
			    "slowdown of a timing ratio tolerated (default 10)", parse_percent,
			    &o.threshold) },
		{ CLI_PARSE("alpha", 0, "P",
			    "significance level of Welch's one-sided test (default 0.01)",
			    parse_alpha, &o.alpha) },
		{ CLI_PARSE("min-seconds", 0, "S",
			    "time only cells whose reference replay takes S seconds or\n"
			    "more (median; default 0.02)", parse_seconds, &o.min_seconds) },
		{ CLI_FLAG("any-machine", 0,
			   "compare timing ratios even when the runs name different CPUs",
			   &o.any_machine) },
		{ CLI_FLAG("json", 0, "write the findings as JSON", &o.json) },
		{ NULL },
	};
	const struct cli_command cmd = {
		.name = "compare", .args = "BASELINE CURRENT", .min_args = 2, .max_args = 2,
		.about = "Compares two bench matrix results (bench/matrix.sh's matrix.json) cell by\n"
			 "cell: exact figures must be equal; each model's replay time as a ratio\n"
			 "to the reference model's fails when it grew by more than the threshold\n"
			 "with significance (Welch's t-test over the repeats).  A baseline cell\n"
			 "missing from CURRENT fails; a new cell is reported.  Exit 0: nothing\n"
			 "regressed; 1: regressions, each named; 2: bad input or usage.",
		.options = options,
	};
	struct vmt_err err = { { 0 } };
	int first_arg, ret;

	ret = cli_parse(&cmd, argc, argv, &first_arg);
	if (ret)
		return cli_exit_status(ret);
	ret = compare_matrices(argv[first_arg], argv[first_arg + 1], &o, stdout, &err);
	if (ret < 0) {
		fprintf(stderr, "vmtrace compare: %s\n", err.msg[0] ? err.msg : strerror(-ret));
		return EXIT_USAGE;
	}
	return ret;
}
