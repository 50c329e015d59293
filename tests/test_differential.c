/* SPDX-License-Identifier: MIT */
/*
 * Differential test of the models on generated traces (replay/generate.h):
 * small windows, alignments up to 1 MiB, request windows (tight ones that
 * fail), snapshot areas, frees in random order.  Every model runs every
 * trace in lockstep, its invariant checker after every operation.
 *
 *   - linear and rbtree are lowest-address first fit: they must return the
 *     same address for every allocation and fail the same ones, and that
 *     address must be the lowest fit an independent oracle (an exact
 *     in-order search of a shadow free tree, allocator/lowest_fit.h) finds.
 *   - augmented (5.2) and augmented-5.19 prune by a search length; each of
 *     their departures from lowest fit on their own layout must be one the
 *     pruning explains: the lowest-fit block is shorter than that length.
 *     With page alignment only, augmented-5.19 must equal linear.
 *   - rbtree-cache departs freely (its cache); its departures are counted
 *     and must occur, or the audit would be shown to detect nothing.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../allocator/allocator.h"
#include "../allocator/lowest_fit.h"
#include "../replay/generate.h"

#define NO_ADDR UINT64_MAX
#define WINDOW_LO 0x100000000ull
#define SEEDS 40

enum model_kind { LOWEST_FIT, PRUNED_5_2, PRUNED_5_19, CACHED };

struct lane {
	const char *name;
	enum model_kind kind;
	const struct vm_allocator_ops *ops;
	struct vm_model *m;
	struct lowest_fit_audit audit;
	uint64_t *addr;		/* by id: where the area is, or NO_ADDR */
	uint64_t *size;
};

static struct lane lanes[] = {
	{ "linear", LOWEST_FIT },
	{ "rbtree", LOWEST_FIT },
	{ "augmented", PRUNED_5_2 },
	{ "augmented-5.19", PRUNED_5_19 },
	{ "rbtree-cache", CACHED },
};
#define NLANES (sizeof(lanes) / sizeof(lanes[0]))

static uint64_t total_departures[NLANES];

static void check_lane(struct lane *l, uint64_t seed, size_t i)
{
	char why[256] = "";

	if (l->ops->check(l->m, why, sizeof(why)))
		fail_msg("seed %llu event %zu: %s", (unsigned long long)seed, i, why);
}

static void lane_start(struct lane *l, const struct vmt_trace *t)
{
	struct vm_window w = { t->range_lo, t->range_hi, t->page_size };

	l->ops = vm_allocator_find(l->name);
	assert_non_null(l->ops);
	assert_int_equal(l->ops->create(&w, &l->m), 0);
	assert_int_equal(lowest_fit_audit_init(&l->audit, &w), 0);
	l->addr = malloc(t->ids.count * sizeof(*l->addr));
	l->size = calloc(t->ids.count, sizeof(*l->size));
	assert_non_null(l->addr);
	assert_non_null(l->size);
	for (uint32_t id = 0; id < t->ids.count; id++)
		l->addr[id] = NO_ADDR;
}

static void lane_stop(struct lane *l)
{
	l->ops->destroy(l->m);
	lowest_fit_audit_free(&l->audit);
	free(l->addr);
	free(l->size);
}

/* The length the pruned searches descend by (allocator/augmented.c). */
static uint64_t pruning_length(enum model_kind kind, uint64_t size, uint64_t align,
			       uint64_t vstart, uint64_t vend, uint64_t page)
{
	if (kind == PRUNED_5_19 && (align <= page || vend - vstart == size))
		return size;
	return size + align - 1;
}

/* One alloc through one lane; returns the address or NO_ADDR. */
static uint64_t lane_alloc(struct lane *l, const struct vmt_trace *t,
			   const struct vmt_event *ev, uint64_t seed, size_t i)
{
	uint64_t align = ev->flags & VMT_F_ALIGN ? ev->align : t->page_size;
	uint64_t vstart = ev->flags & VMT_F_VSTART ? ev->vstart : t->range_lo;
	uint64_t vend = ev->flags & VMT_F_VEND ? ev->vend : t->range_hi;
	uint64_t addr = NO_ADDR, search, lowest, block = 0;
	bool fits, departed;
	int ret;

	fits = !lowest_fit_audit_query(&l->audit, ev->size, align, vstart, vend, &lowest, &block);
	ret = l->ops->alloc(l->m, ev->size, align, vstart, vend, &addr, &search);
	if (ret && ret != -ENOMEM)
		fail_msg("seed %llu event %zu: %s alloc error %d",
			 (unsigned long long)seed, i, l->name, ret);
	assert_int_equal(lowest_fit_audit_alloc(&l->audit, ev->size, align, vstart, vend,
						!ret, addr, &departed), 0);
	if (departed && l->kind == LOWEST_FIT)
		fail_msg("seed %llu event %zu: %s placed 0x%llx, lowest fit is %s0x%llx",
			 (unsigned long long)seed, i, l->name, (unsigned long long)addr,
			 fits ? "" : "none, not ", (unsigned long long)lowest);
	if (departed && (l->kind == PRUNED_5_2 || l->kind == PRUNED_5_19) && fits &&
	    block >= pruning_length(l->kind, ev->size, align, vstart, vend, t->page_size))
		fail_msg("seed %llu event %zu: %s missed the lowest fit 0x%llx in a block of "
			 "0x%llx that its search length admits", (unsigned long long)seed, i,
			 l->name, (unsigned long long)lowest, (unsigned long long)block);
	if (ret)
		return NO_ADDR;
	l->addr[ev->id] = addr;
	l->size[ev->id] = ev->size;
	return addr;
}

static void lane_event(struct lane *l, const struct vmt_trace *t, const struct vmt_event *ev,
		       uint64_t seed, size_t i, uint64_t *placed)
{
	uint64_t search;

	*placed = NO_ADDR;
	switch (ev->op) {
	case VMT_LIVE:
		assert_int_equal(l->ops->reserve(l->m, ev->va, ev->size), 0);
		assert_int_equal(lowest_fit_audit_reserve(&l->audit, ev->va, ev->size), 0);
		l->addr[ev->id] = ev->va;
		l->size[ev->id] = ev->size;
		break;
	case VMT_ALLOC:
		*placed = lane_alloc(l, t, ev, seed, i);
		break;
	case VMT_FREE:
		if (l->addr[ev->id] == NO_ADDR)
			break;	/* its alloc failed in this lane */
		assert_int_equal(l->ops->free(l->m, l->addr[ev->id], &search), 0);
		assert_int_equal(lowest_fit_audit_release(&l->audit, l->addr[ev->id],
							  l->size[ev->id]), 0);
		l->addr[ev->id] = NO_ADDR;
		break;
	}
	check_lane(l, seed, i);
}

static void run_trace(const struct vmt_trace *t, uint64_t seed, bool page_aligned_only)
{
	uint64_t placed[NLANES];

	for (size_t k = 0; k < NLANES; k++)
		lane_start(&lanes[k], t);
	for (size_t i = 0; i < t->nev; i++) {
		for (size_t k = 0; k < NLANES; k++)
			lane_event(&lanes[k], t, &t->ev[i], seed, i, &placed[k]);
		if (t->ev[i].op != VMT_ALLOC)
			continue;
		/* lanes[0] and [1]: linear and rbtree. */
		if (placed[1] != placed[0])
			fail_msg("seed %llu event %zu: linear 0x%llx, rbtree 0x%llx",
				 (unsigned long long)seed, i, (unsigned long long)placed[0],
				 (unsigned long long)placed[1]);
		if (page_aligned_only && placed[3] != placed[0])
			fail_msg("seed %llu event %zu: linear 0x%llx, augmented-5.19 0x%llx",
				 (unsigned long long)seed, i, (unsigned long long)placed[0],
				 (unsigned long long)placed[3]);
	}
	for (size_t k = 0; k < NLANES; k++) {
		total_departures[k] += lanes[k].audit.departures;
		lane_stop(&lanes[k]);
	}
}

static void generate(uint64_t seed, unsigned aligned_pct, struct vmt_trace *t)
{
	struct gen_opts o;

	gen_opts_default(&o);
	o.seed = seed;
	o.events = 1500 + seed * 37 % 1500;
	o.live_target = 10 + seed * 53 % 300;
	o.snapshot = seed % 3 ? seed * 7 % 40 : 0;
	o.lo = WINDOW_LO;
	/* 16 .. 128 MiB: large areas and tight windows make some allocs fail. */
	o.hi = WINDOW_LO + (16ull << 20 << seed % 4);
	o.aligned_pct = aligned_pct;
	o.window_pct = 15;
	assert_int_equal(vmt_generate(&o, t), 0);
}

static void test_models_agree(void **state)
{
	struct vmt_trace t;

	(void)state;
	for (uint64_t seed = 1; seed <= SEEDS; seed++) {
		generate(seed, 20, &t);
		run_trace(&t, seed, false);
		vmt_trace_free(&t);
	}
	/* The audit must see what the designs are known to do. */
	assert_int_equal(total_departures[0] + total_departures[1], 0);
	assert_true(total_departures[2] > 0);
	assert_true(total_departures[4] > 0);
	printf("departures over %d traces: augmented %llu, augmented-5.19 %llu, rbtree-cache %llu\n",
	       SEEDS, (unsigned long long)total_departures[2],
	       (unsigned long long)total_departures[3], (unsigned long long)total_departures[4]);
}

static void test_page_aligned_5_19_is_lowest_fit(void **state)
{
	struct vmt_trace t;

	(void)state;
	for (uint64_t seed = 1000; seed < 1000 + SEEDS / 4; seed++) {
		generate(seed, 0, &t);
		run_trace(&t, seed, true);
		vmt_trace_free(&t);
	}
}

/* The generator is a function of its options. */
static void test_generator_is_deterministic(void **state)
{
	struct vmt_trace a, b;

	(void)state;
	generate(7, 20, &a);
	generate(7, 20, &b);
	assert_int_equal(a.nev, b.nev);
	assert_memory_equal(a.ev, b.ev, a.nev * sizeof(*a.ev));
	vmt_trace_free(&b);
	generate(8, 20, &b);
	assert_true(a.nev != b.nev || memcmp(a.ev, b.ev, a.nev * sizeof(*a.ev)));
	vmt_trace_free(&a);
	vmt_trace_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generator_is_deterministic),
		cmocka_unit_test(test_models_agree),
		cmocka_unit_test(test_page_aligned_5_19_is_lowest_fit),
	};

	return cmocka_run_group_tests_name("differential", tests, NULL, NULL);
}
