/* SPDX-License-Identifier: MIT */
/*
 * Replays a fuzz harness's corpus without libFuzzer, so every seed and
 * every committed crasher is a regression test of `ninja test` (and of
 * `ninja test-asan`, where the sanitizers watch).
 *
 *   build/tests/fuzz_X            every file of tests/fuzz/corpus/fuzz_X/
 *   build/tests/fuzz_X FILE...    those files (to reproduce one finding)
 *
 * Run from the top of the tree.  An empty or missing corpus fails: a test
 * that ran nothing must not pass.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/trace_io.h"
#include "fuzz.h"

static int run_file(const char *path)
{
	struct input_file in;
	struct vmt_err err = { { 0 } };
	int ret;

	ret = input_file_open(path, &in, &err);
	if (ret) {
		fprintf(stderr, "%s\n", err.msg);
		return ret;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)in.data, in.len);
	input_file_close(&in);
	return 0;
}

static int is_input(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/* Runs every file of @dir in name order; returns how many, or -errno. */
static int run_dir(const char *dir)
{
	struct dirent **names;
	char *path;
	int n, i, ret = 0;

	n = scandir(dir, &names, is_input, alphasort);
	if (n < 0) {
		fprintf(stderr, "%s: cannot list: %s\n", dir, strerror(errno));
		return -errno;
	}
	for (i = 0; i < n; i++) {
		if (!ret && asprintf(&path, "%s/%s", dir, names[i]->d_name) < 0)
			ret = -ENOMEM;
		else if (!ret) {
			ret = run_file(path);
			free(path);
		}
		free(names[i]);
	}
	free(names);
	return ret ? ret : n;
}

int main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	char *dir = NULL;
	int n = 0, ret = 0;

	if (argc > 1) {
		for (int i = 1; i < argc && !ret; i++)
			ret = run_file(argv[i]);
		n = argc - 1;
		goto out;
	}
	if (asprintf(&dir, "tests/fuzz/corpus/%s", name) < 0) {
		ret = -ENOMEM;
		goto out;
	}
	n = run_dir(dir);
	if (n < 0)
		ret = n;
	else if (!n) {
		fprintf(stderr, "%s: no inputs\n", dir);
		ret = -ENOENT;
	}
out:
	if (!ret)
		printf("%s: %d inputs, no finding\n", name, n);
	free(dir);
	return ret ? 1 : 0;
}
