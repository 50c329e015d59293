/* SPDX-License-Identifier: MIT */
/*
 * The traced kernel's own address map, as the trace tells it: the areas
 * of the snapshot and the addresses (va=) the kernel chose for its
 * allocations, until their frees.  The replay engine uses it to notice a
 * trace in which the kernel placed an area over one it still had busy,
 * which a consistent trace never shows.
 *
 * An ordered set of disjoint ranges (glibc's tsearch red-black tree), so
 * insert, overlap test and remove are O(log n).
 */
#ifndef VMTRACE_KERNEL_MAP_H
#define VMTRACE_KERNEL_MAP_H

#include <stdint.h>

/* A busy range [addr, addr + size): size > 0, addr + size does not wrap. */
struct kernel_area {
	uint64_t addr;
	uint64_t size;
};

struct kernel_map {
	void *root;	/* tsearch tree of const struct kernel_area * */
};

/*
 * Adds @a, which the map keeps by pointer until it is removed: the caller
 * keeps *@a unchanged and alive meanwhile.
 * Returns 0; -EEXIST if @a overlaps an area of the map, which is left
 * unchanged, with that area in *@busy; or -ENOMEM.
 */
int kernel_map_insert(struct kernel_map *m, const struct kernel_area *a,
		      const struct kernel_area **busy);

/* Removes @a, which must be in the map (inserted by that pointer). */
void kernel_map_remove(struct kernel_map *m, const struct kernel_area *a);

/* Empties the map (the areas themselves are the caller's). */
void kernel_map_free(struct kernel_map *m);

#endif /* VMTRACE_KERNEL_MAP_H */
