/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <errno.h>
#include <search.h>
#include <stddef.h>

#include "kernel_map.h"

/*
 * Ranges that overlap compare equal.  The map's ranges are disjoint, so
 * this is a total order on them, and a lookup of any range finds a range
 * of the map it overlaps, if there is one.
 */
static int area_cmp(const void *pa, const void *pb)
{
	const struct kernel_area *a = pa, *b = pb;

	if (a->addr + a->size <= b->addr)
		return -1;
	if (b->addr + b->size <= a->addr)
		return 1;
	return 0;
}

int kernel_map_insert(struct kernel_map *m, const struct kernel_area *a,
		      const struct kernel_area **busy)
{
	const struct kernel_area **node = tsearch(a, &m->root, area_cmp);

	if (!node)
		return -ENOMEM;
	if (*node != a) {
		*busy = *node;
		return -EEXIST;
	}
	return 0;
}

void kernel_map_remove(struct kernel_map *m, const struct kernel_area *a)
{
	tdelete(a, &m->root, area_cmp);
}

static void keep_area(void *area)
{
	(void)area;	/* owned by the caller */
}

void kernel_map_free(struct kernel_map *m)
{
	tdestroy(m->root, keep_area);
	m->root = NULL;
}
