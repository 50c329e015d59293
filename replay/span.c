/* SPDX-License-Identifier: MIT */
/*
 * The span maxima of the single-threaded replay: max_span and
 * max_live_bytes, after the snapshot and after every event, and the
 * fragmentation at the peak of live bytes: measured (a walk of the model)
 * each time the live bytes exceed every earlier figure, so the last
 * measurement is that of the first event at which they peak.  A walk per
 * new maximum costs O(live areas) many times over on a long trace, so it
 * is an audit (--lowest-fit-audit), like the other costly exact figures.  Not an
 * option: always on without --threads, and off with it, where no event
 * comes after another on every stream (replay_threads.h).
 *
 * The highest end of the busy areas in the main window is kept as a
 * max-heap of (end, id) with lazy deletion: an entry is stale once its id
 * is no longer placed (struct track_id) with that end, and stale tops are
 * popped when the span is asked, the others when the heap is full
 * (heap_compact).  Invariant: live_bytes is the sum of the
 * placed areas' bytes inside the main window.
 */
#include <errno.h>
#include <stdlib.h>

#include "lib/grow.h"
#include "lib/vmmath.h"
#include "replay/engine.h"
#include "replay/frag.h"

struct end_entry {
	uint64_t end;
	uint32_t id;
};

struct span {
	struct end_entry *e;
	size_t n, cap;
	uint64_t live_bytes;		/* busy bytes inside the main window */
	uint64_t max_span, max_live_bytes;
	struct frag at_peak;		/* the window when live bytes last rose past their max */
};

static bool span_wanted(const struct replay_opts *o)
{
	(void)o;
	return true;
}

static int span_create(struct replay_engine *e, void **state, struct vmt_err *err)
{
	(void)e;
	(void)err;
	*state = calloc(1, sizeof(struct span));
	return *state ? 0 : -ENOMEM;
}

static void span_destroy(struct replay_engine *e, void *state)
{
	struct span *sp = state;

	(void)e;
	if (sp)
		free(sp->e);
	free(sp);
}

static bool in_main_window(const struct replay_engine *e, uint64_t addr, uint64_t size)
{
	return addr < e->w.main_hi && addr + size > e->w.main_lo;
}

static uint64_t clipped_end(const struct replay_engine *e, uint64_t addr, uint64_t size)
{
	return vm_min(addr + size, e->w.main_hi);
}

static uint64_t window_bytes(const struct replay_engine *e, uint64_t addr, uint64_t size)
{
	return vm_min(addr + size, e->w.main_hi) - vm_max(addr, e->w.main_lo);
}

/* Whether @x still is a placed area's end (not stale). */
static bool entry_current(const struct replay_engine *e, const struct end_entry *x)
{
	const struct track_id *id = track_id_find(&e->track, x->id);

	return id->placed && in_main_window(e, id->addr, id->size) &&
	       clipped_end(e, id->addr, id->size) == x->end;
}

static void sift_down(struct span *h, size_t i, struct end_entry last)
{
	size_t c;

	while ((c = 2 * i + 1) < h->n) {
		if (c + 1 < h->n && h->e[c + 1].end > h->e[c].end)
			c++;
		if (h->e[c].end <= last.end)
			break;
		h->e[i] = h->e[c];
		i = c;
	}
	if (h->n)
		h->e[i] = last;
}

/*
 * Drops the stale entries and heapifies again (Floyd), so that the heap
 * holds about the placed areas, not every area a long trace placed: stale
 * entries far below the top would otherwise stay forever.
 */
static void heap_compact(struct span *h, const struct replay_engine *e)
{
	size_t n = 0;

	for (size_t i = 0; i < h->n; i++)
		if (entry_current(e, &h->e[i]))
			h->e[n++] = h->e[i];
	h->n = n;
	for (size_t i = n / 2; i-- > 0;)
		sift_down(h, i, h->e[i]);
}

static int heap_push(struct span *h, const struct replay_engine *e, uint64_t end, uint32_t id)
{
	size_t i;
	struct end_entry *x;

	/* Full: compact first, and grow only when it is more than half current. */
	if (h->n == h->cap && h->cap) {
		heap_compact(h, e);
		if (2 * h->n < h->cap)
			goto room;
	}
	x = grow_array(h->e, &h->cap, h->n, sizeof(*x), 1024);
	if (!x)
		return -ENOMEM;
	h->e = x;
room:

	for (i = h->n++; i && h->e[(i - 1) / 2].end < end; i = (i - 1) / 2)
		h->e[i] = h->e[(i - 1) / 2];
	h->e[i] = (struct end_entry){ end, id };
	return 0;
}

static void heap_pop(struct span *h)
{
	struct end_entry last = h->e[--h->n];

	sift_down(h, 0, last);
}

/* Span after the current event: highest placed end in the window - lo. */
static uint64_t span_now(struct span *sp, const struct replay_engine *e)
{
	while (sp->n) {
		if (entry_current(e, &sp->e[0]))
			return sp->e[0].end - e->w.main_lo;
		heap_pop(sp);
	}
	return 0;
}

/* An area the model now holds for @op's id. */
static int span_busy(void *state, struct replay_worker *w, const struct replay_op *op)
{
	struct span *sp = state;
	const struct replay_engine *e = w->e;

	if (!op->placed || op->kernel_failed || !in_main_window(e, op->addr, op->size))
		return 0;
	sp->live_bytes += window_bytes(e, op->addr, op->size);
	return heap_push(sp, e, clipped_end(e, op->addr, op->size), op->gid);
}

/* The id's area is gone from the trace (its heap entry is now stale). */
static int span_freed(void *state, struct replay_worker *w, const struct replay_op *op)
{
	struct span *sp = state;

	if (op->placed && in_main_window(w->e, op->addr, op->size))
		sp->live_bytes -= window_bytes(w->e, op->addr, op->size);
	return 0;
}

/* After every event, and after the snapshot's last live line. */
static int span_step(void *state, struct replay_worker *w, size_t index)
{
	struct span *sp = state;
	uint64_t span;

	if (replay_in_snapshot(w->e, index))
		return 0;
	span = span_now(sp, w->e);
	if (span > sp->max_span)
		sp->max_span = span;
	if (sp->live_bytes > sp->max_live_bytes) {
		sp->max_live_bytes = sp->live_bytes;
		if (!w->e->o->lowest_fit_audit)
			return 0;
		return frag_measure(w->e->o->model, w->e->m, w->e->w.main_lo, w->e->w.main_hi,
				    &sp->at_peak);
	}
	return 0;
}

static int span_end(void *state, struct replay_worker *w, struct replay_summary *s)
{
	struct span *sp = state;

	(void)w;
	s->max_span = sp->max_span;
	s->max_live_bytes = sp->max_live_bytes;
	s->ext_frag_at_peak = frag_ext(&sp->at_peak);
	s->unusable_16k_at_peak = frag_unusable_16k(&sp->at_peak);
	return 0;
}

const struct replay_hook span_hook = {
	.wanted = span_wanted,
	.create = span_create,
	.destroy = span_destroy,
	.live = span_busy,
	.alloc = span_busy,
	.free = span_freed,
	.step = span_step,
	.end = span_end,
};
