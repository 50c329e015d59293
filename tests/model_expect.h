/* SPDX-License-Identifier: MIT */
/*
 * cmocka assertions on one allocator model, shared by the hand-worked
 * model tests.  Each test program sets model_under_test before running;
 * every helper runs the model's invariant checker after the operation.
 */
#ifndef VMTRACE_MODEL_EXPECT_H
#define VMTRACE_MODEL_EXPECT_H

#include <stdint.h>

#include "allocator/allocator.h"

#define PAGE 0x1000ull

extern const struct vm_allocator_ops *model_under_test;

/* A new instance managing [lo, hi) with 4 KiB pages. */
struct vm_model *new_model(uint64_t lo, uint64_t hi);
void expect_invariants(struct vm_model *m);
void expect_alloc(struct vm_model *m, uint64_t size, uint64_t align, uint64_t vstart,
		  uint64_t vend, uint64_t want_addr, uint64_t want_search);
void expect_fail(struct vm_model *m, uint64_t size, uint64_t align, uint64_t vstart,
		 uint64_t vend, uint64_t want_search);
void expect_free(struct vm_model *m, uint64_t addr, uint64_t want_search);

/*
 * The reserve contract on an empty instance of [lo, hi): reserves
 * R1 = [lo + 0x4000, lo + 0x6000) then R2 = [lo + 0x1000, lo + 0x2000),
 * and checks that overlaps are -EEXIST and ranges outside the window
 * -ERANGE, leaving the model with R1 and R2 only.
 */
void expect_two_reserved(struct vm_model *m, uint64_t lo, uint64_t hi);

#endif /* VMTRACE_MODEL_EXPECT_H */
