/* SPDX-License-Identifier: MIT */
/* The lowest-fit audit of lowest_fit.h, on a shadow free tree. */
#include <errno.h>
#include <stdlib.h>

#include "allocator/ds/free_tree.h"
#include "allocator/lowest_fit.h"
#include "lib/vmmath.h"

struct lowest_fit_audit {
	struct free_tree shadow;	/* the model's layout, in an exact lowest-fit index */
	struct vm_window win;
};

int lowest_fit_audit_create(const struct vm_window *win, struct lowest_fit_audit **out)
{
	struct lowest_fit_audit *a = calloc(1, sizeof(*a));
	int ret;

	if (!a)
		return -ENOMEM;
	a->win = *win;
	ret = free_tree_init(&a->shadow, win->lo, win->hi);
	if (ret) {
		free(a);
		return ret;
	}
	*out = a;
	return 0;
}

void lowest_fit_audit_destroy(struct lowest_fit_audit *a)
{
	if (!a)
		return;
	free_tree_clear(&a->shadow);
	free(a);
}

int lowest_fit_audit_query(const struct lowest_fit_audit *a, uint64_t size, uint64_t align,
			   uint64_t vstart, uint64_t vend, uint64_t *addr,
			   uint64_t *block_size)
{
	uint64_t start = vm_max(a->win.lo, vstart), end = vm_min(a->win.hi, vend);
	const struct vm_free *block;
	int ret;

	if (start >= end)
		return -ENOMEM;
	ret = free_tree_lowest_fit(&a->shadow, size, align, start, end, addr, &block);
	if (!ret && block_size)
		*block_size = block->end - block->start;
	return ret;
}

int lowest_fit_audit_alloc(struct lowest_fit_audit *a, uint64_t size, uint64_t align,
			   uint64_t vstart, uint64_t vend, bool placed, uint64_t addr,
			   bool *departed)
{
	uint64_t lowest;
	bool fits = !lowest_fit_audit_query(a, size, align, vstart, vend, &lowest, NULL);

	*departed = fits != placed || (placed && lowest != addr);
	return placed ? free_tree_carve(&a->shadow, addr, size) : 0;
}

int lowest_fit_audit_reserve(struct lowest_fit_audit *a, uint64_t addr, uint64_t size)
{
	return free_tree_carve(&a->shadow, addr, size);
}

int lowest_fit_audit_release(struct lowest_fit_audit *a, uint64_t addr, uint64_t size)
{
	uint64_t search = 0;

	return free_tree_release(&a->shadow, addr, size, &search);
}
