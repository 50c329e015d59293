/* SPDX-License-Identifier: MIT */
/*
 * The rbtree-cache model (alloc_vmap_area() / __free_vmap_area() of
 * 2.6.39 .. 5.1) on hand-worked cases, quirks included: the cache placing
 * an area above a hole that fits (size == cached_hole_size does not reset
 * the search), cached_hole_size resetting it, frees below the cache moving
 * it back, and a free below cached_vstart dropping it.  Every address and
 * search length was derived on paper from the rules in
 * allocator/rbtree_cache.c.
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

/* Builds A=[LO,+1000) C=[+3000,+4000) D=[+4000,+7000) E=[+7000,+9000). */
static struct vm_model *layout_with_cached_hole(void)
{
	struct vm_model *m = new_model(LO, HI);

	/* No cache: empty tree, placed at vstart.  A becomes the cache. */
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO, 0);		/* A */
	/* From the cache: read A (1), walk past it, no successor. */
	expect_alloc(m, 0x2000, PAGE, 0, UINT64_MAX, LO + 0x1000, 1);	/* B */
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO + 0x3000, 1);	/* C */
	/* Tree B(A, C): B is the root, 1 node.  B starts below the cache C:
	 * the cache moves back to A. */
	expect_free(m, LO + 0x1000, 1);
	/* From A (1): walk A, step to C (2): the 0x2000 hole before C is too
	 * small for 0x3000 and becomes cached_hole_size; placed after C. */
	expect_alloc(m, 0x3000, PAGE, 0, UINT64_MAX, LO + 0x4000, 2);	/* D */
	return m;
}

/* size == cached_hole_size does not reset (`<`): E goes above the cache
 * although the 0x2000 hole at LO+0x1000 fits it exactly. */
static void test_cache_places_above_a_fitting_hole(void **state)
{
	struct vm_model *m = layout_with_cached_hole();

	(void)state;
	expect_alloc(m, 0x2000, PAGE, 0, UINT64_MAX, LO + 0x7000, 1);	/* E */
	model_under_test->destroy(m);
}

/* size < cached_hole_size resets: the search starts over from vstart. */
static void test_cached_hole_size_resets_the_search(void **state)
{
	struct vm_model *m = layout_with_cached_hole();

	(void)state;
	expect_alloc(m, 0x2000, PAGE, 0, UINT64_MAX, LO + 0x7000, 1);	/* E */
	/* Tree C(A, D(-, E)).  0x1000 < 0x2000: cache dropped.  Descent for
	 * LO: C ends above, starts above: left; A holds LO: stop (2).  Walk A,
	 * step to C (3): the hole before C fits.  cached_hole_size is 0 again. */
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO + 0x1000, 3);	/* F */
	/* From F (1), step to C (2): fits right after F, where lowest fit is. */
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO + 0x2000, 2);
	model_under_test->destroy(m);
}

/* A free above the cache leaves it; a free at or below moves it back to
 * the area before the freed one, and the hole is reused. */
static void test_free_below_the_cache(void **state)
{
	struct vm_model *m = layout_with_cached_hole();
	uint64_t search;

	(void)state;
	expect_alloc(m, 0x2000, PAGE, 0, UINT64_MAX, LO + 0x7000, 1);	/* E */
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO + 0x1000, 3);	/* F, cache */
	/* D is above the cache F: the cache stays. */
	assert_int_equal(model_under_test->free(m, LO + 0x4000, &search), 0);
	expect_invariants(m);
	/* From F (1): walk F, step to C (2): the 0x1000 hole before C is too
	 * small (cached_hole_size = 0x1000); after C, step to E (3): D's old
	 * 0x3000 fits exactly.  G = [LO+0x4000, +0x7000) is the cache. */
	expect_alloc(m, 0x3000, PAGE, 0, UINT64_MAX, LO + 0x4000, 3);	/* G */
	/* C is below the cache G: the cache moves to F, C's predecessor. */
	assert_int_equal(model_under_test->free(m, LO + 0x3000, &search), 0);
	expect_invariants(m);
	/* 0x1000 == cached_hole_size: no reset.  From F (1): walk F, step to
	 * G (2): [LO+0x2000, LO+0x4000) holds it. */
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO + 0x2000, 2);
	model_under_test->destroy(m);
}

/* A free ending below cached_vstart drops the cache; the next search is
 * from scratch and finds the hole it left. */
static void test_free_below_cached_vstart(void **state)
{
	struct vm_model *m = new_model(LO, HI);

	(void)state;
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO, 0);		/* A */
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO + 0x1000, 1);	/* B */
	/* vstart above the cache B: B ends below vstart, so the cache is
	 * dropped (1 read) and the descent (A root, right B: 2 more) starts over. */
	expect_alloc(m, 0x1000, PAGE, LO + 0x8000, UINT64_MAX, LO + 0x8000, 3);
	/* A ends below cached_vstart = LO+0x8000: cache dropped.  Tree A(-, B)
	 * became B(A, C): B root, A: 2 nodes. */
	expect_free(m, LO, 2);
	/* No cache: descent from LO: root B ends above LO and starts at
	 * LO+0x1000 (left: empty now); walk: B does not start below
	 * LO + 0x1000, so the hole fits: placed at LO after 1 node. */
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO, 1);
	model_under_test->destroy(m);
}

/* A smaller alignment than the cached one resets; a fill-up fails. */
static void test_align_reset_and_failure(void **state)
{
	struct vm_model *m = new_model(LO, LO + 0x8000);

	(void)state;
	expect_alloc(m, 0x1000, 0x4000, 0, UINT64_MAX, LO, 0);		/* A */
	/* From A: ALIGN(LO+0x1000, 16K) = LO+0x4000. */
	expect_alloc(m, 0x1000, 0x4000, 0, UINT64_MAX, LO + 0x4000, 1);	/* B */
	/* align 4K < cached_align 16K: reset.  The descent stops at A, which
	 * holds LO (1); walk A, step to B (2), 0x3000 above: fits at LO+0x1000. */
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO + 0x1000, 2);
	/* From the cache [LO+0x1000..) (1), step to B (2): the 0x2000 hole is
	 * too small for 0x4000 (cached_hole_size 0x2000); after B (addr
	 * LO+0x5000) no successor; LO+0x9000 passes the end: fails. */
	expect_fail(m, 0x4000, PAGE, 0, UINT64_MAX, 2);
	model_under_test->destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache_places_above_a_fitting_hole),
		cmocka_unit_test(test_cached_hole_size_resets_the_search),
		cmocka_unit_test(test_free_below_the_cache),
		cmocka_unit_test(test_free_below_cached_vstart),
		cmocka_unit_test(test_align_reset_and_failure),
	};

	model_under_test = vm_allocator_find("rbtree-cache");
	if (!model_under_test)
		return 1;
	return cmocka_run_group_tests_name("rbtree-cache", tests, NULL, NULL);
}
