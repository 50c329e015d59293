/* SPDX-License-Identifier: MIT */
/*
 * The augmented free-block tree of free_tree.h: its upkeep, the kernel's
 * search and the exact lowest fit.
 */
#include <errno.h>
#include <stdio.h>

#include "allocator/ds/free_tree.h"
#include "lib/vmmath.h"

static uint64_t block_size(const struct vm_free *va)
{
	return va->end - va->start;
}

static uint64_t subtree_max(const struct rb_node *n)
{
	return n ? free_of((struct rb_node *)n)->subtree_max_size : 0;
}

static uint64_t compute_max(const struct vm_free *va)
{
	return vm_max(block_size(va), vm_max(subtree_max(va->rb.left), subtree_max(va->rb.right)));
}

/* The augmentation callbacks (the kernel's RB_DECLARE_CALLBACKS_MAX). */
static void aug_propagate(struct rb_node *n, struct rb_node *stop)
{
	while (n != stop) {
		struct vm_free *va = free_of(n);
		uint64_t v = compute_max(va);

		if (v == va->subtree_max_size)
			break;
		va->subtree_max_size = v;
		n = n->parent;
	}
}

static void aug_copy(struct rb_node *old_node, struct rb_node *new_node)
{
	free_of(new_node)->subtree_max_size = free_of(old_node)->subtree_max_size;
}

static void aug_rotate(struct rb_node *old_node, struct rb_node *new_node)
{
	free_of(new_node)->subtree_max_size = free_of(old_node)->subtree_max_size;
	free_of(old_node)->subtree_max_size = compute_max(free_of(old_node));
}

static const struct rb_augment free_aug = {
	.propagate = aug_propagate,
	.copy = aug_copy,
	.rotate = aug_rotate,
};

/*
 * Links a new block where it belongs by address, in *@out when @out is
 * not NULL (tree unchanged on -ENOMEM).
 */
static int link_block(struct free_tree *ft, uint64_t start, uint64_t end, struct vm_busy *below,
		      struct rb_node *parent, struct rb_node **link, struct vm_free **out)
{
	struct vm_free *va = node_pool_get(&ft->nodes, sizeof(*va));

	if (!va)
		return -ENOMEM;
	va->start = start;
	va->end = end;
	va->below = below;
	va->subtree_max_size = 0;	/* rb_insert's propagate sets it */
	rb_insert(&ft->root, &va->rb, parent, link, &free_aug);
	ft->count++;
	if (out)
		*out = va;
	return 0;
}

void free_slot_start(struct free_tree *ft, struct free_slot *s)
{
	*s = (struct free_slot){ .link = &ft->root.node };
}

int free_tree_init(struct free_tree *ft, uint64_t lo, uint64_t hi)
{
	ft->root.node = NULL;
	ft->nodes = (struct node_pool){ 0 };
	ft->count = 0;
	ft->lo = lo;
	ft->hi = hi;
	return link_block(ft, lo, hi, NULL, NULL, &ft->root.node, NULL);
}

void free_tree_clear(struct free_tree *ft)
{
	ft->root.node = NULL;
	ft->count = 0;
	node_pool_destroy(&ft->nodes);
}

bool free_block_fits(const struct vm_free *va, uint64_t size, uint64_t align,
		     uint64_t vstart, uint64_t *nva_start)
{
	uint64_t nva;

	if (!vm_align_up(vm_max(va->start, vstart), align, &nva) ||
	    !vm_fits_below(nva, size, va->end))
		return false;
	*nva_start = nva;
	return true;
}

/* Reads a child's subtree_max_size, counting the child. */
static uint64_t read_child_max(const struct rb_node *child, uint64_t *search)
{
	if (!child)
		return 0;
	++*search;
	return subtree_max(child);
}

struct vm_free *free_tree_kernel_match(const struct free_tree *ft, uint64_t size,
				       uint64_t align, uint64_t vstart, uint64_t length,
				       uint64_t *search)
{
	struct rb_node *node = ft->root.node;
	struct vm_free *va;
	uint64_t nva;

	/* Each node counts once: the root when first made current, every
	 * other node when its subtree_max_size is first read (descending
	 * into it afterwards, or rolling back to it, reads nothing new). */
	if (node)
		++*search;
	while (node) {
		va = free_of(node);
		if (read_child_max(node->left, search) >= length && vstart < va->start) {
			node = node->left;
			continue;
		}
		if (free_block_fits(va, size, align, vstart, &nva))
			return va;
		/* No point going right unless a block there is long enough. */
		if (read_child_max(node->right, search) >= length) {
			node = node->right;
			continue;
		}
		/*
		 * Roll back to the first ancestor with a usable right subtree.
		 * Only an ancestor reached from its left child is tried: one
		 * reached from the right has been searched whole.  (The
		 * kernel tries it again and, since 5.19, shifts vstart past it
		 * for the same effect.)  With length = size + align - 1 every
		 * subtree entered holds a fit, so dead ends come from vstart
		 * alone; with length = size, alignment makes them too and the
		 * climb goes on in address order: the search stays exact.
		 */
		for (;;) {
			struct rb_node *child = node;

			if (!(node = node->parent))
				return NULL;
			if (node->right == child)
				continue;
			va = free_of(node);
			if (free_block_fits(va, size, align, vstart, &nva))
				return va;
			if (read_child_max(node->right, search) >= length && vstart <= va->start) {
				node = node->right;
				break;
			}
		}
	}
	return NULL;
}

/* In-order search of @n's subtree, pruned by subtree_max_size and vstart. */
static const struct vm_free *lowest_fit_in(const struct rb_node *n, uint64_t size,
					   uint64_t align, uint64_t vstart, uint64_t *nva)
{
	while (n) {
		const struct vm_free *va = free_of((struct rb_node *)n), *found;

		if (va->subtree_max_size < size)
			return NULL;
		/* Left blocks end before va starts: useless when va->start <= vstart. */
		if (va->start > vstart &&
		    (found = lowest_fit_in(n->left, size, align, vstart, nva)))
			return found;
		if (free_block_fits(va, size, align, vstart, nva))
			return va;
		n = n->right;
	}
	return NULL;
}

int free_tree_lowest_fit(const struct free_tree *ft, uint64_t size, uint64_t align,
			 uint64_t vstart, uint64_t vend, uint64_t *addr,
			 const struct vm_free **block)
{
	const struct vm_free *va;
	uint64_t nva;

	/* Every higher block would place higher still: the lowest decides. */
	va = lowest_fit_in(ft->root.node, size, align, vstart, &nva);
	if (!va || !vm_fits_below(nva, size, vend))
		return -ENOMEM;
	*addr = nva;
	if (block)
		*block = va;
	return 0;
}

int free_tree_split(struct free_tree *ft, struct vm_free *va, uint64_t addr, uint64_t size)
{
	uint64_t end = addr + size;
	struct rb_node **link, *parent;
	int ret;

	if (va->start == addr && va->end == end) {		/* FL_FIT_TYPE */
		rb_erase(&ft->root, &va->rb, &free_aug);
		node_pool_put(&ft->nodes, va);
		ft->count--;
		return 0;
	}
	if (va->start == addr) {				/* LE_FIT_TYPE */
		va->start = end;
	} else if (va->end == end) {				/* RE_FIT_TYPE */
		va->end = addr;
	} else {						/* NE_FIT_TYPE */
		uint64_t left_start = va->start;

		va->start = end;
		aug_propagate(&va->rb, NULL);
		/* The left part goes in the one empty slot between va and its
		 * predecessor, where a descent by address would end too. */
		parent = &va->rb;
		link = &parent->left;
		while (*link) {
			parent = *link;
			link = &parent->right;
		}
		ret = link_block(ft, left_start, addr, va->below, parent, link, NULL);
		if (ret) {
			va->start = left_start;
			aug_propagate(&va->rb, NULL);
		}
		return ret;
	}
	aug_propagate(&va->rb, NULL);
	return 0;
}

struct vm_free *free_tree_holding(const struct free_tree *ft, uint64_t addr, uint64_t size)
{
	struct rb_node *n = ft->root.node;

	while (n) {
		struct vm_free *va = free_of(n);

		if (addr < va->start)
			n = n->left;
		else if (addr >= va->end)
			n = n->right;
		else
			return vm_fits_below(addr, size, va->end) ? va : NULL;
	}
	return NULL;
}

int free_tree_carve(struct free_tree *ft, uint64_t addr, uint64_t size)
{
	struct vm_free *va = free_tree_holding(ft, addr, size);

	return va ? free_tree_split(ft, va, addr, size) : -EEXIST;
}

int free_tree_release(struct free_tree *ft, uint64_t addr, uint64_t size, uint64_t *search)
{
	struct free_slot s;

	free_slot_start(ft, &s);
	while (free_slot_step(&s, addr, search))
		;
	return free_tree_release_at(ft, &s, addr, size, NULL);
}

int free_tree_release_at(struct free_tree *ft, const struct free_slot *s, uint64_t addr,
			 uint64_t size, struct vm_free **block)
{
	uint64_t end = addr + size;
	struct vm_free *next = s->next, *prev = s->prev, *merged = NULL;

	/* The descent went by start alone: an overlap shows in a neighbour. */
	if ((prev && prev->end > addr) || (next && next->start < end))
		return -EEXIST;
	if (next && next->start == end) {
		next->start = addr;
		merged = next;
	}
	if (prev && prev->end == addr) {
		/* Unlink next before growing prev, as the kernel does. */
		if (merged) {
			end = merged->end;
			rb_erase(&ft->root, &merged->rb, &free_aug);
			node_pool_put(&ft->nodes, merged);
			ft->count--;
		}
		prev->end = end;
		merged = prev;
	}
	if (!merged)
		return link_block(ft, addr, end, NULL, s->parent, s->link, block);
	aug_propagate(&merged->rb, NULL);
	if (block)
		*block = merged;
	return 0;
}

/* Recomputes subtree maxima bottom-up; the first mismatch goes to @bad. */
static uint64_t recompute_max(const struct rb_node *n, const struct vm_free **bad)
{
	const struct vm_free *va;
	uint64_t l, r, v;

	if (!n)
		return 0;
	va = free_of((struct rb_node *)n);
	l = recompute_max(n->left, bad);
	r = recompute_max(n->right, bad);
	v = vm_max(block_size(va), vm_max(l, r));
	if (v != va->subtree_max_size && !*bad)
		*bad = va;
	return v;
}

int free_tree_check(const struct free_tree *ft, const char *model, char *why, size_t why_len)
{
	const struct vm_free *prev = NULL, *bad = NULL;
	char what[256];
	size_t count;

	if (rb_verify(&ft->root, &count, what, sizeof(what))) {
		snprintf(why, why_len, "%s: free tree: %s", model, what);
		return -EFAULT;
	}
	if (count != ft->count) {
		snprintf(why, why_len, "%s: free tree has %zu blocks, count says %llu", model,
			 count, (unsigned long long)ft->count);
		return -EFAULT;
	}
	for (struct rb_node *n = rb_first(&ft->root); n; n = rb_next(n)) {
		const struct vm_free *va = free_of(n);

		if (va->start >= va->end || va->start < ft->lo || va->end > ft->hi) {
			snprintf(why, why_len, "%s: free block 0x%llx-0x%llx empty or outside the space",
				 model, (unsigned long long)va->start, (unsigned long long)va->end);
			return -EFAULT;
		}
		if (prev && prev->end >= va->start) {
			snprintf(why, why_len, "%s: free block 0x%llx overlaps or touches 0x%llx (unmerged)",
				 model, (unsigned long long)va->start, (unsigned long long)prev->start);
			return -EFAULT;
		}
		prev = va;
	}
	recompute_max(ft->root.node, &bad);
	if (bad) {
		snprintf(why, why_len, "%s: free block 0x%llx has subtree_max_size 0x%llx, recomputed 0x%llx",
			 model, (unsigned long long)bad->start,
			 (unsigned long long)bad->subtree_max_size,
			 (unsigned long long)compute_max(bad));
		return -EFAULT;
	}
	return 0;
}
