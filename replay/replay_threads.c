/* SPDX-License-Identifier: MIT */
/*
 * Multi-threaded replay: the trace's per-CPU event streams on N threads,
 * each taking the model's lock around every model call, as the kernel's
 * CPUs contended for vmlist_lock / vmap_area_lock.  Every event goes
 * through the same engine as the single-threaded replay (replay/engine.h),
 * judged by the same rules (replay/track.h).
 *
 * Streams.  An event's stream is its cpu (0 when the trace has none); with
 * --scale K the trace is replayed as K interleaved copies (event i of copy
 * k is the (i*K + k)-th event overall), copy k's cpu c being stream
 * k*ncpu + c and its ids a namespace of their own.  Stream s runs on
 * thread s mod N, in trace order.  The snapshot is reserved once, before
 * the threads start, for copy 0 (so copies > 0 see their frees of
 * snapshot areas as unknown frees).  Purges only count, unless the model
 * frees lazily itself (a purge op): then a purge runs in the stream of the
 * CPU that emitted it, waiting for nothing, as the kernel's drain worker
 * does.  Without --lazy, which is single-threaded, they do nothing to the
 * other models.
 *
 * Dependencies.  An event on an id waits for the previous event on that id
 * (a free for its alloc, an alloc for the free of the id's previous area)
 * when that event belongs to another stream, and only then: there is no
 * global order otherwise, so threads really contend for the lock.  Every
 * dependency points to an earlier event, so the earliest pending event can
 * always run and the replay cannot deadlock.
 *
 * Errors.  Only the events before the first stop event (in the overall
 * order above) are replayed; the error reported is the one of the
 * earliest event that failed, else the stop error: under --strict the
 * same first inconsistency, and message, as without --threads.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "replay/engine.h"
#include "replay/replay_threads.h"

#define NO_DEP SIZE_MAX

struct mt_thread;

struct mt_replay {
	struct replay_engine e;
	const struct vmt_trace *t;
	unsigned copies;
	size_t first;		/* the first event after the snapshot */
	size_t total;		/* events of every copy after the snapshot */
	size_t stop;		/* global events from here on are not replayed */
	size_t *order;		/* global event g -> index in t->ev */
	size_t *dep;		/* g -> the event it waits for, or NO_DEP */
	_Atomic uint8_t *done;	/* g -> replayed */
	atomic_bool abort;
	/* Set once every thread exists, so that threads started first do
	 * not run alone. */
	atomic_bool go;
	struct mt_thread *threads;
	struct replay_worker *workers;	/* one per thread */
};

struct mt_thread {
	struct mt_replay *r;
	struct replay_worker *w;
	pthread_t tid;
	size_t *events;		/* global indices, increasing */
	size_t nevents;
	uint64_t dependency_waits;
	size_t failed;		/* the global event that failed, or NO_DEP */
	int ret;		/* and its error */
};

/* Waits until event @g is replayed; false when the replay is aborted. */
static bool wait_for(struct mt_replay *r, size_t g)
{
	unsigned spins = 0;

	while (!atomic_load_explicit(&r->done[g], memory_order_acquire)) {
		if (atomic_load_explicit(&r->abort, memory_order_relaxed))
			return false;
		if (++spins > 64)
			sched_yield();
	}
	return true;
}

static void *mt_thread_main(void *arg)
{
	struct mt_thread *th = arg;
	struct mt_replay *r = th->r;

	while (!atomic_load(&r->go))
		sched_yield();
	for (size_t i = 0; i < th->nevents; i++) {
		size_t g = th->events[i], dep = r->dep[g];

		if (dep != NO_DEP && !atomic_load_explicit(&r->done[dep], memory_order_acquire)) {
			th->dependency_waits++;
			if (!wait_for(r, dep))
				break;
		}
		if (atomic_load_explicit(&r->abort, memory_order_relaxed))
			break;
		th->ret = replay_engine_event(th->w, r->order[g], (unsigned)(g % r->copies));
		if (th->ret) {
			th->failed = g;
			atomic_store(&r->abort, true);
			break;
		}
		atomic_store_explicit(&r->done[g], 1, memory_order_release);
	}
	return NULL;
}

/* The first global event not to replay: the earliest stop of any copy. */
static size_t mt_stop(const struct mt_replay *r)
{
	size_t stop = r->total;

	for (unsigned k = 0; k < r->copies && k < 2; k++) {
		const struct track_copy *c = track_copy_of(&r->e.track, k);

		if (c->stop < r->t->nev && c->stop >= r->first &&
		    (c->stop - r->first) * r->copies + k < stop)
			stop = (c->stop - r->first) * r->copies + k;
	}
	return stop;
}

/*
 * Lays out the K copies, their streams and dependencies, and gives every
 * thread its events before the stop.
 */
static int mt_plan(struct mt_replay *r, unsigned N, struct replay_summary *s)
{
	const struct vmt_trace *t = r->t;
	size_t n, g, nids = r->e.track.nids, *last = NULL, *count = NULL;
	unsigned k, K = r->copies;
	uint32_t ncpu = 1;
	bool model_purges = r->e.o->model->purge;
	int ret = -ENOMEM;

	while (r->first < t->nev && t->ev[r->first].op == VMT_LIVE)
		r->first++;
	n = t->nev - r->first;
	for (size_t i = r->first; i < t->nev; i++)
		if ((t->ev[i].flags & VMT_F_CPU) && t->ev[i].cpu + 1u > ncpu)
			ncpu = t->ev[i].cpu + 1u;
	r->total = n * K;
	r->stop = mt_stop(r);
	s->threads.streams = (uint64_t)ncpu * K;
	r->order = calloc(r->total + 1, sizeof(*r->order));
	r->dep = calloc(r->total + 1, sizeof(*r->dep));
	r->done = calloc(r->total + 1, sizeof(*r->done));
	last = malloc((nids * K + 1) * sizeof(*last));
	count = calloc(N, sizeof(*count));
	if (!r->order || !r->dep || !r->done || !last || !count)
		goto out;
	for (size_t i = 0; i < nids * K; i++)
		last[i] = NO_DEP;
	for (g = 0; g < r->stop; g++) {
		const struct vmt_event *ev = &t->ev[r->first + g / K];
		uint32_t cpu = (ev->flags & VMT_F_CPU) ? ev->cpu : 0;
		size_t gid = ev->id + (g % K) * nids;

		k = (unsigned)(g % K);
		r->order[g] = r->first + g / K;
		r->dep[g] = NO_DEP;
		if (ev->op != VMT_PURGE) {
			r->dep[g] = last[gid];
			last[gid] = g;
		} else if (!model_purges) {
			continue;
		}
		count[((uint64_t)k * ncpu + cpu) % N]++;
	}
	for (unsigned th = 0; th < N; th++) {
		r->threads[th].events = malloc((count[th] + 1) * sizeof(size_t));
		if (!r->threads[th].events)
			goto out;
	}
	for (g = 0; g < r->stop; g++) {
		const struct vmt_event *ev = &t->ev[r->order[g]];
		uint32_t cpu = (ev->flags & VMT_F_CPU) ? ev->cpu : 0;
		struct mt_thread *th;

		if (ev->op == VMT_PURGE && !model_purges)
			continue;
		th = &r->threads[((uint64_t)(g % K) * ncpu + cpu) % N];
		th->events[th->nevents++] = g;
	}
	ret = 0;
out:
	free(last);
	free(count);
	return ret;
}

/* Runs the threads; 0, or the error of the earliest event that failed. */
static int mt_run(struct mt_replay *r, unsigned N, struct replay_summary *s,
		  struct vmt_err *err)
{
	struct mt_thread *failed = NULL;
	unsigned started;
	uint64_t t0;
	int ret = 0;

	for (started = 0; started < N; started++) {
		ret = -pthread_create(&r->threads[started].tid, NULL, mt_thread_main,
				      &r->threads[started]);
		if (ret) {
			atomic_store(&r->abort, true);
			break;
		}
	}
	t0 = lock_clock_ns();
	atomic_store(&r->go, true);
	for (unsigned i = 0; i < started; i++)
		pthread_join(r->threads[i].tid, NULL);
	s->threads.seconds = (double)(lock_clock_ns() - t0) * 1e-9;
	for (unsigned i = 0; i < N; i++)
		if (r->threads[i].failed != NO_DEP &&
		    (!failed || r->threads[i].failed < failed->failed))
			failed = &r->threads[i];
	if (failed) {
		vmt_err_set(err, "%s", failed->w->err.msg);
		ret = failed->ret;
	}
	return ret;
}

int replay_threads_run(const struct vmt_trace *t, const struct replay_opts *o,
		       struct replay_summary *s, struct vmt_err *err)
{
	struct mt_replay r = { .t = t, .copies = o->scale };
	unsigned N = o->threads;
	const struct track_copy *c;
	int ret;

	if ((ret = replay_engine_init(&r.e, t, o, o->scale, true, s, err)))
		goto out;
	r.threads = calloc(N, sizeof(*r.threads));
	r.workers = calloc(N, sizeof(*r.workers));
	if (!r.threads || !r.workers) {
		ret = -ENOMEM;
		goto out;
	}
	for (unsigned i = 0; i < N; i++) {
		r.workers[i].e = &r.e;
		r.threads[i] = (struct mt_thread){ .r = &r, .w = &r.workers[i], .failed = NO_DEP };
	}
	if ((ret = mt_plan(&r, N, s)))
		goto out;
	/* The snapshot, copy 0's, before the threads start. */
	for (size_t i = 0; i < r.first; i++)
		if ((ret = replay_engine_event(&r.workers[0], i, 0))) {
			vmt_err_set(err, "%s", r.workers[0].err.msg);
			goto out;
		}
	if ((ret = mt_run(&r, N, s, err)))
		goto out;
	if (r.stop < r.total) {
		c = track_copy_of(&r.e.track, (unsigned)(r.stop % r.copies));
		vmt_err_set(err, "%s", c->stop_err.msg);
		ret = c->stop_ret;
		goto out;
	}
	if ((ret = replay_engine_finish(&r.e, r.workers, N, s)))
		goto out;
	for (unsigned i = 0; i < N; i++) {
		s->threads.ops += r.workers[i].ops;
		s->threads.dependency_waits += r.threads[i].dependency_waits;
	}
	s->threads.threads = N;
	s->threads.scale = o->scale;
	s->threads.ops_per_sec = s->threads.seconds > 0 ?
		(double)s->threads.ops / s->threads.seconds : 0.0;
	s->has_threads = true;
	s->replay_seconds = s->threads.seconds;
	s->events_per_sec = s->threads.seconds > 0 ? (double)s->events / s->threads.seconds : 0.0;
out:
	if (ret)
		replay_engine_fail(err, o->trace_name, ret);
	replay_engine_destroy(&r.e);
	for (unsigned i = 0; r.threads && i < N; i++)
		free(r.threads[i].events);
	for (unsigned i = 0; r.workers && i < N; i++)
		replay_worker_free(&r.workers[i]);
	free(r.threads);
	free(r.workers);
	free(r.order);
	free(r.dep);
	free((void *)r.done);
	return ret;
}
