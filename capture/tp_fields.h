/* SPDX-License-Identifier: MIT */
/*
 * The part of a text event line that tracefs and `perf script` print
 * alike: the `SECONDS.FRACTION:` timestamp and `[vmalloc:]EVENT: FIELDS`,
 * FIELDS being the vmalloc tracepoints' print formats:
 *   alloc_vmap_area: va_start: DEC size=DEC align=DEC vstart=0xHEX vend=0xHEX failed=DEC
 *   free_vmap_area_noflush: va_start=0xHEX nr_lazy=DEC nr_lazy_max=DEC
 *   purge_vmap_area_lazy: start=0xHEX end=0xHEX num_purged=DEC
 * (free's nr_lazy and nr_lazy_max are optional: older kernels print
 * va_start alone; when present they are kept as attributes).
 */
#ifndef VMTRACE_TP_FIELDS_H
#define VMTRACE_TP_FIELDS_H

#include <stdint.h>

#include "capture/builder.h"
#include "capture/scan.h"

/* Where a line came from, for `name:line: what` messages. */
struct tp_line {
	const char *name;
	uint32_t lineno;
	struct vmt_err *err;
};

/* Longest task name kept (the kernel's TASK_COMM_LEN - 1 is 15; slack for
 * tools that print wider names). */
#define TP_COMM_MAX 63

/*
 * Calls @parse_line on each line of @buf in order, with L->lineno set to
 * its number, stopping at the first non-zero return, which it returns.
 * A line holding a NUL byte is rejected (-EINVAL).  @L is the first
 * member of the caller's parser state, so @parse_line may cast it back.
 */
int tp_parse_lines(struct tp_line *L, const char *buf, size_t len,
		   int (*parse_line)(struct tp_line *L, struct scan *line));

/* The most attributes tp_parse_event keeps in ev->extra. */
#define TP_MAX_EXTRA 2

/*
 * Parses all of @tok as `SECONDS.FRACTION:` (1 to 9 fraction digits) into
 * nanoseconds.  Returns 0 or -EINVAL with the message set.
 */
int tp_parse_timestamp(const struct tp_line *L, struct scan_tok tok, uint64_t *ns);

/*
 * @event is the event-name token (`alloc_vmap_area:` or
 * `vmalloc:alloc_vmap_area:`), @sc the rest of the line.  For a vmalloc
 * event, fills ev->op, the fields, VMT_F_FAILED, and ev->extra (pointing
 * into @extra) and returns 0; returns 1, consuming nothing, for another
 * event; -EINVAL with the message set for bad fields.
 */
int tp_parse_event(const struct tp_line *L, struct scan_tok event, struct scan *sc,
		   struct vmt_raw_event *ev, struct vmt_raw_num extra[TP_MAX_EXTRA]);

/*
 * tp_parse_event(), then the event to @b: counts a vmalloc event in
 * *@events, another tracepoint's line in *@others.  Returns 0, or a
 * negative errno with the message set (bad fields, or the builder's).
 */
int tp_add_event(const struct tp_line *L, struct scan_tok event, struct scan *sc,
		 struct vmt_raw_event *ev, struct vmt_builder *b, uint64_t *events,
		 uint64_t *others);

#endif /* VMTRACE_TP_FIELDS_H */
