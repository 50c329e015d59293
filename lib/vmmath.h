/* SPDX-License-Identifier: MIT */
/* Overflow-checked address arithmetic shared by the allocator models. */
#ifndef VMTRACE_VMMATH_H
#define VMTRACE_VMMATH_H

#include <stdbool.h>
#include <stdint.h>

static inline bool vm_is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

/*
 * Rounds @x up to a multiple of @align (a power of two) into *@out.
 * Returns false, leaving *@out alone, when the result would pass 2^64.
 */
static inline bool vm_align_up(uint64_t x, uint64_t align, uint64_t *out)
{
	uint64_t r = (x + (align - 1)) & ~(align - 1);

	if (r < x)
		return false;
	*out = r;
	return true;
}

static inline uint64_t vm_max(uint64_t a, uint64_t b) { return a > b ? a : b; }
static inline uint64_t vm_min(uint64_t a, uint64_t b) { return a < b ? a : b; }

/* True when [addr, addr + size) fits below @end without wrapping. */
static inline bool vm_fits_below(uint64_t addr, uint64_t size, uint64_t end)
{
	return size <= end && addr <= end - size;
}

#endif /* VMTRACE_VMMATH_H */
