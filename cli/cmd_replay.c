/* SPDX-License-Identifier: MIT */
/*
 * vmtrace replay: a trace through an allocator model, measured; its
 * output files written whole or not at all.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/provenance.h"
#include "lib/outfile.h"
#include "replay/lock.h"
#include "replay/replay.h"
#include "replay/replay_threads.h"
#include "replay/summary.h"
#include "trace/trace_io.h"

/* The models replayed: one by default, several with -a all or -a A,B. */
#define MAX_MODELS 32
struct model_list {
	const struct vm_allocator_ops *model[MAX_MODELS];
	struct replay_summary summary[MAX_MODELS];
	size_t n;
};

/*
 * The --json document (README, "--json"): the run's settings and the
 * trace's meta, then with one model "model" and "summary", with several
 * "models" (their names in order) and "summaries" (one summary per model,
 * keyed by its name), after what ran (provenance: docs/JSON.md).
 */
static int write_json(FILE *f, int argc, char **argv, const char *trace_path, const struct vmt_trace *t,
		      const struct replay_opts *o,
		      const struct model_list *models)
{
	json_t *doc = NULL, *meta = NULL, *names = NULL, *sums = NULL;
	char lo[32], hi[32];
	int ret = -ENOMEM;

	doc = json_object();
	meta = json_object();
	names = json_array();
	sums = json_object();
	if (!doc || !meta || !names || !sums)
		goto out;
	for (size_t i = 0; i < t->nmeta; i++)
		json_object_set_new(meta, strtab_get(&t->strs, t->meta[i].key),
				    json_string(strtab_get(&t->strs, t->meta[i].text)));
	for (size_t i = 0; i < models->n; i++)
		if (json_array_append_new(names, json_string(models->model[i]->name)) ||
		    json_object_set_new(sums, models->model[i]->name,
					summary_to_json(&models->summary[i])))
			goto out;
	snprintf(lo, sizeof(lo), "0x%" PRIx64, o->has_range ? o->range_lo :
		 t->has_range ? t->range_lo : window_presets[0].lo);
	snprintf(hi, sizeof(hi), "0x%" PRIx64, o->has_range ? o->range_hi :
		 t->has_range ? t->range_hi : window_presets[0].hi);
	if (json_object_set_new(doc, "provenance", provenance_json(argc, argv)) ||
	    json_object_set_new(doc, "trace", json_string(trace_path)) ||
	    (models->n == 1 ?
	     json_object_set_new(doc, "model", json_string(models->model[0]->name)) :
	     json_object_set(doc, "models", names)) ||
	    json_object_set_new(doc, "audit", json_pack("{s:b, s:s?}", "lowest_fit",
							o->lowest_fit_audit, "reference",
							o->reference ? o->reference->name : NULL)) ||
	    json_object_set_new(doc, "lazy", json_boolean(o->lazy)) ||
	    json_object_set_new(doc, "follow_kernel", json_boolean(o->follow_kernel)) ||
	    json_object_set_new(doc, "range", json_boolean(o->has_range)) ||
	    json_object_set_new(doc, "window_lo", json_string(lo)) ||
	    json_object_set_new(doc, "window_hi", json_string(hi)) ||
	    json_object_set(doc, "meta", meta) ||
	    (models->n == 1 ?
	     json_object_set(doc, "summary", json_object_get(sums, models->model[0]->name)) :
	     json_object_set(doc, "summaries", sums)))
		goto out;
	ret = json_dumpf(doc, f, JSON_INDENT(2)) || fputc('\n', f) == EOF ? -EIO : 0;
out:
	json_decref(doc);
	json_decref(meta);
	json_decref(names);
	json_decref(sums);
	return ret;
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
	const char *option;	/* "--events": for messages */
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

/* The model names, space separated, into @buf. */
static void model_names(char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < vm_allocator_count && used < size; i++)
		used += snprintf(buf + used, size - used, "%s%s", i ? " " : "",
				 vm_allocators[i]->name);
}

/* The model named by @text's first @len bytes, or NULL after saying in
 * @why which it is not (and which registered name is close, if one is). */
static const struct vm_allocator_ops *find_model(const char *text, size_t len,
						 struct vmt_err *why)
{
	const char *names[MAX_MODELS], *closest;
	char list[256];
	size_t n = 0;

	for (size_t i = 0; i < vm_allocator_count; i++) {
		if (strlen(vm_allocators[i]->name) == len &&
		    !strncmp(vm_allocators[i]->name, text, len))
			return vm_allocators[i];
		if (n < MAX_MODELS)
			names[n++] = vm_allocators[i]->name;
	}
	closest = cli_closest(text, len, names, n);
	model_names(list, sizeof(list));
	if (closest)
		vmt_err_set(why, "unknown allocator model '%.*s'; did you mean '%s'?",
			    (int)len, text, closest);
	else
		vmt_err_set(why, "unknown allocator model '%.*s' (models: %s)", (int)len, text,
			    list);
	return NULL;
}

/* --reference: a model by name into a const struct vm_allocator_ops *. */
static int parse_model(const char *text, void *dest, struct vmt_err *why)
{
	const struct vm_allocator_ops **model = dest;

	*model = find_model(text, strlen(text), why);
	return *model ? 0 : -EINVAL;
}

/* -a: one model, "all" the registered ones, or names separated by commas,
 * into a struct model_list. */
static int parse_models(const char *text, void *dest, struct vmt_err *why)
{
	struct model_list *models = dest;

	models->n = 0;
	if (!strcmp(text, "all")) {
		for (size_t i = 0; i < vm_allocator_count && i < MAX_MODELS; i++)
			models->model[models->n++] = vm_allocators[i];
		return 0;
	}
	for (const char *name = text; ; name++) {
		size_t len = strcspn(name, ",");
		const struct vm_allocator_ops *m = find_model(name, len, why);

		if (!m)
			return -EINVAL;
		for (size_t i = 0; i < models->n; i++)
			if (models->model[i] == m) {
				vmt_err_set(why, "'%s' named twice", m->name);
				return -EINVAL;
			}
		if (models->n == MAX_MODELS) {
			vmt_err_set(why, "more than %d models", MAX_MODELS);
			return -EINVAL;
		}
		models->model[models->n++] = m;
		name += len;
		if (!*name)
			return 0;
	}
}

/* --lock: the lock type into struct replay_opts, which it overrides. */
static int parse_lock(const char *text, void *dest, struct vmt_err *why)
{
	struct replay_opts *o = dest;

	if (vm_lock_type_parse(text, &o->lock_type)) {
		vmt_err_set(why, "'%s' is not spinlock, rwlock, mutex or ticket", text);
		return -EINVAL;
	}
	o->lock_override = true;
	return 0;
}

enum { EVENTS, SERIES, HOLDS, LAYOUT, MISMATCHES, JSON, NOUTPUTS };

/* What the command line asks of the replay. */
struct replay_request {
	int argc;		/* the command line, for the JSON's provenance */
	char **argv;
	struct replay_opts o;
	struct model_list models;
	struct output outputs[NOUTPUTS];
};

/* The outputs that hold one model's replay: one file cannot hold several. */
static const int per_model_outputs[] = { EVENTS, SERIES, HOLDS, LAYOUT, MISMATCHES };

/* The options that do not go together.  0, or -EINVAL after saying why. */
static int check_combinations(const struct cli_command *cmd, const struct replay_request *r)
{
	const struct replay_opts *o = &r->o;
	const struct output *out = r->outputs;

	/* Rows and samples need one order of events; threads have none. */
	if (o->threads && (out[EVENTS].path || out[SERIES].path))
		return cli_usage_error(cmd, "--events and --series are "
				       "single-threaded: not with --threads");
	/* A lazy free's search happens at its purge, not on its row. */
	if (o->lazy && (o->threads || out[EVENTS].path))
		return cli_usage_error(cmd, "--lazy is not with --threads or --events");
	/* Following needs one order of decisions; so do the rows of the misses. */
	if (o->threads && (o->follow_kernel || out[MISMATCHES].path))
		return cli_usage_error(cmd, "--follow-kernel and --mismatches are "
				       "single-threaded: not with --threads");
	if (o->scale > 1 && !o->threads)
		return cli_usage_error(cmd, "--scale goes with --threads");
	if (out[HOLDS].path && !o->lock_stat && !o->threads)
		return cli_usage_error(cmd, "--holds goes with --lock-stat");
	for (size_t i = 0; i < sizeof(per_model_outputs) / sizeof(per_model_outputs[0]); i++)
		if (r->models.n > 1 && out[per_model_outputs[i]].path)
			return cli_usage_error(cmd, "%s holds one model's replay: give "
					       "one model to -a", out[per_model_outputs[i]].option);
	return 0;
}

/* Fills @r from the command line.  0, or a result for cli_exit_status(). */
static int parse_request(int argc, char **argv, struct replay_request *r)
{
	struct replay_opts *o = &r->o;
	struct cli_window range = { 0 };
	char model_help[320] = "allocator model (default linear), or several: all, or "
			       "names separated by commas (one column each): ";
	const struct cli_option options[] = {
		{ CLI_PARSE("allocator", 'a', "MODELS", model_help, parse_models, &r->models) },
		{ CLI_PARSE("range", 0, "W", "main window: a preset or LO:HI (default: the "
			    "trace's, else x86_64)", cli_parse_window, &range) },
		{ CLI_FLAG("strict", 0, "inconsistent traces (docs/BAD_INPUT.md) are errors, "
			   "not counts", &o->strict) },
		{ CLI_FLAG("check", 0, "run the model's invariant checker after every event",
			   &o->check) },
		{ CLI_FLAG("lowest-fit-audit", 0, "count allocs that differ from lowest fit on "
			   "the model's own layout (lowest_fit_departures)", &o->lowest_fit_audit) },
		{ CLI_PARSE("reference", 0, "MODEL", "also replay through MODEL, each on its own "
			    "layout, and count the placements that differ (reference_differences)",
			    parse_model, &o->reference) },
		{ CLI_FLAG("lazy", 0, "free lazily, as the kernel has since 2.6.28: a freed area "
			   "stays busy until the next purge event, or until an alloc "
			   "finds no room (it purges and searches again)", &o->lazy) },
		{ CLI_FLAG("follow-kernel", 0, "after each alloc placed elsewhere than the kernel's "
			   "va=, the model takes the kernel's address, so fidelity judges each "
			   "decision on the kernel's layout", &o->follow_kernel) },
		{ CLI_STRING("mismatches", 0, "F.csv", "one CSV row per alloc placed elsewhere than "
			     "va=: seq,id,cpu,size,align,kernel_va,model_addr,reason",
			     &r->outputs[MISMATCHES].path) },
		{ CLI_STRING("json", 0, "F", "write the summary as JSON (several models: "
			     "\"models\" and one of \"summaries\" per model)",
			     &r->outputs[JSON].path) },
		{ CLI_STRING("events", 0, "F.csv", "one CSV row per alloc/free: "
			     "seq,op,id,size,align,addr,search", &r->outputs[EVENTS].path) },
		{ CLI_STRING("series", 0, "F.csv", "fragmentation samples every N events (CSV)",
			     &r->outputs[SERIES].path) },
		{ CLI_U64("every", 0, "N", "sampling interval for --series (default 1000)",
			  &o->series_every, 1, UINT64_MAX) },
		{ CLI_FLAG("lock-stat", 0, "take the model's lock around every call and time holds",
			   &o->lock_stat) },
		{ CLI_PARSE("lock", 0, "TYPE", "take this lock instead: spinlock, rwlock, mutex, "
			    "ticket", parse_lock, o) },
		{ CLI_UNSIGNED("threads", 0, "N", "replay the per-CPU streams on N threads (implies "
			       "--lock-stat; --events, --series and --lazy are single-threaded only)",
			       &o->threads, 1, 1024) },
		{ CLI_UNSIGNED("scale", 0, "K", "with --threads: replay K interleaved copies of "
			       "the trace", &o->scale, 1, 1024) },
		{ CLI_STRING("layout", 0, "F.csv", "write the final busy areas as CSV (addr,size)",
			     &r->outputs[LAYOUT].path) },
		{ CLI_STRING("holds", 0, "F.csv", "with --lock-stat: every hold time as CSV (op,ns,seq), in the "
			     "order of the events, seq as in --events",
			     &r->outputs[HOLDS].path) },
		{ NULL },
	};
	const struct cli_command cmd = {
		.name = "replay", .args = "TRACE", .min_args = 1, .max_args = 1,
		.about = "Replays TRACE through an allocator model (or several, one after the\n"
			 "other) and prints what it measured.  --lazy does not go with --events:\n"
			 "a lazily freed area is searched for at its purge, not on its row.",
		.options = options,
	};
	int first_arg, ret;

	model_names(model_help + strlen(model_help), sizeof(model_help) - strlen(model_help));
	ret = cli_parse(&cmd, argc, argv, &first_arg);
	if (!ret)
		ret = check_combinations(&cmd, r);
	if (ret)
		return ret;
	o->has_range = range.given;
	o->range_lo = range.lo;
	o->range_hi = range.hi;
	if (o->threads)
		o->lock_stat = true;
	o->trace_name = argv[first_arg];
	o->model = r->models.model[0];
	return 0;
}

/*
 * A --range that leaves most of the trace outside: more than half of its
 * snapshot areas, or of its allocs with the kernel's va=, not wholly
 * inside [lo, hi).  The replay goes on (a window may be chosen to cut), but
 * says so in one line on stderr, since the figures then describe a sliver.
 */
static void warn_outside_range(const struct replay_scan *sc, const struct replay_opts *o)
{
	if (!o->has_range)
		return;
	if (2 * sc->areas_out > sc->areas || 2 * sc->placed_out > sc->placed)
		fprintf(stderr, "vmtrace replay: warning: --range 0x%" PRIx64 ":0x%" PRIx64
			" leaves %zu of %zu snapshot areas and %zu of %zu allocs with va= "
			"outside the window\n", o->range_lo, o->range_hi, sc->areas_out, sc->areas,
			sc->placed_out, sc->placed);
}

/*
 * Whether the replay can read the trace as a stream: single-threaded, and
 * no option that names an id per row or keeps a record per id.
 */
static bool streamable(const struct replay_request *r)
{
	return !r->o.threads && !r->outputs[EVENTS].path && !r->outputs[MISMATCHES].path &&
	       !r->o.reference;
}

/* The summary table: one column per model, each named above it. */
static void print_table(const char *trace_name, const struct model_list *models)
{
	const char *names[MAX_MODELS];

	for (size_t i = 0; i < models->n; i++) {
		names[i] = models->model[i]->name;
		printf("%s through %s (%s)\n", trace_name, names[i], models->model[i]->description);
	}
	summary_print_columns(stdout, models->summary, names, models->n);
}

/*
 * Loads the trace, opens the outputs, replays, writes the JSON, then syncs
 * and renames every output; prints the summary unless one goes to stdout.
 * Returns 0, or a negative errno with @err set.
 */
static int run_request(struct replay_request *r, struct vmt_err *err)
{
	const struct replay_opts *o = &r->o;
	struct output *outputs = r->outputs;
	struct vmt_trace loaded = { 0 };
	const struct vmt_trace *t = &loaded;
	struct replay_stream *rs = NULL;
	struct replay_scan scan;
	bool to_stdout = false;
	int ret = -ENOTSUP;

	if (streamable(r))
		ret = replay_stream_open(o->trace_name, o, &rs, err);
	if (!ret) {
		t = replay_stream_header(rs);
		scan = *replay_stream_scan(rs);
	} else if (ret == -ENOTSUP) {
		replay_stream_close(rs);
		rs = NULL;
		if ((ret = vmt_trace_load(o->trace_name, &loaded, err)))
			goto out;
		replay_scan_trace(t, o, &scan);
	} else {
		goto out;
	}
	warn_outside_range(&scan, o);
	for (int i = 0; i < NOUTPUTS; i++)
		if ((ret = output_open(&outputs[i], err)))
			goto out;
	for (size_t i = 0; i < r->models.n; i++) {
		struct replay_opts one = *o;
		char progress[96];

		one.model = r->models.model[i];
		snprintf(progress, sizeof(progress), "vmtrace replay: %s", one.model->name);
		one.progress = progress;
		ret = rs ? replay_stream_run(rs, &one, &r->models.summary[i], err) :
		      o->threads ? replay_threads_run(t, &one, &r->models.summary[i], err) :
				   replay_run(t, &one, &r->models.summary[i], err);
		if (ret)
			goto out;
	}
	if (outputs[JSON].path &&
	    (ret = write_json(outputs[JSON].file.f, r->argc, r->argv, o->trace_name, t, o,
			      &r->models))) {
		vmt_err_set(err, "%s: cannot write: %s", outputs[JSON].path, strerror(-ret));
		goto out;
	}
	for (int step = 0; step < 2; step++)
		for (int i = 0; i < NOUTPUTS; i++)
			if ((ret = output_finish(&outputs[i], step, err)))
				goto out;
	for (int i = 0; i < NOUTPUTS; i++)
		to_stdout |= writes_stdout(outputs[i].path);
	if (!to_stdout)
		print_table(o->trace_name, &r->models);
out:
	for (int i = 0; i < NOUTPUTS; i++)
		outfile_abort(&outputs[i].file);
	replay_stream_close(rs);
	vmt_trace_free(&loaded);
	return ret;
}

int cmd_replay(int argc, char **argv)
{
	struct replay_request r = {
		.argc = argc, .argv = argv,
		.o = { .series_every = 1000, .scale = 1 },
		.models = { .model = { vm_allocator_find("linear") }, .n = 1 },
		.outputs = {
			[EVENTS] = { .option = "--events" }, [SERIES] = { .option = "--series" },
			[HOLDS] = { .option = "--holds" }, [LAYOUT] = { .option = "--layout" },
			[MISMATCHES] = { .option = "--mismatches" }, [JSON] = { .option = "--json" },
		},
	};
	struct vmt_err err = { { 0 } };
	int ret;

	r.outputs[EVENTS].slot = &r.o.events_csv;
	r.outputs[SERIES].slot = &r.o.series_csv;
	r.outputs[HOLDS].slot = &r.o.holds_csv;
	r.outputs[LAYOUT].slot = &r.o.layout_csv;
	r.outputs[MISMATCHES].slot = &r.o.mismatches_csv;
	ret = parse_request(argc, argv, &r);
	if (ret)
		return cli_exit_status(ret);
	ret = run_request(&r, &err);
	if (ret) {
		fprintf(stderr, "vmtrace replay: %s\n", err.msg[0] ? err.msg : strerror(-ret));
		return 1;
	}
	return 0;
}
