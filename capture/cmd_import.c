/* SPDX-License-Identifier: MIT */
/*
 * `vmtrace import`: a tracefs text trace (and optionally a /proc/vmallocinfo
 * snapshot taken just after tracing started) to a text trace v1.  The
 * reconciliation rules are the builder's (capture/builder.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../replay/commands.h"
#include "../replay/trace_io.h"
#include "builder.h"
#include "import_ftrace.h"
#include "vmallocinfo.h"

#define MAX_META 32

struct import_opts {
	const char *ftrace, *vmallocinfo, *out;
	const char *meta[MAX_META];	/* "key=value" */
	size_t nmeta;
};

static const char usage_text[] =
	"usage: vmtrace import --ftrace TRACE.txt [--vmallocinfo SNAPSHOT] -o OUT.vmt.txt\n"
	"                      [--meta KEY=VALUE]...\n"
	"  Converts a tracefs text trace of the vmalloc:alloc_vmap_area,\n"
	"  free_vmap_area_noflush and purge_vmap_area_lazy events (the `trace` file,\n"
	"  trace_pipe output, or `trace-cmd report`) into a vmtrace text trace.\n"
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

/* Returns 0, or EXIT_USAGE after printing why, or -1 for --help. */
static int parse_args(int argc, char **argv, struct import_opts *o)
{
	static const struct option longopts[] = {
		{ "ftrace", required_argument, NULL, 'f' },
		{ "vmallocinfo", required_argument, NULL, 'v' },
		{ "meta", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': o->ftrace = optarg; break;
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
	if (optind != argc || !o->ftrace || !o->out) {
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

/*
 * The user's --meta lines, the source (base names, so re-importing the
 * shipped raw files elsewhere gives the same trace) and what the parser
 * counted, placed before the builder's import.* lines.
 */
static int add_meta(struct vmt_trace *t, const struct import_opts *o,
		    const struct vmt_ftrace_stats *fs)
{
	size_t nbuilt = t->nmeta;
	char key[128], source[4096];
	struct vmt_meta *moved;
	int ret = 0;

	for (size_t i = 0; !ret && i < o->nmeta; i++) {
		size_t klen = strcspn(o->meta[i], "=");

		snprintf(key, sizeof(key), "%.*s", (int)klen, o->meta[i]);
		ret = vmt_trace_add_meta(t, key, o->meta[i] + klen + 1);
	}
	snprintf(source, sizeof(source), "tracefs text %s%s%s", basename(o->ftrace),
		 o->vmallocinfo ? ", snapshot " : "",
		 o->vmallocinfo ? basename(o->vmallocinfo) : "");
	if (!ret)
		ret = vmt_trace_add_meta(t, "source", source);
	if (!ret)
		ret = add_meta_u64(t, "import.ftrace_other_events", fs->other_events);
	if (!ret)
		ret = add_meta_u64(t, "import.ftrace_lost_events", fs->lost_events);
	if (!ret)
		ret = add_meta_u64(t, "import.ftrace_buffer_wraps", fs->buffer_started);
	if (!ret && fs->has_entries)
		ret = add_meta_u64(t, "import.ftrace_entries_overwritten",
				   fs->entries_written - fs->entries_in_buffer);
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

static void warn_losses(const struct vmt_ftrace_stats *fs)
{
	if (fs->lost_events || fs->buffer_started ||
	    (fs->has_entries && fs->entries_written > fs->entries_in_buffer))
		fprintf(stderr, "vmtrace import: warning: the ring buffer lost events "
			"(%" PRIu64 " reported lost, %" PRIu64 " buffer wraps, %" PRIu64
			" overwritten): expect unknown frees and stale areas in the replay\n",
			fs->lost_events, fs->buffer_started,
			fs->has_entries ? fs->entries_written - fs->entries_in_buffer : 0);
}

int cmd_import(int argc, char **argv)
{
	struct import_opts o = { 0 };
	struct vmt_ftrace_stats fs;
	struct vmt_build_stats bs;
	struct vmt_snapshot snap = { 0 };
	struct vmt_builder b = { 0 };
	struct vmt_trace t = { 0 };
	struct vmt_err err = { { 0 } };
	struct input_file in = { 0 };
	int ret;

	ret = parse_args(argc, argv, &o);
	if (ret)
		return ret < 0 ? 0 : ret;
	if (vmt_snapshot_init(&snap) || vmt_builder_init(&b, o.ftrace)) {
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
	if ((ret = input_file_open(o.ftrace, &in, &err)) ||
	    (ret = vmt_ftrace_parse(o.ftrace, in.data, in.len, &b, &fs, &err)))
		goto out;
	if ((ret = vmt_builder_finish(&b, &t, &bs, &err)))
		goto out;
	if ((ret = add_meta(&t, &o, &fs))) {
		vmt_err_set(&err, "out of memory");
		goto out;
	}
	if ((ret = vmt_trace_save(o.out, &t, &err)))
		goto out;
	warn_losses(&fs);
	fprintf(stderr, "vmtrace import: %" PRIu64 " allocs (%" PRIu64 " failed), %" PRIu64
		" frees, %" PRIu64 " purges; %" PRIu64 " snapshot areas (%" PRIu64
		" dropped as seen in the trace); %" PRIu64 " unpurged freed at start; %"
		PRIu64 " unknown frees -> %s\n", bs.allocs, bs.failed_allocs, bs.frees,
		bs.purges, bs.snapshot_areas, bs.snapshot_dropped + bs.unpurged_dropped,
		bs.unpurged_synthetic, bs.unknown_frees, o.out);
out:
	if (ret)
		fprintf(stderr, "vmtrace import: %s\n", err.msg);
	if (in.data)
		input_file_close(&in);
	vmt_trace_free(&t);
	vmt_builder_free(&b);
	vmt_snapshot_free(&snap);
	return ret ? 1 : 0;
}
