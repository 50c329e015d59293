/* SPDX-License-Identifier: MIT */
/*
 * rbtree-cache: the vmap_area rbtree with the free-area cache of Linux
 * 2.6.39 .. 5.1 (Nick Piggin's "vmap area cache", reworked by Hugh
 * Dickins; alloc_vmap_area() and __free_vmap_area() of those releases).
 *
 * State besides the busy tree, as in mm/vmalloc.c:
 *   free_vmap_cache   the area to resume the walk after (the last one
 *                     allocated, moved back by frees), or NULL;
 *   cached_hole_size  the largest hole the walks have passed below it;
 *   cached_vstart, cached_align   the last request's vstart and align.
 *
 * alloc: when there is no cache, or size < cached_hole_size, or vstart <
 * cached_vstart, or align < cached_align, the cache is dropped and
 * cached_hole_size reset to 0; then cached_vstart and cached_align take
 * the request's values.  With a cache, addr = ALIGN(cache end) (if that
 * is below vstart, the cache is dropped as above and the search starts
 * over); without, addr = ALIGN(vstart) and a find_vma()-style descent
 * finds the first area ending at or after addr.  The walk then steps
 * forward while the hole before the current area is too small, recording
 * in cached_hole_size every hole (from the aligned addr) larger than it.
 * A successful allocation becomes the cache.  So the search resumes above
 * the last allocation and is NOT lowest-address first fit: a hole below
 * the cache that the walks never passed, or one of exactly
 * cached_hole_size bytes (the test is `<`), is skipped.
 *
 * free (__free_vmap_area): if the freed area ends below cached_vstart the
 * cache is dropped; else if it starts at or below the cached area the
 * cache moves to the area before it (NULL if none).  cached_hole_size and
 * cached_align are left alone, as the kernel comment admits.
 *
 * Invariants (cache_check): those of the busy tree, the cached area is
 * in the tree, cached_align is 0 (never set) or a power of two >= the
 * page size, cached_vstart is 0 or inside the window, cached_hole_size is
 * below the window size.
 *
 * Search length: alloc counts the cached area when the search starts from
 * it, every node the descent reads when it starts from the root, and every
 * node the walk steps to with rb_next (a restart after `addr < vstart`
 * counts both).  free counts the nodes __find_vmap_area() reads; the cache
 * fix-up is not counted.  The kernel's retry after a failed search (once
 * lazily freed areas are purged) is not modelled: the model frees eagerly
 * and the retry would repeat the same walk with the same cache state.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "allocator/allocator.h"
#include "allocator/ds/busy_tree.h"
#include "lib/vmmath.h"

struct vm_model {
	struct busy_model b;	/* first: the busy_model ops use it */
	struct vm_busy *free_vmap_cache;
	uint64_t cached_hole_size;
	uint64_t cached_vstart;
	uint64_t cached_align;
};

static int cache_create(const struct vm_window *win, struct vm_model **out)
{
	return busy_model_create(win, sizeof(struct vm_model), out);
}

/* find_vma()-style: the lowest area ending at or after addr, or NULL. */
static struct vm_busy *first_reaching(struct vm_model *m, uint64_t addr, uint64_t *search)
{
	struct rb_node *n = m->b.busy.root.node;
	struct vm_busy *first = NULL;

	while (n) {
		struct vm_busy *tmp = busy_of(n);

		++*search;
		if (tmp->end >= addr) {
			first = tmp;
			if (tmp->start <= addr)
				break;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return first;
}

/* The kernel's `addr + size < addr`: the area would pass 2^64. */
static bool wraps(uint64_t addr, uint64_t size)
{
	return size > UINT64_MAX - addr;
}

/*
 * The search of alloc_vmap_area(), cache updates included.  Returns true
 * with *addr_out set (the caller checks it against end), false on overflow.
 */
static bool cache_find_fit(struct vm_model *m, uint64_t size, uint64_t align,
			   uint64_t vstart, uint64_t vend, uint64_t *addr_out,
			   uint64_t *search)
{
	struct vm_busy *first = NULL;
	uint64_t addr;

	if (!m->free_vmap_cache || size < m->cached_hole_size ||
	    vstart < m->cached_vstart || align < m->cached_align)
		m->free_vmap_cache = NULL;
	for (;;) {
		if (!m->free_vmap_cache)
			m->cached_hole_size = 0;
		m->cached_vstart = vstart;
		m->cached_align = align;
		if (!m->free_vmap_cache)
			break;
		first = m->free_vmap_cache;
		++*search;
		if (!vm_align_up(first->end, align, &addr))
			return false;
		if (addr >= vstart)
			break;
		m->free_vmap_cache = NULL;	/* the kernel's `goto nocache` */
	}
	if (!m->free_vmap_cache) {
		if (!vm_align_up(vstart, align, &addr))
			return false;
		first = first_reaching(m, addr, search);
	}
	if (wraps(addr, size))
		return false;
	*addr_out = addr;
	while (first && (first->start < addr || first->start - addr < size) &&
	       vm_fits_below(addr, size, vend)) {
		if (first->start > addr && first->start - addr > m->cached_hole_size)
			m->cached_hole_size = first->start - addr;
		if (!vm_align_up(first->end, align, &addr) || wraps(addr, size))
			return false;
		*addr_out = addr;
		first = busy_of(rb_next(&first->rb));
		if (first)
			++*search;
	}
	return true;
}

static int cache_alloc(struct vm_model *m, const struct vm_request *req, uint64_t *addr,
		       uint64_t *search)
{
	uint64_t start = vm_max(m->b.win.lo, req->vstart), end = vm_min(m->b.win.hi, req->vend);
	struct vm_busy *va;
	int ret;

	*search = 0;
	if (start >= end ||
	    !cache_find_fit(m, req->size, req->align, start, end, addr, search) ||
	    !vm_fits_below(*addr, req->size, end))
		return -ENOMEM;
	ret = busy_tree_insert(&m->b.busy, *addr, *addr + req->size, &va);
	if (!ret)
		m->free_vmap_cache = va;
	return ret;
}

static int cache_free(struct vm_model *m, uint64_t addr, uint64_t *search)
{
	struct vm_busy *va;

	*search = 0;
	va = busy_tree_find(&m->b.busy, addr, search);
	if (!va || va->start != addr)
		return -ENOENT;
	if (m->free_vmap_cache) {
		if (va->end < m->cached_vstart)
			m->free_vmap_cache = NULL;
		else if (va->start <= m->free_vmap_cache->start)
			m->free_vmap_cache = busy_of(rb_prev(&va->rb));
	}
	busy_tree_remove(&m->b.busy, va);
	return 0;
}

static int cache_check(struct vm_model *m, char *why, size_t why_len)
{
	uint64_t search = 0;
	int ret;

	ret = busy_tree_check(&m->b.busy, &m->b.win, "rbtree-cache", why, why_len);
	if (ret)
		return ret;
	if (m->free_vmap_cache &&
	    busy_tree_find(&m->b.busy, m->free_vmap_cache->start, &search) != m->free_vmap_cache) {
		snprintf(why, why_len, "rbtree-cache: free_vmap_cache 0x%llx is not in the tree",
			 (unsigned long long)m->free_vmap_cache->start);
		return -EFAULT;
	}
	if (m->cached_align &&
	    (!vm_is_pow2(m->cached_align) || m->cached_align < m->b.win.page_size)) {
		snprintf(why, why_len, "rbtree-cache: cached_align 0x%llx is not a power of two >= page",
			 (unsigned long long)m->cached_align);
		return -EFAULT;
	}
	if (m->cached_vstart && (m->cached_vstart < m->b.win.lo || m->cached_vstart >= m->b.win.hi)) {
		snprintf(why, why_len, "rbtree-cache: cached_vstart 0x%llx outside the window",
			 (unsigned long long)m->cached_vstart);
		return -EFAULT;
	}
	if (m->cached_hole_size >= m->b.win.hi - m->b.win.lo) {
		snprintf(why, why_len, "rbtree-cache: cached_hole_size 0x%llx not below the window size",
			 (unsigned long long)m->cached_hole_size);
		return -EFAULT;
	}
	return 0;
}

const struct vm_allocator_ops vm_allocator_rbtree_cache = {
	.name = "rbtree-cache",
	.description = "Linux 2.6.39-5.1 vmap_area rbtree with the free_vmap_cache / "
		       "cached_hole_size search cache (not lowest fit)",
	/* The cache fields were protected by the same vmap_area_lock. */
	.locking = { "vmap_area_lock", VM_LOCK_SPINLOCK,
		     "the cached or full walk, the cache update, and the insert or erase" },
	/* free_vmap_cache and cached_hole_size are left by earlier operations. */
	.history_dependent = true,
	.notes = "The free-area cache (2.6.39-5.1) resumes the search after the last "
		 "allocation (free_vmap_cache) instead of from the lowest address. It falls "
		 "back to a full search only when the request is smaller than the largest "
		 "hole the cached walks passed (size < cached_hole_size), starts below "
		 "cached_vstart, or asks for less alignment than cached_align. So a hole "
		 "that opens below the cached node, by a free the cache did not move back "
		 "over, or one the walk never measured, is skipped by a request that fits "
		 "it: the area goes higher than lowest fit. A free at or below the cached "
		 "area moves the cache back without resetting cached_hole_size or "
		 "cached_align (as the kernel's own comment admits), so a later request can "
		 "also resume from a point chosen for an earlier, different one.",
	.create = cache_create,
	.destroy = busy_model_destroy,
	.reserve = busy_model_reserve,
	.alloc = cache_alloc,
	.free = cache_free,
	.metadata_bytes = busy_model_metadata_bytes,
	.walk = busy_model_walk,
	.check = cache_check,
};
