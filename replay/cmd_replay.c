/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "outfile.h"
#include "replay.h"
#include "summary.h"
#include "trace_io.h"

static void replay_usage(FILE *f)
{
	fprintf(f,
		"usage: vmtrace replay [-a MODEL] [--range x86_64|i386|LO:HI] [--strict] [--check]\n"
		"                      [--json F] [--events F.csv] [--series F.csv] [--every N] TRACE\n"
		"\n"
		"  -a, --allocator MODEL  allocator model (default linear):");
	for (size_t i = 0; i < vm_allocator_count; i++)
		fprintf(f, " %s", vm_allocators[i]->name);
	fprintf(f,
		"\n"
		"  --range W     main window: a preset or LO:HI (default: the trace's, else x86_64)\n"
		"  --strict      inconsistent traces (docs/BAD_INPUT.md) are errors, not counts\n"
		"  --check       run the model's invariant checker after every event\n"
		"  --json F      write the summary as JSON\n"
		"  --events F    one CSV row per alloc/free: seq,op,id,size,align,addr,search\n"
		"  --series F    fragmentation samples every N events (CSV)\n"
		"  --every N     sampling interval for --series (default 1000)\n");
}

static int write_json(FILE *f, const char *trace_path,
		      const struct vmt_trace *t, const struct replay_opts *o,
		      const struct replay_summary *s)
{
	json_t *doc = NULL, *meta = NULL, *sum = NULL;
	char lo[32], hi[32];
	int ret = -ENOMEM;

	doc = json_object();
	meta = json_object();
	sum = summary_to_json(s);
	if (!doc || !meta || !sum)
		goto out;
	for (size_t i = 0; i < t->nmeta; i++)
		json_object_set_new(meta, strtab_get(&t->strs, t->meta[i].key),
				    json_string(strtab_get(&t->strs, t->meta[i].text)));
	snprintf(lo, sizeof(lo), "0x%" PRIx64, o->has_range ? o->range_lo :
		 t->has_range ? t->range_lo : window_presets[0].lo);
	snprintf(hi, sizeof(hi), "0x%" PRIx64, o->has_range ? o->range_hi :
		 t->has_range ? t->range_hi : window_presets[0].hi);
	if (json_object_set_new(doc, "trace", json_string(trace_path)) ||
	    json_object_set_new(doc, "model", json_string(o->model->name)) ||
	    json_object_set_new(doc, "window_lo", json_string(lo)) ||
	    json_object_set_new(doc, "window_hi", json_string(hi)) ||
	    json_object_set(doc, "meta", meta) ||
	    json_object_set(doc, "summary", sum))
		goto out;
	ret = json_dumpf(doc, f, JSON_INDENT(2)) || fputc('\n', f) == EOF ? -EIO : 0;
out:
	json_decref(doc);
	json_decref(meta);
	json_decref(sum);
	return ret;
}

int cmd_replay(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "allocator", required_argument, NULL, 'a' },
		{ "range", required_argument, NULL, 'r' },
		{ "strict", no_argument, NULL, 's' },
		{ "check", no_argument, NULL, 'c' },
		{ "json", required_argument, NULL, 'j' },
		{ "events", required_argument, NULL, 'e' },
		{ "series", required_argument, NULL, 'S' },
		{ "every", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct replay_opts o = { .model = vm_allocator_find("linear"), .series_every = 1000 };
	/*
	 * The output files, all opened before the replay and all synced (step
	 * 0) before any is renamed into place (step 1): a failed run, a bad
	 * path or a full disk leaves none of them.
	 */
	enum { EVENTS, SERIES, JSON, NOUT };
	struct {
		const char *path;	/* NULL: not asked for */
		struct outfile file;
	} out[NOUT] = { { 0 } };
	struct replay_summary s;
	struct vmt_trace t = { 0 };
	struct vmt_err err = { { 0 } };
	char *end;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "a:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			o.model = vm_allocator_find(optarg);
			if (!o.model) {
				fprintf(stderr, "vmtrace replay: unknown allocator model '%s'\n", optarg);
				replay_usage(stderr);
				return EXIT_USAGE;
			}
			break;
		case 'r':
			if (window_parse(optarg, &o.range_lo, &o.range_hi)) {
				fprintf(stderr, "vmtrace replay: --range '%s' is not x86_64, i386 or LO:HI with LO < HI\n",
					optarg);
				return EXIT_USAGE;
			}
			o.has_range = true;
			break;
		case 's': o.strict = true; break;
		case 'c': o.check = true; break;
		case 'j': out[JSON].path = optarg; break;
		case 'e': out[EVENTS].path = optarg; break;
		case 'S': out[SERIES].path = optarg; break;
		case 'n':
			errno = 0;
			o.series_every = strtoull(optarg, &end, 10);
			if (errno || *end || !o.series_every || optarg[0] == '-') {
				fprintf(stderr, "vmtrace replay: --every needs a positive integer\n");
				return EXIT_USAGE;
			}
			break;
		case 'h':
			replay_usage(stdout);
			return 0;
		default:
			replay_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "vmtrace replay: expected one TRACE\n");
		replay_usage(stderr);
		return EXIT_USAGE;
	}
	o.trace_name = argv[optind];
	ret = vmt_trace_load(o.trace_name, &t, &err);
	if (ret)
		goto out;
	for (int i = 0; i < NOUT; i++) {
		if (out[i].path && (ret = outfile_open(&out[i].file, out[i].path))) {
			vmt_err_set(&err, "%s: cannot create: %s", out[i].path, strerror(-ret));
			goto out;
		}
	}
	o.events_csv = out[EVENTS].file.f;
	o.series_csv = out[SERIES].file.f;
	ret = replay_run(&t, &o, &s, &err);
	if (ret)
		goto out;
	if (out[JSON].path &&
	    (ret = write_json(out[JSON].file.f, o.trace_name, &t, &o, &s))) {
		vmt_err_set(&err, "%s: cannot write: %s", out[JSON].path, strerror(-ret));
		goto out;
	}
	for (int step = 0; step < 2; step++) {
		for (int i = 0; i < NOUT; i++) {
			if (out[i].path && (ret = step ? outfile_commit(&out[i].file) :
							 outfile_sync(&out[i].file))) {
				vmt_err_set(&err, "%s: cannot write: %s", out[i].path,
					    strerror(-ret));
				goto out;
			}
		}
	}
	if (o.events_csv != stdout && o.series_csv != stdout &&
	    !(out[JSON].path && !strcmp(out[JSON].path, "-"))) {
		printf("%s through %s (%s)\n", o.trace_name, o.model->name, o.model->description);
		summary_print(stdout, &s);
	}
out:
	for (int i = 0; i < NOUT; i++)
		outfile_abort(&out[i].file);
	vmt_trace_free(&t);
	if (ret) {
		fprintf(stderr, "vmtrace replay: %s\n", err.msg[0] ? err.msg : strerror(-ret));
		return 1;
	}
	return 0;
}
