/* SPDX-License-Identifier: MIT */
/*
 * The linear model on hand-worked cases.  Every expected address and
 * search length below was worked out on paper from the placement loop of
 * __get_vm_area_node() (see allocator/linear.c), not read off the code.
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

/* Empty list: the first area goes at the window start, 0 nodes examined. */
static void test_first_fit_from_the_start(void **state)
{
	struct vm_model *m = new_model(LO, HI);

	(void)state;
	expect_alloc(m, 0x2000, PAGE, 0, UINT64_MAX, LO, 0);
	/* One node: it starts at addr, so addr moves to its end; 1 examined. */
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO + 0x2000, 1);
	expect_alloc(m, 0x3000, PAGE, 0, UINT64_MAX, LO + 0x3000, 2);
	model_under_test->destroy(m);
}

/* A freed hole is reused by the next request that fits; the loop stops
 * at the node after the hole (counted). */
static void test_hole_reuse(void **state)
{
	struct vm_model *m = new_model(LO, HI);

	(void)state;
	expect_alloc(m, 0x2000, PAGE, 0, UINT64_MAX, LO, 0);		/* A */
	expect_alloc(m, 0x2000, PAGE, 0, UINT64_MAX, LO + 0x2000, 1);	/* B */
	expect_alloc(m, 0x2000, PAGE, 0, UINT64_MAX, LO + 0x4000, 2);	/* C */
	expect_free(m, LO + 0x2000, 2);				/* B: A, B */
	/* 0x3000 does not fit B's 0x2000 hole: A, C examined, placed after C. */
	expect_alloc(m, 0x3000, PAGE, 0, UINT64_MAX, LO + 0x6000, 2);
	/* 0x1000 fits: A pushes addr to B's old start, C stops it: 2. */
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO + 0x2000, 2);
	/* Free of the last node walks all four. */
	expect_free(m, LO + 0x6000, 4);
	model_under_test->destroy(m);
}

/* Alignment rounds addr up after every node that pushes it. */
static void test_alignment(void **state)
{
	struct vm_model *m = new_model(LO, HI);

	(void)state;
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO, 0);
	/* addr = LO; node at LO ends at LO+0x1000; ALIGN to 16K = LO+0x4000. */
	expect_alloc(m, 0x1000, 0x4000, 0, UINT64_MAX, LO + 0x4000, 1);
	/* A page request slips into the gap between them. */
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO + 0x1000, 2);
	/* vstart unaligned to the request: addr starts at ALIGN(vstart). */
	expect_alloc(m, 0x1000, 0x10000, LO + 0x1000, UINT64_MAX, LO + 0x10000, 3);
	model_under_test->destroy(m);
}

/* vstart/vend narrow the window; nodes below vstart are still walked. */
static void test_request_window(void **state)
{
	struct vm_model *m = new_model(LO, HI);

	(void)state;
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO, 0);
	expect_alloc(m, 0x1000, PAGE, LO + 0x8000, UINT64_MAX, LO + 0x8000, 1);
	/* Node at LO lies below addr and does not reach it: examined, skipped. */
	expect_alloc(m, 0x1000, PAGE, LO + 0x4000, LO + 0x6000, LO + 0x4000, 2);
	/* Exactly filling [vstart, vend) works; one byte more fails. */
	expect_alloc(m, 0x2000, PAGE, LO + 0xa000, LO + 0xc000, LO + 0xa000, 3);
	expect_fail(m, 0x2000, PAGE, LO + 0xd000, LO + 0xe000, 4);
	/* vstart >= vend fails without examining anything. */
	expect_fail(m, 0x1000, PAGE, LO + 0x5000, LO + 0x5000, 0);
	model_under_test->destroy(m);
}

/* Failure: the loop stops at the first node after which no room remains. */
static void test_window_full(void **state)
{
	struct vm_model *m = new_model(LO, LO + 0x4000);

	(void)state;
	expect_alloc(m, 0x2000, PAGE, 0, UINT64_MAX, LO, 0);
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO + 0x2000, 1);
	/* After A addr = LO+0x2000, B blocks it, after B addr = LO+0x3000 and
	 * 0x2000 no longer fits below the end: fail at B, 2 examined. */
	expect_fail(m, 0x2000, PAGE, 0, UINT64_MAX, 2);
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO + 0x3000, 2);
	/* Full: fails after the last node. */
	expect_fail(m, 0x1000, PAGE, 0, UINT64_MAX, 3);
	/* A size beyond the whole window fails at the first node. */
	expect_fail(m, 0x10000, PAGE, 0, UINT64_MAX, 1);
	model_under_test->destroy(m);
}

/* Sizes near 2^64 must not wrap into a bogus fit. */
static void test_no_wraparound(void **state)
{
	struct vm_model *m = new_model(0xffffffffff000000ull, 0xfffffffffffff000ull);

	(void)state;
	expect_fail(m, 0xfffffffffffff000ull, PAGE, 0, UINT64_MAX, 0);
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, 0xffffffffff000000ull, 0);
	expect_fail(m, 0xfffffffffffff000ull, PAGE, 0, UINT64_MAX, 1);
	expect_fail(m, 0x1000, 1ull << 63, 0, UINT64_MAX, 0);
	model_under_test->destroy(m);
}

static void test_reserve(void **state)
{
	struct vm_model *m = new_model(LO, HI);
	uint64_t search;

	(void)state;
	expect_two_reserved(m, LO, HI);
	/* Sorted: the hole below the first reserved area is found first. */
	expect_alloc(m, 0x1000, PAGE, 0, UINT64_MAX, LO, 1);
	expect_alloc(m, 0x2000, PAGE, 0, UINT64_MAX, LO + 0x2000, 3);
	assert_int_equal(model_under_test->free(m, LO + 0x7000, &search), -ENOENT);
	assert_int_equal(search, 4);
	model_under_test->destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_fit_from_the_start),
		cmocka_unit_test(test_hole_reuse),
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_request_window),
		cmocka_unit_test(test_window_full),
		cmocka_unit_test(test_no_wraparound),
		cmocka_unit_test(test_reserve),
	};

	model_under_test = vm_allocator_find("linear");
	if (!model_under_test)
		return 1;
	return cmocka_run_group_tests_name("linear", tests, NULL, NULL);
}
