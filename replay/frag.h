/* SPDX-License-Identifier: MIT */
/*
 * Fragmentation of the main window, computed from a model's busy areas.
 *
 * Let [lo, hi) be the main window and the span end be the highest end of
 * any busy area inside it (parts of areas outside it are ignored).  Then:
 *   span          span end - lo (0 with no busy area in the window);
 *   holes         the free gaps in [lo, span end), between busy areas and
 *                 between lo and the first area;
 *   hole_bytes    their total size; largest_hole the largest one;
 *   ext_frag      1 - largest_hole / hole_bytes (0 without holes);
 *   unusable_16k  Gorman's unusable free space index for a 16 KiB request:
 *                 (hole_bytes - sum over holes of 16K * floor(h / 16K))
 *                 / hole_bytes (0 without holes).
 */
#ifndef VMTRACE_FRAG_H
#define VMTRACE_FRAG_H

#include <stdint.h>

#include "allocator/allocator.h"

#define FRAG_UNUSABLE_REQUEST (16u * 1024)

struct frag {
	uint64_t live_areas;	/* busy areas intersecting the window */
	uint64_t live_bytes;	/* their bytes inside the window */
	uint64_t span;
	uint64_t holes;
	uint64_t hole_bytes;
	uint64_t largest_hole;
	uint64_t usable_16k_bytes;	/* sum of 16K * floor(h / 16K) */
};

/* Walks @m and measures [lo, hi).  Returns 0 or the walk's error. */
int frag_measure(const struct vm_allocator_ops *ops, struct vm_model *m,
		 uint64_t lo, uint64_t hi, struct frag *out);

double frag_ext(const struct frag *f);
double frag_unusable_16k(const struct frag *f);

#endif /* VMTRACE_FRAG_H */
