/* SPDX-License-Identifier: MIT */
/*
 * The maple tree's gap search (lib/maple_tree.c, Liam Howlett, Linux 6.1
 * on), which finds free ranges in process address spaces
 * (mas_empty_area()), applied to the vmalloc window.
 *
 * One B-tree covers the whole window with contiguous ranges: every leaf
 * slot holds a busy area or a NULL gap, and its pivot is the range's end.
 * Internal nodes are the allocation-range nodes (maple_arange_64: 10
 * slots) and keep, beside each child's pivot, the largest gap in that
 * child's subtree; leaves are maple_range_64 (16 slots).  A node is
 * underfull below 7 slots (leaves) or 5 (internal nodes), as the kernel's
 * mt_min_slots say: it merges with a sibling, or shares entries with it
 * when both would not fit one node.  A full node splits in halves, the
 * new node going into its parent, which may split in turn; the root
 * splitting grows the tree by one level, an internal root left with one
 * child shrinks it.  As in the kernel (mas_wr_extend_null(), and
 * mab_no_null_split() keeping splits off gaps), adjacent gaps are
 * one range: a free joins the gaps on both sides, in the neighbouring
 * leaf too, so every hole of the layout is one slot.
 *
 * Alignment: mas_empty_area() takes a size only (the mm asks for
 * size + align - 1 when it needs alignment, as vmalloc's 5.2 search did).
 * Here the descent prunes by the size and a leaf tests each gap with the
 * exact aligned fit; a subtree whose gaps alignment or the request's
 * [vstart, vend) defeat is left and the search backtracks to the next
 * child whose gap is large enough, as mas_empty_area() backtracks when the
 * gap it descended for lies outside its [min, max].  That makes the
 * model exact lowest fit for every alignment, like `augmented`, so the
 * two are compared address for address (tests/test_differential.c) and
 * the figures differ only in search length and metadata.
 *
 * Invariants (maple_check): every node's pivots strictly increasing and
 * inside its parent's range, ranges contiguous over the window, every
 * recorded gap equal to the largest gap recomputed from its subtree,
 * node occupancy within bounds (the root excepted), every leaf at the
 * same depth, no empty range and no two adjacent gaps, and the busy
 * entries counting as many areas and bytes as the model holds.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocator/allocator.h"
#include "allocator/ds/instance.h"
#include "lib/vmmath.h"

#define LEAF_SLOTS 16		/* MAPLE_RANGE64_SLOTS */
#define ARANGE_SLOTS 10		/* MAPLE_ARANGE64_SLOTS */
/* The fewest slots a node other than the root keeps: the kernel
 * rebalances when the last offset falls below mt_min_slots (6 for leaves,
 * 4 for allocation-range nodes). */
#define LEAF_MIN 7
#define ARANGE_MIN 5
#define NODE_BYTES 256		/* sizeof(struct maple_node) on 64-bit */
#define SLOT_ROOM (LEAF_SLOTS + 2) /* an insert adds two slots before the split */

struct maple_slot {
	uint64_t pivot;			/* end (exclusive) of the slot's range */
	uint64_t gap;			/* internal: largest gap under child */
	struct maple_node *child;	/* internal: the child; leaf: NULL */
	bool busy;			/* leaf: an area, not a gap */
};

struct maple_node {
	struct maple_node *parent;
	unsigned int pslot;		/* index in parent */
	unsigned int count;
	bool leaf;
	uint64_t min;			/* start of slot 0's range */
	struct maple_slot s[SLOT_ROOM];
};

struct vm_model {
	struct vm_window win;
	struct maple_node *root;
	uint64_t nodes;			/* allocated, for metadata_bytes */
	uint64_t areas, area_bytes;	/* what the busy entries must add up to */
};

static uint64_t slot_start(const struct maple_node *n, unsigned int i)
{
	return i ? n->s[i - 1].pivot : n->min;
}

static uint64_t node_max(const struct maple_node *n)
{
	return n->s[n->count - 1].pivot;
}

static unsigned int max_slots(const struct maple_node *n)
{
	return n->leaf ? LEAF_SLOTS : ARANGE_SLOTS;
}

static unsigned int min_slots(const struct maple_node *n)
{
	return n->leaf ? LEAF_MIN : ARANGE_MIN;
}

/* The largest gap of @n, from its slots (recorded gaps for internal nodes). */
static uint64_t node_gap(const struct maple_node *n)
{
	uint64_t gap = 0;

	for (unsigned int i = 0; i < n->count; i++) {
		uint64_t g = n->leaf ? (n->s[i].busy ? 0 : n->s[i].pivot - slot_start(n, i))
				     : n->s[i].gap;

		gap = vm_max(gap, g);
	}
	return gap;
}

static struct maple_node *node_new(struct vm_model *m, bool leaf)
{
	struct maple_node *n = calloc(1, sizeof(*n));

	if (n) {
		n->leaf = leaf;
		m->nodes++;
	}
	return n;
}

static void node_free(struct vm_model *m, struct maple_node *n)
{
	free(n);
	m->nodes--;
}

/* Points the children of @n's slots [from, count) back at @n. */
static void adopt(struct maple_node *n, unsigned int from)
{
	if (n->leaf)
		return;
	for (unsigned int i = from; i < n->count; i++) {
		n->s[i].child->parent = n;
		n->s[i].child->pslot = i;
	}
}

/*
 * Rewrites the pivot, gap and min every ancestor records for the path
 * from @n up.  Returns the ancestors mas_update_gap() would read: each
 * parent up to the first whose recorded gap did not change.
 */
static uint64_t update_path(struct maple_node *n)
{
	uint64_t read = 0;
	bool propagating = true;

	for (; n->parent; n = n->parent) {
		struct maple_slot *s = &n->parent->s[n->pslot];
		uint64_t gap = node_gap(n);

		if (propagating) {
			read++;
			propagating = s->gap != gap;
		}
		s->gap = gap;
		s->pivot = node_max(n);
		if (!n->pslot)
			n->parent->min = n->min;
	}
	return read;
}

static void slots_insert(struct maple_node *n, unsigned int at, const struct maple_slot *src,
			 unsigned int k)
{
	memmove(&n->s[at + k], &n->s[at], (n->count - at) * sizeof(n->s[0]));
	memcpy(&n->s[at], src, k * sizeof(n->s[0]));
	n->count += k;
}

static void slots_remove(struct maple_node *n, unsigned int at)
{
	n->count--;
	memmove(&n->s[at], &n->s[at + 1], (n->count - at) * sizeof(n->s[0]));
}

/* Splits @n, over full, in halves, up the tree as parents fill. */
static int split_overfull(struct vm_model *m, struct maple_node *n)
{
	while (n->count > max_slots(n)) {
		struct maple_node *right = node_new(m, n->leaf), *p = n->parent;
		unsigned int keep = n->count / 2;

		if (!right)
			return -ENOMEM;
		if (!p) {
			p = node_new(m, false);
			if (!p) {
				node_free(m, right);
				return -ENOMEM;
			}
			p->min = n->min;
			p->count = 1;
			p->s[0].child = n;
			m->root = p;
			adopt(p, 0);
		}
		memcpy(right->s, &n->s[keep], (n->count - keep) * sizeof(n->s[0]));
		right->count = n->count - keep;
		n->count = keep;
		right->min = node_max(n);
		adopt(right, 0);
		slots_insert(p, n->pslot + 1, &(struct maple_slot){ .child = right }, 1);
		adopt(p, n->pslot + 1);
		update_path(n);
		update_path(right);
		n = p;
	}
	return 0;
}

/* Merges or rebalances @n, if underfull, with a sibling, up the tree. */
static void rebalance(struct vm_model *m, struct maple_node *n)
{
	while (n->parent && n->count < min_slots(n)) {
		struct maple_node *p = n->parent;
		unsigned int li = n->pslot ? n->pslot - 1 : 0;
		struct maple_node *left = p->s[li].child, *right = p->s[li + 1].child;
		unsigned int total = left->count + right->count;

		if (total <= max_slots(n)) {
			memcpy(&left->s[left->count], right->s, right->count * sizeof(right->s[0]));
			left->count = total;
			adopt(left, 0);
			slots_remove(p, li + 1);
			adopt(p, li + 1);
			node_free(m, right);
			update_path(left);
			n = p;
			continue;
		}
		struct maple_slot all[2 * SLOT_ROOM];
		unsigned int keep = total / 2;

		memcpy(all, left->s, left->count * sizeof(all[0]));
		memcpy(&all[left->count], right->s, right->count * sizeof(all[0]));
		memcpy(left->s, all, keep * sizeof(all[0]));
		memcpy(right->s, &all[keep], (total - keep) * sizeof(all[0]));
		left->count = keep;
		right->count = total - keep;
		right->min = node_max(left);
		adopt(left, 0);
		adopt(right, 0);
		update_path(left);
		update_path(right);
		return;
	}
	if (!n->parent && !n->leaf && n->count == 1) {
		m->root = n->s[0].child;
		m->root->parent = NULL;
		m->root->pslot = 0;
		node_free(m, n);
	}
}

/* The leaf holding @addr, and its slot there; adds the nodes read to *@search. */
static struct maple_node *leaf_of(const struct vm_model *m, uint64_t addr, unsigned int *slot,
				  uint64_t *search)
{
	struct maple_node *n = m->root;
	unsigned int i;

	for (;;) {
		(*search)++;
		for (i = 0; i < n->count - 1 && addr >= n->s[i].pivot; i++)
			;
		if (n->leaf)
			break;
		n = n->s[i].child;
	}
	*slot = i;
	return n;
}

static int maple_create(const struct vm_window *win, struct vm_model **out)
{
	struct vm_model *m;
	int ret = 0;

	m = model_instance_alloc(win, sizeof(*m), &ret);
	if (!m)
		return ret;
	m->win = *win;
	m->root = node_new(m, true);
	if (!m->root) {
		free(m);
		return -ENOMEM;
	}
	m->root->min = win->lo;
	m->root->count = 1;
	m->root->s[0].pivot = win->hi;
	*out = m;
	return 0;
}

static void free_subtree(struct vm_model *m, struct maple_node *n)
{
	for (unsigned int i = 0; !n->leaf && i < n->count; i++)
		free_subtree(m, n->s[i].child);
	node_free(m, n);
}

static void maple_destroy(struct vm_model *m)
{
	if (!m)
		return;
	free_subtree(m, m->root);
	free(m);
}

/* Stores [addr, addr + size) busy inside the gap in @leaf's @slot. */
static int store_area(struct vm_model *m, struct maple_node *leaf, unsigned int slot,
		      uint64_t addr, uint64_t size)
{
	uint64_t start = slot_start(leaf, slot), end = leaf->s[slot].pivot;
	struct maple_slot add[3];
	unsigned int k = 0;

	if (start < addr)
		add[k++] = (struct maple_slot){ .pivot = addr };
	add[k++] = (struct maple_slot){ .pivot = addr + size, .busy = true };
	if (addr + size < end)
		add[k++] = (struct maple_slot){ .pivot = end };
	slots_remove(leaf, slot);
	slots_insert(leaf, slot, add, k);
	update_path(leaf);
	m->areas++;
	m->area_bytes += size;
	return split_overfull(m, leaf);
}

static int maple_reserve(struct vm_model *m, uint64_t addr, uint64_t size)
{
	struct maple_node *leaf;
	unsigned int slot;
	uint64_t ignored = 0;

	if (addr < m->win.lo || !vm_fits_below(addr, size, m->win.hi))
		return -ERANGE;
	leaf = leaf_of(m, addr, &slot, &ignored);
	if (leaf->s[slot].busy || leaf->s[slot].pivot < addr + size)
		return -EEXIST;
	return store_area(m, leaf, slot, addr, size);
}

/*
 * The lowest aligned fit in [start, end) under @n, as mas_empty_area()
 * descends: into the first child whose recorded gap is at least the size
 * and whose range meets [start, end), back out when no gap there fits.
 * Counts every node entered in *@search.
 */
static struct maple_node *gap_search(struct maple_node *n, const struct vm_request *req,
				     uint64_t start, uint64_t end, unsigned int *slot,
				     uint64_t *addr, uint64_t *search)
{
	(*search)++;
	for (unsigned int i = 0; i < n->count; i++) {
		uint64_t lo = vm_max(slot_start(n, i), start), hi = vm_min(n->s[i].pivot, end);
		struct maple_node *found;

		if (lo >= hi)
			continue;
		if (n->leaf) {
			if (!n->s[i].busy && vm_align_up(lo, req->align, addr) &&
			    vm_fits_below(*addr, req->size, hi)) {
				*slot = i;
				return n;
			}
			continue;
		}
		if (n->s[i].gap < req->size)
			continue;
		found = gap_search(n->s[i].child, req, start, end, slot, addr, search);
		if (found)
			return found;
	}
	return NULL;
}

/*
 * Search length of alloc: the maple nodes the gap search enters, internal
 * and leaf, backtracking included (each entry counts).  Storing the area,
 * gap propagation and splits are not counted.
 */
static int maple_alloc(struct vm_model *m, const struct vm_request *req, uint64_t *addr,
		       uint64_t *search)
{
	uint64_t start = vm_max(m->win.lo, req->vstart), end = vm_min(m->win.hi, req->vend);
	struct maple_node *leaf;
	unsigned int slot;
	uint64_t at;
	int ret;

	*search = 0;
	if (start >= end)
		return -ENOMEM;
	leaf = gap_search(m->root, req, start, end, &slot, &at, search);
	if (!leaf)
		return -ENOMEM;
	ret = store_area(m, leaf, slot, at, req->size);
	if (!ret)
		*addr = at;
	return ret;
}

/*
 * Joins the gap at @leaf's first slot with a gap ending @leaf's previous
 * leaf (@side < 0), or its last slot with one starting the next leaf.
 * Returns the neighbouring leaf read (0 or 1) and sets *@changed to the
 * neighbour it shortened, if any.
 */
static uint64_t join_across(struct vm_model *m, struct maple_node *leaf, int side,
			    struct maple_node **changed)
{
	struct maple_node *next;
	unsigned int slot;
	uint64_t ignored = 0;

	*changed = NULL;
	if (side < 0) {
		if (leaf->min == m->win.lo)
			return 0;
		next = leaf_of(m, leaf->min - 1, &slot, &ignored);
		if (next->s[slot].busy)
			return 1;
		leaf->min = slot_start(next, slot);
		slots_remove(next, slot);
	} else {
		if (node_max(leaf) == m->win.hi)
			return 0;
		next = leaf_of(m, node_max(leaf), &slot, &ignored);
		if (next->s[0].busy)
			return 1;
		leaf->s[leaf->count - 1].pivot = next->s[0].pivot;
		next->min = next->s[0].pivot;
		slots_remove(next, 0);
	}
	*changed = next;
	return 1;
}

/* Rebalances whatever leaf holds @addr now. */
static void rebalance_at(struct vm_model *m, uint64_t addr)
{
	unsigned int slot;
	uint64_t ignored = 0;

	rebalance(m, leaf_of(m, addr, &slot, &ignored));
}

/*
 * Search length of free: the nodes read descending to the area's leaf,
 * plus the neighbouring leaves read to join a gap across a leaf edge,
 * plus the ancestors the gap propagation reads (mas_update_gap(): up to
 * the first whose recorded gap does not change).  Merges and rebalancing
 * are not counted.
 */
static int maple_free(struct vm_model *m, uint64_t addr, uint64_t *search)
{
	struct maple_node *leaf, *prev, *next;
	unsigned int slot;
	uint64_t start, end;

	*search = 0;
	leaf = leaf_of(m, addr, &slot, search);
	if (!leaf->s[slot].busy || slot_start(leaf, slot) != addr)
		return -ENOENT;
	m->areas--;
	m->area_bytes -= leaf->s[slot].pivot - addr;
	leaf->s[slot].busy = false;
	if (slot + 1 < leaf->count && !leaf->s[slot + 1].busy)
		slots_remove(leaf, slot);
	if (slot && !leaf->s[slot - 1].busy)
		slots_remove(leaf, --slot);
	if (!slot)
		*search += join_across(m, leaf, -1, &prev);
	else
		prev = NULL;
	if (slot == leaf->count - 1)
		*search += join_across(m, leaf, 1, &next);
	else
		next = NULL;
	*search += update_path(leaf);
	if (prev)
		update_path(prev);
	if (next)
		update_path(next);
	start = slot_start(leaf, slot);
	end = leaf->s[slot].pivot;
	rebalance_at(m, start);
	if (start > m->win.lo)
		rebalance_at(m, start - 1);
	if (end < m->win.hi)
		rebalance_at(m, end);
	return 0;
}

struct walk_state {
	vm_walk_fn fn;
	void *arg;
};

static int walk_node(const struct maple_node *n, const struct walk_state *w)
{
	int ret = 0;

	for (unsigned int i = 0; !ret && i < n->count; i++) {
		if (!n->leaf)
			ret = walk_node(n->s[i].child, w);
		else if (n->s[i].busy)
			ret = w->fn(w->arg, slot_start(n, i), n->s[i].pivot - slot_start(n, i));
	}
	return ret;
}

static int maple_walk(struct vm_model *m, vm_walk_fn fn, void *arg)
{
	return walk_node(m->root, &(struct walk_state){ fn, arg });
}

static uint64_t maple_metadata_bytes(const struct vm_model *m)
{
	return m->nodes * NODE_BYTES;
}

struct check_state {
	uint64_t at;		/* where the next range must start */
	bool prev_gap;		/* the previous range was a gap */
	int leaf_depth;		/* -1 until the first leaf */
	uint64_t areas, bytes;
	char *why;
	size_t why_len;
};

static int fail(struct check_state *c, const struct maple_node *n, const char *what)
{
	snprintf(c->why, c->why_len, "maple: node at 0x%llx: %s",
		 (unsigned long long)n->min, what);
	return -EFAULT;
}

/* Checks @n's subtree; sets *@gap to its largest gap, from scratch. */
static int check_node(const struct maple_node *n, int depth, struct check_state *c,
		      uint64_t *gap)
{
	int ret;

	if (n->count > max_slots(n) || (n->parent && n->count < min_slots(n)) ||
	    (!n->parent && !n->leaf && n->count < 2) || !n->count)
		return fail(c, n, "occupancy out of bounds");
	if (n->min != c->at)
		return fail(c, n, "range does not start where the previous one ended");
	if (n->leaf && c->leaf_depth < 0)
		c->leaf_depth = depth;
	if (n->leaf && depth != c->leaf_depth)
		return fail(c, n, "leaves at different depths");
	*gap = 0;
	for (unsigned int i = 0; i < n->count; i++) {
		uint64_t start = slot_start(n, i), sub;

		if (n->s[i].pivot <= start)
			return fail(c, n, "pivots not strictly increasing");
		if (n->leaf) {
			if (!n->s[i].busy && c->prev_gap)
				return fail(c, n, "two adjacent gaps");
			c->prev_gap = !n->s[i].busy;
			if (n->s[i].busy) {
				c->areas++;
				c->bytes += n->s[i].pivot - start;
			} else {
				*gap = vm_max(*gap, n->s[i].pivot - start);
			}
			c->at = n->s[i].pivot;
			continue;
		}
		if (n->s[i].child->parent != n || n->s[i].child->pslot != i)
			return fail(c, n, "child does not point back at its parent");
		ret = check_node(n->s[i].child, depth + 1, c, &sub);
		if (ret)
			return ret;
		if (c->at != n->s[i].pivot)
			return fail(c, n, "pivot is not the end of its child's range");
		if (sub != n->s[i].gap)
			return fail(c, n, "recorded gap differs from the child's largest gap");
		*gap = vm_max(*gap, sub);
	}
	return 0;
}

static int maple_check(struct vm_model *m, char *why, size_t why_len)
{
	struct check_state c = { .at = m->win.lo, .leaf_depth = -1, .why = why,
				 .why_len = why_len };
	uint64_t gap;
	int ret = check_node(m->root, 0, &c, &gap);

	if (ret)
		return ret;
	if (m->root->parent || c.at != m->win.hi) {
		snprintf(why, why_len, "maple: ranges end at 0x%llx, not at the window end",
			 (unsigned long long)c.at);
		return -EFAULT;
	}
	if (c.areas != m->areas || c.bytes != m->area_bytes) {
		snprintf(why, why_len, "maple: %llu busy entries of %llu bytes, %llu areas of "
			 "%llu bytes held", (unsigned long long)c.areas,
			 (unsigned long long)c.bytes, (unsigned long long)m->areas,
			 (unsigned long long)m->area_bytes);
		return -EFAULT;
	}
	return 0;
}

const struct vm_allocator_ops vm_allocator_maple = {
	.name = "maple",
	.description = "Linux 6.1+ maple tree gap search (mas_empty_area): B-tree of ranges, "
		       "10-way nodes keeping each child's largest gap, lowest fit",
	/* The mm's lock around mas_empty_area() and the store. */
	.locking = { "mmap_lock", VM_LOCK_RWLOCK,
		     "the gap search and the store of the area (alloc); the erase, gap "
		     "propagation and rebalancing (free)" },
	/* Exact lowest fit: the layout alone decides. */
	.history_dependent = false,
	.notes = NULL,
	.create = maple_create,
	.destroy = maple_destroy,
	.reserve = maple_reserve,
	.alloc = maple_alloc,
	.free = maple_free,
	.metadata_bytes = maple_metadata_bytes,
	.walk = maple_walk,
	.check = maple_check,
};
