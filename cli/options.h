/* SPDX-License-Identifier: MIT */
/*
 * The options of a `vmtrace` subcommand, declared once in a table from
 * which both the parser and the usage text come.
 *
 * A subcommand fills a struct cli_command: its name, its positional
 * arguments (as the synopsis shows them, and how many it takes), a short
 * description, and a table of struct cli_option ended by { NULL }.  Each
 * option is one entry written with a CLI_* macro inside braces, which says
 * where its value goes and how it is parsed:
 *
 *	const struct cli_option options[] = {
 *		{ CLI_U64("every", 0, "N", "sampling interval", &o.every, 1, UINT64_MAX) },
 *		{ CLI_STRING("output", 'o', "FILE", "the trace", &o.out), .required = true },
 *		{ NULL },
 *	};
 *
 * cli_parse() then behaves the same way for every subcommand:
 *  - `--help` or `-h` prints the usage on stdout: the command should exit 0;
 *  - an unknown option (with "did you mean" when a long name is close),
 *    a missing option argument, a missing required option, an option
 *    given twice (unless .repeats) or the wrong number of positional
 *    arguments prints `vmtrace CMD: <what is wrong>` on stderr;
 *  - a value its option rejects prints `vmtrace CMD: --opt: <what is
 *    wrong>` on stderr;
 *  - either is followed by one line, `Try 'vmtrace CMD --help'.`, never
 *    the whole usage;
 * and in the last two cases the command should exit EXIT_USAGE (2).
 * cli_exit_status() turns cli_parse()'s result into that exit status.
 * Every option may be given as a unique prefix of its long name.
 *
 * Checks the table cannot express (options that do not go together) use
 * cli_usage_error(), for the same `vmtrace CMD: ` form and exit status.
 *
 * Preconditions: at most 48 options; long names are unique and never
 * "help", short letters are unique, alphanumeric and never 'h'; each
 * option's dest points at storage of the type its macro names, and the
 * table and its strings stay alive while cli_parse() runs.  cli_parse()
 * uses getopt_long(), so it reorders argv (options before positionals,
 * unless options_end_at_first_arg) and is not reentrant.
 */
#ifndef VMTRACE_CLI_OPTIONS_H
#define VMTRACE_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/diag.h"

/* How an option's value is stored at its dest. */
enum cli_kind {
	CLI_KIND_SET,		/* no argument: the bool becomes true */
	CLI_KIND_CLEAR,		/* no argument: the bool becomes false */
	CLI_KIND_STRING,	/* the argument itself, a const char * */
	CLI_KIND_U64,		/* an integer in [min, max] (lib/number.h syntax) */
	CLI_KIND_UNSIGNED,	/* the same, into an unsigned */
	CLI_KIND_PARSE,		/* whatever parse() makes of the argument */
};

/*
 * Parses @text into @dest.  Returns 0, or a negative errno with what is
 * wrong in @why (when left empty, the message says "bad value 'TEXT'").
 */
typedef int cli_parse_fn(const char *text, void *dest, struct vmt_err *why);

struct cli_option {
	const char *name;	/* long name, without "--"; NULL ends the table */
	char letter;		/* short name, or 0 */
	const char *arg;	/* its argument as usage names it; NULL: takes none */
	const char *help;	/* wrapped at 80 columns; '\n' breaks a line */
	enum cli_kind kind;
	void *dest;
	uint64_t min, max;	/* CLI_KIND_U64 and CLI_KIND_UNSIGNED */
	cli_parse_fn *parse;	/* CLI_KIND_PARSE */
	bool required;		/* a usage error when not given */
	bool repeats;		/* may be given more than once (usage shows "...") */
};

/* The entries of a table, each to be put inside braces.  @ptr must point
 * at the type named (a compile-time warning, an error here, says if not). */
#define CLI_FLAG(long_name, short_letter, help_text, ptr) \
	.name = (long_name), .letter = (short_letter), .help = (help_text), \
	.kind = CLI_KIND_SET, .dest = (1 ? (ptr) : (bool *)0)
#define CLI_FLAG_OFF(long_name, short_letter, help_text, ptr) \
	.name = (long_name), .letter = (short_letter), .help = (help_text), \
	.kind = CLI_KIND_CLEAR, .dest = (1 ? (ptr) : (bool *)0)
#define CLI_STRING(long_name, short_letter, arg_name, help_text, ptr) \
	.name = (long_name), .letter = (short_letter), .arg = (arg_name), \
	.help = (help_text), .kind = CLI_KIND_STRING, \
	.dest = (1 ? (ptr) : (const char **)0)
#define CLI_U64(long_name, short_letter, arg_name, help_text, ptr, lowest, highest) \
	.name = (long_name), .letter = (short_letter), .arg = (arg_name), \
	.help = (help_text), .kind = CLI_KIND_U64, \
	.dest = (1 ? (ptr) : (uint64_t *)0), .min = (lowest), .max = (highest)
/* @highest at most UINT_MAX. */
#define CLI_UNSIGNED(long_name, short_letter, arg_name, help_text, ptr, lowest, highest) \
	.name = (long_name), .letter = (short_letter), .arg = (arg_name), \
	.help = (help_text), .kind = CLI_KIND_UNSIGNED, \
	.dest = (1 ? (ptr) : (unsigned *)0), .min = (lowest), .max = (highest)
#define CLI_PARSE(long_name, short_letter, arg_name, help_text, parse_fn, ptr) \
	.name = (long_name), .letter = (short_letter), .arg = (arg_name), \
	.help = (help_text), .kind = CLI_KIND_PARSE, .parse = (parse_fn), .dest = (ptr)

/* A positional argument count without an upper bound. */
#define CLI_ANY_COUNT (-1)

struct cli_command {
	const char *name;	/* "replay": messages start "vmtrace replay: " */
	const char *args;	/* the positional arguments in the synopsis, or NULL */
	int min_args, max_args;	/* how many; max_args may be CLI_ANY_COUNT */
	const char *about;	/* what the command does, printed after the synopsis */
	const struct cli_option *options;	/* ended by { NULL } */
	/* Options stop at the first positional argument, and what follows is
	 * left as it is (`record -- COMMAND -x`: -x is COMMAND's). */
	bool options_end_at_first_arg;
};

/*
 * Parses @argv (argv[0] the subcommand's name) as @cmd declares: stores
 * each option given at its dest and sets *@first_arg to the index of the
 * first positional argument.  Returns 0 when the command should run,
 * -ECANCELED when --help was answered, or -EINVAL after saying on stderr
 * what is wrong (see above); -ENOMEM when the table is too large.
 */
int cli_parse(const struct cli_command *cmd, int argc, char **argv, int *first_arg);

/* The exit status for a nonzero result of cli_parse() or cli_usage_error(). */
int cli_exit_status(int parse_result);

/*
 * A usage error the table cannot express (options that do not go
 * together): prints `vmtrace CMD: ` and the printf-style message on
 * stderr, then the line pointing at --help.  Returns -EINVAL.
 */
int cli_usage_error(const struct cli_command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * The one of @names (@n of them) closest to the first @typed_len bytes of
 * @typed by edit distance, if close enough to be a misspelling (at most 2
 * edits, and at most a third of the typed letters), else NULL.  For a
 * "did you mean" after an unknown option or model name.
 */
const char *cli_closest(const char *typed, size_t typed_len, const char *const *names,
			size_t n);

/* A parse function for --range: a window preset or LO:HI (trace/window.h)
 * into a struct cli_window. */
struct cli_window {
	uint64_t lo, hi;
	bool given;
};
cli_parse_fn cli_parse_window;

#endif /* VMTRACE_CLI_OPTIONS_H */
