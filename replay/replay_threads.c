/* SPDX-License-Identifier: MIT */
/*
 * Multi-threaded replay: the trace's per-CPU event streams on N threads,
 * each taking the model's lock around every model call, as the kernel's
 * CPUs contended for vmlist_lock / vmap_area_lock.
 *
 * Streams.  An event's stream is its cpu (0 when the trace has none); with
 * --scale K the trace is replayed as K interleaved copies (event i of copy
 * k is the (i*K + k)-th event overall), copy k's cpu c being stream
 * k*ncpu + c and its ids a namespace of their own.  Stream s runs on
 * thread s mod N, in trace order.  The snapshot is reserved once, before
 * the threads start, for copy 0 (so copies > 0 see their frees of
 * snapshot areas as unknown frees).
 *
 * Dependencies.  An event on an id waits for the previous event on that id
 * (a free for its alloc, an alloc for the free of the id's previous area)
 * when that event belongs to another stream, and only then: there is no
 * global order otherwise, so threads really contend for the lock.  Every
 * dependency points to an earlier event, so the earliest pending event can
 * always run and the replay cannot deadlock.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "replay/frag.h"
#include "lib/histogram.h"
#include "replay/replay_prep.h"
#include "replay/replay_threads.h"

#define NO_DEP SIZE_MAX

/* As in replay.c: where the id stands in the trace, and what the model holds. */
struct mt_id {
	uint64_t addr, size;
	bool live;		/* allocated in the trace (or in the snapshot), not freed */
	bool freed;		/* freed, not allocated again since */
	bool placed;		/* the model holds [addr, addr + size) */
};

struct mt_thread;

struct mt_replay {
	const struct vmt_trace *t;
	const struct replay_opts *o;
	struct replay_windows w;
	struct vm_model *m;
	struct replay_lock lock;
	size_t *order;		/* global event g -> index in t->ev */
	size_t *dep;		/* g -> the event it waits for, or NO_DEP */
	uint32_t *gid;		/* g -> id in the copy's namespace */
	_Atomic uint8_t *done;	/* g -> replayed */
	struct mt_id *ids;
	atomic_bool abort;
	/* Set once every thread exists, so that threads started first do
	 * not run alone. */
	atomic_bool go;
	struct mt_thread *threads;
};

struct mt_thread {
	struct mt_replay *r;
	pthread_t tid;
	size_t *events;		/* global indices, increasing */
	size_t nevents;
	/* Results, merged after the join. */
	struct replay_summary s;
	struct histogram alloc_search, free_search;
	struct lock_account acct[LOCK_OPS];
	uint64_t ops, dependency_waits;
	int error;
	char why[512];
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

static int thread_fail(struct mt_thread *th, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int thread_fail(struct mt_thread *th, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(th->why, sizeof(th->why), fmt, ap);
	va_end(ap);
	th->error = ret;
	atomic_store(&th->r->abort, true);
	return ret;
}

/* The model's invariants, checked inside the lock after a call. */
static int check_locked(struct mt_thread *th)
{
	char why[400];

	if (!th->r->o->check || !th->r->o->model->check(th->r->m, why, sizeof(why)))
		return 0;
	return thread_fail(th, -EFAULT, "invariant broken: %s", why);
}

static int mt_alloc(struct mt_thread *th, size_t g, const struct vmt_event *ev)
{
	struct mt_replay *r = th->r;
	struct mt_id *id = &r->ids[r->gid[g]];
	uint64_t addr = 0, search = 0, held;
	struct alloc_call call;
	char why[256];
	int ret, check;

	bool kernel_failed = ev->flags & VMT_F_FAILED;

	th->s.allocs++;
	if (kernel_failed)
		th->s.kernel_failed_allocs++;
	if (id->live) {
		th->s.invalid_events++;
		return 0;
	}
	/* Live in the trace from here on, even if the model never holds it. */
	if (!kernel_failed) {
		id->live = true;
		id->freed = false;
	}
	if (alloc_call_prepare(r->t, &r->w, ev, &call, why, sizeof(why))) {
		th->s.invalid_events++;
		return 0;
	}
	held = lock_account_enter(&th->acct[LOCK_OP_ALLOC], &r->lock);
	ret = r->o->model->alloc(r->m, call.size, call.align, call.vstart, call.vend,
				 &addr, &search);
	/* The kernel kept no area: neither does the model (no free follows). */
	if (!ret && kernel_failed)
		ret = r->o->model->free(r->m, addr, &(uint64_t){ 0 }) ? -EFAULT : 0;
	check = check_locked(th);
	lock_account_exit(&th->acct[LOCK_OP_ALLOC], &r->lock, held, search);
	th->ops++;
	if (check)
		return check;
	if (ret && ret != -ENOMEM)
		return thread_fail(th, ret, "model error on alloc: %s", strerror(-ret));
	if (histogram_add(&th->alloc_search, search))
		return thread_fail(th, -ENOMEM, "out of memory");
	if (ret) {
		th->s.failed_allocs++;
		return 0;
	}
	if (kernel_failed)
		return 0;
	if ((ev->flags & VMT_F_VA) && ev->va == addr)
		th->s.kernel_va_matches++;
	id->addr = addr;
	id->size = call.size;
	id->placed = true;
	return 0;
}

static int mt_free(struct mt_thread *th, size_t g)
{
	struct mt_replay *r = th->r;
	struct mt_id *id = &r->ids[r->gid[g]];
	uint64_t search = 0, held;
	int ret, check;

	th->s.frees++;
	if (!id->live) {
		if (id->freed)
			th->s.double_frees++;
		else
			th->s.unknown_frees++;
		return 0;
	}
	id->live = false;
	id->freed = true;
	/* Live in the trace but never held by the model: nothing to release. */
	if (!id->placed)
		return 0;
	held = lock_account_enter(&th->acct[LOCK_OP_FREE], &r->lock);
	ret = r->o->model->free(r->m, id->addr, &search);
	check = check_locked(th);
	lock_account_exit(&th->acct[LOCK_OP_FREE], &r->lock, held, search);
	th->ops++;
	if (check)
		return check;
	if (ret)
		return thread_fail(th, ret, "the model has no area at 0x%" PRIx64 ": %s",
				   id->addr, strerror(-ret));
	if (histogram_add(&th->free_search, search))
		return thread_fail(th, -ENOMEM, "out of memory");
	id->placed = false;
	return 0;
}

static void *mt_thread_main(void *arg)
{
	struct mt_thread *th = arg;
	struct mt_replay *r = th->r;

	while (!atomic_load(&r->go))
		sched_yield();
	for (size_t i = 0; i < th->nevents; i++) {
		size_t g = th->events[i], dep = r->dep[g];
		const struct vmt_event *ev = &r->t->ev[r->order[g]];
		int ret = 0;

		if (dep != NO_DEP && !atomic_load_explicit(&r->done[dep], memory_order_acquire)) {
			th->dependency_waits++;
			if (!wait_for(r, dep))
				break;
		}
		if (atomic_load_explicit(&r->abort, memory_order_relaxed))
			break;
		if (ev->op == VMT_ALLOC)
			ret = mt_alloc(th, g, ev);
		else if (ev->op == VMT_FREE)
			ret = mt_free(th, g);
		if (ret)
			break;
		atomic_store_explicit(&r->done[g], 1, memory_order_release);
	}
	return NULL;
}

/*
 * Lays out the K copies, their streams and dependencies, and gives every
 * thread its events.  Purges are counted here; no thread replays them.
 */
static int mt_plan(struct mt_replay *r, struct replay_summary *s)
{
	const struct vmt_trace *t = r->t;
	size_t first = 0, n, total, g, *last = NULL, *count = NULL;
	unsigned k, K = r->o->scale, N = r->o->threads;
	uint32_t ncpu = 1, nids = t->ids.count;
	int ret = -ENOMEM;

	while (first < t->nev && t->ev[first].op == VMT_LIVE)
		first++;
	n = t->nev - first;
	for (size_t i = first; i < t->nev; i++)
		if ((t->ev[i].flags & VMT_F_CPU) && t->ev[i].cpu + 1u > ncpu)
			ncpu = t->ev[i].cpu + 1u;
	if ((uint64_t)nids * K > UINT32_MAX)
		return -E2BIG;
	total = n * K;
	s->threads.streams = (uint64_t)ncpu * K;
	r->order = calloc(total + 1, sizeof(*r->order));
	r->dep = calloc(total + 1, sizeof(*r->dep));
	r->gid = calloc(total + 1, sizeof(*r->gid));
	r->done = calloc(total + 1, sizeof(*r->done));
	r->ids = calloc((size_t)nids * K + 1, sizeof(*r->ids));
	last = malloc(((size_t)nids * K + 1) * sizeof(*last));
	count = calloc(N, sizeof(*count));
	if (!r->order || !r->dep || !r->gid || !r->done || !r->ids || !last || !count)
		goto out;
	for (size_t i = 0; i < (size_t)nids * K; i++)
		last[i] = NO_DEP;
	for (size_t i = 0; i < n; i++) {
		for (k = 0; k < K; k++) {
			const struct vmt_event *ev = &t->ev[first + i];
			uint32_t cpu = (ev->flags & VMT_F_CPU) ? ev->cpu : 0;

			g = i * K + k;
			r->order[g] = first + i;
			r->dep[g] = NO_DEP;
			if (ev->op == VMT_PURGE) {
				s->purges++;
				continue;
			}
			r->gid[g] = ev->id + k * nids;
			r->dep[g] = last[r->gid[g]];
			last[r->gid[g]] = g;
			count[((uint64_t)k * ncpu + cpu) % N]++;
		}
	}
	for (unsigned th = 0; th < N; th++) {
		r->threads[th].events = malloc((count[th] + 1) * sizeof(size_t));
		if (!r->threads[th].events)
			goto out;
	}
	for (g = 0; g < total; g++) {
		const struct vmt_event *ev = &t->ev[r->order[g]];
		uint32_t cpu = (ev->flags & VMT_F_CPU) ? ev->cpu : 0;
		struct mt_thread *th;

		if (ev->op == VMT_PURGE)
			continue;
		th = &r->threads[((uint64_t)(g % K) * ncpu + cpu) % N];
		th->events[th->nevents++] = g;
	}
	s->events = total;
	ret = 0;
out:
	free(last);
	free(count);
	return ret;
}

/* Reserves the snapshot (copy 0) before the threads start. */
static int mt_snapshot(struct mt_replay *r, struct replay_summary *s)
{
	for (size_t i = 0; i < r->t->nev && r->t->ev[i].op == VMT_LIVE; i++) {
		const struct vmt_event *ev = &r->t->ev[i];
		struct mt_id *id = &r->ids[ev->id];
		int ret;

		if (id->live) {
			s->snapshot_conflicts++;
			continue;
		}
		id->live = true;
		if (!ev->size || ev->size % r->t->page_size || ev->va % r->t->page_size ||
		    ev->va + ev->size < ev->va) {
			s->snapshot_conflicts++;
			continue;
		}
		ret = r->o->model->reserve(r->m, ev->va, ev->size);
		if (ret == -EEXIST) {
			s->snapshot_conflicts++;
			continue;
		}
		if (ret)
			return ret;
		id->addr = ev->va;
		id->size = ev->size;
		id->placed = true;
		s->snapshot_areas++;
	}
	return 0;
}

/* Adds thread @th's counts into @s and its distributions into the totals. */
static int mt_merge(struct mt_thread *th, struct replay_summary *s,
		    struct histogram *alloc_search, struct histogram *free_search,
		    struct lock_account acct[LOCK_OPS])
{
	s->allocs += th->s.allocs;
	s->frees += th->s.frees;
	s->failed_allocs += th->s.failed_allocs;
	s->kernel_failed_allocs += th->s.kernel_failed_allocs;
	s->kernel_va_matches += th->s.kernel_va_matches;
	s->unknown_frees += th->s.unknown_frees;
	s->double_frees += th->s.double_frees;
	s->invalid_events += th->s.invalid_events;
	s->threads.ops += th->ops;
	s->threads.dependency_waits += th->dependency_waits;
	for (int op = 0; op < LOCK_OPS; op++)
		if (lock_account_merge(&acct[op], &th->acct[op]))
			return -ENOMEM;
	if (histogram_merge(alloc_search, &th->alloc_search) ||
	    histogram_merge(free_search, &th->free_search))
		return -ENOMEM;
	return 0;
}

int replay_threads_run(const struct vmt_trace *t, const struct replay_opts *o,
		       struct replay_summary *s, struct vmt_err *err)
{
	struct mt_replay r = { .t = t, .o = o };
	struct histogram alloc_search = { 0 }, free_search = { 0 };
	struct lock_account acct[LOCK_OPS] = { { 0 } };
	unsigned started = 0, N = o->threads;
	bool lock_ready = false;
	struct vm_window win;
	uint64_t t0;
	struct frag f;
	int ret;

	memset(s, 0, sizeof(*s));
	replay_windows_init(t, o, &r.w);
	replay_model_window(t, &r.w, &win);
	r.threads = calloc(N, sizeof(*r.threads));
	if (!r.threads) {
		ret = -ENOMEM;
		goto out;
	}
	if ((ret = mt_plan(&r, s)))
		goto out;
	if ((ret = o->model->create(&win, &r.m)))
		goto out;
	if ((ret = replay_lock_choose(o, &r.lock)))
		goto out;
	lock_ready = true;
	if ((ret = mt_snapshot(&r, s)))
		goto out;

	for (started = 0; started < N; started++) {
		r.threads[started].r = &r;
		ret = -pthread_create(&r.threads[started].tid, NULL, mt_thread_main,
				      &r.threads[started]);
		if (ret) {
			atomic_store(&r.abort, true);
			break;
		}
	}
	t0 = lock_clock_ns();
	atomic_store(&r.go, true);
	for (unsigned i = 0; i < started; i++)
		pthread_join(r.threads[i].tid, NULL);
	s->threads.seconds = (double)(lock_clock_ns() - t0) * 1e-9;
	if (ret)
		goto out;
	for (unsigned i = 0; i < N; i++) {
		if (r.threads[i].error) {
			ret = r.threads[i].error;
			vmt_err_set(err, "%s: thread %u: %s", o->trace_name, i, r.threads[i].why);
			goto out;
		}
		if ((ret = mt_merge(&r.threads[i], s, &alloc_search, &free_search, acct)))
			goto out;
	}
	if ((ret = frag_measure(o->model, r.m, r.w.main_lo, r.w.main_hi, &f)))
		goto out;
	replay_summarize_searches(&alloc_search, &free_search, s);
	replay_summarize_frag(&f, s);
	s->threads.threads = N;
	s->threads.scale = o->scale;
	s->threads.ops_per_sec = s->threads.seconds > 0 ?
		(double)s->threads.ops / s->threads.seconds : 0.0;
	s->has_threads = true;
	s->replay_seconds = s->threads.seconds;
	s->events_per_sec = s->threads.seconds > 0 ? (double)s->events / s->threads.seconds : 0.0;
	if ((ret = replay_lock_summary(o, acct, s)))
		goto out;
	if (o->check) {
		char why[400];

		if (o->model->check(r.m, why, sizeof(why))) {
			vmt_err_set(err, "%s: after the threaded replay, %s", o->trace_name, why);
			ret = -EFAULT;
			goto out;
		}
	}
	if (o->layout_csv)
		ret = replay_write_layout(o->model, r.m, o->layout_csv);
out:
	if (ret)
		vmt_err_set(err, "%s: threaded replay failed: %s", o->trace_name, strerror(-ret));
	for (unsigned i = 0; r.threads && i < N; i++) {
		histogram_free(&r.threads[i].alloc_search);
		histogram_free(&r.threads[i].free_search);
		for (int op = 0; op < LOCK_OPS; op++)
			lock_account_free(&r.threads[i].acct[op]);
		free(r.threads[i].events);
	}
	for (int op = 0; op < LOCK_OPS; op++)
		lock_account_free(&acct[op]);
	histogram_free(&alloc_search);
	histogram_free(&free_search);
	if (lock_ready)
		replay_lock_destroy(&r.lock);
	o->model->destroy(r.m);
	free(r.threads);
	free(r.order);
	free(r.dep);
	free(r.gid);
	free((void *)r.done);
	free(r.ids);
	return ret;
}
