/* SPDX-License-Identifier: MIT */
/*
 * What a command that writes a trace says about it, in one vocabulary:
 * "events" are the trace's alloc, free and purge events (replay's
 * `events`, replay/metrics.h); its live lines are "snapshot areas".
 */
#ifndef VMTRACE_CLI_WRITTEN_H
#define VMTRACE_CLI_WRITTEN_H

#include <stddef.h>

#include "trace/trace.h"

/*
 * The format vmt_trace_save() writes @path in, told by its name: "binary,
 * zstd" (.vmt.zst), "binary" (.vmt), "text" (.txt, or "-"), or NULL when
 * the name says none of these (vmt_trace_save() then writes text).
 */
const char *cli_trace_format(const char *path);

/* @t's events (alloc + free + purge) and, into *@snapshot_areas, its live lines. */
size_t cli_trace_events(const struct vmt_trace *t, size_t *snapshot_areas);

/* One line on stderr: `vmtrace CMD: wrote PATH (FORMAT): N events, M snapshot areas`. */
void cli_say_written(const char *cmd, const char *path, const struct vmt_trace *t);

#endif /* VMTRACE_CLI_WRITTEN_H */
