/* SPDX-License-Identifier: MIT */
/*
 * Fixed-size tree nodes for one tree, from chunks the pool owns.
 *
 * A replay at 100 000 live areas spends most of its time descending trees
 * whose lower levels are out of cache.  From malloc, a 48- or 56-byte node
 * starts anywhere in a 64-byte line and often spans two, so a level can
 * cost two misses; here every slot is one aligned cache line.  Chunks
 * double from 4 KiB to 2 MiB, and the 2 MiB ones are advised for huge
 * pages, which spares the TLB misses a VM makes expensive.  Slots given
 * back are reused last-in first-out.  Under AddressSanitizer a slot is
 * poisoned while it is free, so a use after release is still reported.
 *
 * A zeroed struct node_pool is an empty pool.  Not thread-safe: a pool
 * belongs to one tree, which its model's lock already serializes.
 */
#ifndef VMTRACE_NODE_POOL_H
#define VMTRACE_NODE_POOL_H

#include <stddef.h>

struct node_pool {
	void *free_slots;		/* released slots, linked through their first word */
	char *unused, *unused_end;	/* the never-used tail of the newest chunk */
	struct pool_chunk *chunks;	/* every chunk, newest first */
	size_t next_chunk_bytes;	/* 0 before the first chunk */
};

/*
 * Returns an uninitialized node of @node_size bytes (at most 64, the same
 * on every call for one pool), aligned to 64, or NULL on ENOMEM.
 */
void *node_pool_get(struct node_pool *p, size_t node_size);

/* Gives back @node, which came from node_pool_get(@p). */
void node_pool_put(struct node_pool *p, void *node);

/* Frees every chunk, and so every node; @p is an empty pool after. */
void node_pool_destroy(struct node_pool *p);

#endif /* VMTRACE_NODE_POOL_H */
