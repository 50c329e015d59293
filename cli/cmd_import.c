/* SPDX-License-Identifier: MIT */
/*
 * `vmtrace import`: a trace of the vmalloc tracepoints (tracefs text,
 * `perf script` text or a trace-cmd trace.dat), and optionally a
 * /proc/vmallocinfo snapshot taken just after tracing started, to a
 * vmtrace trace.  The reconciliation rules are the builder's
 * (capture/builder.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/written.h"
#include "lib/progress.h"
#include "trace/trace_io.h"
#include "capture/builder.h"
#include "capture/import_ftrace.h"
#include "capture/import_perf.h"
#include "capture/import_tracedat.h"
#include "capture/vmallocinfo.h"

#define MAX_META 32

enum source_kind { SRC_FTRACE, SRC_PERF, SRC_TRACEDAT };

/* What each reader counted besides the events. */
union source_stats {
	struct vmt_ftrace_stats ftrace;
	struct vmt_perf_stats perf;
	struct vmt_tracedat_stats tracedat;
};

struct import_opts {
	const char *input;		/* the trace */
	enum source_kind kind;
	const char *vmallocinfo, *out;
	const char *meta[MAX_META];	/* "key=value" */
	size_t nmeta;
};

/* --meta KEY=VALUE, with KEY one token and VALUE on one line, into
 * struct import_opts. */
static int parse_meta(const char *kv, void *dest, struct vmt_err *why)
{
	struct import_opts *o = dest;
	const char *eq = strchr(kv, '=');
	bool ok = eq && eq != kv && !strchr(kv, '\n') && !strchr(kv, '\r') &&
		  o->nmeta < MAX_META;

	for (const char *p = kv; ok && p < eq; p++)
		ok = *p != ' ' && *p != '\t' && *p != '#';
	if (!ok) {
		vmt_err_set(why, "'%s': expected KEY=VALUE (at most %d)", kv, MAX_META);
		return -EINVAL;
	}
	o->meta[o->nmeta++] = kv;
	return 0;
}

static const char cmd_name[] = "import";

/* Fills @o from the command line.  0, or a result for cli_exit_status(). */
static int parse_args(int argc, char **argv, struct import_opts *o)
{
	const char *sources[SRC_TRACEDAT + 1] = { NULL };	/* by enum source_kind */
	const struct cli_option options[] = {
		{ CLI_STRING("ftrace", 0, "TRACE.txt", "tracefs text (the `trace` file, trace_pipe, "
			     "`trace-cmd report`)", &sources[SRC_FTRACE]) },
		{ CLI_STRING("perf-script", 0, "PERF.txt", "the text `perf script` prints for "
			     "`perf record -e 'vmalloc:*'`", &sources[SRC_PERF]) },
		{ CLI_STRING("trace-dat", 0, "TRACE.dat", "a trace-cmd trace.dat (`trace-cmd "
			     "record` or `extract`)", &sources[SRC_TRACEDAT]) },
		{ CLI_STRING("vmallocinfo", 0, "SNAPSHOT", "/proc/vmallocinfo read (with real "
			     "addresses) just after tracing started; its areas become the trace's "
			     "live lines", &o->vmallocinfo) },
		{ CLI_STRING("output", 'o', "OUT.vmt.txt", "the trace, written whole or not at all",
			     &o->out), .required = true },
		{ CLI_PARSE("meta", 0, "KEY=VALUE", "adds a `meta KEY VALUE` line (kernel=..., "
			    "captured=...)", parse_meta, o), .repeats = true },
		{ NULL },
	};
	const struct cli_command cmd = {
		.name = cmd_name, .options = options,
		.about = "Converts a trace of the vmalloc:alloc_vmap_area, free_vmap_area_noflush\n"
			 "and purge_vmap_area_lazy events into a vmtrace trace.  Exactly one source:\n"
			 "--ftrace, --perf-script or --trace-dat; every input, --vmallocinfo too, may\n"
			 "be compressed with zstd (told by content).  Exit 1 on bad input, 2 on bad usage.",
	};
	unsigned nsources = 0;
	int first_arg, ret;

	ret = cli_parse(&cmd, argc, argv, &first_arg);
	if (ret)
		return ret;
	for (enum source_kind k = SRC_FTRACE; k <= SRC_TRACEDAT; k++)
		if (sources[k]) {
			o->kind = k;
			o->input = sources[k];
			nsources++;
		}
	if (nsources != 1)
		return cli_usage_error(&cmd, "expected exactly one of --ftrace, --perf-script "
				       "and --trace-dat");
	return 0;
}

static int add_meta_u64(struct vmt_trace *t, const char *key, uint64_t v)
{
	char num[32];

	snprintf(num, sizeof(num), "%" PRIu64, v);
	return vmt_trace_add_meta(t, key, num);
}

/* `meta source ...`: the reader and base names, so re-importing the
 * shipped raw files elsewhere gives the same trace. */
static int add_source_meta(struct vmt_trace *t, const struct import_opts *o,
			   const union source_stats *st)
{
	static const char *const what[] = {
		[SRC_FTRACE] = "tracefs text", [SRC_PERF] = "perf script",
		[SRC_TRACEDAT] = "trace-cmd trace.dat",
	};
	char buffer[96] = "", source[4096];

	if (o->kind == SRC_TRACEDAT && st->tracedat.buffer[0])
		snprintf(buffer, sizeof(buffer), " (buffer %s)", st->tracedat.buffer);
	snprintf(source, sizeof(source), "%s %s%s%s%s", what[o->kind], basename(o->input),
		 buffer, o->vmallocinfo ? ", snapshot " : "",
		 o->vmallocinfo ? basename(o->vmallocinfo) : "");
	return vmt_trace_add_meta(t, "source", source);
}

/* What the reader counted besides the events. */
static int add_reader_meta(struct vmt_trace *t, const struct import_opts *o,
			   const union source_stats *st)
{
	const struct vmt_ftrace_stats *fs = &st->ftrace;
	int ret = 0;

	switch (o->kind) {
	case SRC_FTRACE:
		ret = add_meta_u64(t, "import.ftrace_other_events", fs->other_events);
		if (!ret)
			ret = add_meta_u64(t, "import.ftrace_lost_events", fs->lost_events);
		if (!ret)
			ret = add_meta_u64(t, "import.ftrace_buffer_wraps", fs->buffer_started);
		if (!ret && fs->has_entries)
			ret = add_meta_u64(t, "import.ftrace_entries_overwritten",
					   fs->entries_written - fs->entries_in_buffer);
		break;
	case SRC_PERF:
		ret = add_meta_u64(t, "import.perf_other_events", st->perf.other_events);
		if (!ret)
			ret = add_meta_u64(t, "import.perf_records", st->perf.perf_records);
		break;
	case SRC_TRACEDAT:
		ret = add_meta_u64(t, "import.tracedat_other_events",
				   st->tracedat.other_events);
		if (!ret)
			ret = add_meta_u64(t, "import.tracedat_lost_events",
					   st->tracedat.lost_events);
		if (!ret)
			ret = add_meta_u64(t, "import.tracedat_lost_unknown",
					   st->tracedat.lost_unknown);
		break;
	}
	return ret;
}

/*
 * The user's --meta lines, the source and what the reader counted, placed
 * before the builder's import.* lines.
 */
static int add_meta(struct vmt_trace *t, const struct import_opts *o,
		    const union source_stats *st)
{
	size_t nbuilt = t->nmeta;
	char key[128];
	struct vmt_meta *moved;
	int ret = 0;

	for (size_t i = 0; !ret && i < o->nmeta; i++) {
		size_t klen = strcspn(o->meta[i], "=");

		snprintf(key, sizeof(key), "%.*s", (int)klen, o->meta[i]);
		ret = vmt_trace_add_meta(t, key, o->meta[i] + klen + 1);
	}
	if (!ret)
		ret = add_source_meta(t, o, st);
	if (!ret)
		ret = add_reader_meta(t, o, st);
	if (ret)
		return ret;
	moved = malloc(nbuilt * sizeof(*moved) + 1);
	if (!moved)
		return -ENOMEM;
	memcpy(moved, t->meta, nbuilt * sizeof(*moved));
	memmove(t->meta, t->meta + nbuilt, (t->nmeta - nbuilt) * sizeof(*moved));
	memcpy(t->meta + t->nmeta - nbuilt, moved, nbuilt * sizeof(*moved));
	free(moved);
	return 0;
}

static void warn_losses(const struct import_opts *o, const union source_stats *st)
{
	const struct vmt_ftrace_stats *fs = &st->ftrace;
	const struct vmt_tracedat_stats *ds = &st->tracedat;

	if (o->kind == SRC_FTRACE &&
	    (fs->lost_events || fs->buffer_started ||
	     (fs->has_entries && fs->entries_written > fs->entries_in_buffer)))
		fprintf(stderr, "vmtrace import: warning: the ring buffer lost events "
			"(%" PRIu64 " reported lost, %" PRIu64 " buffer wraps, %" PRIu64
			" overwritten): expect unknown frees and stale areas in the replay\n",
			fs->lost_events, fs->buffer_started,
			fs->has_entries ? fs->entries_written - fs->entries_in_buffer : 0);
	if (o->kind == SRC_TRACEDAT && (ds->lost_events || ds->lost_unknown))
		fprintf(stderr, "vmtrace import: warning: the ring buffer lost events "
			"(%" PRIu64 " counted, %" PRIu64 " losses of unknown size): expect "
			"unknown frees and stale areas in the replay\n",
			ds->lost_events, ds->lost_unknown);
}

/*
 * Feeds the trace to @b; any input may be zstd-compressed, told by
 * content as replay tells it (its lines are then those of the
 * decompressed text).  Returns 0 or a negative errno with @err set.
 */
static int read_source(const struct import_opts *o, struct vmt_builder *b,
		       union source_stats *st, struct vmt_err *err)
{
	struct input_file in;
	int ret;

	if (o->kind == SRC_TRACEDAT)
		return vmt_tracedat_load(o->input, b, &st->tracedat, err);
	if ((ret = input_file_open_plain(o->input, &in, NULL, err)))
		return ret;
	if (o->kind == SRC_FTRACE)
		ret = vmt_ftrace_parse(o->input, in.data, in.len, b, &st->ftrace, err);
	else
		ret = vmt_perf_parse(o->input, in.data, in.len, b, &st->perf, err);
	input_file_close(&in);
	return ret;
}

int cmd_import(int argc, char **argv)
{
	struct import_opts o = { 0 };
	union source_stats st;
	struct vmt_build_stats bs;
	struct vmt_snapshot snap = { 0 };
	struct vmt_builder b = { 0 };
	struct progress progress;
	char phase[512];
	struct vmt_trace t = { 0 };
	struct vmt_err err = { { 0 } };
	int ret;

	ret = parse_args(argc, argv, &o);
	if (ret)
		return cli_exit_status(ret);
	if (vmt_snapshot_init(&snap) || vmt_builder_init(&b, o.input)) {
		/* Both are safe to free zeroed or initialized. */
		vmt_err_set(&err, "out of memory");
		ret = -1;
		goto out;
	}
	if (o.vmallocinfo) {
		if ((ret = vmt_vmallocinfo_load(o.vmallocinfo, &snap, &err)))
			goto out;
		vmt_builder_set_snapshot(&b, &snap);
	}
	snprintf(phase, sizeof(phase), "vmtrace import: reading %s", o.input);
	progress_start(&progress, phase, "events", 0);
	b.progress = &progress;
	ret = read_source(&o, &b, &st, &err);
	progress_end(&progress);
	if (ret)
		goto out;
	if ((ret = vmt_builder_finish(&b, &t, &bs, &err)))
		goto out;
	if ((ret = add_meta(&t, &o, &st))) {
		vmt_err_set(&err, "out of memory");
		goto out;
	}
	/* The total of the reading is unknown (a text's events are found as
	 * it is parsed); of the writing, it is the trace's records. */
	snprintf(phase, sizeof(phase), "vmtrace import: writing %s", o.out);
	progress_start(&progress, phase, "records", t.nev);
	t.progress = &progress;
	ret = vmt_trace_save(o.out, &t, &err);
	progress_end(&progress);
	if (ret)
		goto out;
	warn_losses(&o, &st);
	cli_say_written(cmd_name, o.out, &t);
	fprintf(stderr, "vmtrace import: %" PRIu64 " allocs (%" PRIu64 " failed), %" PRIu64
		" frees, %" PRIu64 " purges; %" PRIu64 " snapshot areas (%" PRIu64
		" dropped as seen in the trace); %" PRIu64 " unpurged freed at start; %"
		PRIu64 " unknown frees\n", bs.allocs, bs.failed_allocs, bs.frees,
		bs.purges, bs.snapshot_areas, bs.snapshot_dropped + bs.unpurged_dropped,
		bs.unpurged_synthetic, bs.unknown_frees);
out:
	if (ret)
		fprintf(stderr, "vmtrace import: %s\n", err.msg);
	vmt_trace_free(&t);
	vmt_builder_free(&b);
	vmt_snapshot_free(&snap);
	return ret ? 1 : 0;
}
