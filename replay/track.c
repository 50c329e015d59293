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
#include "lib/grow.h"
#include "lib/vmmath.h"
#include "replay/id_map.h"
#include "replay/id_set.h"
#include "replay/track.h"

enum id_fate {
	ID_NEVER,
	ID_LIVE,
	ID_FREED,
};

/*
 * One live id while a copy is judged: live ids are those in the map;
 * the others were freed when named before (a bit each), else never named.
 */
struct judged_id {
	struct vm_busy *kernel;		/* its range in the kernel's map, or NULL */
	uint32_t slot;			/* streamed: its slot (track.h) */
};

struct judge {
	const struct vmt_trace *t;
	const struct replay_opts *o;
	const struct replay_windows *w;
	struct track *tk;
	struct id_map live;		/* of struct judged_id */
	struct id_set named;		/* the ids made live once */
	size_t nids;
	struct busy_map *kernel_map;
	bool snapshot;			/* the copy has the live lines */
	/* Streamed: the slots given back, and the next never given. */
	uint32_t *free_slots;
	size_t nfree, free_cap;
	uint32_t next_slot;
	uint32_t slot;			/* the slot of the event being judged */
	uint32_t *slot_of;		/* streamed: the block's, where slots go; else NULL */
	bool stopped;			/* streamed: the copy stopped in an earlier block */
	char name[VMT_ID_MAX + 1];	/* for messages: the reading thread's own */
	struct replay_summary n;	/* this copy's counts */
	struct track_copy *c;
	size_t index;
};

static enum id_fate fate_of(const struct judge *j, uint32_t id)
{
	if (id_map_find(&j->live, id))
		return ID_LIVE;
	return id_set_has(&j->named, id) ? ID_FREED : ID_NEVER;
}

/*
 * A slot for an id made live (streamed).  Its record in tk->ids, not
 * placed, is the replay thread's to make (track_take_block()): the judge
 * may run ahead of the replay, in the reading thread.
 */
static int take_slot(struct judge *j, uint32_t *slot)
{
	if (j->nfree) {
		*slot = j->free_slots[--j->nfree];
		return 0;
	}
	if (j->next_slot == UINT32_MAX)
		return -E2BIG;
	*slot = j->next_slot++;
	return 0;
}

/* A freed id's slot, for the next id made live. */
static int give_slot(struct judge *j, uint32_t slot)
{
	uint32_t *free_slots = grow_array(j->free_slots, &j->free_cap, j->nfree,
					  sizeof(*free_slots), 1024);

	if (!free_slots)
		return -ENOMEM;
	j->free_slots = free_slots;
	j->free_slots[j->nfree++] = slot;
	return 0;
}

/* @id is live from now on: its record, or NULL on ENOMEM. */
static struct judged_id *make_live(struct judge *j, uint32_t id)
{
	struct judged_id *rec;
	bool added;

	if (id_set_add(&j->named, id) || !(rec = id_map_get(&j->live, id, &added)))
		return NULL;
	if (j->slot_of && take_slot(j, &rec->slot))
		return NULL;
	j->slot = rec->slot;
	return rec;
}

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

/* The name of @id of @t into @name (streamed: read back from the file). */
static const char *name_into(const struct track *tk, const struct vmt_trace *t, uint32_t id,
			     char *name)
{
	if (!tk->stream)
		return strtab_get(&t->ids, id);
	if (vmt_bin_stream_id_name(tk->stream, id, name))
		snprintf(name, VMT_ID_MAX + 1, "#%" PRIu32, id);
	return name;
}

static const char *id_name(struct judge *j, uint32_t id)
{
	return name_into(j->tk, j->t, id, j->name);
}

/* The kernel had [va, va + size) busy for @ev's id, from now until its free. */
static int kernel_placed(struct judge *j, const struct vmt_event *ev, struct judged_id *id)
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
		id->kernel = busy;
	return ret;
}

static int judge_live(struct judge *j, const struct vmt_event *ev, bool *replay)
{
	struct judged_id *id;
	uint64_t page = j->t->page_size;
	struct vm_busy *busy;
	int ret;

	if (fate_of(j, ev->id) == ID_LIVE)
		return inconsistent(j, &j->n.snapshot_conflicts, "live %s: id already live",
				    id_name(j, ev->id));
	if (!(id = make_live(j, ev->id)))
		return -ENOMEM;
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
	struct judged_id *id = NULL;
	bool kernel_failed = ev->flags & VMT_F_FAILED;
	struct vm_request call;
	char why[256];
	int ret;

	j->n.allocs++;
	if (kernel_failed)
		j->n.kernel_failed_allocs++;
	if (fate_of(j, ev->id) == ID_LIVE)
		return inconsistent(j, &j->n.invalid_events, "alloc %s: id is already live",
				    id_name(j, ev->id));
	if (!kernel_failed && !(id = make_live(j, ev->id)))
		return -ENOMEM;
	if (alloc_call_prepare(j->t, j->w, ev, &call, why, sizeof(why)))
		return inconsistent(j, &j->n.invalid_events, "alloc %s: %s",
				    id_name(j, ev->id), why);
	if (!kernel_failed && (ev->flags & VMT_F_VA) && (ret = kernel_placed(j, ev, id)))
		return ret;
	*replay = true;
	return 0;
}

static int judge_free(struct judge *j, const struct vmt_event *ev, bool *replay)
{
	enum id_fate fate = fate_of(j, ev->id);
	struct judged_id *id;

	j->n.frees++;
	if (fate == ID_NEVER)
		return inconsistent(j, &j->n.unknown_frees, "free %s: id was never allocated",
				    id_name(j, ev->id));
	if (fate == ID_FREED)
		return inconsistent(j, &j->n.double_frees,
				    "free %s: id already freed (double free)", id_name(j, ev->id));
	id = id_map_find(&j->live, ev->id);
	if (id->kernel)
		busy_map_remove(j->kernel_map, id->kernel);
	j->slot = id->slot;
	id_map_remove(&j->live, ev->id);
	if (j->slot_of && give_slot(j, j->slot))
		return -ENOMEM;
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

/* Starts judging a copy into @c, its counts into j->n; @snapshot: it has the live lines. */
static int judge_begin(struct judge *j, struct track_copy *c, bool snapshot)
{
	memset(&j->n, 0, sizeof(j->n));
	j->c = c;
	j->snapshot = snapshot;
	c->stop = SIZE_MAX;
	if (id_set_init(&j->named, j->nids) || id_map_init(&j->live, sizeof(struct judged_id)) ||
	    busy_map_create(&j->kernel_map))
		return -ENOMEM;
	return 0;
}

/* Judges events [first, first + n) at @ev into c->replay, up to the copy's stop. */
static int judge_block(struct judge *j, const struct vmt_event *ev, size_t first, size_t n)
{
	struct track_copy *c = j->c;
	int ret;

	for (size_t i = 0; i < n && c->stop == SIZE_MAX; i++) {
		bool replay = false;

		j->index = first + i;
		j->slot = 0;
		ret = judge_event(j, &ev[i], j->snapshot, &replay);
		if (j->slot_of)
			j->slot_of[i] = j->slot;
		if (ret == -ENOMEM)
			return ret;
		if (ret) {
			c->stop = j->index;
			c->stop_ret = ret;
			break;
		}
		c->replay[j->index - c->first] = replay;
	}
	return 0;
}

static void judge_end(struct judge *j)
{
	free(j->free_slots);
	j->free_slots = NULL;
	busy_map_destroy(j->kernel_map);
	j->kernel_map = NULL;
	id_map_free(&j->live);
	id_set_free(&j->named);
}

/* Judges one whole copy of j->t into @c. */
static int judge_copy(struct judge *j, struct track_copy *c, bool snapshot)
{
	int ret = judge_begin(j, c, snapshot);

	if (!ret && !(c->replay = calloc(j->t->nev + 1, 1)))
		ret = -ENOMEM;
	if (!ret)
		ret = judge_block(j, j->t->ev, 0, j->t->nev);
	if (c->stop == SIZE_MAX)
		c->stop = j->t->nev;
	judge_end(j);
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
	struct judge j = { .t = t, .o = o, .w = w, .tk = tk };
	int ret;

	memset(tk, 0, sizeof(*tk));
	tk->nids = t->ids.count ? t->ids.count : 1;
	tk->copies = copies;
	j.nids = tk->nids;
	tk->ids_cap = tk->nids * copies;
	tk->ids = bigmem_zalloc(tk->ids_cap * sizeof(*tk->ids));
	if (!tk->ids) {
		ret = -ENOMEM;
		goto out;
	}
	if ((ret = judge_copy(&j, &tk->copy[0], true)))
		goto out;
	add_counts(s, &j.n, 1);
	if (copies > 1 && !(ret = judge_copy(&j, &tk->copy[1], false)))
		add_counts(s, &j.n, copies - 1);
out:
	return ret;
}

int track_init_stream(struct track *tk, const struct vmt_trace *t,
		      const struct vmt_bin_stream *stream, const struct replay_opts *o,
		      const struct replay_windows *w)
{
	uint32_t nids = vmt_bin_stream_nids(stream);
	int ret = -ENOMEM;

	memset(tk, 0, sizeof(*tk));
	tk->nids = nids ? nids : 1;
	tk->copies = 1;
	tk->stream = stream;
	tk->ids_cap = 1024;
	if (!(tk->ids = bigmem_zalloc(tk->ids_cap * sizeof(*tk->ids))) ||
	    !(tk->judge = calloc(1, sizeof(*tk->judge))) ||
	    !(tk->ahead = calloc(VMT_BIN_PREFETCH_BLOCKS, sizeof(*tk->ahead))))
		goto out;
	for (unsigned r = 0; r < VMT_BIN_PREFETCH_BLOCKS; r++)
		if (!(tk->ahead[r].c.replay = malloc(VMT_BIN_BLOCK_EVENTS)) ||
		    !(tk->ahead[r].slot_of = malloc(VMT_BIN_BLOCK_EVENTS * sizeof(uint32_t))))
			goto out;
	/* Slot 0 stays unplaced: the gid of events that place nothing. */
	*tk->judge = (struct judge){ .t = t, .o = o, .w = w, .tk = tk, .nids = tk->nids,
				     .next_slot = 1 };
	ret = judge_begin(tk->judge, &tk->copy[0], true);
out:
	return ret;
}

int track_judge_ahead(void *track, unsigned ring, const struct vmt_event *ev, uint64_t first,
		      size_t n)
{
	struct track *tk = track;
	struct judge *j = tk->judge;
	struct track_judged *b = &tk->ahead[ring];

	b->c.first = first;
	b->c.stop = SIZE_MAX;
	b->c.stop_err.msg[0] = '\0';
	/* Past the copy's stop nothing is judged: the replay ends there. */
	if (j->stopped)
		return 0;
	j->c = &b->c;
	j->slot_of = b->slot_of;
	if (judge_block(j, ev, first, n) == -ENOMEM)
		return -ENOMEM;
	j->stopped = b->c.stop != SIZE_MAX;
	b->slots = j->next_slot;
	return 0;
}

int track_take_block(struct track *tk, unsigned ring)
{
	const struct track_judged *b = &tk->ahead[ring];
	struct track_copy *c = &tk->copy[0];
	struct track_id *ids;
	size_t cap = tk->ids_cap;

	while (cap < b->slots)
		cap *= 2;
	if (cap > tk->ids_cap) {
		if (!(ids = bigmem_resize(tk->ids, tk->ids_cap * sizeof(*ids), cap * sizeof(*ids))))
			return -ENOMEM;
		memset(ids + tk->ids_cap, 0, (cap - tk->ids_cap) * sizeof(*ids));
		tk->ids = ids;
		tk->ids_cap = cap;
	}
	tk->slot_of = b->slot_of;
	c->replay = b->c.replay;
	c->first = b->c.first;
	if (b->c.stop != SIZE_MAX)
		*c = b->c;
	return 0;
}

void track_judge_end(struct track *tk, struct replay_summary *s)
{
	add_counts(s, &tk->judge->n, 1);
}

const char *track_id_name(struct track *tk, const struct vmt_trace *t, uint32_t id)
{
	return name_into(tk, t, id, tk->name);
}

void track_free(struct track *tk)
{
	if (tk->judge) {
		judge_end(tk->judge);
		free(tk->judge);
	}
	bigmem_free(tk->ids, tk->ids_cap * sizeof(*tk->ids));
	if (tk->ahead) {
		/* Streamed: copy 0's verdicts and slots are those of a block. */
		for (unsigned r = 0; r < VMT_BIN_PREFETCH_BLOCKS; r++) {
			free(tk->ahead[r].c.replay);
			free(tk->ahead[r].slot_of);
		}
		free(tk->ahead);
	} else {
		free(tk->slot_of);
		free(tk->copy[0].replay);
	}
	free(tk->copy[1].replay);
	memset(tk, 0, sizeof(*tk));
}
