/* SPDX-License-Identifier: MIT */
/*
 * The buddy model on hand-worked cases.  [LO, HI) is one aligned block of
 * order 8 (256 pages of 4 KiB); each expected address and search length
 * below was worked out on paper: alloc counts the free-list heads tried
 * (orders from the request's up), the blocks examined and the splits;
 * free counts each buddy examined and each merge.
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
#define ANY 0, UINT64_MAX

static void expect_waste(struct vm_model *m, uint64_t want)
{
	assert_int_equal(model_under_test->internal_waste(m), want);
}

/* Splitting down from order 8, rounding, and merging back up. */
static void test_split_and_merge(void **state)
{
	struct vm_model *m = new_model(LO, HI);

	(void)state;
	/* Heads of orders 0-8 (9), the order-8 block (1), 8 splits: the
	 * halves LO + 0x1000 (order 0) ... LO + 0x80000 (order 7) go free. */
	expect_alloc(m, 0x1000, PAGE, ANY, LO, 18);
	/* 0x3000 rounds up to order 2: its head and LO + 0x4000. */
	expect_alloc(m, 0x3000, PAGE, ANY, LO + 0x4000, 2);
	expect_waste(m, 0x1000);
	expect_alloc(m, 0x1000, PAGE, ANY, LO + 0x1000, 2);
	/* LO's buddy LO + 0x1000 is busy: 1 examined. */
	expect_free(m, LO, 1);
	/* Merges with LO (order 0), LO + 0x2000 (order 1); LO + 0x4000 busy. */
	expect_free(m, LO + 0x1000, 5);
	/* Merges at orders 2-7; order 8 is the window's top block. */
	expect_free(m, LO + 0x4000, 12);
	expect_waste(m, 0);
	expect_alloc(m, HI - LO, PAGE, ANY, LO, 2);
	model_under_test->destroy(m);
}

/* An alignment above the size takes a block of the alignment's order. */
static void test_alignment_and_request_window(void **state)
{
	struct vm_model *m = new_model(LO, HI);

	(void)state;
	/* The lowest fitting page at or above vstart is LO + 0x3000: the
	 * splits keep the halves that hold it (9 heads, 1 block, 8 splits). */
	expect_alloc(m, 0x1000, PAGE, LO + 0x3000, HI, LO + 0x3000, 18);
	/* Order 2 for align 0x4000: head, block LO + 0x4000. */
	expect_alloc(m, 0x1000, 0x4000, ANY, LO + 0x4000, 2);
	expect_waste(m, 0x3000);
	/* Order 0 holds LO + 0x2000, order 1 holds LO: below vend = LO + 0x2000
	 * only LO fits: heads 0 and 1, LO + 0x2000 (not below vend), head 1,
	 * LO (fits), split 1. */
	expect_alloc(m, 0x1000, PAGE, 0, LO + 0x2000, LO, 5);
	model_under_test->destroy(m);
}

/*
 * A window of 3 pages is the aligned blocks LO (order 1) and LO + 0x2000
 * (order 0): a page goes to the order-0 block, above the lowest fit, and
 * never merges (its merged block would leave the window).
 */
static void test_window_not_a_power_of_two(void **state)
{
	struct vm_model *m = new_model(LO, LO + 0x3000);

	(void)state;
	expect_alloc(m, 0x1000, PAGE, ANY, LO + 0x2000, 2);
	expect_free(m, LO + 0x2000, 0);
	model_under_test->destroy(m);
}

/*
 * A reserve of 3 pages at LO + 0x1000 is the blocks LO + 0x1000 (order 0,
 * split out of the order-8 block) and LO + 0x2000 (order 1, free then).
 */
static void test_reserve_covers_exactly(void **state)
{
	struct vm_model *m = new_model(LO, HI);

	(void)state;
	assert_int_equal(model_under_test->reserve(m, LO + 0x1000, 0x3000), 0);
	expect_invariants(m);
	expect_waste(m, 0);
	expect_alloc(m, 0x1000, PAGE, ANY, LO, 2);
	/* Its blocks' buddies, LO (busy) and LO (not free at order 1): 2. */
	expect_free(m, LO + 0x1000, 2);
	/* Eight merges, orders 0 to 7. */
	expect_free(m, LO, 16);
	expect_alloc(m, HI - LO, PAGE, ANY, LO, 2);
	model_under_test->destroy(m);
}

static void test_reserve_contract(void **state)
{
	struct vm_model *m = new_model(LO, HI);

	(void)state;
	expect_two_reserved(m, LO, HI);
	model_under_test->destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_and_merge),
		cmocka_unit_test(test_alignment_and_request_window),
		cmocka_unit_test(test_window_not_a_power_of_two),
		cmocka_unit_test(test_reserve_covers_exactly),
		cmocka_unit_test(test_reserve_contract),
	};

	model_under_test = vm_allocator_find("buddy");
	if (!model_under_test)
		return 1;
	return cmocka_run_group_tests_name("buddy", tests, NULL, NULL);
}
