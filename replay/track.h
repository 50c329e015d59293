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

/*
 * Where the model holds an id's area.  `placed` implies the id is live in
 * the trace; a live id is not placed when the model found no room for it
 * or its alloc or live line was not replayed.
 */
struct track_id {
	uint64_t addr, size;
	bool placed;
};

/* The verdicts of one copy of the trace. */
struct track_copy {
	uint8_t *replay;	/* per event of t->ev: 1 when the engine replays it */
	size_t stop;		/* the first event not to replay (t->nev: none) */
	int stop_ret;		/* and the error it ends the replay with */
	struct vmt_err stop_err;
};

struct track {
	struct track_id *ids;	/* copies * nids: copy k's id i at k * nids + i */
	size_t nids;		/* ids of one copy (at least 1) */
	unsigned copies;
	/* [0]: copy 0, which has the snapshot; [1]: every copy > 0, which
	 * has not (its frees of snapshot ids are unknown frees). */
	struct track_copy copy[2];
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

/* Frees what track_init allocated, also after it failed. */
void track_free(struct track *tk);

/* The verdicts of copy @k. */
static inline const struct track_copy *track_copy_of(const struct track *tk, unsigned k)
{
	return &tk->copy[k ? 1 : 0];
}

#endif /* VMTRACE_TRACK_H */
