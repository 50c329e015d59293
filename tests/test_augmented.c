/* SPDX-License-Identifier: MIT */
/*
 * The augmented models (augmented searching by size, exact; 5.2's
 * find_vmap_lowest_match() searching by size + align - 1; 5.19's exact
 * length for page-aligned requests) on hand-worked cases: splits, merges
 * with both neighbours, the roll-back to an ancestor, the exact-size hole
 * 5.2 skips, and alignment defeating blocks the exact search climbs past.  Tree shapes, addresses
 * and search lengths were derived on paper from allocator/augmented.c's
 * definition: distinct nodes read, i.e. the root, and each child when its
 * subtree_max_size is first read; entering it or rolling back adds none.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "model_expect.h"

#define LO 0x100000ull
#define HI 0x200000ull

/* Free blocks after A, B, C and freeing B: Y=[LO+0x2000,+0x3000) as the
 * left child of X=[LO+0x4000, HI). */
static struct vm_model *layout_with_page_hole(void)
{
	struct vm_model *m = new_model(LO, HI);

	/* One free block, no children: 1 read; left-edge splits. */
	expect_alloc(m, 0x2000, PAGE, 0, UINT64_MAX, LO, 1);		/* A */
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO + 0x2000, 1);	/* B */
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO + 0x3000, 1);	/* C */
	/* Busy tree B(A, C): B found at the root (1).  Free tree X: descend
	 * left of X (2); next = X is on that path; no previous; no merge. */
	expect_free(m, LO + 0x2000, 2);
	return m;
}

/* 5.2: length 0x1fff; Y (0x1000) is not entered: X is taken. */
static void test_exact_hole_skipped_by_5_2(void **state)
{
	struct vm_model *m;

	(void)state;
	model_under_test = vm_allocator_find("augmented-5.2");
	m = layout_with_page_hole();
	/* X current (1), left max 0x1000 read (2) < 0x1fff; X fits. */
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO + 0x4000, 2);
	model_under_test->destroy(m);
}

/* 5.19: length 0x1000 for page alignment: Y is entered and taken whole. */
static void test_exact_hole_taken_by_5_19(void **state)
{
	struct vm_model *m;

	(void)state;
	model_under_test = vm_allocator_find("augmented-5.19");
	m = layout_with_page_hole();
	/* Above a page 5.19 still adds align - 1: Y is 8K aligned and would
	 * hold 0x1000, but X (1), left max (2) 0x1000 < 0x2fff: X fits at
	 * ALIGN(LO+0x4000, 8K) = LO+0x4000. */
	expect_alloc(m, 0x1000, 0x2000, 0, UINT64_MAX, LO + 0x4000, 2);
	/* Page aligned: X (1), left max (2) >= 0x1000: Y, already read,
	 * fits whole (FL fit). */
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO + 0x2000, 2);
	model_under_test->destroy(m);
}

/* augmented searches by size: Y is entered, also 8K aligned, where both
 * kernels' size + align - 1 (0x2fff) passes it by. */
static void test_exact_hole_taken_by_lowest_fit(void **state)
{
	struct vm_model *m;

	(void)state;
	model_under_test = vm_allocator_find("augmented");
	m = layout_with_page_hole();
	/* X (1), left max 0x1000 (2) >= 0x1000 and vstart below X: into Y,
	 * which holds ALIGN(LO+0x2000, 8K) = LO+0x2000 whole. */
	expect_alloc(m, 0x1000, 0x2000, 0, UINT64_MAX, LO + 0x2000, 2);
	model_under_test->destroy(m);
}

/*
 * Alignment defeats every block of a left subtree: the exact search climbs
 * to the ancestor, then on to its right subtree.  Free blocks P1 =
 * [LO+0x1000, +0x1000), P2 = [LO+0x3000, +0x1000), X = [LO+0x5000, HI).
 */
static void test_dead_end_climbs_on(void **state)
{
	struct vm_model *m;

	(void)state;
	model_under_test = vm_allocator_find("augmented");
	m = new_model(LO, HI);
	for (uint64_t i = 0; i < 5; i++)	/* A..E, left-edge splits of X */
		expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO + i * 0x1000, 1);
	/* Busy tree B(A, D(C, E)): B at the root (1).  Free tree X: X (2);
	 * P1 becomes X's left child. */
	expect_free(m, LO + 0x1000, 2);
	/* Busy tree C(A, D(-, E)) after B's erase: C (1), D (2).  Free tree:
	 * X (3), P1 (4), linked right of P1; the red-red fix rotates P2 to
	 * the root: P2(P1, X). */
	expect_free(m, LO + 0x3000, 4);
	/* 8K aligned: P2 (1), left max 0x1000 (2): into P1, whose aligned
	 * start LO+0x2000 leaves no room; dead end.  Climb to P2 (from the
	 * left): ALIGN(LO+0x3000) = LO+0x4000, no room either; right max (3):
	 * X holds LO+0x6000. */
	expect_alloc(m, 0x1000, 0x2000, 0, UINT64_MAX, LO + 0x6000, 3);
	/* Page aligned, the lowest hole P1 whole: P2 (1), P1 (2). */
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO + 0x1000, 2);
	model_under_test->destroy(m);
}

/*
 * vstart defeats the left block the descent entered: roll back to the
 * parent.  Then frees merging with the previous block, then with both.
 */
static void test_rollback_and_merges(void **state)
{
	struct vm_model *m;

	(void)state;
	model_under_test = vm_allocator_find("augmented-5.2");
	m = new_model(LO, HI);
	expect_alloc(m, 0x4000, PAGE, 0, UINT64_MAX, LO, 1);		/* A */
	expect_alloc(m, 0x4000, PAGE, 0, UINT64_MAX, LO + 0x4000, 1);	/* B */
	/* Busy A(-, B): A (1).  Free X=[LO+0x8000, HI): left of X (2); the
	 * next block X is on the path.  P=[LO, LO+0x4000) becomes X's left
	 * child. */
	expect_free(m, LO, 2);
	/* vstart LO+0x3800: X (1), left max 0x4000 (2) >= 0x1fff and vstart
	 * below X: into P (read already), no children; ALIGN(vstart) =
	 * LO+0x4000 does not fit in P; roll back to X, which fits at
	 * LO+0x8000: 2 nodes. */
	expect_alloc(m, 0x1000, PAGE, LO + 0x3800, UINT64_MAX, LO + 0x8000, 2);	/* E */
	/* Free B: busy B(-, E): B (1).  Free tree X=[LO+0x9000..)(P): X (2),
	 * P (3), link right of P; its neighbours X and P are on the path:
	 * P grows to [LO, LO+0x8000). */
	expect_free(m, LO + 0x4000, 3);
	/* Free E: busy E alone (1); X (2), P (3): both merge, one free block
	 * [LO, HI) again. */
	expect_free(m, LO + 0x8000, 3);
	expect_alloc(m, 0x100000, PAGE, 0, UINT64_MAX, LO, 1);
	expect_fail(m, 0x1000, PAGE, 0, UINT64_MAX, 0);
	model_under_test->destroy(m);
}

/* reserve carves a middle piece (NE fit); failures and the vend check. */
static void test_reserve_and_vend(void **state)
{
	struct vm_model *m;

	(void)state;
	model_under_test = vm_allocator_find("augmented-5.2");
	m = new_model(LO, HI);
	assert_int_equal(model_under_test->reserve(m, LO + 0x1000, 0x1000), 0);
	assert_int_equal(model_under_test->reserve(m, LO + 0x1000, 0x2000), -EEXIST);
	assert_int_equal(model_under_test->reserve(m, HI - 0x1000, 0x2000), -ERANGE);
	expect_invariants(m);
	/* Free: X=[LO+0x2000, HI) with left L=[LO, LO+0x1000).  X (1), left
	 * max (2) < 0x1fff: X is chosen, where the area would end at
	 * LO+0x3000, past vend LO+0x2800: fails although L would hold it. */
	expect_fail(m, 0x1000, PAGE, 0, LO + 0x2800, 2);
	/* Exactly L's size and 16K aligned: X (1), left (2) < 0x4fff; X:
	 * ALIGN(LO+0x2000, 16K) = LO+0x4000. */
	expect_alloc(m, 0x1000, 0x4000, 0, UINT64_MAX, LO + 0x4000, 2);
	model_under_test->destroy(m);
}

/* The same window for augmented: L is searched and holds the area. */
static void test_vend_lowest_fit(void **state)
{
	struct vm_model *m;

	(void)state;
	model_under_test = vm_allocator_find("augmented");
	m = new_model(LO, HI);
	assert_int_equal(model_under_test->reserve(m, LO + 0x1000, 0x1000), 0);
	/* X (1), left max 0x1000 (2) >= 0x1000: into L, which holds LO. */
	expect_alloc(m, 0x1000, PAGE, 0, LO + 0x2800, LO, 2);
	model_under_test->destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_hole_skipped_by_5_2),
		cmocka_unit_test(test_exact_hole_taken_by_5_19),
		cmocka_unit_test(test_exact_hole_taken_by_lowest_fit),
		cmocka_unit_test(test_dead_end_climbs_on),
		cmocka_unit_test(test_rollback_and_merges),
		cmocka_unit_test(test_reserve_and_vend),
		cmocka_unit_test(test_vend_lowest_fit),
	};

	return cmocka_run_group_tests_name("augmented", tests, NULL, NULL);
}
