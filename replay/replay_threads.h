/* SPDX-License-Identifier: MIT */
/* Multi-threaded replay (replay/replay_threads.c explains the model). */
#ifndef VMTRACE_REPLAY_THREADS_H
#define VMTRACE_REPLAY_THREADS_H

#include "replay/replay.h"

/*
 * Replays @t on o->threads threads, o->scale interleaved copies, with the
 * single-threaded replay's rules for ids (replay.c).  Fills the counts,
 * search lengths and end-of-trace fragmentation of @s (not the span
 * maxima, the footprint or kernel_va_conflicts, which need one global
 * order), its lock statistics and its thread statistics.  Returns 0 or a negative
 * errno with @err set.  o->events_csv and o->series_csv are ignored.
 */
int replay_threads_run(const struct vmt_trace *t, const struct replay_opts *o,
		       struct replay_summary *s, struct vmt_err *err);

#endif /* VMTRACE_REPLAY_THREADS_H */
