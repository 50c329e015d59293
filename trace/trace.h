/* SPDX-License-Identifier: MIT */
/*
 * The in-memory trace: what every trace format (text, binary) and every
 * importer (tracefs, vmallocinfo, perf, trace-cmd, eBPF) produces, and what
 * the replay engine consumes.  traces/FORMAT.md documents the text form.
 *
 * A trace is a header (window, page size, metadata) and one array of
 * events: first the `live` areas of the initial snapshot, then allocs,
 * frees and purges in the order they happened.  Ids and free-form text are
 * interned into string tables, so an event is a fixed 64-byte record.
 */
#ifndef VMTRACE_TRACE_H
#define VMTRACE_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace/strtab.h"

struct progress;

#define VMT_TEXT_VERSION 1

enum vmt_op {
	VMT_LIVE = 1,	/* area busy when the trace starts: id, va, size */
	VMT_ALLOC = 2,	/* id, size, align, vstart, vend, va (what the kernel chose) */
	VMT_FREE = 3,	/* id */
	VMT_PURGE = 4,	/* vstart = start, vend = end, size = n (areas purged) */
};

/* Which optional fields an event carries (text: which keys were given). */
enum vmt_flag {
	VMT_F_FAILED = 1 << 0,	/* alloc: the kernel's allocation failed */
	VMT_F_ALIGN = 1 << 1,	/* align given (else the page size) */
	VMT_F_VSTART = 1 << 2,	/* vstart given (else the main window's lo) */
	VMT_F_VEND = 1 << 3,	/* vend given (else the main window's hi) */
	VMT_F_VA = 1 << 4,	/* va given */
	VMT_F_T = 1 << 5,	/* t given */
	VMT_F_CPU = 1 << 6,	/* cpu given */
	VMT_F_PID = 1 << 7,	/* pid given */
	VMT_F_N = VMT_F_PID,	/* purge: n given (in size); a purge has no pid */
};

struct vmt_event {
	uint8_t op;		/* enum vmt_op */
	uint8_t flags;		/* enum vmt_flag */
	uint16_t cpu;
	uint32_t id;		/* index into trace.ids (live, alloc, free) */
	uint32_t pid;
	uint32_t attrs;		/* index into trace.strs of the other `k=v` text; 0: none */
	uint64_t size;		/* bytes (live, alloc); purge: areas purged */
	uint64_t align;
	uint64_t vstart;	/* purge: start */
	uint64_t vend;		/* purge: end */
	uint64_t va;		/* live: the area's address; alloc: the kernel's choice */
	uint64_t t;		/* nanoseconds, as the source clock gave them */
};

struct vmt_meta {
	uint32_t key;		/* index into trace.strs */
	uint32_t text;		/* index into trace.strs */
};

struct vmt_trace {
	bool has_range;
	uint64_t range_lo, range_hi;	/* main window [lo, hi), when has_range */
	uint64_t page_size;		/* default 4096 */

	struct vmt_meta *meta;
	size_t nmeta, meta_cap;

	struct vmt_event *ev;
	size_t nev, ev_cap;	/* ev_cap 0 with nev > 0: ev is in the backing */
	uint32_t *line;		/* source line of each event (text), or NULL */
	size_t line_cap;

	struct strtab ids;	/* area ids */
	struct strtab strs;	/* metadata keys and text, event attributes */

	/*
	 * Events the capture dropped (ring buffer overruns, ...), as the
	 * source reported them; 0 when none were lost or the source cannot
	 * tell.  Replay results of a trace with lost events are approximate.
	 */
	uint64_t lost_events;

	/*
	 * A binary trace is read in place: its events and strings point into
	 * the loaded file, kept here and handed to release() by
	 * vmt_trace_free.  NULL otherwise.
	 */
	void *backing;
	void (*release)(void *backing);

	/*
	 * A progress line (lib/progress.h) to tick with the events pushed,
	 * then with those written by vmt_trace_save; NULL: none.  Not owned.
	 */
	struct progress *progress;
};

/* Initializes an empty trace (page size 4096, no range). */
int vmt_trace_init(struct vmt_trace *t);
void vmt_trace_free(struct vmt_trace *t);

/*
 * Appends a copy of *@ev (copying events out of the backing first, when
 * they are read in place), returning a pointer to the stored event or NULL
 * on ENOMEM.  @line is its source line (0 when none) and is kept only when
 * the trace tracks lines (see vmt_trace_track_lines).
 */
struct vmt_event *vmt_trace_push(struct vmt_trace *t, const struct vmt_event *ev,
				 uint32_t line);

/* Starts keeping a source line per event.  Call before the first push. */
int vmt_trace_track_lines(struct vmt_trace *t);

/* Copies the events out of the backing (a binary trace read in place),
 * so that they can be changed.  Returns 0 or -ENOMEM. */
int vmt_trace_own_events(struct vmt_trace *t);

/*
 * The possible CPUs of the traced machine: the trace's cpus_possible meta
 * (vmtrace record writes it), else the highest cpu= seen + 1, else 1.
 */
uint32_t vmt_trace_nr_cpus(const struct vmt_trace *t);

/* The trace's cpus_possible meta when it is a valid count, else 0. */
uint32_t vmt_trace_cpus_possible(const struct vmt_trace *t);

/* Appends a metadata line.  Returns 0 or -ENOMEM. */
int vmt_trace_add_meta(struct vmt_trace *t, const char *key, const char *text);

/* Returns the text of metadata @key (the first one), or NULL. */
const char *vmt_trace_meta(const struct vmt_trace *t, const char *key);

/* The name of an op as the text format spells it ("alloc", ...). */
const char *vmt_op_name(enum vmt_op op);

#endif /* VMTRACE_TRACE_H */
