/* SPDX-License-Identifier: MIT */
/*
 * Differential test of the models on generated traces (trace/generate.h):
 * small windows, alignments by the ioremap rule and up to 1 MiB whatever
 * the size, request windows (tight ones that fail), snapshot areas, frees
 * in random order.  Every model runs every trace in lockstep
 * (tests/lockstep.h, which states which models must agree when), its
 * invariant checker after every operation (maple, lowest fit, in step with
 * augmented and linear).  Here, in addition: lowest-fit
 * models never depart, augmented-5.2 and rbtree-cache do (or the audit
 * would be shown to detect nothing), and with page alignment only
 * augmented-5.19 keeps linear's layout throughout.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "trace/generate.h"
#include "lockstep.h"

#define WINDOW_LO 0x100000000ull
#define SEEDS 40

/* Lane indices of lockstep.h. */
enum { LINEAR, RBTREE, AUGMENTED, AUGMENTED_5_2, AUGMENTED_5_19, RBTREE_CACHE, MAPLE };

static uint64_t total_departures[LOCKSTEP_LANES];

static void run_trace(const struct vmt_trace *t, uint64_t seed, bool page_aligned_only)
{
	struct vm_window w = { t->range_lo, t->range_hi, t->page_size };
	struct vmt_err err = { { 0 } };
	struct lockstep ls;
	int ret = lockstep_start(&ls, &w, t->ids.count, &err), result;

	for (size_t i = 0; !ret && i < t->nev; i++) {
		const struct vmt_event *ev = &t->ev[i];
		uint64_t addr;

		switch (ev->op) {
		case VMT_LIVE:
			ret = lockstep_reserve(&ls, ev->id, ev->va, ev->size, &result, &err);
			if (!ret && result)
				fail_msg("seed %llu event %zu: live area refused: %d",
					 (unsigned long long)seed, i, result);
			break;
		case VMT_ALLOC:
			ret = lockstep_alloc(&ls, ev->id, ev->size,
					     ev->flags & VMT_F_ALIGN ? ev->align : t->page_size,
					     ev->flags & VMT_F_VSTART ? ev->vstart : t->range_lo,
					     ev->flags & VMT_F_VEND ? ev->vend : t->range_hi,
					     &addr, &err);
			break;
		case VMT_FREE:
			ret = lockstep_free(&ls, ev->id, &err);
			break;
		}
		if (ret)
			fail_msg("seed %llu event %zu: %s", (unsigned long long)seed, i, err.msg);
	}
	if (ret)
		fail_msg("seed %llu: %s", (unsigned long long)seed, err.msg);
	/* Page alignment only: augmented-5.19 never left linear's layout. */
	if (page_aligned_only)
		assert_true(ls.lane[AUGMENTED_5_19].in_step);
	for (size_t k = 0; k < LOCKSTEP_LANES; k++)
		total_departures[k] += ls.lane[k].departures;
	lockstep_stop(&ls);
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
	/* Both rules: the kernel's (ioremap) and the stress of any alignment. */
	o.align_rule = seed % 2 ? GEN_ALIGN_ANY : GEN_ALIGN_IOREMAP;
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
	assert_int_equal(total_departures[LINEAR] + total_departures[RBTREE] +
			 total_departures[AUGMENTED] + total_departures[MAPLE], 0);
	assert_true(total_departures[AUGMENTED_5_2] > 0);
	assert_true(total_departures[RBTREE_CACHE] > 0);
	printf("departures over %d traces: augmented-5.2 %llu, augmented-5.19 %llu, rbtree-cache %llu\n",
	       SEEDS, (unsigned long long)total_departures[AUGMENTED_5_2],
	       (unsigned long long)total_departures[AUGMENTED_5_19],
	       (unsigned long long)total_departures[RBTREE_CACHE]);
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

/* Under the ioremap rule an alignment is the size without its guard page
 * rounded up to a power of two; a request that comes to a page asks none. */
static void test_generator_ioremap_rule(void **state)
{
	uint64_t aligned = 0, unaligned_rounded = 0;
	struct vmt_trace t;

	(void)state;
	generate(2, 100, &t);
	for (size_t i = 0; i < t.nev; i++) {
		const struct vmt_event *ev = &t.ev[i];
		uint64_t want = t.page_size;

		if (ev->op != VMT_ALLOC)
			continue;
		while (want < ev->size - t.page_size)
			want <<= 1;
		if (want == t.page_size) {
			assert_false(ev->flags & VMT_F_ALIGN);
			unaligned_rounded++;
			continue;
		}
		assert_true(ev->flags & VMT_F_ALIGN);
		assert_int_equal(ev->align, want);
		aligned++;
	}
	/* Both cases occur (sizes of 2 pages come to a page of alignment). */
	assert_true(aligned > 0 && unaligned_rounded > 0);
	vmt_trace_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generator_is_deterministic),
		cmocka_unit_test(test_generator_ioremap_rule),
		cmocka_unit_test(test_models_agree),
		cmocka_unit_test(test_page_aligned_5_19_is_lowest_fit),
	};

	return cmocka_run_group_tests_name("differential", tests, NULL, NULL);
}
