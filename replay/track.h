/* SPDX-License-Identifier: MIT */
/*
 * What the replay knows of each id, and which events it replays: the one
 * place where a trace is judged, for the single- and the multi-threaded
 * replay alike (replay/track.c explains the rules).
 *
 * Two halves, kept apart on purpose:
 *   - the verdicts, a pure function of the trace, the main window and
 *     --strict: made once per copy, in trace order, before any model
 *     call (track_init);
 *   - each id's placement (struct track_id), which depends on the model:
 *     kept by the engine while it replays.
 *
 * Internal to replay/.
 */
#ifndef VMTRACE_TRACK_H
#define VMTRACE_TRACK_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/diag.h"
#include "replay/replay_prep.h"
#include "trace/bin_prefetch.h"
#include "trace/trace_bin.h"
#include "trace/trace_text.h"

/*
 * Where the model holds an id's area.  `placed` implies the id is live in
 * the trace; a live id is not placed when the model found no room for it
 * or its alloc or live line was not replayed.
 */
struct track_id {
	uint64_t addr, size;
	bool placed;
};

/* The verdicts of one copy of the trace, for the events judged so far. */
struct track_copy {
	uint8_t *replay;	/* per event from `first`: 1 when the engine replays it */
	size_t first;
	size_t stop;		/* the first event not to replay (SIZE_MAX: none yet) */
	int stop_ret;		/* and the error it ends the replay with */
	struct vmt_err stop_err;
};

struct judge;

/* Streamed: the verdicts of one block of the reading thread's ring. */
struct track_judged {
	struct track_copy c;
	uint32_t *slot_of;	/* the slot of each of its events */
	uint32_t slots;		/* slots given up to its end: tk->ids must hold them */
};

struct track {
	/*
	 * Indexed by an event's gid (track_gid()).  Loaded traces: copies *
	 * nids records, copy k's id i at k * nids + i.  Streamed ones: one
	 * per slot, a slot being what the judge gives an id while it is live
	 * (and takes back at its free), so that memory follows the ids alive
	 * at once; slot 0 is never placed (unknown frees, failed allocs).
	 */
	struct track_id *ids;
	size_t ids_cap;		/* records of ids */
	uint32_t *slot_of;	/* streamed: the slot of each event of the block */
	struct track_judged *ahead;	/* streamed: per block of the ring */
	size_t nids;		/* ids of one copy (at least 1) */
	unsigned copies;
	/* [0]: copy 0, which has the snapshot; [1]: every copy > 0, which
	 * has not (its frees of snapshot ids are unknown frees). */
	struct track_copy copy[2];
	struct judge *judge;	/* streamed: judging goes on block by block */
	/* Streamed: the ids are not kept; messages read the name back. */
	const struct vmt_bin_stream *stream;
	char name[VMT_ID_MAX + 1];
};

/*
 * Judges @copies interleaved copies of @t (1 for the single-threaded
 * replay), adding the trace's own figures to @s: events, snapshot_areas,
 * allocs, frees, purges, kernel_failed_allocs, and the inconsistencies
 * (unknown_frees, double_frees, invalid_events, snapshot_conflicts,
 * kernel_va_conflicts).  Under o->strict a copy stops at its first
 * inconsistency, which becomes its stop error.  Returns 0, or -ENOMEM.
 */
int track_init(struct track *tk, const struct vmt_trace *t, const struct replay_opts *o,
	       const struct replay_windows *w, unsigned copies, struct replay_summary *s);

/*
 * The same for one copy of a trace read as a stream from @stream (@t its
 * header): nothing is judged yet.  Each block is judged in the thread
 * that reads ahead (vmt_bin_prefetch), as it is read: track_judge_ahead()
 * is its hook (@track: this struct track), judging the block numbered
 * @ring of the ring, in order, one block at a time; it touches only the
 * judge and tk->ahead[ring], which the replay does not hold then.  Before
 * replaying a block, the replay thread takes its verdicts with
 * track_take_block() (0 or -ENOMEM); after the last,
 * track_judge_end() adds the figures to @s.
 */
int track_init_stream(struct track *tk, const struct vmt_trace *t,
		      const struct vmt_bin_stream *stream, const struct replay_opts *o,
		      const struct replay_windows *w);
int track_judge_ahead(void *track, unsigned ring, const struct vmt_event *ev, uint64_t first,
		      size_t n);
int track_take_block(struct track *tk, unsigned ring);
void track_judge_end(struct track *tk, struct replay_summary *s);

/* Frees what track_init allocated, also after it failed. */
void track_free(struct track *tk);

/* The verdicts of copy @k. */
static inline const struct track_copy *track_copy_of(const struct track *tk, unsigned k)
{
	return &tk->copy[k ? 1 : 0];
}

/*
 * The index of event @index's (@ev's) per-id state in copy @copy: the one
 * place that maps an id to its state.
 */
static inline uint32_t track_gid(const struct track *tk, const struct vmt_event *ev,
				 size_t index, unsigned copy)
{
	if (tk->slot_of)
		return tk->slot_of[index - tk->copy[0].first];
	return ev->id + copy * (uint32_t)tk->nids;
}

/* Where the model holds @gid's area. */
static inline struct track_id *track_id_find(const struct track *tk, uint32_t gid)
{
	return &tk->ids[gid];
}

static inline void track_id_prefetch(const struct track *tk, uint32_t gid)
{
	__builtin_prefetch(&tk->ids[gid], 1);
}

/* The name of id @id of @t, for messages. */
const char *track_id_name(struct track *tk, const struct vmt_trace *t, uint32_t id);

#endif /* VMTRACE_TRACK_H */
