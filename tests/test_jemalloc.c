/* SPDX-License-Identifier: MIT */
/*
 * The jemalloc model: placements that come from the library are checked
 * for what the model promises, not for jemalloc's choices.  Every area
 * lies in the window and never overlaps another or a snapshot area
 * (checked here against a plain list of intervals, not the model's
 * trees); two instances given the same trace place identically (the
 * across-process run is tests/e2e_models_agree.sh's repeated replay);
 * size classes rounded as jemalloc documents them show as internal
 * waste; a request jemalloc places outside its own [vstart, vend) fails
 * and leaves the model as it was.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "allocator/allocator.h"
#include "trace/generate.h"

#define PAGE 0x1000ull
#define LO 0x100000000ull

static const struct vm_allocator_ops *je;

struct interval {
	uint64_t start, end;
};

/* Where each id is, or 0; the intervals checked pairwise for overlap. */
struct placements {
	uint64_t *addr, *size;
	uint64_t *order;	/* every successful alloc's address, in order */
	size_t nr_order;
};

static void expect_model_ok(struct vm_model *m)
{
	char why[256] = "";

	if (je->check(m, why, sizeof(why)))
		fail_msg("%s", why);
}

static void expect_disjoint(const struct placements *p, size_t nids, const struct vmt_trace *t)
{
	for (size_t i = 0; i < nids; i++) {
		if (!p->size[i])
			continue;
		assert_true(p->addr[i] >= t->range_lo && p->addr[i] + p->size[i] <= t->range_hi);
		for (size_t j = i + 1; j < nids; j++)
			if (p->size[j] && p->addr[i] < p->addr[j] + p->size[j] &&
			    p->addr[j] < p->addr[i] + p->size[i])
				fail_msg("ids %zu and %zu overlap", i, j);
	}
}

/* Replays @t through a fresh instance; fills @p. */
static void replay(const struct vmt_trace *t, struct placements *p)
{
	struct vm_window w = { t->range_lo, t->range_hi, t->page_size, t->range_lo, t->range_hi, 1 };
	struct vm_model *m;
	size_t nids = t->ids.count;

	p->addr = calloc(nids, sizeof(*p->addr));
	p->size = calloc(nids, sizeof(*p->size));
	p->order = calloc(t->nev, sizeof(*p->order));
	p->nr_order = 0;
	assert_non_null(p->addr);
	assert_non_null(p->size);
	assert_non_null(p->order);
	assert_int_equal(je->create(&w, &m), 0);
	for (size_t i = 0; i < t->nev; i++) {
		const struct vmt_event *ev = &t->ev[i];
		struct vm_request req = { ev->size, ev->flags & VMT_F_ALIGN ? ev->align : PAGE,
					  t->range_lo, t->range_hi, VM_CPU_UNKNOWN };
		uint64_t addr, search = 1;

		switch (ev->op) {
		case VMT_LIVE:
			assert_int_equal(je->reserve(m, ev->va, ev->size), 0);
			p->addr[ev->id] = ev->va;
			p->size[ev->id] = ev->size;
			break;
		case VMT_ALLOC:
			if (je->alloc(m, &req, &addr, &search) == 0) {
				p->addr[ev->id] = addr;
				p->size[ev->id] = ev->size;
				p->order[p->nr_order++] = addr;
			}
			assert_int_equal(search, 0);
			break;
		case VMT_FREE:
			if (p->size[ev->id]) {
				assert_int_equal(je->free(m, p->addr[ev->id], &search), 0);
				assert_int_equal(search, 0);
				p->size[ev->id] = 0;
			}
			break;
		default:
			break;
		}
		if (i % 64 == 0) {
			expect_model_ok(m);
			expect_disjoint(p, nids, t);
		}
	}
	expect_model_ok(m);
	je->destroy(m);
}

static void test_reproducible_in_window_disjoint(void **state)
{
	struct gen_opts o;
	struct vmt_trace t;

	(void)state;
	for (uint64_t seed = 1; seed <= 6; seed++) {
		struct placements a, b;

		gen_opts_default(&o);
		o.seed = seed;
		o.events = 1500;
		o.live_target = 150;
		o.snapshot = seed % 2 ? 20 : 0;
		o.lo = LO;
		o.hi = LO + (64ull << 20 << seed % 3);
		o.aligned_pct = 20;
		o.window_pct = 0;
		assert_int_equal(vmt_generate(&o, &t), 0);
		replay(&t, &a);
		replay(&t, &b);
		assert_true(a.nr_order > 0);
		assert_int_equal(a.nr_order, b.nr_order);
		assert_memory_equal(a.order, b.order, a.nr_order * sizeof(*a.order));
		free(a.addr), free(a.size), free(a.order);
		free(b.addr), free(b.size), free(b.order);
		vmt_trace_free(&t);
	}
}

/* jemalloc's large size classes: four per doubling, so 36 KiB -> 40 KiB. */
static void test_size_class_waste(void **state)
{
	struct vm_window w = { LO, LO + (64ull << 20), PAGE, LO, LO + (64ull << 20), 1 };
	struct vm_request req = { 9 * PAGE, PAGE, 0, UINT64_MAX, VM_CPU_UNKNOWN };
	struct vm_model *m;
	uint64_t a, b, search;

	(void)state;
	assert_int_equal(je->create(&w, &m), 0);
	assert_int_equal(je->alloc(m, &req, &a, &search), 0);
	assert_int_equal(je->internal_waste(m), PAGE);
	req.size = 8 * PAGE;		/* a class of its own: no waste */
	assert_int_equal(je->alloc(m, &req, &b, &search), 0);
	assert_int_equal(je->internal_waste(m), PAGE);
	assert_true(je->metadata_bytes(m) > 0);
	assert_int_equal(je->free(m, a, &search), 0);
	assert_int_equal(je->internal_waste(m), 0);
	assert_int_equal(je->free(m, a, &search), -ENOENT);
	expect_model_ok(m);
	je->destroy(m);
}

static int first_area(void *arg, uint64_t addr, uint64_t size)
{
	(void)size;
	*(uint64_t *)arg = addr;
	return 1;
}

/* A snapshot area at the window's start: jemalloc's areas go around it; a
 * request whose own window jemalloc does not honour fails cleanly. */
static void test_reserve_and_request_window(void **state)
{
	struct vm_window w = { LO, LO + (64ull << 20), PAGE, LO, LO + (64ull << 20), 1 };
	struct vm_request req = { 4 * PAGE, PAGE, 0, UINT64_MAX, VM_CPU_UNKNOWN };
	struct vm_model *m;
	uint64_t a, search, first = 0;

	(void)state;
	assert_int_equal(je->create(&w, &m), 0);
	assert_int_equal(je->reserve(m, LO, 16 * PAGE), 0);
	assert_int_equal(je->reserve(m, LO + 8 * PAGE, PAGE), -EEXIST);
	assert_int_equal(je->reserve(m, LO - PAGE, PAGE), -ERANGE);
	assert_int_equal(je->alloc(m, &req, &a, &search), 0);
	assert_true(a >= LO + 16 * PAGE);
	/* The same request limited to the snapshot's range cannot be met. */
	req.vstart = LO;
	req.vend = LO + 16 * PAGE;
	assert_int_equal(je->alloc(m, &req, &a, &search), -ENOMEM);
	assert_int_equal(je->walk(m, first_area, &first), 1);
	assert_int_equal(first, LO);
	assert_int_equal(je->free(m, LO, &search), 0);
	expect_model_ok(m);
	je->destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reproducible_in_window_disjoint),
		cmocka_unit_test(test_size_class_waste),
		cmocka_unit_test(test_reserve_and_request_window),
	};

	je = vm_allocator_find("jemalloc");
	return cmocka_run_group_tests_name("jemalloc", tests, NULL, NULL);
}
