/* SPDX-License-Identifier: MIT */
/*
 * The replay engine's core (replay/engine.h): one event at a time through
 * one locked, timed model-call path, with the hooks around it.
 *
 * Invariants:
 *   - only events track.c judged replayable reach the model, and a
 *     replay never goes past its copy's stop event;
 *   - an id is placed (struct track_id) exactly while the model holds
 *     its area for it, lazily freed areas (--lazy) excepted: those are
 *     the lazy hook's until it gives them back;
 *   - every model alloc and free is made in a section (section_enter/
 *     section_exit), timed as that operation when the engine locks; the
 *     hooks that watch the model (audit, reference, check) run inside the
 *     section of the call they watch, the hooks that only record what
 *     happened (events, series, span) after it, outside any lock;
 *   - a kernel-failed alloc leaves nothing in the model: its area goes
 *     back through the same free section as any other.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "replay/engine.h"

/* Every optional behaviour, in the order each sees an event (those
 * watching the model before those recording, engine.h). */
static const struct replay_hook *const hooks[] = {
	&audit_hook, &reference_hook, &lazy_hook, &events_hook, &series_hook, &span_hook,
	&model_memory_hook,
	&follow_hook, &check_hook,
};

_Static_assert(sizeof(hooks) / sizeof(hooks[0]) <= REPLAY_HOOKS_MAX, "REPLAY_HOOKS_MAX");

/* No operation: a section watching an event without a model call. */
#define SECTION_WATCH LOCK_OPS

const char *replay_id_name(struct replay_engine *e, const struct vmt_event *ev)
{
	return track_id_name(&e->track, e->t, ev->id);
}

int replay_worker_error(struct replay_worker *w, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	replay_event_verror(&w->err, w->e->t, w->e->o->trace_name, w->index, fmt, ap);
	va_end(ap);
	return ret;
}

void replay_engine_fail(struct vmt_err *err, const char *trace_name, int ret)
{
	if (ret == -ENOMEM)
		vmt_err_set(err, "%s: out of memory during replay", trace_name);
	else if (ret == -EIO)
		vmt_err_set(err, "%s: writing a CSV failed", trace_name);
	else
		vmt_err_set(err, "%s: replay failed: %s", trace_name, strerror(-ret));
}

/* Enters the section of operation @op (an enum lock_op, or SECTION_WATCH). */
static uint64_t section_enter(struct replay_worker *w, int op)
{
	struct replay_engine *e = w->e;

	if (op != SECTION_WATCH && e->locked)
		return lock_account_enter(&w->acct[op], &e->lock);
	if (op == SECTION_WATCH && e->threaded)
		replay_lock_lock(&e->lock);
	return 0;
}

static void section_exit(struct replay_worker *w, int op, uint64_t held, uint64_t steps)
{
	struct replay_engine *e = w->e;

	if (op != SECTION_WATCH && e->locked) {
		lock_account_exit(&w->acct[op], &e->lock, held, steps, w->index);
		w->ops++;
	}
	if (op == SECTION_WATCH && e->threaded)
		replay_lock_release(&e->lock);
}

/* Which hooks a RUN_HOOKS runs. */
enum { HOOKS_ALL, HOOKS_WATCHING, HOOKS_RECORDING };

/*
 * Runs callback @cb of every hook that has it, among @which, stopping at
 * the first error.  @args: the arguments after the hook's state.
 */
#define RUN_HOOKS(e, ret, which, cb, ...)                                                  \
	do {                                                                               \
		for (size_t i_ = 0; !(ret) && i_ < (e)->nhooks; i_++)                      \
			if ((e)->hook[i_]->cb &&                                           \
			    ((which) == HOOKS_ALL ||                                       \
			     (e)->hook[i_]->watches_model == ((which) == HOOKS_WATCHING))) \
				(ret) = (e)->hook[i_]->cb((e)->state[i_], __VA_ARGS__);      \
	} while (0)

static bool hooks_hold_room(struct replay_engine *e)
{
	for (size_t i = 0; i < e->nhooks; i++)
		if (e->hook[i]->holds_room && e->hook[i]->holds_room(e->state[i]))
			return true;
	return false;
}

/* The model call of a free, in its section, and the hooks watching it. */
static int release_area(struct replay_worker *w, uint64_t addr, uint64_t size,
			uint64_t *search)
{
	struct replay_engine *e = w->e;
	uint64_t held = section_enter(w, LOCK_OP_FREE);
	int ret;

	*search = 0;
	ret = e->o->model->free(e->m, addr, search);
	if (!ret)
		RUN_HOOKS(e, ret, HOOKS_WATCHING, release, w, addr, size);
	section_exit(w, LOCK_OP_FREE, held, *search);
	return ret;
}

int replay_engine_release(struct replay_worker *w, uint64_t addr, uint64_t size,
			  uint64_t *search)
{
	int ret = release_area(w, addr, size, search);

	return ret ? ret : histogram_add(&w->free_search, *search);
}

static int replay_live(struct replay_worker *w, struct replay_op *op)
{
	struct replay_engine *e = w->e;
	const struct vmt_event *ev = op->ev;
	uint64_t held = section_enter(w, SECTION_WATCH);
	int ret;

	op->placed = true;
	op->addr = ev->va;
	op->size = ev->size;
	ret = e->o->model->reserve(e->m, ev->va, ev->size);
	if (!ret) {
		*track_id_find(&e->track, op->gid) = (struct track_id){ ev->va, ev->size, true };
		RUN_HOOKS(e, ret, HOOKS_WATCHING, live, w, op);
	}
	section_exit(w, SECTION_WATCH, held, 0);
	if (ret)
		return replay_worker_error(w, ret, "live %s: reserving 0x%" PRIx64 " failed: %s",
					   replay_id_name(e, ev), ev->va, strerror(-ret));
	RUN_HOOKS(e, ret, HOOKS_RECORDING, live, w, op);
	return ret;
}

/* The model's alloc call for @op, its search in *@steps and op->search. */
static int model_alloc(struct replay_engine *e, struct replay_op *op, uint64_t *steps)
{
	int ret = e->o->model->alloc(e->m, &op->call, &op->addr, steps);

	op->search += *steps;
	return ret;
}

static int replay_alloc(struct replay_worker *w, struct replay_op *op)
{
	struct replay_engine *e = w->e;
	const struct vmt_event *ev = op->ev;
	uint64_t held, steps = 0, search;
	char why[256];
	int ret;

	op->kernel_failed = ev->flags & VMT_F_FAILED;
	/* Valid: track.c judged it so. */
	alloc_call_prepare(e->t, &e->w, ev, &op->call, why, sizeof(why));
	op->size = op->call.size;
	held = section_enter(w, LOCK_OP_ALLOC);
	ret = model_alloc(e, op, &steps);
	if (ret == -ENOMEM && hooks_hold_room(e)) {
		/* alloc_vmap_area(): no room, so purge and search again; the
		 * alloc's search is both searches. */
		int room = 0;

		section_exit(w, LOCK_OP_ALLOC, held, steps);
		RUN_HOOKS(e, room, HOOKS_ALL, make_room, w);
		if (room)
			return room;
		held = section_enter(w, LOCK_OP_ALLOC);
		ret = model_alloc(e, op, &steps);
	}
	if (ret && ret != -ENOMEM) {
		section_exit(w, LOCK_OP_ALLOC, held, steps);
		return replay_worker_error(w, ret, "alloc %s: model error: %s",
					   replay_id_name(e, ev), strerror(-ret));
	}
	op->placed = !ret;
	if (!op->placed)
		w->failed_allocs++;
	else if (!op->kernel_failed)
		*track_id_find(&e->track, op->gid) = (struct track_id){ op->addr, op->size, true };
	if (!op->kernel_failed && (ev->flags & VMT_F_VA)) {
		w->kernel_va_allocs++;
		w->kernel_va_matches += op->placed && ev->va == op->addr;
	}
	ret = histogram_add(&w->alloc_search, op->search);
	RUN_HOOKS(e, ret, HOOKS_WATCHING, alloc, w, op);
	section_exit(w, LOCK_OP_ALLOC, held, steps);
	RUN_HOOKS(e, ret, HOOKS_RECORDING, alloc, w, op);
	if (ret || !op->placed || !op->kernel_failed)
		return ret;
	/*
	 * The kernel kept no area, so the model keeps none either (the
	 * trace never frees it): only the alloc's search counts.
	 */
	if ((ret = release_area(w, op->addr, op->size, &search)))
		return replay_worker_error(w, ret, "alloc %s: the model lost its area at 0x%"
					   PRIx64, replay_id_name(e, ev), op->addr);
	return 0;
}

static int replay_free(struct replay_worker *w, struct replay_op *op, bool replay)
{
	struct replay_engine *e = w->e;
	struct track_id *id = track_id_find(&e->track, op->gid);
	bool kept = false;
	uint64_t held;
	int ret = 0;

	if (replay && id->placed) {
		op->placed = true;
		op->addr = id->addr;
		op->size = id->size;
		id->placed = false;
		RUN_HOOKS(e, ret, HOOKS_ALL, keep, w, op, &kept);
		if (!ret && !kept) {
			ret = replay_engine_release(w, op->addr, op->size, &op->search);
			if (ret)
				return replay_worker_error(w, ret, "free %s: the model has no area at 0x%"
							   PRIx64 ": %s", replay_id_name(e, op->ev),
							   op->addr, strerror(-ret));
		}
	}
	if (!ret && e->free_watchers) {
		held = section_enter(w, SECTION_WATCH);
		RUN_HOOKS(e, ret, HOOKS_WATCHING, free, w, op);
		section_exit(w, SECTION_WATCH, held, 0);
	}
	RUN_HOOKS(e, ret, HOOKS_RECORDING, free, w, op);
	return ret;
}

static int check_model(struct replay_worker *w);

/*
 * A purge event to a model that frees lazily itself, in a free section:
 * a full decay when it directly follows an alloc the kernel failed
 * (reclaim_and_purge_vmap_areas() on alloc_vmap_area()'s overflow path);
 * the event's n= says how many lazy areas the kernel purged.
 * Its search lengthens the hold but is no free's: the histograms count
 * one entry per trace alloc and free.
 */
static int replay_model_purge(struct replay_worker *w, size_t index)
{
	struct replay_engine *e = w->e;
	const struct vmt_event *prev = index ? replay_event(e, index - 1) : NULL;
	bool full = prev && prev->op == VMT_ALLOC && (prev->flags & VMT_F_FAILED);
	const struct vmt_event *ev = replay_event(e, index);
	/* Without n=, the trace cannot tell which areas were purged: all. */
	struct vm_purge p = { full, (ev->flags & VMT_F_N) ? ev->size : VM_PURGE_ALL };
	uint64_t search = 0, held = section_enter(w, LOCK_OP_FREE);
	int ret = e->o->model->purge(e->m, &p, &search);

	/* No hook mirrors a model's own purge; --check still sees its result. */
	if (!ret && e->o->check)
		ret = check_model(w);
	section_exit(w, LOCK_OP_FREE, held, search);
	if (ret)
		return replay_worker_error(w, ret, "purge: model error: %s", strerror(-ret));
	return 0;
}

int replay_engine_event(struct replay_worker *w, size_t index, unsigned copy)
{
	struct replay_engine *e = w->e;
	const struct vmt_event *ev = replay_event(e, index);
	const struct track_copy *c = track_copy_of(&e->track, copy);
	struct replay_op op = { .ev = ev, .gid = track_gid(&e->track, ev, index, copy) };
	int ret = 0;

	w->index = index;
	if (index == c->stop) {
		vmt_err_set(&w->err, "%s", c->stop_err.msg);
		return c->stop_ret;
	}
	if (ev->op != VMT_LIVE)
		w->seq++;
	switch (ev->op) {
	case VMT_LIVE:
		return c->replay[index - c->first] ? replay_live(w, &op) : 0;
	case VMT_ALLOC:
		return c->replay[index - c->first] ? replay_alloc(w, &op) : 0;
	case VMT_FREE:
		return replay_free(w, &op, c->replay[index - c->first]);
	case VMT_PURGE:
		if (e->o->model->purge && (ret = replay_model_purge(w, index)))
			return ret;
		RUN_HOOKS(e, ret, HOOKS_ALL, purge, w);
		return ret;
	}
	return -EINVAL;
}

int replay_engine_step(struct replay_worker *w, size_t index)
{
	int ret = 0;

	RUN_HOOKS(w->e, ret, HOOKS_ALL, step, w, index);
	return ret;
}

/*
 * The engine for @copies copies of @t, or for @stream when not NULL
 * (@scan then its first pass's).
 */
static int engine_init(struct replay_engine *e, const struct vmt_trace *t,
		       const struct vmt_bin_stream *stream, const struct replay_scan *scan,
		       const struct replay_opts *o, unsigned copies, bool threaded,
		       struct replay_summary *s, struct vmt_err *err)
{
	uint32_t nids = stream ? vmt_bin_stream_nids(stream) : t->ids.count;
	int ret = 0;

	memset(e, 0, sizeof(*e));
	memset(s, 0, sizeof(*s));
	e->t = t;
	e->o = o;
	e->ev = t->ev;
	e->threaded = threaded;
	replay_windows_init(t, o, &e->w);
	if (scan)
		e->scan = *scan;
	else
		replay_scan_trace(t, o, &e->scan);
	e->locked = threaded || o->lock_stat;
	for (size_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++) {
		if (!hooks[i]->wanted(o) || (threaded && !hooks[i]->threaded && !hooks[i]->option))
			continue;
		if (threaded && !hooks[i]->threaded) {
			vmt_err_set(err, "%s: %s is single-threaded: not with --threads",
				    o->trace_name, hooks[i]->option);
			ret = -EINVAL;
			goto out;
		}
		e->free_watchers |= hooks[i]->watches_model && hooks[i]->free;
		e->hook[e->nhooks++] = hooks[i];
	}
	if ((uint64_t)(nids ? nids : 1) * copies > UINT32_MAX) {
		ret = -E2BIG;
		goto out;
	}
	replay_model_window(t, &e->w, &e->scan, &e->win);
	ret = stream ? track_init_stream(&e->track, t, stream, o, &e->w) :
		       track_init(&e->track, t, o, &e->w, copies, s);
	if (ret)
		goto out;
	ret = o->model->create(&e->win, &e->m);
	if (ret) {
		vmt_err_set(err, "%s: cannot create model %s on [0x%" PRIx64 ", 0x%" PRIx64 "): %s",
			    o->trace_name, o->model->name, e->win.lo, e->win.hi, strerror(-ret));
		goto out;
	}
	if (e->locked) {
		if ((ret = replay_lock_choose(o, &e->lock)))
			goto out;
		e->lock_ready = true;
	}
	for (size_t i = 0; i < e->nhooks; i++)
		if (e->hook[i]->create && (ret = e->hook[i]->create(e, &e->state[i], err)))
			goto out;
out:
	return ret;
}

int replay_engine_init(struct replay_engine *e, const struct vmt_trace *t,
		       const struct replay_opts *o, unsigned copies, bool threaded,
		       struct replay_summary *s, struct vmt_err *err)
{
	return engine_init(e, t, NULL, NULL, o, copies, threaded, s, err);
}

int replay_engine_init_stream(struct replay_engine *e, const struct vmt_trace *t,
			      const struct vmt_bin_stream *stream,
			      const struct replay_scan *scan, const struct replay_opts *o,
			      struct replay_summary *s, struct vmt_err *err)
{
	return engine_init(e, t, stream, scan, o, 1, false, s, err);
}

void replay_engine_destroy(struct replay_engine *e)
{
	for (size_t i = 0; i < e->nhooks; i++)
		if (e->hook[i]->destroy)
			e->hook[i]->destroy(e, e->state[i]);
	if (e->lock_ready)
		replay_lock_destroy(&e->lock);
	e->o->model->destroy(e->m);
	track_free(&e->track);
}

void replay_worker_free(struct replay_worker *w)
{
	histogram_free(&w->alloc_search);
	histogram_free(&w->free_search);
	for (int op = 0; op < LOCK_OPS; op++)
		lock_account_free(&w->acct[op]);
}

int replay_engine_finish(struct replay_engine *e, struct replay_worker *w, size_t n,
			 struct replay_summary *s)
{
	struct histogram alloc_search = { 0 }, free_search = { 0 };
	struct lock_account acct[LOCK_OPS] = { { 0 } };
	struct frag f;
	int ret = 0;

	for (size_t i = 0; !ret && i < n; i++) {
		s->failed_allocs += w[i].failed_allocs;
		s->kernel_va_matches += w[i].kernel_va_matches;
		s->kernel_va_allocs += w[i].kernel_va_allocs;
		for (int op = 0; !ret && op < LOCK_OPS; op++)
			ret = lock_account_merge(&acct[op], &w[i].acct[op]);
		if (!ret && (histogram_merge(&alloc_search, &w[i].alloc_search) ||
			     histogram_merge(&free_search, &w[i].free_search)))
			ret = -ENOMEM;
	}
	s->fidelity = s->kernel_va_allocs ?
		(double)s->kernel_va_matches / (double)s->kernel_va_allocs : 0;
	RUN_HOOKS(e, ret, HOOKS_ALL, end, w, s);
	if (ret || (ret = frag_measure(e->o->model, e->m, e->w.main_lo, e->w.main_hi, &f)))
		goto out;
	replay_summarize_searches(&alloc_search, &free_search, s);
	replay_summarize_frag(&f, s);
	if (e->o->layout_csv && (ret = replay_write_layout(e->o->model, e->m, e->o->layout_csv)))
		goto out;
	/* Before the summary, which sorts the hold times. */
	if (e->o->holds_csv && (ret = replay_write_holds(acct, e->scan.nlive, e->o->holds_csv)))
		goto out;
	if (e->locked)
		ret = replay_lock_summary(e->o, acct, s);
out:
	for (int op = 0; op < LOCK_OPS; op++)
		lock_account_free(&acct[op]);
	histogram_free(&alloc_search);
	histogram_free(&free_search);
	return ret;
}

/* --check: the model's invariants after every call, inside its section. */
static bool check_wanted(const struct replay_opts *o)
{
	return o->check;
}

static int check_model(struct replay_worker *w)
{
	char why[512];

	if (!w->e->o->model->check(w->e->m, why, sizeof(why)))
		return 0;
	return replay_worker_error(w, -EFAULT, "after this %s, %s",
				   vmt_op_name(replay_event(w->e, w->index)->op), why);
}

static int check_op(void *state, struct replay_worker *w, const struct replay_op *op)
{
	(void)state;
	(void)op;
	return check_model(w);
}

static int check_release(void *state, struct replay_worker *w, uint64_t addr, uint64_t size)
{
	(void)state;
	(void)addr;
	(void)size;
	return check_model(w);
}

const struct replay_hook check_hook = {
	.option = "--check",
	.threaded = true,
	.watches_model = true,
	.wanted = check_wanted,
	.live = check_op,
	.alloc = check_op,
	.release = check_release,
};
