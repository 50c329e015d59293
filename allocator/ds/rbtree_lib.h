/* SPDX-License-Identifier: MIT */
/*
 * An intrusive red-black tree with optional augmentation, shared by the
 * tree models (rbtree, rbtree-cache, augmented).
 *
 * Like the kernel's lib/rbtree.c, the tree knows nothing of keys: the
 * caller descends to the insertion point itself (counting what it reads)
 * and hands over the parent and the link to fill; the library recolours
 * and rotates.  An augmented tree keeps a per-node value computed from the
 * node and its children (the free tree's subtree_max_size); the caller
 * provides the three callbacks of the kernel's rbtree_augmented.h:
 *   propagate(n, stop)  recompute n and its ancestors up to, not
 *                       including, stop (NULL: the root), stopping early
 *                       once a node's value does not change;
 *   copy(old, new)      new takes old's place: new's value = old's;
 *   rotate(old, new)    new rotated above old: new's value = old's,
 *                       old's value recomputed.
 * Maintenance is not counted in any search length.
 */
#ifndef VMTRACE_RBTREE_LIB_H
#define VMTRACE_RBTREE_LIB_H

#include <stdbool.h>
#include <stddef.h>

struct rb_node {
	struct rb_node *parent, *left, *right;
	bool red;
};

struct rb_root {
	struct rb_node *node;
};

struct rb_augment {
	void (*propagate)(struct rb_node *n, struct rb_node *stop);
	void (*copy)(struct rb_node *old_node, struct rb_node *new_node);
	void (*rotate)(struct rb_node *old_node, struct rb_node *new_node);
};

#define rb_entry(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/*
 * Links @node at *@link (a NULL child pointer of @parent, or &root->node
 * when the tree is empty, @parent NULL) and rebalances.  @aug is NULL for
 * a plain tree; for an augmented tree @node's own value must be set: the
 * path above it is propagated before any rotation.
 */
void rb_insert(struct rb_root *root, struct rb_node *node, struct rb_node *parent,
	       struct rb_node **link, const struct rb_augment *aug);

/* Unlinks @node (which must be in the tree) and rebalances. */
void rb_erase(struct rb_root *root, struct rb_node *node, const struct rb_augment *aug);

/* In-order neighbours and ends; NULL past either end or for an empty tree. */
struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *node);
struct rb_node *rb_prev(const struct rb_node *node);

/*
 * Verifies parent links, a black root, no red node with a red child and
 * equal black height on every path.  Returns 0 with *@count set to the
 * number of nodes, or -EFAULT with the broken rule in @why.
 */
int rb_verify(const struct rb_root *root, size_t *count, char *why, size_t why_len);

#endif /* VMTRACE_RBTREE_LIB_H */
