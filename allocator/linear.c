/* SPDX-License-Identifier: MIT */
/*
 * linear: the vm_struct list of Linux 2.4 .. 2.6.27.
 *
 * get_vm_area() (2.4) and __get_vm_area_node() (2.6.20) keep every busy
 * area in one singly linked list, `vmlist`, ordered by address, and search
 * it from the head for the lowest-address hole that fits: first fit, O(n)
 * in the number of busy areas, under vmlist_lock held for writing.
 *
 * Invariants (checked by linear_check):
 *   - the list is sorted by address and areas do not overlap;
 *   - every area has size > 0 and lies inside the window;
 *   - `count` is the number of nodes and `tail` the last one.
 *
 * Search length: alloc counts every node the placement loop examines, the
 * node it stops at included (an empty list examines none); free counts the
 * nodes examined from the head up to and including the match (all nodes
 * when there is no match, as remove_vm_area() walked to the end).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "allocator/ds/instance.h"
#include "allocator/allocator.h"
#include "lib/vmmath.h"

struct vm_area_node {
	uint64_t addr;
	uint64_t size;
	struct vm_area_node *next;
};

struct vm_model {
	struct vm_window win;
	struct vm_area_node *head;
	/* The last node, so that a snapshot given in address order loads in
	 * linear time; the kernel had no such pointer and no search uses it. */
	struct vm_area_node *tail;
	uint64_t count;
};

static int linear_create(const struct vm_window *win, struct vm_model **out)
{
	struct vm_model *m;
	int ret = 0;

	m = model_instance_alloc(win, sizeof(*m), &ret);
	if (!m)
		return ret;
	m->win = *win;
	*out = m;
	return 0;
}

static void linear_destroy(struct vm_model *m)
{
	struct vm_area_node *n, *next;

	if (!m)
		return;
	for (n = m->head; n; n = next) {
		next = n->next;
		free(n);
	}
	free(m);
}

static int linear_link(struct vm_model *m, struct vm_area_node **link,
		       uint64_t addr, uint64_t size)
{
	struct vm_area_node *n = malloc(sizeof(*n));

	if (!n)
		return -ENOMEM;
	n->addr = addr;
	n->size = size;
	n->next = *link;
	*link = n;
	if (!n->next)
		m->tail = n;
	m->count++;
	return 0;
}

static int linear_reserve(struct vm_model *m, uint64_t addr, uint64_t size)
{
	struct vm_area_node **link = &m->head;

	if (addr < m->win.lo || !vm_fits_below(addr, size, m->win.hi))
		return -ERANGE;
	if (m->tail && m->tail->addr + m->tail->size <= addr)
		link = &m->tail->next;
	while (*link && (*link)->addr + (*link)->size <= addr)
		link = &(*link)->next;
	if (*link && (*link)->addr < addr + size)
		return -EEXIST;
	return linear_link(m, link, addr, size);
}

/*
 * The placement loop of __get_vm_area_node() (2.6.20), step for step.
 * Returns the link to insert before with *addr set, or NULL when the
 * request does not fit.
 */
static struct vm_area_node **vmlist_find_fit(struct vm_model *m, uint64_t size,
					     uint64_t align, uint64_t start,
					     uint64_t end, uint64_t *addr_out,
					     uint64_t *search)
{
	struct vm_area_node **link, *tmp;
	uint64_t addr;

	*search = 0;
	if (!vm_align_up(start, align, &addr))
		return NULL;
	for (link = &m->head; (tmp = *link); link = &tmp->next) {
		++*search;
		if (tmp->addr < addr) {
			/* An area reaching up to addr (touching counts) pushes it on. */
			if (tmp->addr + tmp->size >= addr &&
			    !vm_align_up(tmp->addr + tmp->size, align, &addr))
				return NULL;
			continue;
		}
		/* The kernel's `size + addr <= tmp->addr`, without the wrap. */
		if (size <= tmp->addr - addr)
			break;
		if (!vm_align_up(tmp->addr + tmp->size, align, &addr) ||
		    !vm_fits_below(addr, size, end))
			return NULL;
	}
	/* Stopped before tmp, or after the last node: it must end by `end`. */
	if (!vm_fits_below(addr, size, end))
		return NULL;
	*addr_out = addr;
	return link;
}

static int linear_alloc(struct vm_model *m, const struct vm_request *req, uint64_t *addr,
			uint64_t *search)
{
	uint64_t start = vm_max(m->win.lo, req->vstart), end = vm_min(m->win.hi, req->vend);
	struct vm_area_node **link;

	*search = 0;
	if (start >= end)
		return -ENOMEM;
	link = vmlist_find_fit(m, req->size, req->align, start, end, addr, search);
	if (!link)
		return -ENOMEM;
	return linear_link(m, link, *addr, req->size);
}

static int linear_free(struct vm_model *m, uint64_t addr, uint64_t *search)
{
	struct vm_area_node **link, *tmp, *prev = NULL;

	*search = 0;
	for (link = &m->head; (tmp = *link); prev = tmp, link = &tmp->next) {
		++*search;
		if (tmp->addr == addr) {
			*link = tmp->next;
			if (m->tail == tmp)
				m->tail = prev;
			free(tmp);
			m->count--;
			return 0;
		}
	}
	return -ENOENT;
}

/*
 * One struct vm_struct per area: 64 bytes on x86_64 in 2.6.26 - 2.6.27
 * (include/linux/vmalloc.h: next, addr, size, flags, pages 40, nr_pages 4
 * + 4 padding, phys_addr 8, caller 8).
 */
static uint64_t linear_metadata_bytes(const struct vm_model *m)
{
	return m->count * 64;
}

static int linear_walk(struct vm_model *m, vm_walk_fn fn, void *arg)
{
	struct vm_area_node *n;
	int ret;

	for (n = m->head; n; n = n->next) {
		ret = fn(arg, n->addr, n->size);
		if (ret)
			return ret;
	}
	return 0;
}

static int linear_check(struct vm_model *m, char *why, size_t why_len)
{
	struct vm_area_node *n, *prev = NULL;
	uint64_t count = 0;

	for (n = m->head; n; prev = n, n = n->next, count++) {
		if (!n->size || n->addr < m->win.lo ||
		    !vm_fits_below(n->addr, n->size, m->win.hi)) {
			snprintf(why, why_len,
				 "linear: area 0x%llx+0x%llx outside the window or empty",
				 (unsigned long long)n->addr, (unsigned long long)n->size);
			return -EFAULT;
		}
		if (prev && prev->addr + prev->size > n->addr) {
			snprintf(why, why_len,
				 "linear: area 0x%llx overlaps or precedes 0x%llx",
				 (unsigned long long)n->addr, (unsigned long long)prev->addr);
			return -EFAULT;
		}
	}
	if (m->tail != prev) {
		snprintf(why, why_len, "linear: tail pointer is not the last node");
		return -EFAULT;
	}
	if (count != m->count) {
		snprintf(why, why_len, "linear: %llu nodes, count says %llu",
			 (unsigned long long)count, (unsigned long long)m->count);
		return -EFAULT;
	}
	return 0;
}

const struct vm_allocator_ops vm_allocator_linear = {
	.name = "linear",
	.description = "Linux 2.4-2.6.27 vm_struct list, linear lowest-address first fit",
	/* get_vm_area() and remove_vm_area() ran the whole list walk under
	 * write_lock(&vmlist_lock); 2.4's vfree() also freed the pages and
	 * flushed the TLB before dropping it. */
	.locking = { "vmlist_lock", VM_LOCK_RWLOCK,
		     "the whole list walk and the link/unlink of the vm_struct" },
	/* Lowest-address first fit: nothing to explain. */
	.notes = NULL,
	.create = linear_create,
	.destroy = linear_destroy,
	.reserve = linear_reserve,
	.alloc = linear_alloc,
	.free = linear_free,
	.metadata_bytes = linear_metadata_bytes,
	.walk = linear_walk,
	.check = linear_check,
};
