/* SPDX-License-Identifier: MIT */
/*
 * Red-black tree: insertion and erase fix-ups (CLRS, with NULL leaves and
 * parent pointers), in-order steps, and the structural checker.
 */
#include <errno.h>
#include <stdio.h>

#include "allocator/ds/rbtree_lib.h"

/* Puts @new_node where @old_node hangs from its parent (or the root). */
static void replace_child(struct rb_root *root, struct rb_node *old_node,
			  struct rb_node *new_node)
{
	struct rb_node *p = old_node->parent;

	if (!p)
		root->node = new_node;
	else if (p->left == old_node)
		p->left = new_node;
	else
		p->right = new_node;
	if (new_node)
		new_node->parent = p;
}

/* Rotates @x's right child above it. */
static void rotate_left(struct rb_root *root, struct rb_node *x, const struct rb_augment *aug)
{
	struct rb_node *y = x->right;

	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	replace_child(root, x, y);
	y->left = x;
	x->parent = y;
	if (aug)
		aug->rotate(x, y);
}

/* Rotates @x's left child above it. */
static void rotate_right(struct rb_root *root, struct rb_node *x, const struct rb_augment *aug)
{
	struct rb_node *y = x->left;

	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	replace_child(root, x, y);
	y->right = x;
	x->parent = y;
	if (aug)
		aug->rotate(x, y);
}

static bool is_red(const struct rb_node *n)
{
	return n && n->red;
}

void rb_insert(struct rb_root *root, struct rb_node *node, struct rb_node *parent,
	       struct rb_node **link, const struct rb_augment *aug)
{
	struct rb_node *p, *g, *u;

	node->parent = parent;
	node->left = node->right = NULL;
	node->red = true;
	*link = node;
	if (aug)
		aug->propagate(node, NULL);

	while ((p = node->parent) && p->red) {
		g = p->parent;	/* exists: a red node is never the root */
		if (p == g->left) {
			u = g->right;
			if (is_red(u)) {
				p->red = u->red = false;
				g->red = true;
				node = g;
				continue;
			}
			if (node == p->right) {
				rotate_left(root, p, aug);
				p = node;
			}
			rotate_right(root, g, aug);
		} else {
			u = g->left;
			if (is_red(u)) {
				p->red = u->red = false;
				g->red = true;
				node = g;
				continue;
			}
			if (node == p->left) {
				rotate_right(root, p, aug);
				p = node;
			}
			rotate_left(root, g, aug);
		}
		p->red = false;
		g->red = true;
		break;
	}
	root->node->red = false;
}

/* Restores the black height after a black node left from under @xp (@x took its place). */
static void erase_fixup(struct rb_root *root, struct rb_node *x, struct rb_node *xp,
			const struct rb_augment *aug)
{
	struct rb_node *w;

	while (x != root->node && !is_red(x)) {
		if (x == xp->left) {
			w = xp->right;	/* exists: xp's right path has an extra black */
			if (w->red) {
				w->red = false;
				xp->red = true;
				rotate_left(root, xp, aug);
				w = xp->right;
			}
			if (!is_red(w->left) && !is_red(w->right)) {
				w->red = true;
				x = xp;
				xp = x->parent;
				continue;
			}
			if (!is_red(w->right)) {
				w->left->red = false;
				w->red = true;
				rotate_right(root, w, aug);
				w = xp->right;
			}
			w->red = xp->red;
			xp->red = false;
			w->right->red = false;
			rotate_left(root, xp, aug);
		} else {
			w = xp->left;
			if (w->red) {
				w->red = false;
				xp->red = true;
				rotate_right(root, xp, aug);
				w = xp->left;
			}
			if (!is_red(w->left) && !is_red(w->right)) {
				w->red = true;
				x = xp;
				xp = x->parent;
				continue;
			}
			if (!is_red(w->left)) {
				w->right->red = false;
				w->red = true;
				rotate_left(root, w, aug);
				w = xp->left;
			}
			w->red = xp->red;
			xp->red = false;
			w->left->red = false;
			rotate_right(root, xp, aug);
		}
		x = root->node;
	}
	if (x)
		x->red = false;
}

void rb_erase(struct rb_root *root, struct rb_node *node, const struct rb_augment *aug)
{
	struct rb_node *x, *xp, *y;
	bool removed_red;

	if (!node->left || !node->right) {
		x = node->left ? node->left : node->right;
		xp = node->parent;
		removed_red = node->red;
		replace_child(root, node, x);
		if (aug && xp)
			aug->propagate(xp, NULL);
	} else {
		/* The successor y takes node's place, colour and value. */
		for (y = node->right; y->left; y = y->left)
			;
		removed_red = y->red;
		x = y->right;
		if (y->parent == node) {
			xp = y;
		} else {
			xp = y->parent;
			replace_child(root, y, x);
			y->right = node->right;
			y->right->parent = y;
		}
		replace_child(root, node, y);
		y->left = node->left;
		y->left->parent = y;
		y->red = node->red;
		if (aug) {
			aug->copy(node, y);
			if (xp != y)
				aug->propagate(xp, y);
			aug->propagate(y, NULL);
		}
	}
	if (!removed_red && root->node)
		erase_fixup(root, x, xp, aug);
}

struct rb_node *rb_first(const struct rb_root *root)
{
	struct rb_node *n = root->node;

	while (n && n->left)
		n = n->left;
	return n;
}

struct rb_node *rb_last(const struct rb_root *root)
{
	struct rb_node *n = root->node;

	while (n && n->right)
		n = n->right;
	return n;
}

struct rb_node *rb_next(const struct rb_node *node)
{
	struct rb_node *n;

	if (node->right) {
		for (n = node->right; n->left; n = n->left)
			;
		return n;
	}
	while (node->parent && node == node->parent->right)
		node = node->parent;
	return node->parent;
}

struct rb_node *rb_prev(const struct rb_node *node)
{
	struct rb_node *n;

	if (node->left) {
		for (n = node->left; n->right; n = n->right)
			;
		return n;
	}
	while (node->parent && node == node->parent->left)
		node = node->parent;
	return node->parent;
}

/* Black height of @n's subtree, or -1 when a rule is broken (in @why). */
static int verify_subtree(const struct rb_node *n, size_t *count, char *why, size_t why_len)
{
	int lh, rh;

	if (!n)
		return 0;
	++*count;
	if ((n->left && n->left->parent != n) || (n->right && n->right->parent != n)) {
		snprintf(why, why_len, "rbtree: a child's parent pointer is wrong");
		return -1;
	}
	if (n->red && (is_red(n->left) || is_red(n->right))) {
		snprintf(why, why_len, "rbtree: a red node has a red child");
		return -1;
	}
	lh = verify_subtree(n->left, count, why, why_len);
	rh = lh < 0 ? -1 : verify_subtree(n->right, count, why, why_len);
	if (lh < 0 || rh < 0)
		return -1;
	if (lh != rh) {
		snprintf(why, why_len, "rbtree: black heights %d and %d under one node", lh, rh);
		return -1;
	}
	return lh + !n->red;
}

int rb_verify(const struct rb_root *root, size_t *count, char *why, size_t why_len)
{
	*count = 0;
	if (root->node && (root->node->red || root->node->parent)) {
		snprintf(why, why_len, "rbtree: the root is red or has a parent");
		return -EFAULT;
	}
	return verify_subtree(root->node, count, why, why_len) < 0 ? -EFAULT : 0;
}
