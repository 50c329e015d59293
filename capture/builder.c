/* SPDX-License-Identifier: MIT */
/*
 * The trace builder (builder.h): events are stored as they come, then
 * vmt_builder_finish resolves them in one pass over the events, keeping a
 * hash of the live start addresses, and writes the trace in a second.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "trace/trace_text.h"
#include "capture/builder.h"

/* What the trace's view says of a snapshot area while events resolve. */
enum snap_state {
	SNAP_LIVE,		/* busy, no event touched it yet */
	SNAP_FREED,		/* a traced free released it */
	SNAP_DROPPED,		/* a traced alloc showed the snapshot saw newer state */
	SNAP_UNPURGED,		/* lazily freed; its traced free may still come */
	SNAP_UNPURGED_SETTLED,	/* unpurged, released by the synthetic free */
	SNAP_UNPURGED_TRACED,	/* unpurged, released by a traced free */
};

/* A start address that is live in the trace's view, and its owner. */
struct builder_addr {
	UT_hash_handle hh;
	uint64_t va;
	uint32_t id;		/* index into trace.ids */
	int64_t snap;		/* snapshot area index, or -1 for a traced alloc */
};

/* The state of one resolution pass. */
struct resolver {
	struct vmt_builder *b;
	struct builder_addr *live;	/* uthash head */
	size_t *order;			/* snapshot indices sorted by start */
	uint64_t *max_end;		/* max end over order[0..i] */
	enum snap_state *state;		/* by snapshot index */
	uint32_t *snap_id;		/* by snapshot index */
	uint64_t next_alloc, next_unknown;
};

int vmt_builder_init(struct vmt_builder *b, const char *name)
{
	memset(b, 0, sizeof(*b));
	b->name = name;
	return vmt_trace_init(&b->t);
}

void vmt_builder_free(struct vmt_builder *b)
{
	vmt_trace_free(&b->t);
	free(b->ev);
	free(b->line);
	free(b->attrs);
	memset(b, 0, sizeof(*b));
}

void vmt_builder_set_snapshot(struct vmt_builder *b, const struct vmt_snapshot *snap)
{
	b->snap = snap;
}

/* Appends @len bytes to the scratch attribute text at *@len_io. */
static int attrs_put(struct vmt_builder *b, size_t *len_io, const char *s, size_t len)
{
	size_t need = *len_io + len + 1;

	if (need > b->attrs_cap) {
		size_t cap = need * 2 > 256 ? need * 2 : 256;
		char *a = realloc(b->attrs, cap);

		if (!a)
			return -ENOMEM;
		b->attrs = a;
		b->attrs_cap = cap;
	}
	memcpy(b->attrs + *len_io, s, len);
	*len_io += len;
	b->attrs[*len_io] = '\0';
	return 0;
}

/*
 * Appends ` key=value` with the value percent-encoded: every byte that is
 * whitespace, '#', '=', '%' or not printable ASCII becomes %XX, so the
 * text format's tokenizer keeps it one token.
 */
static int attrs_put_text(struct vmt_builder *b, size_t *len_io, const char *key,
			  const char *val, size_t val_len)
{
	char head[64], enc[4];
	int n = snprintf(head, sizeof(head), "%s%s=", *len_io ? " " : "", key);
	int ret = attrs_put(b, len_io, head, n);

	for (size_t i = 0; !ret && i < val_len; i++) {
		unsigned char c = val[i];

		if (c <= ' ' || c >= 0x7f || c == '#' || c == '=' || c == '%') {
			snprintf(enc, sizeof(enc), "%%%02X", c);
			ret = attrs_put(b, len_io, enc, 3);
		} else {
			ret = attrs_put(b, len_io, val + i, 1);
		}
	}
	return ret;
}

static int attrs_put_num(struct vmt_builder *b, size_t *len_io, const char *key,
			 uint64_t v, bool hex)
{
	char buf[96];
	int n = snprintf(buf, sizeof(buf), hex ? "%s%s=0x%" PRIx64 : "%s%s=%" PRIu64,
			 *len_io ? " " : "", key, v);

	return attrs_put(b, len_io, buf, n);
}

/* Interns the scratch text (empty: 0, "none"). */
static int attrs_intern(struct vmt_builder *b, size_t len, uint32_t *idx)
{
	*idx = 0;
	return len ? strtab_intern(&b->t.strs, b->attrs, len, idx) : 0;
}

int vmt_builder_add(struct vmt_builder *b, const struct vmt_raw_event *raw,
		    struct vmt_err *err)
{
	struct vmt_event ev = {
		.op = raw->op, .flags = raw->flags, .t = raw->t, .cpu = raw->cpu,
		.pid = raw->pid,
	};
	size_t len = 0;
	int ret = 0;

	switch (raw->op) {
	case VMT_ALLOC:
		/* A failed alloc's va is an error code: only its size must hold. */
		if (!raw->size || (!(raw->flags & VMT_F_FAILED) &&
				   raw->va + raw->size < raw->va)) {
			return vmt_err_line(err, b->name, raw->line, "alloc of %" PRIu64
					    " bytes at 0x%" PRIx64 " is empty or wraps",
					    raw->size, raw->va);
		}
		ev.size = raw->size;
		ev.align = raw->align;
		ev.vstart = raw->vstart;
		ev.vend = raw->vend;
		ev.flags |= VMT_F_ALIGN | VMT_F_VSTART | VMT_F_VEND;
		/* A failed alloc's address is an error code (vend), not a
		 * place: it is not kept, as the format has no va without
		 * VMT_F_VA (a stray one made binary output fail). */
		if (!(raw->flags & VMT_F_FAILED)) {
			ev.va = raw->va;
			ev.flags |= VMT_F_VA;
		}
		break;
	case VMT_FREE:
		ev.va = raw->va;	/* resolved to an id by finish */
		break;
	case VMT_PURGE:
		/* A purge that found nothing lazy still fires, its range left at
		 * the initial ULONG_MAX/0: kept as recorded, with n=0. */
		if (raw->start > raw->end && raw->npurged) {
			return vmt_err_line(err, b->name, raw->line, "purge of %" PRIu64
					    " areas: start 0x%" PRIx64 " is above its end 0x%" PRIx64,
					    raw->npurged, raw->start, raw->end);
		}
		ev.vstart = raw->start;
		ev.vend = raw->end;
		ev.size = raw->npurged;
		/* The format's purge has n= where others have pid=, no comm. */
		ev.pid = 0;
		ev.flags |= VMT_F_N;
		break;
	default:
		return vmt_err_line(err, b->name, raw->line, "event op %d cannot be traced",
				    (int)raw->op);
	}
	if (raw->comm && raw->op != VMT_PURGE)
		ret = attrs_put_text(b, &len, "comm", raw->comm, strlen(raw->comm));
	for (size_t i = 0; !ret && i < raw->nextra; i++)
		ret = attrs_put_num(b, &len, raw->extra[i].key, raw->extra[i].value, false);
	for (size_t i = 0; !ret && i < raw->ntext; i++)
		ret = attrs_put_text(b, &len, raw->text[i].key, raw->text[i].value,
				     strlen(raw->text[i].value));
	if (!ret)
		ret = attrs_intern(b, len, &ev.attrs);
	if (!ret && b->nev == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 4096;
		struct vmt_event *e = realloc(b->ev, cap * sizeof(*e));
		uint32_t *l = e ? realloc(b->line, cap * sizeof(*l)) : NULL;

		if (e)
			b->ev = e;
		if (l)
			b->line = l;
		if (!e || !l)
			ret = -ENOMEM;
		else
			b->cap = cap;
	}
	if (ret) {
		vmt_err_set(err, "%s:%" PRIu32 ": out of memory", b->name, raw->line);
		return ret;
	}
	b->line[b->nev] = raw->line;
	b->ev[b->nev++] = ev;
	if (b->progress)
		progress_tick(b->progress, b->nev);
	return 0;
}

/* --- resolution ----------------------------------------------------------- */

static const struct vmt_snap_area *snap_area(const struct resolver *r, size_t i)
{
	return &r->b->snap->areas[i];
}

static int cmp_by_start(const void *a, const void *b, void *areas)
{
	const struct vmt_snap_area *s = areas;
	uint64_t x = s[*(const size_t *)a].start, y = s[*(const size_t *)b].start;

	return x < y ? -1 : x > y;
}

static int intern_id(struct vmt_builder *b, char prefix, uint64_t n, uint32_t *id)
{
	char name[32];
	int len = snprintf(name, sizeof(name), "%c%" PRIu64, prefix, n);

	return strtab_intern(&b->t.ids, name, len, id);
}

static struct builder_addr *live_find(struct resolver *r, uint64_t va)
{
	struct builder_addr *a;

	HASH_FIND(hh, r->live, &va, sizeof(va), a);
	return a;
}

static void live_remove(struct resolver *r, struct builder_addr *a)
{
	HASH_DEL(r->live, a);
	free(a);
}

static int live_add(struct resolver *r, uint64_t va, uint32_t id, int64_t snap)
{
	struct builder_addr *a = calloc(1, sizeof(*a));

	if (!a)
		return -ENOMEM;
	a->va = va;
	a->id = id;
	a->snap = snap;
	HASH_ADD(hh, r->live, va, sizeof(a->va), a);
	return 0;
}

/* Removes snapshot area @i's start from the live map, if it holds it. */
static void live_forget_snap(struct resolver *r, size_t i)
{
	struct builder_addr *a = live_find(r, snap_area(r, i)->start);

	if (a && a->snap == (int64_t)i)
		live_remove(r, a);
}

static int resolver_init(struct resolver *r, struct vmt_builder *b)
{
	const struct vmt_snapshot *s = b->snap;
	size_t n = s ? s->n : 0;
	int ret = 0;

	memset(r, 0, sizeof(*r));
	r->b = b;
	if (!n)
		return 0;
	r->order = malloc(n * sizeof(*r->order));
	r->max_end = malloc(n * sizeof(*r->max_end));
	r->state = malloc(n * sizeof(*r->state));
	r->snap_id = malloc(n * sizeof(*r->snap_id));
	if (!r->order || !r->max_end || !r->state || !r->snap_id)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		r->order[i] = i;
	qsort_r(r->order, n, sizeof(*r->order), cmp_by_start, s->areas);
	for (size_t k = 0; k < n; k++) {
		const struct vmt_snap_area *a = &s->areas[r->order[k]];
		uint64_t end = a->start + a->size;

		r->max_end[k] = k && r->max_end[k - 1] > end ? r->max_end[k - 1] : end;
	}
	for (size_t i = 0; !ret && i < n; i++) {
		r->state[i] = s->areas[i].unpurged ? SNAP_UNPURGED : SNAP_LIVE;
		ret = intern_id(b, 's', i + 1, &r->snap_id[i]);
		/* A second area at one start (a racy read) stays unmatchable. */
		if (!ret && !live_find(r, s->areas[i].start))
			ret = live_add(r, s->areas[i].start, r->snap_id[i], i);
	}
	return ret;
}

static void resolver_free(struct resolver *r)
{
	struct builder_addr *a, *tmp;

	HASH_ITER(hh, r->live, a, tmp)
		live_remove(r, a);
	free(r->order);
	free(r->max_end);
	free(r->state);
	free(r->snap_id);
}

/*
 * Calls @fn on every snapshot area overlapping [lo, hi), by walking down
 * from the last area starting below @hi while some earlier area still
 * ends above @lo.
 */
static void for_each_overlap(struct resolver *r, uint64_t lo, uint64_t hi,
			     void (*fn)(struct resolver *r, size_t i))
{
	size_t n = r->b->snap ? r->b->snap->n : 0, left = 0, right = n;

	while (left < right) {	/* first position with start >= hi */
		size_t mid = left + (right - left) / 2;

		if (snap_area(r, r->order[mid])->start < hi)
			left = mid + 1;
		else
			right = mid;
	}
	for (size_t k = left; k-- > 0 && r->max_end[k] > lo;) {
		const struct vmt_snap_area *a = snap_area(r, r->order[k]);

		if (a->start + a->size > lo)
			fn(r, r->order[k]);
	}
}

/* A traced alloc overlaps area @i. */
static void overlapped_by_alloc(struct resolver *r, size_t i)
{
	if (r->state[i] == SNAP_LIVE) {
		r->state[i] = SNAP_DROPPED;
		r->b->st.snapshot_dropped++;
	} else if (r->state[i] == SNAP_UNPURGED) {
		/* Not reusable before a purge: the snapshot saw this alloc. */
		r->state[i] = SNAP_DROPPED;
		r->b->st.unpurged_dropped++;
	} else {
		return;
	}
	live_forget_snap(r, i);
}

/* A purge covers area @i's range. */
static void covered_by_purge(struct resolver *r, size_t i)
{
	if (r->state[i] != SNAP_UNPURGED)
		return;
	r->state[i] = SNAP_UNPURGED_SETTLED;
	live_forget_snap(r, i);
}

static int resolve_alloc(struct resolver *r, struct vmt_event *ev)
{
	struct builder_addr *a;

	r->b->st.allocs++;
	if (ev->flags & VMT_F_FAILED) {
		r->b->st.failed_allocs++;
		return intern_id(r->b, 'a', ++r->next_alloc, &ev->id);
	}
	for_each_overlap(r, ev->va, ev->va + ev->size, overlapped_by_alloc);
	a = live_find(r, ev->va);
	if (a) {
		/* Still live from an earlier traced alloc: see builder.h. */
		r->b->st.realloc_live++;
		ev->id = a->id;
		return 0;
	}
	int ret = intern_id(r->b, 'a', ++r->next_alloc, &ev->id);

	return ret ? ret : live_add(r, ev->va, ev->id, -1);
}

static int resolve_unknown_free(struct resolver *r, struct vmt_event *ev)
{
	struct vmt_builder *b = r->b;
	const char *old = strtab_get(&b->t.strs, ev->attrs);
	size_t len = 0;
	int ret;

	b->st.unknown_frees++;
	ret = intern_id(b, 'u', ++r->next_unknown, &ev->id);
	if (!ret)
		ret = attrs_put(b, &len, old, strlen(old));
	if (!ret)
		ret = attrs_put_num(b, &len, "addr", ev->va, true);
	return ret ? ret : attrs_intern(b, len, &ev->attrs);
}

static int resolve_free(struct resolver *r, struct vmt_event *ev)
{
	struct builder_addr *a = live_find(r, ev->va);
	int ret;

	r->b->st.frees++;
	if (!a) {
		ret = resolve_unknown_free(r, ev);
		ev->va = 0;	/* kept as addr=; a free carries no va field */
		return ret;
	}
	ev->id = a->id;
	ev->va = 0;	/* the id says which area: a free carries no va field */
	if (a->snap >= 0) {
		enum snap_state *st = &r->state[a->snap];

		if (*st == SNAP_UNPURGED) {
			*st = SNAP_UNPURGED_TRACED;
			r->b->st.unpurged_traced++;
		} else {
			*st = SNAP_FREED;
		}
	}
	live_remove(r, a);
	return 0;
}

static int resolve_events(struct resolver *r)
{
	struct vmt_builder *b = r->b;
	int ret = 0;

	for (size_t i = 0; !ret && i < b->nev; i++) {
		struct vmt_event *ev = &b->ev[i];

		switch (ev->op) {
		case VMT_ALLOC:
			ret = resolve_alloc(r, ev);
			break;
		case VMT_FREE:
			ret = resolve_free(r, ev);
			break;
		case VMT_PURGE:
			b->st.purges++;
			/* The purge list is purged whole: whatever was lazy in
			 * [start, end] before it is gone. */
			for_each_overlap(r, ev->vstart, ev->vend + 1, covered_by_purge);
			break;
		}
	}
	return ret;
}

/* --- output --------------------------------------------------------------- */

static int push(struct vmt_trace *t, const struct vmt_event *ev)
{
	return vmt_trace_push(t, ev, 0) ? 0 : -ENOMEM;
}

static int live_attrs(struct vmt_builder *b, const struct vmt_snap_area *a, uint32_t *idx)
{
	const struct strtab *s = &b->snap->strs;
	size_t len = 0;
	int ret = 0;

	if (a->caller)
		ret = attrs_put_text(b, &len, "caller", strtab_get(s, a->caller),
				     strtab_len(s, a->caller));
	if (!ret && a->kind)
		ret = attrs_put_text(b, &len, "kind", strtab_get(s, a->kind),
				     strtab_len(s, a->kind));
	if (!ret && a->pages)
		ret = attrs_put_num(b, &len, "pages", a->pages, false);
	if (!ret && a->has_phys)
		ret = attrs_put_num(b, &len, "phys", a->phys, true);
	return ret ? ret : attrs_intern(b, len, idx);
}

/* The live lines in address order, then the synthetic frees. */
static int emit_snapshot(struct resolver *r, struct vmt_event *out, size_t *n)
{
	struct vmt_builder *b = r->b;
	size_t nsnap = b->snap ? b->snap->n : 0;
	uint32_t synthetic;
	int ret;

	for (size_t k = 0; k < nsnap; k++) {
		size_t i = r->order[k];
		const struct vmt_snap_area *a = snap_area(r, i);
		struct vmt_event ev = { .op = VMT_LIVE, .id = r->snap_id[i], .va = a->start,
					.size = a->size };

		if (r->state[i] == SNAP_DROPPED)
			continue;
		if ((ret = live_attrs(b, a, &ev.attrs)))
			return ret;
		out[(*n)++] = ev;
		b->st.snapshot_areas++;
	}
	ret = strtab_intern(&b->t.strs, "synthetic=unpurged", 18, &synthetic);
	for (size_t k = 0; !ret && k < nsnap; k++) {
		size_t i = r->order[k];

		if (r->state[i] != SNAP_UNPURGED && r->state[i] != SNAP_UNPURGED_SETTLED)
			continue;
		out[(*n)++] = (struct vmt_event){ .op = VMT_FREE, .id = r->snap_id[i],
						  .attrs = synthetic };
		b->st.unpurged_synthetic++;
	}
	return ret;
}

/*
 * The request window most allocs name becomes the trace's main window.
 * Kernels use a handful of windows (vmalloc, modules, ...); past
 * MAX_WINDOWS distinct ones the rest are not counted.
 */
#define MAX_WINDOWS 16

static void pick_range(struct vmt_builder *b)
{
	struct window_count { uint64_t lo, hi, n; } w[MAX_WINDOWS];
	size_t nw = 0, best = 0, k;

	for (size_t i = 0; i < b->nev; i++) {
		const struct vmt_event *ev = &b->ev[i];

		if (ev->op != VMT_ALLOC)
			continue;
		for (k = 0; k < nw && (w[k].lo != ev->vstart || w[k].hi != ev->vend); k++)
			;
		if (k == nw && nw == MAX_WINDOWS)
			continue;
		if (k == nw)
			w[nw++] = (struct window_count){ ev->vstart, ev->vend, 0 };
		if (++w[k].n > w[best].n)
			best = k;
	}
	if (!nw)
		return;
	/* The kernel's VMALLOC_END is inclusive on x86 (...ffff): step past it. */
	if (w[best].hi != UINT64_MAX && !((w[best].hi + 1) % b->t.page_size))
		w[best].hi++;
	if (w[best].lo < w[best].hi) {
		b->t.has_range = true;
		b->t.range_lo = w[best].lo;
		b->t.range_hi = w[best].hi;
		/* A window no page fits in is no main window (the formats
		 * refuse it): the replay's default applies instead. */
		if (!vmt_range_holds_page(&b->t)) {
			b->t.has_range = false;
			b->t.range_lo = b->t.range_hi = 0;
		}
	}
}

static int add_stats_meta(struct vmt_trace *t, const struct vmt_build_stats *st)
{
	const struct { const char *key; uint64_t v; } rows[] = {
		{ "import.allocs", st->allocs },
		{ "import.failed_allocs", st->failed_allocs },
		{ "import.frees", st->frees },
		{ "import.purges", st->purges },
		{ "import.snapshot_areas", st->snapshot_areas },
		{ "import.snapshot_dropped", st->snapshot_dropped },
		{ "import.unpurged_synthetic_frees", st->unpurged_synthetic },
		{ "import.unpurged_traced_frees", st->unpurged_traced },
		{ "import.unpurged_dropped", st->unpurged_dropped },
		{ "import.unknown_frees", st->unknown_frees },
		{ "import.allocs_at_live_address", st->realloc_live },
	};
	char num[32];
	int ret = 0;

	for (size_t i = 0; !ret && i < sizeof(rows) / sizeof(rows[0]); i++) {
		snprintf(num, sizeof(num), "%" PRIu64, rows[i].v);
		ret = vmt_trace_add_meta(t, rows[i].key, num);
	}
	return ret;
}

int vmt_builder_finish(struct vmt_builder *b, struct vmt_trace *out,
		       struct vmt_build_stats *st, struct vmt_err *err)
{
	size_t nsnap = b->snap ? b->snap->n : 0, n = 0;
	struct vmt_event *all = NULL;
	struct resolver r;
	int ret;

	ret = resolver_init(&r, b);
	if (!ret)
		ret = resolve_events(&r);
	if (ret)
		goto out;
	/* Live lines, at most one synthetic free each, then the events. */
	all = malloc((2 * nsnap + b->nev + 1) * sizeof(*all));
	if (!all) {
		ret = -ENOMEM;
		goto out;
	}
	ret = emit_snapshot(&r, all, &n);
	if (ret)
		goto out;
	pick_range(b);
	for (size_t i = 0; !ret && i < n; i++)
		ret = push(&b->t, &all[i]);
	for (size_t i = 0; !ret && i < b->nev; i++)
		ret = push(&b->t, &b->ev[i]);
	if (!ret)
		ret = add_stats_meta(&b->t, &b->st);
	if (ret)
		goto out;
	if (st)
		*st = b->st;
	*out = b->t;
	ret = vmt_trace_init(&b->t);
out:
	if (ret)
		vmt_err_set(err, "%s: out of memory while building the trace", b->name);
	free(all);
	resolver_free(&r);
	return ret;
}
