/* SPDX-License-Identifier: MIT */
/*
 * vmap-nodes: the allocator of Linux 6.9 .. 6.18 (Uladzislau Rezki,
 * "Mitigate a vmap lock contention", 6.9; decay as of Baoquan He's
 * "optimize code in decay_va_pool_node()"), as /work/research/vmap_nodes.md
 * specifies it from mm/vmalloc.c.  Each mechanism and the kernel function
 * it mirrors:
 *
 *   nodes       nr_vmap_nodes = possible CPUs, clamped to [1, 128]
 *               (vmap_init_nodes()); with one node there are no pools.
 *   owner       a request whose window is exactly the vmalloc window is
 *               owned by node cpu % nodes, remembered with the area even
 *               when the pool misses; any other window owns nothing
 *               (node_alloc(), encode_vn_id()).
 *   pools       per node, one LIFO list per size of 1 .. 256 pages, index
 *               pages - 1 (size_to_va_pool()).  An alloc looks only at the
 *               head of its node's pool: a head aligned for the request is
 *               taken and the free tree is not touched; a misaligned head
 *               moves to the tail and the request misses
 *               (node_pool_del_va()).
 *   tree        a miss, or a request with its own window, searches the
 *               global free tree as augmented-5.19 does
 *               (__alloc_vmap_area(), find_vmap_lowest_match() with
 *               adjust_search_size, va_clip()).
 *   lazy        a free leaves the area unusable until the next purge
 *               (free_vmap_area_noflush()).
 *   purge       every node's pools decay first: floor(len / 4) areas from
 *               each pool's head, pools shorter than 4 untouched, into the
 *               tree in ascending address order, merged
 *               (decay_va_pool_node()).  Then each node's lazy areas, in
 *               ascending address order, are pushed onto the head of their
 *               owner's pool (node_pool_add_va()) when they have an owner
 *               and at most 256 pages; the others go to the tree, in
 *               descending order, node by node (purge_vmap_node(),
 *               __purge_vmap_area_lazy()).  Only the event's n= earliest
 *               freed lazy areas are purged: the kernel detaches each
 *               node's lazy list at the start of __purge_vmap_area_lazy()
 *               and fires trace_purge_vmap_area_lazy() at its end, so
 *               frees in between stay lazy (struct vm_purge).
 *   full decay  a purge after a failed allocation empties every pool and
 *               sends every lazy area to the tree; an alloc that finds no
 *               room does the same itself and searches the tree once more
 *               (reclaim_and_purge_vmap_areas(), alloc_vmap_area()'s
 *               overflow path).
 *   open owner  an area busy before the trace (a `live` area in the
 *               vmalloc window) has an owner the trace cannot tell.  It
 *               is not guessed: purged, such an area waits in the pool of
 *               every node, and the first node that takes it (or decays
 *               it) settles it, leaving every other pool; so each unknown
 *               costs at most one miss.  Under follow, an open head that
 *               a node's kernel did not take leaves that node's pool.
 *   early purge follow: the kernel reused a range the model holds lazy,
 *               so its purge ran before that alloc (the allocations that
 *               run during __purge_vmap_area_lazy() see pools refilled by
 *               purge_vmap_node() before the event is traced): the model
 *               purges then, and the event purges nothing more.
 *   head order  follow: the kernel took an area below the model's pool
 *               head, so that was its node_pool_del_va() head; the areas
 *               the model had above it go to the tail (their place in the
 *               kernel's list is unknown: per-node detach moments split a
 *               purge's batch differently from the trace's free order).
 *
 * Invariants (vmap_nodes_check): every area not free (busy, lazy or
 * pooled) is in one address tree, sorted, non-overlapping; its state is
 * exactly one of the three; a pooled area sits in pools of its own size
 * only, in its owner's pool alone (open: one or more nodes), and each
 * pool's length is its count; lazy areas are exactly the lazy list; the
 * free tree is valid; areas and free blocks tile the window.
 *
 * Search length: the nodes an operation examines.  alloc: the pool head
 * it looked at (0 or 1) plus the free-tree nodes as augmented counts
 * them, both searches when it purges and retries.  free: the address-tree
 * nodes read to find the area (the lazy list append reads none).  purge:
 * the free-tree nodes read linking the areas it gives back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "allocator/ds/instance.h"
#include "allocator/allocator.h"
#include "allocator/ds/free_tree.h"
#include "allocator/ds/rbtree_lib.h"
#include "lib/vmmath.h"

#define MAX_VA_SIZE_PAGES 256	/* the kernel's pool count per node */
#define MAX_VMAP_NODES 128	/* vmap_init_nodes()' clamp */
#define VMAP_ZONE_PAGES 16	/* vmap_zone_size: the node of an unowned lazy area */

enum { OWNER_NONE = -1, OWNER_OPEN = -2 };

enum area_state { AREA_BUSY, AREA_LAZY, AREA_POOLED };

/* An area's place in the pool of one node; pooled iff next != NULL. */
struct pool_link {
	struct pool_link *prev, *next;
	struct vn_area *va;
	bool undo;		/* unlinked by the last alloc, to relink on follow */
};

struct vn_area {
	uint64_t start, size;
	int owner;		/* a node, OWNER_NONE or OWNER_OPEN */
	enum area_state state;
	struct rb_node rb;	/* in vm_model.areas, by start */
	struct pool_link link[]; /* one per node */
};

struct vn_pool {
	struct pool_link head;	/* circular; head.next is the pool's head */
	uint64_t len;
};

struct vm_model {
	struct vm_window win;
	int nr_nodes;
	struct free_tree free;
	struct rb_root areas;		/* every area not free */
	uint64_t nareas;		/* nodes in areas */
	struct vn_pool *pools;		/* [node * MAX_VA_SIZE_PAGES + pages - 1] */
	struct vn_area **lazy;		/* in the order freed */
	size_t nlazy, lazy_cap;
	size_t npooled;			/* areas waiting in at least one pool */
	/* The last successful alloc, for follow and alloc_reason. */
	struct vn_area *last;
	bool last_pool_hit;
	int last_owner;			/* the owner the area had before a pool hit */
	const char *reason;
	/* follow saw the kernel reuse a lazy range: its purge ran already. */
	bool purged_early;
};

static struct vn_area *area_of(struct rb_node *n)
{
	return n ? rb_entry(n, struct vn_area, rb) : NULL;
}

static uint64_t pages_of(const struct vm_model *m, uint64_t size)
{
	return size / m->win.page_size;
}

/* size_to_va_pool(): NULL above MAX_VA_SIZE_PAGES. */
static struct vn_pool *pool_of(struct vm_model *m, int node, uint64_t size)
{
	uint64_t idx = (size - 1) / m->win.page_size;

	return idx < MAX_VA_SIZE_PAGES ? &m->pools[(size_t)node * MAX_VA_SIZE_PAGES + idx] : NULL;
}

static void link_after(struct pool_link *pos, struct pool_link *l)
{
	l->prev = pos;
	l->next = pos->next;
	pos->next->prev = l;
	pos->next = l;
}

/* Unlinks @l, keeping l->prev for a relink by follow. */
static void link_del(struct pool_link *l)
{
	l->prev->next = l->next;
	l->next->prev = l->prev;
	l->next = NULL;
}

/* node_pool_add_va(): @va onto the head of @node's pool of its size. */
static void pool_push(struct vm_model *m, int node, struct vn_area *va)
{
	link_after(&pool_of(m, node, va->size)->head, &va->link[node]);
	pool_of(m, node, va->size)->len++;
	if (va->state != AREA_POOLED)
		m->npooled++;
	va->state = AREA_POOLED;
}

/* Takes @va out of every pool it waits in; @undo marks the links to relink. */
static void pool_take(struct vm_model *m, struct vn_area *va, bool undo)
{
	for (int n = 0; n < m->nr_nodes; n++) {
		va->link[n].undo = false;
		if (!va->link[n].next)
			continue;
		link_del(&va->link[n]);
		pool_of(m, n, va->size)->len--;
		va->link[n].undo = undo;
	}
	m->npooled--;
}

/* The area whose range holds @addr, or else the first one above it. */
static struct vn_area *area_at_or_above(const struct vm_model *m, uint64_t addr, uint64_t *search)
{
	struct rb_node *n = m->areas.node;
	struct vn_area *above = NULL;

	while (n) {
		struct vn_area *va = area_of(n);

		++*search;
		if (addr < va->start) {
			above = va;
			n = n->left;
		} else if (addr >= va->start + va->size) {
			n = n->right;
		} else {
			return va;
		}
	}
	return above;
}

/* Links @va into the address tree; its range overlaps no area. */
static void area_link(struct vm_model *m, struct vn_area *va)
{
	struct rb_node **link = &m->areas.node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = va->start < area_of(parent)->start ? &parent->left : &parent->right;
	}
	rb_insert(&m->areas, &va->rb, parent, link, NULL);
	m->nareas++;
}

static struct vn_area *area_new(struct vm_model *m, uint64_t start, uint64_t size, int owner)
{
	struct vn_area *va = calloc(1, sizeof(*va) + (size_t)m->nr_nodes * sizeof(va->link[0]));

	if (!va)
		return NULL;
	va->start = start;
	va->size = size;
	va->owner = owner;
	va->state = AREA_BUSY;
	for (int n = 0; n < m->nr_nodes; n++)
		va->link[n].va = va;
	return va;
}

/* Unlinks @va from the address tree and gives its range to the free tree. */
static int area_release(struct vm_model *m, struct vn_area *va, uint64_t *search)
{
	int ret = free_tree_release(&m->free, va->start, va->size, search);

	if (!ret) {
		rb_erase(&m->areas, &va->rb, NULL);
		m->nareas--;
		free(va);
	}
	return ret;
}

static int vmap_nodes_create(const struct vm_window *win, struct vm_model **out)
{
	struct vm_model *m;
	size_t npools;
	int ret = 0;

	m = model_instance_alloc(win, sizeof(*m), &ret);
	if (!m)
		goto out;
	ret = -ENOMEM;
	m->win = *win;
	m->nr_nodes = win->nr_cpus < 1 ? 1 : win->nr_cpus > MAX_VMAP_NODES ?
		MAX_VMAP_NODES : (int)win->nr_cpus;
	m->last_owner = OWNER_NONE;
	npools = (size_t)m->nr_nodes * MAX_VA_SIZE_PAGES;
	m->pools = calloc(npools, sizeof(*m->pools));
	if (!m->pools || (ret = free_tree_init(&m->free, win->lo, win->hi))) {
		free(m->pools);
		free(m);
		goto out;
	}
	for (size_t i = 0; i < npools; i++)
		m->pools[i].head.prev = m->pools[i].head.next = &m->pools[i].head;
	*out = m;
	ret = 0;
out:
	return ret;
}

/* Post-order: an in-order walk would climb through parents already freed. */
static void free_areas(struct rb_node *n)
{
	if (!n)
		return;
	free_areas(n->left);
	free_areas(n->right);
	free(area_of(n));
}

static void vmap_nodes_destroy(struct vm_model *m)
{
	if (!m)
		return;
	free_areas(m->areas.node);
	free_tree_clear(&m->free);
	free(m->pools);
	free(m->lazy);
	free(m);
}

/* The owner node_alloc() gives a request: a node only for the exact vmalloc window. */
static int request_owner(const struct vm_model *m, const struct vm_request *req)
{
	if (req->vstart != m->win.vmalloc_lo || req->vend != m->win.vmalloc_hi ||
	    m->win.vmalloc_lo >= m->win.vmalloc_hi || m->nr_nodes == 1)
		return OWNER_NONE;
	/* No cpu= in the trace: the node is unknown, as for a live area. */
	if (req->cpu == VM_CPU_UNKNOWN)
		return OWNER_OPEN;
	return (int)(req->cpu % (uint32_t)m->nr_nodes);
}

/* [addr, addr + size) out of the free tree, as a busy area owned by @owner. */
static int place_from_tree(struct vm_model *m, uint64_t addr, uint64_t size, int owner,
			   struct vn_area **out)
{
	struct vn_area *va = area_new(m, addr, size, owner);
	int ret;

	if (!va)
		return -ENOMEM;
	ret = free_tree_carve(&m->free, addr, size);
	if (ret) {
		free(va);
		return ret;
	}
	area_link(m, va);
	*out = va;
	return 0;
}

static int vmap_nodes_reserve(struct vm_model *m, uint64_t addr, uint64_t size)
{
	struct vn_area *va;
	/* Busy before the trace: its owner is unknown if it could have one. */
	int owner = addr >= m->win.vmalloc_lo && addr < m->win.vmalloc_hi && m->nr_nodes > 1 ?
		OWNER_OPEN : OWNER_NONE;

	if (addr < m->win.lo || !vm_fits_below(addr, size, m->win.hi))
		return -ERANGE;
	return place_from_tree(m, addr, size, owner, &va);
}

/* node_pool_del_va(): the head of @owner's pool, if aligned; else rotate it. */
static struct vn_area *pool_alloc(struct vm_model *m, const struct vm_request *req, int owner,
				  uint64_t *search)
{
	struct vn_pool *p = pool_of(m, owner, req->size);
	struct pool_link *head;

	if (!p || !p->len)
		return NULL;
	++*search;
	head = p->head.next;
	if (head->va->start % req->align) {
		link_del(head);
		link_after(p->head.prev, head);
		return NULL;
	}
	m->last_owner = head->va->owner;
	pool_take(m, head->va, true);
	m->reason = "pool-hit";
	return head->va;
}

/* __alloc_vmap_area() on the global free tree, searched as augmented-5.19. */
static int tree_alloc(struct vm_model *m, const struct vm_request *req, int owner,
		      struct vn_area **out, uint64_t *search)
{
	uint64_t start = vm_max(m->win.lo, req->vstart), end = vm_min(m->win.hi, req->vend);
	uint64_t size = req->size, align = req->align, length = size, nva;
	struct vm_free *block;
	struct vn_area *va;
	int ret;

	if (start >= end)
		return -ENOMEM;
	/* adjust_search_size: size + align - 1 above page alignment, unless
	 * the window is exactly the size.  Saturated: real sizes never wrap. */
	if (align > m->win.page_size && end - start != size)
		length = size > UINT64_MAX - (align - 1) ? UINT64_MAX : size + align - 1;
	block = free_tree_kernel_match(&m->free, size, align, start, length, search);
	if (!block || !free_block_fits(block, size, align, start, &nva) ||
	    !vm_fits_below(nva, size, end))
		return -ENOMEM;
	va = area_new(m, nva, size, owner);
	if (!va)
		return -ENOMEM;
	ret = free_tree_split(&m->free, block, nva, size);
	if (ret) {
		free(va);
		return ret;
	}
	area_link(m, va);
	*out = va;
	return 0;
}

static int purge(struct vm_model *m, const struct vm_purge *p, uint64_t *search);

/* The overflow path's purge: a full decay, every lazy area. */
static const struct vm_purge purge_everything = { true, VM_PURGE_ALL };
/* A purge seen before its event: every lazy area, pools decayed by a quarter. */
static const struct vm_purge purge_detached = { false, VM_PURGE_ALL };

static int vmap_nodes_alloc(struct vm_model *m, const struct vm_request *req, uint64_t *addr,
			    uint64_t *search)
{
	int owner = request_owner(m, req);
	struct vn_area *va = NULL;
	uint64_t purge_search = 0;
	int ret = 0;

	*search = 0;
	m->last = NULL;
	m->last_pool_hit = false;
	m->reason = "tree";
	if (owner >= 0)
		va = pool_alloc(m, req, owner, search);
	if (va) {
		m->last_pool_hit = true;
		va->state = AREA_BUSY;
		va->owner = owner;
		goto out;
	}
	if (owner >= 0)
		m->reason = "pool-miss";
	ret = tree_alloc(m, req, owner, &va, search);
	/* The overflow path: reclaim everything held back, then the tree once more. */
	if (ret == -ENOMEM && (m->nlazy || m->npooled)) {
		if ((ret = purge(m, &purge_everything, &purge_search)))
			goto out;
		ret = tree_alloc(m, req, owner, &va, search);
	}
out:
	if (!ret) {
		m->last = va;
		*addr = va->start;
	}
	return ret;
}

static int vmap_nodes_free(struct vm_model *m, uint64_t addr, uint64_t *search)
{
	struct vn_area *va;

	*search = 0;
	va = area_at_or_above(m, addr, search);
	if (!va || va->start != addr || va->state != AREA_BUSY)
		return -ENOENT;
	if (m->nlazy == m->lazy_cap) {
		size_t cap = m->lazy_cap ? 2 * m->lazy_cap : 256;
		struct vn_area **grown = realloc(m->lazy, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		m->lazy = grown;
		m->lazy_cap = cap;
	}
	m->lazy[m->nlazy++] = va;
	va->state = AREA_LAZY;
	return 0;
}

static int by_start(const void *a, const void *b)
{
	const struct vn_area *x = *(struct vn_area *const *)a, *y = *(struct vn_area *const *)b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/*
 * Gives @n areas (not in any pool, sorted by address, ascending or
 * descending as @step says) to the free tree.  Those adjacent in the
 * array go as one block when @merge, as decay_va_pool_node()'s local
 * merge hands them to reclaim_list_global().
 */
static int give_to_tree(struct vm_model *m, struct vn_area **a, size_t n, bool merge,
			uint64_t *search)
{
	size_t i = 0;
	int ret = 0;

	while (!ret && i < n) {
		uint64_t start = a[i]->start, end = start + a[i]->size;
		size_t j = i + 1;

		while (merge && j < n && a[j]->start == end)
			end += a[j++]->size;
		for (; i < j; i++) {
			rb_erase(&m->areas, &a[i]->rb, NULL);
			m->nareas--;
			free(a[i]);
		}
		ret = free_tree_release(&m->free, start, end - start, search);
	}
	return ret;
}

/* decay_va_pool_node(): floor(len / 4) from each pool's head (all when @full). */
static int decay_node(struct vm_model *m, int node, bool full, struct vn_area ***buf,
		      size_t *cap, uint64_t *search)
{
	size_t n = 0;

	for (int idx = 0; idx < MAX_VA_SIZE_PAGES; idx++) {
		struct vn_pool *p = &m->pools[(size_t)node * MAX_VA_SIZE_PAGES + idx];
		uint64_t n_decay = full ? p->len : p->len / 4;

		for (; n_decay; n_decay--) {
			struct vn_area *va = p->head.next->va;

			if (n == *cap) {
				size_t grown_cap = *cap ? 2 * *cap : 256;
				struct vn_area **grown = realloc(*buf, grown_cap * sizeof(*grown));

				if (!grown)
					return -ENOMEM;
				*buf = grown;
				*cap = grown_cap;
			}
			pool_take(m, va, false);
			(*buf)[n++] = va;
		}
	}
	if (n)
		qsort(*buf, n, sizeof(**buf), by_start);
	return give_to_tree(m, *buf, n, true, search);
}

/* The lazy list an area waits on: its owner's, else its address's node. */
static int lazy_node(const struct vm_model *m, const struct vn_area *va)
{
	if (va->owner >= 0)
		return va->owner;
	return (int)((va->start / (VMAP_ZONE_PAGES * m->win.page_size)) % (uint64_t)m->nr_nodes);
}

/*
 * The lazy areas the kernel's purge detached: the @npurged earliest
 * freed, moved from m->lazy to @sel in free order; the rest stay on
 * m->lazy, still in free order, for the next purge.
 */
static size_t select_purged(struct vm_model *m, uint64_t npurged, struct vn_area **sel)
{
	size_t nsel = 0, kept = 0;

	for (size_t i = 0; i < m->nlazy; i++) {
		if (nsel < npurged)
			sel[nsel++] = m->lazy[i];
		else
			m->lazy[kept++] = m->lazy[i];
	}
	m->nlazy = kept;
	return nsel;
}

/* __purge_vmap_area_lazy(): decay every node, then purge_vmap_node() each. */
static int purge(struct vm_model *m, const struct vm_purge *p, uint64_t *search)
{
	struct vn_area **buf = NULL, **sel = NULL;
	bool full = p->full;
	size_t cap = 0, n, nsel;
	int ret = 0;

	for (int node = 0; !ret && node < m->nr_nodes; node++)
		ret = decay_node(m, node, full, &buf, &cap, search);
	if (ret || !m->nlazy)
		goto out;
	ret = -ENOMEM;
	sel = malloc(m->nlazy * sizeof(*sel));
	if (!sel)
		goto out;
	if (m->nlazy > cap) {
		struct vn_area **grown = realloc(buf, m->nlazy * sizeof(*buf));

		if (!grown)
			goto out;
		buf = grown;
	}
	ret = 0;
	nsel = select_purged(m, p->npurged, sel);
	if (nsel)
		qsort(sel, nsel, sizeof(*sel), by_start);
	for (int node = 0; !ret && node < m->nr_nodes; node++) {
		/* Pushed in ascending order onto the head: the highest comes first. */
		for (size_t i = 0; i < nsel; i++) {
			struct vn_area *va = sel[i];

			/* An open owner: it waits in every node's pool. */
			if (va && !full && pool_of(m, node, va->size) &&
			    (va->owner == node || va->owner == OWNER_OPEN))
				pool_push(m, node, va);
		}
		/* "Go back to global", in descending order (list_add). */
		n = 0;
		for (size_t i = nsel; i-- > 0;)
			if (sel[i] && sel[i]->state == AREA_LAZY && lazy_node(m, sel[i]) == node) {
				buf[n++] = sel[i];
				sel[i] = NULL;	/* given back: freed below */
			}
		ret = give_to_tree(m, buf, n, false, search);
	}
out:
	free(sel);
	free(buf);
	return ret;
}

static int vmap_nodes_purge(struct vm_model *m, const struct vm_purge *p, uint64_t *search)
{
	bool early = m->purged_early && !p->full;

	*search = 0;
	m->last = NULL;
	m->purged_early = false;
	/* Frees traced since the early purge landed on fresh lazy lists. */
	return early ? 0 : purge(m, p, search);
}

/*
 * An open-owner area at the head of @node's pool that the kernel's @node
 * did not take (it served the request elsewhere): it was never in that
 * node's pool, and leaves it.  An open area waits in two nodes at least
 * (only the nodes that refused it left), so one remains; when only one
 * does, it is the owner.
 */
static void settle_open_head(struct vm_model *m, struct vn_area *va, int node)
{
	int left = OWNER_NONE, nleft = 0;

	link_del(&va->link[node]);
	pool_of(m, node, va->size)->len--;
	for (int n = 0; n < m->nr_nodes; n++)
		if (va->link[n].next) {
			left = n;
			nleft++;
		}
	if (nleft == 1)
		va->owner = left;
}

/*
 * The kernel took @va from @node's pool, so it was that pool's head: the
 * areas the model has above it are not above it in the kernel.  Where
 * they are the model cannot tell (a purge that split its batch across
 * nodes at other moments than the trace's order shows); they go to the
 * tail in their order, so a wrong head costs one miss, not one per alloc.
 */
static void demote_above(struct vm_model *m, struct vn_area *va, int node)
{
	struct vn_pool *p;

	if (node < 0 || !va->link[node].next)
		return;
	p = pool_of(m, node, va->size);
	while (p->head.next != &va->link[node]) {
		struct pool_link *l = p->head.next;

		link_del(l);
		link_after(p->head.prev, l);
	}
}

/*
 * follow: undo the last alloc, then take [kernel_addr, + size) from
 * wherever the model keeps it: the free tree, or pools (an area pooled
 * exactly there becomes the kernel's; pooled areas overlapping it
 * otherwise go back to the tree first).  Busy or lazy areas in the way
 * mean the model cannot follow: -EEXIST before anything changes.  A
 * misaligned head the alloc rotated stays rotated: the kernel rotated it
 * too, when its pool was the model's.
 */
static int vmap_nodes_follow(struct vm_model *m, const struct vm_request *req,
			     uint64_t model_addr, uint64_t kernel_addr)
{
	struct vn_area *va = m->last, *in_way, *exact = NULL, *next;
	uint64_t size = req->size, search = 0;
	bool lazy_in_way = false;
	int ret = -EINVAL;

	if (!va || va->start != model_addr || va->state != AREA_BUSY)
		goto out;
	ret = -EEXIST;
	if (kernel_addr < m->win.lo || !vm_fits_below(kernel_addr, size, m->win.hi))
		goto out;
	for (in_way = area_at_or_above(m, kernel_addr, &search);
	     in_way && in_way->start < kernel_addr + size; in_way = area_of(rb_next(&in_way->rb))) {
		if (in_way != va && in_way->state == AREA_BUSY)
			goto out;
		lazy_in_way |= in_way->state == AREA_LAZY;
	}
	/* Undo: back into the pools it came from, or back to the tree. */
	if (m->last_pool_hit) {
		for (int n = 0; n < m->nr_nodes; n++)
			if (va->link[n].undo) {
				link_after(va->link[n].prev, &va->link[n]);
				pool_of(m, n, size)->len++;
			}
		va->state = AREA_POOLED;
		va->owner = m->last_owner;
		m->npooled++;
		if (va->owner == OWNER_OPEN)
			settle_open_head(m, va, request_owner(m, req));
	} else if ((ret = area_release(m, va, &search))) {
		goto out;
	}
	m->last = NULL;
	/*
	 * The kernel reused a range the model still holds lazy: its purge ran
	 * before this alloc, though trace_purge_vmap_area_lazy() comes at the
	 * end of __purge_vmap_area_lazy(), after pools were refilled and while
	 * allocations went on.  Purge now; the event, when it comes, finds the
	 * lists the kernel detached at its start already purged.
	 */
	if (lazy_in_way) {
		if ((ret = purge(m, &purge_detached, &search)))
			goto out;
		m->purged_early = true;
	}
	for (in_way = area_at_or_above(m, kernel_addr, &search);
	     in_way && in_way->start < kernel_addr + size; in_way = next) {
		next = area_of(rb_next(&in_way->rb));
		if (in_way->start == kernel_addr && in_way->size == size) {
			exact = in_way;
			break;
		}
		pool_take(m, in_way, false);
		if ((ret = give_to_tree(m, &in_way, 1, false, &search)))
			goto out;
	}
	if (exact) {
		if (exact->state == AREA_POOLED)
			demote_above(m, exact, request_owner(m, req));
		pool_take(m, exact, false);
		exact->state = AREA_BUSY;
		exact->owner = request_owner(m, req);
		m->last = exact;
		ret = 0;
	} else {
		ret = place_from_tree(m, kernel_addr, size, request_owner(m, req), &m->last);
	}
out:
	return ret;
}

static const char *vmap_nodes_alloc_reason(const struct vm_model *m)
{
	return m->reason;
}

/* Busy areas only: lazy and pooled ones are free to the trace, not yet to the model. */
static int vmap_nodes_walk(struct vm_model *m, vm_walk_fn fn, void *arg)
{
	int ret = 0;

	for (struct rb_node *n = rb_first(&m->areas); !ret && n; n = rb_next(n))
		if (area_of(n)->state == AREA_BUSY)
			ret = fn(arg, area_of(n)->start, area_of(n)->size);
	return ret;
}

#define CHECK(cond, ...)                                               \
	do {                                                           \
		if (!(cond)) {                                         \
			snprintf(why, why_len, "vmap-nodes: " __VA_ARGS__); \
			return -EFAULT;                                \
		}                                                      \
	} while (0)

/* Each pool: its areas pooled, of its size, owned by its node or open; len right. */
static int check_pools(struct vm_model *m, size_t *links, char *why, size_t why_len)
{
	for (int node = 0; node < m->nr_nodes; node++)
		for (int idx = 0; idx < MAX_VA_SIZE_PAGES; idx++) {
			struct vn_pool *p = &m->pools[(size_t)node * MAX_VA_SIZE_PAGES + idx];
			uint64_t len = 0;

			for (struct pool_link *l = p->head.next; l != &p->head; l = l->next) {
				struct vn_area *va = l->va;

				CHECK(l == &va->link[node] && l->next->prev == l,
				      "pool %d/%d: a broken link at 0x%llx", node, idx,
				      (unsigned long long)va->start);
				CHECK(va->state == AREA_POOLED, "0x%llx is in pool %d/%d but not pooled",
				      (unsigned long long)va->start, node, idx);
				CHECK(pages_of(m, va->size) == (uint64_t)idx + 1 &&
				      va->size % m->win.page_size == 0,
				      "0x%llx (%llu bytes) is in the pool of %d pages",
				      (unsigned long long)va->start, (unsigned long long)va->size,
				      idx + 1);
				CHECK(va->owner == node || va->owner == OWNER_OPEN,
				      "0x%llx of node %d is in a pool of node %d",
				      (unsigned long long)va->start, va->owner, node);
				len++;
			}
			CHECK(len == p->len, "pool %d/%d holds %llu areas, its len says %llu",
			      node, idx, (unsigned long long)len, (unsigned long long)p->len);
			*links += len;
		}
	return 0;
}

/* Every area is exactly one of busy, lazy, pooled; areas and free blocks tile the window. */
static int vmap_nodes_check(struct vm_model *m, char *why, size_t why_len)
{
	struct rb_node *a = rb_first(&m->areas), *f = rb_first(&m->free.root);
	size_t nareas, links = 0, pooled_links = 0, npooled = 0, nlazy = 0;
	uint64_t at = m->win.lo;
	int ret;

	if ((ret = rb_verify(&m->areas, &nareas, why, why_len)) ||
	    (ret = free_tree_check(&m->free, "vmap-nodes", why, why_len)) ||
	    (ret = check_pools(m, &links, why, why_len)))
		return ret;
	for (size_t i = 0; i < m->nlazy; i++)
		CHECK(m->lazy[i]->state == AREA_LAZY, "0x%llx is on the lazy list but not lazy",
		      (unsigned long long)m->lazy[i]->start);
	while (a || f) {
		struct vn_area *va = area_of(a);
		struct vm_free *fv = free_of(f);

		if (va && va->start == at) {
			int in_pools = 0;

			for (int n = 0; n < m->nr_nodes; n++)
				in_pools += va->link[n].next != NULL;
			CHECK((va->state == AREA_POOLED) == (in_pools > 0),
			      "0x%llx is in %d pools in state %d", (unsigned long long)at, in_pools,
			      (int)va->state);
			CHECK(va->owner == OWNER_OPEN || in_pools <= 1,
			      "0x%llx of one node is in %d pools", (unsigned long long)at, in_pools);
			pooled_links += in_pools;
			npooled += va->state == AREA_POOLED;
			nlazy += va->state == AREA_LAZY;
			at += va->size;
			a = rb_next(a);
		} else {
			CHECK(fv && fv->start == at, "nothing busy, lazy, pooled or free starts at 0x%llx",
			      (unsigned long long)at);
			at = fv->end;
			f = rb_next(f);
		}
	}
	CHECK(at == m->win.hi, "the spans end at 0x%llx, not at the window end",
	      (unsigned long long)at);
	CHECK(links == pooled_links && npooled == m->npooled,
	      "the pools hold %zu links, the areas %zu; %zu areas pooled, counted %zu",
	      links, pooled_links, npooled, m->npooled);
	CHECK(nlazy == m->nlazy, "%zu lazy areas, the lazy list holds %zu", nlazy, m->nlazy);
	return 0;
}

/*
 * One struct vmap_area per busy or free area: 72 bytes on x86_64 in 6.9 -
 * 6.18 (include/linux/vmalloc.h: va_start, va_end 16, rb_node 24, list 16,
 * the union of subtree_max_size and vm 8, flags 8).  The pools' list
 * heads and the per-node structs are left out: a few per CPU.
 */
static uint64_t vn_metadata_bytes(const struct vm_model *m)
{
	return (m->nareas + m->free.count) * 72;
}

const struct vm_allocator_ops vm_allocator_vmap_nodes = {
	.name = "vmap-nodes",
	.description = "Linux 6.9-6.18: per-CPU vmap nodes with per-size pools in front of the "
		       "augmented free tree, lazy frees purged into the pools",
	/* Every tree search, split and merge; the pool and lazy locks are
	 * per node and held for a list operation only. */
	.locking = { "free_vmap_area_lock", VM_LOCK_SPINLOCK,
		     "the free-tree search and split on a pool miss (alloc); the release of "
		     "decayed and unpooled areas into the free tree (purge)" },
	/* Pools, their order, lazy lists and the tree's shape all carry history. */
	.history_dependent = true,
	.notes = "A freed area is not reusable until a purge, which pushes each small area "
		 "onto the head of a per-size pool of the node (CPU) that allocated it. A "
		 "request in the full vmalloc window takes the head of its CPU's pool when it "
		 "is aligned, wherever it lies, without searching the tree: the most recently "
		 "purged, highest-addressed area of its size comes back first, and lower "
		 "free space of the same size stays unused. Only a pool miss, or a request "
		 "with its own window, searches the free tree, as augmented-5.19 does.",
	.create = vmap_nodes_create,
	.destroy = vmap_nodes_destroy,
	.reserve = vmap_nodes_reserve,
	.alloc = vmap_nodes_alloc,
	.free = vmap_nodes_free,
	.purge = vmap_nodes_purge,
	.follow = vmap_nodes_follow,
	.alloc_reason = vmap_nodes_alloc_reason,
	.metadata_bytes = vn_metadata_bytes,
	.walk = vmap_nodes_walk,
	.check = vmap_nodes_check,
};
