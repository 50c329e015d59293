/* SPDX-License-Identifier: MIT */
/*
 * Every allocator model in lockstep on one stream of operations, with the
 * rules of what must agree (test_differential.c and the fuzz harness
 * fuzz_differential share them):
 *
 *   - linear, rbtree, augmented and maple (whose gap search tests the exact
 *     aligned fit in its leaves) are lowest-address first fit: they must return the
 *     same address for every allocation and fail the same ones, and that
 *     address must be the lowest fit an independent oracle (an exact
 *     in-order search of a shadow free tree, allocator/lowest_fit.h) finds.
 *   - augmented-5.2 and augmented-5.19 prune by a search length; each of
 *     their departures from lowest fit on their own layout must be one the
 *     pruning explains: the lowest-fit block is shorter than that length.
 *     So while augmented-5.19 has placed every area where linear did (the
 *     same layout), it must place where linear does whenever its search
 *     length is the size itself (page alignment, or an exact window).
 *   - rbtree-cache departs freely (its cache); its departures are counted.
 *
 * Every model's invariant checker runs after every operation.
 */
#ifndef VMTRACE_TESTS_LOCKSTEP_H
#define VMTRACE_TESTS_LOCKSTEP_H

#include <stdbool.h>
#include <stdint.h>

#include "allocator/allocator.h"
#include "allocator/lowest_fit.h"
#include "lib/diag.h"

#define LOCKSTEP_NO_ADDR UINT64_MAX

enum lockstep_kind { LOCKSTEP_LOWEST_FIT, LOCKSTEP_PRUNED_5_2, LOCKSTEP_PRUNED_5_19,
		     LOCKSTEP_CACHED };

struct lockstep_lane {
	const char *name;
	enum lockstep_kind kind;
	const struct vm_allocator_ops *ops;
	struct vm_model *m;
	struct lowest_fit_audit *audit;
	uint64_t departures;	/* this lane's count of lowest-fit departures */
	uint64_t *addr;		/* by id: where the area is, or LOCKSTEP_NO_ADDR */
	uint64_t *size;
	bool in_step;		/* every placement so far was linear's */
};

/* Lane order: linear, rbtree, augmented, augmented-5.2, augmented-5.19,
 * rbtree-cache, maple. */
#define LOCKSTEP_LANES 7

struct lockstep {
	struct lockstep_lane lane[LOCKSTEP_LANES];
	struct vm_window win;
	uint32_t nids;
};

/*
 * Creates every model managing @win, for areas with ids below @nids.
 * Returns 0, or -ENOMEM / -EINVAL (a model refused the window) with @err
 * set; @ls must be stopped in every case.
 */
int lockstep_start(struct lockstep *ls, const struct vm_window *win, uint32_t nids,
		   struct vmt_err *err);
void lockstep_stop(struct lockstep *ls);

/*
 * The operations, applied to every lane.  Each returns 0, -ENOMEM, or
 * -EFAULT with `what broke` in @err: a model's invariant, an error a model
 * must not return, or a rule of the header.
 *
 * reserve: a snapshot area @id at [@va, @va + @size).  Preconditions: no
 * alloc yet (every layout is the same), size > 0, no wrap.  *@result is
 * what every model answered (0, -ERANGE or -EEXIST); they must agree.
 *
 * alloc: area @id (not placed yet), with allocator.h's preconditions;
 * *@addr is where linear placed it, LOCKSTEP_NO_ADDR when it failed.
 *
 * free: area @id, in every lane that placed it.
 */
int lockstep_reserve(struct lockstep *ls, uint32_t id, uint64_t va, uint64_t size,
		     int *result, struct vmt_err *err);
int lockstep_alloc(struct lockstep *ls, uint32_t id, uint64_t size, uint64_t align,
		   uint64_t vstart, uint64_t vend, uint64_t *addr, struct vmt_err *err);
int lockstep_free(struct lockstep *ls, uint32_t id, struct vmt_err *err);

#endif /* VMTRACE_TESTS_LOCKSTEP_H */
