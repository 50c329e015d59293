/* SPDX-License-Identifier: MIT */
/*
 * The rbtree model (2.6.28 alloc_vmap_area()) on hand-worked cases.  The
 * tree shapes follow from red-black insertion and erase on paper; every
 * address and search length below was derived from them and the descent
 * and walk described in allocator/rbtree.c.
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

/*
 * Ascending allocations: each descent stops at the area it starts in, the
 * walk steps over the rest.  Then a hole below the root is found by the
 * descent alone (the root starts above addr + size: nothing to walk).
 */
static void test_descent_and_walk(void **state)
{
	struct vm_model *m = new_model(LO, HI);

	(void)state;
	expect_alloc(m, 0x2000, PAGE, 0, UINT64_MAX, LO, 0);		/* A */
	/* Root A holds addr: first = A; walk past it; no successor. */
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO + 0x2000, 1);	/* B */
	/* first = A, walk A then B (2 nodes). Tree becomes B(A, C). */
	expect_alloc(m, 0x3000, PAGE, 0, UINT64_MAX, LO + 0x3000, 2);	/* C */
	/* Free A: root B, left A: 2 nodes.  A was red: tree B(-, C). */
	expect_free(m, LO, 2);
	/* Root B starts at LO+0x2000, not below addr + size: first stays
	 * NULL, left is empty: placed at LO after 1 node. D = B's left. */
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO, 1);
	/* B (skipped), D holds addr: first = D; walk D, step to B which
	 * starts exactly at addr + size: fits.  3 nodes. E = D's right;
	 * recolouring makes B(D(-, E), C). */
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO + 0x1000, 3);
	model_under_test->destroy(m);
}

/*
 * The 2.6.28 descent remembers the last node it went right at; when that
 * one ends below addr, the walk starts at its successor.
 */
static void test_descent_right_then_successor(void **state)
{
	struct vm_model *m = new_model(LO, HI);

	(void)state;
	/* B(D(-, E), C): D=[LO,+1000) E=[+1000,+2000) B=[+2000,+3000) C=[+3000,+6000) */
	expect_alloc(m, 0x2000, PAGE, 0, UINT64_MAX, LO, 0);
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO + 0x2000, 1);
	expect_alloc(m, 0x3000, PAGE, 0, UINT64_MAX, LO + 0x3000, 2);
	expect_free(m, LO, 2);
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO, 1);
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO + 0x1000, 3);
	/* addr = LO+0x8000: B and C both end below it (right, right):
	 * first = C, no successor: placed at addr after 2 nodes. F = C's right. */
	expect_alloc(m, 0x1000, PAGE, LO + 0x8000, UINT64_MAX, LO + 0x8000, 2);
	/* addr = LO+0x5000: B ends below (first = B, right), C reaches addr
	 * (first already set, left: none).  B ends below addr: step to C (3);
	 * C blocks, addr = C's end; step to F (4), which starts 0x2000 above:
	 * fits.  G lands between C and F: rotations give B(D(-, E), G(C, F)). */
	expect_alloc(m, 0x1000, PAGE, LO + 0x5000, UINT64_MAX, LO + 0x6000, 4);
	/* Free lookups: LO+0x7000 passes B, G (ends there), F (starts above): 3. */
	{
		uint64_t search = 0;

		assert_int_equal(model_under_test->free(m, LO + 0x7000, &search), -ENOENT);
		assert_int_equal(search, 3);
		/* Inside C but not its start: B, G, C hold it: 3, still ENOENT. */
		assert_int_equal(model_under_test->free(m, LO + 0x3800, &search), -ENOENT);
		assert_int_equal(search, 3);
	}
	expect_free(m, LO + 0x6000, 2);		/* G: B, G */
	model_under_test->destroy(m);
}

/* The request window: alignment and vend bound the walk; failures. */
static void test_alignment_and_failure(void **state)
{
	struct vm_model *m = new_model(LO, LO + 0x10000);

	(void)state;
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO, 0);		/* A */
	/* addr = ALIGN(LO, 16K) = LO; A holds it; walk: ALIGN(A end) = LO+0x4000. */
	expect_alloc(m, 0x1000, 0x4000, 0, UINT64_MAX, LO + 0x4000, 1);	/* B */
	/* A page slips in between: A, B read (B starts 0x3000 above): 2. */
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO + 0x1000, 2);
	/* Tree C(A, B).  Root C starts below addr + size: first = C; left A
	 * (first already set).  Walk C, step to B (3): addr + size now passes
	 * vend, the walk stops and the request fails. */
	expect_fail(m, 0x3000, PAGE, 0, LO + 0x3000, 3);
	/* Whole window: placed after B at LO+0x5000. */
	expect_alloc(m, 0xb000, PAGE, 0, UINT64_MAX, LO + 0x5000, 3);
	/* Full but for [LO+0x2000, LO+0x4000): 0x2000 fits it exactly. */
	expect_alloc(m, 0x2000, PAGE, 0, UINT64_MAX, LO + 0x2000, 3);
	/* Tree C(A, B(E, D)).  C starts at LO + 0x1000, not below it: left
	 * to A (2), first = A.  Walk A, C, E, B, D (6 nodes): no hole left. */
	expect_fail(m, 0x1000, PAGE, 0, UINT64_MAX, 6);
	model_under_test->destroy(m);
}

static void test_reserve(void **state)
{
	struct vm_model *m = new_model(LO, HI);

	(void)state;
	expect_two_reserved(m, LO, HI);
	/* Tree R1(R2, -) with R1 = [LO+0x4000..), R2 = [LO+0x1000..):
	 * R1 starts above LO + 0x1000 (left), R2 starts at it: first stays
	 * NULL: placed at LO after 2 nodes. */
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO, 2);
	model_under_test->destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_descent_and_walk),
		cmocka_unit_test(test_descent_right_then_successor),
		cmocka_unit_test(test_alignment_and_failure),
		cmocka_unit_test(test_reserve),
	};

	model_under_test = vm_allocator_find("rbtree");
	if (!model_under_test)
		return 1;
	return cmocka_run_group_tests_name("rbtree", tests, NULL, NULL);
}
