/* SPDX-License-Identifier: MIT */
/*
 * The free tree's release (allocator/ds/free_tree.h) on a hand-worked
 * tree: it descends by the released range's start alone, so a range that
 * overlaps a free block after all (a broken precondition) must still be
 * refused from the neighbours of the slot, with the tree unchanged, and a
 * range between two blocks must merge all three, counting the nodes read.
 *
 * The tree, derived on paper from rb_insert's fix-up: [0, 0x10000) carved
 * at [0x2000, 0x3000) and then [0x6000, 0x7000) leaves M = [0x3000,
 * 0x6000) at the root, L = [0, 0x2000) its left child, R = [0x7000,
 * 0x10000) its right child (the second middle fit links M under L, red
 * under red: two rotations lift it).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "allocator/ds/free_tree.h"

static void assert_tree_valid(const struct free_tree *ft)
{
	char why[256];

	if (free_tree_check(ft, "free tree", why, sizeof(why)))
		fail_msg("%s", why);
}

static void build_tree(struct free_tree *ft)
{
	assert_int_equal(free_tree_init(ft, 0, 0x10000), 0);
	assert_int_equal(free_tree_carve(ft, 0x2000, 0x1000), 0);
	assert_int_equal(free_tree_carve(ft, 0x6000, 0x1000), 0);
	assert_tree_valid(ft);
	assert_int_equal(ft->count, 3);
	assert_int_equal(free_of(ft->root.node)->start, 0x3000);
	assert_int_equal(free_of(ft->root.node->left)->start, 0);
	assert_int_equal(free_of(ft->root.node->right)->start, 0x7000);
}

/* Ranges overlapping L (before the slot), M (after it) or R: refused. */
static void test_overlap_refused(void **state)
{
	static const uint64_t ranges[][2] = {
		{ 0x1000, 0x1000 }, { 0x2000, 0x2000 }, { 0x6000, 0x2000 },
	};
	struct free_tree ft;
	uint64_t search = 0;

	(void)state;
	build_tree(&ft);
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		assert_int_equal(free_tree_release(&ft, ranges[i][0], ranges[i][1], &search),
				 -EEXIST);
	assert_tree_valid(&ft);
	assert_int_equal(ft.count, 3);
	assert_int_equal(free_of(ft.root.node)->start, 0x3000);
	assert_int_equal(free_of(ft.root.node)->end, 0x6000);
	free_tree_clear(&ft);
}

/* [0x2000, 0x3000): left of M, right of L (2 nodes read); L, it and M merge. */
static void test_merge_both(void **state)
{
	struct free_tree ft;
	uint64_t search = 0;

	(void)state;
	build_tree(&ft);
	assert_int_equal(free_tree_release(&ft, 0x2000, 0x1000, &search), 0);
	assert_int_equal(search, 2);
	assert_tree_valid(&ft);
	assert_int_equal(ft.count, 2);
	assert_int_equal(free_of(rb_first(&ft.root))->start, 0);
	assert_int_equal(free_of(rb_first(&ft.root))->end, 0x6000);
	free_tree_clear(&ft);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overlap_refused),
		cmocka_unit_test(test_merge_both),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
