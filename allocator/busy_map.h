/* SPDX-License-Identifier: MIT */
/*
 * A map of disjoint busy ranges, for code that tracks an address space
 * without running a model: the replay's copy of the traced kernel's own
 * map (va= and snapshot areas), and the benchmark floors that time one
 * busy-tree descent.  It is the busy tree of the tree models
 * (allocator/ds/busy_tree.h), behind an interface of its own so that no
 * caller outside allocator/ depends on the models' data structures.
 */
#ifndef VMTRACE_BUSY_MAP_H
#define VMTRACE_BUSY_MAP_H

#include <stdint.h>

struct busy_map;	/* opaque */
struct vm_busy;		/* one range in a map; valid until it is removed */

/* An empty map.  Returns 0 and sets *@out, or -ENOMEM. */
int busy_map_create(struct busy_map **out);

/* Frees the map and every range in it.  NULL is a no-op. */
void busy_map_destroy(struct busy_map *bm);

/*
 * Inserts [start, end) (start < end).  Returns 0 with the new range in
 * *@out, -EEXIST with the range it overlaps in *@out, or -ENOMEM.
 */
int busy_map_insert(struct busy_map *bm, uint64_t start, uint64_t end,
		    struct vm_busy **out);

/* Removes @range, which came from busy_map_insert(@bm). */
void busy_map_remove(struct busy_map *bm, struct vm_busy *range);

/*
 * The range containing @addr, found as the kernel's __find_vmap_area()
 * descends, or NULL.  Adds the number of nodes examined to *@search.
 */
struct vm_busy *busy_map_find(const struct busy_map *bm, uint64_t addr, uint64_t *search);

/* The bounds [*@start, *@end) of @range. */
void busy_map_bounds(const struct vm_busy *range, uint64_t *start, uint64_t *end);

#endif /* VMTRACE_BUSY_MAP_H */
