/* SPDX-License-Identifier: MIT */
/*
 * vmap-nodes (allocator/vmap_nodes.c) on hand-worked cases, one mechanism
 * each: lazy frees and the purge, the order pools give areas back, the
 * decay fraction, the node chosen by CPU, the misaligned head, the window
 * rule, the full decay on failure, the open owner of a snapshot area, and
 * follow.  Two CPUs, so two nodes; the vmalloc window is the model's
 * whole window [LO, HI).  Addresses were worked out on paper from
 * /work/research/vmap_nodes.md §3-§6; the invariant checker runs after
 * every step.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "model_expect.h"

#define LO 0x100000ull
#define HI 0x400000ull

static struct vm_model *new_nodes(uint64_t hi)
{
	struct vm_window w = { .lo = LO, .hi = hi, .page_size = PAGE, .vmalloc_lo = LO,
			       .vmalloc_hi = hi, .nr_cpus = 2 };
	struct vm_model *m = NULL;

	assert_int_equal(model_under_test->create(&w, &m), 0);
	return m;
}

/* A request in the window [vstart, vend) from @cpu: placed at @want, for @reason. */
static void expect_placed(struct vm_model *m, uint64_t size, uint64_t align, uint64_t vstart,
			  uint64_t vend, uint32_t cpu, uint64_t want, const char *reason)
{
	const struct vm_request req = { size, align, vstart, vend, cpu };
	uint64_t addr = 0, search;

	assert_int_equal(model_under_test->alloc(m, &req, &addr, &search), 0);
	assert_int_equal(addr, want);
	assert_string_equal(model_under_test->alloc_reason(m), reason);
	expect_invariants(m);
}

/* A full-window request of @pages pages, page aligned, from @cpu. */
static void expect_full(struct vm_model *m, uint64_t pages, uint32_t cpu, uint64_t hi,
			uint64_t want, const char *reason)
{
	expect_placed(m, pages * PAGE, PAGE, LO, hi, cpu, want, reason);
}

/* A purge event of @npurged areas (VM_PURGE_ALL: the trace does not say). */
static void purge_n(struct vm_model *m, bool full, uint64_t npurged)
{
	struct vm_purge p = { full, npurged };
	uint64_t search;

	assert_int_equal(model_under_test->purge(m, &p, &search), 0);
	expect_invariants(m);
}

static void purge(struct vm_model *m, bool full)
{
	purge_n(m, full, VM_PURGE_ALL);
}

/* A freed area is not reused before a purge; after it, its node's pool serves it. */
static void test_lazy_until_purge(void **state)
{
	struct vm_model *m = new_nodes(HI);
	const struct vm_request req = { 2 * PAGE, PAGE, LO, HI, 0 };
	uint64_t addr, search;

	(void)state;
	expect_full(m, 2, 0, HI, LO, "pool-miss");
	expect_full(m, 2, 0, HI, LO + 0x2000, "pool-miss");
	expect_free(m, LO, 1);
	/* Lazy: LO is neither pooled nor free. */
	expect_full(m, 2, 0, HI, LO + 0x4000, "pool-miss");
	purge(m, false);
	/* The head of node 0's 2-page pool, one head looked at. */
	assert_int_equal(model_under_test->alloc(m, &req, &addr, &search), 0);
	assert_int_equal(addr, LO);
	assert_int_equal(search, 1);
	assert_string_equal(model_under_test->alloc_reason(m), "pool-hit");
	expect_invariants(m);
	model_under_test->destroy(m);
}

/* Lazy areas are pushed in ascending order onto the head: the highest comes back first. */
static void test_pool_order(void **state)
{
	struct vm_model *m = new_nodes(HI);

	(void)state;
	for (uint64_t i = 0; i < 3; i++)
		expect_full(m, 2, 0, HI, LO + i * 0x2000, "pool-miss");
	expect_free(m, LO + 0x2000, 1);
	expect_free(m, LO, 2);
	expect_free(m, LO + 0x4000, 2);
	purge(m, false);
	expect_full(m, 2, 0, HI, LO + 0x4000, "pool-hit");
	expect_full(m, 2, 0, HI, LO + 0x2000, "pool-hit");
	expect_full(m, 2, 0, HI, LO, "pool-hit");
	/* The pool is empty: the tree's lowest fit. */
	expect_full(m, 2, 0, HI, LO + 0x6000, "pool-miss");
	model_under_test->destroy(m);
}

/* The node is the CPU modulo the node count, and an area returns to its owner's pool. */
static void test_node_by_cpu(void **state)
{
	struct vm_model *m = new_nodes(HI);

	(void)state;
	expect_full(m, 2, 0, HI, LO, "pool-miss");		/* A, node 0 */
	expect_full(m, 2, 1, HI, LO + 0x2000, "pool-miss");	/* B, node 1 */
	expect_full(m, 2, 1, HI, LO + 0x4000, "pool-miss");
	expect_free(m, LO, 2);
	expect_free(m, LO + 0x2000, 1);
	purge(m, false);
	expect_full(m, 2, 1, HI, LO + 0x2000, "pool-hit");	/* B from node 1 */
	/* CPU 3 is node 1, whose pool is now empty; A waits in node 0's. */
	expect_full(m, 2, 3, HI, LO + 0x6000, "pool-miss");
	expect_full(m, 2, 2, HI, LO, "pool-hit");		/* CPU 2: node 0 */
	model_under_test->destroy(m);
}

/* A purge decays floor(len / 4) from each pool's head; a pool of fewer than 4 stays. */
static void test_decay_fraction(void **state)
{
	struct vm_model *m = new_nodes(HI);

	(void)state;
	for (uint64_t i = 0; i < 5; i++)
		expect_full(m, 1, 0, HI, LO + i * PAGE, "pool-miss");
	/* The address tree: A1 (A0, A3 (A2, A4)); each free reads the path. */
	static const uint64_t path[5] = { 2, 1, 3, 2, 3 };

	for (uint64_t i = 0; i < 5; i++)
		expect_free(m, LO + i * PAGE, path[i]);
	purge(m, false);	/* pool: A4 A3 A2 A1 A0 */
	purge(m, false);	/* 5 / 4 = 1 decayed from the head: A4 to the tree */
	/* A window of its own searches the tree only: A4 is its lowest fit. */
	expect_placed(m, PAGE, PAGE, LO, HI - PAGE, 0, LO + 0x4000, "tree");
	purge(m, false);	/* 4 / 4 = 1: A3 */
	purge(m, false);	/* 3 left: untouched */
	expect_placed(m, PAGE, PAGE, LO, HI - PAGE, 0, LO + 0x3000, "tree");
	expect_full(m, 1, 0, HI, LO + 0x2000, "pool-hit");
	model_under_test->destroy(m);
}

/* A misaligned head moves to the tail and the request misses to the tree. */
static void test_misaligned_head(void **state)
{
	struct vm_model *m = new_nodes(HI);
	const struct vm_request stack = { 5 * PAGE, 0x4000, LO, HI, 0 };
	uint64_t addr, search;

	(void)state;
	expect_full(m, 5, 0, HI, LO, "pool-miss");		/* A */
	expect_full(m, 5, 0, HI, LO + 0x5000, "pool-miss");	/* B */
	expect_free(m, LO, 1);
	expect_free(m, LO + 0x5000, 2);
	purge(m, false);	/* pool: B A */
	/* B (0x105000) is not 16 KiB aligned: rotated; the tree's one block
	 * [0x10a000, HI) gives 0x10c000.  One head and one tree node read. */
	assert_int_equal(model_under_test->alloc(m, &stack, &addr, &search), 0);
	assert_int_equal(addr, LO + 0xc000);
	assert_int_equal(search, 2);
	assert_string_equal(model_under_test->alloc_reason(m), "pool-miss");
	expect_invariants(m);
	/* The pool is now A B. */
	expect_placed(m, 5 * PAGE, 0x4000, LO, HI, 0, LO, "pool-hit");
	expect_full(m, 5, 0, HI, LO + 0x5000, "pool-hit");
	model_under_test->destroy(m);
}

/* A request with a window of its own bypasses the pools and owns no node. */
static void test_window_bypasses_pools(void **state)
{
	struct vm_model *m = new_nodes(HI);

	(void)state;
	expect_full(m, 2, 0, HI, LO, "pool-miss");
	expect_free(m, LO, 1);
	purge(m, false);	/* LO in node 0's pool */
	expect_placed(m, 2 * PAGE, PAGE, LO, HI - PAGE, 0, LO + 0x2000, "tree");
	expect_free(m, LO + 0x2000, 2);
	purge(m, false);	/* no owner: back to the tree */
	expect_full(m, 2, 1, HI, LO + 0x2000, "pool-miss");
	expect_full(m, 2, 0, HI, LO, "pool-hit");
	model_under_test->destroy(m);
}

/*
 * At page alignment the tree is searched by the size alone (5.19's
 * adjust_search_size()): an exact-size block below a larger one is
 * entered.  The free tree after A's purge: root [LO + 0x3000, HI) with
 * left child [LO, LO + 0x2000), whose subtree_max_size 0x2000 would not
 * pass a search by size + page - 1.
 */
static void test_exact_block_page_aligned(void **state)
{
	struct vm_model *m = new_nodes(HI);
	uint64_t search;

	(void)state;
	expect_placed(m, 2 * PAGE, PAGE, LO, HI - PAGE, 0, LO, "tree");		/* A */
	expect_placed(m, PAGE, PAGE, LO, HI - PAGE, 0, LO + 0x2000, "tree");	/* B */
	assert_int_equal(model_under_test->free(m, LO, &search), 0);
	purge(m, false);	/* A, owned by no node, goes back to the tree */
	expect_placed(m, 2 * PAGE, PAGE, LO, HI - PAGE, 0, LO, "tree");
	model_under_test->destroy(m);
}

/* No room: every pool and lazy area goes back to the tree, and the tree is searched again. */
static void test_full_decay_on_failure(void **state)
{
	uint64_t hi = LO + 0x8000;
	struct vm_model *m = new_nodes(hi);

	(void)state;
	for (uint64_t i = 0; i < 4; i++)
		expect_full(m, 2, 0, hi, LO + i * 0x2000, "pool-miss");
	expect_free(m, LO, 2);
	expect_free(m, LO + 0x2000, 1);
	purge(m, false);			/* both pooled */
	expect_free(m, LO + 0x4000, 2);		/* lazy */
	expect_full(m, 6, 0, hi, LO, "pool-miss");
	expect_free(m, LO, 2);
	expect_free(m, LO + 0x6000, 1);
	purge(m, true);				/* a full decay pools nothing */
	expect_full(m, 2, 0, hi, LO, "pool-miss");
	model_under_test->destroy(m);
}

/* A snapshot area's owner is open: it waits in every pool, the first node to take it settles it. */
static void test_open_owner(void **state)
{
	struct vm_model *m = new_nodes(HI);

	(void)state;
	assert_int_equal(model_under_test->reserve(m, LO, 2 * PAGE), 0);
	expect_free(m, LO, 1);
	purge(m, false);
	expect_full(m, 2, 1, HI, LO, "pool-hit");
	expect_full(m, 2, 0, HI, LO + 0x2000, "pool-miss");
	model_under_test->destroy(m);
}

/* follow undoes a pool hit exactly and takes the kernel's range from the tree. */
static void test_follow(void **state)
{
	struct vm_model *m = new_nodes(HI);
	const struct vm_request req = { 2 * PAGE, PAGE, LO, HI, 0 };

	(void)state;
	expect_full(m, 2, 0, HI, LO, "pool-miss");
	expect_full(m, 2, 0, HI, LO + 0x2000, "pool-miss");
	expect_free(m, LO, 1);
	expect_free(m, LO + 0x2000, 2);
	purge(m, false);				/* pool: LO+0x2000, LO */
	expect_full(m, 2, 0, HI, LO + 0x2000, "pool-hit");
	/* The kernel chose LO + 0x8000: the head goes back where it was. */
	assert_int_equal(model_under_test->follow(m, &req, LO + 0x2000, LO + 0x8000), 0);
	expect_invariants(m);
	expect_full(m, 2, 0, HI, LO + 0x2000, "pool-hit");
	/* A busy range cannot be followed: the model keeps its own. */
	expect_full(m, 2, 0, HI, LO, "pool-hit");
	assert_int_equal(model_under_test->follow(m, &req, LO, LO + 0x8000), -EEXIST);
	expect_invariants(m);
	expect_full(m, 2, 0, HI, LO + 0x4000, "pool-miss");
	model_under_test->destroy(m);
}

/* A purge event with n= purges the n earliest-freed lazy areas; later frees stay lazy. */
static void test_purge_n_earliest(void **state)
{
	struct vm_model *m = new_nodes(HI);

	(void)state;
	expect_full(m, 2, 0, HI, LO, "pool-miss");		/* A */
	expect_full(m, 2, 0, HI, LO + 0x2000, "pool-miss");	/* B */
	expect_full(m, 2, 0, HI, LO + 0x4000, "pool-miss");	/* C; tree: B over A, C */
	expect_free(m, LO + 0x4000, 2);
	expect_free(m, LO, 2);
	expect_free(m, LO + 0x2000, 1);
	purge_n(m, false, 2);	/* C and A, pushed A then C: pool C, A; B lazy */
	expect_full(m, 2, 0, HI, LO + 0x4000, "pool-hit");
	expect_full(m, 2, 0, HI, LO, "pool-hit");
	expect_full(m, 2, 0, HI, LO + 0x6000, "pool-miss");	/* B still lazy */
	purge_n(m, false, 1);
	expect_full(m, 2, 0, HI, LO + 0x2000, "pool-hit");
	model_under_test->destroy(m);
}

/*
 * The kernel reuses a range the model holds lazy: its purge ran before the
 * event (traced at the end of __purge_vmap_area_lazy()).  follow purges
 * then, and the event finds nothing more to purge: a free in between
 * stays lazy for the next purge.
 */
static void test_follow_reveals_purge(void **state)
{
	struct vm_model *m = new_nodes(HI);
	const struct vm_request req = { 2 * PAGE, PAGE, LO, HI, 0 };

	(void)state;
	expect_full(m, 2, 0, HI, LO, "pool-miss");		/* A */
	expect_full(m, 2, 0, HI, LO + 0x2000, "pool-miss");	/* B; tree: A over B */
	expect_free(m, LO, 1);
	expect_full(m, 2, 0, HI, LO + 0x4000, "pool-miss");	/* A is lazy */
	/* The kernel purged A into node 0's pool and took it from there. */
	assert_int_equal(model_under_test->follow(m, &req, LO + 0x4000, LO), 0);
	expect_invariants(m);
	expect_free(m, LO + 0x2000, 1);	/* after the kernel's detach: lazy */
	purge_n(m, false, 1);		/* the event of that purge: A, done */
	expect_full(m, 2, 0, HI, LO + 0x4000, "pool-miss");	/* B still lazy */
	purge_n(m, false, 1);
	expect_full(m, 2, 0, HI, LO + 0x2000, "pool-hit");
	model_under_test->destroy(m);
}

/* An open-owner head a node's kernel did not take leaves that node's pool: one miss. */
static void test_open_head_refused(void **state)
{
	struct vm_model *m = new_nodes(HI);
	const struct vm_request req = { 2 * PAGE, PAGE, LO, HI, 1 };

	(void)state;
	assert_int_equal(model_under_test->reserve(m, LO, 2 * PAGE), 0);
	expect_free(m, LO, 1);
	purge(m, false);				/* LO waits in both pools */
	expect_full(m, 2, 1, HI, LO, "pool-hit");
	/* Node 1's kernel took LO + 0x2000 from the tree: LO was node 0's. */
	assert_int_equal(model_under_test->follow(m, &req, LO, LO + 0x2000), 0);
	expect_invariants(m);
	expect_full(m, 2, 1, HI, LO + 0x4000, "pool-miss");
	expect_full(m, 2, 0, HI, LO, "pool-hit");
	model_under_test->destroy(m);
}

/* The kernel took an area below the model's pool head: the areas above it go to the tail. */
static void test_follow_demotes_above(void **state)
{
	struct vm_model *m = new_nodes(HI);
	const struct vm_request req = { 2 * PAGE, PAGE, LO, HI, 0 };

	(void)state;
	expect_full(m, 2, 0, HI, LO, "pool-miss");		/* A */
	expect_full(m, 2, 0, HI, LO + 0x2000, "pool-miss");	/* B */
	expect_full(m, 2, 0, HI, LO + 0x4000, "pool-miss");	/* C */
	expect_full(m, 2, 0, HI, LO + 0x6000, "pool-miss");	/* D; tree: B over A, C; D under C */
	expect_free(m, LO, 2);
	expect_free(m, LO + 0x2000, 1);
	expect_free(m, LO + 0x4000, 2);
	expect_free(m, LO + 0x6000, 3);
	purge(m, false);				/* pool: D C B A */
	expect_full(m, 2, 0, HI, LO + 0x6000, "pool-hit");
	/* The kernel's head was B: D and C go after A. */
	assert_int_equal(model_under_test->follow(m, &req, LO + 0x6000, LO + 0x2000), 0);
	expect_invariants(m);
	expect_full(m, 2, 0, HI, LO, "pool-hit");
	expect_full(m, 2, 0, HI, LO + 0x6000, "pool-hit");
	expect_full(m, 2, 0, HI, LO + 0x4000, "pool-hit");
	model_under_test->destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lazy_until_purge),
		cmocka_unit_test(test_pool_order),
		cmocka_unit_test(test_node_by_cpu),
		cmocka_unit_test(test_decay_fraction),
		cmocka_unit_test(test_misaligned_head),
		cmocka_unit_test(test_window_bypasses_pools),
		cmocka_unit_test(test_exact_block_page_aligned),
		cmocka_unit_test(test_full_decay_on_failure),
		cmocka_unit_test(test_open_owner),
		cmocka_unit_test(test_follow),
		cmocka_unit_test(test_purge_n_earliest),
		cmocka_unit_test(test_follow_reveals_purge),
		cmocka_unit_test(test_open_head_refused),
		cmocka_unit_test(test_follow_demotes_above),
	};

	model_under_test = vm_allocator_find("vmap-nodes");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
