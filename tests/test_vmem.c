/* SPDX-License-Identifier: MIT */
/*
 * The vmem models on hand-worked cases.  Every expected address and
 * search length below was worked out on paper from illumos's
 * vmem_xalloc(), vmem_nextfit_alloc() and vmem_xfree() (allocator/vmem.c
 * says what each counts): free list i holds segments of [2^i, 2^(i+1))
 * bytes, newest first; the window [LO, HI) is one 1 MiB segment (list 20).
 * Hash buckets, from VMEM_HASH_INDEX with 16 buckets and 4 KiB quanta:
 * ((a + (a >> 4) + (a >> 8)) >> 12) & 15, so 0x100000 -> 1, 0x101000 -> 2,
 * 0x102000 -> 3, 0x103000 -> 4, 0x104000 -> 5, 0x105000 -> 6,
 * 0x10d000 -> 14, and 0x110000 -> 2 again.
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

static struct vm_model *new_vmem(const char *name, uint64_t lo, uint64_t hi)
{
	model_under_test = vm_allocator_find(name);
	assert_non_null(model_under_test);
	return new_model(lo, hi);
}

/*
 * A 0x3000 hole (list 13) lies below a 0x8000 hole (list 15).  A request
 * of 0x3000 is not a power of two: instant fit starts at list
 * highbit(0x3000) = 14, the first whose every segment fits, and takes the
 * head of the first non-empty list from there (15): the higher hole, one
 * segment examined.  Best fit starts one list lower and takes the exact
 * hole.
 */
static void test_instant_fit_takes_the_guaranteed_list(void **state)
{
	const char *names[] = { "vmem-instant", "vmem-best" };
	const uint64_t want[] = { LO + 0x5000, LO + 0x1000 };

	(void)state;
	for (int i = 0; i < 2; i++) {
		struct vm_model *m = new_vmem(names[i], LO, HI);
		/* Fresh allocations split the tail: instant fit examines the
		 * one segment; best fit also steps onto the next list's head. */
		uint64_t s = i ? 2 : 1;

		expect_alloc(m, 0x1000, PAGE, ANY, LO, s);		/* A */
		expect_alloc(m, 0x3000, PAGE, ANY, LO + 0x1000, s);	/* B */
		expect_alloc(m, 0x1000, PAGE, ANY, LO + 0x4000, s);	/* C */
		expect_alloc(m, 0x8000, PAGE, ANY, LO + 0x5000, s);	/* D */
		expect_alloc(m, 0x1000, PAGE, ANY, LO + 0xd000, s);	/* E */
		/* Each in its own bucket (1 entry), plus the two neighbours. */
		expect_free(m, LO + 0x1000, 3);
		expect_free(m, LO + 0x5000, 3);
		/* Both the instant and the exact best fit stop at once. */
		expect_alloc(m, 0x3000, PAGE, ANY, want[i], 1);
		model_under_test->destroy(m);
	}
}

/*
 * A full arena: after 0x5000 of an 0x8000 window only 0x3000 is free
 * (list 13).  Instant fit of 0x3000 would start at list 14, which nothing
 * at or above holds, so it falls back to the list below, which might hold
 * a fit: it does, one segment examined.
 */
static void test_instant_fit_falls_back_below(void **state)
{
	struct vm_model *m = new_vmem("vmem-instant", LO, LO + 0x8000);

	(void)state;
	expect_alloc(m, 0x5000, PAGE, ANY, LO, 1);
	expect_alloc(m, 0x3000, PAGE, ANY, LO + 0x5000, 1);
	model_under_test->destroy(m);
}

/*
 * Best fit scans list 14 (sizes 0x4000-0x7fff), newest first: the 0x6000
 * hole (freed last) fits but is not exact, the 0x5000 hole is exact and
 * smaller: taken, 2 examined, though the lower hole came first.
 */
static void test_best_fit_takes_the_smallest(void **state)
{
	struct vm_model *m = new_vmem("vmem-best", LO, HI);

	(void)state;
	expect_alloc(m, 0x1000, PAGE, ANY, LO, 2);
	expect_alloc(m, 0x6000, PAGE, ANY, LO + 0x1000, 2);
	expect_alloc(m, 0x1000, PAGE, ANY, LO + 0x7000, 2);
	expect_alloc(m, 0x5000, PAGE, ANY, LO + 0x8000, 2);
	expect_alloc(m, 0x1000, PAGE, ANY, LO + 0xd000, 2);
	expect_free(m, LO + 0x8000, 3);	/* bucket 9 */
	expect_free(m, LO + 0x1000, 3);
	expect_alloc(m, 0x5000, PAGE, ANY, LO + 0x8000, 2);
	/* 0x4800 is no page multiple; 0x4000 is a power of two: its list is
	 * 14 (guaranteed), the 0x6000 hole the only one there: examined, not
	 * exact, then the step onto list 15's head ends the scan. */
	expect_alloc(m, 0x4000, PAGE, ANY, LO + 0x1000, 2);
	model_under_test->destroy(m);
}

/*
 * Next fit over an 8-page window: the rotor follows each allocation, so a
 * hole freed behind it is passed over until the walk wraps through the
 * span marker.
 */
static void test_next_fit_rotor_wraps(void **state)
{
	struct vm_model *m = new_vmem("vmem-next", LO, LO + 0x8000);

	(void)state;
	expect_alloc(m, 0x2000, PAGE, ANY, LO, 1);			/* A */
	expect_alloc(m, 0x2000, PAGE, ANY, LO + 0x2000, 1);		/* B */
	expect_alloc(m, 0x2000, PAGE, ANY, LO + 0x4000, 1);		/* C */
	expect_free(m, LO, 3);
	/* Lowest fit would reuse A's hole; the rotor is past C. */
	expect_alloc(m, 0x2000, PAGE, ANY, LO + 0x6000, 1);		/* D */
	/* From the rotor: the span marker, then A's hole. */
	expect_alloc(m, 0x2000, PAGE, ANY, LO, 2);
	/* Full: the whole circle (span, A, B, C, D) and no fit. */
	expect_fail(m, 0x1000, PAGE, ANY, 5);
	model_under_test->destroy(m);
}

/*
 * Next fit inside a wider model window: the arena is the kernel's vmalloc
 * window [VLO, VHI), which every plain vmalloc asks for, so such requests
 * take the rotor (not the free lists) and stay inside it.  The address
 * list starts span, rotor, one free segment: A is one step from the
 * rotor, whose free part inside [VLO, VHI) starts at VLO.  The rotor then
 * sits behind each new area, so B and the rest are one step each.  A
 * fourth request walks the whole circle (the free segment above VHI, the
 * span, the free one below VLO, A, B, the rest) and fails: the free space
 * is all outside the arena.
 */
static void test_next_fit_in_the_vmalloc_window(void **state)
{
	const uint64_t VLO = LO + 0x4000, VHI = LO + 0xa000;
	struct vm_window w = { LO, LO + 0x10000, PAGE, VLO, VHI, 1 };
	struct vm_model *m = NULL;

	(void)state;
	model_under_test = vm_allocator_find("vmem-next");
	assert_int_equal(model_under_test->create(&w, &m), 0);
	expect_alloc(m, 0x2000, PAGE, VLO, VHI, VLO, 1);		/* A */
	expect_alloc(m, 0x2000, PAGE, VLO, VHI, VLO + 0x2000, 1);	/* B */
	expect_alloc(m, 0x2000, PAGE, VLO, VHI, VLO + 0x4000, 1);	/* the rest */
	expect_fail(m, 0x1000, PAGE, VLO, VHI, 6);
	model_under_test->destroy(m);
}

/*
 * Coalescing: B alone, C with B on its left, A with the pair on its
 * right, D with both sides; the window is one segment again, which a
 * request for all of it proves (list 20, one segment).
 */
static void test_free_coalesces(void **state)
{
	struct vm_model *m = new_vmem("vmem-instant", LO, HI);

	(void)state;
	for (uint64_t i = 0; i < 4; i++)
		expect_alloc(m, 0x1000, PAGE, ANY, LO + i * 0x1000, 1);
	expect_free(m, LO + 0x1000, 3);
	expect_free(m, LO + 0x2000, 3);
	expect_free(m, LO, 3);
	expect_free(m, LO + 0x3000, 3);
	expect_alloc(m, HI - LO, PAGE, ANY, LO, 1);
	model_under_test->destroy(m);
}

/* Two allocated segments in bucket 2: the newer heads the chain. */
static void test_hash_chain(void **state)
{
	struct vm_model *m = new_vmem("vmem-instant", LO, HI);
	uint64_t search;

	(void)state;
	assert_int_equal(model_under_test->reserve(m, LO + 0x1000, 0x1000), 0);
	assert_int_equal(model_under_test->reserve(m, 0x110000, 0x1000), 0);
	expect_invariants(m);
	expect_free(m, LO + 0x1000, 4);
	expect_free(m, 0x110000, 3);
	/* No segment there: the chain of bucket 1 is empty. */
	assert_int_equal(model_under_test->free(m, LO, &search), -ENOENT);
	assert_int_equal(search, 0);
	model_under_test->destroy(m);
}

/*
 * The request's window and alignment, on the segment examined: the head
 * segment [LO + 0x1000, HI) starts too low for vstart = LO + 0x3000 and
 * the alignment rounds up; the segment is split on both sides.
 */
static void test_request_window_and_alignment(void **state)
{
	const char *names[] = { "vmem-instant", "vmem-best", "vmem-next" };

	(void)state;
	for (int i = 0; i < 3; i++) {
		struct vm_model *m = new_vmem(names[i], LO, HI);
		uint64_t s = i == 1 ? 2 : 1;

		expect_alloc(m, 0x1000, PAGE, ANY, LO, s);
		/* Aligned and windowed: the free-list search for all three. */
		expect_alloc(m, 0x1000, 0x4000, LO + 0x3000, HI, LO + 0x4000, s);
		/* Left: [LO + 0x1000, LO + 0x4000) on list 13, the rest on
		 * list 19.  0x2000 in [LO + 0x1000, LO + 0x2000): list 13's
		 * segment (too little room below vend), list 14's head, list
		 * 19's segment (above vend), list 20's head: 4, no fit. */
		expect_fail(m, 0x2000, PAGE, LO + 0x1000, LO + 0x2000, 4);
		model_under_test->destroy(m);
	}
}

static void test_reserve(void **state)
{
	const char *names[] = { "vmem-instant", "vmem-best", "vmem-next" };

	(void)state;
	for (int i = 0; i < 3; i++) {
		struct vm_model *m = new_vmem(names[i], LO, HI);

		expect_two_reserved(m, LO, HI);
		model_under_test->destroy(m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_instant_fit_takes_the_guaranteed_list),
		cmocka_unit_test(test_instant_fit_falls_back_below),
		cmocka_unit_test(test_best_fit_takes_the_smallest),
		cmocka_unit_test(test_next_fit_rotor_wraps),
		cmocka_unit_test(test_next_fit_in_the_vmalloc_window),
		cmocka_unit_test(test_free_coalesces),
		cmocka_unit_test(test_hash_chain),
		cmocka_unit_test(test_request_window_and_alignment),
		cmocka_unit_test(test_reserve),
	};

	return cmocka_run_group_tests_name("vmem", tests, NULL, NULL);
}
