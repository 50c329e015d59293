/* SPDX-License-Identifier: MIT */
/*
 * vmtrace plot: a user's traces to the figures RESULTS.md shows, in one
 * command.  The arguments are checked here, so that a bad one is one line
 * and exit 2 before any work; scripts/plot.sh then replays and draws with
 * the plots/ scripts, from the source tree the running vmtrace was built in.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "allocator/allocator.h"
#include "cli/commands.h"
#include "cli/options.h"

static const char *const formats[] = { "png", "pdf", "svg" };

/* -a: "all" or NAME[,NAME...], each a registered model. */
static int parse_models(const char *text, void *dest, struct vmt_err *why)
{
	char *list = strdup(text), *save = NULL;
	int ret = 0;

	if (!list)
		return -ENOMEM;
	for (char *name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		if (strcmp(name, "all") && !vm_allocator_find(name)) {
			vmt_err_set(why, "unknown model '%s' (`vmtrace models` lists them)", name);
			ret = -EINVAL;
			goto out;
		}
	}
	*(const char **)dest = text;
out:
	free(list);
	return ret;
}

static int parse_format(const char *text, void *dest, struct vmt_err *why)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(text, formats[i])) {
			*(const char **)dest = formats[i];
			return 0;
		}
	vmt_err_set(why, "unknown format '%s' (png, pdf or svg)", text);
	return -EINVAL;
}

/* Whether model @name is in the comma list @list ("all": every model). */
static bool listed(const char *list, const char *name)
{
	size_t n = strlen(name);

	if (!strcmp(list, "all"))
		return true;
	for (const char *p = list; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, name, n) && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

/*
 * The source tree of the running vmtrace: the nearest directory above the
 * executable (build/vmtrace, build/asan/vmtrace) holding scripts/plot.sh.
 * Returns 0 with the tree in @dir (PATH_MAX bytes), or -ENOENT.
 */
static int find_tree(char *dir)
{
	char exe[PATH_MAX], probe[PATH_MAX + 32];

	if (!realpath("/proc/self/exe", exe))
		return -errno;
	strcpy(dir, exe);
	for (int up = 0; up < 4; up++) {
		char *slash = strrchr(dir, '/');

		if (!slash || slash == dir)
			break;
		*slash = '\0';
		snprintf(probe, sizeof(probe), "%s/scripts/plot.sh", dir);
		if (!access(probe, R_OK))
			return 0;
	}
	return -ENOENT;
}

/* Runs @argv and waits: 0 when it exited 0, else -EIO. */
static int run(char **argv)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (!pid) {
		execv(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -EIO;
}

int cmd_plot(int argc, char **argv)
{
	const char *models_arg = "all", *outdir = ".", *format = "png";
	unsigned hold_runs = 0;
	const struct cli_option options[] = {
		{ CLI_PARSE("allocator", 'a', "MODELS", "the models drawn: NAME[,NAME...] or all "
			    "(the default)", parse_models, &models_arg) },
		{ CLI_STRING("output", 'o', "DIR", "where the figures go (default .; made if "
			     "missing)", &outdir) },
		{ CLI_PARSE("format", 0, "FMT", "png (the default), pdf or svg", parse_format,
			    &format) },
		{ CLI_UNSIGNED("holds", 0, "RUNS", "also draw STEM-holds: lock hold times of RUNS "
			       "--lock-stat runs per model pooled (timing: differs run to run)",
			       &hold_runs, 0, 100) },
		{ NULL },
	};
	const struct cli_command cmd = {
		.name = "plot", .args = "TRACE...", .min_args = 1, .max_args = CLI_ANY_COUNT,
		.about = "Replays each TRACE through the models and draws its figures as\n"
			 "RESULTS.md does: DIR/STEM-frag (fragmentation along the trace) and\n"
			 "DIR/STEM-search (distribution of the alloc search length), and\n"
			 "DIR/footprint (every TRACE's footprint per model): the same bytes on\n"
			 "every machine.  Needs gnuplot and the source tree vmtrace was built\n"
			 "in (scripts/plot.sh and plots/).",
		.options = options,
	};
	char tree[PATH_MAX], script[PATH_MAX + 32], exe[PATH_MAX], cwd[PATH_MAX];
	char out_abs[2 * PATH_MAX + 2], runs[16], models[1024] = "";
	char **child = NULL;	/* plot.sh's argv: sh SCRIPT VMTRACE OUTDIR FORMAT MODELS FIGURES RUNS TRACE... */
	int first_arg, ntraces = 0, ret;

	ret = cli_parse(&cmd, argc, argv, &first_arg);
	if (ret)
		return cli_exit_status(ret);
	ntraces = argc - first_arg;
	for (size_t i = 0; i < vm_allocator_count; i++)
		if (listed(models_arg, vm_allocators[i]->name))
			snprintf(models + strlen(models), sizeof(models) - strlen(models), "%s%s",
				 *models ? " " : "", vm_allocators[i]->name);
	child = calloc(ntraces + 9, sizeof(*child));
	if (!child) {
		ret = -ENOMEM;
		goto out;
	}
	/* The script runs in the source tree: every path it gets is absolute. */
	for (int i = 0; i < ntraces; i++) {
		child[8 + i] = realpath(argv[first_arg + i], NULL);
		if (!child[8 + i]) {
			ret = cli_usage_error(&cmd, "%s: %s", argv[first_arg + i], strerror(errno));
			goto out;
		}
	}
	if (find_tree(tree) || !realpath("/proc/self/exe", exe) || !getcwd(cwd, sizeof(cwd))) {
		ret = cli_usage_error(&cmd, "scripts/plot.sh not found above the vmtrace binary: "
				      "run the vmtrace of a source tree");
		goto out;
	}
	/* Made by the script, once every figure is drawn. */
	snprintf(out_abs, sizeof(out_abs), "%s%s%s", outdir[0] == '/' ? "" : cwd,
		 outdir[0] == '/' ? "" : "/", outdir);
	snprintf(script, sizeof(script), "%s/scripts/plot.sh", tree);
	snprintf(runs, sizeof(runs), "%u", hold_runs);
	child[0] = "/bin/sh";
	child[1] = script;
	child[2] = exe;
	child[3] = out_abs;
	child[4] = (char *)format;
	child[5] = models;
	child[6] = hold_runs ? "frag search holds" : "frag search";
	child[7] = runs;
	ret = run(child);
	if (ret)
		fprintf(stderr, "vmtrace plot: drawing failed (above); %s left as it was\n", outdir);
out:
	for (int i = 0; child && i < ntraces; i++)
		free(child[8 + i]);
	free(child);
	/* A bad argument is a usage error (2); a failed replay or drawing, 1. */
	return !ret ? 0 : ret == -EINVAL ? EXIT_USAGE : 1;
}
