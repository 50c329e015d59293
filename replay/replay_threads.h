/* SPDX-License-Identifier: MIT */
/* Multi-threaded replay (replay/replay_threads.c explains the model). */
#ifndef VMTRACE_REPLAY_THREADS_H
#define VMTRACE_REPLAY_THREADS_H

#include "replay/replay.h"

/*
 * Replays @t on o->threads threads, o->scale interleaved copies, through
 * the single-threaded replay's engine (replay.h): the same rules for ids,
 * the same counts (each copy judged on its own, replay/track.h), the same
 * first --strict error.  Fills the counts, search lengths and end-of-trace
 * fragmentation of @s (not the span maxima nor the footprint, which need
 * one order of events: 0), its lock statistics and its thread statistics.
 * Returns 0 or a negative errno with @err set, as replay_run(); -EINVAL
 * for o->lazy, o->events_csv or o->series_csv, which need one order of
 * events; -E2BIG when the ids of o->scale copies do not fit in 32 bits.
 */
int replay_threads_run(const struct vmt_trace *t, const struct replay_opts *o,
		       struct replay_summary *s, struct vmt_err *err);

#endif /* VMTRACE_REPLAY_THREADS_H */
