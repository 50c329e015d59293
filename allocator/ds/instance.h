/* SPDX-License-Identifier: MIT */
/*
 * The allocation every model's create op starts with: a zeroed instance,
 * refused for an empty window (allocator.h: lo < hi).
 */
#ifndef VMTRACE_INSTANCE_H
#define VMTRACE_INSTANCE_H

#include <stddef.h>

#include "allocator/allocator.h"

/*
 * A zeroed block of @size bytes for a model managing @win, or NULL with
 * *@err set: -EINVAL when win->lo >= win->hi, -ENOMEM.  The model keeps
 * its own copy of the window.
 */
void *model_instance_alloc(const struct vm_window *win, size_t size, int *err);

#endif /* VMTRACE_INSTANCE_H */
