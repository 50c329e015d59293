/* SPDX-License-Identifier: MIT */
/*
 * rbtree: the vmap_area red-black tree of Linux 2.6.28 .. 2.6.38 (Nick
 * Piggin's vmalloc rewrite), alloc_vmap_area() before the free-area cache.
 *
 * Busy areas live in a red-black tree keyed by address.  An allocation
 * starts at addr = ALIGN(vstart, align), descends the tree to find the
 * first busy area that may block it, and walks forward in address order
 * (rb_next) until a hole fits: lowest-address first fit.  The descent is
 * 2.6.28's: going left, it remembers the first node (from the top) that
 * ends at or after addr and starts below addr + size; going right, it
 * remembers the node; if the remembered node ends below addr, the walk
 * starts at its successor.  2.6.28 also kept one extra guard page between
 * areas (`va_end + PAGE_SIZE`); trace sizes already hold the guard, so
 * this model adds no gap.
 *
 * Invariants (rbtree_check): the red-black properties, busy areas sorted,
 * non-empty, non-overlapping and inside the window.
 *
 * Search length: alloc counts every node the descent reads plus every
 * node the walk steps to with rb_next (each node once; none for an empty
 * tree).  free counts the nodes __find_vmap_area() reads down to the area
 * containing the address (every node on the path when there is none).
 * A failed allocation is retried by the kernel after purging lazily freed
 * areas; the model frees eagerly, the retry would repeat the same search,
 * and it is not modelled.
 */
#include <errno.h>
#include <stdlib.h>

#include "allocator/allocator.h"
#include "allocator/ds/busy_tree.h"
#include "lib/vmmath.h"

struct vm_model {
	struct busy_model b;	/* first: the busy_model ops use it */
};

static int rbtree_create(const struct vm_window *win, struct vm_model **out)
{
	return busy_model_create(win, sizeof(struct vm_model), out);
}

/* The kernel's `addr + size > va_start`, without the wrap. */
static bool reaches(uint64_t addr, uint64_t size, uint64_t va_start)
{
	return va_start < addr || va_start - addr < size;
}

/*
 * The 2.6.28 search.  Returns true with *addr_out set to where the area
 * goes (still to be checked against end by the caller), false on overflow.
 */
static bool rbtree_find_fit(struct vm_model *m, uint64_t size, uint64_t align,
			    uint64_t start, uint64_t end, uint64_t *addr_out,
			    uint64_t *search)
{
	struct rb_node *n = m->b.busy.root.node;
	struct vm_busy *first = NULL, *tmp;
	uint64_t addr;

	if (!vm_align_up(start, align, &addr))
		return false;
	*addr_out = addr;
	if (!n)
		return true;
	do {
		tmp = busy_of(n);
		++*search;
		if (tmp->end >= addr) {
			if (!first && reaches(addr, size, tmp->start))
				first = tmp;
			n = n->left;
		} else {
			first = tmp;
			n = n->right;
		}
	} while (n);
	if (!first)
		return true;
	if (first->end < addr) {
		if (!(first = busy_of(rb_next(&first->rb))))
			return true;
		++*search;
	}
	while (reaches(addr, size, first->start) && vm_fits_below(addr, size, end)) {
		if (!vm_align_up(first->end, align, &addr))
			return false;
		*addr_out = addr;
		if (!(first = busy_of(rb_next(&first->rb))))
			break;
		++*search;
	}
	return true;
}

static int rbtree_alloc(struct vm_model *m, const struct vm_request *req, uint64_t *addr,
			uint64_t *search)
{
	uint64_t start = vm_max(m->b.win.lo, req->vstart), end = vm_min(m->b.win.hi, req->vend);

	*search = 0;
	if (start >= end ||
	    !rbtree_find_fit(m, req->size, req->align, start, end, addr, search) ||
	    !vm_fits_below(*addr, req->size, end))
		return -ENOMEM;
	return busy_tree_insert(&m->b.busy, *addr, *addr + req->size, NULL);
}

static int rbtree_free(struct vm_model *m, uint64_t addr, uint64_t *search)
{
	struct vm_busy *va;

	*search = 0;
	va = busy_tree_find(&m->b.busy, addr, search);
	if (!va || va->start != addr)
		return -ENOENT;
	busy_tree_remove(&m->b.busy, va);
	return 0;
}

static int rbtree_check(struct vm_model *m, char *why, size_t why_len)
{
	return busy_tree_check(&m->b.busy, &m->b.win, "rbtree", why, why_len);
}

const struct vm_allocator_ops vm_allocator_rbtree = {
	.name = "rbtree",
	.description = "Linux 2.6.28-2.6.38 vmap_area rbtree, descent then address-order walk, "
		       "lowest-address first fit",
	/* alloc_vmap_area() searched and inserted under vmap_area_lock;
	 * __free_vmap_area() unlinked under it (the model frees eagerly). */
	.locking = { "vmap_area_lock", VM_LOCK_SPINLOCK,
		     "the tree descent and walk, and the insert or erase of the area" },
	/* Lowest-address first fit: nothing to explain. */
	.notes = NULL,
	.create = rbtree_create,
	.destroy = busy_model_destroy,
	.reserve = busy_model_reserve,
	.alloc = rbtree_alloc,
	.free = rbtree_free,
	.metadata_bytes = busy_model_metadata_bytes,
	.walk = busy_model_walk,
	.check = rbtree_check,
};
