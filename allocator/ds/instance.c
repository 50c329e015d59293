/* SPDX-License-Identifier: MIT */
/* model_instance_alloc(): allocator/ds/instance.h. */
#include <errno.h>
#include <stdlib.h>

#include "allocator/ds/instance.h"

void *model_instance_alloc(const struct vm_window *win, size_t size, int *err)
{
	void *m = win->lo < win->hi ? calloc(1, size) : NULL;

	if (!m)
		*err = win->lo < win->hi ? -ENOMEM : -EINVAL;
	return m;
}
