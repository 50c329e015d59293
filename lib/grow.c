/* SPDX-License-Identifier: MIT */
/* grow_array(): lib/grow.h. */
#include <stdint.h>
#include <stdlib.h>

#include "lib/grow.h"

void *grow_array(void *items, size_t *cap, size_t count, size_t size, size_t first)
{
	size_t more = *cap ? *cap * 2 : first;
	void *grown;

	if (count < *cap)
		return items;
	if (more < *cap || more > SIZE_MAX / size)
		return NULL;
	grown = realloc(items, more * size);
	if (grown)
		*cap = more;
	return grown;
}
