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
		"                      [--lowest-fit-audit] [--json F] [--events F.csv] [--series F.csv] [--every N] TRACE\n"
		"\n"
		"  -a, --allocator MODEL  allocator model (default linear):");
	for (size_t i = 0; i < vm_allocator_count; i++)
		fprintf(f, " %s", vm_allocators[i]->name);
	fprintf(f,
		"\n"
		"  --range W     main window: a preset or LO:HI (default: the trace's, else x86_64)\n"
		"  --strict      unknown frees and invalid events are errors, not counts\n"
		"  --check       run the model's invariant checker after every event\n"
		"  --lowest-fit-audit  count allocs that differ from lowest fit on the model's\n"
		"                own layout (lowest_fit_departures)\n"
		"  --json F      write the summary as JSON\n"
		"  --events F    one CSV row per alloc/free: seq,op,id,size,align,addr,search\n"
		"  --series F    fragmentation samples every N events (CSV)\n"
		"  --every N     sampling interval for --series (default 1000)\n");
}

static int write_json(const char *path, const char *trace_path,
		      const struct vmt_trace *t, const struct replay_opts *o,
		      const struct replay_summary *s, struct vmt_err *err)
{
	json_t *doc = NULL, *meta = NULL, *sum = NULL;
	struct outfile out = { 0 };
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
	ret = outfile_open(&out, path);
	if (ret)
		goto out;
	ret = json_dumpf(doc, out.f, JSON_INDENT(2)) || fputc('\n', out.f) == EOF ? -EIO : 0;
	if (ret)
		outfile_abort(&out);
	else
		ret = outfile_commit(&out);
out:
	if (ret)
		vmt_err_set(err, "%s: cannot write: %s", path, strerror(-ret));
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
		{ "lowest-fit-audit", no_argument, NULL, 'L' },
		{ "json", required_argument, NULL, 'j' },
		{ "events", required_argument, NULL, 'e' },
		{ "series", required_argument, NULL, 'S' },
		{ "every", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct replay_opts o = { .model = vm_allocator_find("linear"), .series_every = 1000 };
	const char *json_path = NULL, *events_path = NULL, *series_path = NULL;
	struct outfile events = { 0 }, series = { 0 };
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
		case 'L': o.lowest_fit_audit = true; break;
		case 'j': json_path = optarg; break;
		case 'e': events_path = optarg; break;
		case 'S': series_path = optarg; break;
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
	if (events_path && (ret = outfile_open(&events, events_path))) {
		vmt_err_set(&err, "%s: cannot create: %s", events_path, strerror(-ret));
		goto out;
	}
	if (series_path && (ret = outfile_open(&series, series_path))) {
		vmt_err_set(&err, "%s: cannot create: %s", series_path, strerror(-ret));
		goto out;
	}
	o.events_csv = events.f;
	o.series_csv = series.f;
	ret = replay_run(&t, &o, &s, &err);
	if (ret)
		goto out;
	if (events.f && (ret = outfile_commit(&events))) {
		vmt_err_set(&err, "%s: cannot write: %s", events_path, strerror(-ret));
		goto out;
	}
	if (series.f && (ret = outfile_commit(&series))) {
		vmt_err_set(&err, "%s: cannot write: %s", series_path, strerror(-ret));
		goto out;
	}
	/* The summary last: its presence says the whole run succeeded. */
	if (json_path && (ret = write_json(json_path, o.trace_name, &t, &o, &s, &err)))
		goto out;
	if (events.f != stdout && series.f != stdout && !(json_path && !strcmp(json_path, "-"))) {
		printf("%s through %s (%s)\n", o.trace_name, o.model->name, o.model->description);
		summary_print(stdout, &s);
	}
out:
	outfile_abort(&events);
	outfile_abort(&series);
	vmt_trace_free(&t);
	if (ret) {
		fprintf(stderr, "vmtrace replay: %s\n", err.msg[0] ? err.msg : strerror(-ret));
		return 1;
	}
	return 0;
}
