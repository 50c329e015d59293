/* SPDX-License-Identifier: MIT */
/*
 * buddy: binary buddy allocation over the window (Knowlton 1965, Knuth
 * TAOCP 2.5), the scheme of the kernel's page allocator, applied here to
 * the virtual addresses of the vmalloc window.
 *
 * Blocks are naturally aligned powers of two of pages (absolute
 * addresses).  A window that is not one such block is covered by its
 * maximal aligned blocks, lowest first; a block never merges past one of
 * them (its merged block would leave the window).  An allocation takes a
 * block of the smallest order holding max(size, align) rounded up to a
 * power of two: the rounding is internal waste (internal_waste op), and
 * walk() reports the whole block held.  Each order's free list is kept in
 * address order and the lowest block of the lowest non-empty order that
 * fits is split, halves going back to the free lists, until it has the
 * requested order; the half kept is the one holding the lowest fitting
 * address inside the request's own [vstart, vend).  A free merges the block
 * with its buddy while the buddy is free and of the same order.
 *
 * A reserved area (snapshot) at an exact address, not necessarily a power
 * of two: its range is covered by its maximal aligned blocks, and each is
 * split out of the free block that contains it; freeing the area frees
 * each of those blocks with its merges.  Reserve reports no search.
 *
 * Invariants (checked by buddy_check):
 *   - free blocks and held areas tile the window exactly, in address order;
 *   - every free block is aligned to its size and lies in its order's list;
 *   - no free block has its buddy free at the same order (unmerged);
 *   - the held and asked byte totals match the areas.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "allocator/allocator.h"
#include "allocator/ds/busy_tree.h"
#include "lib/vmmath.h"

#define ORDERS 64

struct vm_model {
	struct busy_model base;		/* held ranges: whole blocks */
	struct busy_tree asked;		/* the ranges the requests asked for */
	struct busy_tree free_list[ORDERS];	/* free blocks by order, address order */
	uint64_t held_bytes, asked_bytes, free_blocks;
};

static uint64_t block_bytes(const struct vm_model *m, unsigned order)
{
	return m->base.win.page_size << order;
}

/* The largest order of an aligned block at @a that ends by @end. */
static unsigned max_order_at(const struct vm_model *m, uint64_t a, uint64_t end)
{
	unsigned k = 0;

	while (k + 1 < ORDERS && block_bytes(m, k + 1) != 0 &&
	       !(a & (block_bytes(m, k + 1) - 1)) && vm_fits_below(a, block_bytes(m, k + 1), end))
		k++;
	return k;
}

static int free_insert(struct vm_model *m, uint64_t a, unsigned k)
{
	int ret = busy_tree_insert(&m->free_list[k], a, a + block_bytes(m, k), NULL);

	if (!ret)
		m->free_blocks++;
	return ret;
}

static void free_remove(struct vm_model *m, struct vm_busy *b, unsigned k)
{
	busy_tree_remove(&m->free_list[k], b);
	m->free_blocks--;
}

/* The free block of order @k starting at @a, or NULL. */
static struct vm_busy *free_at(struct vm_model *m, uint64_t a, unsigned k)
{
	uint64_t unused = 0;
	struct vm_busy *b = busy_tree_find(&m->free_list[k], a, &unused);

	return b && b->start == a ? b : NULL;
}

static void buddy_destroy(struct vm_model *m)
{
	if (!m)
		return;
	busy_tree_clear(&m->asked);
	for (unsigned k = 0; k < ORDERS; k++)
		busy_tree_clear(&m->free_list[k]);
	busy_model_destroy(m);
}

static int buddy_create(const struct vm_window *win, struct vm_model **out)
{
	struct vm_model *m;
	uint64_t a;
	int ret;

	ret = busy_model_create(win, sizeof(*m), out);
	if (ret)
		return ret;
	m = *out;
	for (a = win->lo; a < win->hi; a += block_bytes(m, max_order_at(m, a, win->hi))) {
		ret = free_insert(m, a, max_order_at(m, a, win->hi));
		if (ret)
			goto out;
	}
	return 0;
out:
	buddy_destroy(m);
	*out = NULL;
	return ret;
}

/*
 * Splits the free block @b of order @j (removed from its list here) down
 * to order @k around address @target, giving each unused half back to
 * its list.  Adds one to *@search per split.
 */
static int split_down(struct vm_model *m, struct vm_busy *b, unsigned j, unsigned k,
		      uint64_t target, uint64_t *search)
{
	uint64_t a = b->start;
	int ret;

	free_remove(m, b, j);
	while (j > k) {
		uint64_t half = block_bytes(m, --j);

		++*search;
		if (target < a + half) {
			ret = free_insert(m, a + half, j);
		} else {
			ret = free_insert(m, a, j);
			a += half;
		}
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Frees the block of order @k at @a, merging it with its buddy while the
 * buddy is free at the same order and the merged block stays inside the
 * window.  Adds to *@search each buddy examined and each merge.
 */
static int release_block(struct vm_model *m, uint64_t a, unsigned k, uint64_t *search)
{
	const struct vm_window *win = &m->base.win;

	while (k + 1 < ORDERS && block_bytes(m, k + 1)) {
		uint64_t size = block_bytes(m, k + 1), merged = a & ~(size - 1);
		struct vm_busy *buddy;

		if (merged < win->lo || !vm_fits_below(merged, size, win->hi))
			break;
		++*search;
		buddy = free_at(m, a ^ block_bytes(m, k), k);
		if (!buddy)
			break;
		++*search;
		free_remove(m, buddy, k);
		a = merged;
		k++;
	}
	return free_insert(m, a, k);
}

/*
 * Calls @fn on each maximal aligned block of [a, end) (the held range of
 * a reserved area, or the one block of an allocation), lowest first.
 */
static int for_each_block(struct vm_model *m, uint64_t a, uint64_t end,
			  int (*fn)(struct vm_model *m, uint64_t a, unsigned k, uint64_t *search),
			  uint64_t *search)
{
	int ret = 0;

	while (a < end && !ret) {
		unsigned k = max_order_at(m, a, end);

		ret = fn(m, a, k, search);
		a += block_bytes(m, k);
	}
	return ret;
}

/* Takes the block of order @k at @a out of the free block holding it. */
static int carve_block(struct vm_model *m, uint64_t a, unsigned k, uint64_t *search)
{
	for (unsigned j = k; j < ORDERS && block_bytes(m, j); j++) {
		struct vm_busy *b = free_at(m, a & ~(block_bytes(m, j) - 1), j);

		if (b)
			return split_down(m, b, j, k, a, search);
	}
	return -EFAULT;	/* the busy tree said the range was free */
}

static int hold(struct vm_model *m, uint64_t addr, uint64_t held, uint64_t asked)
{
	int ret = busy_tree_insert(&m->base.busy, addr, addr + held, NULL);

	if (ret)
		return ret;
	ret = busy_tree_insert(&m->asked, addr, addr + asked, NULL);
	if (ret) {
		uint64_t unused = 0;

		busy_tree_remove(&m->base.busy, busy_tree_find(&m->base.busy, addr, &unused));
		return ret;
	}
	m->held_bytes += held;
	m->asked_bytes += asked;
	return 0;
}

static int buddy_reserve(struct vm_model *m, uint64_t addr, uint64_t size)
{
	uint64_t end, unused = 0;
	int ret;

	if (addr < m->base.win.lo || !vm_fits_below(addr, size, m->base.win.hi))
		return -ERANGE;
	if (!vm_align_up(addr + size, m->base.win.page_size, &end) || end > m->base.win.hi)
		return -ERANGE;
	/* Outside the held areas every page is in a free block. */
	ret = hold(m, addr, end - addr, size);
	if (ret)
		return ret;
	return for_each_block(m, addr, end, carve_block, &unused);
}

/* The lowest address in free block @b where a block of @bytes fits in [start, end). */
static bool fit_in(const struct vm_busy *b, uint64_t bytes, uint64_t start, uint64_t end,
		   uint64_t *at)
{
	uint64_t a, stop = vm_min(b->end, end);

	if (!vm_align_up(vm_max(b->start, start), bytes, &a))
		return false;
	if (!vm_fits_below(a, bytes, stop))
		return false;
	*at = a;
	return true;
}

/*
 * Search length of alloc: the free-list heads examined (one per order
 * tried, from the request's order up), plus the free blocks examined in
 * those lists (in address order, up to the one that fits or the first
 * starting at or above the request's vend), plus one per split.  A full-window request examines one block of the first
 * non-empty order, whose blocks all fit.
 */
static int buddy_alloc(struct vm_model *m, const struct vm_request *req, uint64_t *addr,
		       uint64_t *search)
{
	const struct vm_window *win = &m->base.win;
	uint64_t start = vm_max(win->lo, req->vstart), end = vm_min(win->hi, req->vend);
	uint64_t want = vm_max(req->size, req->align);
	unsigned k = 0;
	int ret;

	*search = 0;
	while (k < ORDERS && block_bytes(m, k) && block_bytes(m, k) < want)
		k++;
	if (start >= end || k == ORDERS || !block_bytes(m, k))
		return -ENOMEM;
	for (unsigned j = k; j < ORDERS && block_bytes(m, j); j++) {
		++*search;
		for (struct rb_node *n = rb_first(&m->free_list[j].root); n; n = rb_next(n)) {
			struct vm_busy *b = busy_of(n);

			++*search;
			if (b->start >= end)	/* address order: none further fits */
				break;
			if (!fit_in(b, block_bytes(m, k), start, end, addr))
				continue;
			ret = split_down(m, b, j, k, *addr, search);
			return ret ? ret : hold(m, *addr, block_bytes(m, k), req->size);
		}
	}
	return -ENOMEM;
}

/*
 * Search length of free: for each block the area holds (one for an
 * allocation, the covering blocks of a reserved area), each buddy
 * examined plus each merge done.  The block's order is found as the
 * kernel's struct page records it, uncounted.
 */
static int buddy_free(struct vm_model *m, uint64_t addr, uint64_t *search)
{
	uint64_t unused = 0, end;
	struct vm_busy *va, *asked;

	*search = 0;
	va = busy_tree_find(&m->base.busy, addr, &unused);
	if (!va || va->start != addr)
		return -ENOENT;
	asked = busy_tree_find(&m->asked, addr, &unused);
	end = va->end;
	m->held_bytes -= end - addr;
	m->asked_bytes -= asked->end - asked->start;
	busy_tree_remove(&m->asked, asked);
	busy_tree_remove(&m->base.busy, va);
	return for_each_block(m, addr, end, release_block, search);
}

static uint64_t buddy_internal_waste(const struct vm_model *m)
{
	return m->held_bytes - m->asked_bytes;
}

/*
 * An out-of-band buddy allocator (the blocks are address space, with no
 * memory to hold links in-band): one list_head per order (16 bytes on
 * x86_64) and one node per free block or held area (list_head 16 + start
 * 8 + order 8 = 32 bytes).
 */
static uint64_t buddy_metadata_bytes(const struct vm_model *m)
{
	return ORDERS * 16 + (m->free_blocks + m->base.busy.count) * 32;
}

/* True when free blocks @a then @b, both of order @k, are buddies. */
static bool unmerged_buddies(const struct vm_model *m, const struct vm_busy *a,
			     const struct vm_busy *b, unsigned k)
{
	uint64_t pair = 2 * block_bytes(m, k);

	return pair && a->end == b->start && !(a->start & (pair - 1)) &&
	       vm_fits_below(a->start, pair, m->base.win.hi);
}

static int check_failed(char *why, size_t why_len, const char *what, uint64_t a)
{
	snprintf(why, why_len, "buddy: %s (0x%llx)", what, (unsigned long long)a);
	return -EFAULT;
}

/*
 * Walks the tiles in address order, taking at each address the held area
 * or the free block that starts there from the cursors of the held list
 * and of every non-empty free list: the walk ends at the window's end
 * with every cursor spent iff they tile the window exactly.
 */
static int buddy_check(struct vm_model *m, char *why, size_t why_len)
{
	struct rb_node *cur[ORDERS], *held = rb_first(&m->base.busy.root);
	struct rb_node *asked = rb_first(&m->asked.root);
	uint64_t at = m->base.win.lo, held_bytes = 0, asked_bytes = 0, nfree = 0;
	const struct vm_busy *prev = NULL;
	unsigned active[ORDERS], nactive = 0, prev_order = ORDERS;
	int ret;

	ret = busy_tree_check(&m->base.busy, &m->base.win, "buddy", why, why_len);
	if (ret)
		return ret;
	for (unsigned k = 0; k < ORDERS; k++)
		if ((cur[k] = rb_first(&m->free_list[k].root)))
			active[nactive++] = k;
	while (at < m->base.win.hi) {
		const struct vm_busy *t = NULL;
		unsigned k = ORDERS;

		if (held && busy_of(held)->start == at) {
			const struct vm_busy *a = asked ? busy_of(asked) : NULL;

			t = busy_of(held);
			if (!a || a->start != t->start || a->end > t->end)
				return check_failed(why, why_len, "held area without its request", at);
			held_bytes += t->end - t->start;
			asked_bytes += a->end - a->start;
			held = rb_next(held);
			asked = rb_next(asked);
		} else {
			for (unsigned i = 0; i < nactive && !t; i++)
				if (cur[active[i]] && busy_of(cur[active[i]])->start == at)
					k = active[i], t = busy_of(cur[k]);
			if (!t)
				return check_failed(why, why_len, "no block or area starts at", at);
			if (t->end - t->start != block_bytes(m, k) || (t->start & (block_bytes(m, k) - 1)))
				return check_failed(why, why_len, "free block misshapen", at);
			if (prev && prev_order == k && unmerged_buddies(m, prev, t, k))
				return check_failed(why, why_len, "free buddies left unmerged", prev->start);
			cur[k] = rb_next(cur[k]);
			nfree++;
		}
		prev = t;
		prev_order = k;
		at = t->end;
	}
	for (unsigned i = 0; i < nactive; i++)
		if (cur[active[i]])
			return check_failed(why, why_len, "free block overlaps another tile",
					    busy_of(cur[active[i]])->start);
	if (at != m->base.win.hi || held || asked || nfree != m->free_blocks ||
	    held_bytes != m->held_bytes || asked_bytes != m->asked_bytes)
		return check_failed(why, why_len, "tiles, counts or byte totals wrong", at);
	return 0;
}

const struct vm_allocator_ops vm_allocator_buddy = {
	.name = "buddy",
	.description = "binary buddy over the window, sizes rounded up to a power of two pages",
	/* As the page allocator's zone->lock: one spinlock around the free
	 * lists, the split and the merges. */
	.locking = { "zone_lock", VM_LOCK_SPINLOCK,
		     "the free-list search, the splits and the merges with buddies" },
	.notes = "A buddy allocator rounds every area up to a power-of-two block aligned to "
		 "its own size, so an area can only start at a multiple of that size, and it "
		 "takes the lowest block of the smallest free order that fits rather than the "
		 "lowest hole: a small area splits a small free block high in the window before "
		 "it would split a larger block lower down.",
	.create = buddy_create,
	.destroy = buddy_destroy,
	.reserve = buddy_reserve,
	.alloc = buddy_alloc,
	.free = buddy_free,
	.internal_waste = buddy_internal_waste,
	.metadata_bytes = buddy_metadata_bytes,
	.walk = busy_model_walk,
	.check = buddy_check,
};
