/* SPDX-License-Identifier: MIT */
/* The cache-line-aligned node pool of node_pool.h. */
#include <assert.h>
#include <stdlib.h>
#include <sys/mman.h>

/* No-ops unless built with AddressSanitizer. */
#include <sanitizer/asan_interface.h>

#include "allocator/ds/node_pool.h"

#define SLOT_BYTES 64
#define FIRST_CHUNK_BYTES 4096
#define HUGE_CHUNK_BYTES (2u << 20)

struct pool_chunk {
	struct pool_chunk *next;
	size_t bytes;
};

/* Adds a chunk (its first slot holds the chunk header). */
static int pool_grow(struct node_pool *p)
{
	size_t bytes = p->next_chunk_bytes ? p->next_chunk_bytes : FIRST_CHUNK_BYTES;
	size_t align = bytes >= HUGE_CHUNK_BYTES ? HUGE_CHUNK_BYTES : SLOT_BYTES;
	struct pool_chunk *c = aligned_alloc(align, bytes);

	if (!c)
		return -1;
	if (bytes >= HUGE_CHUNK_BYTES)
		madvise(c, bytes, MADV_HUGEPAGE);	/* advice only: no error to handle */
	c->next = p->chunks;
	c->bytes = bytes;
	p->chunks = c;
	p->unused = (char *)c + SLOT_BYTES;
	p->unused_end = (char *)c + bytes;
	ASAN_POISON_MEMORY_REGION(p->unused, p->unused_end - p->unused);
	p->next_chunk_bytes = bytes < HUGE_CHUNK_BYTES ? 2 * bytes : bytes;
	return 0;
}

void *node_pool_get(struct node_pool *p, size_t node_size)
{
	void *slot = p->free_slots;

	assert(node_size <= SLOT_BYTES);
	(void)node_size;
	if (slot) {
		ASAN_UNPOISON_MEMORY_REGION(slot, SLOT_BYTES);
		p->free_slots = *(void **)slot;
		return slot;
	}
	if (p->unused == p->unused_end && pool_grow(p))
		return NULL;
	slot = p->unused;
	p->unused += SLOT_BYTES;
	ASAN_UNPOISON_MEMORY_REGION(slot, SLOT_BYTES);
	return slot;
}

void node_pool_put(struct node_pool *p, void *node)
{
	*(void **)node = p->free_slots;
	p->free_slots = node;
	ASAN_POISON_MEMORY_REGION(node, SLOT_BYTES);
}

void node_pool_destroy(struct node_pool *p)
{
	struct pool_chunk *c = p->chunks, *next;

	for (; c; c = next) {
		next = c->next;
		/* Hand the chunk back as it was given: unpoisoned. */
		ASAN_UNPOISON_MEMORY_REGION(c, c->bytes);
		free(c);
	}
	*p = (struct node_pool){ 0 };
}
