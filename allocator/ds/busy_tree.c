/* SPDX-License-Identifier: MIT */
/*
 * The busy-area tree of busy_tree.h, and the busy_model that the tree
 * models begin with.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "allocator/ds/instance.h"
#include "allocator/ds/busy_tree.h"
#include "lib/vmmath.h"

/* Links a new area [start, end) at *@link, a child of @parent. */
static int link_area(struct busy_tree *bt, uint64_t start, uint64_t end,
		     struct rb_node *parent, struct rb_node **link, struct vm_busy **out)
{
	struct vm_busy *va = node_pool_get(&bt->nodes, sizeof(*va));

	if (!va)
		return -ENOMEM;
	va->start = start;
	va->end = end;
	rb_insert(&bt->root, &va->rb, parent, link, NULL);
	bt->count++;
	if (out)
		*out = va;
	return 0;
}

int busy_tree_insert(struct busy_tree *bt, uint64_t start, uint64_t end,
		     struct vm_busy **out)
{
	struct rb_node **link = &bt->root.node, *parent = NULL;

	while (*link) {
		struct vm_busy *tmp = busy_of(*link);

		parent = *link;
		if (end <= tmp->start)
			link = &parent->left;
		else if (start >= tmp->end)
			link = &parent->right;
		else
			goto overlap;
	}
	return link_area(bt, start, end, parent, link, out);
overlap:
	if (out)
		*out = busy_of(*link);
	return -EEXIST;
}

int busy_tree_insert_after(struct busy_tree *bt, struct vm_busy *prev, uint64_t start,
			   uint64_t end, struct vm_busy **out)
{
	struct rb_node **link, *parent = NULL;

	/* The gap after prev is its empty right link, or else the empty
	 * left link of its successor, the lowest node of its right subtree
	 * (of the whole tree when there is no prev). */
	if (prev && !prev->rb.right)
		return link_area(bt, start, end, &prev->rb, &prev->rb.right, out);
	link = prev ? &prev->rb.right : &bt->root.node;
	while (*link) {
		parent = *link;
		link = &parent->left;
	}
	return link_area(bt, start, end, parent, link, out);
}

struct vm_busy *busy_tree_find(const struct busy_tree *bt, uint64_t addr, uint64_t *search)
{
	struct rb_node *n = bt->root.node;
	struct vm_busy *va = NULL;

	while (n && !(va = busy_tree_find_step(&n, addr, search)))
		;
	return va;
}

void busy_tree_remove(struct busy_tree *bt, struct vm_busy *va)
{
	rb_erase(&bt->root, &va->rb, NULL);
	bt->count--;
	node_pool_put(&bt->nodes, va);
}

int busy_tree_reserve(struct busy_tree *bt, const struct vm_window *win,
		      uint64_t addr, uint64_t size)
{
	if (addr < win->lo || !vm_fits_below(addr, size, win->hi))
		return -ERANGE;
	return busy_tree_insert(bt, addr, addr + size, NULL);
}

int busy_tree_walk(const struct busy_tree *bt, vm_walk_fn fn, void *arg)
{
	int ret;

	for (struct rb_node *n = rb_first(&bt->root); n; n = rb_next(n)) {
		struct vm_busy *va = busy_of(n);

		ret = fn(arg, va->start, va->end - va->start);
		if (ret)
			return ret;
	}
	return 0;
}

int busy_tree_check(const struct busy_tree *bt, const struct vm_window *win,
		    const char *model, char *why, size_t why_len)
{
	const struct vm_busy *prev = NULL;
	char what[256];
	size_t count;

	if (rb_verify(&bt->root, &count, what, sizeof(what))) {
		snprintf(why, why_len, "%s: busy tree: %s", model, what);
		return -EFAULT;
	}
	for (struct rb_node *n = rb_first(&bt->root); n; n = rb_next(n)) {
		const struct vm_busy *va = busy_of(n);

		if (va->start >= va->end || va->start < win->lo || va->end > win->hi) {
			snprintf(why, why_len, "%s: busy area 0x%llx-0x%llx empty or outside the window",
				 model, (unsigned long long)va->start, (unsigned long long)va->end);
			return -EFAULT;
		}
		if (prev && prev->end > va->start) {
			snprintf(why, why_len, "%s: busy area 0x%llx overlaps or precedes 0x%llx",
				 model, (unsigned long long)va->start, (unsigned long long)prev->start);
			return -EFAULT;
		}
		prev = va;
	}
	if (count != bt->count) {
		snprintf(why, why_len, "%s: busy tree has %zu nodes, count says %llu",
			 model, count, (unsigned long long)bt->count);
		return -EFAULT;
	}
	return 0;
}

void busy_tree_clear(struct busy_tree *bt)
{
	bt->root.node = NULL;
	node_pool_destroy(&bt->nodes);
	bt->count = 0;
}

int busy_model_create(const struct vm_window *win, size_t model_size, struct vm_model **out)
{
	struct busy_model *b;
	int ret = 0;

	b = model_instance_alloc(win, model_size, &ret);
	if (!b)
		return ret;
	b->win = *win;
	*out = (struct vm_model *)b;
	return 0;
}

void busy_model_destroy(struct vm_model *m)
{
	struct busy_model *b = (struct busy_model *)m;

	if (!b)
		return;
	busy_tree_clear(&b->busy);
	free(b);
}

uint64_t busy_model_metadata_bytes(const struct vm_model *m)
{
	return ((const struct busy_model *)m)->busy.count * 104;
}

int busy_model_reserve(struct vm_model *m, uint64_t addr, uint64_t size)
{
	struct busy_model *b = (struct busy_model *)m;

	return busy_tree_reserve(&b->busy, &b->win, addr, size);
}

int busy_model_walk(struct vm_model *m, vm_walk_fn fn, void *arg)
{
	return busy_tree_walk(&((struct busy_model *)m)->busy, fn, arg);
}
