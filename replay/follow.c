/* SPDX-License-Identifier: MIT */
/*
 * --follow-kernel and --mismatches: judging the model decision by
 * decision against the kernel that recorded the trace.
 *
 * An alloc with va= the kernel did not fail, that the model placed
 * elsewhere (or nowhere), is a miss.  --mismatches writes one row per
 * miss, `seq,id,cpu,size,align,kernel_va,model_addr,reason`, the reason
 * being the model's word for how it decided (alloc_reason; "-" for
 * models with one mechanism).  --follow-kernel then moves the model's
 * area to the kernel's address (the model's follow op, else a free and a
 * reserve), inside the alloc's section, so the next decision is judged
 * on the kernel's layout and one miss does not cascade; the id's area is
 * the kernel's from then on.  When the model cannot hold the kernel's
 * range (busy or lazily freed in the model), it keeps its own.
 *
 * Invariant: after a followed miss the model holds the id's area at the
 * kernel's va, and the track says so.  Single-threaded only: following
 * needs one order of decisions.  Not with --lowest-fit-audit, whose
 * shadow layout mirrors the model's own placements.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "replay/engine.h"

static bool follow_wanted(const struct replay_opts *o)
{
	return o->follow_kernel || o->mismatches_csv;
}

static int follow_create(struct replay_engine *e, void **state, struct vmt_err *err)
{
	if (e->o->follow_kernel && e->o->lowest_fit_audit) {
		vmt_err_set(err, "%s: --follow-kernel is not with --lowest-fit-audit, whose "
			    "shadow mirrors the model's own placements", e->o->trace_name);
		return -EINVAL;
	}
	*state = e;
	if (e->o->mismatches_csv)
		fputs("seq,id,cpu,size,align,kernel_va,model_addr,reason\n", e->o->mismatches_csv);
	return e->o->mismatches_csv && ferror(e->o->mismatches_csv) ? -EIO : 0;
}

static int write_miss(struct replay_engine *e, struct replay_worker *w,
		      const struct replay_op *op)
{
	const struct vm_allocator_ops *ops = e->o->model;
	FILE *f = e->o->mismatches_csv;

	fprintf(f, "%" PRIu64 ",%s,", w->seq, replay_id_name(e, op->ev));
	if (op->call.cpu != VM_CPU_UNKNOWN)
		fprintf(f, "%" PRIu32, op->call.cpu);
	fprintf(f, ",%" PRIu64 ",%" PRIu64 ",0x%" PRIx64 ",", op->call.size, op->call.align,
		op->ev->va);
	if (op->placed)
		fprintf(f, "0x%" PRIx64, op->addr);
	fprintf(f, ",%s\n", op->placed && ops->alloc_reason ? ops->alloc_reason(e->m) : "-");
	return ferror(f) ? -EIO : 0;
}

/* The default follow, for a model that frees eagerly: free, then reserve. */
static int free_and_reserve(struct replay_engine *e, const struct replay_op *op)
{
	const struct vm_allocator_ops *ops = e->o->model;
	uint64_t search;
	int ret = ops->free(e->m, op->addr, &search);

	if (ret)
		return ret;
	ret = ops->reserve(e->m, op->ev->va, op->call.size);
	if (ret == -EEXIST || ret == -ERANGE) {
		/* Put the model's own area back: its range was just freed. */
		int back = ops->reserve(e->m, op->addr, op->call.size);

		return back ? back : -EEXIST;
	}
	return ret;
}

static int follow_alloc(void *state, struct replay_worker *w, const struct replay_op *op)
{
	struct replay_engine *e = state;
	const struct vm_allocator_ops *ops = e->o->model;
	int ret = 0;

	if (op->kernel_failed || !(op->ev->flags & VMT_F_VA) ||
	    (op->placed && op->addr == op->ev->va))
		return 0;
	if (e->o->mismatches_csv && (ret = write_miss(e, w, op)))
		return ret;
	if (!e->o->follow_kernel || !op->placed)
		return 0;
	ret = ops->follow ? ops->follow(e->m, &op->call, op->addr, op->ev->va) :
		free_and_reserve(e, op);
	if (ret == -EEXIST)
		return 0;
	if (ret)
		return replay_worker_error(w, ret, "alloc %s: following the kernel to 0x%" PRIx64
					   ": %s", replay_id_name(e, op->ev), op->ev->va,
					   strerror(-ret));
	track_id_find(&e->track, op->gid)->addr = op->ev->va;
	return 0;
}

const struct replay_hook follow_hook = {
	.option = "--follow-kernel",
	.watches_model = true,
	.wanted = follow_wanted,
	.create = follow_create,
	.alloc = follow_alloc,
};
