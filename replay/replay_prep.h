/* SPDX-License-Identifier: MIT */
/*
 * What the single- and multi-threaded replays share besides the engine:
 * the window rules (replay.h explains them), turning an alloc event into a
 * model call, messages about an event, choosing the lock, and the
 * summary's figures.  Internal to replay/.
 */
#ifndef VMTRACE_REPLAY_PREP_H
#define VMTRACE_REPLAY_PREP_H

#include <stdarg.h>

#include "replay/frag.h"
#include "lib/histogram.h"
#include "replay/lock.h"
#include "replay/lockstat.h"
#include "replay/replay.h"

struct replay_windows {
	uint64_t main_lo, main_hi;	/* the main window of this replay */
	uint64_t trace_lo, trace_hi;	/* the trace's own main window */
};

void replay_windows_init(const struct vmt_trace *t, const struct replay_opts *o,
			 struct replay_windows *w);

void replay_scan_init(struct replay_scan *sc);

/* Adds events @ev[0, n) of @t, the next ones of the trace, to @sc. */
void replay_scan_add(struct replay_scan *sc, const struct replay_windows *w,
		     const struct replay_opts *o, const struct vmt_event *ev, size_t n);

/* The smallest page-aligned space holding every window and snapshot area. */
void replay_model_window(const struct vmt_trace *t, const struct replay_windows *w,
			 const struct replay_scan *sc, struct vm_window *out);

/*
 * Turns alloc event @ev into a model request (its cpu= when given, else
 * VM_CPU_UNKNOWN).  Returns 0, or -EINVAL with the reason in @why when the
 * event is invalid (size 0 or not a page multiple, align not a power of
 * two, vstart >= vend): it is then not replayed.
 */
int alloc_call_prepare(const struct vmt_trace *t, const struct replay_windows *w,
		       const struct vmt_event *ev, struct vm_request *call,
		       char *why, size_t why_len);

/*
 * Sets `TRACE:LINE: what` in @err for event @index of @t (`TRACE: event
 * N: what` when the trace has no line numbers), unless @err is set.
 */
void replay_event_error(struct vmt_err *err, const struct vmt_trace *t, const char *name,
			size_t index, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void replay_event_verror(struct vmt_err *err, const struct vmt_trace *t, const char *name,
			 size_t index, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));

/* Initializes the lock the replay takes: --lock, else the model's own. */
int replay_lock_choose(const struct replay_opts *o, struct replay_lock *l);

/* Writes the model's busy areas as CSV rows `addr,size` under a header.
 * Returns 0, -EIO, or the walk's error. */
int replay_write_layout(const struct vm_allocator_ops *ops, struct vm_model *m, FILE *f);

/* Writes every hold time of @acct as CSV rows `op,ns,seq` under a header,
 * in the order of the events, @nlive live lines first (seq as in --events: alloc, free and purge
 * events counted from 1; 0 for a hold made for a live line).  Call before
 * lock_account_summarize().  0, -ENOMEM or -EIO. */
int replay_write_holds(struct lock_account acct[LOCK_OPS], size_t nlive, FILE *f);

/* Fills the lock part of @s from the per-operation accounts. 0 or -ENOMEM. */
int replay_lock_summary(const struct replay_opts *o, struct lock_account acct[LOCK_OPS],
			struct replay_summary *s);

/* The search-length metrics of @s from the two distributions. */
void replay_summarize_searches(const struct histogram *alloc_search,
			       const struct histogram *free_search,
			       struct replay_summary *s);

/* The end-of-trace fragmentation metrics of @s, and the footprint from
 * s->max_span and s->max_live_bytes. */
void replay_summarize_frag(const struct frag *f, struct replay_summary *s);

#endif /* VMTRACE_REPLAY_PREP_H */
