/* SPDX-License-Identifier: MIT */
/*
 * The lowest-fit audit: a shadow of one model's layout, kept in an exact
 * lowest-fit index (allocator/ds/free_tree.h), that tells for each of the
 * model's allocations whether lowest-address first fit on that same
 * layout would have decided the same way.
 *
 * A departure is an allocation the model placed at another address than
 * the lowest fit, or failed although a hole would fit (or placed although
 * none would, which only a broken model does).  Lowest-fit models have
 * none by construction; rbtree-cache and augmented have some.
 */
#ifndef VMTRACE_LOWEST_FIT_H
#define VMTRACE_LOWEST_FIT_H

#include <stdbool.h>
#include <stdint.h>

#include "allocator/allocator.h"

struct lowest_fit_audit;	/* opaque */

/* A shadow of an empty model managing @win: 0 with *@out set, or -ENOMEM. */
int lowest_fit_audit_create(const struct vm_window *win, struct lowest_fit_audit **out);

/* Frees the shadow.  NULL is a no-op. */
void lowest_fit_audit_destroy(struct lowest_fit_audit *a);

/*
 * What lowest fit would do now for the alloc op's request (bounded like
 * the models: [max(lo, vstart), min(hi, vend))).  Returns 0 with *@addr
 * and, when not NULL, *@block_size (the free block it falls in), or
 * -ENOMEM.  The shadow is not changed.
 */
int lowest_fit_audit_query(const struct lowest_fit_audit *a, uint64_t size, uint64_t align,
			   uint64_t vstart, uint64_t vend, uint64_t *addr,
			   uint64_t *block_size);

/*
 * Judges one allocation the model has just decided (@placed at @addr, or
 * failed), counting a departure, then mirrors it.  Returns 0 with
 * *@departed set, -EEXIST if the model placed an area over a busy one
 * of the shadow (the model is broken), or -ENOMEM.
 */
int lowest_fit_audit_alloc(struct lowest_fit_audit *a, uint64_t size, uint64_t align,
			   uint64_t vstart, uint64_t vend, bool placed, uint64_t addr,
			   bool *departed);

/* Mirrors a reserve (snapshot area).  Returns 0, -EEXIST or -ENOMEM. */
int lowest_fit_audit_reserve(struct lowest_fit_audit *a, uint64_t addr, uint64_t size);

/* Mirrors a free.  Returns 0, -EEXIST (the range was not busy) or -ENOMEM. */
int lowest_fit_audit_release(struct lowest_fit_audit *a, uint64_t addr, uint64_t size);

#endif /* VMTRACE_LOWEST_FIT_H */
