/* SPDX-License-Identifier: MIT */
/*
 * The core both replay loops share (replay.c on one thread,
 * replay_threads.c on several): one event at a time, judged by
 * replay/track.h, handed to the model through one locked, timed path, and
 * shown to the hooks, the optional behaviours, each in a file of its own.
 *
 * Critical sections.  Every model call is made in a section: with a lock
 * (--lock-stat, --threads) the section holds it and is timed, as alloc or
 * free (replay/lockstat.h); the hooks watching the model (watches_model)
 * run inside the same section, so with --threads they see the model
 * exactly as the call left it.  Watching an event without a model call (a
 * free of an id the model does not hold), they run under the lock too
 * with --threads, but untimed.  The other hooks only record what happened,
 * after the section: they never lengthen a hold.
 *
 * Workers.  A worker is what one thread counts on its own: failed allocs,
 * va matches, search lengths, lock accounts, and its first error.  The
 * single-threaded replay has one; finishing merges them all.
 *
 * Internal to replay/.
 */
#ifndef VMTRACE_ENGINE_H
#define VMTRACE_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/histogram.h"
#include "replay/lockstat.h"
#include "replay/replay_prep.h"
#include "replay/track.h"

struct replay_engine;
struct replay_worker;

/* One event as the hooks see it. */
struct replay_op {
	const struct vmt_event *ev;
	uint32_t gid;			/* its id in its copy's namespace (track.h) */
	bool kernel_failed;		/* alloc: failed=1 */
	struct vm_request call;		/* alloc: the model call */
	bool placed;			/* alloc: the model placed it;
					 * free: the model held the id's area */
	uint64_t addr, size;		/* the area, when placed */
	uint64_t search;		/* the model call's search; 0 without one */
};

/*
 * An optional behaviour.  Every callback is optional and returns 0 or a
 * negative errno, with a message set by replay_worker_error() when it
 * has more to say than the errno.
 */
struct replay_hook {
	const char *option;	/* e.g. "--lazy"; NULL: always on, single-threaded */
	bool threaded;		/* meaningful with --threads */
	/* Runs inside the section of the model call it sees (with --threads,
	 * under the lock); the others run after it, outside the lock. */
	bool watches_model;
	bool (*wanted)(const struct replay_opts *o);
	int (*create)(struct replay_engine *e, void **state, struct vmt_err *err);
	void (*destroy)(struct replay_engine *e, void *state);
	/* A live area the model has just reserved. */
	int (*live)(void *state, struct replay_worker *w, const struct replay_op *op);
	/* An alloc the model has just decided. */
	int (*alloc)(void *state, struct replay_worker *w, const struct replay_op *op);
	/* [addr, addr + size) the model has just released. */
	int (*release)(void *state, struct replay_worker *w, uint64_t addr, uint64_t size);
	/* Before the model releases a freed area: *@kept takes it over. */
	int (*keep)(void *state, struct replay_worker *w, const struct replay_op *op,
		    bool *kept);
	/* Every free event, after the model released its area, if any. */
	int (*free)(void *state, struct replay_worker *w, const struct replay_op *op);
	/* The model found no room: true when the hook holds areas it can
	 * give back, which make_room then does (outside the section). */
	bool (*holds_room)(void *state);
	int (*make_room)(void *state, struct replay_worker *w);
	int (*purge)(void *state, struct replay_worker *w);
	/* After each event of the single-threaded replay. */
	int (*step)(void *state, struct replay_worker *w, size_t index);
	/* After the last event: the hook's figures into @s.  @w: the first worker. */
	int (*end)(void *state, struct replay_worker *w, struct replay_summary *s);
};

/* The hooks, one file each. */
extern const struct replay_hook audit_hook;		/* replay/audit.c */
extern const struct replay_hook reference_hook;		/* replay/reference.c */
extern const struct replay_hook lazy_hook;		/* replay/lazy.c */
extern const struct replay_hook events_hook;		/* replay/events_csv.c */
extern const struct replay_hook series_hook;		/* replay/series_csv.c */
extern const struct replay_hook span_hook;		/* replay/span.c */
extern const struct replay_hook model_memory_hook;	/* replay/model_memory.c */
extern const struct replay_hook follow_hook;		/* replay/follow.c */
extern const struct replay_hook check_hook;		/* replay/engine.c */

#define REPLAY_HOOKS_MAX 9

struct replay_engine {
	const struct vmt_trace *t;
	const struct replay_opts *o;
	/* The events held now, [ev_first, ev_first + nev): all of t->ev for a
	 * loaded trace, one block of a streamed one (replay_event()). */
	const struct vmt_event *ev;
	size_t ev_first;
	struct replay_scan scan;
	struct replay_windows w;
	struct vm_window win;		/* the model's */
	struct vm_model *m;
	struct track track;
	bool threaded;
	bool locked;			/* model calls take the lock and are timed */
	bool lock_ready;
	struct replay_lock lock;
	bool free_watchers;		/* some hook watching the model sees frees */
	size_t nhooks;
	const struct replay_hook *hook[REPLAY_HOOKS_MAX];
	void *state[REPLAY_HOOKS_MAX];
};

struct replay_worker {
	struct replay_engine *e;
	size_t index;			/* the event being replayed, in t->ev */
	uint64_t seq;			/* alloc, free and purge events replayed */
	uint64_t failed_allocs, kernel_va_matches, kernel_va_allocs, ops;
	struct histogram alloc_search, free_search;
	struct lock_account acct[LOCK_OPS];
	struct vmt_err err;		/* the message of its first error */
};

/*
 * Sets up @e for @copies copies of @t (track_init() fills the trace's own
 * figures of @s, which it zeroes first), the model, the lock and the
 * hooks @o asks for.  @threaded: for replay_threads_run, which rejects
 * the hooks without a meaning there (-EINVAL).  -E2BIG when the ids of
 * every copy do not fit in 32 bits.  Returns 0 or a negative
 * errno with @err set; replay_engine_destroy() in both cases.
 */
int replay_engine_init(struct replay_engine *e, const struct vmt_trace *t,
		       const struct replay_opts *o, unsigned copies, bool threaded,
		       struct replay_summary *s, struct vmt_err *err);
void replay_engine_destroy(struct replay_engine *e);

/*
 * The same for the single-threaded replay of @stream, a binary trace read
 * block by block (@t its header, @scan what a first pass over its events
 * found).  Before replaying each block, point e->ev and e->ev_first at it
 * and judge it (track_judge_block()); e->ev[-1] must then hold the event
 * before it, when there is one.
 */
int replay_engine_init_stream(struct replay_engine *e, const struct vmt_trace *t,
			      const struct vmt_bin_stream *stream,
			      const struct replay_scan *scan, const struct replay_opts *o,
			      struct replay_summary *s, struct vmt_err *err);

/* Event @index of the trace.  Precondition: held now, or the one before. */
static inline const struct vmt_event *replay_event(const struct replay_engine *e,
						   size_t index)
{
	return e->ev + (index - e->ev_first);
}

/* Whether event @index is a live line that another one follows: the
 * snapshot is not set up yet. */
static inline bool replay_in_snapshot(const struct replay_engine *e, size_t index)
{
	return index + 1 < e->scan.nlive;
}

/* Replays event @index of copy @copy.  0, or the worker's error. */
int replay_engine_event(struct replay_worker *w, size_t index, unsigned copy);

/* The step hooks, after event @index (single-threaded). */
int replay_engine_step(struct replay_worker *w, size_t index);

/*
 * Gives [addr, addr + size) back to the model in a free section, counting
 * its search (*@search) as a free's.  0 or a negative errno.
 */
int replay_engine_release(struct replay_worker *w, uint64_t addr, uint64_t size,
			  uint64_t *search);

/*
 * Merges the @n workers into @s, runs the end hooks, measures the final
 * layout and writes --layout and --holds.  0 or a negative errno.
 */
int replay_engine_finish(struct replay_engine *e, struct replay_worker *w, size_t n,
			 struct replay_summary *s);

/* Records @ret with `TRACE:LINE: what` for the worker's event; returns @ret. */
int replay_worker_error(struct replay_worker *w, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Sets @err for a failed replay (a message for @ret unless one is set). */
void replay_engine_fail(struct vmt_err *err, const char *trace_name, int ret);

void replay_worker_free(struct replay_worker *w);

/* The id's name, for messages. */
const char *replay_id_name(struct replay_engine *e, const struct vmt_event *ev);

#endif /* VMTRACE_ENGINE_H */
