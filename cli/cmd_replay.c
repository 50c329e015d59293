/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "lib/outfile.h"
#include "replay/lock.h"
#include "replay/replay.h"
#include "replay/replay_threads.h"
#include "replay/summary.h"
#include "trace/trace_io.h"

static void replay_usage(FILE *f)
{
	fprintf(f,
		"usage: vmtrace replay [-a MODEL] [--range x86_64|i386|LO:HI] [--strict] [--check]\n"
		"                      [--json F] [--events F.csv] [--series F.csv] [--every N]\n"
		"                      [--lock-stat] [--lock TYPE] [--threads N [--scale K]]\n"
		"                      [--layout F.csv] [--holds F.csv] [--lowest-fit-audit] [--lazy]\n"
		"                      [--reference MODEL] TRACE\n"
		"\n"
		"  -a, --allocator MODEL  allocator model (default linear):");
	for (size_t i = 0; i < vm_allocator_count; i++)
		fprintf(f, " %s", vm_allocators[i]->name);
	fprintf(f,
		"\n"
		"  --range W     main window: a preset or LO:HI (default: the trace's, else x86_64)\n"
		"  --strict      inconsistent traces (docs/BAD_INPUT.md) are errors, not counts\n"
		"  --check       run the model's invariant checker after every event\n"
		"  --lowest-fit-audit  count allocs that differ from lowest fit on the model's\n"
		"                own layout (lowest_fit_departures)\n"
		"  --reference MODEL  also replay through MODEL, each on its own layout, and\n"
		"                count the placements that differ (reference_differences)\n"
		"  --lazy        free lazily, as the kernel has since 2.6.28: a freed area\n"
		"                stays busy until the next purge event, or until an alloc\n"
		"                finds no room (it purges and searches again)\n"
		"  --json F      write the summary as JSON\n"
		"  --events F    one CSV row per alloc/free: seq,op,id,size,align,addr,search\n"
		"  --series F    fragmentation samples every N events (CSV)\n"
		"  --every N     sampling interval for --series (default 1000)\n"
		"  --lock-stat   take the model's lock around every call and time holds\n"
		"  --lock TYPE   take this lock instead: spinlock, rwlock, mutex, ticket\n"
		"  --threads N   replay the per-CPU streams on N threads (implies --lock-stat;\n"
		"                --events and --series are single-threaded only)\n"
		"  --scale K     with --threads: replay K interleaved copies of the trace\n"
		"  --layout F    write the final busy areas as CSV (addr,size)\n"
		"  --holds F     with --lock-stat: every hold time as CSV (op,ns)\n");
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
	    json_object_set_new(doc, "audit", json_pack("{s:b, s:s?}", "lowest_fit",
							o->lowest_fit_audit, "reference",
							o->reference ? o->reference->name : NULL)) ||
	    json_object_set_new(doc, "lazy", json_boolean(o->lazy)) ||
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

/* A positive integer option no larger than @max.  0, or -EINVAL (reported). */
static int parse_count(const char *text, const char *option, uint64_t max, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(text, &end, 10);
	if (errno || *end || !*out || *out > max || text[0] == '-') {
		fprintf(stderr, "vmtrace replay: %s needs an integer from 1 to %" PRIu64 "\n",
			option, max);
		return -EINVAL;
	}
	return 0;
}

static bool writes_stdout(const char *path)
{
	return path && !strcmp(path, "-");
}

/*
 * An optional output file of the replay.  All are opened before the
 * replay and all synced before any is renamed into place: a failed run, a
 * bad path or a full disk leaves none of them.
 */
struct output {
	FILE **slot;		/* where the replay writes it, or NULL (the JSON) */
	const char *path;	/* NULL: not asked for */
	struct outfile file;
};

static int output_open(struct output *out, struct vmt_err *err)
{
	int ret;

	if (!out->path)
		return 0;
	ret = outfile_open(&out->file, out->path);
	if (ret)
		vmt_err_set(err, "%s: cannot create: %s", out->path, strerror(-ret));
	else if (out->slot)
		*out->slot = out->file.f;
	return ret;
}

/* Step 0 syncs, step 1 renames. */
static int output_finish(struct output *out, int step, struct vmt_err *err)
{
	int ret;

	if (!out->path)
		return 0;
	ret = step ? outfile_commit(&out->file) : outfile_sync(&out->file);
	if (ret)
		vmt_err_set(err, "%s: cannot write: %s", out->path, strerror(-ret));
	return ret;
}

int cmd_replay(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "allocator", required_argument, NULL, 'a' },
		{ "range", required_argument, NULL, 'r' },
		{ "strict", no_argument, NULL, 's' },
		{ "check", no_argument, NULL, 'c' },
		{ "lowest-fit-audit", no_argument, NULL, 'A' },
		{ "reference", required_argument, NULL, 'R' },
		{ "lazy", no_argument, NULL, 'z' },
		{ "json", required_argument, NULL, 'j' },
		{ "events", required_argument, NULL, 'e' },
		{ "series", required_argument, NULL, 'S' },
		{ "every", required_argument, NULL, 'n' },
		{ "lock-stat", no_argument, NULL, 'L' },
		{ "lock", required_argument, NULL, 'l' },
		{ "threads", required_argument, NULL, 't' },
		{ "scale", required_argument, NULL, 'k' },
		{ "layout", required_argument, NULL, 'y' },
		{ "holds", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct replay_opts o = { .model = vm_allocator_find("linear"), .series_every = 1000,
				 .scale = 1 };
	struct output outputs[] = {
		{ &o.events_csv }, { &o.series_csv }, { &o.holds_csv }, { &o.layout_csv },
		{ NULL },
	};
	enum { EVENTS, SERIES, HOLDS, LAYOUT, JSON, NOUTPUTS };
	struct replay_summary s;
	struct vmt_trace t = { 0 };
	struct vmt_err err = { { 0 } };
	bool to_stdout = false;
	uint64_t count;
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
		case 'A': o.lowest_fit_audit = true; break;
		case 'z': o.lazy = true; break;
		case 'R':
			o.reference = vm_allocator_find(optarg);
			if (!o.reference) {
				fprintf(stderr, "vmtrace replay: unknown reference model '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'j': outputs[JSON].path = optarg; break;
		case 'e': outputs[EVENTS].path = optarg; break;
		case 'S': outputs[SERIES].path = optarg; break;
		case 'n':
			if (parse_count(optarg, "--every", UINT64_MAX, &o.series_every))
				return EXIT_USAGE;
			break;
		case 'L': o.lock_stat = true; break;
		case 'l':
			if (vm_lock_type_parse(optarg, &o.lock_type)) {
				fprintf(stderr, "vmtrace replay: --lock '%s' is not spinlock, rwlock, mutex or ticket\n",
					optarg);
				return EXIT_USAGE;
			}
			o.lock_override = true;
			break;
		case 't':
			if (parse_count(optarg, "--threads", 1024, &count))
				return EXIT_USAGE;
			o.threads = (unsigned)count;
			break;
		case 'k':
			if (parse_count(optarg, "--scale", 1024, &count))
				return EXIT_USAGE;
			o.scale = (unsigned)count;
			break;
		case 'y': outputs[LAYOUT].path = optarg; break;
		case 'H': outputs[HOLDS].path = optarg; break;
		case 'h':
			replay_usage(stdout);
			return 0;
		default:
			replay_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (o.threads && (outputs[EVENTS].path || outputs[SERIES].path || outputs[HOLDS].path)) {
		fprintf(stderr, "vmtrace replay: --events, --series and --holds are "
			"single-threaded: not with --threads\n");
		return EXIT_USAGE;
	}
	if (o.threads && (o.lowest_fit_audit || o.reference)) {
		fprintf(stderr, "vmtrace replay: --lowest-fit-audit and --reference are "
			"single-threaded: not with --threads\n");
		return EXIT_USAGE;
	}
	if (o.lazy && (o.threads || outputs[EVENTS].path)) {
		/* A lazy free's search happens at its purge, not on its row. */
		fprintf(stderr, "vmtrace replay: --lazy is not with --threads or --events\n");
		return EXIT_USAGE;
	}
	if (o.scale > 1 && !o.threads) {
		fprintf(stderr, "vmtrace replay: --scale goes with --threads\n");
		return EXIT_USAGE;
	}
	if (outputs[HOLDS].path && !o.lock_stat) {
		fprintf(stderr, "vmtrace replay: --holds goes with --lock-stat\n");
		return EXIT_USAGE;
	}
	if (o.threads)
		o.lock_stat = true;
	if (optind != argc - 1) {
		fprintf(stderr, "vmtrace replay: expected one TRACE\n");
		replay_usage(stderr);
		return EXIT_USAGE;
	}
	o.trace_name = argv[optind];
	ret = vmt_trace_load(o.trace_name, &t, &err);
	if (ret)
		goto out;
	for (int i = 0; i < NOUTPUTS; i++)
		if ((ret = output_open(&outputs[i], &err)))
			goto out;
	ret = o.threads ? replay_threads_run(&t, &o, &s, &err) : replay_run(&t, &o, &s, &err);
	if (ret)
		goto out;
	if (outputs[JSON].path &&
	    (ret = write_json(outputs[JSON].file.f, o.trace_name, &t, &o, &s))) {
		vmt_err_set(&err, "%s: cannot write: %s", outputs[JSON].path, strerror(-ret));
		goto out;
	}
	for (int step = 0; step < 2; step++)
		for (int i = 0; i < NOUTPUTS; i++)
			if ((ret = output_finish(&outputs[i], step, &err)))
				goto out;
	for (int i = 0; i < NOUTPUTS; i++)
		to_stdout |= writes_stdout(outputs[i].path);
	if (!to_stdout) {
		printf("%s through %s (%s)\n", o.trace_name, o.model->name, o.model->description);
		summary_print(stdout, &s);
	}
out:
	for (int i = 0; i < NOUTPUTS; i++)
		outfile_abort(&outputs[i].file);
	vmt_trace_free(&t);
	if (ret) {
		fprintf(stderr, "vmtrace replay: %s\n", err.msg[0] ? err.msg : strerror(-ret));
		return 1;
	}
	return 0;
}
