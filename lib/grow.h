/* SPDX-License-Identifier: MIT */
/*
 * Growing an array by doubling: the one helper behind every append-only
 * array of the project (trace events and meta, snapshot areas, symbols,
 * heaps, lists), so that each keeps only its element type and first size.
 */
#ifndef VMTRACE_GROW_H
#define VMTRACE_GROW_H

#include <stddef.h>

/*
 * Makes room for element @count of @items, an array of *@cap elements of
 * @size bytes (NULL when *@cap is 0).  Returns @items itself while
 * @count < *@cap; else the array reallocated to twice *@cap (@first when
 * 0) with *@cap updated; NULL when memory runs out or the size overflows,
 * @items and *@cap then unchanged.  Precondition: @count <= *@cap, @first > 0.
 */
void *grow_array(void *items, size_t *cap, size_t count, size_t size, size_t first);

#endif /* VMTRACE_GROW_H */
