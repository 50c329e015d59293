/* SPDX-License-Identifier: MIT */
/*
 * The busy map of busy_map.h: the tree models' busy tree
 * (allocator/ds/busy_tree.h) behind an interface of its own.
 */
#include <errno.h>
#include <stdlib.h>

#include "allocator/busy_map.h"
#include "allocator/ds/busy_tree.h"

struct busy_map {
	struct busy_tree tree;
};

int busy_map_create(struct busy_map **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

void busy_map_destroy(struct busy_map *bm)
{
	if (!bm)
		return;
	busy_tree_clear(&bm->tree);
	free(bm);
}

int busy_map_insert(struct busy_map *bm, uint64_t start, uint64_t end,
		    struct vm_busy **out)
{
	return busy_tree_insert(&bm->tree, start, end, out);
}

void busy_map_remove(struct busy_map *bm, struct vm_busy *range)
{
	busy_tree_remove(&bm->tree, range);
}

struct vm_busy *busy_map_find(const struct busy_map *bm, uint64_t addr, uint64_t *search)
{
	return busy_tree_find(&bm->tree, addr, search);
}

void busy_map_bounds(const struct vm_busy *range, uint64_t *start, uint64_t *end)
{
	*start = range->start;
	*end = range->end;
}
