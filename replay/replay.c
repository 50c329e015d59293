/* SPDX-License-Identifier: MIT */
/*
 * The single-threaded replay: every event of the trace in order, through
 * the engine (replay/engine.h), on one worker.
 *
 * Invariants: events after the trace's stop event (the first
 * inconsistency under --strict, see replay/track.h) never reach the
 * model; the clock runs over the events only, the snapshot being set-up.
 */
#define _POSIX_C_SOURCE 200809L
#include <time.h>

#include "lib/progress.h"
#include "replay/engine.h"
#include "replay/replay.h"

/* How many events ahead replay_run() prefetches an id's state. */
#define ID_PREFETCH_AHEAD 8

static double clock_seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int replay_run(const struct vmt_trace *t, const struct replay_opts *o,
	       struct replay_summary *s, struct vmt_err *err)
{
	struct replay_engine e;
	struct replay_worker w = { .e = &e };
	struct progress p = { 0 };
	double t0, cpu0, seconds, cpu_seconds;
	int ret;

	if ((ret = replay_engine_init(&e, t, o, 1, false, s, err)))
		goto out;
	if (o->progress)
		progress_start(&p, o->progress, "events", s->events);
	t0 = clock_seconds(CLOCK_MONOTONIC);
	cpu0 = clock_seconds(CLOCK_THREAD_CPUTIME_ID);
	for (size_t i = 0; i < t->nev; i++) {
		/* A free finds its id's state where the alloc left it, long
		 * ago and out of cache: fetch it a few events ahead. */
		if (i + ID_PREFETCH_AHEAD < t->nev)
			__builtin_prefetch(&e.track.ids[t->ev[i + ID_PREFETCH_AHEAD].id], 1);
		if ((ret = replay_engine_event(&w, i, 0)) || (ret = replay_engine_step(&w, i))) {
			vmt_err_set(err, "%s", w.err.msg);
			goto out;
		}
		/* The snapshot is set-up: the clock runs over the events. */
		if (t->ev[i].op == VMT_LIVE && (i + 1 == t->nev || t->ev[i + 1].op != VMT_LIVE)) {
			t0 = clock_seconds(CLOCK_MONOTONIC);
			cpu0 = clock_seconds(CLOCK_THREAD_CPUTIME_ID);
		}
		progress_tick(&p, w.seq);
	}
	seconds = clock_seconds(CLOCK_MONOTONIC) - t0;
	cpu_seconds = clock_seconds(CLOCK_THREAD_CPUTIME_ID) - cpu0;
	progress_end(&p);
	if ((ret = replay_engine_finish(&e, &w, 1, s)))
		goto out;
	s->replay_seconds = seconds;
	s->replay_cpu_seconds = cpu_seconds;
	s->events_per_sec = seconds > 0 ? (double)s->events / seconds : 0.0;
out:
	progress_end(&p);
	if (ret)
		replay_engine_fail(err, o->trace_name, ret);
	replay_engine_destroy(&e);
	replay_worker_free(&w);
	return ret;
}
