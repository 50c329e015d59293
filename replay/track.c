/* SPDX-License-Identifier: MIT */
/*
 * Judging a trace, once per copy, in trace order (replay/track.h).
 *
 * Each id has a fate in the trace, whatever the model does with it:
 * never named yet, live (a live line or an alloc the kernel did not
 * fail, not freed since), or freed (not allocated again since).  The
 * traced kernel's own map holds the snapshot areas and the va= of live
 * allocs, until their frees.  The rules (docs/BAD_INPUT.md):
 *
 *   live   replayed unless the id is already live, the size is 0 or not
 *          whole pages, the address not page aligned, the area runs past
 *          2^64 or overlaps an earlier one (snapshot_conflicts).  The id
 *          is live from here on even when the line is not replayed.
 *   alloc  replayed unless the id is already live or the request is
 *          invalid (invalid_events).  The id is live from here on unless
 *          the kernel failed it (failed=1), even when not replayed.  A
 *          va= over an area still busy in the kernel's map, or past 2^64,
 *          is a kernel_va_conflict, and the alloc is replayed all the same.
 *   free   replayed when the id is live; else an unknown or a double free.
 *
 * Every inconsistency is counted in its metric, or under --strict is the
 * copy's stop error `TRACE:LINE: what`, and the copy is not judged further.
 * The model never enters here: every verdict, and so every count, is the
 * same with any model and any number of threads.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocator/busy_map.h"
#include "lib/bigmem.h"
#include "lib/vmmath.h"
#include "replay/track.h"

enum id_fate {
	ID_NEVER,
	ID_LIVE,
	ID_FREED,
};

/* One id while a copy is judged. */
struct judged_id {
	uint8_t fate;			/* enum id_fate */
	struct vm_busy *kernel;		/* its range in the kernel's map, or NULL */
};

struct judge {
	const struct vmt_trace *t;
	const struct replay_opts *o;
	const struct replay_windows *w;
	struct judged_id *ids;
	struct busy_map *kernel_map;
	struct replay_summary n;	/* this copy's counts */
	struct track_copy *c;
	size_t index;
};

/* An inconsistency: the stop error under --strict, else counted in *@counter. */
static int __attribute__((format(printf, 3, 4)))
inconsistent(struct judge *j, uint64_t *counter, const char *fmt, ...)
{
	va_list ap;

	if (!j->o->strict) {
		(*counter)++;
		return 0;
	}
	va_start(ap, fmt);
	replay_event_verror(&j->c->stop_err, j->t, j->o->trace_name, j->index, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const char *id_name(const struct judge *j, uint32_t id)
{
	return strtab_get(&j->t->ids, id);
}

/* The kernel had [va, va + size) busy for @ev's id, from now until its free. */
static int kernel_placed(struct judge *j, const struct vmt_event *ev)
{
	struct vm_busy *busy;
	uint64_t start, end;
	int ret;

	if (!vm_fits_below(ev->va, ev->size, UINT64_MAX))
		return inconsistent(j, &j->n.kernel_va_conflicts,
				    "%s %s: va 0x%" PRIx64 " + %" PRIu64 " runs past 2^64",
				    vmt_op_name(ev->op), id_name(j, ev->id), ev->va, ev->size);
	ret = busy_map_insert(j->kernel_map, ev->va, ev->va + ev->size, &busy);
	if (ret == -EEXIST) {
		busy_map_bounds(busy, &start, &end);
		return inconsistent(j, &j->n.kernel_va_conflicts,
				    "%s %s: the kernel's 0x%" PRIx64 "+%" PRIu64 " overlaps "
				    "0x%" PRIx64 "+%" PRIu64 ", which it had not freed",
				    vmt_op_name(ev->op), id_name(j, ev->id), ev->va, ev->size,
				    start, end - start);
	}
	if (!ret)
		j->ids[ev->id].kernel = busy;
	return ret;
}

static int judge_live(struct judge *j, const struct vmt_event *ev, bool *replay)
{
	struct judged_id *id = &j->ids[ev->id];
	uint64_t page = j->t->page_size;
	struct vm_busy *busy;
	int ret;

	if (id->fate == ID_LIVE)
		return inconsistent(j, &j->n.snapshot_conflicts, "live %s: id already live",
				    id_name(j, ev->id));
	id->fate = ID_LIVE;
	if (!ev->size || ev->size % page)
		return inconsistent(j, &j->n.snapshot_conflicts, "live %s: size %" PRIu64
				    " is not a positive multiple of the page size",
				    id_name(j, ev->id), ev->size);
	if (ev->va % page)
		return inconsistent(j, &j->n.snapshot_conflicts,
				    "live %s: address 0x%" PRIx64 " is not page aligned",
				    id_name(j, ev->id), ev->va);
	if (!vm_fits_below(ev->va, ev->size, UINT64_MAX))
		return inconsistent(j, &j->n.snapshot_conflicts,
				    "live %s: 0x%" PRIx64 " + %" PRIu64 " runs past 2^64",
				    id_name(j, ev->id), ev->va, ev->size);
	/* The model holds exactly the snapshot areas of the kernel's map. */
	ret = busy_map_insert(j->kernel_map, ev->va, ev->va + ev->size, &busy);
	if (ret == -EEXIST)
		return inconsistent(j, &j->n.snapshot_conflicts,
				    "live %s: 0x%" PRIx64 "+%" PRIu64 " overlaps an earlier area",
				    id_name(j, ev->id), ev->va, ev->size);
	if (ret)
		return ret;
	id->kernel = busy;
	j->n.snapshot_areas++;
	*replay = true;
	return 0;
}

static int judge_alloc(struct judge *j, const struct vmt_event *ev, bool *replay)
{
	struct judged_id *id = &j->ids[ev->id];
	bool kernel_failed = ev->flags & VMT_F_FAILED;
	struct vm_request call;
	char why[256];
	int ret;

	j->n.allocs++;
	if (kernel_failed)
		j->n.kernel_failed_allocs++;
	if (id->fate == ID_LIVE)
		return inconsistent(j, &j->n.invalid_events, "alloc %s: id is already live",
				    id_name(j, ev->id));
	if (!kernel_failed)
		id->fate = ID_LIVE;
	if (alloc_call_prepare(j->t, j->w, ev, &call, why, sizeof(why)))
		return inconsistent(j, &j->n.invalid_events, "alloc %s: %s",
				    id_name(j, ev->id), why);
	if (!kernel_failed && (ev->flags & VMT_F_VA) && (ret = kernel_placed(j, ev)))
		return ret;
	*replay = true;
	return 0;
}

static int judge_free(struct judge *j, const struct vmt_event *ev, bool *replay)
{
	struct judged_id *id = &j->ids[ev->id];

	j->n.frees++;
	if (id->fate == ID_NEVER)
		return inconsistent(j, &j->n.unknown_frees, "free %s: id was never allocated",
				    id_name(j, ev->id));
	if (id->fate == ID_FREED)
		return inconsistent(j, &j->n.double_frees,
				    "free %s: id already freed (double free)", id_name(j, ev->id));
	id->fate = ID_FREED;
	if (id->kernel) {
		busy_map_remove(j->kernel_map, id->kernel);
		id->kernel = NULL;
	}
	*replay = true;
	return 0;
}

static int judge_event(struct judge *j, const struct vmt_event *ev, bool snapshot,
		       bool *replay)
{
	if (ev->op == VMT_LIVE) {
		if (j->n.events) {
			replay_event_error(&j->c->stop_err, j->t, j->o->trace_name, j->index,
					   "live area after the first event");
			return -EINVAL;
		}
		return snapshot ? judge_live(j, ev, replay) : 0;
	}
	j->n.events++;
	switch (ev->op) {
	case VMT_ALLOC:
		return judge_alloc(j, ev, replay);
	case VMT_FREE:
		return judge_free(j, ev, replay);
	case VMT_PURGE:
		j->n.purges++;
		*replay = true;
		return 0;
	}
	replay_event_error(&j->c->stop_err, j->t, j->o->trace_name, j->index,
			   "unknown event op %u", ev->op);
	return -EINVAL;
}

/* Judges one copy into @c, its counts into j->n; @snapshot: it has the live lines. */
static int judge_copy(struct judge *j, struct track_copy *c, bool snapshot, size_t nids)
{
	int ret = -ENOMEM;

	memset(&j->n, 0, sizeof(j->n));
	j->c = c;
	c->stop = j->t->nev;
	c->replay = calloc(j->t->nev + 1, 1);
	j->ids = bigmem_zalloc(nids * sizeof(*j->ids));
	if (!c->replay || !j->ids || busy_map_create(&j->kernel_map))
		goto out;
	ret = 0;
	for (j->index = 0; j->index < j->t->nev; j->index++) {
		bool replay = false;

		ret = judge_event(j, &j->t->ev[j->index], snapshot, &replay);
		if (ret == -ENOMEM)
			goto out;
		if (ret) {
			c->stop = j->index;
			c->stop_ret = ret;
			ret = 0;
			break;
		}
		c->replay[j->index] = replay;
	}
out:
	busy_map_destroy(j->kernel_map);
	j->kernel_map = NULL;
	bigmem_free(j->ids, nids * sizeof(*j->ids));
	j->ids = NULL;
	return ret;
}

/* Adds @times times the trace's own figures of @n to @s. */
static void add_counts(struct replay_summary *s, const struct replay_summary *n, uint64_t times)
{
	s->events += n->events * times;
	s->snapshot_areas += n->snapshot_areas * times;
	s->allocs += n->allocs * times;
	s->frees += n->frees * times;
	s->purges += n->purges * times;
	s->kernel_failed_allocs += n->kernel_failed_allocs * times;
	s->unknown_frees += n->unknown_frees * times;
	s->double_frees += n->double_frees * times;
	s->invalid_events += n->invalid_events * times;
	s->snapshot_conflicts += n->snapshot_conflicts * times;
	s->kernel_va_conflicts += n->kernel_va_conflicts * times;
}

int track_init(struct track *tk, const struct vmt_trace *t, const struct replay_opts *o,
	       const struct replay_windows *w, unsigned copies, struct replay_summary *s)
{
	struct judge j = { .t = t, .o = o, .w = w };
	int ret;

	memset(tk, 0, sizeof(*tk));
	tk->nids = t->ids.count ? t->ids.count : 1;
	tk->copies = copies;
	tk->ids = bigmem_zalloc(tk->nids * copies * sizeof(*tk->ids));
	if (!tk->ids) {
		ret = -ENOMEM;
		goto out;
	}
	if ((ret = judge_copy(&j, &tk->copy[0], true, tk->nids)))
		goto out;
	add_counts(s, &j.n, 1);
	if (copies > 1 && !(ret = judge_copy(&j, &tk->copy[1], false, tk->nids)))
		add_counts(s, &j.n, copies - 1);
out:
	return ret;
}

void track_free(struct track *tk)
{
	bigmem_free(tk->ids, tk->nids * tk->copies * sizeof(*tk->ids));
	free(tk->copy[0].replay);
	free(tk->copy[1].replay);
	memset(tk, 0, sizeof(*tk));
}
