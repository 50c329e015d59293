/* SPDX-License-Identifier: MIT */
/*
 * The `vmtrace` subcommands.  Each takes the arguments after its name
 * (argv[0] is the subcommand) and returns the process exit status:
 * 0 success, 1 bad input or a failed run, 2 bad usage.
 */
#ifndef VMTRACE_COMMANDS_H
#define VMTRACE_COMMANDS_H

#define EXIT_USAGE 2

/* `vmtrace --version`, beside the commit of build/cli/version.h. */
#define VMTRACE_VERSION "0.1"

int cmd_replay(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_anonymize(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_models(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_generate(int argc, char **argv);
int cmd_plot(int argc, char **argv);
/* compare exits 1 on a regression and 2 on bad input, as a gate must. */
int cmd_compare(int argc, char **argv);

#endif /* VMTRACE_COMMANDS_H */
