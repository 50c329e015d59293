/* SPDX-License-Identifier: MIT */
/*
 * The free-space index of the 5.2 vmalloc design (Uladzislau Rezki, "keep
 * track of free blocks for vmap allocation"): every free block in a
 * red-black tree ordered by address, each node augmented with
 * subtree_max_size, the largest free block in its subtree.  Blocks are
 * always fully merged: no two free blocks touch.
 *
 * Used by the `augmented` model and, as an exact lowest-fit oracle, by the
 * replay's --lowest-fit-audit and the differential test.
 */
#ifndef VMTRACE_FREE_TREE_H
#define VMTRACE_FREE_TREE_H

#include <stdbool.h>
#include <stdint.h>

#include "allocator/ds/node_pool.h"
#include "allocator/ds/rbtree_lib.h"

struct vm_busy;

struct vm_free {
	uint64_t start, end;		/* [start, end), start < end */
	uint64_t subtree_max_size;	/* largest end - start in this subtree */
	struct rb_node rb;
	/*
	 * The user's: the busy area ending at start, for a user keeping one
	 * (augmented.c, which links a new busy area beside it instead of
	 * descending the busy tree).  The tree sets it NULL in a new block
	 * but for the lower part a middle fit splits off, which inherits it.
	 */
	struct vm_busy *below;
};

struct free_tree {
	struct rb_root root;
	uint64_t lo, hi;	/* the space the blocks come from */
	uint64_t count;		/* blocks in the tree */
	struct node_pool nodes;
};

/* One free block [lo, hi) (lo < hi).  Returns 0 or -ENOMEM. */
int free_tree_init(struct free_tree *ft, uint64_t lo, uint64_t hi);
void free_tree_clear(struct free_tree *ft);

/*
 * find_vmap_lowest_match(): descends left while the left subtree holds a
 * block >= @length and vstart lies below the node, else tries the node,
 * then the right subtree, then rolls back to the ancestors, in address
 * order.  The kernel passes length = size + align - 1 (5.2 .. 5.18; 5.19
 * on above page alignment), which skips shorter blocks that would fit;
 * with length = size the search is the exact lowest fit, for every
 * alignment.  Returns the block, or NULL.
 * Adds to *@search each distinct node it reads (augmented.c's search
 * length): the root, and every child whose subtree_max_size it reads;
 * descending into such a child or rolling back to an ancestor adds nothing.
 */
struct vm_free *free_tree_kernel_match(const struct free_tree *ft, uint64_t size,
				       uint64_t align, uint64_t vstart, uint64_t length,
				       uint64_t *search);

/*
 * The exact lowest-address first fit: the lowest @align-aligned a >= vstart
 * with [a, a + size) free and a + size <= vend.  Returns 0 with *@addr set
 * and *@block (when not NULL) the free block holding it, or -ENOMEM.
 * Counts nothing: it is the oracle the models are judged against.
 */
int free_tree_lowest_fit(const struct free_tree *ft, uint64_t size, uint64_t align,
			 uint64_t vstart, uint64_t vend, uint64_t *addr,
			 const struct vm_free **block);

/*
 * Where in @va a request would start: ALIGN(max(va->start, vstart)).
 * False when that wraps or the request does not fit in @va (the kernel's
 * is_within_this_va()).
 */
bool free_block_fits(const struct vm_free *va, uint64_t size, uint64_t align,
		     uint64_t vstart, uint64_t *nva_start);

/*
 * Takes [addr, addr + size) out of @va, which holds it
 * (adjust_va_to_fit_type(): whole, left edge, right edge or middle fit).
 * Returns 0 or -ENOMEM (nothing changed).
 */
int free_tree_split(struct free_tree *ft, struct vm_free *va, uint64_t addr, uint64_t size);

/*
 * Takes [addr, addr + size) out of whichever block holds it.  Returns 0,
 * -EEXIST when no single free block holds it, or -ENOMEM.
 */
int free_tree_carve(struct free_tree *ft, uint64_t addr, uint64_t size);

/* The free block holding [addr, addr + size) whole, or NULL.  Counts nothing. */
struct vm_free *free_tree_holding(const struct free_tree *ft, uint64_t addr, uint64_t size);

/*
 * Gives [addr, addr + size) back, merging with both neighbours
 * (merge_or_add_vmap_area()).  It must not overlap a free block.  Adds to
 * *@search the nodes read while descending to the link (the neighbours
 * it merges with lie on that path).  Returns 0, -EEXIST when it overlaps
 * a free block after all (nothing changed), or -ENOMEM.
 */
int free_tree_release(struct free_tree *ft, uint64_t addr, uint64_t size, uint64_t *search);

/*
 * free_tree_release() in two steps, for a caller that descends another
 * tree at the same time (the descents' loads then overlap): the empty
 * slot where a block starting at @addr goes, reached one level per
 * free_slot_step(), then free_tree_release_at() there.  Since the block
 * overlaps no free block, its start alone decides each turn, and the
 * slot is the one a descent by [addr, addr + size) reaches.
 */
struct free_slot {
	struct rb_node **link, *parent;
	struct vm_free *prev, *next;	/* the blocks around the slot, or NULL */
};

/* The slot search begins at the root. */
void free_slot_start(struct free_tree *ft, struct free_slot *s);

/*
 * Examines the node at s->link (counting it in *@search) and moves the
 * slot below it, toward @addr.  Returns false, without counting, once
 * s->link is empty: the slot is found.
 */
static inline bool free_slot_step(struct free_slot *s, uint64_t addr, uint64_t *search)
{
	struct rb_node *n = *s->link;
	struct vm_free *va;

	if (!n)
		return false;
	va = rb_entry(n, struct vm_free, rb);
	++*search;
	s->parent = n;
	if (addr < va->start) {
		s->next = va;
		s->link = &n->left;
	} else {
		s->prev = va;
		s->link = &n->right;
	}
	return true;
}

/*
 * Gives [addr, addr + size) back at slot @s, found by free_slot_step()
 * for @addr with no change to the tree since.  Returns as
 * free_tree_release() does; on success *@block (when @block is not NULL)
 * is the free block now holding the area.
 */
int free_tree_release_at(struct free_tree *ft, const struct free_slot *s, uint64_t addr,
			 uint64_t size, struct vm_free **block);

/*
 * Red-black properties, blocks sorted, non-empty, inside [lo, hi), never
 * touching, and every subtree_max_size equal to its recomputation from
 * scratch.  Returns 0 or -EFAULT with @why prefixed by @model.
 */
int free_tree_check(const struct free_tree *ft, const char *model, char *why, size_t why_len);

static inline struct vm_free *free_of(struct rb_node *n)
{
	return n ? rb_entry(n, struct vm_free, rb) : NULL;
}

#endif /* VMTRACE_FREE_TREE_H */
