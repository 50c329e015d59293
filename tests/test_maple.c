/* SPDX-License-Identifier: MIT */
/*
 * The maple model on hand-worked cases: the split of a full leaf (16
 * slots), the descent choice by recorded gap, gap propagation after a
 * delete and after an insert, a gap joined across two leaves, the merge
 * of an underfull leaf that shrinks the tree, alignment backtracking,
 * request windows and reserve.  Layouts, addresses and search lengths
 * were worked out on paper from allocator/maple.c's definitions: alloc
 * counts the nodes the gap search enters; free counts the descent, the
 * neighbouring leaf read at a leaf edge, and each ancestor the gap
 * propagation reads up to the first whose recorded gap is unchanged.
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
#define PG(n) (LO + (n) * PAGE)
#define NODE 256

/*
 * Pages 0..16 busy, one area each.  The 16th alloc leaves 16 busy slots
 * and the gap: 17 slots, so the leaf splits into L = pages 0..7 (8
 * slots) and R = pages 8..15 and the gap (9 slots) under a new root.
 */
static struct vm_model *split_layout(void)
{
	struct vm_model *m;

	model_under_test = vm_allocator_find("maple");
	m = new_model(LO, HI);
	for (int i = 0; i < 16; i++)
		expect_alloc(m, PAGE, PAGE, 0, UINT64_MAX, PG(i), 1);
	assert_int_equal(model_under_test->metadata_bytes(m), 3 * NODE);
	/* Root, L skipped (its gap is 0), R. */
	expect_alloc(m, PAGE, PAGE, 0, UINT64_MAX, PG(16), 2);
	return m;
}

static void test_split_and_descent(void **state)
{
	struct vm_model *m;

	(void)state;
	m = split_layout();
	model_under_test->destroy(m);
}

static void test_gap_propagation(void **state)
{
	struct vm_model *m = split_layout();

	(void)state;
	/* Root, L; L's recorded gap 0 -> 1 page: the root is read and rewritten. */
	expect_free(m, PG(3), 3);
	/* L's gap (1 page) is too short for 2 pages: root, R. */
	expect_alloc(m, 2 * PAGE, PAGE, 0, UINT64_MAX, PG(17), 2);
	/* One page goes down L: root, L. */
	expect_alloc(m, PAGE, PAGE, 0, UINT64_MAX, PG(3), 2);
	/* The insert propagated L's gap back to 0: L is skipped again. */
	expect_alloc(m, PAGE, PAGE, 0, UINT64_MAX, PG(19), 2);
	model_under_test->destroy(m);
}

/*
 * Appending pages splits the right-most leaf each time it reaches 17
 * slots (at allocs 16, 24, ..., 88): 11 leaves of pages 0-7, 8-15, ...,
 * the last holding 80-87 and the tail gap.  The 11th child splits the
 * root: A = leaves 0-4 and B = leaves 5-10 under a new root.
 */
static void test_propagation_stops_when_unchanged(void **state)
{
	struct vm_model *m;

	(void)state;
	model_under_test = vm_allocator_find("maple");
	m = new_model(LO, HI);
	for (uint64_t i = 0; i < 88; i++) {
		uint64_t r = 0;

		assert_int_equal(model_under_test->alloc(m, &(struct vm_request){
			PAGE, PAGE, 0, UINT64_MAX, VM_CPU_UNKNOWN }, &r, &r), 0);
	}
	assert_int_equal(model_under_test->metadata_bytes(m), 14 * NODE);
	expect_invariants(m);
	/* Root, A, leaf 0; A's and the root's recorded gaps 0 -> 1 page. */
	expect_free(m, PG(3), 5);
	/* Leaf 0's largest gap stays 1 page: A is read, the root is not. */
	expect_free(m, PG(5), 4);
	/* Root, B (A's gap is 1 page), the last leaf. */
	expect_alloc(m, 2 * PAGE, PAGE, 0, UINT64_MAX, PG(88), 3);
	expect_alloc(m, PAGE, PAGE, 0, UINT64_MAX, PG(3), 3);
	model_under_test->destroy(m);
}

static void test_gap_joined_across_leaves(void **state)
{
	struct vm_model *m = split_layout();

	(void)state;
	/* Root, L, R read at L's edge (page 8 busy), root's gap for L changed. */
	expect_free(m, PG(7), 4);
	/* Root, R, L's last slot (the gap) joined into R's first; R's largest
	 * gap (the tail) is unchanged, the propagation stops at the root. */
	expect_free(m, PG(8), 4);
	/* Two pages fit only in the joined gap, now in R: root, R. */
	expect_alloc(m, 2 * PAGE, PAGE, 0, UINT64_MAX, PG(7), 2);
	model_under_test->destroy(m);
}

static void test_underfull_leaf_merges(void **state)
{
	struct vm_model *m = split_layout();

	(void)state;
	expect_free(m, PG(2), 3);
	expect_free(m, PG(4), 3);	/* L's largest gap stays 1 page: the root is read */
	assert_int_equal(model_under_test->metadata_bytes(m), 3 * NODE);
	/* Gap 2..4: L has 6 slots, under the minimum of 7: L and R (9) merge
	 * into one leaf of 15, and the root, left with one child, goes. */
	expect_free(m, PG(3), 3);
	assert_int_equal(model_under_test->metadata_bytes(m), NODE);
	expect_alloc(m, 3 * PAGE, PAGE, 0, UINT64_MAX, PG(2), 1);
	model_under_test->destroy(m);
}

static void test_alignment_backtracks(void **state)
{
	struct vm_model *m = split_layout();

	(void)state;
	expect_free(m, PG(3), 3);
	expect_free(m, PG(4), 3);
	/* L's gap 3..4 is 2 pages but holds no 8 KiB-aligned 2 pages: root,
	 * L, back out, R; page 18 is the first 8 KiB boundary past 16. */
	expect_alloc(m, 2 * PAGE, 2 * PAGE, 0, UINT64_MAX, PG(18), 3);
	/* The same size at page alignment takes L's gap. */
	expect_alloc(m, 2 * PAGE, PAGE, 0, UINT64_MAX, PG(3), 2);
	model_under_test->destroy(m);
}

static void test_windows(void **state)
{
	struct vm_model *m;

	(void)state;
	model_under_test = vm_allocator_find("maple");
	m = new_model(LO, HI);
	expect_alloc(m, PAGE, PAGE, 0, UINT64_MAX, PG(0), 1);
	expect_alloc(m, 2 * PAGE, 4 * PAGE, 0, UINT64_MAX, PG(4), 1);
	expect_alloc(m, PAGE, PAGE, PG(8), PG(9), PG(8), 1);
	/* [8, 9) is taken now, and [8, 9.5) holds no page. */
	expect_fail(m, PAGE, PAGE, PG(8), PG(9), 1);
	expect_fail(m, PAGE, PAGE, PG(8), PG(9) + PAGE / 2, 1);
	expect_alloc(m, PAGE, PAGE, PG(2), UINT64_MAX, PG(2), 1);
	expect_fail(m, PAGE, PAGE, PG(5), PG(4), 0);
	model_under_test->destroy(m);
}

static void test_reserve(void **state)
{
	struct vm_model *m;

	(void)state;
	model_under_test = vm_allocator_find("maple");
	m = new_model(LO, HI);
	expect_two_reserved(m, LO, HI);
	/* Gaps [0, 1), [2, 4): page 0 first, then 2 pages from page 2. */
	expect_alloc(m, PAGE, PAGE, 0, UINT64_MAX, PG(0), 1);
	expect_alloc(m, 2 * PAGE, PAGE, 0, UINT64_MAX, PG(2), 1);
	model_under_test->destroy(m);
	/* A reserve that splits a full leaf, and one over a busy area. */
	m = split_layout();
	assert_int_equal(model_under_test->reserve(m, PG(16), PAGE), -EEXIST);
	assert_int_equal(model_under_test->reserve(m, PG(20), PAGE), 0);
	expect_invariants(m);
	expect_alloc(m, 3 * PAGE, PAGE, 0, UINT64_MAX, PG(17), 2);
	expect_alloc(m, PAGE, PAGE, 0, UINT64_MAX, PG(21), 2);
	model_under_test->destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_and_descent),
		cmocka_unit_test(test_gap_propagation),
		cmocka_unit_test(test_propagation_stops_when_unchanged),
		cmocka_unit_test(test_gap_joined_across_leaves),
		cmocka_unit_test(test_underfull_leaf_merges),
		cmocka_unit_test(test_alignment_backtracks),
		cmocka_unit_test(test_windows),
		cmocka_unit_test(test_reserve),
	};

	return cmocka_run_group_tests_name("maple", tests, NULL, NULL);
}
