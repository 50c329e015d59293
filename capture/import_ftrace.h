/* SPDX-License-Identifier: MIT */
/*
 * The tracefs text parser: the `trace` / `trace_pipe` files of a tracefs
 * instance, and the same lines as `trace-cmd report` prints them, fed to
 * the trace builder.
 *
 * An event line is
 *   COMM-PID [(TGID)] [CPU] [FLAGS] SECONDS.FRACTION: [vmalloc:]EVENT: FIELDS
 * where COMM is right-aligned (it may hold spaces and '-': the PID is the
 * digits after its last '-'), FLAGS (`d..1.`) is absent when the
 * irq-info option is off and in trace-cmd's default output, and FIELDS
 * are those of the three vmalloc tracepoints' print formats (tp_fields.h).
 * Comment lines (#), blank lines and trace-cmd's `cpus=N` / `version = N`
 * header are skipped; lines of other events are skipped and counted; the
 * ring buffer's loss markers (`CPU:N [LOST M EVENTS]`, trace-cmd's
 * `CPU:N [M EVENTS DROPPED]`, `##### CPU N buffer started ####`) are
 * counted so a loss is never silent.  Anything else is an error.
 */
#ifndef VMTRACE_IMPORT_FTRACE_H
#define VMTRACE_IMPORT_FTRACE_H

#include <stdint.h>

#include "capture/builder.h"

struct vmt_ftrace_stats {
	uint64_t events;		/* vmalloc events handed to the builder */
	uint64_t other_events;		/* event lines of other tracepoints */
	uint64_t lost_events;		/* sum of the LOST / DROPPED counts */
	uint64_t buffer_started;	/* `buffer started` markers: a CPU's
					 * buffer wrapped, older events lost */
	bool has_entries;		/* the `# entries-in-buffer/entries-written` header */
	uint64_t entries_in_buffer, entries_written;
};

/*
 * Parses @len bytes of tracefs text at @buf, adding each vmalloc event to
 * @b in file order.  @name is used in messages.  Returns 0 with *@st
 * filled, or -EINVAL with `name:line: what is wrong` in @err, or -ENOMEM.
 */
int vmt_ftrace_parse(const char *name, const char *buf, size_t len,
		     struct vmt_builder *b, struct vmt_ftrace_stats *st,
		     struct vmt_err *err);

#endif /* VMTRACE_IMPORT_FTRACE_H */
