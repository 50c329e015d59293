/* SPDX-License-Identifier: MIT */
/* The registry of allocator models: the only place that names them all. */
#include <string.h>

#include "allocator/allocator.h"

extern const struct vm_allocator_ops vm_allocator_linear;
extern const struct vm_allocator_ops vm_allocator_rbtree;
extern const struct vm_allocator_ops vm_allocator_rbtree_cache;
extern const struct vm_allocator_ops vm_allocator_augmented;
extern const struct vm_allocator_ops vm_allocator_augmented_52;
extern const struct vm_allocator_ops vm_allocator_augmented_519;
extern const struct vm_allocator_ops vm_allocator_vmap_nodes;
extern const struct vm_allocator_ops vm_allocator_vmem_instant;
extern const struct vm_allocator_ops vm_allocator_vmem_best;
extern const struct vm_allocator_ops vm_allocator_vmem_next;
extern const struct vm_allocator_ops vm_allocator_bitmap;
extern const struct vm_allocator_ops vm_allocator_buddy;
extern const struct vm_allocator_ops vm_allocator_maple;
extern const struct vm_allocator_ops vm_allocator_jemalloc;

const struct vm_allocator_ops *const vm_allocators[] = {
	&vm_allocator_linear,
	&vm_allocator_rbtree,
	&vm_allocator_rbtree_cache,
	&vm_allocator_augmented,
	&vm_allocator_augmented_52,
	&vm_allocator_augmented_519,
	&vm_allocator_vmap_nodes,
	&vm_allocator_vmem_instant,
	&vm_allocator_vmem_best,
	&vm_allocator_vmem_next,
	&vm_allocator_bitmap,
	&vm_allocator_buddy,
	&vm_allocator_maple,
	&vm_allocator_jemalloc,
};

const size_t vm_allocator_count = sizeof(vm_allocators) / sizeof(vm_allocators[0]);

const struct vm_allocator_ops *vm_allocator_find(const char *name)
{
	for (size_t i = 0; i < vm_allocator_count; i++)
		if (!strcmp(vm_allocators[i]->name, name))
			return vm_allocators[i];
	return NULL;
}
