/* SPDX-License-Identifier: MIT */
/*
 * What the replay loops share besides the engine (replay/replay_prep.h):
 * the window rules, an alloc event as a model call, event messages, the
 * lock choice, and the summary's search, fragmentation and lock figures.
 * Stateless: every function works on its arguments only.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/vmmath.h"
#include "replay/frag.h"
#include "lib/histogram.h"
#include "replay/replay_prep.h"

void replay_windows_init(const struct vmt_trace *t, const struct replay_opts *o,
			 struct replay_windows *w)
{
	w->trace_lo = t->has_range ? t->range_lo : window_presets[0].lo;
	w->trace_hi = t->has_range ? t->range_hi : window_presets[0].hi;
	w->main_lo = o->has_range ? o->range_lo : w->trace_lo;
	w->main_hi = o->has_range ? o->range_hi : w->trace_hi;
}

/* The request window of an alloc, as the header comment of replay.h says. */
static void request_window(const struct replay_windows *w, const struct vmt_event *ev,
			   uint64_t *vstart, uint64_t *vend)
{
	*vstart = w->main_lo;
	*vend = w->main_hi;
	if ((ev->flags & VMT_F_VSTART) && ev->vstart != w->trace_lo)
		*vstart = ev->vstart;
	if ((ev->flags & VMT_F_VEND) && ev->vend != w->trace_hi &&
	    ev->vend != w->trace_hi - 1)
		*vend = ev->vend;
}

void replay_scan_init(struct replay_scan *sc)
{
	*sc = (struct replay_scan){ .lo = UINT64_MAX };
}

void replay_scan_add(struct replay_scan *sc, const struct replay_windows *w,
		     const struct replay_opts *o, const struct vmt_event *ev, size_t n)
{
	for (size_t i = 0; i < n; i++, ev++) {
		bool outside = ev->va < o->range_lo || ev->va > o->range_hi ||
			       ev->size > o->range_hi - ev->va;
		uint64_t vstart, vend;

		if ((ev->flags & VMT_F_CPU) && ev->cpu + 1u > sc->cpus)
			sc->cpus = ev->cpu + 1u;
		if (ev->op == VMT_LIVE && sc->nlive == sc->nev)
			sc->nlive++;
		sc->nev++;
		if (ev->op == VMT_LIVE) {
			sc->areas++;
			sc->areas_out += outside;
			if (ev->size && ev->va + ev->size > ev->va) {
				sc->lo = vm_min(sc->lo, ev->va);
				sc->hi = vm_max(sc->hi, ev->va + ev->size);
			}
		} else if (ev->op == VMT_ALLOC) {
			if (ev->flags & VMT_F_VA) {
				sc->placed++;
				sc->placed_out += outside;
			}
			request_window(w, ev, &vstart, &vend);
			if (vstart < vend) {
				sc->lo = vm_min(sc->lo, vstart);
				sc->hi = vm_max(sc->hi, vend);
			}
		}
	}
}

void replay_scan_trace(const struct vmt_trace *t, const struct replay_opts *o,
		       struct replay_scan *sc)
{
	struct replay_windows w;

	replay_windows_init(t, o, &w);
	replay_scan_init(sc);
	replay_scan_add(sc, &w, o, t->ev, t->nev);
}

void replay_model_window(const struct vmt_trace *t, const struct replay_windows *w,
			 const struct replay_scan *sc, struct vm_window *out)
{
	uint64_t page = t->page_size, lo = vm_min(w->main_lo, sc->lo),
		 hi = vm_max(w->main_hi, sc->hi);
	uint32_t cpus = vmt_trace_cpus_possible(t);

	out->lo = lo & ~(page - 1);
	/* Round hi up, but stay representable: the last page can't be used. */
	if (!vm_align_up(hi, page, &out->hi))
		out->hi = 0 - page;
	out->page_size = page;
	/* Full-window requests are those request_window() gives the main window. */
	out->vmalloc_lo = w->main_lo;
	out->vmalloc_hi = w->main_hi;
	out->nr_cpus = cpus ? cpus : sc->cpus ? sc->cpus : 1;
}

int alloc_call_prepare(const struct vmt_trace *t, const struct replay_windows *w,
		       const struct vmt_event *ev, struct vm_request *call,
		       char *why, size_t why_len)
{
	uint64_t align = (ev->flags & VMT_F_ALIGN) ? ev->align : t->page_size;

	request_window(w, ev, &call->vstart, &call->vend);
	if (!ev->size || ev->size % t->page_size) {
		snprintf(why, why_len, "size %" PRIu64 " is not a positive multiple of the page size",
			 ev->size);
		return -EINVAL;
	}
	if (!vm_is_pow2(align)) {
		snprintf(why, why_len, "align %" PRIu64 " is not a power of two", align);
		return -EINVAL;
	}
	if (call->vstart >= call->vend) {
		snprintf(why, why_len, "vstart 0x%" PRIx64 " is not below vend 0x%" PRIx64,
			 call->vstart, call->vend);
		return -EINVAL;
	}
	call->size = ev->size;
	call->cpu = (ev->flags & VMT_F_CPU) ? ev->cpu : VM_CPU_UNKNOWN;
	/* The kernel never aligns below a page; neither do the models. */
	call->align = vm_max(align, t->page_size);
	return 0;
}

void replay_event_verror(struct vmt_err *err, const struct vmt_trace *t, const char *name,
			 size_t index, const char *fmt, va_list ap)
{
	char what[512];

	vsnprintf(what, sizeof(what), fmt, ap);
	if (t->line)
		vmt_err_set(err, "%s:%" PRIu32 ": %s", name, t->line[index], what);
	else
		vmt_err_set(err, "%s: event %zu: %s", name, index, what);
}

void replay_event_error(struct vmt_err *err, const struct vmt_trace *t, const char *name,
			size_t index, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	replay_event_verror(err, t, name, index, fmt, ap);
	va_end(ap);
}

int replay_lock_choose(const struct replay_opts *o, struct replay_lock *l)
{
	return replay_lock_init(l, o->lock_override ? o->lock_type : o->model->locking.type);
}

int replay_lock_summary(const struct replay_opts *o, struct lock_account acct[LOCK_OPS],
			struct replay_summary *s)
{
	int ret = 0;

	s->has_lock_stat = true;
	s->lock_name = o->model->locking.lock;
	s->lock_type = vm_lock_type_name(o->lock_override ? o->lock_type :
					 o->model->locking.type);
	s->clock_overhead_ns = lock_clock_overhead();
	for (int op = 0; op < LOCK_OPS; op++)
		if (lock_account_summarize(&acct[op], &s->lock[op]))
			ret = -ENOMEM;
	return ret;
}

static int layout_row(void *arg, uint64_t addr, uint64_t size)
{
	return fprintf(arg, "0x%" PRIx64 ",%" PRIu64 "\n", addr, size) < 0 ? -EIO : 0;
}

int replay_write_layout(const struct vm_allocator_ops *ops, struct vm_model *m, FILE *f)
{
	int ret;

	fputs("addr,size\n", f);
	ret = ops->walk(m, layout_row, f);
	return ret ? ret : ferror(f) ? -EIO : 0;
}

void replay_summarize_searches(const struct histogram *alloc_search,
			       const struct histogram *free_search,
			       struct replay_summary *s)
{
	s->alloc_search_mean = histogram_mean(alloc_search);
	s->alloc_search_p50 = histogram_quantile(alloc_search, 50);
	s->alloc_search_p99 = histogram_quantile(alloc_search, 99);
	s->alloc_search_max = alloc_search->max;
	s->alloc_search_total = alloc_search->total;
	s->free_search_mean = histogram_mean(free_search);
	s->free_search_p50 = histogram_quantile(free_search, 50);
	s->free_search_p99 = histogram_quantile(free_search, 99);
	s->free_search_max = free_search->max;
	s->free_search_total = free_search->total;
}

void replay_summarize_frag(const struct frag *f, struct replay_summary *s)
{
	s->end_live_areas = f->live_areas;
	s->end_live_bytes = f->live_bytes;
	s->holes = f->holes;
	s->hole_bytes = f->hole_bytes;
	s->largest_hole = f->largest_hole;
	s->small_hole_bytes = f->hole_bytes - f->largest_hole;
	s->ext_frag = frag_ext(f);
	s->unusable_16k = frag_unusable_16k(f);
	s->footprint = s->max_live_bytes ?
		(double)s->max_span / (double)s->max_live_bytes : 0.0;
}

/* One hold of replay_write_holds(); @order breaks ties in the recording order. */
struct hold_row {
	uint64_t index, ns, order;
	int op;
};

static int by_event(const void *a, const void *b)
{
	const struct hold_row *x = a, *y = b;

	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

int replay_write_holds(struct lock_account acct[LOCK_OPS], size_t nlive, FILE *f)
{
	static const char *const names[LOCK_OPS] = LOCK_OP_NAMES;
	struct hold_row *rows;
	size_t n = 0;

	for (int op = 0; op < LOCK_OPS; op++)
		n += acct[op].hold.n;
	rows = malloc((n ? n : 1) * sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	n = 0;
	for (int op = 0; op < LOCK_OPS; op++)
		for (size_t i = 0; i < acct[op].hold.n; i++, n++)
			rows[n] = (struct hold_row){ acct[op].hold_index.v[i], acct[op].hold.v[i],
						     n, op };
	/* Threads record in their own order, and each op apart: one order. */
	qsort(rows, n, sizeof(*rows), by_event);
	fputs("op,ns,seq\n", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s,%" PRIu64 ",%" PRIu64 "\n", names[rows[i].op], rows[i].ns,
			rows[i].index < nlive ? 0 : rows[i].index + 1 - nlive);
	free(rows);
	return ferror(f) ? -EIO : 0;
}
