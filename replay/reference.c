/* SPDX-License-Identifier: MIT */
/*
 * --reference MODEL: a second model replays the same events on its own
 * layout, and every alloc placed at another address than it placed it,
 * or failed by one model and not the other, counts in
 * reference_differences.
 *
 * Invariant: the reference holds an area for an id exactly while its
 * struct ref_area says so; it gives it back at the id's free (or at once
 * when the kernel failed the alloc and the model placed it), whether or
 * not the model held one.  With --threads it runs under the model lock.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/bigmem.h"
#include "replay/engine.h"

/* Where the reference placed an id, while it holds it. */
struct ref_area {
	uint64_t addr, size;
	bool placed;
};

struct reference {
	const struct vm_allocator_ops *ops;
	struct vm_model *m;
	struct ref_area *ids;		/* per id of every copy */
	size_t nids;
	uint64_t differences;
};

static bool reference_wanted(const struct replay_opts *o)
{
	return o->reference;
}

static int reference_create(struct replay_engine *e, void **state, struct vmt_err *err)
{
	struct reference *r = calloc(1, sizeof(*r));

	(void)err;
	*state = r;
	if (!r)
		return -ENOMEM;
	r->ops = e->o->reference;
	r->nids = e->track.nids * e->track.copies;
	r->ids = bigmem_zalloc(r->nids * sizeof(*r->ids));
	if (!r->ids)
		return -ENOMEM;
	return r->ops->create(&e->win, &r->m);
}

static void reference_destroy(struct replay_engine *e, void *state)
{
	struct reference *r = state;

	(void)e;
	if (!r)
		return;
	r->ops->destroy(r->m);
	bigmem_free(r->ids, r->nids * sizeof(*r->ids));
	free(r);
}

static int reference_live(void *state, struct replay_worker *w, const struct replay_op *op)
{
	struct reference *r = state;

	(void)w;
	r->ids[op->gid] = (struct ref_area){ op->addr, op->size, true };
	return r->ops->reserve(r->m, op->addr, op->size);
}

/* Gives back the reference's area of @op's id, if it holds one. */
static int reference_free(void *state, struct replay_worker *w, const struct replay_op *op)
{
	struct reference *r = state;
	struct ref_area *st = &r->ids[op->gid];
	uint64_t search;

	if (!st->placed)
		return 0;
	st->placed = false;
	if (r->ops->free(r->m, st->addr, &search))
		return replay_worker_error(w, -ENOENT, "free %s: the reference model has no "
					   "area at 0x%" PRIx64, replay_id_name(w->e, op->ev),
					   st->addr);
	return 0;
}

static int reference_alloc(void *state, struct replay_worker *w, const struct replay_op *op)
{
	struct reference *r = state;
	struct ref_area *st = &r->ids[op->gid];
	const struct vm_request *c = &op->call;
	uint64_t addr = 0, search;
	int ret;

	if (st->placed)
		return 0;
	ret = r->ops->alloc(r->m, c, &addr, &search);
	if (ret && ret != -ENOMEM)
		return replay_worker_error(w, ret, "alloc %s: reference model error: %s",
					   replay_id_name(w->e, op->ev), strerror(-ret));
	if (op->placed != !ret || (op->placed && op->addr != addr))
		r->differences++;
	if (!ret)
		*st = (struct ref_area){ addr, c->size, true };
	/* The kernel kept no area: the reference keeps none when the model
	 * keeps none. */
	return op->placed && op->kernel_failed ? reference_free(state, w, op) : 0;
}

static int reference_end(void *state, struct replay_worker *w, struct replay_summary *s)
{
	struct reference *r = state;

	(void)w;
	s->reference_differences = r->differences;
	return 0;
}

const struct replay_hook reference_hook = {
	.option = "--reference",
	.threaded = true,
	.watches_model = true,
	.wanted = reference_wanted,
	.create = reference_create,
	.destroy = reference_destroy,
	.live = reference_live,
	.alloc = reference_alloc,
	.free = reference_free,
	.end = reference_end,
};
