/* SPDX-License-Identifier: MIT */
/*
 * --lowest-fit-audit: judges each of the model's allocs against lowest
 * fit on the model's own layout (allocator/lowest_fit.h), counting
 * lowest_fit_departures.
 *
 * Invariant: the shadow's busy areas are exactly the model's.  It sees
 * every reserve, alloc and release inside the section of that model call
 * (replay/engine.h), so with --threads no other call comes between.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "allocator/lowest_fit.h"
#include "replay/engine.h"

struct audit {
	struct lowest_fit_audit *shadow;
	uint64_t departures;
};

static bool audit_wanted(const struct replay_opts *o)
{
	return o->lowest_fit_audit;
}

static int audit_create(struct replay_engine *e, void **state, struct vmt_err *err)
{
	struct audit *a = calloc(1, sizeof(*a));

	(void)err;
	*state = a;
	return a ? lowest_fit_audit_create(&e->win, &a->shadow) : -ENOMEM;
}

static void audit_destroy(struct replay_engine *e, void *state)
{
	struct audit *a = state;

	(void)e;
	if (a)
		lowest_fit_audit_destroy(a->shadow);
	free(a);
}

static int audit_live(void *state, struct replay_worker *w, const struct replay_op *op)
{
	struct audit *a = state;

	(void)w;
	return lowest_fit_audit_reserve(a->shadow, op->addr, op->size);
}

static int audit_alloc(void *state, struct replay_worker *w, const struct replay_op *op)
{
	struct audit *a = state;
	const struct vm_request *c = &op->call;
	bool departed;
	int ret;

	ret = lowest_fit_audit_alloc(a->shadow, c->size, c->align, c->vstart, c->vend,
				     op->placed, op->addr, &departed);
	if (ret == -EEXIST)
		return replay_worker_error(w, -EFAULT, "alloc %s: the model placed 0x%" PRIx64
					   " over a busy area", replay_id_name(w->e, op->ev),
					   op->addr);
	if (!ret)
		a->departures += departed;
	return ret;
}

static int audit_release(void *state, struct replay_worker *w, uint64_t addr, uint64_t size)
{
	struct audit *a = state;

	(void)w;
	return lowest_fit_audit_release(a->shadow, addr, size);
}

static int audit_end(void *state, struct replay_worker *w, struct replay_summary *s)
{
	struct audit *a = state;

	(void)w;
	s->lowest_fit_departures = a->departures;
	return 0;
}

const struct replay_hook audit_hook = {
	.option = "--lowest-fit-audit",
	.threaded = true,
	.watches_model = true,
	.wanted = audit_wanted,
	.create = audit_create,
	.destroy = audit_destroy,
	.live = audit_live,
	.alloc = audit_alloc,
	.release = audit_release,
	.end = audit_end,
};
