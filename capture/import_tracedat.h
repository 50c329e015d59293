/* SPDX-License-Identifier: MIT */
/*
 * The trace-cmd trace.dat reader: the vmalloc:alloc_vmap_area,
 * free_vmap_area_noflush and purge_vmap_area_lazy records of a trace.dat
 * (`trace-cmd record`, or `trace-cmd extract [-B INSTANCE]` after enabling
 * the events through tracefs), read through libtracecmd/libtraceevent and
 * fed to the trace builder in time order (the CPUs merged by timestamp).
 *
 * The vmalloc records must all be in one buffer: the top-level one or one
 * instance (`extract -B`); two buffers holding them would be two
 * overlapping views of the same allocator, and are refused.  Fields are
 * read by name (alloc: addr size align vstart vend failed; free: va_start
 * nr_lazy nr_lazy_max; purge: start end npurged), the pid from
 * common_pid, the task name from the file's saved cmdlines.  Timestamps
 * are taken as nanoseconds (the default `local` trace clock).  Records of
 * other events are skipped and counted; the ring buffer's missed-event
 * counts are added up so a loss is never silent.
 */
#ifndef VMTRACE_IMPORT_TRACEDAT_H
#define VMTRACE_IMPORT_TRACEDAT_H

#include <stdint.h>

#include "capture/builder.h"

struct vmt_tracedat_stats {
	uint64_t events;		/* vmalloc events handed to the builder */
	uint64_t other_events;		/* records of other events */
	uint64_t lost_events;		/* sum of the known missed-event counts */
	uint64_t lost_unknown;		/* losses reported without a count */
	char buffer[64];		/* the buffer read: "" for the top level */
};

/*
 * Reads the trace.dat at @path (compressed whole with zstd or not), adding each vmalloc event to @b, whose
 * messages name records `path:N` (N counts the buffer's records from 1).
 * Returns 0 with *@st filled, or a negative errno with `path: what is
 * wrong` (or `path:N: ...`) in @err.
 */
int vmt_tracedat_load(const char *path, struct vmt_builder *b,
		      struct vmt_tracedat_stats *st, struct vmt_err *err);

#endif /* VMTRACE_IMPORT_TRACEDAT_H */
