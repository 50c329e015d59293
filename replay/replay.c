/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "allocator/busy_map.h"
#include "allocator/lowest_fit.h"
#include "lib/vmmath.h"
#include "lib/bigmem.h"
#include "replay/frag.h"
#include "lib/histogram.h"
#include "replay/lockstat.h"
#include "replay/replay.h"
#include "replay/replay_prep.h"

/* Where an id stands in the trace, whatever the model did with it. */
enum id_fate {
	ID_NEVER,	/* no live line or successful alloc named it yet */
	ID_LIVE,	/* allocated (or in the snapshot), not freed since */
	ID_FREED,	/* freed, not allocated again since */
};

/* How many events ahead replay_run() prefetches an id's state. */
#define ID_PREFETCH_AHEAD 8

/*
 * What the engine knows of each id.  `placed` implies ID_LIVE; an id can
 * be live without being placed when the model found no room for it or
 * its alloc or live line was not replayed (invalid, conflicting).
 */
struct id_state {
	uint8_t fate;			/* enum id_fate */
	bool placed;			/* the model holds [addr, addr + size) for it */
	uint64_t addr;
	uint64_t size;
	/* Where the kernel put it (va=, live), in replay.kernel_map; or NULL. */
	struct vm_busy *kernel;
};

/* Where the --reference model placed an id, while it holds it. */
struct ref_area {
	uint64_t addr, size;
	bool placed;
};

/*
 * The highest end of the busy areas in the main window, kept as a max-heap
 * of (end, id) with lazy deletion: an entry is stale once its id is no
 * longer live with that end, and stale tops are popped when asked.
 */
struct end_entry {
	uint64_t end;
	uint32_t id;
};

struct end_heap {
	struct end_entry *e;
	size_t n, cap;
};

/* An area freed by the trace and held by the model until a purge (--lazy). */
struct lazy_area {
	uint64_t addr, size;
};

struct replay {
	const struct vmt_trace *t;
	const struct replay_opts *o;
	struct replay_summary *s;
	struct vmt_err *err;
	struct vm_model *m;
	struct lowest_fit_audit *audit;	/* when o->lowest_fit_audit */
	struct vm_model *ref;		/* when o->reference: its instance */
	struct ref_area *ref_ids;	/* and where it placed each id */
	struct id_state *ids;
	struct end_heap heap;
	/*
	 * The traced kernel's own address map, as the trace tells it: the
	 * snapshot's areas and the va= of allocs, until their frees.  An area
	 * placed over one still busy there shows an inconsistent trace.
	 */
	struct busy_map *kernel_map;
	struct histogram alloc_search, free_search;
	struct replay_windows w;
	struct replay_lock lock;	/* taken around model calls with --lock-stat */
	struct lock_account acct[LOCK_OPS];
	uint64_t live_bytes;		/* busy bytes inside the main window */
	struct lazy_area *lazy;		/* --lazy: freed, not yet purged */
	size_t nlazy, lazy_cap;
	uint64_t seq;			/* events replayed */
	size_t index;			/* of the current event in t->ev */
};

static int heap_push(struct end_heap *h, uint64_t end, uint32_t id)
{
	size_t i;

	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 1024;
		struct end_entry *e = realloc(h->e, cap * sizeof(*e));

		if (!e)
			return -ENOMEM;
		h->e = e;
		h->cap = cap;
	}
	for (i = h->n++; i && h->e[(i - 1) / 2].end < end; i = (i - 1) / 2)
		h->e[i] = h->e[(i - 1) / 2];
	h->e[i] = (struct end_entry){ end, id };
	return 0;
}

static void heap_pop(struct end_heap *h)
{
	struct end_entry last = h->e[--h->n];
	size_t i = 0, c;

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

static uint64_t clipped_end(const struct replay *r, const struct id_state *st)
{
	return vm_min(st->addr + st->size, r->w.main_hi);
}

static bool in_main_window(const struct replay *r, uint64_t addr, uint64_t size)
{
	return addr < r->w.main_hi && addr + size > r->w.main_lo;
}

/* Span after the current event: highest live end in the window - lo. */
static uint64_t replay_span(struct replay *r)
{
	while (r->heap.n) {
		const struct end_entry *top = &r->heap.e[0];
		const struct id_state *st = &r->ids[top->id];

		if (st->placed && in_main_window(r, st->addr, st->size) &&
		    clipped_end(r, st) == top->end)
			return top->end - r->w.main_lo;
		heap_pop(&r->heap);
	}
	return 0;
}

static uint64_t window_bytes(const struct replay *r, uint64_t addr, uint64_t size)
{
	return vm_min(addr + size, r->w.main_hi) - vm_max(addr, r->w.main_lo);
}

static int area_busy(struct replay *r, uint32_t id, uint64_t addr, uint64_t size)
{
	struct id_state *st = &r->ids[id];

	st->addr = addr;
	st->size = size;
	st->placed = true;
	if (!in_main_window(r, addr, size))
		return 0;
	r->live_bytes += window_bytes(r, addr, size);
	return heap_push(&r->heap, clipped_end(r, st), id);
}

static void area_released(struct replay *r, uint32_t id)
{
	struct id_state *st = &r->ids[id];

	st->placed = false;
	if (in_main_window(r, st->addr, st->size))
		r->live_bytes -= window_bytes(r, st->addr, st->size);
}

static void track_maxima(struct replay *r)
{
	uint64_t span = replay_span(r);

	if (span > r->s->max_span)
		r->s->max_span = span;
	if (r->live_bytes > r->s->max_live_bytes)
		r->s->max_live_bytes = r->live_bytes;
}

/* Reports `trace:line: ...` for the current event and returns @ret. */
static int __attribute__((format(printf, 3, 4)))
event_error(struct replay *r, int ret, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (r->t->line)
		vmt_err_set(r->err, "%s:%" PRIu32 ": %s", r->o->trace_name,
			    r->t->line[r->index], what);
	else
		vmt_err_set(r->err, "%s: event %zu: %s", r->o->trace_name, r->index, what);
	return ret;
}

/* An inconsistency: an error under --strict, else counted in *@counter. */
#define inconsistent(r, counter, ...)                                        \
	((r)->o->strict ? event_error((r), -EINVAL, __VA_ARGS__)             \
			: ((r)->s->counter++, 0))

static int check_model(struct replay *r)
{
	char why[512];

	if (!r->o->check || !r->o->model->check(r->m, why, sizeof(why)))
		return 0;
	return event_error(r, -EFAULT, "after this %s, %s",
			   r->index < r->t->nev ? vmt_op_name(r->t->ev[r->index].op) : "event",
			   why);
}

static const char *id_name(const struct replay *r, uint32_t id)
{
	return strtab_get(&r->t->ids, id);
}

/*
 * The kernel had [va, va + size) busy for @ev's id (a snapshot area, or the
 * va= of an alloc): a range over an area it still has busy, or past 2^64,
 * is a conflict.
 */
static int kernel_placed(struct replay *r, const struct vmt_event *ev)
{
	struct id_state *st = &r->ids[ev->id];
	struct vm_busy *busy;
	uint64_t start, end;
	int ret;

	if (!vm_fits_below(ev->va, ev->size, UINT64_MAX))
		return inconsistent(r, kernel_va_conflicts,
				    "%s %s: va 0x%" PRIx64 " + %" PRIu64 " runs past 2^64",
				    vmt_op_name(ev->op), id_name(r, ev->id), ev->va, ev->size);
	ret = busy_map_insert(r->kernel_map, ev->va, ev->va + ev->size, &busy);
	if (ret == -EEXIST) {
		busy_map_bounds(busy, &start, &end);
		return inconsistent(r, kernel_va_conflicts,
				    "%s %s: the kernel's 0x%" PRIx64 "+%" PRIu64 " overlaps "
				    "0x%" PRIx64 "+%" PRIu64 ", which it had not freed",
				    vmt_op_name(ev->op), id_name(r, ev->id), ev->va, ev->size,
				    start, end - start);
	}
	if (ret)
		return ret;
	st->kernel = busy;
	return 0;
}

static int replay_live(struct replay *r, const struct vmt_event *ev)
{
	struct id_state *st = &r->ids[ev->id];
	uint64_t page = r->t->page_size;
	int ret;

	if (st->fate == ID_LIVE)
		return inconsistent(r, snapshot_conflicts, "live %s: id already live",
				    id_name(r, ev->id));
	/* Busy in the kernel from here on, whether or not the model holds it. */
	st->fate = ID_LIVE;
	if (!ev->size || ev->size % page)
		return inconsistent(r, snapshot_conflicts, "live %s: size %" PRIu64
				    " is not a positive multiple of the page size",
				    id_name(r, ev->id), ev->size);
	if (ev->va % page)
		return inconsistent(r, snapshot_conflicts,
				    "live %s: address 0x%" PRIx64 " is not page aligned",
				    id_name(r, ev->id), ev->va);
	if (!vm_fits_below(ev->va, ev->size, UINT64_MAX))
		return inconsistent(r, snapshot_conflicts,
				    "live %s: 0x%" PRIx64 " + %" PRIu64 " runs past 2^64",
				    id_name(r, ev->id), ev->va, ev->size);
	ret = r->o->model->reserve(r->m, ev->va, ev->size);
	if (ret == -EEXIST)
		return inconsistent(r, snapshot_conflicts,
				    "live %s: 0x%" PRIx64 "+%" PRIu64 " overlaps an earlier area",
				    id_name(r, ev->id), ev->va, ev->size);
	if (!ret && r->o->lowest_fit_audit)
		ret = lowest_fit_audit_reserve(r->audit, ev->va, ev->size);
	if (!ret && r->ref) {
		ret = r->o->reference->reserve(r->ref, ev->va, ev->size);
		r->ref_ids[ev->id] = (struct ref_area){ ev->va, ev->size, true };
	}
	if (ret)
		return event_error(r, ret, "live %s: reserving 0x%" PRIx64 " failed: %s",
				   id_name(r, ev->id), ev->va, strerror(-ret));
	r->s->snapshot_areas++;
	/* The model holds the snapshot exactly, so this cannot conflict. */
	if ((ret = kernel_placed(r, ev)))
		return ret;
	return area_busy(r, ev->id, ev->va, ev->size);
}

static int write_event_row(struct replay *r, const struct vmt_event *ev,
			   uint64_t size, uint64_t align, bool placed,
			   uint64_t addr, uint64_t search)
{
	FILE *f = r->o->events_csv;

	fprintf(f, "%" PRIu64 ",%s,%s,", r->seq, vmt_op_name(ev->op), id_name(r, ev->id));
	if (size)
		fprintf(f, "%" PRIu64, size);
	fputc(',', f);
	if (align)
		fprintf(f, "%" PRIu64, align);
	fputc(',', f);
	if (placed)
		fprintf(f, "0x%" PRIx64, addr);
	fprintf(f, ",%" PRIu64 "\n", search);
	return ferror(f) ? -EIO : 0;
}

/* One model call, under the lock and timed when --lock-stat asks for it. */
static int model_alloc(struct replay *r, const struct alloc_call *c, uint64_t *addr,
		       uint64_t *search)
{
	struct lock_account *acct = &r->acct[LOCK_OP_ALLOC];
	uint64_t held = 0;
	int ret;

	if (r->o->lock_stat)
		held = lock_account_enter(acct, &r->lock);
	ret = r->o->model->alloc(r->m, c->size, c->align, c->vstart, c->vend, addr, search);
	if (r->o->lock_stat)
		lock_account_exit(acct, &r->lock, held, *search);
	return ret;
}

static int model_free(struct replay *r, uint64_t addr, uint64_t *search)
{
	struct lock_account *acct = &r->acct[LOCK_OP_FREE];
	uint64_t held = 0;
	int ret;

	if (r->o->lock_stat)
		held = lock_account_enter(acct, &r->lock);
	ret = r->o->model->free(r->m, addr, search);
	if (r->o->lock_stat)
		lock_account_exit(acct, &r->lock, held, *search);
	return ret;
}

/* The same alloc through the reference model (--reference), on its own layout. */
static int reference_alloc(struct replay *r, const struct vmt_event *ev,
			   const struct alloc_call *c, bool placed, uint64_t addr)
{
	uint64_t ref_addr = 0, search;
	struct ref_area *st;
	int ret;

	/* ref_ids is NULL without a reference: no index into it then. */
	if (!r->ref)
		return 0;
	st = &r->ref_ids[ev->id];
	if (st->placed)
		return 0;
	ret = r->o->reference->alloc(r->ref, c->size, c->align, c->vstart, c->vend,
				     &ref_addr, &search);
	if (ret && ret != -ENOMEM)
		return event_error(r, ret, "alloc %s: reference model error: %s",
				   id_name(r, ev->id), strerror(-ret));
	if (placed != !ret || (placed && addr != ref_addr))
		r->s->reference_differences++;
	if (!ret)
		*st = (struct ref_area){ ref_addr, c->size, true };
	return 0;
}

static int reference_free(struct replay *r, const struct vmt_event *ev)
{
	struct ref_area *st;
	uint64_t search;
	int ret;

	if (!r->ref)
		return 0;
	st = &r->ref_ids[ev->id];
	if (!st->placed)
		return 0;
	st->placed = false;
	ret = r->o->reference->free(r->ref, st->addr, &search);
	if (ret)
		return event_error(r, ret, "free %s: the reference model has no area at 0x%"
				   PRIx64, id_name(r, ev->id), st->addr);
	return 0;
}

/* Judges the model's decision against lowest fit on its layout (--lowest-fit-audit). */
static int audit_alloc(struct replay *r, const struct vmt_event *ev, uint64_t size,
		       uint64_t align, uint64_t vstart, uint64_t vend, bool placed,
		       uint64_t addr)
{
	bool departed;
	int ret;

	if (!r->o->lowest_fit_audit)
		return 0;
	ret = lowest_fit_audit_alloc(r->audit, size, align, vstart, vend, placed, addr,
				     &departed);
	if (ret == -EEXIST)
		return event_error(r, -EFAULT, "alloc %s: the model placed 0x%" PRIx64
				   " over a busy area", id_name(r, ev->id), addr);
	r->s->lowest_fit_departures += departed;
	return ret;
}

/* Gives [addr, addr + size) back to the model, counting the free's search. */
static int model_release(struct replay *r, uint64_t addr, uint64_t size, uint64_t *search)
{
	int ret = model_free(r, addr, search);

	if (!ret && r->o->lowest_fit_audit)
		ret = lowest_fit_audit_release(r->audit, addr, size);
	if (!ret)
		ret = histogram_add(&r->free_search, *search);
	return ret;
}

/* --lazy: the purge releases every area freed since the last one. */
static int lazy_purge(struct replay *r)
{
	uint64_t search;
	int ret;

	for (size_t i = 0; i < r->nlazy; i++) {
		ret = model_release(r, r->lazy[i].addr, r->lazy[i].size, &search);
		if (ret)
			return event_error(r, ret, "purge: the model has no area at 0x%" PRIx64
					   ": %s", r->lazy[i].addr, strerror(-ret));
	}
	r->s->lazy_areas_purged += r->nlazy;
	r->nlazy = 0;
	return 0;
}

static int lazy_defer(struct replay *r, uint64_t addr, uint64_t size)
{
	if (r->nlazy == r->lazy_cap) {
		size_t cap = r->lazy_cap ? 2 * r->lazy_cap : 256;
		struct lazy_area *grown = realloc(r->lazy, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		r->lazy = grown;
		r->lazy_cap = cap;
	}
	r->lazy[r->nlazy++] = (struct lazy_area){ addr, size };
	return 0;
}

static int replay_alloc(struct replay *r, const struct vmt_event *ev)
{
	struct id_state *st = &r->ids[ev->id];
	bool kernel_failed = ev->flags & VMT_F_FAILED;
	uint64_t addr = 0, search;
	struct alloc_call call;
	char why[256];
	bool placed;
	int ret;

	r->s->allocs++;
	if (kernel_failed)
		r->s->kernel_failed_allocs++;
	if (st->fate == ID_LIVE)
		return inconsistent(r, invalid_events, "alloc %s: id is already live",
				    id_name(r, ev->id));
	/* Live in the trace from here on, even if the model never holds it. */
	if (!kernel_failed)
		st->fate = ID_LIVE;
	if (alloc_call_prepare(r->t, &r->w, ev, &call, why, sizeof(why)))
		return inconsistent(r, invalid_events, "alloc %s: %s", id_name(r, ev->id), why);
	if (!kernel_failed && (ev->flags & VMT_F_VA) && (ret = kernel_placed(r, ev)))
		return ret;
	ret = model_alloc(r, &call, &addr, &search);
	if (ret == -ENOMEM && r->nlazy) {
		/* alloc_vmap_area(): no room, so purge the lazy areas and
		 * search again; the alloc's search is both searches. */
		uint64_t first = search;

		r->s->lazy_failure_purges++;
		if ((ret = lazy_purge(r)))
			return ret;
		ret = model_alloc(r, &call, &addr, &search);
		search += first;
	}
	if (ret && ret != -ENOMEM)
		return event_error(r, ret, "alloc %s: model error: %s",
				   id_name(r, ev->id), strerror(-ret));
	placed = !ret;
	if ((ret = audit_alloc(r, ev, call.size, call.align, call.vstart, call.vend, placed,
			       addr)) ||
	    (ret = reference_alloc(r, ev, &call, placed, addr)) ||
	    (ret = histogram_add(&r->alloc_search, search)))
		return ret;
	if (r->o->events_csv &&
	    (ret = write_event_row(r, ev, call.size, call.align, placed, addr, search)))
		return ret;
	if (!placed) {
		r->s->failed_allocs++;
		return 0;
	}
	if (kernel_failed) {
		/*
		 * The kernel kept no area, so the model keeps none either
		 * (the trace never frees it): only the search counts.
		 */
		ret = r->o->model->free(r->m, addr, &search);
		if (!ret && r->o->lowest_fit_audit)
			ret = lowest_fit_audit_release(r->audit, addr, call.size);
		if (!ret)
			ret = reference_free(r, ev);
		return ret ? event_error(r, ret, "alloc %s: the model lost its area at 0x%" PRIx64,
					 id_name(r, ev->id), addr) : 0;
	}
	if ((ev->flags & VMT_F_VA) && ev->va == addr)
		r->s->kernel_va_matches++;
	return area_busy(r, ev->id, addr, call.size);
}

static int replay_free(struct replay *r, const struct vmt_event *ev)
{
	struct id_state *st = &r->ids[ev->id];
	uint64_t search = 0;
	int ret;

	r->s->frees++;
	/* The reference may hold an area the model failed to place. */
	if ((ret = reference_free(r, ev)))
		return ret;
	if (st->fate != ID_LIVE || !st->placed) {
		if (r->o->events_csv && (ret = write_event_row(r, ev, 0, 0, false, 0, 0)))
			return ret;
		if (st->fate == ID_NEVER)
			return inconsistent(r, unknown_frees, "free %s: id was never allocated",
					    id_name(r, ev->id));
		if (st->fate == ID_FREED)
			return inconsistent(r, double_frees, "free %s: id already freed (double free)",
					    id_name(r, ev->id));
	}
	st->fate = ID_FREED;
	if (st->kernel) {
		busy_map_remove(r->kernel_map, st->kernel);
		st->kernel = NULL;
	}
	/* Live in the trace but never held by the model: nothing to release. */
	if (!st->placed)
		return 0;
	if (r->o->lazy) {
		/* Gone from the trace, still busy in the model. */
		area_released(r, ev->id);
		return lazy_defer(r, st->addr, st->size);
	}
	ret = model_release(r, st->addr, st->size, &search);
	if (ret)
		return event_error(r, ret, "free %s: the model has no area at 0x%" PRIx64 ": %s",
				   id_name(r, ev->id), st->addr, strerror(-ret));
	if (r->o->events_csv &&
	    (ret = write_event_row(r, ev, st->size, 0, true, st->addr, search)))
		return ret;
	area_released(r, ev->id);
	return 0;
}

static int write_sample(struct replay *r)
{
	struct replay_sample smp;
	struct frag f;
	FILE *out = r->o->series_csv;
	int ret;

	ret = frag_measure(r->o->model, r->m, r->w.main_lo, r->w.main_hi, &f);
	if (ret)
		return ret;
	smp = (struct replay_sample){
		.seq = r->seq,
		.live_areas = f.live_areas,
		.live_bytes = f.live_bytes,
		.span = f.span,
		.holes = f.holes,
		.hole_bytes = f.hole_bytes,
		.largest_hole = f.largest_hole,
		.small_hole_bytes = f.hole_bytes - f.largest_hole,
		.ext_frag = frag_ext(&f),
		.unusable_16k = frag_unusable_16k(&f),
	};
	const char *sep = "";
#define METRIC_PRINT_U64(v) fprintf(out, "%s%" PRIu64, sep, v)
#define METRIC_PRINT_F64(v) fprintf(out, "%s%.9g", sep, v)
#define X(type, name, kind, label, doc) METRIC_PRINT_##type(smp.name); sep = ",";
	REPLAY_SERIES_COLUMNS(X)
#undef X
	fputc('\n', out);
	return ferror(out) ? -EIO : 0;
}

static void summarize(struct replay *r, struct frag *f, double seconds)
{
	struct replay_summary *s = r->s;

	replay_summarize_searches(&r->alloc_search, &r->free_search, s);
	replay_summarize_frag(f, s);
	s->replay_seconds = seconds;
	s->events_per_sec = seconds > 0 ? (double)s->events / seconds : 0.0;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int replay_event(struct replay *r, const struct vmt_event *ev)
{
	switch (ev->op) {
	case VMT_LIVE:
		if (r->seq)
			return event_error(r, -EINVAL, "live area after the first event");
		return replay_live(r, ev);
	case VMT_ALLOC:
		r->seq++;
		return replay_alloc(r, ev);
	case VMT_FREE:
		r->seq++;
		return replay_free(r, ev);
	case VMT_PURGE:
		/* Without --lazy models free eagerly: a purge only counts. */
		r->seq++;
		r->s->purges++;
		return r->o->lazy ? lazy_purge(r) : 0;
	}
	return event_error(r, -EINVAL, "unknown event op %u", ev->op);
}

int replay_run(const struct vmt_trace *t, const struct replay_opts *o,
	       struct replay_summary *s, struct vmt_err *err)
{
	struct replay r = { .t = t, .o = o, .s = s, .err = err };
	/* Per-id tables, read at random: in huge pages (bigmem.h). */
	size_t nids = t->ids.count ? t->ids.count : 1;
	struct vm_window win;
	struct frag f;
	double t0;
	int ret;

	memset(s, 0, sizeof(*s));
	replay_windows_init(t, o, &r.w);
	replay_model_window(t, &r.w, &win);
	if (o->lock_stat && (ret = replay_lock_choose(o, &r.lock)))
		goto out;
	r.ids = bigmem_zalloc(nids * sizeof(*r.ids));
	if (!r.ids || busy_map_create(&r.kernel_map)) {
		ret = -ENOMEM;
		goto out;
	}
	ret = o->model->create(&win, &r.m);
	if (ret) {
		vmt_err_set(err, "%s: cannot create model %s on [0x%" PRIx64 ", 0x%" PRIx64 "): %s",
			    o->trace_name, o->model->name, win.lo, win.hi, strerror(-ret));
		goto out;
	}
	if (o->lowest_fit_audit && (ret = lowest_fit_audit_create(&win, &r.audit)))
		goto out;
	if (o->reference) {
		r.ref_ids = bigmem_zalloc(nids * sizeof(*r.ref_ids));
		if (!r.ref_ids || (ret = o->reference->create(&win, &r.ref))) {
			ret = ret ? ret : -ENOMEM;
			goto out;
		}
	}
	if (o->events_csv)
		fputs("seq,op,id,size,align,addr,search\n", o->events_csv);
	if (o->series_csv) {
		const char *sep = "";
#define X(type, name, kind, label, doc) fprintf(o->series_csv, "%s%s", sep, #name); sep = ",";
		REPLAY_SERIES_COLUMNS(X)
#undef X
		fputc('\n', o->series_csv);
	}

	t0 = now_seconds();
	for (r.index = 0; r.index < t->nev; r.index++) {
		const struct vmt_event *ev = &t->ev[r.index];
		bool last_live;

		/* A free finds its id's state where the alloc left it, long
		 * ago and out of cache: fetch it a few events ahead. */
		if (r.index + ID_PREFETCH_AHEAD < t->nev)
			__builtin_prefetch(&r.ids[t->ev[r.index + ID_PREFETCH_AHEAD].id], 1);
		last_live = ev->op == VMT_LIVE &&
			(r.index + 1 == t->nev || t->ev[r.index + 1].op != VMT_LIVE);

		if ((ret = replay_event(&r, ev)) || (ret = check_model(&r)))
			goto out;
		if (ev->op != VMT_LIVE || last_live)
			track_maxima(&r);
		/* The snapshot is set-up: the clock runs over the events. */
		if (last_live)
			t0 = now_seconds();
		if (o->series_csv && ev->op != VMT_LIVE &&
		    (r.seq % o->series_every == 0) && (ret = write_sample(&r)))
			goto out;
	}
	s->events = r.seq;
	s->lazy_areas_pending = r.nlazy;
	if (o->series_csv && r.seq % o->series_every && (ret = write_sample(&r)))
		goto out;
	ret = frag_measure(o->model, r.m, r.w.main_lo, r.w.main_hi, &f);
	if (ret)
		goto out;
	summarize(&r, &f, now_seconds() - t0);
	if (o->layout_csv && (ret = replay_write_layout(o->model, r.m, o->layout_csv)))
		goto out;
	if (o->lock_stat && (ret = replay_lock_summary(o, r.acct, s)))
		goto out;
	if (o->holds_csv)
		ret = replay_write_holds(r.acct, o->holds_csv);
out:
	if (ret == -ENOMEM)
		vmt_err_set(err, "%s: out of memory during replay", o->trace_name);
	else if (ret == -EIO)
		vmt_err_set(err, "%s: writing a CSV failed", o->trace_name);
	else if (ret)
		vmt_err_set(err, "%s: replay failed: %s", o->trace_name, strerror(-ret));
	o->model->destroy(r.m);
	if (o->lock_stat)
		replay_lock_destroy(&r.lock);
	for (int op = 0; op < LOCK_OPS; op++)
		lock_account_free(&r.acct[op]);
	lowest_fit_audit_destroy(r.audit);
	if (o->reference)
		o->reference->destroy(r.ref);
	bigmem_free(r.ref_ids, nids * sizeof(*r.ref_ids));
	histogram_free(&r.alloc_search);
	histogram_free(&r.free_search);
	free(r.heap.e);
	free(r.lazy);
	busy_map_destroy(r.kernel_map);
	bigmem_free(r.ids, nids * sizeof(*r.ids));
	return ret;
}
