/* SPDX-License-Identifier: MIT */
/* Huge-page-backed growable arrays (bigmem.h). */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "lib/bigmem.h"

/* Below this, malloc: a huge page would mostly be waste. */
#define BIGMEM_MAPPED_FROM (2u << 20)

static size_t mapped_bytes(size_t bytes)
{
	return (bytes + BIGMEM_MAPPED_FROM - 1) & ~(size_t)(BIGMEM_MAPPED_FROM - 1);
}

static void *map_huge(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	/* Advice only: without THP the memory works the same, just slower. */
	madvise(p, bytes, MADV_HUGEPAGE);
	return p;
}

void *bigmem_resize(void *p, size_t old_bytes, size_t new_bytes)
{
	bool was_mapped = old_bytes >= BIGMEM_MAPPED_FROM;
	void *q;

	if (new_bytes < BIGMEM_MAPPED_FROM) {
		if (!was_mapped)
			return realloc(p, new_bytes ? new_bytes : 1);
		q = malloc(new_bytes ? new_bytes : 1);
		if (q) {
			memcpy(q, p, new_bytes);
			bigmem_free(p, old_bytes);
		}
		return q;
	}
	if (!was_mapped) {
		q = map_huge(mapped_bytes(new_bytes));
		if (q && old_bytes)
			memcpy(q, p, old_bytes);
		if (q)
			free(p);
		return q;
	}
	if (mapped_bytes(old_bytes) == mapped_bytes(new_bytes))
		return p;
	q = mremap(p, mapped_bytes(old_bytes), mapped_bytes(new_bytes), MREMAP_MAYMOVE);
	if (q == MAP_FAILED)
		return NULL;
	madvise(q, mapped_bytes(new_bytes), MADV_HUGEPAGE);
	return q;
}

void *bigmem_zalloc(size_t bytes)
{
	/* A fresh anonymous mapping is zero-filled. */
	return bytes < BIGMEM_MAPPED_FROM ? calloc(1, bytes ? bytes : 1) :
		map_huge(mapped_bytes(bytes));
}

void bigmem_free(void *p, size_t bytes)
{
	if (!p)
		return;
	if (bytes >= BIGMEM_MAPPED_FROM)
		munmap(p, mapped_bytes(bytes));
	else
		free(p);
}
