/* SPDX-License-Identifier: MIT */
/*
 * The model's own memory figures of the single-threaded replay, read
 * through the optional ops internal_waste and metadata_bytes after the
 * snapshot and after every event, as span.c reads the span.  Not an
 * option: always on without --threads, off with it.  A model without the
 * op reports 0 with its *_modelled flag 0, so a report can tell "not
 * modelled" from a true 0.
 */
#include <stdlib.h>
#include <errno.h>

#include "replay/engine.h"

struct model_memory {
	uint64_t max_waste, end_waste, max_metadata;
};

static bool model_memory_wanted(const struct replay_opts *o)
{
	(void)o;
	return true;
}

static int model_memory_create(struct replay_engine *e, void **state, struct vmt_err *err)
{
	(void)e;
	(void)err;
	*state = calloc(1, sizeof(struct model_memory));
	return *state ? 0 : -ENOMEM;
}

static void model_memory_destroy(struct replay_engine *e, void *state)
{
	(void)e;
	free(state);
}

/* After every event, and after the snapshot's last live line. */
static int model_memory_step(void *state, struct replay_worker *w, size_t index)
{
	const struct vm_allocator_ops *ops = w->e->o->model;
	struct model_memory *mm = state;

	if (replay_in_snapshot(w->e, index))
		return 0;
	if (ops->internal_waste) {
		mm->end_waste = ops->internal_waste(w->e->m);
		if (mm->end_waste > mm->max_waste)
			mm->max_waste = mm->end_waste;
	}
	if (ops->metadata_bytes) {
		uint64_t bytes = ops->metadata_bytes(w->e->m);

		if (bytes > mm->max_metadata)
			mm->max_metadata = bytes;
	}
	return 0;
}

static int model_memory_end(void *state, struct replay_worker *w, struct replay_summary *s)
{
	const struct vm_allocator_ops *ops = w->e->o->model;
	const struct model_memory *mm = state;

	s->internal_waste_modelled = ops->internal_waste != NULL;
	s->max_internal_waste = mm->max_waste;
	s->end_internal_waste = mm->end_waste;
	s->metadata_modelled = ops->metadata_bytes != NULL;
	s->max_metadata_bytes = mm->max_metadata;
	return 0;
}

const struct replay_hook model_memory_hook = {
	.wanted = model_memory_wanted,
	.create = model_memory_create,
	.destroy = model_memory_destroy,
	.step = model_memory_step,
	.end = model_memory_end,
};
