/* SPDX-License-Identifier: MIT */
/*
 * The busy-area index of the tree models: every busy area in a red-black
 * tree keyed by address, as vmap_area_root has been since 2.6.28.  The
 * kernel also threads the areas on an address-ordered list for walking;
 * here rb_next() plays that part (it reads no keys, so search lengths are
 * the same either way).
 */
#ifndef VMTRACE_BUSY_TREE_H
#define VMTRACE_BUSY_TREE_H

#include <stdint.h>

#include "allocator/allocator.h"
#include "allocator/ds/node_pool.h"
#include "allocator/ds/rbtree_lib.h"

struct vm_busy {
	uint64_t start, end;	/* [start, end), start < end */
	struct rb_node rb;
};

struct busy_tree {
	struct rb_root root;
	uint64_t count;
	struct node_pool nodes;
};

static inline struct vm_busy *busy_of(struct rb_node *n)
{
	return n ? rb_entry(n, struct vm_busy, rb) : NULL;
}

/*
 * Inserts busy area [start, end) (start < end).  Returns 0 with the new
 * area in *@out, -EEXIST if it overlaps an area, with that area in *@out,
 * or -ENOMEM (*@out is left alone when @out is NULL).
 */
int busy_tree_insert(struct busy_tree *bt, uint64_t start, uint64_t end,
		     struct vm_busy **out);

/*
 * Inserts busy area [start, end) right after @prev (NULL: first) in
 * address order, without a descent: the caller knows [start, end) lies
 * after @prev and before the area that follows it (a free block's
 * neighbours).  The area goes in the one empty link between the two,
 * where busy_tree_insert() would put it, so the tree takes the same shape.
 * Returns 0 with the new area in *@out, or -ENOMEM.
 */
int busy_tree_insert_after(struct busy_tree *bt, struct vm_busy *prev, uint64_t start,
			   uint64_t end, struct vm_busy **out);

/*
 * The area containing @addr, found as __find_vmap_area() does, or NULL.
 * Adds the number of nodes examined to *@search.
 */
struct vm_busy *busy_tree_find(const struct busy_tree *bt, uint64_t addr, uint64_t *search);

/*
 * One level of busy_tree_find(): examines *@n (not NULL), counting it, and
 * returns its area if that contains @addr, else moves *@n to the child
 * to descend to (NULL: not found) and returns NULL.  For callers that
 * interleave this descent with another, independent one, so that the
 * memory loads of both are in flight together.
 */
static inline struct vm_busy *busy_tree_find_step(struct rb_node **n, uint64_t addr,
						  uint64_t *search)
{
	struct vm_busy *va = busy_of(*n);

	++*search;
	if (addr < va->start)
		*n = (*n)->left;
	else if (addr >= va->end)
		*n = (*n)->right;
	else
		return va;
	return NULL;
}

/* Unlinks and frees @va. */
void busy_tree_remove(struct busy_tree *bt, struct vm_busy *va);

/* The reserve op of the allocator interface, for a model managing @win. */
int busy_tree_reserve(struct busy_tree *bt, const struct vm_window *win,
		      uint64_t addr, uint64_t size);

/* The walk op of the allocator interface. */
int busy_tree_walk(const struct busy_tree *bt, vm_walk_fn fn, void *arg);

/*
 * Red-black properties, areas sorted, non-empty, non-overlapping, inside
 * @win, and `count` right.  Returns 0 or -EFAULT with @why prefixed by @model.
 */
int busy_tree_check(const struct busy_tree *bt, const struct vm_window *win,
		    const char *model, char *why, size_t why_len);

/* Frees every area. */
void busy_tree_clear(struct busy_tree *bt);

/*
 * The start of every model whose state is a busy tree (rbtree,
 * rbtree-cache): their struct vm_model begins with a struct busy_model,
 * and the ops below serve them all.
 */
struct busy_model {
	struct vm_window win;
	struct busy_tree busy;
};

/* create: a zeroed instance of @model_size bytes managing @win. */
int busy_model_create(const struct vm_window *win, size_t model_size, struct vm_model **out);
void busy_model_destroy(struct vm_model *m);
int busy_model_reserve(struct vm_model *m, uint64_t addr, uint64_t size);
int busy_model_walk(struct vm_model *m, vm_walk_fn fn, void *arg);
/*
 * metadata_bytes of the 2.6.28 - 5.1 designs: one struct vmap_area per busy
 * area, 104 bytes on x86_64 (include/linux/vmalloc.h of 2.6.28: va_start,
 * va_end, flags 24, rb_node 24, list 16, purge_list 16, private 8,
 * rcu_head 16).
 */
uint64_t busy_model_metadata_bytes(const struct vm_model *m);

#endif /* VMTRACE_BUSY_TREE_H */
