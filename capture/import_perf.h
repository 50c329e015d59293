/* SPDX-License-Identifier: MIT */
/*
 * The `perf script` text parser: what `perf script` prints for a
 * `perf record -e 'vmalloc:*'` capture, fed to the trace builder.
 *
 * An event line is
 *   [COMM] [PID[/TID]] [[CPU]] [SECONDS.FRACTION:] SYSTEM:EVENT: FIELDS
 * the default layout being `COMM TID [CPU] SECONDS.USECS:` and `-F` with
 * any of comm, pid, tid, cpu, time (plus event,trace; `--ns` for 9
 * fraction digits) leaving columns out.  The columns are read right to
 * left from the event name, so COMM may hold spaces; with tid and pid both
 * left out, a COMM whose last word is a number would be read as the pid.
 * The thread id is the pid kept (tracefs prints the same id).  FIELDS
 * are the vmalloc print formats (tp_fields.h).  Lines of other events are
 * skipped and counted, as are perf's own PERF_RECORD_* lines
 * (--show-task-events etc.); callchain lines (tab-indented, from
 * `record -g`), `#` header lines and blank lines are skipped.  Anything
 * else is an error.
 */
#ifndef VMTRACE_IMPORT_PERF_H
#define VMTRACE_IMPORT_PERF_H

#include <stdint.h>

#include "capture/builder.h"

struct vmt_perf_stats {
	uint64_t events;		/* vmalloc events handed to the builder */
	uint64_t other_events;		/* event lines of other tracepoints */
	uint64_t perf_records;		/* PERF_RECORD_* lines */
};

/*
 * Parses @len bytes of `perf script` text at @buf, adding each vmalloc
 * event to @b in file order (perf script sorts by time).  @name is used
 * in messages.  Returns 0 with *@st filled, or -EINVAL with
 * `name:line: what is wrong` in @err, or -ENOMEM.
 */
int vmt_perf_parse(const char *name, const char *buf, size_t len,
		   struct vmt_builder *b, struct vmt_perf_stats *st,
		   struct vmt_err *err);

#endif /* VMTRACE_IMPORT_PERF_H */
