/* SPDX-License-Identifier: MIT */
/*
 * The augmented free-block tree of Linux 5.2 on (Uladzislau Rezki,
 * "mm/vmalloc.c: keep track of free blocks for vmap allocation"), in three
 * searches:
 *
 *   augmented       the design: lowest-address first fit in O(log n) for
 *                   page-aligned requests, searched by the size itself
 *                   and exact for every alignment (a dead end climbs to
 *                   the next ancestor in address order).  The lowest-fit
 *                   models linear, rbtree and augmented agree address for
 *                   address.
 *   augmented-5.2   find_vmap_lowest_match() of 5.2 .. 5.18: prunes by
 *                   size + align - 1 for every request.
 *   augmented-5.19  the same after "mm/vmalloc: add adjust_search_size
 *                   parameter": size + align - 1 only above page alignment
 *                   (and not for an exact window).
 *
 * FREE space is indexed: free blocks in a red-black tree by address, each
 * node augmented with subtree_max_size (allocator/ds/free_tree.h).  The
 * initial free space is the model window.  An allocation takes the block
 * the search returns and splits it (whole, left edge, right edge or middle
 * fit); a free merges the area with both neighbours.  Busy areas sit in a
 * second, plain rbtree, to find an area by address on free.
 *
 * Pruning by size + align - 1 lets the kernel enter only subtrees that
 * surely hold a fit whatever its alignment, but makes it NOT exactly
 * lowest fit: a lower hole shorter than size + align - 1 that would still
 * fit (an exact-size hole, even with page alignment, in 5.2) is not
 * descended into, unless the search passes its node anyway.
 *
 * Invariants (augmented_check): both trees' red-black properties, busy
 * areas sorted and non-overlapping, free blocks sorted and never touching
 * (always merged), busy and free spans partitioning the window exactly,
 * every subtree_max_size equal to its recomputation from scratch.
 *
 * Search length: the number of distinct tree nodes the operation reads a
 * key or a subtree_max_size of (allocator.h: nodes examined).  alloc
 * counts, in the search, the root and every child whose subtree_max_size
 * is read: descending into a child already read, or rolling back to an
 * ancestor, examines no new node.  Splitting, propagation and the
 * busy-tree insertion are not counted.  free counts the busy-tree nodes
 * read to find the area and the free-tree nodes read descending to its
 * link; the neighbours it merges with lie on that path.
 */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>

#include "allocator/ds/instance.h"
#include "allocator/allocator.h"
#include "allocator/ds/busy_tree.h"
#include "allocator/ds/free_tree.h"
#include "lib/vmmath.h"

enum augmented_search {
	SEARCH_LOWEST_FIT,	/* augmented: by size, exact */
	SEARCH_ADJUST_ALWAYS,	/* augmented-5.2: by size + align - 1 */
	SEARCH_ADJUST_ABOVE_PAGE, /* augmented-5.19: adjust_search_size() */
};

struct vm_model {
	struct vm_window win;
	struct busy_tree busy;
	struct free_tree free;
	enum augmented_search search;
	const char *name;
};

static int augmented_init(const struct vm_window *win, enum augmented_search search,
			  const char *name, struct vm_model **out)
{
	struct vm_model *m;
	int ret = 0;

	m = model_instance_alloc(win, sizeof(*m), &ret);
	if (!m)
		return ret;
	m->win = *win;
	m->search = search;
	m->name = name;
	ret = free_tree_init(&m->free, win->lo, win->hi);
	if (ret) {
		free(m);
		return ret;
	}
	*out = m;
	return 0;
}

static int augmented_create(const struct vm_window *win, struct vm_model **out)
{
	return augmented_init(win, SEARCH_LOWEST_FIT, "augmented", out);
}

static int augmented_52_create(const struct vm_window *win, struct vm_model **out)
{
	return augmented_init(win, SEARCH_ADJUST_ALWAYS, "augmented-5.2", out);
}

static int augmented_519_create(const struct vm_window *win, struct vm_model **out)
{
	return augmented_init(win, SEARCH_ADJUST_ABOVE_PAGE, "augmented-5.19", out);
}

static void augmented_destroy(struct vm_model *m)
{
	if (!m)
		return;
	busy_tree_clear(&m->busy);
	free_tree_clear(&m->free);
	free(m);
}

/*
 * Takes [addr, addr + size) out of free block @va, which holds it, for the
 * new busy area @busy: what is left of @va above it now lies above @busy
 * (a lower part keeps @va's area below).  On -ENOMEM @busy is removed.
 */
static int take_from_block(struct vm_model *m, struct vm_free *va, struct vm_busy *busy)
{
	uint64_t addr = busy->start, size = busy->end - busy->start;
	bool rest_above = busy->end != va->end;
	int ret;

	ret = free_tree_split(&m->free, va, addr, size);
	if (ret) {
		busy_tree_remove(&m->busy, busy);
		return ret;
	}
	if (rest_above)
		va->below = busy;
	return 0;
}

static int augmented_reserve(struct vm_model *m, uint64_t addr, uint64_t size)
{
	struct vm_busy *busy;
	struct vm_free *va;
	int ret;

	if (addr < m->win.lo || !vm_fits_below(addr, size, m->win.hi))
		return -ERANGE;
	if (!(va = free_tree_holding(&m->free, addr, size)))
		return -EEXIST;
	ret = busy_tree_insert_after(&m->busy, va->below, addr, addr + size, &busy);
	return ret ? ret : take_from_block(m, va, busy);
}

/* The length find_vmap_lowest_match() prunes by. */
static uint64_t search_length(const struct vm_model *m, uint64_t size, uint64_t align,
			      uint64_t vstart, uint64_t vend)
{
	bool adjust = (m->search != SEARCH_LOWEST_FIT && align > m->win.page_size) ||
		(m->search == SEARCH_ADJUST_ALWAYS && align == m->win.page_size);

	if (m->search == SEARCH_ADJUST_ABOVE_PAGE && vend - vstart == size)
		adjust = false;
	/* The kernel's sum cannot wrap for real sizes; saturate here. */
	return adjust ? (size > UINT64_MAX - (align - 1) ? UINT64_MAX : size + align - 1) : size;
}

static int augmented_alloc(struct vm_model *m, const struct vm_request *req, uint64_t *addr,
			   uint64_t *search)
{
	uint64_t start = vm_max(m->win.lo, req->vstart), end = vm_min(m->win.hi, req->vend);
	uint64_t size = req->size, align = req->align, nva;
	struct vm_busy *busy;
	struct vm_free *va;
	int ret;

	*search = 0;
	if (start >= end)
		return -ENOMEM;
	va = free_tree_kernel_match(&m->free, size, align, start,
				    search_length(m, size, align, start, end), search);
	/* The vend check comes after the search, on the block it chose. */
	if (!va || !free_block_fits(va, size, align, start, &nva) ||
	    !vm_fits_below(nva, size, end))
		return -ENOMEM;
	/* The kernel descends the busy tree to link the area (uncounted);
	 * the block's area below gives the same link without the descent. */
	ret = busy_tree_insert_after(&m->busy, va->below, nva, nva + size, &busy);
	if (!ret)
		ret = take_from_block(m, va, busy);
	if (!ret)
		*addr = nva;
	return ret;
}

static int augmented_free(struct vm_model *m, uint64_t addr, uint64_t *search)
{
	struct rb_node *n = m->busy.root.node;
	struct vm_busy *va = NULL;
	struct vm_free *block;
	struct free_slot slot;
	uint64_t busy_search = 0, free_search = 0;
	bool descending = true;
	int ret;

	/*
	 * find_vmap_area() and the free tree's descent to the area's slot,
	 * a level of each in turn: they are independent, so their cache
	 * misses overlap.  The free tree's counts only once the area is found.
	 */
	*search = 0;
	free_slot_start(&m->free, &slot);
	while (n && !(va = busy_tree_find_step(&n, addr, &busy_search)))
		descending = descending && free_slot_step(&slot, addr, &free_search);
	*search = busy_search;
	if (!va || va->start != addr)
		return -ENOENT;
	while (descending && free_slot_step(&slot, addr, &free_search))
		;
	ret = free_tree_release_at(&m->free, &slot, addr, va->end - va->start, &block);
	*search += free_search;
	if (ret)
		return ret;
	/* Unless merged into the block below, the block begins where the area
	 * did: what lies below it is the area's predecessor (its ancestors
	 * are in cache from the descent). */
	if (block->start == addr)
		block->below = busy_of(rb_prev(&va->rb));
	busy_tree_remove(&m->busy, va);
	return 0;
}

static int augmented_walk(struct vm_model *m, vm_walk_fn fn, void *arg)
{
	return busy_tree_walk(&m->busy, fn, arg);
}

/*
 * Busy areas and free blocks, merged by address, must tile the window,
 * and each block's `below` must be the busy area just before it.
 */
static int check_partition(struct vm_model *m, char *why, size_t why_len)
{
	struct rb_node *b = rb_first(&m->busy.root), *f = rb_first(&m->free.root);
	struct vm_busy *last_busy = NULL;
	uint64_t at = m->win.lo;

	while (b || f) {
		struct vm_busy *bv = busy_of(b);
		struct vm_free *fv = free_of(f);

		if (bv && bv->start == at) {
			at = bv->end;
			last_busy = bv;
			b = rb_next(b);
		} else if (fv && fv->start == at) {
			if (fv->below != last_busy) {
				snprintf(why, why_len, "%s: free block 0x%llx does not point to "
					 "the busy area just below it", m->name,
					 (unsigned long long)fv->start);
				return -EFAULT;
			}
			at = fv->end;
			f = rb_next(f);
		} else {
			snprintf(why, why_len, "%s: nothing busy or free starts at 0x%llx",
				 m->name, (unsigned long long)at);
			return -EFAULT;
		}
	}
	if (at != m->win.hi) {
		snprintf(why, why_len, "%s: busy and free spans end at 0x%llx, not at the window end",
			 m->name, (unsigned long long)at);
		return -EFAULT;
	}
	return 0;
}

static int augmented_check(struct vm_model *m, char *why, size_t why_len)
{
	int ret;

	if ((ret = busy_tree_check(&m->busy, &m->win, m->name, why, why_len)) ||
	    (ret = free_tree_check(&m->free, m->name, why, why_len)))
		return ret;
	return check_partition(m, why, why_len);
}

/* 5.2 until the 2020 rework that split it: one vmap_area_lock over both trees. */
#define VMAP_AREA_LOCK_5_2 { "vmap_area_lock", VM_LOCK_SPINLOCK, \
	"the free-tree search and split, and the busy-tree insert (alloc); " \
	"the busy-tree erase and the merge into the free tree (free)" }

/*
 * One struct vmap_area per busy or free area, as laid out on x86_64
 * (include/linux/vmalloc.h): 5.2 - 5.3 had va_start, va_end,
 * subtree_max_size, flags 32, rb_node 24, list 16, purge_list 8, vm 8,
 * rcu_head 16: 104 bytes; 5.4 - 6.x folded subtree_max_size, vm and
 * purge_list into one union and dropped flags and rcu_head: 64 bytes.
 */
static uint64_t areas_bytes(const struct vm_model *m, uint64_t va_bytes)
{
	return (m->busy.count + m->free.count) * va_bytes;
}

static uint64_t augmented_52_metadata_bytes(const struct vm_model *m)
{
	return areas_bytes(m, 104);
}

static uint64_t augmented_519_metadata_bytes(const struct vm_model *m)
{
	return areas_bytes(m, 64);
}

const struct vm_allocator_ops vm_allocator_augmented = {
	.name = "augmented",
	.description = "Linux 5.2 design: free-block rbtree augmented with subtree_max_size, "
		       "searched by size for the exact lowest fit",
	.locking = VMAP_AREA_LOCK_5_2,
	/* Exact lowest fit: the layout alone decides. */
	.history_dependent = false,
	.notes = NULL,
	.create = augmented_create,
	.destroy = augmented_destroy,
	.reserve = augmented_reserve,
	.alloc = augmented_alloc,
	.free = augmented_free,
	.metadata_bytes = augmented_52_metadata_bytes,
	.walk = augmented_walk,
	.check = augmented_check,
};

const struct vm_allocator_ops vm_allocator_augmented_52 = {
	.name = "augmented-5.2",
	.description = "Linux 5.2-5.18 find_vmap_lowest_match(): the augmented free-block "
		       "rbtree searched by size + align - 1",
	.locking = VMAP_AREA_LOCK_5_2,
	/* The descent tests the blocks on its path with the exact fit, but
	 * picks the path by size + align - 1: which smaller blocks it visits
	 * depends on the tree's shape, which earlier operations set. */
	.history_dependent = true,
	.notes = "5.2's find_vmap_lowest_match() prunes every subtree whose largest free "
		 "block is shorter than size + align - 1, the length that fits the request "
		 "whatever the block's alignment. A lower block that is shorter but happens "
		 "to be aligned well enough (for page-aligned requests: any block of exactly "
		 "the size) is not descended into unless the search passes its node anyway, "
		 "so the area goes higher. Kernel stacks (20 KiB with 16 KiB alignment) make "
		 "every such allocation a candidate. (`augmented` is the same tree searched "
		 "by the size itself, climbing on when alignment defeats every block below: "
		 "exact, it departs nowhere.)",
	.create = augmented_52_create,
	.destroy = augmented_destroy,
	.reserve = augmented_reserve,
	.alloc = augmented_alloc,
	.free = augmented_free,
	.metadata_bytes = augmented_52_metadata_bytes,
	.walk = augmented_walk,
	.check = augmented_check,
};

const struct vm_allocator_ops vm_allocator_augmented_519 = {
	.name = "augmented-5.19",
	.description = "Linux 5.19+ augmented free-block rbtree, exact search length for "
		       "page-aligned requests (adjust_search_size)",
	/* Since the 2020 rework ("mm/vmalloc: rework vmap_area_lock") the free
	 * tree has its own free_vmap_area_lock, the one
	 * every allocation takes; the busy tree's vmap_area_lock (and, from
	 * 6.9, the per-node locks) are held for less and are not modelled. */
	.locking = { "free_vmap_area_lock", VM_LOCK_SPINLOCK,
		     "the free-tree search and split (alloc), the merge of the freed "
		     "block back into the free tree (free; the kernel does it at purge)" },
	/* As for augmented-5.2, for requests aligned above a page. */
	.history_dependent = true,
	.notes = "5.19's adjust_search_size makes the length the size itself for requests "
		 "aligned to a page, which removes those departures; requests aligned above "
		 "a page (kernel stacks) still prune by size + align - 1 and depart as in "
		 "5.2.",
	.create = augmented_519_create,
	.destroy = augmented_destroy,
	.reserve = augmented_reserve,
	.alloc = augmented_alloc,
	.free = augmented_free,
	.metadata_bytes = augmented_519_metadata_bytes,
	.walk = augmented_walk,
	.check = augmented_check,
};
