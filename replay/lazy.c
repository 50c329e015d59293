/* SPDX-License-Identifier: MIT */
/*
 * --lazy: frees lazily, as the kernel has since 2.6.28.  A freed area
 * stays busy in the model until the next purge event, or until an alloc
 * finds no room, which purges and searches again (alloc_vmap_area()).
 *
 * Invariant: every area in the pending list is busy in the model and
 * placed for no id; a purge gives each back through the engine's free
 * section, where its search counts as a free's.  Single-threaded only: a
 * purge has no defined place among the streams of --threads, and a
 * free's search happens at its purge, not on its --events row.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/grow.h"
#include "replay/engine.h"

struct lazy_area {
	uint64_t addr, size;
};

struct lazy {
	struct lazy_area *a;		/* freed by the trace, not yet purged */
	size_t n, cap;
	uint64_t failure_purges, purged;
};

static bool lazy_wanted(const struct replay_opts *o)
{
	return o->lazy;
}

static int lazy_create(struct replay_engine *e, void **state, struct vmt_err *err)
{
	if (e->o->events_csv) {
		vmt_err_set(err, "%s: --lazy is not with --events", e->o->trace_name);
		return -EINVAL;
	}
	/* Two lazy layers would hold every free back twice. */
	if (e->o->model->purge) {
		vmt_err_set(err, "%s: --lazy: model %s frees lazily itself, at the trace's purges",
			    e->o->trace_name, e->o->model->name);
		return -EINVAL;
	}
	*state = calloc(1, sizeof(struct lazy));
	return *state ? 0 : -ENOMEM;
}

static void lazy_destroy(struct replay_engine *e, void *state)
{
	struct lazy *l = state;

	(void)e;
	if (l)
		free(l->a);
	free(l);
}

static int lazy_keep(void *state, struct replay_worker *w, const struct replay_op *op,
		     bool *kept)
{
	struct lazy *l = state;
	struct lazy_area *grown;

	(void)w;
	grown = grow_array(l->a, &l->cap, l->n, sizeof(*grown), 256);
	if (!grown)
		return -ENOMEM;
	l->a = grown;
	l->a[l->n++] = (struct lazy_area){ op->addr, op->size };
	*kept = true;
	return 0;
}

static int lazy_purge(void *state, struct replay_worker *w)
{
	struct lazy *l = state;
	uint64_t search;
	int ret;

	for (size_t i = 0; i < l->n; i++) {
		ret = replay_engine_release(w, l->a[i].addr, l->a[i].size, &search);
		if (ret)
			return replay_worker_error(w, ret, "purge: the model has no area at 0x%"
						   PRIx64 ": %s", l->a[i].addr, strerror(-ret));
	}
	l->purged += l->n;
	l->n = 0;
	return 0;
}

static bool lazy_holds_room(void *state)
{
	return ((struct lazy *)state)->n;
}

static int lazy_make_room(void *state, struct replay_worker *w)
{
	((struct lazy *)state)->failure_purges++;
	return lazy_purge(state, w);
}

static int lazy_end(void *state, struct replay_worker *w, struct replay_summary *s)
{
	struct lazy *l = state;

	(void)w;
	s->lazy_failure_purges = l->failure_purges;
	s->lazy_areas_purged = l->purged;
	s->lazy_areas_pending = l->n;
	return 0;
}

const struct replay_hook lazy_hook = {
	.option = "--lazy",
	.wanted = lazy_wanted,
	.create = lazy_create,
	.destroy = lazy_destroy,
	.keep = lazy_keep,
	.holds_room = lazy_holds_room,
	.make_room = lazy_make_room,
	.purge = lazy_purge,
	.end = lazy_end,
};
