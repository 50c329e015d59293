/* SPDX-License-Identifier: MIT */
/*
 * The replay engine: applies a trace's snapshot, then its events in order,
 * to one allocator model, and measures it (replay/metrics.h).  Two loops,
 * one engine (replay/engine.h): replay_run() on one thread, and
 * replay_threads_run() (replay_threads.h) on several.  Both judge the
 * trace by the same rules (replay/track.h, docs/BAD_INPUT.md), so every
 * count and every --strict error is the same in both; both make every
 * model call through the same locked, timed path.
 *
 * Options with --threads.  --strict, --check, --range, --lock-stat,
 * --lock, --layout, --holds, --lowest-fit-audit and --reference mean the
 * same as without; the checker, the audit, the reference and the layout
 * run under the model lock.  --lazy, --events and --series need one order
 * of events, which threads do not have: replay_threads_run() rejects them
 * (-EINVAL, with a message).
 *
 * Windows.  The main window is --range, else the trace's `range` line,
 * else the x86_64 preset.  An alloc without vstart/vend is bounded by the
 * main window.  An alloc bounded by the trace's own main window (vend may
 * also be one byte short of it, as the kernel's VMALLOC_END is) follows
 * the main window when --range moves it; other request windows (modules,
 * execmem) are kept as recorded.  The model manages the smallest
 * page-aligned address space holding the main window, every request
 * window and every snapshot area, so each request is bounded exactly by
 * its own window, as alloc_vmap_area() does.
 */
#ifndef VMTRACE_REPLAY_H
#define VMTRACE_REPLAY_H

#include <stdbool.h>
#include <stdio.h>

#include "allocator/allocator.h"
#include "lib/diag.h"
#include "replay/metrics.h"
#include "trace/trace.h"
#include "trace/window.h"

struct replay_opts {
	const struct vm_allocator_ops *model;
	const char *trace_name;		/* for messages */
	bool has_range;			/* --range given */
	uint64_t range_lo, range_hi;
	bool strict;		/* inconsistencies are errors, not counts */
	bool check;		/* run the model's invariant checker after every event */
	bool lowest_fit_audit;	/* count lowest_fit_departures (allocator/lowest_fit.h) */
	/* Frees lazily, as the kernel does since 2.6.28: a freed area stays
	 * busy in the model until the next purge event, or until an alloc
	 * finds no room (which purges and retries once).  Not with
	 * events_csv (a free's search happens at the purge) nor threads
	 * (-EINVAL). */
	bool lazy;
	FILE *events_csv;	/* per alloc/free rows, or NULL; not with threads */
	FILE *series_csv;	/* fragmentation samples, or NULL; not with threads */
	uint64_t series_every;	/* sample every N events (> 0 when series_csv) */
	bool lock_stat;		/* take the lock around model calls and time them */
	bool lock_override;	/* take lock_type instead of the model's own */
	enum vm_lock_type lock_type;
	unsigned threads;	/* replay_threads_run: threads (>= 1) */
	unsigned scale;		/* replay_threads_run: interleaved copies (>= 1) */
	FILE *layout_csv;	/* the final busy areas (addr,size), or NULL */
	FILE *holds_csv;	/* with lock_stat: every hold time (op,ns), or NULL */
	/* --reference: a second model replaying the same events on its own
	 * layout, to count the placements that differ (or NULL). */
	const struct vm_allocator_ops *reference;
	/* After each alloc the model placed elsewhere than the kernel's va=,
	 * the model's layout takes the kernel's (vm_allocator_ops.follow), so
	 * one miss does not cascade.  Single-threaded only (-EINVAL). */
	bool follow_kernel;
	/* One CSV row per alloc the model placed elsewhere than va=
	 * (seq,id,cpu,size,align,kernel_va,model_addr,reason), or NULL;
	 * single-threaded only. */
	FILE *mismatches_csv;
	/* A progress line (lib/progress.h) headed by this text while the
	 * events replay, on a terminal only; or NULL.  Single-threaded only
	 * (replay_threads_run ignores it: a line would perturb the timing of
	 * contention). */
	const char *progress;
};

/*
 * Replays @t.  Returns 0 with *@s filled, or a negative errno with the
 * reason in @err: -EINVAL (an inconsistency under --strict, or --lazy with
 * --events), -EFAULT (an invariant broke under --check), -ENOMEM, -EIO
 * (writing a CSV failed).
 */
int replay_run(const struct vmt_trace *t, const struct replay_opts *o,
	       struct replay_summary *s, struct vmt_err *err);

/*
 * What a replay must know of the whole trace before its first event, read
 * from the events in one pass (before the replay, so a streamed trace is
 * read twice): the space the model must manage, the cpus, the snapshot's
 * length, and how much of the trace a --range leaves outside.
 */
struct replay_scan {
	size_t nev;			/* events seen, live lines included */
	size_t nlive;			/* the live lines that open the trace */
	uint64_t lo, hi;		/* every snapshot area and request window */
	uint32_t cpus;			/* the highest cpu= + 1; 0: none */
	size_t areas, areas_out;	/* snapshot areas, and those outside --range */
	size_t placed, placed_out;	/* allocs with va=, and those outside --range */
};

/* The scan of a loaded trace, under the windows @o gives it. */
void replay_scan_trace(const struct vmt_trace *t, const struct replay_opts *o,
		       struct replay_scan *sc);

/*
 * A binary trace replayed as it is read, so that memory follows the areas
 * and ids alive at once, not the trace's length (replay.c).  Single-
 * threaded; --threads, and the options that write an id per row
 * (--events, --mismatches) or keep a record per id (--reference), load the
 * trace whole instead.
 *
 * replay_stream_open() reads the whole file once, checking everything
 * (checksum included) and noting what the replay must know first
 * (replay/replay_prep.h, struct replay_scan): a bad file fails before any
 * replay.  Returns 0; -ENOTSUP (no message) when @path is not a regular
 * file holding a binary trace, which is then to be loaded whole; or a
 * negative errno with @err set.  Close *@rs in every case.
 */
struct replay_stream;

int replay_stream_open(const char *path, const struct replay_opts *o,
		       struct replay_stream **rs, struct vmt_err *err);

/* The trace's header, meta and text table (no events, no ids). */
const struct vmt_trace *replay_stream_header(const struct replay_stream *rs);
const struct replay_scan *replay_stream_scan(const struct replay_stream *rs);

/* replay_run() on @rs, reading the file again.  Same returns. */
int replay_stream_run(const struct replay_stream *rs, const struct replay_opts *o,
		      struct replay_summary *s, struct vmt_err *err);

void replay_stream_close(struct replay_stream *rs);

#endif /* VMTRACE_REPLAY_H */
