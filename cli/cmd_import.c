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
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
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
	unsigned nsources;		/* source options given: must be 1 */
	const char *vmallocinfo, *out;
	const char *meta[MAX_META];	/* "key=value" */
	size_t nmeta;
};

static const char usage_text[] =
	"usage: vmtrace import (--ftrace TRACE.txt | --perf-script PERF.txt |\n"
	"                       --trace-dat TRACE.dat)\n"
	"                      [--vmallocinfo SNAPSHOT] -o OUT.vmt.txt [--meta KEY=VALUE]...\n"
	"  Converts a trace of the vmalloc:alloc_vmap_area, free_vmap_area_noflush\n"
	"  and purge_vmap_area_lazy events into a vmtrace trace.  Exactly one source:\n"
	"  --ftrace       tracefs text (the `trace` file, trace_pipe, `trace-cmd report`)\n"
	"  --perf-script  the text `perf script` prints for `perf record -e 'vmalloc:*'`\n"
	"  --trace-dat    a trace-cmd trace.dat (`trace-cmd record` or `extract`)\n"
	"  SNAPSHOT is /proc/vmallocinfo read (with real addresses) just after\n"
	"  tracing started; its areas become the trace's live lines.  Each\n"
	"  --meta adds a `meta KEY VALUE` line (kernel=..., captured=...).\n"
	"  OUT is written whole or not at all.  Exit 1 on bad input, 2 on bad usage.\n";

/* KEY=VALUE with KEY one token and VALUE on one line. */
static bool meta_ok(const char *kv)
{
	const char *eq = strchr(kv, '=');

	if (!eq || eq == kv || strchr(kv, '\n') || strchr(kv, '\r'))
		return false;
	for (const char *p = kv; p < eq; p++)
		if (*p == ' ' || *p == '\t' || *p == '#')
			return false;
	return true;
}

static void set_source(struct import_opts *o, enum source_kind kind, const char *path)
{
	o->kind = kind;
	o->input = path;
	o->nsources++;
}

/* Returns 0, or EXIT_USAGE after printing why, or -1 for --help. */
static int parse_args(int argc, char **argv, struct import_opts *o)
{
	static const struct option longopts[] = {
		{ "ftrace", required_argument, NULL, 'f' },
		{ "perf-script", required_argument, NULL, 'p' },
		{ "trace-dat", required_argument, NULL, 'd' },
		{ "vmallocinfo", required_argument, NULL, 'v' },
		{ "meta", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': set_source(o, SRC_FTRACE, optarg); break;
		case 'p': set_source(o, SRC_PERF, optarg); break;
		case 'd': set_source(o, SRC_TRACEDAT, optarg); break;
		case 'v': o->vmallocinfo = optarg; break;
		case 'o': o->out = optarg; break;
		case 'm':
			if (!meta_ok(optarg) || o->nmeta == MAX_META) {
				fprintf(stderr, "vmtrace import: --meta '%s': expected KEY=VALUE "
					"(at most %d)\n", optarg, MAX_META);
				return EXIT_USAGE;
			}
			o->meta[o->nmeta++] = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return -1;
		default:
			fputs(usage_text, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc || o->nsources != 1 || !o->out) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
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

/* Feeds the trace to @b.  Returns 0 or a negative errno with @err set. */
static int read_source(const struct import_opts *o, struct vmt_builder *b,
		       union source_stats *st, struct vmt_err *err)
{
	struct input_file in = { 0 };
	int ret;

	if (o->kind == SRC_TRACEDAT)
		return vmt_tracedat_load(o->input, b, &st->tracedat, err);
	if ((ret = input_file_open(o->input, &in, err)))
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
	struct vmt_trace t = { 0 };
	struct vmt_err err = { { 0 } };
	int ret;

	ret = parse_args(argc, argv, &o);
	if (ret)
		return ret < 0 ? 0 : ret;
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
	if ((ret = read_source(&o, &b, &st, &err)))
		goto out;
	if ((ret = vmt_builder_finish(&b, &t, &bs, &err)))
		goto out;
	if ((ret = add_meta(&t, &o, &st))) {
		vmt_err_set(&err, "out of memory");
		goto out;
	}
	if ((ret = vmt_trace_save(o.out, &t, &err)))
		goto out;
	warn_losses(&o, &st);
	fprintf(stderr, "vmtrace import: %" PRIu64 " allocs (%" PRIu64 " failed), %" PRIu64
		" frees, %" PRIu64 " purges; %" PRIu64 " snapshot areas (%" PRIu64
		" dropped as seen in the trace); %" PRIu64 " unpurged freed at start; %"
		PRIu64 " unknown frees -> %s\n", bs.allocs, bs.failed_allocs, bs.frees,
		bs.purges, bs.snapshot_areas, bs.snapshot_dropped + bs.unpurged_dropped,
		bs.unpurged_synthetic, bs.unknown_frees, o.out);
out:
	if (ret)
		fprintf(stderr, "vmtrace import: %s\n", err.msg);
	vmt_trace_free(&t);
	vmt_builder_free(&b);
	vmt_snapshot_free(&snap);
	return ret ? 1 : 0;
}
