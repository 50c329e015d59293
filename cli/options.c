/* SPDX-License-Identifier: MIT */
/*
 * The option parser and usage printer every `vmtrace` subcommand shares
 * (cli/options.h): getopt_long() driven by the command's option table.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "lib/number.h"
#include "trace/window.h"

#define MAX_OPTIONS 48
#define USAGE_WIDTH 80
/* Help text starts at most this far right; longer labels push it on. */
#define HELP_COLUMN_MAX 26
/* getopt_long's value for a long option without a letter: this + index. */
#define LONG_ONLY_BASE 256

static void print_usage(const struct cli_command *cmd, FILE *f);

static const struct cli_option help_option = {
	.name = "help", .letter = 'h', .help = "print this help and exit",
};

static size_t option_count(const struct cli_command *cmd)
{
	size_t n = 0;

	while (cmd->options[n].name)
		n++;
	return n;
}

/* The table entry getopt_long() returned @val for, or NULL (--help). */
static const struct cli_option *option_of(const struct cli_command *cmd, int val)
{
	if (val >= LONG_ONLY_BASE)
		return &cmd->options[val - LONG_ONLY_BASE];
	for (const struct cli_option *o = cmd->options; o->name; o++)
		if (o->letter == val)
			return o;
	return NULL;
}

/* getopt_long()'s two tables from @cmd's.  0, or -ENOMEM: too many options. */
static int getopt_tables(const struct cli_command *cmd, struct option *longopts,
			 char *shortopts)
{
	size_t n = option_count(cmd);
	char *s = shortopts;

	if (n > MAX_OPTIONS)
		return -ENOMEM;
	if (cmd->options_end_at_first_arg)
		*s++ = '+';
	*s++ = ':';	/* a missing argument returns ':', not '?' */
	*s++ = 'h';
	for (size_t i = 0; i < n; i++) {
		const struct cli_option *o = &cmd->options[i];

		longopts[i] = (struct option){ o->name, o->arg ? required_argument : no_argument,
					       NULL, o->letter ? o->letter : LONG_ONLY_BASE + (int)i };
		if (o->letter) {
			*s++ = o->letter;
			if (o->arg)
				*s++ = ':';
		}
	}
	longopts[n] = (struct option){ "help", no_argument, NULL, 'h' };
	longopts[n + 1] = (struct option){ NULL, 0, NULL, 0 };
	*s = '\0';
	return 0;
}

static void vcomplain(const struct cli_command *cmd, const char *fmt, va_list ap)
{
	fprintf(stderr, "vmtrace %s: ", cmd->name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int cli_usage_error(const struct cli_command *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcomplain(cmd, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try 'vmtrace %s --help'.\n", cmd->name);
	return -EINVAL;
}

/* Says what is wrong on one line, then where the help is, on stderr:
 * the whole usage would bury the line that matters.  Returns -EINVAL. */
static int misuse(const struct cli_command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int misuse(const struct cli_command *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcomplain(cmd, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try 'vmtrace %s --help'.\n", cmd->name);
	return -EINVAL;
}

/* Levenshtein distance of @a and @b's first @b_len bytes (both short). */
static size_t edit_distance(const char *a, const char *b, size_t b_len)
{
	size_t row[128], a_len = strlen(a);

	if (a_len >= sizeof(row) / sizeof(row[0]))
		return SIZE_MAX;
	for (size_t i = 0; i <= a_len; i++)
		row[i] = i;
	for (size_t j = 1; j <= b_len; j++) {
		size_t diagonal = row[0];

		row[0] = j;
		for (size_t i = 1; i <= a_len; i++) {
			size_t above = row[i];
			size_t best = diagonal + (a[i - 1] != b[j - 1]);

			if (above + 1 < best)
				best = above + 1;
			if (row[i - 1] + 1 < best)
				best = row[i - 1] + 1;
			row[i] = best;
			diagonal = above;
		}
	}
	return row[a_len];
}

const char *cli_closest(const char *typed, size_t typed_len, const char *const *names,
			size_t n)
{
	/* Close: at most a third of the typed letters wrong, and at most 2. */
	size_t limit = typed_len / 3 < 2 ? typed_len / 3 : 2, best = SIZE_MAX;
	const char *closest = NULL;

	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(names[i], typed, typed_len);

		if (d <= limit && d < best) {
			best = d;
			closest = names[i];
		}
	}
	return closest;
}

/* "unknown option '--jsn'", with "; did you mean '--json'?" when one is close. */
static int unknown_long_option(const struct cli_command *cmd, const char *typed)
{
	const char *names[MAX_OPTIONS + 1], *closest;
	size_t n = 0;

	for (const struct cli_option *o = cmd->options; o->name && n < MAX_OPTIONS; o++)
		names[n++] = o->name;
	names[n++] = help_option.name;
	closest = cli_closest(typed + 2, strcspn(typed + 2, "="), names, n);
	if (closest)
		return misuse(cmd, "unknown option '%s'; did you mean '--%s'?", typed, closest);
	return misuse(cmd, "unknown option '%s'", typed);
}

/* How many long names start with the text of @arg ("--lo=x": "lo"). */
static int long_names_starting(const struct cli_command *cmd, const char *arg)
{
	size_t len = strcspn(arg + 2, "=");
	int n = 0;

	for (const struct cli_option *o = cmd->options; o->name; o++)
		n += !strncmp(o->name, arg + 2, len);
	return n + !strncmp(help_option.name, arg + 2, len);
}

/* getopt_long() returned '?' or ':' for the argument before optind. */
static int bad_option(const struct cli_command *cmd, int c, char **argv)
{
	const char *typed = argv[optind - 1];
	const struct cli_option *o = optopt ? option_of(cmd, optopt) : NULL;

	if (c == ':')
		return misuse(cmd, "missing %s after %s", o ? o->arg : "a value", typed);
	if (o || optopt == 'h')
		return misuse(cmd, "--%s takes no value", o ? o->name : help_option.name);
	if (optopt)
		return misuse(cmd, "unknown option '-%c'", optopt);
	if (!strncmp(typed, "--", 2) && long_names_starting(cmd, typed) > 1)
		return misuse(cmd, "ambiguous option '%s'", typed);
	if (!strncmp(typed, "--", 2))
		return unknown_long_option(cmd, typed);
	return misuse(cmd, "unknown option '%s'", typed);
}

/* An integer in [o->min, o->max].  0, or -EINVAL with @why set. */
static int parse_bounded(const char *text, const struct cli_option *o, uint64_t *out,
			 struct vmt_err *why)
{
	uint64_t max = o->kind == CLI_KIND_UNSIGNED && o->max > UINT_MAX ? UINT_MAX : o->max;

	if (!parse_u64_text(text, strlen(text), out) && *out >= o->min && *out <= max)
		return 0;
	if (max == UINT64_MAX)
		vmt_err_set(why, "expected an integer of at least %" PRIu64 ", got '%s'",
			    o->min, text);
	else
		vmt_err_set(why, "expected an integer from %" PRIu64 " to %" PRIu64 ", got '%s'",
			    o->min, max, text);
	return -EINVAL;
}

/* Stores option @o's value from @text (NULL for options without one). */
static int store(const struct cli_command *cmd, const struct cli_option *o, const char *text)
{
	struct vmt_err why = { { 0 } };
	uint64_t number;
	int ret = 0;

	switch (o->kind) {
	case CLI_KIND_SET: *(bool *)o->dest = true; break;
	case CLI_KIND_CLEAR: *(bool *)o->dest = false; break;
	case CLI_KIND_STRING: *(const char **)o->dest = text; break;
	case CLI_KIND_U64:
		ret = parse_bounded(text, o, &number, &why);
		if (!ret)
			*(uint64_t *)o->dest = number;
		break;
	case CLI_KIND_UNSIGNED:
		ret = parse_bounded(text, o, &number, &why);
		if (!ret)
			*(unsigned *)o->dest = (unsigned)number;
		break;
	case CLI_KIND_PARSE: ret = o->parse(text, o->dest, &why); break;
	}
	if (!ret)
		return 0;
	if (!why.msg[0])
		vmt_err_set(&why, "bad value '%s'", text);
	return cli_usage_error(cmd, "--%s: %s", o->name, why.msg);
}

/* The required options all given, the positional arguments as many as declared. */
static int check_counts(const struct cli_command *cmd, const bool *given, int argc,
			char **argv)
{
	int nargs = argc - optind;

	for (const struct cli_option *o = cmd->options; o->name; o++)
		if (o->required && !given[o - cmd->options]) {
			if (o->letter)
				return misuse(cmd, "missing -%c %s", o->letter, o->arg);
			return misuse(cmd, "missing --%s %s", o->name, o->arg);
		}
	if (nargs < cmd->min_args)
		return misuse(cmd, "expected %s", cmd->args);
	if (cmd->max_args != CLI_ANY_COUNT && nargs > cmd->max_args)
		return misuse(cmd, "unexpected argument '%s'", argv[optind + cmd->max_args]);
	return 0;
}

int cli_parse(const struct cli_command *cmd, int argc, char **argv, int *first_arg)
{
	struct option longopts[MAX_OPTIONS + 2];
	char shortopts[2 * MAX_OPTIONS + 4];
	bool given[MAX_OPTIONS] = { false };
	const struct cli_option *o;
	int c, ret;

	ret = getopt_tables(cmd, longopts, shortopts);
	if (ret)
		return ret;
	opterr = 0;	/* the messages are ours */
	optind = 0;	/* glibc: start afresh */
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c == '?' || c == ':')
			return bad_option(cmd, c, argv);
		o = option_of(cmd, c);
		if (!o) {
			print_usage(cmd, stdout);
			return -ECANCELED;
		}
		if (given[o - cmd->options] && !o->repeats)
			return misuse(cmd, "--%s given twice", o->name);
		if ((ret = store(cmd, o, optarg)))
			return ret;
		given[o - cmd->options] = true;
	}
	ret = check_counts(cmd, given, argc, argv);
	*first_arg = optind;
	return ret;
}

int cli_exit_status(int parse_result)
{
	return parse_result == -ECANCELED ? 0 : EXIT_USAGE;
}

/* Writes one synopsis word, wrapping before it at the usage width. */
static void synopsis_word(FILE *f, const char *word, int indent, int *column)
{
	int len = (int)strlen(word);

	if (*column + 1 + len > USAGE_WIDTH) {
		fprintf(f, "\n%*s", indent, "");
		*column = indent;
	} else {
		fputc(' ', f);
		(*column)++;
	}
	fputs(word, f);
	*column += len;
}

static void print_synopsis(const struct cli_command *cmd, FILE *f)
{
	char word[128];
	int column = fprintf(f, "usage: vmtrace %s", cmd->name), indent = column + 1;

	for (const struct cli_option *o = cmd->options; o->name; o++) {
		char name[64];

		if (o->letter)
			snprintf(name, sizeof(name), "-%c", o->letter);
		else
			snprintf(name, sizeof(name), "--%s", o->name);
		snprintf(word, sizeof(word), "%s%s%s%s%s%s", o->required ? "" : "[", name,
			 o->arg ? " " : "", o->arg ? o->arg : "", o->required ? "" : "]",
			 o->repeats ? "..." : "");
		synopsis_word(f, word, indent, &column);
	}
	if (cmd->args)
		synopsis_word(f, cmd->args, indent, &column);
	fputc('\n', f);
}

/* "  -a, --allocator MODEL" or "      --range W" into @label; its length. */
static int option_label(const struct cli_option *o, char *label, size_t size)
{
	char letter[8] = "    ";

	if (o->letter)
		snprintf(letter, sizeof(letter), "-%c, ", o->letter);
	return snprintf(label, size, "  %s--%s%s%s", letter, o->name, o->arg ? " " : "",
			o->arg ? o->arg : "");
}

/* Writes @o's lines: its label, then its help from @help_column on (below
 * a label too long for that), wrapped at the usage width and at '\n'. */
static void print_option(const struct cli_option *o, int help_column, FILE *f)
{
	char label[128];
	int column = option_label(o, label, sizeof(label));
	const char *word = o->help;

	fputs(label, f);
	if (column + 2 > help_column) {	/* a long label: the help starts below */
		fputc('\n', f);
		column = 0;
	}
	while (*word) {
		int len = (int)strcspn(word, " \n");

		if (column > help_column && column + 1 + len > USAGE_WIDTH) {
			fputc('\n', f);
			column = 0;
		}
		if (column < help_column)
			column += fprintf(f, "%*s", help_column - column, "");
		else
			column += fprintf(f, " ");
		column += fprintf(f, "%.*s", len, word);
		word += len;
		if (*word == '\n') {
			fputc('\n', f);
			column = 0;
		}
		if (*word)	/* the space or newline after it */
			word++;
	}
	fputc('\n', f);
}

/* The usage of @cmd: synopsis, description, one entry per option. */
static void print_usage(const struct cli_command *cmd, FILE *f)
{
	char label[128];
	int help_column = option_label(&help_option, label, sizeof(label)) + 2;

	print_synopsis(cmd, f);
	if (cmd->about)
		fprintf(f, "\n%s\n", cmd->about);
	for (const struct cli_option *o = cmd->options; o->name; o++) {
		int len = option_label(o, label, sizeof(label)) + 2;

		if (len > help_column && len <= HELP_COLUMN_MAX)
			help_column = len;
	}
	fputc('\n', f);
	for (const struct cli_option *o = cmd->options; o->name; o++)
		print_option(o, help_column, f);
	print_option(&help_option, help_column, f);
}

int cli_parse_window(const char *text, void *dest, struct vmt_err *why)
{
	struct cli_window *w = dest;
	char presets[128] = "";
	size_t used = 0;

	if (!window_parse(text, &w->lo, &w->hi)) {
		w->given = true;
		return 0;
	}
	for (const struct window_preset *p = window_presets; p->name && used < sizeof(presets); p++)
		used += snprintf(presets + used, sizeof(presets) - used, "%s%s",
				 p == window_presets ? "" : ", ", p->name);
	vmt_err_set(why, "'%s' is not %s or LO:HI with LO < HI", text, presets);
	return -EINVAL;
}
